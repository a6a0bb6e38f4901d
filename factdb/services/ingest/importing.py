"""Importing claim records in batches: idempotent merging, all or nothing unless told to skip.

Matching rules, so that importing the same file twice adds nothing:
claims by uid, then by normalised text and claimant; sources by normalised URL; reviews by
claim and review URL, else by claim, reviewer, date and label.

Each batch is planned first (``planning``: validated, its quotes located in the sources' texts,
its ratings mapped; nothing written), then written (``writing``: a few multi-row statements per
table). The options, summary and record error (``options``) are the entry point's, exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.formats.readers.records import RawRecord
from factdb.models import Claim
from factdb.services.claims.recording import lock_claim_texts
from factdb.services.ingest.bulk import DeferredMaintenance
from factdb.services.ingest.options import (
    BATCH_SIZE,
    UNKNOWN_REVIEWER,
    ImportOptions,
    ImportRecordError,
    ImportSummary,
    Rejecter,
    RejectSink,
)
from factdb.services.ingest.planning import BatchPlanner
from factdb.services.ingest.writing import BatchWriter

# An import that has read this many records (or that starts on an empty collection) is a bulk
# load: full-text, counts and secondary indexes are brought up to date once, before it commits.
BULK_THRESHOLD = 10_000
__all__ = [
    "BATCH_SIZE",
    "BULK_THRESHOLD",
    "UNKNOWN_REVIEWER",
    "ImportOptions",
    "ImportRecordError",
    "ImportSummary",
    "RejectSink",
    "import_records",
]


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
    source_ids: dict[str, int] = {}
    reject = Rejecter(options, summary, on_reject)
    planner = BatchPlanner(session, options, summary, reject, source_ids)
    writer = BatchWriter(session, options, summary, source_ids)
    deferred = DeferredMaintenance(session.connection())
    bulk = options.bulk
    if bulk is None and session.execute(select(Claim.id).limit(1)).first() is None:
        bulk = True
    iterator = iter(records)
    while batch := list(islice(iterator, options.batch_size)):
        if not deferred.started and (bulk or (bulk is None and summary.read >= BULK_THRESHOLD)):
            deferred.begin()
        prepared, sources = planner.plan(batch)
        if prepared:
            writer.write(prepared, sources)
    deferred.finish()
    return summary
