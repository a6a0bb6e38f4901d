"""The CSV report, read with set-based queries instead of ORM objects and Pydantic models.

On SQLite the whole report is one statement (``csv_statement``). Elsewhere (and as the
reference the SQLite statement is tested against) a page of claims at a time is read with a
handful of queries and assembled in Python, here. Tests hold both to the same cells, and
to an oracle that works them out claim by claim from the read schema.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TextIO, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from factdb.formats.csv_report import write_claims_csv
from factdb.models import (
    OLDEST_REVIEW_FIRST,
    Appearance,
    Claim,
    Claimant,
    ClaimTag,
    Evidence,
    ExternalId,
    Review,
    Source,
)
from factdb.schemas.claims import ClaimFilter
from factdb.schemas.rows import EVIDENCE_SEPARATOR, EXTERNAL_ID_SEPARATOR, external_id_cell
from factdb.schemas.types import TAG_SEPARATOR
from factdb.services.claims.newest_review import newest_reviews
from factdb.services.claims.query import filter_criteria
from factdb.services.reporting.csv_statement import (
    HEX_UUID_LENGTH,
    RATING_BY_STATUS,
    sqlite_report,
)

PAGE_SIZE = 5_000
T = TypeVar("T")


class Tick(Protocol):
    """Called as claims are written: with no argument for one, or with how many."""

    def __call__(self, count: int = 1, /) -> None: ...


def write_csv_report(
    *,
    session: Session,
    claim_filter: ClaimFilter,
    stream: TextIO,
    neutralize: bool = True,
    on_claim: Tick | None = None,
    parallel_from: int | None = None,
) -> int:
    """Write the report (header first) to the stream as it is read; returns the claim count.

    With ``neutralize``, cells a spreadsheet would run as a formula are neutralised (see
    ``factdb.formats.csv_report``). On SQLite, a report of at least ``parallel_from`` claims
    (default ``csv_parallel.PARALLEL_FROM``) is written by two processes at once where it can
    be (see ``csv_parallel``); the bytes are the same.
    """
    criteria = filter_criteria(session, claim_filter)
    if session.get_bind().dialect.name == "sqlite":
        from factdb.services.reporting import csv_parallel

        written = csv_parallel.write_report_in_two(
            session=session,
            query=csv_parallel.ReportQuery(criteria, claim_filter.limit, neutralize),
            stream=stream,
            on_rows=on_claim or _ignore,
            minimum=csv_parallel.PARALLEL_FROM if parallel_from is None else parallel_from,
        )
        if written is not None:
            return written
        cells = sqlite_report(session, criteria, claim_filter.limit, neutralize)
        return write_claims_csv(_ticking(cells, on_claim), stream, neutralize=False)
    rows = _report_pages(session, criteria, claim_filter.limit, PAGE_SIZE)
    return write_claims_csv(_ticking(rows, on_claim), stream, neutralize=neutralize)


def csv_report_rows(
    *, session: Session, claim_filter: ClaimFilter, page_size: int = PAGE_SIZE
) -> Iterator[list[Any]]:
    """The report's rows (as assembled in Python), in claim id order and ``CSV_COLUMNS`` order."""
    criteria = filter_criteria(session, claim_filter)
    return _report_pages(session, criteria, claim_filter.limit, page_size)


def sqlite_report_rows(
    *, session: Session, claim_filter: ClaimFilter, neutralize: bool
) -> Iterator[Sequence[Any]]:
    """SQLite only: the report's rows as the one statement spells them out (for tests)."""
    criteria = filter_criteria(session, claim_filter)
    return sqlite_report(session, criteria, claim_filter.limit, neutralize)


def _ignore(count: int = 1, /) -> None:
    pass


def _ticking(rows: Iterator[T], tick: Tick | None) -> Iterator[T]:
    if tick is None:
        return rows
    return _ticked(rows, tick)


def _ticked(rows: Iterator[T], tick: Tick) -> Iterator[T]:
    for row in rows:
        yield row
        tick()


# -- Any database: a page of claims at a time, assembled in Python ----------------------------


def _report_pages(
    session: Session, criteria: list[ColumnElement[bool]], limit: int | None, page_size: int
) -> Iterator[list[Any]]:
    remaining = limit
    last_id = 0
    while remaining is None or remaining > 0:
        size = page_size if remaining is None else min(page_size, remaining)
        claims = (
            _core(session)
            .execute(
                select(
                    Claim.id,
                    # As stored: SQLite's 32 hex digits are spelled out below, not parsed.
                    type_coerce(Claim.uid, String),
                    Claim.text,
                    Claimant.name,
                    Claimant.kind,
                    Claim.claim_date,
                    Claim.language,
                    Claim.status,
                    Claim.created_at,
                    Claim.updated_at,
                )
                .outerjoin(Claimant, Claimant.id == Claim.claimant_id)
                .where(Claim.id > last_id, *criteria)
                .order_by(Claim.id)
                .limit(size)
            )
            .all()
        )
        if not claims:
            return
        yield from _page_rows(session, claims)
        last_id = claims[-1][0]
        if remaining is not None:
            remaining -= len(claims)


