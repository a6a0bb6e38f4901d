"""Importing claim records: idempotent merging, all or nothing unless told to skip bad records.

Matching rules, so that importing the same file twice adds nothing:
claims by uid, then by normalised text and claimant; sources by normalised URL; reviews by
claim and review URL, else by claim, reviewer, date and label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, OnError, Status, StatusBasis
from factdb.errors import FactdbError, InvalidInputError
from factdb.formats.records import RawRecord
from factdb.models import Appearance, Claim, ClaimTag, Review, Source, utcnow
from factdb.ratings import RatingMapper
from factdb.schemas.interchange import AppearanceRecord, ClaimRecord, RejectedRecord, ReviewRecord
from factdb.schemas.reviews import EvidenceCreate, ReviewCreate
from factdb.schemas.sources import SourceCreate
from factdb.schemas.types import fingerprint, sha256_text
from factdb.services.claimants import get_or_create_claimant
from factdb.services.claims import locate_quote
from factdb.services.history import record_history
from factdb.services.reviews import append_review, refresh_status
from factdb.services.sources import create_source

UNKNOWN_REVIEWER = "unknown"
TOP_UNMAPPED_LABELS = 10


class ImportRecordError(InvalidInputError):
    """A record cannot be imported; the message names the record and the reason."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


@dataclass(frozen=True)
class ImportOptions:
    actor: str
    on_error: OnError = OnError.ABORT
    rating_mapper: RatingMapper = field(default_factory=RatingMapper)
    default_language: str | None = None


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    failed: int = 0
    reviews_added: int = 0
    appearances_added: int = 0
    unmapped_labels: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)

    @property
    def top_unmapped_labels(self) -> list[tuple[str, int]]:
        return self.unmapped_labels.most_common(TOP_UNMAPPED_LABELS)


RejectSink = Callable[[RejectedRecord], object]


def import_records(
    *,
    session: Session,
    records: Iterable[RawRecord],
    options: ImportOptions,
    on_reject: RejectSink | None = None,
) -> ImportSummary:
    """Import every record; a bad one aborts everything, or is skipped and reported."""
    summary = ImportSummary()
    importer = _Importer(session, options, summary)
    for raw in records:
        summary.read += 1
        summary.notes.update(raw.notes)
        if options.on_error is OnError.ABORT:
            importer.import_one(raw)
            continue
        try:
            with session.begin_nested():
                importer.import_one(raw)
        except ImportRecordError as error:
            summary.failed += 1
            if on_reject is not None:
                on_reject(
                    RejectedRecord(location=raw.location, reason=error.reason, record=raw.data)
                )
    return summary


class _RecordProblem(Exception):
    """Why one record cannot be imported (without its location, which the caller adds)."""


