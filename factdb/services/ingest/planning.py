"""Planning a batch of records before anything is written: validate each record, locate its
quotes in the sources' texts, map its ratings, and reject what cannot be imported. It reads
(the sources a batch names) but never writes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import Status, StatusBasis
from factdb.errors import FactdbError, Hint, HintedValueError
from factdb.formats.readers.records import RawRecord
from factdb.models import (
    Source,
)
from factdb.schemas.interchange import AppearanceRecord, ClaimRecord, ReviewRecord
from factdb.schemas.types import fingerprint, sha256_text
from factdb.services.claims.claimants import name_key
from factdb.services.claims.recording import locate_quote
from factdb.services.ingest.options import UNKNOWN_REVIEWER, ImportOptions, ImportSummary, Rejecter

# Enough ids per IN (...) for speed, few enough for every database's parameter limit.
LOOKUP_CHUNK = 500
_URL_LIKE = re.compile(r"^https?:/{0,2}(?:www\.)?([^/?#]+)", re.IGNORECASE)


class RecordProblem(Exception):
    """Why one record cannot be imported (without its location, which the caller adds)."""


@dataclass
class Prepared:
    """A valid record with everything resolved that does not need the database to change."""

    raw: RawRecord
    record: ClaimRecord
    claimant_key: str | None
    fingerprint: str
    spans: list[tuple[int | None, int | None]]
    reviews: list[tuple[ReviewRecord, Status, StatusBasis, str, str]]  # + reviewer, label


@dataclass
class SourceInfo:
    id: int | None
    text: str | None
    from_record: bool = False


class BatchPlanner:
    """Turns a batch of raw records into prepared ones, rejecting the others as it goes."""

    def __init__(
        self,
        session: Session,
        options: ImportOptions,
        summary: ImportSummary,
        reject: Rejecter,
        source_ids: dict[str, int],
    ) -> None:
        self.session = session
        self.options = options
        self.summary = summary
        self.reject = reject
        # The ids of the sources this import has seen (the writer adds those it creates), so a
        # source named by batch after batch is looked up once.
        self.source_ids = source_ids

    def plan(self, batch: Sequence[RawRecord]) -> tuple[list[Prepared], dict[str, SourceInfo]]:
        """The batch's importable records, and what is known of the sources they name."""
        self.summary.read += len(batch)
        for raw in batch:
            self.summary.notes.update(raw.notes)
        valid = [item for item in map(self._validate, batch) if item is not None]
        sources = self._known_sources(valid)
        prepared = [
            item for item in (self._prepare(raw, rec, sources) for raw, rec in valid) if item
        ]
        return prepared, sources

    def _validate(self, raw: RawRecord) -> tuple[RawRecord, ClaimRecord] | None:
        if raw.problem is not None:
            self.reject(raw, raw.problem, raw.hints)
            return None
        if raw.json_text is not None:
            try:
                return raw, ClaimRecord.model_validate_json(raw.json_text)
            except ValidationError:
                # Broken JSON stops the import as the reader would; a record that is only
                # invalid is rejected by the same path, with the same messages, as any other.
                raw = raw.decoded()
        try:
            return raw, ClaimRecord.model_validate(raw.data)
        except ValidationError as error:
            dropped = _without_bad_evidence(raw.data, error)
            if dropped is None:
                self.reject(raw, _validation_reason(error), _validation_hints(error))
                return None
            data, reasons = dropped
        # One unusable evidence link ("Metadata" where a URL belongs) must not cost the claim.
        try:
            record = ClaimRecord.model_validate(data)
        except ValidationError as error:
            self.reject(raw, _validation_reason(error), _validation_hints(error))
            return None
        self.summary.evidence_dropped += len(reasons)
        self.summary.notes.update(f"evidence link dropped: {reason}" for reason in reasons)
        return raw, record

    def _prepare(
        self, raw: RawRecord, record: ClaimRecord, sources: dict[str, SourceInfo]
    ) -> Prepared | None:
        try:
            spans = [self._span(item, sources) for item in record.appearances]
            reviews = [self._resolve_review(item) for item in record.reviews]
        except (RecordProblem, FactdbError) as error:
            self.reject(raw, str(error), getattr(error, "hints", ()))
            return None
        return Prepared(
            raw=raw,
            record=record,
            claimant_key=name_key(record.claimant.name) if record.claimant else None,
            fingerprint=fingerprint(record.text),
            spans=spans,
            reviews=reviews,
        )

    def _span(
        self, item: AppearanceRecord, sources: dict[str, SourceInfo]
    ) -> tuple[int | None, int | None]:
        wanted = item.source
        if wanted.text is not None and wanted.text_sha256 not in (None, sha256_text(wanted.text)):
            raise RecordProblem(f"source {wanted.url}: the text does not match its SHA-256")
        known = sources.get(wanted.url)
        if known is None or (known.text is None and wanted.text is not None):
            # The first record that brings a source's text supplies it for the whole batch.
            known = sources[wanted.url] = SourceInfo(
                id=known.id if known else None, text=wanted.text, from_record=True
            )
        if known.text is None or item.quote is None:
            return item.start, item.end
        if item.start is not None and known.text[item.start : item.end] != item.quote:
            raise RecordProblem(f"quote: not at {item.start}:{item.end} in {wanted.url}")
        return locate_quote(known.text, item.quote, item.start)

    def _resolve_review(
        self, item: ReviewRecord
    ) -> tuple[ReviewRecord, Status, StatusBasis, str, str]:
        if item.status is not None:
            status, basis = item.status, item.status_basis or StatusBasis.GIVEN
        else:
            match = self.options.rating_mapper.map(
                item.rating_label,
                item.rating_value,
                item.best_rating,
                item.worst_rating,
                publisher=(item.publisher_url, item.url, item.publisher, item.reviewer),
            )
            status, basis = match.status, match.basis
        if status is Status.UNVERIFIED:
            raise RecordProblem("reviews.status: a review cannot set 'unverified'")
        label = item.rating_label or status.display_name
        return item, status, basis, _reviewer(item), label

    def _known_sources(self, valid: list[tuple[RawRecord, ClaimRecord]]) -> dict[str, SourceInfo]:
        """Sources the batch cites that already exist, with their text where a quote needs it."""
        needs_text = {
            item.source.url
            for _, record in valid
            for item in record.appearances
            if item.quote is not None
        }
        urls = {item.source.url for _, record in valid for item in record.appearances}
        known: dict[str, SourceInfo] = {}
        lookup = [url for url in urls if url not in self.source_ids or url in needs_text]
        for chunk in chunks(lookup):
            rows = self.session.execute(
                select(Source.url, Source.id, Source.text).where(Source.url.in_(chunk))
            )
            for url, source_id, text in rows:
                known[url] = SourceInfo(id=source_id, text=text)
                self.source_ids[url] = source_id
        for url in urls:
            if url not in known and url in self.source_ids:
                known[url] = SourceInfo(id=self.source_ids[url], text=None)
        return known


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


