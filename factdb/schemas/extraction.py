"""Candidate claims proposed from an article, and what recording them did."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from factdb.domain import ClaimantKind
from factdb.schemas.base import InputModel, ReadModel
from factdb.schemas.sources import SourceCreate
from factdb.schemas.types import (
    MAX_SOURCE_TEXT_LENGTH,
    ClaimText,
    LanguageTag,
    Name,
    Note,
    Quote,
    Title,
    Url,
    UtcDatetime,
)


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


def _analysable(value: str) -> str:
    """Any text but an empty one or one too long; control characters are no reason to refuse
    an article (the extractor reads them as spaces). Recording it is another matter: the source
    text is then validated as every source text is."""
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > MAX_SOURCE_TEXT_LENGTH:
        raise ValueError(
            f"is {len(value):,} characters long; the limit is {MAX_SOURCE_TEXT_LENGTH:,}"
        )
    return value


ArticleText = Annotated[str, AfterValidator(_analysable)]


class ArticleMeta(InputModel):
    """The article to extract from: its exact text and what is known about where it appeared."""

    text: ArticleText
    url: Url | None = None
    title: Title | None = None
    publisher: Name | None = None
    published_at: UtcDatetime | None = None
    language: LanguageTag | None = None

    def source(self) -> SourceCreate | None:
        """The source to record, once its URL is known."""
        if self.url is None:
            return None
        return SourceCreate.model_validate(self.model_dump())


class ClaimProposal(InputModel):
    """A candidate the user keeps: the claim as worded (maybe edited) and its exact quote."""

    text: ClaimText
    claimant: Name | None = None
    claimant_kind: ClaimantKind = ClaimantKind.UNKNOWN
    claimant_role: Note | None = None
    quote: Quote
    start: int = Field(ge=0, le=MAX_SOURCE_TEXT_LENGTH)
