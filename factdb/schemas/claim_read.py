"""A claim as factdb hands it back, with everything it owns (``show``, listings, exports).

Apart from the input schemas, whose validators and classes ``show`` has no use for; the modules
of those schemas (claims, sources) re-export them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, Field, field_validator

from factdb.domain import ClaimantKind, Stance, Status, StatusBasis
from factdb.schemas.base import ReadModel


class SourceBrief(ReadModel):
    id: int
    url: str
    title: str | None
    publisher: str | None
    published_at: datetime | None


class ClaimantRead(ReadModel):
    id: int
    name: str
    kind: ClaimantKind
    role: str | None = None
    same_as: str | None = None


class EvidenceRead(ReadModel):
    url: str
    title: str | None
    stance: Stance


class ReviewRead(ReadModel):
    id: int
    status: Status
    rating_label: str
    note: str | None
    reviewer: str
    reviewed_at: datetime | None  # None: the source did not say when
    url: str | None
    evidence: list[EvidenceRead]
    status_basis: StatusBasis
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    publisher: str | None
    publisher_url: str | None
    title: str | None
    language: str | None


class AppearanceRead(ReadModel):
    id: int
    source: SourceBrief
    quote: str | None
    start: int | None = Field(validation_alias=AliasChoices("start", "quote_start"))
    end: int | None = Field(validation_alias=AliasChoices("end", "quote_end"))


class ExternalIdRead(ReadModel):
    """The claim's id in a data set it was imported from."""

    dataset: str
    id: str = Field(validation_alias=AliasChoices("id", "external_id"))


class ClaimRead(ReadModel):
    id: int
    uid: uuid.UUID
    external_ids: list[ExternalIdRead] = Field(default_factory=list)
    text: str
    status: Status
    claimant: ClaimantRead | None
    claim_date: date | None
    language: str | None
    tags: list[str]
    fingerprint: str
    appearances: list[AppearanceRead]
    reviews: list[ReviewRead]
    created_at: datetime
    updated_at: datetime
    version: int
    deleted_at: datetime | None

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_names(cls, value: Any) -> Any:
        # Sorted here, not by the database, whose collation differs between servers.
        return sorted(getattr(item, "tag", item) for item in value)

    @property
    def latest_review(self) -> ReviewRead | None:
        return self.reviews[-1] if self.reviews else None
