"""Counts by status, claimant, source, language and month, from indexed aggregate queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from factdb.models import Appearance, Claim, Claimant, Source
from factdb.schemas.info import Stats

TOP = 10


def claim_stats(*, session: Session, top: int = TOP) -> Stats:
    live = Claim.deleted_at.is_(None)
    by_status, deleted = _by_status_and_deleted(session)
    by_language = _rolled_up(_grouped(session, Claim.language, live), _language_or_unknown)
    by_month = _rolled_up(
        _grouped(session, Claim.claim_date, live, Claim.claim_date.is_not(None)), _month
    )
    return Stats(
        claims=sum(by_status.values()),
        reviewed=sum(count for status, count in by_status.items() if status != "unverified"),
        deleted=deleted,
        by_status=dict(sorted(by_status.items(), key=lambda item: -item[1])),
        by_language=dict(sorted(by_language.items(), key=lambda item: -item[1])),
        by_month=dict(sorted(by_month.items())),
        top_claimants=_top_claimants(session, top),
        top_sources=_top_sources(session, top),
    )


# Grouping by the bare indexed column walks its covering index in order with no sort; grouping
# by an expression of it (a month, a default for NULL) sorts a million rows first. So the
# database groups by the column and the few thousand groups are rolled up here.


def _grouped(
    session: Session,
    key: QueryableAttribute[Any],
    *criteria: ColumnElement[bool],
) -> dict[Any, int]:
    counted = func.count().label("n")
    rows = session.execute(select(key, counted).where(*criteria).group_by(key))
    return {value: int(count) for value, count in rows}


def _rolled_up(counts: dict[Any, int], group_of: Callable[[Any], str]) -> dict[str, int]:
    rolled: dict[str, int] = {}
    for value, count in counts.items():
        group = group_of(value)
        rolled[group] = rolled.get(group, 0) + count
    return rolled


def _language_or_unknown(language: str | None) -> str:
    return language or "unknown"


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _by_status_and_deleted(session: Session) -> tuple[dict[str, int], int]:
    """Live claims by status, and the number of deleted claims.

    Two scans of the (status, deleted_at) index in its own order; grouping by status and
    ``deleted_at IS NULL`` in one query would sort every row first, which is slower than both.
    """
    by_status = {
        str(status): count
        for status, count in _grouped(session, Claim.status, Claim.deleted_at.is_(None)).items()
    }
    deleted = session.scalar(select(func.count()).where(Claim.deleted_at.is_not(None))) or 0
    return by_status, int(deleted)


def _top_claimants(session: Session, top: int) -> list[tuple[str, int]]:
    counted = func.count().label("n")
    per_claimant = (
        select(Claim.claimant_id, counted)
        .where(Claim.deleted_at.is_(None), Claim.claimant_id.is_not(None))
        .group_by(Claim.claimant_id)
        .order_by(counted.desc())
        .limit(top)
        .subquery()
    )
    rows = session.execute(
        select(Claimant.name, per_claimant.c.n)
        .join(per_claimant, per_claimant.c.claimant_id == Claimant.id)
        .order_by(per_claimant.c.n.desc(), Claimant.name)
    )
    return [(name, int(count)) for name, count in rows]


def _top_sources(session: Session, top: int) -> list[tuple[str, int]]:
    counted = func.count().label("n")
    per_source = (
        select(Appearance.source_id, counted)
        .group_by(Appearance.source_id)
        .order_by(counted.desc())
        .limit(top)
        .subquery()
    )
    rows = session.execute(
        select(Source.url, per_source.c.n)
        .join(per_source, per_source.c.source_id == Source.id)
        .order_by(per_source.c.n.desc(), Source.url)
    )
    return [(url, int(count)) for url, count in rows]
