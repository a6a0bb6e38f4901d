"""Importing claim records in batches: idempotent merging, all or nothing unless told to skip.

Matching rules, so that importing the same file twice adds nothing:
claims by uid, then by normalised text and claimant; sources by normalised URL; reviews by
claim and review URL, else by claim, reviewer, date and label.

Each batch is planned first (``planning``: validated, its quotes located in the sources' texts,
its ratings mapped; nothing written), then written (``writing``: a few multi-row statements per
table). The options, summary and record error (``options``) are the entry point's, exported here.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
# Allocations between two collections of the youngest generation during an import (default 700).
IMPORT_GC_THRESHOLD = 20_000
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
    with _rare_collections():
        while batch := list(islice(iterator, options.batch_size)):
            bulk_now = bulk or (bulk is None and summary.read >= BULK_THRESHOLD)
            if not deferred.started and bulk_now:
                deferred.begin()
            prepared, sources = planner.plan(batch)
            if prepared:
                writer.write(prepared, sources)
        deferred.finish()
    return summary


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector far less often while records are imported.

    A batch makes a few hundred thousand short-lived objects (decoded records, rows, parameters)
    that form no cycles; at the default threshold the collector ran every 700 of them and took
    about 6 % of an import's time. Reference counting still frees them at once.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
