"""Writing a planned batch: claimants, sources and claims first (matched to what the database
holds, so importing a file twice adds nothing), then what the claims own (external ids, tags,
appearances, reviews), the statuses the newest reviews set, the history, and the vectors.

Each table is written with a few multi-row statements instead of one ORM object per row: that
is what makes a million-claim import take minutes, not hours.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Executable,
    bindparam,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, Status, StatusBasis
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
from factdb.schemas.types import sha256_text
from factdb.services.claims.newest_review import newest_reviews
from factdb.services.ingest.bulk import BulkWriter
from factdb.services.ingest.options import ImportOptions, ImportSummary
from factdb.services.ingest.planning import Prepared, SourceInfo, chunks
from factdb.services.ingest.rows import (
    external_keys,
    review_key,
    review_row,
    source_row,
    table_of,
)


@dataclass
class Target:
    """The claim a record lands on, and what the batch adds to it."""

    claim_id: int
    created: bool
    tags_added: list[str] = field(default_factory=list)
    appearances_added: list[str] = field(default_factory=list)
    external_ids_added: list[str] = field(default_factory=list)
    reviews_added: int = 0


class BatchWriter:
    """Writes prepared records, batch after batch, in the caller's transaction."""

    def __init__(
        self,
        session: Session,
        options: ImportOptions,
        summary: ImportSummary,
        source_ids: dict[str, int],
    ) -> None:
        self.session = session
        self.options = options
        self.summary = summary
        self.claimant_ids: dict[str, int] = {}
        self.source_ids = source_ids
        self.writer = BulkWriter(session.connection())
        # One timestamp per batch: its rows were written together, and one value converts once.
        self.now = utcnow()

    def write(self, prepared: list[Prepared], sources: dict[str, SourceInfo]) -> None:
        self.now = utcnow()
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

    def _core(self, statement: Executable, rows: list[dict[str, Any]]) -> None:
        """A multi-row statement in Core: the ORM's per-row bookkeeping is what a bulk load must
        not pay for."""
        self.session.connection().execute(statement, rows)

    def _insert_with_ids(self, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows under freshly allocated ids, returned in the rows' order."""
        table = table_of(model)
        ids = self.writer.allocate_ids(table, len(rows))
        self.writer.insert(
            table, [{"id": new_id, **row} for new_id, row in zip(ids, rows, strict=True)]
        )
        return ids

    def _ensure_claimants(self, prepared: list[Prepared]) -> None:
        wanted = {
            item.claimant_key: item.record.claimant
            for item in prepared
            if item.claimant_key is not None and item.claimant_key not in self.claimant_ids
        }
        for chunk in chunks(list(wanted)):
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

    def _ensure_sources(self, prepared: list[Prepared], sources: dict[str, SourceInfo]) -> None:
        new: dict[str, dict[str, Any]] = {}
        for item in prepared:
            for appearance in item.record.appearances:
                wanted = appearance.source
                info = sources.get(wanted.url)
                if (info is None or info.id is None) and wanted.url not in new:
                    new[wanted.url] = source_row(wanted, self.now)
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

    def _claims_for(self, prepared: list[Prepared]) -> dict[int, Target]:
        """Which claim each record lands on (by its index in ``prepared``), creating new ones."""
        by_uid = self._existing_by_uid(prepared)
        by_external = self._existing_by_external_id(prepared)
        by_text = self._existing_by_text(prepared)
        targets: dict[int, Target] = {}
        pending: dict[tuple[str, int | None], list[int]] = {}
        new_rows: list[dict[str, Any]] = []
        new_keys: list[tuple[str, int | None]] = []
        pending_uids: dict[uuid.UUID | tuple[str, str], tuple[str, int | None]] = {}
        for index, item in enumerate(prepared):
            claimant_id = self.claimant_ids.get(item.claimant_key) if item.claimant_key else None
            key = (item.fingerprint, claimant_id)
            uid = item.record.uid
            external = external_keys(item.record)
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
                targets[index] = Target(claim_id=existing, created=False)
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
            targets[first] = Target(claim_id=claim_id, created=True)
            for index in again:
                targets[index] = Target(claim_id=claim_id, created=False)
        return targets

    def _claim_row(self, item: Prepared, claimant_id: int | None) -> dict[str, Any]:
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

    def _existing_by_uid(self, prepared: list[Prepared]) -> dict[uuid.UUID, int]:
        uids = [item.record.uid for item in prepared if item.record.uid is not None]
        found: dict[uuid.UUID, int] = {}
        for chunk in chunks(uids):
            rows = self.session.execute(select(Claim.uid, Claim.id).where(Claim.uid.in_(chunk)))
            found.update(rows.all())
        return found

    def _existing_by_external_id(self, prepared: list[Prepared]) -> dict[tuple[str, str], int]:
        pairs = list({pair for item in prepared for pair in external_keys(item.record)})
        found: dict[tuple[str, str], int] = {}
        for chunk in chunks(pairs):
            rows = self.session.execute(
                select(ExternalId.dataset, ExternalId.external_id, ExternalId.claim_id).where(
                    tuple_(ExternalId.dataset, ExternalId.external_id).in_(chunk)
                )
            )
            found.update({(dataset, name): claim_id for dataset, name, claim_id in rows})
        return found

    def _existing_by_text(self, prepared: list[Prepared]) -> dict[tuple[str, int | None], int]:
        fingerprints = list({item.fingerprint for item in prepared})
        found: dict[tuple[str, int | None], int] = {}
        for chunk in chunks(fingerprints):
            rows = self.session.execute(
                select(Claim.fingerprint, Claim.claimant_id, Claim.id)
                .where(Claim.fingerprint.in_(chunk))
                .order_by(Claim.id.desc())
            )
            # Descending, so the oldest claim with that text and claimant is the one kept.
            found.update({(text, claimant): claim_id for text, claimant, claim_id in rows})
        return found

    def _add_external_ids(self, prepared: list[Prepared], targets: dict[int, Target]) -> None:
        """Link each record's data-set ids to its claim; an id already linked stays as it is."""
        wanted: dict[tuple[str, str], int] = {}
        for index, item in enumerate(prepared):
            for pair in external_keys(item.record):
                wanted.setdefault(pair, index)
        present = set(self._existing_by_external_id(prepared))
        fresh = [(pair, index) for pair, index in wanted.items() if pair not in present]
        rows = [
            {"dataset": dataset, "external_id": name, "claim_id": targets[index].claim_id}
            for (dataset, name), index in fresh
        ]
        self.writer.insert(table_of(ExternalId), rows)
        for (dataset, name), index in fresh:
            targets[index].external_ids_added.append(f"{dataset}:{name}")

    def _add_tags(self, prepared: list[Prepared], targets: dict[int, Target]) -> None:
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
        self.writer.insert(table_of(ClaimTag), rows)
        for claim_id, tag in wanted:
            if (claim_id, tag) not in present:
                targets[wanted[(claim_id, tag)]].tags_added.append(tag)

    def _add_appearances(self, prepared: list[Prepared], targets: dict[int, Target]) -> None:
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        owners: dict[tuple[int, int], tuple[int, str]] = {}  # the record and the source's URL
        for index, item in enumerate(prepared):
            claim_id = targets[index].claim_id
            for appearance, (start, end) in zip(item.record.appearances, item.spans, strict=True):
                source_id = self.source_ids[appearance.source.url]
                if (claim_id, source_id) in rows:
                    continue
                owners[(claim_id, source_id)] = (index, appearance.source.url)
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
        self.writer.insert(table_of(Appearance), fresh)
        for pair in rows:
            if pair not in present:
                index, url = owners[pair]
                targets[index].appearances_added.append(url)
        self.summary.appearances_added += len(fresh)

    def _add_reviews(self, prepared: list[Prepared], targets: dict[int, Target]) -> set[int]:
        """Insert the reviews no earlier import added; returns the claims that got reviews."""
        candidates: list[tuple[int, tuple[Any, ...], dict[str, Any], list[dict[str, Any]]]] = []
        seen: set[tuple[Any, ...]] = set()
        for index, item in enumerate(prepared):
            claim_id = targets[index].claim_id
            for record, status, basis, reviewer, label in item.reviews:
                key = review_key(claim_id, record.url, reviewer, label, record.reviewed_at)
                if key in seen:
                    continue
                seen.add(key)
                row = review_row(claim_id, record, status, basis, reviewer, label, self.now)
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
        self.writer.insert(table_of(Evidence), evidence_rows)
        self.summary.reviews_added += len(fresh)
        return touched

    def _existing_review_keys(self, claim_ids: set[int]) -> set[tuple[Any, ...]]:
        keys: set[tuple[Any, ...]] = set()
        for chunk in chunks(list(claim_ids)):
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
                keys.add(review_key(claim_id, url, reviewer, label, reviewed_at))
                if url is None:
                    keys.add(review_key(claim_id, None, reviewer, label, None))
        return keys

    def _existing_pairs(
        self, left: Any, right: Any, pairs: Iterable[tuple[int, Any]]
    ) -> set[tuple[int, Any]]:
        wanted = list(pairs)
        present: set[tuple[int, Any]] = set()
        for chunk in chunks(wanted):
            rows = self.session.execute(select(left, right).where(tuple_(left, right).in_(chunk)))
            present.update((a, b) for a, b in rows)
        return present

    def _refresh_statuses(self, claim_ids: set[int]) -> None:
        claims = table_of(Claim)
        statement = (
            claims.update()
            .where(claims.c.id == bindparam("target_id"))
            .values(status=bindparam("new_status"))
        )
        for chunk in chunks(sorted(claim_ids)):
            newest = _newest_statuses(self.session, chunk)
            changes = [
                {"target_id": claim_id, "new_status": newest.get(claim_id, "unverified")}
                for claim_id in chunk
            ]
            self._core(statement, changes)

    def _record_history(self, targets: dict[int, Target]) -> None:
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
        self.writer.insert(table_of(HistoryEntry), rows)
        for chunk in chunks(sorted(merged)):
            self.session.execute(
                update(Claim)
                .where(Claim.id.in_(chunk))
                .values(updated_at=self.now, version=Claim.version + 1)
                .execution_options(synchronize_session=False)
            )


def _preexisting(targets: dict[int, Target]) -> set[int]:
    """Claims that existed before this batch: only they can already own tags, sources, reviews."""
    created = {target.claim_id for target in targets.values() if target.created}
    return {target.claim_id for target in targets.values()} - created


def _newest_statuses(session: Session, claim_ids: Sequence[int]) -> dict[int, str]:
    newest = newest_reviews(Review.status, where=Review.claim_id.in_(claim_ids))
    rows = session.execute(newest)
    return dict(rows.all())
