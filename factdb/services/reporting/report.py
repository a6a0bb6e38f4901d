"""What a report shows: summary figures, claims with their reviews, sources with their spans.

Every figure is an aggregate query; claims are read a page at a time with a handful of set-based
queries per page (as the CSV export does), and sources one at a time, so memory stays flat however
many claims the report covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from factdb.domain import Stance, Status
from factdb.models import (
    OLDEST_REVIEW_FIRST,
    Appearance,
    Claim,
    Claimant,
    ClaimTag,
    Evidence,
    Review,
    Source,
)
from factdb.schemas.claims import ClaimFilter
from factdb.schemas.report import (
    ReportAppearance,
    ReportClaim,
    ReportEvidence,
    ReportReview,
    ReportSource,
    ReportSpan,
    ReportSummary,
    StatusCount,
    VerdictMix,
)
from factdb.services.claims.query import filter_criteria

PAGE_SIZE = 1_000
SOURCE_PAGE_SIZE = 100
TOP = 25


@dataclass(frozen=True)
class Report:
    """A report's figures, and its claims and sources read from the database as they are used."""

    summary: ReportSummary
    claims: Iterator[ReportClaim]
    sources: Iterator[ReportSource]


def build_report(
    *, session: Session, claim_filter: ClaimFilter, title: str, page_size: int = PAGE_SIZE
) -> Report:
    """The summary now; claims and sources lazily, while the session stays open."""
    return Report(
        summary=report_summary(session=session, claim_filter=claim_filter, title=title),
        claims=iter_report_claims(session=session, claim_filter=claim_filter, page_size=page_size),
        sources=iter_report_sources(session=session, claim_filter=claim_filter),
    )


