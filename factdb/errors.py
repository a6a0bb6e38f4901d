"""Domain errors. Each one is a one-line message the CLI shows as ``Error: …``.

The CLI maps them to exit codes in one place: invalid input exits 2, every other failure 1.
What the user can do about an error travels beside the message as ``Hint`` data, in the domain's
terms (a setting, a claim to restore); the interface words it (the CLI names its options and
commands), so no layer below the CLI knows its syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Setting(StrEnum):
    """An input setting a hint points to."""

    COLUMN_MAP = "column_map"  # which column (by name, or number) feeds which field
    NO_HEADER = "no_header"  # the file's first row is data, not a header
    ENCODING = "encoding"  # the file's character encoding
    DATE_FORMAT = "date_format"  # how the file writes its dates
    QUOTE = "quote"  # the character the file quotes its values with
    FORMAT = "format"  # the file's format
    OVERWRITE = "overwrite"  # replace a file that exists
    ALLOW_DUPLICATE = "allow_duplicate"  # keep a claim whose text another claim has


class Action(StrEnum):
    """What a hint asks the user to do."""

    GIVE_SETTING = "give_setting"
    UPGRADE_SCHEMA = "upgrade_schema"
    RESTORE_CLAIM = "restore_claim"
    ADD_APPEARANCE = "add_appearance"  # add the source to the existing claim instead
    REREAD_CLAIM = "reread_claim"  # look at the claim as it is now


@dataclass(frozen=True)
class Hint:
    """One thing the user can do about a failure."""

    action: Action
    setting: Setting | None = None
    example: str | None = None  # a value for the setting, e.g. '%d/%m/%Y'
    claim_id: int | None = None

    @classmethod
    def give(cls, setting: Setting, example: str | None = None) -> Hint:
        return cls(Action.GIVE_SETTING, setting=setting, example=example)

    @classmethod
    def about_claim(cls, action: Action, claim_id: int) -> Hint:
        return cls(action, claim_id=claim_id)


class HintedValueError(ValueError):
    """A value a reader or validator refuses, with hints. Raised inside a Pydantic validator, it
    stays in the validation error's context, so the hints reach the user there too."""

    def __init__(self, message: str, *, hints: Sequence[Hint] = ()) -> None:
        super().__init__(message)
        self.hints = tuple(hints)


class FactdbError(Exception):
    """Something factdb could not do; the message says what, the hints what to do about it."""

    exit_code = 1

    def __init__(self, message: str, *, hints: Sequence[Hint] = ()) -> None:
        super().__init__(message)
        self.hints = tuple(hints)


class InvalidInputError(FactdbError):
    """The input is malformed or out of range: nothing was written."""

    exit_code = 2


class QuoteNotFoundError(InvalidInputError):
    """The quote does not occur in the source's text."""


class NotFoundError(FactdbError):
    """No record has that id, URL or name."""


class DuplicateClaimError(FactdbError):
    """A claim with the same normalised text already exists."""

    def __init__(self, message: str, *, existing_id: int, hints: Sequence[Hint] = ()) -> None:
        super().__init__(message, hints=hints)
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
