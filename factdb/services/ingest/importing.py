"""Importing claim records in batches: idempotent merging, all or nothing unless told to skip.

Matching rules, so that importing the same file twice adds nothing:
claims by uid, then by normalised text and claimant; sources by normalised URL; reviews by
claim and review URL, else by claim, reviewer, date and label.

Records are validated and checked (quotes against source texts included) before a batch writes
anything, then the batch is written with a few multi-row statements instead of one ORM object
per row: that is what makes a million-claim import take minutes, not hours.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Executable,
    Table,
    bindparam,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, OnError, Status, StatusBasis
from factdb.errors import FactdbError, Hint, HintedValueError, InvalidInputError
from factdb.formats.readers.records import RawRecord
from factdb.models import (
    Appearance,
    Base,
    Claim,
    Claimant,
    ClaimTag,
    Evidence,
    ExternalId,
    HistoryEntry,
    Review,
    Source,
    utcnow,
)
from factdb.ratings.mapper import RatingMapper
from factdb.schemas.interchange import AppearanceRecord, ClaimRecord, RejectedRecord, ReviewRecord
from factdb.schemas.types import fingerprint, sha256_text
from factdb.services.claims.claimants import name_key
from factdb.services.claims.newest_review import newest_reviews
from factdb.services.claims.recording import locate_quote, lock_claim_texts
from factdb.services.ingest.bulk import BulkWriter, DeferredMaintenance

UNKNOWN_REVIEWER = "unknown"
TOP_UNMAPPED_LABELS = 10
FIRST_REJECTIONS = 5
BATCH_SIZE = 1_000
# An import that has read this many records (or that starts on an empty collection) is a bulk
# load: full-text, counts and secondary indexes are brought up to date once, before it commits.
BULK_THRESHOLD = 10_000
# Enough ids per IN (...) for speed, few enough for every database's parameter limit.
LOOKUP_CHUNK = 500


class ImportRecordError(InvalidInputError):
    """A record cannot be imported; the message names the record and the reason."""

    def __init__(self, location: str, reason: str, hints: Sequence[Hint] = ()) -> None:
        super().__init__(f"{location}: {reason}", hints=hints)
        self.location = location
        self.reason = reason


@dataclass(frozen=True)
class ImportOptions:
    actor: str
    on_error: OnError = OnError.ABORT
    rating_mapper: RatingMapper = field(default_factory=RatingMapper)
    default_language: str | None = None
    batch_size: int = BATCH_SIZE
    # Embed the batch's claims for `match` as they land (else `factdb index` does it later).
    index_embeddings: bool = True
    # The bulk path: None decides (empty collection, or past BULK_THRESHOLD records read);
    # True and False force it on or off (the database contents are the same either way).
    bulk: bool | None = None


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    failed: int = 0
    reviews_added: int = 0
    appearances_added: int = 0
    evidence_dropped: int = 0
    # The first few rejections, for a summary that shows why.
    first_rejections: list[RejectedRecord] = field(default_factory=list)
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
    lock_claim_texts(session=session)
    importer = _BatchImporter(session, options, summary, on_reject)
    deferred = DeferredMaintenance(session.connection())
    bulk = options.bulk
    if bulk is None and session.execute(select(Claim.id).limit(1)).first() is None:
        bulk = True
    iterator = iter(records)
    while batch := list(islice(iterator, options.batch_size)):
        if not deferred.started and (bulk or (bulk is None and summary.read >= BULK_THRESHOLD)):
            deferred.begin()
        importer.import_batch(batch)
    deferred.finish()
    return summary


class _RecordProblem(Exception):
    """Why one record cannot be imported (without its location, which the caller adds)."""


@dataclass
class _Prepared:
    """A valid record with everything resolved that does not need the database to change."""

    raw: RawRecord
    record: ClaimRecord
    claimant_key: str | None
    fingerprint: str
    spans: list[tuple[int | None, int | None]]
    reviews: list[tuple[ReviewRecord, Status, StatusBasis, str, str]]  # + reviewer, label


@dataclass
class _SourceInfo:
    id: int | None
    text: str | None
    from_record: bool = False


@dataclass
class _Target:
    """The claim a record lands on, and what the batch adds to it."""

    claim_id: int
    created: bool
    tags_added: list[str] = field(default_factory=list)
    appearances_added: list[str] = field(default_factory=list)
    external_ids_added: list[str] = field(default_factory=list)
    reviews_added: int = 0


class _BatchImporter:
    def __init__(
        self,
        session: Session,
        options: ImportOptions,
        summary: ImportSummary,
        on_reject: RejectSink | None,
    ) -> None:
        self.session = session
        self.options = options
        self.summary = summary
        self.on_reject = on_reject
        self.claimant_ids: dict[str, int] = {}
        self.source_ids: dict[str, int] = {}
        self.writer = BulkWriter(session.connection())
        # One timestamp per batch: its rows were written together, and one value converts once.
        self.now = utcnow()

    # -- one batch ---------------------------------------------------------------------------

    def import_batch(self, batch: Sequence[RawRecord]) -> None:
        self.now = utcnow()
        self.summary.read += len(batch)
        for raw in batch:
            self.summary.notes.update(raw.notes)
        valid = [item for item in map(self._validate, batch) if item is not None]
        sources = self._known_sources(valid)
        prepared = [
            item for item in (self._prepare(raw, rec, sources) for raw, rec in valid) if item
        ]
        if not prepared:
            return
        self._ensure_claimants(prepared)
        self._ensure_sources(prepared, sources)
        targets = self._claims_for(prepared)
        self._add_external_ids(prepared, targets)
        self._add_tags(prepared, targets)
        self._add_appearances(prepared, targets)
        touched = self._add_reviews(prepared, targets)
        self._refresh_statuses(touched)
        self._record_history(targets)
        if self.options.index_embeddings:
            from factdb.services.vectors.embeddings import index_claims

            claim_ids = sorted({target.claim_id for target in targets.values()})
            index_claims(session=self.session, claim_ids=claim_ids)

    # -- checking, before anything is written -------------------------------------------------

    def _validate(self, raw: RawRecord) -> tuple[RawRecord, ClaimRecord] | None:
        if raw.problem is not None:
            self._fail(raw, raw.problem, raw.hints)
            return None
        try:
            return raw, ClaimRecord.model_validate(raw.data)
        except ValidationError as error:
            dropped = _without_bad_evidence(raw.data, error)
            if dropped is None:
                self._fail(raw, _validation_reason(error), _validation_hints(error))
                return None
            data, reasons = dropped
        # One unusable evidence link ("Metadata" where a URL belongs) must not cost the claim.
        try:
            record = ClaimRecord.model_validate(data)
        except ValidationError as error:
            self._fail(raw, _validation_reason(error), _validation_hints(error))
            return None
        self.summary.evidence_dropped += len(reasons)
        self.summary.notes.update(f"evidence link dropped: {reason}" for reason in reasons)
        return raw, record

    def _prepare(
        self, raw: RawRecord, record: ClaimRecord, sources: dict[str, _SourceInfo]
    ) -> _Prepared | None:
        try:
            spans = [self._span(item, sources) for item in record.appearances]
            reviews = [self._resolve_review(item) for item in record.reviews]
        except (_RecordProblem, FactdbError) as error:
            self._fail(raw, str(error), getattr(error, "hints", ()))
            return None
        return _Prepared(
            raw=raw,
            record=record,
            claimant_key=name_key(record.claimant.name) if record.claimant else None,
            fingerprint=fingerprint(record.text),
            spans=spans,
            reviews=reviews,
        )

    def _span(
        self, item: AppearanceRecord, sources: dict[str, _SourceInfo]
    ) -> tuple[int | None, int | None]:
        wanted = item.source
        if wanted.text is not None and wanted.text_sha256 not in (None, sha256_text(wanted.text)):
            raise _RecordProblem(f"source {wanted.url}: the text does not match its SHA-256")
        known = sources.get(wanted.url)
        if known is None or (known.text is None and wanted.text is not None):
            # The first record that brings a source's text supplies it for the whole batch.
            known = sources[wanted.url] = _SourceInfo(
                id=known.id if known else None, text=wanted.text, from_record=True
            )
        if known.text is None or item.quote is None:
            return item.start, item.end
        if item.start is not None and known.text[item.start : item.end] != item.quote:
            raise _RecordProblem(f"quote: not at {item.start}:{item.end} in {wanted.url}")
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
            raise _RecordProblem("reviews.status: a review cannot set 'unverified'")
        label = item.rating_label or status.display_name
        return item, status, basis, _reviewer(item), label

    def _fail(self, raw: RawRecord, reason: str, hints: Sequence[Hint] = ()) -> None:
        if self.options.on_error is OnError.ABORT:
            raise ImportRecordError(raw.location, reason, hints)
        self.summary.failed += 1
        rejected = RejectedRecord(
            location=raw.location, reason=reason, record=raw.data, hints=tuple(hints)
        )
        if len(self.summary.first_rejections) < FIRST_REJECTIONS:
            self.summary.first_rejections.append(rejected.model_copy(update={"record": None}))
        if self.on_reject is not None:
            self.on_reject(rejected)

    def _core(self, statement: Executable, rows: list[dict[str, Any]]) -> None:
        """A multi-row statement in Core: the ORM's per-row bookkeeping is what a bulk load must
        not pay for."""
        self.session.connection().execute(statement, rows)

    def _insert_with_ids(self, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows under freshly allocated ids, returned in the rows' order."""
        table = _table(model)
        ids = self.writer.allocate_ids(table, len(rows))
        self.writer.insert(
            table, [{"id": new_id, **row} for new_id, row in zip(ids, rows, strict=True)]
        )
        return ids

    # -- claimants and sources ----------------------------------------------------------------

    def _ensure_claimants(self, prepared: list[_Prepared]) -> None:
        wanted = {
            item.claimant_key: item.record.claimant
            for item in prepared
            if item.claimant_key is not None and item.claimant_key not in self.claimant_ids
        }
        for chunk in _chunks(list(wanted)):
            rows = self.session.execute(
                select(Claimant.name_key, Claimant.id).where(Claimant.name_key.in_(chunk))
            )
            self.claimant_ids.update(rows.all())
        missing = [
            {
                "name": claimant.name,
                "name_key": key,
                "kind": claimant.kind.value,
                "role": claimant.role,
                "same_as": claimant.same_as,
                "created_at": self.now,
            }
            for key, claimant in wanted.items()
            if key not in self.claimant_ids and claimant is not None
        ]
        ids = self._insert_with_ids(Claimant, missing)
        keys = [str(row["name_key"]) for row in missing]
        self.claimant_ids.update(zip(keys, ids, strict=True))

    def _known_sources(self, valid: list[tuple[RawRecord, ClaimRecord]]) -> dict[str, _SourceInfo]:
        """Sources the batch cites that already exist, with their text where a quote needs it."""
        needs_text = {
            item.source.url
            for _, record in valid
            for item in record.appearances
            if item.quote is not None
        }
        urls = {item.source.url for _, record in valid for item in record.appearances}
        known: dict[str, _SourceInfo] = {}
        lookup = [url for url in urls if url not in self.source_ids or url in needs_text]
        for chunk in _chunks(lookup):
            rows = self.session.execute(
                select(Source.url, Source.id, Source.text).where(Source.url.in_(chunk))
            )
            for url, source_id, text in rows:
                known[url] = _SourceInfo(id=source_id, text=text)
                self.source_ids[url] = source_id
        for url in urls:
            if url not in known and url in self.source_ids:
                known[url] = _SourceInfo(id=self.source_ids[url], text=None)
        return known

    def _ensure_sources(self, prepared: list[_Prepared], sources: dict[str, _SourceInfo]) -> None:
        new: dict[str, dict[str, Any]] = {}
        for item in prepared:
            for appearance in item.record.appearances:
                wanted = appearance.source
                info = sources.get(wanted.url)
                if (info is None or info.id is None) and wanted.url not in new:
                    new[wanted.url] = _source_row(wanted, self.now)
                elif wanted.url in new and new[wanted.url]["text"] is None and wanted.text:
                    new[wanted.url] |= {
                        "text": wanted.text,
                        "text_sha256": sha256_text(wanted.text),
                    }
        ids = self._insert_with_ids(Source, list(new.values()))
        self.source_ids.update(zip(new, ids, strict=True))
        for url, info in sources.items():
            if info.id is not None and info.from_record and info.text is not None:
                # An existing source without text gets the text a record brought.
                self.session.execute(
                    update(Source)
                    .where(Source.id == info.id, Source.text.is_(None))
                    .values(text=info.text, text_sha256=sha256_text(info.text))
                )
            info.id = self.source_ids.get(url, info.id)

    # -- claims ---------------------------------------------------------------------------------

    def _claims_for(self, prepared: list[_Prepared]) -> dict[int, _Target]:
        """Which claim each record lands on (by its index in ``prepared``), creating new ones."""
        by_uid = self._existing_by_uid(prepared)
        by_external = self._existing_by_external_id(prepared)
        by_text = self._existing_by_text(prepared)
        targets: dict[int, _Target] = {}
        pending: dict[tuple[str, int | None], list[int]] = {}
        new_rows: list[dict[str, Any]] = []
        new_keys: list[tuple[str, int | None]] = []
        pending_uids: dict[uuid.UUID | tuple[str, str], tuple[str, int | None]] = {}
        for index, item in enumerate(prepared):
            claimant_id = self.claimant_ids.get(item.claimant_key) if item.claimant_key else None
            key = (item.fingerprint, claimant_id)
            uid = item.record.uid
            external = _external_keys(item.record)
            existing = by_uid.get(uid) if uid else None
            existing = existing or next(
                (by_external[pair] for pair in external if pair in by_external), None
            )
            existing = existing or by_text.get(key)
            names: list[uuid.UUID | tuple[str, str] | None] = [uid, *external]
            known = [name for name in names if name is not None and name in pending_uids]
            if existing is None and known:
                # A uid or a data set's id names one claim, whatever its text says here.
                key = pending_uids[known[0]]
            if existing is not None:
                targets[index] = _Target(claim_id=existing, created=False)
            elif key in pending:
                pending[key].append(index)  # the same claim twice in one batch: merge
            else:
                pending[key] = [index]
                new_keys.append(key)
                new_rows.append(self._claim_row(item, claimant_id))
                pending_uids[new_rows[-1]["uid"]] = key
            for name in external:
                pending_uids.setdefault(name, key)
        ids = self._insert_with_ids(Claim, new_rows)
        for key, claim_id in zip(new_keys, ids, strict=True):
            first, *again = pending[key]
            targets[first] = _Target(claim_id=claim_id, created=True)
            for index in again:
                targets[index] = _Target(claim_id=claim_id, created=False)
        return targets

    def _claim_row(self, item: _Prepared, claimant_id: int | None) -> dict[str, Any]:
        record = item.record
        now = self.now
        return {
            "uid": record.uid or uuid.uuid4(),
            "text": record.text,
            "fingerprint": item.fingerprint,
            "claimant_id": claimant_id,
            "claim_date": record.claim_date,
            "language": record.language or self.options.default_language,
            "status": Status.UNVERIFIED.value,
            "created_at": record.created_at or now,
            "updated_at": record.updated_at or now,
            "version": 1,
        }

    def _existing_by_uid(self, prepared: list[_Prepared]) -> dict[uuid.UUID, int]:
        uids = [item.record.uid for item in prepared if item.record.uid is not None]
        found: dict[uuid.UUID, int] = {}
        for chunk in _chunks(uids):
            rows = self.session.execute(select(Claim.uid, Claim.id).where(Claim.uid.in_(chunk)))
            found.update(rows.all())
        return found

    def _existing_by_external_id(self, prepared: list[_Prepared]) -> dict[tuple[str, str], int]:
        pairs = list({pair for item in prepared for pair in _external_keys(item.record)})
        found: dict[tuple[str, str], int] = {}
        for chunk in _chunks(pairs):
            rows = self.session.execute(
                select(ExternalId.dataset, ExternalId.external_id, ExternalId.claim_id).where(
                    tuple_(ExternalId.dataset, ExternalId.external_id).in_(chunk)
                )
            )
            found.update({(dataset, name): claim_id for dataset, name, claim_id in rows})
        return found

    def _existing_by_text(self, prepared: list[_Prepared]) -> dict[tuple[str, int | None], int]:
        fingerprints = list({item.fingerprint for item in prepared})
        found: dict[tuple[str, int | None], int] = {}
        for chunk in _chunks(fingerprints):
            rows = self.session.execute(
                select(Claim.fingerprint, Claim.claimant_id, Claim.id)
                .where(Claim.fingerprint.in_(chunk))
                .order_by(Claim.id.desc())
            )
            # Descending, so the oldest claim with that text and claimant is the one kept.
            found.update({(text, claimant): claim_id for text, claimant, claim_id in rows})
        return found

    # -- what claims own --------------------------------------------------------------------

    def _add_external_ids(self, prepared: list[_Prepared], targets: dict[int, _Target]) -> None:
        """Link each record's data-set ids to its claim; an id already linked stays as it is."""
        wanted: dict[tuple[str, str], int] = {}
        for index, item in enumerate(prepared):
            for pair in _external_keys(item.record):
                wanted.setdefault(pair, index)
        present = set(self._existing_by_external_id(prepared))
        fresh = [(pair, index) for pair, index in wanted.items() if pair not in present]
        rows = [
            {"dataset": dataset, "external_id": name, "claim_id": targets[index].claim_id}
            for (dataset, name), index in fresh
        ]
        self.writer.insert(_table(ExternalId), rows)
        for (dataset, name), index in fresh:
            targets[index].external_ids_added.append(f"{dataset}:{name}")

    def _add_tags(self, prepared: list[_Prepared], targets: dict[int, _Target]) -> None:
        wanted = {
            (targets[index].claim_id, tag): index
            for index, item in enumerate(prepared)
            for tag in item.record.tags
        }
        old = _preexisting(targets)
        present = self._existing_pairs(
            ClaimTag.claim_id, ClaimTag.tag, [pair for pair in wanted if pair[0] in old]
        )
        rows = [
            {"claim_id": claim_id, "tag": tag}
            for claim_id, tag in wanted
            if (claim_id, tag) not in present
        ]
        self.writer.insert(_table(ClaimTag), rows)
        for claim_id, tag in wanted:
            if (claim_id, tag) not in present:
                targets[wanted[(claim_id, tag)]].tags_added.append(tag)

    def _add_appearances(self, prepared: list[_Prepared], targets: dict[int, _Target]) -> None:
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        owners: dict[tuple[int, int], int] = {}
        for index, item in enumerate(prepared):
            claim_id = targets[index].claim_id
            for appearance, (start, end) in zip(item.record.appearances, item.spans, strict=True):
                source_id = self.source_ids[appearance.source.url]
                if (claim_id, source_id) in rows:
                    continue
                owners[(claim_id, source_id)] = index
                rows[(claim_id, source_id)] = {
                    "claim_id": claim_id,
                    "source_id": source_id,
                    "quote": appearance.quote,
                    "quote_start": start,
                    "quote_end": end,
                    "created_at": self.now,
                }
        old = _preexisting(targets)
        present = self._existing_pairs(
            Appearance.claim_id, Appearance.source_id, [pair for pair in rows if pair[0] in old]
        )
        fresh = [row for pair, row in rows.items() if pair not in present]
        self.writer.insert(_table(Appearance), fresh)
        url_of = {source_id: url for url, source_id in self.source_ids.items()}
        for pair in rows:
            if pair not in present:
                targets[owners[pair]].appearances_added.append(url_of.get(pair[1], str(pair[1])))
        self.summary.appearances_added += len(fresh)

    def _add_reviews(self, prepared: list[_Prepared], targets: dict[int, _Target]) -> set[int]:
        """Insert the reviews no earlier import added; returns the claims that got reviews."""
        candidates: list[tuple[int, tuple[Any, ...], dict[str, Any], list[dict[str, Any]]]] = []
        seen: set[tuple[Any, ...]] = set()
        for index, item in enumerate(prepared):
            claim_id = targets[index].claim_id
            for record, status, basis, reviewer, label in item.reviews:
                key = _review_key(claim_id, record.url, reviewer, label, record.reviewed_at)
                if key in seen:
                    continue
                seen.add(key)
                row = _review_row(claim_id, record, status, basis, reviewer, label, self.now)
                evidence = [link.model_dump(mode="json") for link in record.evidence]
                candidates.append((index, key, row, evidence))
        old = _preexisting(targets)
        present = self._existing_review_keys(
            {claim for _, (claim, *_), _, _ in candidates if claim in old}
        )
        # Stored reviews without a URL are also keyed without their date, so an undated record
        # matches them whatever date it was given when first imported.
        fresh = [item for item in candidates if item[1] not in present]
        if not fresh:
            return set()
        ids = self._insert_with_ids(Review, [row for _, _, row, _ in fresh])
        evidence_rows: list[dict[str, Any]] = []
        touched: set[int] = set()
        for (index, _, row, evidence), review_id in zip(fresh, ids, strict=True):
            evidence_rows.extend({**link, "review_id": review_id} for link in evidence)
            targets[index].reviews_added += 1
            touched.add(row["claim_id"])
            if row["status_basis"] == StatusBasis.UNMAPPED.value:
                self.summary.unmapped_labels[row["rating_label"]] += 1
        self.writer.insert(_table(Evidence), evidence_rows)
        self.summary.reviews_added += len(fresh)
        return touched

    def _existing_review_keys(self, claim_ids: set[int]) -> set[tuple[Any, ...]]:
        keys: set[tuple[Any, ...]] = set()
        for chunk in _chunks(list(claim_ids)):
            rows = self.session.execute(
                select(
                    Review.claim_id,
                    Review.url,
                    Review.reviewer,
                    Review.rating_label,
                    Review.reviewed_at,
                ).where(Review.claim_id.in_(chunk))
            )
            for claim_id, url, reviewer, label, reviewed_at in rows:
                keys.add(_review_key(claim_id, url, reviewer, label, reviewed_at))
                if url is None:
                    keys.add(_review_key(claim_id, None, reviewer, label, None))
        return keys

    def _existing_pairs(
        self, left: Any, right: Any, pairs: Iterable[tuple[int, Any]]
    ) -> set[tuple[int, Any]]:
        wanted = list(pairs)
        present: set[tuple[int, Any]] = set()
        for chunk in _chunks(wanted):
            rows = self.session.execute(select(left, right).where(tuple_(left, right).in_(chunk)))
            present.update((a, b) for a, b in rows)
        return present

    # -- status, version and history ------------------------------------------------------

    def _refresh_statuses(self, claim_ids: set[int]) -> None:
        claims = _table(Claim)
        statement = (
            claims.update()
            .where(claims.c.id == bindparam("target_id"))
            .values(status=bindparam("new_status"))
        )
        for chunk in _chunks(sorted(claim_ids)):
            newest = _newest_statuses(self.session, chunk)
            changes = [
                {"target_id": claim_id, "new_status": newest.get(claim_id, "unverified")}
                for claim_id in chunk
            ]
            self._core(statement, changes)

    def _record_history(self, targets: dict[int, _Target]) -> None:
        rows: list[dict[str, Any]] = []
        merged: set[int] = set()
        for target in {id(t): t for t in targets.values()}.values():
            changed = (
                target.tags_added
                or target.appearances_added
                or target.reviews_added
                or target.external_ids_added
            )
            if target.created:
                self.summary.created += 1
            elif changed:
                self.summary.merged += 1
                merged.add(target.claim_id)
            else:
                self.summary.unchanged += 1
                continue
            rows.append(
                {
                    "claim_id": target.claim_id,
                    "action": HistoryAction.IMPORTED.value,
                    "actor": self.options.actor,
                    "at": self.now,
                    "changes": {
                        "created": target.created,
                        "tags_added": target.tags_added,
                        "external_ids_added": target.external_ids_added,
                        "appearances_added": target.appearances_added,
                        "reviews_added": target.reviews_added,
                    },
                }
            )
        self.writer.insert(_table(HistoryEntry), rows)
        for chunk in _chunks(sorted(merged)):
            self.session.execute(
                update(Claim)
                .where(Claim.id.in_(chunk))
                .values(updated_at=self.now, version=Claim.version + 1)
                .execution_options(synchronize_session=False)
            )


