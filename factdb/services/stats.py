"""Counts by status, claimant, source, language and month, from indexed aggregate queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from factdb.models import Appearance, Claim, Claimant, Source
from factdb.schemas.info import Stats

TOP = 10


def claim_stats(*, session: Session, top: int = TOP) -> Stats:
    live = Claim.deleted_at.is_(None)
    by_status = _grouped(session, Claim.status, live)
    by_language = _grouped(session, func.coalesce(Claim.language, "unknown"), live)
    by_month = _grouped(session, _month(session), live, Claim.claim_date.is_not(None))
    deleted = session.scalar(select(func.count()).where(Claim.deleted_at.is_not(None))) or 0
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


def _grouped(
    session: Session,
    key: ColumnElement[Any] | QueryableAttribute[Any],
    *criteria: ColumnElement[bool],
) -> dict[str, int]:
    counted = func.count().label("n")
    rows = session.execute(select(key, counted).where(*criteria).group_by(key))
    return {str(value): int(count) for value, count in rows}


def _month(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(Claim.claim_date, "YYYY-MM")
    return func.substr(Claim.claim_date, 1, 7)


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
