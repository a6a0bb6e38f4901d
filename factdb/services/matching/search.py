"""Full-text search, ranked by relevance: SQLite FTS5 or PostgreSQL's tsvector.

Any user string is safe: the query is cut into words and only words reach the search engine,
so quotes, operators, parentheses and FTS syntax are just text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from factdb.models import Claim

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter

MAX_QUERY_WORDS = 32
_WORD = re.compile(r"\w+", re.UNICODE)

_fts = table("claims_fts", column("rowid"), column("rank"))


@dataclass(frozen=True)
class SearchHit:
    claim_id: int
    score: float


def query_words(query: str) -> list[str]:
    """The words of a user's query, lower-cased, at most ``MAX_QUERY_WORDS``, without repeats."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(query)))[:MAX_QUERY_WORDS]


def search_claims(
    *,
    session: Session,
    query: str,
    limit: int = 20,
    claim_filter: ClaimFilter | None = None,
    any_word: bool = False,
) -> list[SearchHit]:
    """Claims containing every word of the query (or any word), best match first."""
    words = query_words(query)
    if not words:
        return []
    if claim_filter is None:
        # Live claims only: `match` needs no more, and starts without the filter's schemas.
        criteria: list[ColumnElement[bool]] = [Claim.deleted_at.is_(None)]
    else:
        from factdb.services.claims.query import filter_criteria

        criteria = filter_criteria(session, claim_filter)
    if session.get_bind().dialect.name == "postgresql":
        statement = _postgres(words, any_word, criteria)
    elif claim_filter is None:
        hits = _sqlite_live(session, words, any_word, limit)
        if hits is not None:
            return hits
        statement = _sqlite(words, any_word, criteria).order_by(Claim.id)
    else:
        statement = _sqlite(words, any_word, criteria)
    rows = session.execute(statement.limit(limit))
    return [SearchHit(claim_id=claim_id, score=float(score)) for claim_id, score in rows]


# SQLite's page cache for a run of many searches (KiB): its default 2 MB is soon outgrown by
# the full-text index and its document lengths at a million claims, and every page missed is
# read again; a larger cache took about a tenth off `match --queries`' full-text time.
SEARCH_CACHE_KIB = 65_536
# And the file's pages read where they lie (memory-mapped) instead of copied through read(): at
# a million claims this took about a tenth off the full-text time of `match --queries` again.
# Reads only: SQLite writes through its usual path whatever this says.
SEARCH_MMAP_BYTES = 1 << 30


def cache_for_many_searches(session: Session) -> None:
    """A larger page cache, and the file memory-mapped, on this session's SQLite connection (the
    memory is taken only as pages are read, and given back when the connection closes)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"PRAGMA cache_size = -{SEARCH_CACHE_KIB}"))
        session.execute(text(f"PRAGMA mmap_size = {SEARCH_MMAP_BYTES}"))


def _expression(words: Sequence[str], any_word: bool) -> str:
    # Every word as a quoted FTS5 string: no operator of the user's can reach the parser.
    return (" OR " if any_word else " ").join(f'"{word}"' for word in words)


# The best matches of the full-text index alone, then only those checked against `claims`:
# joining every matching row to `claims` (to skip deleted ones) before sorting cost about a
# fifth of a `match` query's full-text time. Ties in rank go by claim id, as on PostgreSQL.
_SQLITE_LIVE = text(
    "SELECT claims.id, -best.rank FROM (SELECT rowid, rank FROM claims_fts "
    "WHERE claims_fts MATCH :expression ORDER BY rank, rowid LIMIT :room) AS best "
    "JOIN claims ON claims.id = best.rowid WHERE claims.deleted_at IS NULL "
    "ORDER BY best.rank, best.rowid LIMIT :limit"
)
# Room for deleted claims among the best matches before the plain query is needed.
_DELETED_ROOM = 50


def _sqlite_live(
    session: Session, words: Sequence[str], any_word: bool, limit: int
) -> list[SearchHit] | None:
    """The live claims best matching, or None when fewer than ``limit`` came out: then there
    are few matches (the plain query is cheap) or deleted claims crowded out live ones."""
    rows = session.execute(
        _SQLITE_LIVE,
        {
            "expression": _expression(words, any_word),
            "room": limit + _DELETED_ROOM,
            "limit": limit,
        },
    ).all()
    if len(rows) < limit:
        return None
    return [SearchHit(claim_id=claim_id, score=float(score)) for claim_id, score in rows]


def _sqlite(
    words: Sequence[str], any_word: bool, criteria: list[ColumnElement[bool]]
) -> Select[int, float]:
    expression = _expression(words, any_word)
    score = (-_fts.c.rank).label("score")  # FTS5's rank is bm25, lower is better
    return (
        select(Claim.id, score)
        .select_from(_fts.join(Claim, Claim.id == _fts.c.rowid))
        .where(text("claims_fts MATCH :expression").bindparams(expression=expression))
        .where(*criteria)
        .order_by(_fts.c.rank)
    )


def _postgres(
    words: Sequence[str], any_word: bool, criteria: list[ColumnElement[bool]]
) -> Select[int, float]:
    # Words joined by & or |, each quoted as a lexeme: to_tsquery then sees no user syntax.
    operator = " | " if any_word else " & "
    expression = operator.join("'" + word.replace("'", "''") + "'" for word in words)
    tsquery = func.to_tsquery("simple", func.factdb_unaccent(expression))
    vector: ColumnElement[Any] = literal_column("claims.search_vector")
    score = func.ts_rank_cd(vector, tsquery).label("score")
    return (
        select(Claim.id, score)
        .where(vector.op("@@")(tsquery))
        .where(*criteria)
        .order_by(score.desc(), Claim.id)
    )
