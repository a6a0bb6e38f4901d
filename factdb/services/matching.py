"""Has this been checked already? Claims similar to a text, and clusters of likely duplicates.

Candidates come from full-text search on the text's five most distinctive words (the longest,
a cheap stand-in for the rarest), then rapidfuzz scores them 0-100 on their sorted words, so
reordered wording costs little.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction
from factdb.models import Appearance, Claim, utcnow
from factdb.schemas.claims import ClaimFilter
from factdb.services.claims_query import filter_criteria, lock_claim_for_change
from factdb.services.history import record_history
from factdb.services.search import query_words, search_claims

CANDIDATES = 200
KEY_WORDS = 5
NEAR_DUPLICATE_SCORE = 90.0


@dataclass(frozen=True)
class MatchHit:
    claim_id: int
    score: float
    text: str


def match_claims(
    *,
    session: Session,
    text: str,
    limit: int = 5,
    min_score: float = 0.0,
    exclude: Iterable[int] = (),
) -> list[MatchHit]:
    """The claims most similar to ``text``, best first, scored 0-100."""
    words = query_words(text)
    distinctive = sorted(words, key=len, reverse=True)[:KEY_WORDS]
    if not distinctive:
        return []
    hits = search_claims(
        session=session, query=" ".join(distinctive), limit=CANDIDATES, any_word=True
    )
    excluded = set(exclude)
    ids = [hit.claim_id for hit in hits if hit.claim_id not in excluded]
    if not ids:
        return []
    texts = dict(session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(ids))).all())
    scored = process.extract(
        text,
        texts,
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=min_score,
    )
    return [
        MatchHit(claim_id=key, score=round(score, 1), text=found) for found, score, key in scored
    ]


@dataclass(frozen=True)
class Cluster:
    """Claims that read alike: the oldest is kept by a merge, the others fold into it."""

    keep: MatchHit
    duplicates: list[MatchHit]


def duplicate_clusters(
    *,
    session: Session,
    min_score: float = NEAR_DUPLICATE_SCORE,
    claim_filter: ClaimFilter | None = None,
) -> list[Cluster]:
    """Groups of likely duplicates among the selected claims, for a person to review."""
    selection = claim_filter or ClaimFilter()
    query = select(Claim.id, Claim.text).where(*filter_criteria(session, selection))
    rows = session.execute(query.order_by(Claim.id).limit(selection.limit)).all()
    clustered: set[int] = set()
    clusters: list[Cluster] = []
    for claim_id, text in rows:
        if claim_id in clustered:
            continue
        similar = match_claims(
            session=session, text=text, limit=20, min_score=min_score, exclude=clustered
        )
        others = [hit for hit in similar if hit.claim_id != claim_id]
        if not others:
            continue
        clustered.add(claim_id)
        clustered.update(hit.claim_id for hit in others)
        clusters.append(Cluster(keep=MatchHit(claim_id, 100.0, text), duplicates=others))
    return clusters


def merge_cluster(*, session: Session, cluster: Cluster, actor: str) -> list[int]:
    """Fold duplicates into the kept claim: their sources are attributed to it, and they are
    soft-deleted with a pointer to it. Their reviews stay where they are (reviews are
    append-only); the history of both sides says what happened."""
    keep = lock_claim_for_change(session=session, claim_id=cluster.keep.claim_id)
    merged: list[int] = []
    for duplicate in cluster.duplicates:
        claim = lock_claim_for_change(session=session, claim_id=duplicate.claim_id)
        moved = _copy_appearances(session, claim, keep)
        claim.deleted_at = utcnow()
        record_history(
            session=session,
            claim_id=claim.id,
            action=HistoryAction.DELETED,
            actor=actor,
            changes={"reason": f"merged into claim {keep.id}", "merged_into": keep.id},
        )
        record_history(
            session=session,
            claim_id=keep.id,
            action=HistoryAction.EDITED,
            actor=actor,
            changes={"merged_from": claim.id, "score": duplicate.score, "sources_added": moved},
        )
        merged.append(claim.id)
    keep.updated_at = utcnow()
    session.flush()
    return merged


def _copy_appearances(session: Session, source_claim: Claim, target: Claim) -> list[str]:
    present = set(
        session.scalars(select(Appearance.source_id).where(Appearance.claim_id == target.id))
    )
    added = []
    for appearance in source_claim.appearances:
        if appearance.source_id in present:
            continue
        session.add(
            Appearance(
                claim_id=target.id,
                source_id=appearance.source_id,
                quote=appearance.quote,
                quote_start=appearance.quote_start,
                quote_end=appearance.quote_end,
            )
        )
        present.add(appearance.source_id)
        added.append(appearance.source.url)
    return added


def similar_to(
    *, session: Session, claim_ids: Sequence[int], min_score: float = NEAR_DUPLICATE_SCORE
) -> dict[int, list[MatchHit]]:
    """For each claim, the other claims that read like it (the near-duplicate warning)."""
    found: dict[int, list[MatchHit]] = {}
    for claim_id in claim_ids:
        text = session.scalar(select(Claim.text).where(Claim.id == claim_id))
        if text is None:
            continue
        hits = match_claims(
            session=session, text=text, limit=3, min_score=min_score, exclude=[claim_id]
        )
        if hits:
            found[claim_id] = hits
    return found
