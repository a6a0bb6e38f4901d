"""The CSV report on SQLite: the whole report in one statement.

The newest review, the first appearance and the counts are joined by correlated look-ups on the
claim's indexes, lists are concatenated, dates are spelled out and (unless raw) formula cells
neutralised, all in SQL; Python only hands the rows to ``csv.writer`` (per-row Python, not the
queries, was what the report cost). Its cells equal those of the page-by-page path of
``csv_export`` (tests hold both to the same oracle).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from factdb.domain import Status
from factdb.formats.csv_report import ESCAPE, FORMULA_STARTS
from factdb.models import (
    NEWEST_REVIEW_FIRST,
    Appearance,
    Claim,
    Claimant,
    Review,
    Source,
)
from factdb.schemas.rows import EVIDENCE_SEPARATOR, EXTERNAL_ID_SEPARATOR
from factdb.schemas.types import TAG_SEPARATOR
from factdb.services.reporting.csv_parts import (
    ISO_DATE_FUNCTION,
    ISO_DATETIME_FUNCTION,
    register_date_functions,
)

# Rows fetched from the driver at a time.
FETCH_SIZE = 2_000
HEX_UUID_LENGTH = 32
# A status's rating value as the report shows it.
RATING_BY_STATUS = {status.value: status.rating_value for status in Status}


NEWEST_REVIEW = "newest_review"
FIRST_APPEARANCE = "first_appearance"
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
        f"WHEN '{status}' THEN '{rating}'" for status, rating in RATING_BY_STATUS.items() if rating
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


def report_statement(
    criteria: list[ColumnElement[bool]], limit: int | None, neutralize: bool
) -> Select[Any]:
    """The whole report as one SELECT, in claim id order (SQLite only)."""
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
    return select(*cells).select_from(claims).where(*criteria).order_by(Claim.id).limit(limit)


def sqlite_report(
    session: Session, criteria: list[ColumnElement[bool]], limit: int | None, neutralize: bool
) -> Iterator[Sequence[Any]]:
    statement = report_statement(criteria, limit, neutralize)
    # Plain Core rows: the ORM's row loading is pure overhead for a report of columns.
    connection = session.connection()
    _register_date_functions(connection)
    return iter(connection.execution_options(yield_per=FETCH_SIZE).execute(statement))


def _register_date_functions(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    register_date_functions(driver)
