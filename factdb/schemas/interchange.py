"""Interchange records: a claim with everything it owns, as files carry it between databases.

Every reader (JSON Lines, CSV, ClaimReview, Google Fact Check Tools) produces ``ClaimRecord``
input; the importer knows only this shape. The JSON Lines export writes the same shape, without
local integer ids, so a file moves between databases and round-trips exactly.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from factdb.domain import Stance, StatusBasis
from factdb.errors import Hint
from factdb.schemas.base import InputModel
from factdb.schemas.sources import ClaimantCreate, SourceCreate
from factdb.schemas.types import (
    MAX_SOURCE_TEXT_LENGTH,
    ClaimText,
    IsoDate,
    Label,
    LanguageTag,
    Name,
    Note,
    Quote,
    ReviewMoment,
    StatusValue,
    Tag,
    Title,
    Url,
    UtcDatetime,
)

MAX_RECORD_APPEARANCES = 1_000
MAX_RECORD_REVIEWS = 1_000


class SourceRecord(SourceCreate):
    # The full text travels with the first claim that cites the source in a file, not with
    # every claim, so a backup does not repeat an article once per claim.
    text_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class AppearanceRecord(InputModel):
    source: SourceRecord
    quote: Quote | None = None
    start: int | None = Field(default=None, ge=0, le=MAX_SOURCE_TEXT_LENGTH)
    end: int | None = Field(default=None, ge=0, le=MAX_SOURCE_TEXT_LENGTH)

    @model_validator(mode="after")
    def _span_is_whole(self) -> AppearanceRecord:
        if (self.start is None) != (self.end is None):
            raise ValueError("a span needs both start and end")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("a span's end must come after its start")
        return self


class EvidenceRecord(InputModel):
    url: Url
    title: Title | None = None
    stance: Stance = Stance.CONTEXT


class ReviewRecord(InputModel):
    """A verdict as published. ``status`` may be absent: the importer maps the label to one."""

    status: StatusValue | None = None
    status_basis: StatusBasis | None = None
    rating_label: Label | None = None
    rating_value: float | None = Field(default=None, allow_inf_nan=False)
    best_rating: float | None = Field(default=None, allow_inf_nan=False)
    worst_rating: float | None = Field(default=None, allow_inf_nan=False)
    note: Note | None = None
    reviewer: Name | None = None
    publisher: Name | None = None
    publisher_url: Url | None = None
    title: Title | None = None
    language: LanguageTag | None = None
    reviewed_at: ReviewMoment | None = None
    url: Url | None = None
    evidence: list[EvidenceRecord] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _is_a_review(self) -> ReviewRecord:
        # A published fact-check without a rating is still a review (its status: 'other').
        verdict = (self.status, self.rating_label, self.rating_value, self.url)
        if all(part is None for part in verdict):
            raise ValueError("a review needs a status, a rating label, a rating value or a URL")
        return self


class ExternalIdRecord(InputModel):
    """A record's own id in a data set; ids are unique only within their data set."""

    dataset: Name
    id: Name


class ClaimRecord(InputModel):
    uid: uuid.UUID | None = None
    external_ids: list[ExternalIdRecord] = Field(default_factory=list, max_length=100)
    text: ClaimText
    claimant: ClaimantCreate | None = None
    claim_date: IsoDate | None = None
    language: LanguageTag | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    status: StatusValue | None = None
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None
    appearances: list[AppearanceRecord] = Field(
        default_factory=list, max_length=MAX_RECORD_APPEARANCES
    )
    reviews: list[ReviewRecord] = Field(default_factory=list, max_length=MAX_RECORD_REVIEWS)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(tags))


class ExportedSource(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    url: str
    title: str | None
    publisher: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    text_sha256: str | None
    text: str | None


class ExportedAppearance(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    source: ExportedSource
    quote: str | None
    start: int | None
    end: int | None


class ExportedEvidence(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    url: str
    title: str | None
    stance: str


class ExportedReview(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    status: str
    status_basis: str
    rating_label: str
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    note: str | None
    reviewer: str
    publisher: str | None
    publisher_url: str | None
    title: str | None
    language: str | None
    reviewed_at: datetime | None
    url: str | None
    evidence: list[ExportedEvidence]


class ExportedClaimant(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    kind: str
    role: str | None
    same_as: str | None


class ExportedExternalId(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    dataset: str
    id: str


class ExportedClaim(BaseModel):
    """One line of the JSON Lines backup: the claim and all it owns, without local ids."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    uid: uuid.UUID
    external_ids: list[ExportedExternalId] = Field(default_factory=list)
    text: str
    claimant: ExportedClaimant | None
    claim_date: date | None
    language: str | None
    tags: list[str]
    status: str
    created_at: datetime
    updated_at: datetime
    appearances: list[ExportedAppearance]
    reviews: list[ExportedReview]


class RejectedRecord(BaseModel):
    """A record an import could not take, with where it was and why."""

    location: str
    reason: str
    record: Any = None
    # What the user can do about it; the interface words it into the reason it shows.
    hints: tuple[Hint, ...] = Field(default=(), exclude=True)
