"""The CSV report, read with set-based queries instead of ORM objects and Pydantic models.

On SQLite the whole report is one statement: the newest review, the first appearance and the
counts are joined by correlated look-ups on the claim's indexes, lists are concatenated, dates
are spelled out and (unless raw) formula cells neutralised, all in SQL; Python only hands the
rows to ``csv.writer`` (per-row Python, not the queries, was what the report cost). Elsewhere
(and as the reference the SQLite statement is tested against) a page of claims at a time is
read with a handful of queries and assembled in Python. Tests hold both to the same cells, and
to an oracle that works them out claim by claim from the read schema.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TextIO, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from factdb.domain import Status
from factdb.formats.csv_report import ESCAPE, FORMULA_STARTS, write_claims_csv
from factdb.models import (
    NEWEST_REVIEW_FIRST,
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

PAGE_SIZE = 5_000
# Rows fetched from the driver at a time by the one-statement report.
FETCH_SIZE = 2_000
HEX_UUID_LENGTH = 32
_RATING = {status.value: status.rating_value for status in Status}
T = TypeVar("T")


def write_csv_report(
    *,
    session: Session,
    claim_filter: ClaimFilter,
    stream: TextIO,
    neutralize: bool = True,
    on_claim: Callable[[], None] | None = None,
) -> int:
    """Write the report (header first) to the stream as it is read; returns the claim count.

    With ``neutralize``, cells a spreadsheet would run as a formula are neutralised (see
    ``factdb.formats.csv_report``).
    """
    criteria = filter_criteria(session, claim_filter)
    if session.get_bind().dialect.name == "sqlite":
        cells = _sqlite_report(session, criteria, claim_filter.limit, neutralize)
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
    return _sqlite_report(session, criteria, claim_filter.limit, neutralize)


def _ticking(rows: Iterator[T], tick: Callable[[], None] | None) -> Iterator[T]:
    if tick is None:
        return rows
    return _ticked(rows, tick)


def _ticked(rows: Iterator[T], tick: Callable[[], None]) -> Iterator[T]:
    for row in rows:
        yield row
        tick()


# -- SQLite: the whole report in one statement ------------------------------------------------

NEWEST_REVIEW = "newest_review"
FIRST_APPEARANCE = "first_appearance"
ISO_DATETIME_FUNCTION = "factdb_iso_datetime"
ISO_DATE_FUNCTION = "factdb_iso_date"
# How SQLAlchemy stores a datetime in SQLite (and the triggers write one): spelled out in SQL.
# Anything else is left to Python's own parser, exactly as the ORM would read it.
_STORED_DATETIME = (
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]." + ("[0-9]" * 6)
)
_STORED_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


def _quoted(value: str) -> str:
    """A SQL string literal (control characters such as a tab stand for themselves in one)."""
    return "'" + value.replace("'", "''") + "'"


def _iso_datetime_sql(column: str) -> str:
    # Python's isoformat leaves out a zero fraction of a second; a stored value always has one.
    return (
        f"CASE WHEN {column} IS NULL THEN '' "
        f"WHEN {column} GLOB '{_STORED_DATETIME}' THEN replace(CASE WHEN substr({column}, 20) "
        f"= '.000000' THEN substr({column}, 1, 19) ELSE {column} END, ' ', 'T') || '+00:00' "
        f"ELSE {ISO_DATETIME_FUNCTION}({column}) END"
    )


def _iso_date_sql(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN {column} GLOB '{_STORED_DATE}' THEN {column} "
        f"ELSE {ISO_DATE_FUNCTION}({column}) END"
    )


def _uid_sql(column: str) -> str:
    dashed = " || '-' || ".join(
        f"substr({column}, {start}, {length})"
        for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    )
    return f"CASE WHEN length({column}) = {HEX_UUID_LENGTH} THEN lower({dashed}) ELSE {column} END"


def _rating_sql() -> str:
    cases = " ".join(
        f"WHEN '{status}' THEN '{rating}'" for status, rating in _RATING.items() if rating
    )
    by_status = f"CASE claims.status {cases} ELSE '' END"
    return f"CASE WHEN {NEWEST_REVIEW}.id IS NULL THEN '' ELSE {by_status} END"


def _neutralized_sql(cell: str) -> str:
    """``neutralize_cell`` in SQL: an apostrophe before a cell that starts a formula, also
    after apostrophes. The common case costs one GLOB on the first character."""
    risky_first = _glob_class((*FORMULA_STARTS, ESCAPE))
    formula_first = _glob_class(FORMULA_STARTS)
    escape = _quoted(ESCAPE)
    return (
        f"CASE WHEN {cell} GLOB {risky_first} AND ltrim({cell}, {escape}) GLOB {formula_first} "
        f"THEN {escape} || {cell} ELSE {cell} END"
    )


def _glob_class(starts: Sequence[str]) -> str:
    """A GLOB pattern (as a SQL literal) for text starting with one of these characters."""
    # '-' goes last, where a character class takes it literally.
    characters = sorted(starts, key=lambda character: character == "-")
    return _quoted("[" + "".join(characters) + "]*")


def _joined_sql(cell: str, separator: str, rows: str, neutralize: bool) -> str:
    """A list cell: ``cell`` of each of ``rows`` (a query correlated with the claim, in order)
    joined by ``separator``. Finished inside, where SQLite computes the aggregate once.

    ``group_concat`` takes the rows in the order the ordered subquery yields them (an ORDER BY
    inside the aggregate needs SQLite 3.44); tests/test_csv_export.py pins every list's order.
    """
    joined = f"coalesce(group_concat({cell}, {_quoted(separator)}), '')"
    return f"(SELECT {_neutralized_sql(joined) if neutralize else joined} FROM ({rows}))"


# Every evidence link of every review, oldest review first, each link once (in its first place).
_EVIDENCE_ROWS = (
    "SELECT url FROM (SELECT evidence.url AS url, row_number() OVER ("
    "ORDER BY reviews.reviewed_at ASC NULLS FIRST, reviews.id ASC, evidence.id ASC) AS position "
    "FROM reviews JOIN evidence ON evidence.review_id = reviews.id "
    "WHERE reviews.claim_id = claims.id) GROUP BY url ORDER BY min(position)"
)
_TAG_ROWS = "SELECT tag FROM claim_tags WHERE claim_tags.claim_id = claims.id ORDER BY tag"
_EXTERNAL_ID_ROWS = (
    "SELECT external_id || ' (' || dataset || ')' AS cell FROM claim_external_ids "
    "WHERE claim_external_ids.claim_id = claims.id ORDER BY dataset, external_id"
)
_APPEARANCES_SQL = "(SELECT count(*) FROM appearances WHERE appearances.claim_id = claims.id)"
_REVIEWS_SQL = "(SELECT count(*) FROM reviews WHERE reviews.claim_id = claims.id)"


def _sqlite_cells(neutralize: bool) -> list[str]:
    """The report's cells as SQL, in ``CSV_COLUMNS`` order.

    Free text is neutralised if asked; ids, counts, dates, spans, the rating number, and the
    kind and status (checked against their vocabularies by the schema) never start a formula.
    """

    def text(cell: str) -> str:
        return _neutralized_sql(cell) if neutralize else cell

    review, first = NEWEST_REVIEW, FIRST_APPEARANCE
    return [
        "claims.id",
        text(_uid_sql("claims.uid")),
        text("claims.text"),
        text("coalesce(claimants.name, '')"),
        "coalesce(claimants.kind, '')",
        _iso_date_sql("claims.claim_date"),
        text("coalesce(claims.language, '')"),
        "claims.status",
        text(f"coalesce({review}.rating_label, '')"),
        _rating_sql(),
        _iso_datetime_sql(f"{review}.reviewed_at"),
        text(f"coalesce({review}.reviewer, '')"),
        text(f"coalesce({review}.note, '')"),
        text(f"coalesce({review}.url, '')"),
        # Evidence belongs to reviews: a claim without one is not looked up.
        f"CASE WHEN {review}.id IS NULL THEN '' ELSE "
        f"{_joined_sql('url', EVIDENCE_SEPARATOR, _EVIDENCE_ROWS, neutralize)} END",
        text("coalesce(sources.url, '')"),
        text("coalesce(sources.title, '')"),
        text("coalesce(sources.publisher, '')"),
        _iso_datetime_sql("sources.published_at"),
        text(f"coalesce({first}.quote, '')"),
        f"coalesce({first}.quote_start, '')",
        f"coalesce({first}.quote_end, '')",
        _APPEARANCES_SQL,
        _joined_sql("tag", TAG_SEPARATOR, _TAG_ROWS, neutralize),
        f"CASE WHEN {review}.id IS NULL THEN 0 ELSE {_REVIEWS_SQL} END",
        _iso_datetime_sql("claims.created_at"),
        _iso_datetime_sql("claims.updated_at"),
        _joined_sql("cell", EXTERNAL_ID_SEPARATOR, _EXTERNAL_ID_ROWS, neutralize),
    ]


def _sqlite_report(
    session: Session, criteria: list[ColumnElement[bool]], limit: int | None, neutralize: bool
) -> Iterator[Sequence[Any]]:
    newest = Review.__table__.alias(NEWEST_REVIEW)
    first = Appearance.__table__.alias(FIRST_APPEARANCE)
    newest_id = (
        select(Review.id)
        .where(Review.claim_id == Claim.id)
        .order_by(*NEWEST_REVIEW_FIRST)
        .limit(1)
        .scalar_subquery()
    )
    first_id = select(func.min(Appearance.id)).where(Appearance.claim_id == Claim.id)
    claims = (
        Claim.__table__.outerjoin(Claimant.__table__, Claimant.id == Claim.claimant_id)
        .outerjoin(newest, newest.c.id == newest_id)
        .outerjoin(first, first.c.id == first_id.scalar_subquery())
        .outerjoin(Source.__table__, Source.id == first.c.source_id)
    )
    cells: list[ColumnElement[Any]] = [literal_column(cell) for cell in _sqlite_cells(neutralize)]
    statement = select(*cells).select_from(claims).where(*criteria).order_by(Claim.id).limit(limit)
    connection = _core(session)
    _register_date_functions(connection)
    return iter(connection.execution_options(yield_per=FETCH_SIZE).execute(statement))


def _register_date_functions(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.create_function(ISO_DATETIME_FUNCTION, 1, _iso_datetime_text, deterministic=True)
    driver.create_function(ISO_DATE_FUNCTION, 1, _iso_date_text, deterministic=True)


def _iso_datetime_text(stored: str) -> str:
    # What the ORM's UTCDateTime reads from a value not in the stored form, then ``_iso``.
    value = datetime.fromisoformat(stored)
    return (
        value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    ).isoformat()


def _iso_date_text(stored: str) -> str:
    return date.fromisoformat(stored).isoformat()


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
        rating = _RATING.get(status)
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
