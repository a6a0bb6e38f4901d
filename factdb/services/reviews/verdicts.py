"""Reviews: verdicts are appended, never changed; the newest one sets the claim's status."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, Status, StatusBasis
from factdb.models import NEWEST_REVIEW_FIRST, Claim, Evidence, Review, utcnow
from factdb.schemas.reviews import ReviewCreate
from factdb.services.claims.history import record_history
from factdb.services.claims.rows import lock_claim_for_change
from factdb.services.vectors.embeddings import index_claims


def add_review(*, session: Session, claim_id: int, review_in: ReviewCreate) -> Review:
    """A reviewer's verdict on a claim, recorded in the claim's history."""
    claim = lock_claim_for_change(session=session, claim_id=claim_id)
    review = append_review(
        session=session, claim=claim, review_in=review_in, status_basis=StatusBasis.GIVEN
    )
    previous_status = claim.status
    refresh_status(session=session, claim=claim)
    record_history(
        session=session,
        claim_id=claim.id,
        action=HistoryAction.REVIEWED,
        actor=review_in.reviewer,
        changes={
            "review_id": review.id,
            "status": {"before": previous_status, "after": claim.status},
            "review_status": review.status,
            "rating_label": review.rating_label,
            "note": review.note,
            "reviewed_at": review.reviewed_at.isoformat() if review.reviewed_at else None,
            "url": review.url,
            "evidence": [link.url for link in review_in.evidence],
        },
    )
    session.flush()
    # The fact-check's title joins what is embedded for the claim (re-embedded if it changed).
    index_claims(session=session, claim_ids=[claim.id])
    return review


def append_review(
    *, session: Session, claim: Claim, review_in: ReviewCreate, status_basis: StatusBasis
) -> Review:
    """Store a review and its evidence; the caller refreshes the status and the history."""
    review = Review(
        claim_id=claim.id,
        status=review_in.status.value,
        status_basis=status_basis.value,
        rating_label=review_in.label,
        note=review_in.note,
        reviewer=review_in.reviewer,
        reviewed_at=review_in.reviewed_at or utcnow(),
        url=review_in.url,
        rating_value=review_in.rating_value,
        best_rating=review_in.best_rating,
        worst_rating=review_in.worst_rating,
        publisher=review_in.publisher,
        publisher_url=review_in.publisher_url,
        title=review_in.title,
        language=review_in.language,
        evidence=[
            Evidence(url=link.url, title=link.title, stance=link.stance.value)
            for link in review_in.evidence
        ],
    )
    session.add(review)
    session.flush()
    return review


def refresh_status(*, session: Session, claim: Claim) -> None:
    """Set the claim's status from its newest review and mark it updated."""
    newest = session.scalar(
        select(Review.status)
        .where(Review.claim_id == claim.id)
        .order_by(*NEWEST_REVIEW_FIRST)
        .limit(1)
    )
    claim.status = newest or Status.UNVERIFIED.value
    claim.updated_at = utcnow()