def _without_bad_evidence(
    data: dict[str, Any], error: ValidationError
) -> tuple[dict[str, Any], list[str]] | None:
    """The record without the evidence links that failed validation, and why each failed;
    None when anything else failed too (then the record itself is at fault)."""
    bad: dict[tuple[int, int], str] = {}
    for problem in error.errors(include_url=False, include_input=False):
        location = problem["loc"]
        if len(location) < 4 or location[0] != "reviews" or location[2] != "evidence":
            return None
        review, link = location[1], location[3]
        if not isinstance(review, int) or not isinstance(link, int):
            return None
        bad.setdefault((review, link), str(problem["msg"]).removeprefix("Value error, "))
    reviews = [dict(item) if isinstance(item, dict) else item for item in data["reviews"]]
    for review_index in {review for review, _ in bad}:
        links = reviews[review_index]["evidence"]
        reviews[review_index]["evidence"] = [
            link for position, link in enumerate(links) if (review_index, position) not in bad
        ]
    return {**data, "reviews": reviews}, list(bad.values())


def chunks(items: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield list(items[start : start + LOOKUP_CHUNK])


def _validation_hints(error: ValidationError) -> tuple[Hint, ...]:
    """The hints of the values a validator refused (Pydantic keeps the exception it raised)."""
    hints: list[Hint] = []
    for problem in error.errors(include_url=False, include_input=False)[:3]:
        refused = problem.get("ctx", {}).get("error")
        if isinstance(refused, HintedValueError):
            hints.extend(hint for hint in refused.hints if hint not in hints)
    return tuple(hints)


def _validation_reason(error: ValidationError) -> str:
    problems = []
    for problem in error.errors(include_url=False, include_input=False)[:3]:
        location = ".".join(str(part) for part in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"{location}: {message}" if location else message)
    return "; ".join(problems)
