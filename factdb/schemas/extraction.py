"""Candidate claims proposed from an article, and what recording them did."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from factdb.domain import ClaimantKind
from factdb.schemas.base import ReadModel


class ClaimType(StrEnum):
    """What kind of statement a candidate is; the seeds' ``kind`` uses the same words."""

    STATISTIC = "statistic"
    QUOTE = "quote"
    EVENT = "event"
    CAUSAL = "causal"
    COMPARATIVE = "comparative"
    POSITION = "statement of position"
    OTHER = "other"


class Reason(StrEnum):
    """A feature that made a sentence look check-worthy."""

    NUMBER = "number"
    DATE = "date"
    NAMED_ENTITY = "named entity"
    ATTRIBUTION = "attribution verb"
    QUOTATION = "quotation marks"
    COMPARISON = "comparison"
    CAUSE = "cause"
    EVENT = "event verb"
    POSITION = "position verb"


class Attribution(StrEnum):
    """How the claimant was found."""

    REPORTED_SPEECH = "reported speech"
    ACCORDING_TO = "according to"
    QUOTATION = "quotation"
    ROLE_REFERENCE = "role reference"
    PRONOUN = "pronoun"
    PUBLISHER = "publisher's voice"
    NONE = "none"


class ExtractedClaim(ReadModel):
    """A check-worthy candidate: the exact words at ``text[start:end]`` of the source text."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float = Field(ge=0, le=1)
    type: ClaimType
    reasons: list[Reason]
    claimant: str | None
    claimant_kind: ClaimantKind = ClaimantKind.UNKNOWN
    claimant_role: str | None = None
    attribution: Attribution = Attribution.NONE


class ExtractionSummary(ReadModel):
    """What ``extract --add`` recorded: a second run over the same article records nothing."""

    source_id: int
    source_created: bool
    claims_created: int = 0
    appearances_added: int = 0
    already_recorded: int = 0