def _preexisting(targets: dict[int, _Target]) -> set[int]:
    """Claims that existed before this batch: only they can already own tags, sources, reviews."""
    created = {target.claim_id for target in targets.values() if target.created}
    return {target.claim_id for target in targets.values()} - created


def _table(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _newest_statuses(session: Session, claim_ids: Sequence[int]) -> dict[int, str]:
    newest = newest_reviews(Review.status, where=Review.claim_id.in_(claim_ids))
    rows = session.execute(newest)
    return dict(rows.all())


def _source_row(wanted: Any, now: datetime) -> dict[str, Any]:
    return {
        "url": wanted.url,
        "title": wanted.title,
        "publisher": wanted.publisher,
        "author": wanted.author,
        "published_at": wanted.published_at,
        "language": wanted.language,
        "text": wanted.text,
        "text_sha256": sha256_text(wanted.text) if wanted.text is not None else None,
        "created_at": now,
    }


def _review_row(
    claim_id: int,
    record: ReviewRecord,
    status: Status,
    basis: StatusBasis,
    reviewer: str,
    label: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "status": status.value,
        "status_basis": basis.value,
        "rating_label": label,
        "note": record.note,
        "reviewer": reviewer,
        "reviewed_at": record.reviewed_at,  # unknown stays unknown
        "url": record.url,
        "rating_value": record.rating_value,
        "best_rating": record.best_rating,
        "worst_rating": record.worst_rating,
        "publisher": record.publisher,
        "publisher_url": record.publisher_url,
        "title": record.title,
        "language": record.language,
        "created_at": now,
    }


def _review_key(
    claim_id: int, url: str | None, reviewer: str, label: str, reviewed_at: datetime | None
) -> tuple[Any, ...]:
    if url is not None:
        return (claim_id, url)
    return (claim_id, None, reviewer, label, reviewed_at)


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


def _external_keys(record: ClaimRecord) -> list[tuple[str, str]]:
    return [(item.dataset, item.id) for item in record.external_ids]


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


def _chunks(items: Sequence[Any]) -> Iterator[list[Any]]:
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
