"""Relabel: re-derive reviews' statuses from their published labels after the map changed.

A review keeps what the fact-checker published (label, number, scale) forever; its status is
only the normalisation of that, by the rating map in force when it was imported. When the map
is corrected (a ``--rating-map`` fixed, a vocabulary added), ``relabel`` maps every stored label
again, changes the (status, status_basis) of the reviews whose outcome differs (the one change
the database lets through on reviews, migration 0007), recomputes each affected claim's status
from its newest review and writes a 'relabeled' entry with before and after to the claim's
history. Verdicts a person chose (basis 'given') are never touched, nor are deleted claims.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, Status, StatusBasis
from factdb.models import NEWEST_REVIEW_FIRST, Claim, Review, utcnow
from factdb.ratings.mapper import RatingMapper
from factdb.services.claims.history import record_history

_BATCH = 1_000


@dataclass
class RelabelSummary:
    """What a relabel examined and changed."""

    reviews_examined: int = 0
    reviews_changed: int = 0
    claims_relabeled: int = 0  # claims with at least one review changed (one history entry each)
    claims_status_changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)  # review statuses


@dataclass(frozen=True)
class _ReviewChange:
    review_id: int
    claim_id: int
    rating_label: str
    before: tuple[str, str]  # (status, status_basis)
    after: tuple[str, str]


def relabel_reviews(*, session: Session, mapper: RatingMapper, actor: str) -> RelabelSummary:
    """Re-map every derived review status with `mapper`; see the module docstring."""
    summary = RelabelSummary()
    by_claim: defaultdict[int, list[_ReviewChange]] = defaultdict(list)
    for change in _changes(session=session, mapper=mapper, summary=summary):
        by_claim[change.claim_id].append(change)
    changes = [change for claim_changes in by_claim.values() for change in claim_changes]
    for start in range(0, len(changes), _BATCH):
        session.execute(
            update(Review),
            [
                {"id": change.review_id, "status": change.after[0], "status_basis": change.after[1]}
                for change in changes[start : start + _BATCH]
            ],
        )
    for claim_id, claim_changes in by_claim.items():
        _relabel_claim(
            session=session, claim_id=claim_id, changes=claim_changes, actor=actor, summary=summary
        )
    summary.reviews_changed = len(changes)
    summary.claims_relabeled = len(by_claim)
    session.flush()
    return summary


def _changes(
    *, session: Session, mapper: RatingMapper, summary: RelabelSummary
) -> Iterator[_ReviewChange]:
    """The reviews whose label now maps differently, in id order, counting every one examined."""
    query = (
        select(
            Review.id,
            Review.claim_id,
            Review.status,
            Review.status_basis,
            Review.rating_label,
            Review.rating_value,
            Review.best_rating,
            Review.worst_rating,
            Review.publisher_url,
            Review.url,
            Review.reviewer,
        )
        .join(Claim, Claim.id == Review.claim_id)
        .where(Review.status_basis != StatusBasis.GIVEN.value, Claim.deleted_at.is_(None))
        .order_by(Review.id)
    )
    # The caller consumes the whole scan before it changes anything, so the scan never meets its
    # own updates; labels repeat, so each distinct rating is mapped once.
    mapped = lru_cache(maxsize=65_536)(RatingMapper.map)
    for row in session.execute(query.execution_options(yield_per=10_000)):
        summary.reviews_examined += 1
        scale = mapper.for_publisher(row.publisher_url, row.url, row.reviewer)
        match = mapped(scale, row.rating_label, row.rating_value, row.best_rating, row.worst_rating)
        after = (match.status.value, match.basis.value)
        before = (row.status, row.status_basis)
        if after != before:
            summary.transitions[(row.status, match.status.value)] += 1
            yield _ReviewChange(row.id, row.claim_id, row.rating_label, before, after)


def _relabel_claim(
    *,
    session: Session,
    claim_id: int,
    changes: list[_ReviewChange],
    actor: str,
    summary: RelabelSummary,
) -> None:
    """Recompute one claim's status from its newest review and log the relabel."""
    claim = session.scalar(select(Claim).where(Claim.id == claim_id).with_for_update())
    if claim is None:  # the join above found it in this transaction
        raise AssertionError(f"claim {claim_id} vanished during relabel")
    newest = session.scalar(
        select(Review.status)
        .where(Review.claim_id == claim_id)
        .order_by(*NEWEST_REVIEW_FIRST)
        .limit(1)
    )
    before = claim.status
    after = newest or Status.UNVERIFIED.value
    if after != before:
        claim.status = after
        claim.updated_at = utcnow()
        summary.claims_status_changed += 1
    record_history(
        session=session,
        claim_id=claim_id,
        action=HistoryAction.RELABELED,
        actor=actor,
        changes={
            "status": {"before": before, "after": after},
            "reviews": [_history_item(change) for change in changes],
        },
    )


def _history_item(change: _ReviewChange) -> dict[str, Any]:
    return {
        "review_id": change.review_id,
        "rating_label": change.rating_label,
        "status": {"before": change.before[0], "after": change.after[0]},
        "status_basis": {"before": change.before[1], "after": change.after[1]},
    }
