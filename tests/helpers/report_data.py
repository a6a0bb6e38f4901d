"""The seed article plus a few reviews and a deleted claim: the data the report tests read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.domain import Stance, Status
from factdb.models import Claim, Review
from factdb.resources import seeds_dir
from factdb.schemas.reviews import EvidenceCreate, ReviewCreate
from factdb.services.claims.editing import delete_claim
from factdb.services.ingest.seeding import seed
from factdb.services.reviews.verdicts import add_review

DELETED_CLAIM = 19
REVIEWS: tuple[tuple[int, Status, str | None, str, datetime, tuple[str, ...]], ...] = (
    (
        6,
        Status.TRUE,
        "Correct",
        "Ana",
        datetime(2024, 1, 5, tzinfo=UTC),
        ("https://e.example/quartet",),
    ),
    (8, Status.IN_REVIEW, None, "Ana", datetime(2024, 1, 9, tzinfo=UTC), ()),
    (
        8,
        Status.FALSE,
        "Pants on Fire",
        "Ben",
        datetime(2024, 2, 1, tzinfo=UTC),
        ("https://e.example/un",),
    ),
    (3, Status.MISLEADING, None, "Ben", datetime(2024, 2, 14, tzinfo=UTC), ()),
    (12, Status.MOSTLY_TRUE, "Mostly True", "Ana", datetime(2024, 3, 2, tzinfo=UTC), ()),
)


def seed_with_reviews(session: Session) -> None:
    seed(session=session, seeds_path=seeds_dir(), actor="tester")
    for claim_id, status, label, reviewer, reviewed_at, links in REVIEWS:
        review_in = ReviewCreate(
            status=status,
            rating_label=label,
            note=f"Checked by {reviewer}.",
            reviewer=reviewer,
            reviewed_at=reviewed_at,
            evidence=[EvidenceCreate(url=url, stance=Stance.REFUTES) for url in links],
        )
        add_review(session=session, claim_id=claim_id, review_in=review_in)
    delete_claim(session=session, claim_id=DELETED_CLAIM, reason="duplicate", actor="tester")
    session.flush()


def live_status_counts(session: Session) -> dict[str, int]:
    """The database's own count of live claims by status, for comparison with a report."""
    rows = session.execute(
        select(Claim.status, func.count()).where(Claim.deleted_at.is_(None)).group_by(Claim.status)
    )
    return dict(rows.all())


def live_review_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Review)
            .join(Claim, Claim.id == Review.claim_id)
            .where(Claim.deleted_at.is_(None))
        )
        or 0
    )
