"""The shapes of what factdb reports: ``info`` and ``stats`` figures, and the report's summary,
claims with their history, and annotated sources.

Plain read models filled from set-based queries (never from ORM objects), so a report of a large
database costs a few queries per page of claims.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from factdb.domain import Stance, Status


class ReportModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class StatusCount(ReportModel):
    status: Status
    count: int


class VerdictMix(ReportModel):
    """One claimant's or source's claims, counted by status."""

    name: str
    url: str | None = None
    claims: int
    by_status: dict[Status, int]


class ReportSummary(ReportModel):
    """The figures at the top of every report, over the claims the filter selects."""

    title: str
    generated_at: datetime
    filters: str
    claims: int
    reviewed: int
    by_status: list[StatusCount]
    reviews_by_month: list[tuple[str, int]]
    by_claimant: list[VerdictMix]
    claimant_count: int
    by_source: list[VerdictMix]
    source_count: int

    @property
    def unreviewed(self) -> int:
        return self.claims - self.reviewed

    @property
    def empty_message(self) -> str:
        """What a report without claims says instead of its tables."""
        if self.filters:
            return "No claims match these filters."
        return "No claims recorded yet."


class ReportEvidence(ReportModel):
    url: str
    title: str | None
    stance: Stance


class ReportReview(ReportModel):
    status: Status
    rating_label: str
    note: str | None
    reviewer: str
    reviewed_at: datetime | None
    url: str | None
    evidence: list[ReportEvidence]


class ReportAppearance(ReportModel):
    """Where a claim appeared; ``in_report`` when its source's text is shown with the span."""

    source_id: int
    source_url: str
    source_title: str | None
    quote: str | None
    start: int | None
    end: int | None
    in_report: bool


class ReportClaim(ReportModel):
    id: int
    text: str
    claimant: str | None
    status: Status
    claim_date: date | None
    tags: list[str]
    reviews: list[ReportReview]
    appearances: list[ReportAppearance]

    @property
    def rating_label(self) -> str:
        """The newest review's label as published, or the status' name before any review."""
        return self.reviews[-1].rating_label if self.reviews else self.status.display_name


class ReportSpan(ReportModel):
    """A claim's quote in a source's text, as character offsets (end exclusive)."""

    claim_id: int
    status: Status
    start: int
    end: int


class ReportSource(ReportModel):
    id: int
    url: str
    title: str | None
    publisher: str | None
    published_at: datetime | None
    text: str
    spans: list[ReportSpan]


class DatabaseInfo(BaseModel):
    database: str
    dialect: str
    revision: str | None
    head: str
    counts: dict[str, int]
    statuses: dict[str, int]


class Stats(BaseModel):
    """What ``factdb stats`` reports: live (not deleted) claims, counted several ways."""

    claims: int
    reviewed: int
    deleted: int
    by_status: dict[str, int]
    by_language: dict[str, int]
    by_month: dict[str, int]
    top_claimants: list[tuple[str, int]]
    top_sources: list[tuple[str, int]]
