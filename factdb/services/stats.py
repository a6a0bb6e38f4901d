"""Counts by status, claimant, source, language and month, read from the maintained counts.

``claim_counts`` (migration 0010) is kept current by triggers in every writing transaction, so
``stats`` reads a few hundred small rows whatever the size of the collection.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from factdb.models import Claimant, ClaimCount, Source
from factdb.schemas.info import Stats

TOP = 10
# Dimensions read whole (few keys each); claimants and sources are read top first by the index.
SMALL_DIMENSIONS = ("status", "deleted", "language", "month")


def claim_stats(*, session: Session, top: int = TOP) -> Stats:
    small: dict[str, dict[str, int]] = {name: {} for name in SMALL_DIMENSIONS}
    rows = session.execute(
        select(ClaimCount.dimension, ClaimCount.key, ClaimCount.total).where(
            ClaimCount.dimension.in_(SMALL_DIMENSIONS), ClaimCount.total > 0
        )
    )
    for dimension, key, total in rows:
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
        top_claimants=_top(session, "claimant", Claimant.id, Claimant.name, top),
        top_sources=_top(session, "source", Source.id, Source.url, top),
    )


def _top(
    session: Session,
    dimension: str,
    id_column: InstrumentedAttribute[int],
    name_column: InstrumentedAttribute[str],
    top: int,
) -> list[tuple[str, int]]:
    best = session.execute(
        select(ClaimCount.key, ClaimCount.total)
        .where(ClaimCount.dimension == dimension, ClaimCount.total > 0)
        .order_by(ClaimCount.total.desc(), ClaimCount.key)
        .limit(top)
    ).all()
    if not best:
        return []
    totals = {int(key): int(total) for key, total in best}
    chosen = select(id_column, name_column).where(id_column.in_(list(totals)))
    names: dict[int, str] = {int(key): str(name) for key, name in session.execute(chosen)}
    ranked = [(str(names[key]), total) for key, total in totals.items() if key in names]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))