class _Importer:
    """One import's state: the summary, and the sources it has already looked up."""

    def __init__(self, session: Session, options: ImportOptions, summary: ImportSummary) -> None:
        self.session = session
        self.options = options
        self.summary = summary
        self.source_ids: dict[str, int] = {}

    def import_one(self, raw: RawRecord) -> None:
        try:
            record = ClaimRecord.model_validate(raw.data)
            self._import(record)
        except ValidationError as error:
            raise _located(raw, _validation_reason(error)) from None
        except (_RecordProblem, FactdbError) as error:
            raise _located(raw, str(error)) from None

    def _import(self, record: ClaimRecord) -> None:
        claim, created = self._claim(record)
        changes: dict[str, Any] = {}
        tags = self._add_tags(claim, record.tags) if not created else []
        appearances = [self._appearance(claim, item) for item in record.appearances]
        added_appearances = [item for item in appearances if item is not None]
        reviews = [self._review(claim, item) for item in record.reviews]
        added_reviews = [item for item in reviews if item is not None]
        self.summary.appearances_added += len(added_appearances)
        self.summary.reviews_added += len(added_reviews)
        if added_reviews:
            refresh_status(session=self.session, claim=claim)
        if created:
            self.summary.created += 1
            if record.updated_at is not None:
                claim.updated_at = record.updated_at
            changes = {"text": claim.text, "uid": str(claim.uid)}
        elif tags or added_appearances or added_reviews:
            self.summary.merged += 1
            claim.updated_at = utcnow()
        else:
            self.summary.unchanged += 1
            return
        changes |= {
            "tags_added": tags,
            "appearances_added": [item.source.url for item in added_appearances],
            "reviews_added": [item.id for item in added_reviews],
            "status": claim.status,
        }
        record_history(
            session=self.session,
            claim_id=claim.id,
            action=HistoryAction.IMPORTED,
            actor=self.options.actor,
            changes=changes,
        )
        self.session.flush()

    def _claim(self, record: ClaimRecord) -> tuple[Claim, bool]:
        claimant = (
            get_or_create_claimant(session=self.session, claimant_in=record.claimant)
            if record.claimant is not None
            else None
        )
        existing = self._existing_claim(record, claimant.id if claimant else None)
        if existing is not None:
            return existing, False
        now = utcnow()
        claim = Claim(
            text=record.text,
            fingerprint=fingerprint(record.text),
            claimant=claimant,
            claim_date=record.claim_date,
            language=record.language or self.options.default_language,
            status=Status.UNVERIFIED.value,
            tags=[ClaimTag(tag=tag) for tag in record.tags],
            created_at=record.created_at or now,
            updated_at=record.updated_at or now,
        )
        if record.uid is not None:
            claim.uid = record.uid
        self.session.add(claim)
        self.session.flush()
        return claim, True

    def _existing_claim(self, record: ClaimRecord, claimant_id: int | None) -> Claim | None:
        if record.uid is not None:
            by_uid = self.session.scalar(select(Claim).where(Claim.uid == record.uid))
            if by_uid is not None:
                return by_uid
        same_claimant = (
            Claim.claimant_id.is_(None) if claimant_id is None else Claim.claimant_id == claimant_id
        )
        return self.session.scalar(
            select(Claim)
            .where(Claim.fingerprint == fingerprint(record.text), same_claimant)
            .order_by(Claim.id)
            .limit(1)
        )

    def _add_tags(self, claim: Claim, tags: list[str]) -> list[str]:
        present = {item.tag for item in claim.tags}
        new = [tag for tag in tags if tag not in present]
        claim.tags.extend(ClaimTag(tag=tag) for tag in new)
        return new

    def _appearance(self, claim: Claim, item: AppearanceRecord) -> Appearance | None:
        source = self._source(item)
        already = self.session.scalar(
            select(Appearance.id).where(
                Appearance.claim_id == claim.id, Appearance.source_id == source.id
            )
        )
        if already is not None:
            return None
        start, end = item.start, item.end
        if source.text is not None and item.quote is not None:
            if start is not None and source.text[start:end] != item.quote:
                raise _RecordProblem(f"quote: not at {start}:{end} in {source.url}")
            start, end = locate_quote(source.text, item.quote, start)
        appearance = Appearance(
            claim=claim, source=source, quote=item.quote, quote_start=start, quote_end=end
        )
        self.session.add(appearance)
        self.session.flush()
        return appearance

    def _source(self, item: AppearanceRecord) -> Source:
        wanted = item.source
        if wanted.text is not None and wanted.text_sha256 not in (None, sha256_text(wanted.text)):
            raise _RecordProblem(f"source {wanted.url}: the text does not match its SHA-256")
        cached = self.source_ids.get(wanted.url)
        source = (
            self.session.get(Source, cached)
            if cached is not None
            else self.session.scalar(select(Source).where(Source.url == wanted.url))
        )
        if source is None:
            fields = wanted.model_dump(include=set(SourceCreate.model_fields))
            source = create_source(session=self.session, source_in=SourceCreate(**fields))
        elif source.text is None and wanted.text is not None:
            source.text = wanted.text
            source.text_sha256 = sha256_text(wanted.text)
        self.source_ids[wanted.url] = source.id
        return source

    def _review(self, claim: Claim, item: ReviewRecord) -> Review | None:
        review_in, basis = self._review_create(item)
        if self._existing_review(claim, review_in, item.reviewed_at is not None):
            return None
        if basis is StatusBasis.UNMAPPED:
            self.summary.unmapped_labels[review_in.rating_label or "(no label)"] += 1
        return append_review(
            session=self.session, claim=claim, review_in=review_in, status_basis=basis
        )

    def _review_create(self, item: ReviewRecord) -> tuple[ReviewCreate, StatusBasis]:
        if item.status is not None:
            status, basis = item.status, item.status_basis or StatusBasis.GIVEN
        else:
            match = self.options.rating_mapper.map(
                item.rating_label, item.rating_value, item.best_rating, item.worst_rating
            )
            status, basis = match.status, StatusBasis(match.basis.value)
        if status is Status.UNVERIFIED:
            raise _RecordProblem("reviews.status: a review cannot set 'unverified'")
        fields = item.model_dump(exclude={"status", "status_basis", "evidence", "reviewer"})
        review_in = ReviewCreate(
            **fields,
            status=status,
            reviewer=_reviewer(item),
            evidence=[EvidenceCreate(**link.model_dump()) for link in item.evidence],
        )
        return review_in, basis

    def _existing_review(self, claim: Claim, review_in: ReviewCreate, dated: bool) -> bool:
        query = select(Review.id).where(Review.claim_id == claim.id)
        if review_in.url is not None:
            query = query.where(Review.url == review_in.url)
        else:
            query = query.where(
                Review.url.is_(None),
                Review.reviewer == review_in.reviewer,
                Review.rating_label == review_in.label,
            )
            if dated and review_in.reviewed_at is not None:
                query = query.where(Review.reviewed_at == review_in.reviewed_at)
        return self.session.scalar(query.limit(1)) is not None


_URL_LIKE = re.compile(r"^https?:/{0,2}(?:www\.)?([^/?#]+)", re.IGNORECASE)


def _reviewer(item: ReviewRecord) -> str:
    """Who made the review: its reviewer, else its publisher, else its publisher's host."""
    for candidate in (item.reviewer, item.publisher):
        if candidate:
            # Scraped data often has a (malformed) URL where the organisation's name belongs.
            host = _URL_LIKE.match(candidate)
            return host.group(1) if host else candidate
    if item.publisher_url:
        host = _URL_LIKE.match(item.publisher_url)
        if host:
            return host.group(1)
    return UNKNOWN_REVIEWER


def _located(raw: RawRecord, reason: str) -> ImportRecordError:
    return ImportRecordError(raw.location, reason)


def _validation_reason(error: ValidationError) -> str:
    problems = []
    for problem in error.errors(include_url=False, include_input=False)[:3]:
        location = ".".join(str(part) for part in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"{location}: {message}" if location else message)
    return "; ".join(problems)
