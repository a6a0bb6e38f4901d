"""Reviews: verdicts are appended, never changed; the newest one sets the claim's status."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction
from factdb.models import Evidence, Review, utcnow
from factdb.schemas.reviews import ReviewCreate
from factdb.services.claims_query import get_claim_row
from factdb.services.history import record_history


def add_review(*, session: Session, claim_id: int, review_in: ReviewCreate) -> Review:
    claim = get_claim_row(session=session, claim_id=claim_id)
    review = Review(
        claim_id=claim.id,
        status=review_in.status.value,
        rating_label=review_in.label,
        note=review_in.note,
        reviewer=review_in.reviewer,
        reviewed_at=review_in.reviewed_at or utcnow(),
        url=review_in.url,
        evidence=[
            Evidence(url=link.url, title=link.title, stance=link.stance.value)
            for link in review_in.evidence
        ],
    )
    session.add(review)
    session.flush()
    previous_status = claim.status
    claim.status = _newest_status(session, claim.id)
    claim.updated_at = utcnow()
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
            "reviewed_at": review.reviewed_at.isoformat(),
            "url": review.url,
            "evidence": [link.url for link in review_in.evidence],
        },
    )
    session.flush()
    return review


def _newest_status(session: Session, claim_id: int) -> str:
    # A review recorded today about last week comes after last week's reviews, not before them.
    newest = session.scalar(
        select(Review.status)
        .where(Review.claim_id == claim_id)
        .order_by(Review.reviewed_at.desc(), Review.id.desc())
        .limit(1)
    )
    assert newest is not None, "called after a review was added"
    return newest
