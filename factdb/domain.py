"""Vocabularies shared by every layer: statuses, claimant kinds, evidence stances.

Kept free of heavy imports so the CLI can use them in option declarations cheaply.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A claim's normalised verification status."""

    UNVERIFIED = "unverified"
    IN_REVIEW = "in_review"
    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    MIXED = "mixed"
    MOSTLY_FALSE = "mostly_false"
    FALSE = "false"
    MISLEADING = "misleading"
    UNPROVEN = "unproven"
    OTHER = "other"

    @property
    def display_name(self) -> str:
        return _STATUS_DISPLAY[self]

    @property
    def rating_value(self) -> int | None:
        """The ClaimReview number (worst 1, best 5), or None where the scale has none."""
        return _STATUS_RATING.get(self)


_STATUS_DISPLAY: dict[Status, str] = {
    Status.UNVERIFIED: "Unverified",
    Status.IN_REVIEW: "In review",
    Status.TRUE: "True",
    Status.MOSTLY_TRUE: "Mostly true",
    Status.MIXED: "Mixed",
    Status.MOSTLY_FALSE: "Mostly false",
    Status.FALSE: "False",
    Status.MISLEADING: "Misleading",
    Status.UNPROVEN: "Unproven",
    Status.OTHER: "Other",
}

_STATUS_RATING: dict[Status, int] = {
    Status.TRUE: 5,
    Status.MOSTLY_TRUE: 4,
    Status.MIXED: 3,
    Status.MOSTLY_FALSE: 2,
    Status.FALSE: 1,
}

BEST_RATING = 5
WORST_RATING = 1


# Ids are 32-bit integers in PostgreSQL; a larger number cannot name a row on either database.
MAX_ID = 2**31 - 1


def parse_id(ref: str) -> int | None:
    """The id a reference names, or None when it is not a plain (ASCII) number in range."""
    ref = ref.strip()
    if not (ref.isascii() and ref.isdigit()):
        return None
    number = int(ref)
    return number if 1 <= number <= MAX_ID else 0


class ClaimantKind(StrEnum):
    """What sort of entity made a claim."""

    PERSON = "person"
    ORGANIZATION = "organization"
    GROUP = "group"
    UNKNOWN = "unknown"


class Stance(StrEnum):
    """How an evidence link bears on the claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class HistoryAction(StrEnum):
    """What happened to a claim, as recorded in its append-only history."""

    CREATED = "created"
    EDITED = "edited"
    TAGGED = "tagged"
    APPEARANCE_ADDED = "appearance_added"
    REVIEWED = "reviewed"
    IMPORTED = "imported"
    DELETED = "deleted"
    RESTORED = "restored"
    RELABELED = "relabeled"  # reviews' statuses re-derived from their labels (factdb relabel)


class StatusBasis(StrEnum):
    """How a review's status was reached from what the fact-checker published."""

    GIVEN = "given"  # chosen by the reviewer, or carried by a factdb file
    CUSTOM = "custom"  # the label, through the user's --rating-map
    LABEL = "label"  # the label, through factdb's built-in table
    RATING = "rating"  # the numeric rating on its published scale
    UNMAPPED = "unmapped"  # nothing matched: status 'other', the label kept as published


class ExportFormat(StrEnum):
    """The file formats ``factdb export`` writes."""

    CSV = "csv"
    JSONL = "jsonl"
    CLAIMREVIEW = "claimreview"


class ReportFormat(StrEnum):
    """The forms ``factdb report`` takes."""

    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


class CardLayout(StrEnum):
    """How an HTML report holds its claim cards: all in the page, or opened on demand."""

    AUTO = "auto"
    INLINE = "inline"
    FOLDED = "folded"


# Above this many claims ``auto`` folds the cards: laying out every card of a 100,000-claim report
# kept a browser busy for minutes.
INLINE_CARDS = 1_000


class OnError(StrEnum):
    """What an import does with an invalid record."""

    ABORT = "abort"  # nothing is written
    SKIP = "skip"  # the valid records are imported, the invalid ones reported


def choices(enum: type[StrEnum]) -> str:
    """The values of a vocabulary, for help texts and error messages."""
    return ", ".join(member.value for member in enum)


def parse_status(value: object) -> object:
    """Accept a status as typed by people: any case, spaces or hyphens for underscores."""
    if isinstance(value, str):
        return "_".join(value.strip().lower().replace("-", " ").split())
    return value
