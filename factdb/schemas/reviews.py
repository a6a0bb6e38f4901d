"""Reviews (verdicts) and the evidence behind them."""

from __future__ import annotations

from pydantic import Field, model_validator

from factdb.domain import Stance, Status
from factdb.schemas.base import InputModel
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