def selected_claims(*, session: Session, claim_filter: ClaimFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``claims`` for exactly the claims the filter selects, limit included.

    Checked at once: an unknown ``--source`` fails before any output is written.
    """
    criteria = filter_criteria(session, claim_filter)
    if claim_filter.limit is None:
        return criteria
    first_ids = select(Claim.id).where(*criteria).order_by(Claim.id).limit(claim_filter.limit)
    return [Claim.id.in_(first_ids)]


def report_summary(
    *,
    session: Session,
    claim_filter: ClaimFilter,
    title: str,
    top: int = TOP,
    now: datetime | None = None,
) -> ReportSummary:
    selected = selected_claims(session=session, claim_filter=claim_filter)
    by_status = _status_counts(session, selected)
    top_claimants, claimant_count = _claimant_mix(session, selected, top)
    top_sources, source_count = _source_mix(session, selected, top)
    return ReportSummary(
        title=title,
        generated_at=now or datetime.now(UTC),
        filters=describe_filter(claim_filter),
        claims=sum(by_status.values()),
        reviewed=sum(count for status, count in by_status.items() if status != Status.UNVERIFIED),
        by_status=[
            StatusCount(status=status, count=by_status[status])
            for status in Status
            if status in by_status
        ],
        reviews_by_month=_reviews_by_month(session, selected),
        by_claimant=_named_claimants(session, top_claimants),
        claimant_count=claimant_count,
        by_source=_named_sources(session, top_sources),
        source_count=source_count,
    )


def describe_filter(claim_filter: ClaimFilter) -> str:
    """The filter as a reader would say it, e.g. ``status false; tag economy``; empty for all."""
    given = claim_filter.model_dump(exclude_defaults=True, mode="json")
    return "; ".join(f"{name.replace('_', ' ')} {value}" for name, value in given.items())


def iter_report_claims(
    *, session: Session, claim_filter: ClaimFilter, page_size: int = PAGE_SIZE
) -> Iterator[ReportClaim]:
    """The selected claims in id order, each with its reviews, evidence and appearances."""
    selected = selected_claims(session=session, claim_filter=claim_filter)
    return _claim_pages(session, selected, page_size)


def iter_report_sources(
    *, session: Session, claim_filter: ClaimFilter, page_size: int = SOURCE_PAGE_SIZE
) -> Iterator[ReportSource]:
    """Sources with text in which a selected claim appears, one at a time, with their spans."""
    selected = selected_claims(session=session, claim_filter=claim_filter)
    return _sources(session, selected, page_size)


def _status_counts(session: Session, selected: list[ColumnElement[bool]]) -> dict[Status, int]:
    rows = session.execute(
        select(Claim.status, func.count()).where(*selected).group_by(Claim.status)
    )
    return {Status(status): int(count) for status, count in rows}


# Fifty years of months at most are filled in with zeros; a longer span lists only its reviews.
MAX_FILLED_MONTHS = 600


def _reviews_by_month(
    session: Session, selected: list[ColumnElement[bool]]
) -> list[tuple[str, int]]:
    month = _month(session, Review.reviewed_at)
    rows = session.execute(
        select(month, func.count())
        .join(Claim, Claim.id == Review.claim_id)
        # An undated review belongs to no month (certainly not to the month it was imported).
        .where(*selected, Review.reviewed_at.is_not(None))
        .group_by(month)
    )
    return _every_month({str(value): int(count) for value, count in rows})


def _every_month(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The counts from the first month to the last, months without reviews as 0, so a chart's
    time axis is even; over a span too long to chart (a review dated 9999), only the months that
    have reviews. Months are compared as numbers: as text, "10000-01" sorts before "9999-12"."""
    if not counts:
        return []
    first, last = min(counts.items(), key=_month_number), max(counts.items(), key=_month_number)
    start, end = _month_number(first), _month_number(last)
    if end - start >= MAX_FILLED_MONTHS:
        return sorted(counts.items(), key=_month_number)
    return [(key, counts.get(key, 0)) for key in map(_month_key, range(start, end + 1))]


def _month_number(item: tuple[str, int]) -> int:
    year, _, month = item[0].partition("-")
    return int(year) * 12 + int(month) - 1


def _month_key(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def _month(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        # The month in UTC, whatever time zone the server's session uses.
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    # SQLite keeps UTC times as ISO text, so the month is its first seven characters.
    return func.substr(column, 1, 7)


Mix = dict[int, dict[Status, int]]
Ranked = list[tuple[int, dict[Status, int]]]


def _claimant_mix(
    session: Session, selected: list[ColumnElement[bool]], top: int
) -> tuple[Ranked, int]:
    """The ``top`` claimants by selected claims with their verdict mix, and how many there are."""
    return _ranked_mix(
        session, Claim.claimant_id, [*selected, Claim.claimant_id.is_not(None)], top, joined=False
    )


def _source_mix(
    session: Session, selected: list[ColumnElement[bool]], top: int
) -> tuple[Ranked, int]:
    """The ``top`` sources by selected claims with their verdict mix, and how many there are."""
    return _ranked_mix(session, Appearance.source_id, selected, top, joined=True)


def _ranked_mix(
    session: Session,
    key: Any,
    criteria: list[ColumnElement[bool]],
    top: int,
    *,
    joined: bool,
) -> tuple[Ranked, int]:
    # The ranking and the count happen in the database: a million claims may have a hundred
    # thousand sources, and only the top few are shown.
    def narrowed(statement: Any) -> Any:
        if joined:
            statement = statement.join(Claim, Claim.id == Appearance.claim_id)
        return statement.where(*criteria)

    claims = func.count().label("claims")
    leaders = [
        int(value)
        for value, _ in session.execute(
            narrowed(select(key, claims)).group_by(key).order_by(claims.desc(), key).limit(top)
        )
    ]
    total = session.scalar(narrowed(select(func.count(func.distinct(key))))) or 0
    mix: Mix = defaultdict(dict)
    if leaders:
        rows = session.execute(
            narrowed(select(key, Claim.status, func.count()))
            .where(key.in_(leaders))
            .group_by(key, Claim.status)
        )
        for value, status, count in rows:
            mix[int(value)][Status(status)] = int(count)
    return [(leader, mix[leader]) for leader in leaders], int(total)


def _named_claimants(session: Session, ranked: Ranked) -> list[VerdictMix]:
    rows = session.execute(
        select(Claimant.id, Claimant.name).where(Claimant.id.in_([key for key, _ in ranked]))
    )
    names = dict(rows.all())
    return [_verdict_mix(names[key], None, counts) for key, counts in ranked]


def _named_sources(session: Session, ranked: Ranked) -> list[VerdictMix]:
    rows = session.execute(
        select(Source.id, Source.url, Source.title).where(Source.id.in_([key for key, _ in ranked]))
    )
    found = {key: (url, title) for key, url, title in rows}
    return [
        _verdict_mix(found[key][1] or found[key][0], found[key][0], counts)
        for key, counts in ranked
    ]


def _verdict_mix(name: str, url: str | None, counts: dict[Status, int]) -> VerdictMix:
    ordered = {status: counts[status] for status in Status if status in counts}
    return VerdictMix(name=name, url=url, claims=sum(ordered.values()), by_status=ordered)


def _claim_pages(
    session: Session, selected: list[ColumnElement[bool]], page_size: int
) -> Iterator[ReportClaim]:
    last_id = 0
    while True:
        claims = session.execute(
            select(Claim.id, Claim.text, Claimant.name, Claim.status, Claim.claim_date)
            .outerjoin(Claimant, Claimant.id == Claim.claimant_id)
            .where(Claim.id > last_id, *selected)
            .order_by(Claim.id)
            .limit(page_size)
        ).all()
        if not claims:
            return
        yield from _page(session, claims)
        last_id = claims[-1][0]


def _page(session: Session, claims: Sequence[Any]) -> Iterator[ReportClaim]:
    ids = [row[0] for row in claims]
    reviews = _reviews(session, ids)
    appearances = _appearances(session, ids)
    tags = _tags(session, ids)
    for claim_id, text, claimant, status, claim_date in claims:
        yield ReportClaim(
            id=claim_id,
            text=text,
            claimant=claimant,
            status=Status(status),
            claim_date=claim_date,
            tags=tags.get(claim_id, []),
            reviews=reviews.get(claim_id, []),
            appearances=appearances.get(claim_id, []),
        )


def _reviews(session: Session, claim_ids: list[int]) -> dict[int, list[ReportReview]]:
    evidence = _evidence(session, claim_ids)
    found: dict[int, list[ReportReview]] = defaultdict(list)
    rows = session.execute(
        select(
            Review.claim_id,
            Review.id,
            Review.status,
            Review.rating_label,
            Review.note,
            Review.reviewer,
            Review.reviewed_at,
            Review.url,
        )
        .where(Review.claim_id.in_(claim_ids))
        # The order in which reviews set the status: the newest is the claim's verdict.
        .order_by(Review.claim_id, *OLDEST_REVIEW_FIRST)
    )
    for claim_id, review_id, status, label, note, reviewer, reviewed_at, url in rows:
        found[claim_id].append(
            ReportReview(
                status=Status(status),
                rating_label=label,
                note=note,
                reviewer=reviewer,
                reviewed_at=reviewed_at,
                url=url,
                evidence=evidence.get(review_id, []),
            )
        )
    return found


def _evidence(session: Session, claim_ids: list[int]) -> dict[int, list[ReportEvidence]]:
    found: dict[int, list[ReportEvidence]] = defaultdict(list)
    rows = session.execute(
        select(Evidence.review_id, Evidence.url, Evidence.title, Evidence.stance)
        .join(Review, Review.id == Evidence.review_id)
        .where(Review.claim_id.in_(claim_ids))
        .order_by(Evidence.id)
    )
    for review_id, url, title, stance in rows:
        found[review_id].append(ReportEvidence(url=url, title=title, stance=Stance(stance)))
    return found


def _appearances(session: Session, claim_ids: list[int]) -> dict[int, list[ReportAppearance]]:
    found: dict[int, list[ReportAppearance]] = defaultdict(list)
    rows = session.execute(
        select(
            Appearance.claim_id,
            Source.id,
            Source.url,
            Source.title,
            Appearance.quote,
            Appearance.quote_start,
            Appearance.quote_end,
            # Shown in its article only when the span lies within the text (as _source checks).
            func.length(Source.text) >= Appearance.quote_end,
        )
        .join(Source, Source.id == Appearance.source_id)
        .where(Appearance.claim_id.in_(claim_ids))
        .order_by(Appearance.id)
    )
    for claim_id, source_id, url, title, quote, start, end, within_text in rows:
        found[claim_id].append(
            ReportAppearance(
                source_id=source_id,
                source_url=url,
                source_title=title,
                quote=quote,
                start=start,
                end=end,
                in_report=bool(within_text) and start is not None,
            )
        )
    return found


def _tags(session: Session, claim_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(ClaimTag.claim_id, ClaimTag.tag)
        .where(ClaimTag.claim_id.in_(claim_ids))
        .order_by(ClaimTag.claim_id, ClaimTag.tag)
    )
    for claim_id, tag in rows:
        found[claim_id].append(tag)
    return found


def _sources(
    session: Session, selected: list[ColumnElement[bool]], page_size: int
) -> Iterator[ReportSource]:
    cites_selected = (
        exists()
        .where(Appearance.source_id == Source.id, *selected)
        .where(Claim.id == Appearance.claim_id)
    )
    last_id = 0
    while True:
        ids = session.scalars(
            select(Source.id)
            .where(Source.id > last_id, Source.text.is_not(None), cites_selected)
            .order_by(Source.id)
            .limit(page_size)
        ).all()
        if not ids:
            return
        # One source at a time: an article's text can be megabytes long.
        for source_id in ids:
            yield _source(session, source_id, selected)
        last_id = ids[-1]


def _source(session: Session, source_id: int, selected: list[ColumnElement[bool]]) -> ReportSource:
    url, title, publisher, published_at, text = session.execute(
        select(Source.url, Source.title, Source.publisher, Source.published_at, Source.text).where(
            Source.id == source_id
        )
    ).one()
    article: str = text or ""  # chosen for having text, though the column may be NULL
    rows = session.execute(
        select(Appearance.claim_id, Claim.status, Appearance.quote_start, Appearance.quote_end)
        .join(Claim, Claim.id == Appearance.claim_id)
        .where(Appearance.source_id == source_id, Appearance.quote_start.is_not(None), *selected)
        .order_by(Appearance.quote_start, Appearance.claim_id)
    )
    spans = [
        ReportSpan(claim_id=claim_id, status=Status(status), start=start, end=end)
        for claim_id, status, start, end in rows
        # A span beyond the text cannot be shown; the database checks only that start < end.
        if end is not None and end <= len(article)
    ]
    return ReportSource(
        id=source_id,
        url=url,
        title=title,
        publisher=publisher,
        published_at=published_at,
        text=article,
        spans=spans,
    )
