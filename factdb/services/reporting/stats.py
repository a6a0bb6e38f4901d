"""Counts by status, claimant, source, language and month, read from the maintained counts.

``claim_counts`` (migration 0010) is kept current by triggers in every writing transaction, so
``stats`` reads a few hundred small rows whatever the size of the collection.

The queries are plain SQL over three tables: ``stats`` is a short command, and building the ORM
mappers and compiling ORM statements would cost it more than reading the counts does.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from factdb.schemas.report import Stats

TOP = 10
# Dimensions read whole (few keys each); claimants and sources are read top first by the index.
SMALL_DIMENSIONS = ("status", "deleted", "language", "month")

_SMALL = text(
    "SELECT dimension, key, total FROM claim_counts "
    "WHERE dimension IN ('status', 'deleted', 'language', 'month') AND total > 0"
)
_TOP = text(
    "SELECT key, total FROM claim_counts WHERE dimension = :dimension AND total > 0 "
    "ORDER BY total DESC, key LIMIT :top"
)
# Names of the top ids: the table and column come from ``_NAMES`` only, never from input.
_NAMES = {"claimant": ("claimants", "name"), "source": ("sources", "url")}


def claim_stats(*, session: Session, top: int = TOP) -> Stats:
    small: dict[str, dict[str, int]] = {name: {} for name in SMALL_DIMENSIONS}
    for dimension, key, total in session.execute(_SMALL):
        small[dimension][key] = total
    by_status = small["status"]
    by_language = {(key or "unknown"): total for key, total in small["language"].items()}
    return Stats(
        claims=sum(by_status.values()),
        reviewed=sum(count for status, count in by_status.items() if status != "unverified"),
        deleted=sum(small["deleted"].values()),
        by_status=dict(sorted(by_status.items(), key=lambda item: -item[1])),
        by_language=dict(sorted(by_language.items(), key=lambda item: -item[1])),
        by_month=dict(sorted(small["month"].items())),
        top_claimants=_top(session, "claimant", top),
        top_sources=_top(session, "source", top),
    )


def _top(session: Session, dimension: str, top: int) -> list[tuple[str, int]]:
    best = session.execute(_TOP, {"dimension": dimension, "top": top}).all()
    if not best:
        return []
    totals = {int(key): int(total) for key, total in best}
    table, column = _NAMES[dimension]
    chosen = text(f"SELECT id, {column} FROM {table} WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    rows = session.execute(chosen, {"ids": list(totals)})
    names: dict[int, str] = {int(key): str(name) for key, name in rows}
    ranked = [(str(names[key]), total) for key, total in totals.items() if key in names]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))