def _page_rows(session: Session, claims: Sequence[Any]) -> Iterator[list[Any]]:
    low, high = claims[0][0], claims[-1][0]
    reviews, review_counts = _latest_reviews(session, low, high)
    evidence = _evidence(session, low, high)
    appearances, appearance_counts = _first_appearances(session, low, high)
    tags = _tags(session, low, high)
    external_ids = _external_ids(session, low, high)
    for (
        claim_id,
        uid,
        text,
        claimant,
        kind,
        claim_date,
        language,
        status,
        created,
        updated,
    ) in claims:
        review = reviews.get(claim_id)
        appearance = appearances.get(claim_id)
        rating = RATING_BY_STATUS.get(status)
        label, reviewed_at, reviewer, note, url = review or ("", None, "", None, None)
        yield [
            claim_id,
            _uid_text(uid),
            text,
            claimant or "",
            kind or "",
            _iso(claim_date),
            language or "",
            status,
            label,
            "" if rating is None or review is None else str(rating),
            _iso(reviewed_at),
            reviewer,
            note or "",
            url or "",
            EVIDENCE_SEPARATOR.join(dict.fromkeys(evidence.get(claim_id, ()))),
            *(_appearance_cells(appearance) if appearance else ("",) * 7),
            appearance_counts.get(claim_id, 0),
            TAG_SEPARATOR.join(sorted(tags.get(claim_id, ()))),
            review_counts.get(claim_id, 0),
            _iso(created),
            _iso(updated),
            EXTERNAL_ID_SEPARATOR.join(external_ids.get(claim_id, ())),
        ]


def _appearance_cells(appearance: Sequence[Any]) -> tuple[str, ...]:
    url, title, publisher, published_at, quote, start, end = appearance
    return (
        url,
        title or "",
        publisher or "",
        _iso(published_at),
        quote or "",
        "" if start is None else str(start),
        "" if end is None else str(end),
    )


def _latest_reviews(
    session: Session, low: int, high: int
) -> tuple[dict[int, tuple[Any, ...]], dict[int, int]]:
    newest = newest_reviews(
        Review.rating_label,
        Review.reviewed_at,
        Review.reviewer,
        Review.note,
        Review.url,
        where=Review.claim_id.between(low, high),
        counted=True,
    )
    latest: dict[int, tuple[Any, ...]] = {}
    counts: dict[int, int] = {}
    for claim_id, label, reviewed_at, reviewer, note, url, total in _core(session).execute(newest):
        latest[claim_id] = (label, reviewed_at, reviewer, note, url)
        counts[claim_id] = total
    return latest, counts


def _evidence(session: Session, low: int, high: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = _core(session).execute(
        select(Review.claim_id, Evidence.url)
        .join(Evidence, Evidence.review_id == Review.id)
        .where(Review.claim_id.between(low, high))
        .order_by(Review.claim_id, *OLDEST_REVIEW_FIRST, Evidence.id)
    )
    for claim_id, url in rows:
        found[claim_id].append(url)
    return found


def _first_appearances(
    session: Session, low: int, high: int
) -> tuple[dict[int, tuple[Any, ...]], dict[int, int]]:
    ranked = (
        select(
            Appearance.claim_id,
            Appearance.source_id,
            Appearance.quote,
            Appearance.quote_start,
            Appearance.quote_end,
            func.row_number()
            .over(partition_by=Appearance.claim_id, order_by=Appearance.id)
            .label("rank"),
            func.count().over(partition_by=Appearance.claim_id).label("appearances"),
        )
        .where(Appearance.claim_id.between(low, high))
        .subquery()
    )
    rows = _core(session).execute(
        select(
            ranked.c.claim_id,
            Source.url,
            Source.title,
            Source.publisher,
            Source.published_at,
            ranked.c.quote,
            ranked.c.quote_start,
            ranked.c.quote_end,
            ranked.c.appearances,
        )
        .join(Source, Source.id == ranked.c.source_id)
        .where(ranked.c.rank == 1)
    )
    first: dict[int, tuple[Any, ...]] = {}
    counts: dict[int, int] = {}
    for claim_id, *cells, total in rows:
        first[claim_id] = tuple(cells)
        counts[claim_id] = total
    return first, counts


def _tags(session: Session, low: int, high: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = _core(session).execute(
        select(ClaimTag.claim_id, ClaimTag.tag)
        .where(ClaimTag.claim_id.between(low, high))
        .order_by(ClaimTag.claim_id, ClaimTag.tag)
    )
    for claim_id, tag in rows:
        found[claim_id].append(tag)
    return found


def _external_ids(session: Session, low: int, high: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = _core(session).execute(
        select(ExternalId.claim_id, ExternalId.dataset, ExternalId.external_id)
        .where(ExternalId.claim_id.between(low, high))
        .order_by(ExternalId.claim_id, ExternalId.dataset, ExternalId.external_id)
    )
    for claim_id, dataset, external_id in rows:
        found[claim_id].append(external_id_cell(dataset, external_id))
    return found


def _core(session: Session) -> Connection:
    # Plain Core rows: the ORM's row loading is pure overhead for a report of columns.
    return session.connection()


def _uid_text(uid: object) -> str:
    """A uid in its canonical dashed form, from SQLite's stored hex or PostgreSQL's UUID."""
    if isinstance(uid, str) and len(uid) == HEX_UUID_LENGTH:
        return f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}".lower()
    return str(uid)


def _iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()
