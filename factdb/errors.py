"""Domain errors. Each one is a one-line message the CLI shows as ``Error: …``.

The CLI maps them to exit codes in one place: invalid input exits 2, every other failure 1.
"""

from __future__ import annotations


class FactdbError(Exception):
    """Something factdb could not do; the message says what."""

    exit_code = 1


class InvalidInputError(FactdbError):
    """The input is malformed or out of range: nothing was written."""

    exit_code = 2


class QuoteNotFoundError(InvalidInputError):
    """The quote does not occur in the source's text."""


class NotFoundError(FactdbError):
    """No record has that id, URL or name."""


class DuplicateClaimError(FactdbError):
    """A claim with the same normalised text already exists."""

    def __init__(self, message: str, *, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class ConflictError(FactdbError):
    """The change conflicts with what is already recorded."""


class SchemaOutOfDateError(FactdbError):
    """The database schema is not at the revision this factdb needs."""


class DatabaseError(FactdbError):
    """The database could not be reached or refused the operation."""


class SeedError(FactdbError):
    """The seed data is inconsistent with itself or with the database."""


class ImportFormatError(InvalidInputError):
    """A file cannot be read as the format it was given as; the message says where."""
