"""Reading claims: one by id, or many by filter, streamed page by page."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from factdb.errors import NotFoundError
from factdb.models import Appearance, Claim, Claimant, ClaimTag, Review
from factdb.schemas.claims import ClaimFilter, ClaimRead
from factdb.services.claims.claimants import name_key
from factdb.services.claims.sources import get_source

PAGE_SIZE = 500


@cache
def _full_claim() -> tuple[LoaderOption, ...]:
    # Built on first use: loader options configure the mappers, which commands that import
    # this module for its filters alone would pay for at start-up.
    return (
        selectinload(Claim.claimant),
        selectinload(Claim.tags),
        selectinload(Claim.external_ids),
        selectinload(Claim.appearances).selectinload(Appearance.source),
        selectinload(Claim.reviews).selectinload(Review.evidence),
    )


def get_claim(*, session: Session, claim_id: int) -> ClaimRead:
    claim = session.scalar(select(Claim).where(Claim.id == claim_id).options(*_full_claim()))
    if claim is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    return ClaimRead.model_validate(claim)


def iter_claims(
    *, session: Session, claim_filter: ClaimFilter, page_size: int = PAGE_SIZE
) -> Iterator[ClaimRead]:
    """Claims in id order, loaded a page at a time so memory stays flat however many there are.

    The filter is checked now (an unknown source fails before anything is printed); the rows
    are read as the iterator is consumed.
    """
    rows = iter_claim_rows(session=session, claim_filter=claim_filter, page_size=page_size)
    return (ClaimRead.model_validate(claim) for claim in rows)


def count_claims(*, session: Session, claim_filter: ClaimFilter) -> int:
    """How many claims the filter selects (for progress bars), limit included."""
    query = _filtered(session, claim_filter).with_only_columns(func.count(Claim.id))
    total = session.scalar(query) or 0
    return total if claim_filter.limit is None else min(total, claim_filter.limit)


def iter_claim_rows(
    *, session: Session, claim_filter: ClaimFilter, page_size: int = PAGE_SIZE
) -> Iterator[Claim]:
    """The ORM rows behind ``iter_claims``, with everything they own loaded page by page."""
    query = _filtered(session, claim_filter)
    return _pages(session, query, claim_filter.limit, page_size)


def _pages(
    session: Session, query: Select[Claim], limit: int | None, page_size: int
) -> Iterator[Claim]:
    remaining = limit
    last_id = 0
    while remaining is None or remaining > 0:
        size = page_size if remaining is None else min(page_size, remaining)
        page = session.scalars(
            query.where(Claim.id > last_id).order_by(Claim.id).limit(size).options(*_full_claim())
        ).all()
        if not page:
            return
        yield from page
        last_id = page[-1].id
        if remaining is not None:
            remaining -= len(page)
        # Forget the page's rows so a long export does not accumulate them in the session.
        session.expunge_all()


def _filtered(session: Session, claim_filter: ClaimFilter) -> Select[Claim]:
    return select(Claim).where(*filter_criteria(session, claim_filter))


def filter_criteria(session: Session, claim_filter: ClaimFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a claim filter, for any query that selects from ``claims``."""
    criteria: list[ColumnElement[bool]] = []
    if not claim_filter.include_deleted:
        criteria.append(Claim.deleted_at.is_(None))
    if claim_filter.status is not None:
        criteria.append(Claim.status == claim_filter.status.value)
    if claim_filter.claimant is not None:
        claimant_ids = select(Claimant.id).where(
            Claimant.name_key == name_key(claim_filter.claimant)
        )
        criteria.append(Claim.claimant_id.in_(claimant_ids))
    if claim_filter.source is not None:
        source = get_source(session=session, ref=claim_filter.source)
        # Correlated on claims alone: the outer query may itself read appearances or tags
        # (reports do), and those must stay inside the subquery.
        criteria.append(
            exists()
            .where(Appearance.claim_id == Claim.id, Appearance.source_id == source.id)
            .correlate(Claim)
        )
    if claim_filter.tag is not None:
        criteria.append(
            exists()
            .where(ClaimTag.claim_id == Claim.id, ClaimTag.tag == claim_filter.tag)
            .correlate(Claim)
        )
    if claim_filter.since is not None:
        criteria.append(Claim.created_at >= claim_filter.since)
    return criteria
