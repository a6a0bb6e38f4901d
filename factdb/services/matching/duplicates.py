"""Near duplicates and merging: the quick warning of ``add`` that a claim reads like one
already recorded (word for word, no model needed), and folding a cluster that ``dedupe`` found
into the claim it keeps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction
from factdb.models import Appearance, Claim, utcnow
from factdb.services.claims.history import record_history
from factdb.services.claims.rows import lock_claim_for_change
from factdb.services.matching.dedupe import DuplicateCluster, check_same_claimant
from factdb.services.matching.matcher import MatchHit
from factdb.services.matching.search import query_words, search_claims

KEY_WORDS = 5
NEAR_DUPLICATE_SCORE = 90.0


def near_duplicates(
    *,
    session: Session,
    text: str,
    limit: int = 5,
    min_score: float = 0.0,
    exclude: Iterable[int] = (),
) -> list[MatchHit]:
    """Claims that read like ``text`` word for word (rapidfuzz on sorted words, 0-100): the
    quick near-duplicate warning of ``add``, which needs no model."""
    from rapidfuzz import fuzz, process, utils

    words = query_words(text)
    distinctive = sorted(words, key=len, reverse=True)[:KEY_WORDS]
    if not distinctive:
        return []
    hits = search_claims(session=session, query=" ".join(distinctive), limit=200, any_word=True)
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


def merge_cluster(*, session: Session, cluster: DuplicateCluster, actor: str) -> list[int]:
    """Fold duplicates into the kept claim: their sources are attributed to it, and they are
    soft-deleted with a pointer to it. Their reviews stay where they are (reviews are
    append-only); the history of both sides says what happened. Never across claimants."""
    keep = lock_claim_for_change(session=session, claim_id=cluster.keep.claim_id)
    merged: list[int] = []
    for duplicate in cluster.duplicates:
        claim = lock_claim_for_change(session=session, claim_id=duplicate.claim_id)
        check_same_claimant(keep=keep, duplicate=claim)
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
        hits = near_duplicates(
            session=session, text=text, limit=3, min_score=min_score, exclude=[claim_id]
        )
        if hits:
            found[claim_id] = hits
    return found
