"""Reviews (verdicts) and the evidence behind them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from factdb.domain import Stance, Status, StatusBasis
from factdb.schemas.base import InputModel, ReadModel
from factdb.schemas.types import (
    Label,
    LanguageTag,
    Name,
    Note,
    ReviewMoment,
    StatusValue,
    Title,
    Url,
)

MAX_EVIDENCE_PER_REVIEW = 100


class EvidenceCreate(InputModel):
    url: Url
    title: Title | None = None
    stance: Stance = Stance.CONTEXT


class ReviewCreate(InputModel):
    status: StatusValue
    rating_label: Label | None = None
    note: Note | None = None
    reviewer: Name
    reviewed_at: ReviewMoment | None = None
    url: Url | None = None
    evidence: list[EvidenceCreate] = Field(default_factory=list, max_length=MAX_EVIDENCE_PER_REVIEW)
    # What a fact-checker published, when the review comes from one (imports, or --publisher).
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: Name | None = None
    publisher_url: Url | None = None
    title: Title | None = None
    language: LanguageTag | None = None

    @model_validator(mode="after")
    def _reviews_set_a_verdict(self) -> ReviewCreate:
        if self.status is Status.UNVERIFIED:
            raise ValueError("a review cannot set the status back to 'unverified'")
        return self

    @property
    def label(self) -> str:
        """The label as published, or the status' display name when none was given."""
        return self.rating_label or self.status.display_name


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
