"""Corrections, soft deletion and restoration: every one recorded with before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from factdb.domain import HistoryAction
from factdb.errors import Action, ConflictError, DuplicateClaimError, Hint, Setting
from factdb.models import Claim, ClaimTag, utcnow
from factdb.schemas.claims import ClaimUpdate
from factdb.schemas.types import fingerprint
from factdb.services.claims.claimants import get_or_create_claimant
from factdb.services.claims.history import record_history
from factdb.services.claims.recording import find_duplicate, lock_claim_texts
from factdb.services.claims.rows import get_claim_row, lock_claim_for_change
from factdb.services.vectors.embeddings import index_claims


def edit_claim(
    *,
    session: Session,
    claim_id: int,
    changes: ClaimUpdate,
    actor: str,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Apply a correction; returns what changed (empty when it already said that)."""
    if changes.text is not None:
        # Before the claim's row lock, in the order imports take them, so the two never deadlock.
        lock_claim_texts(session=session)
    # One flush at the end: the claim's version then goes up by one per edit, not per query.
    with session.no_autoflush:
        claim = lock_claim_for_change(session=session, claim_id=claim_id)
        _check_version(claim, changes.expect_version)
        changed = _apply(session, claim, changes, allow_duplicate)
    if not changed:
        return {}
    claim.updated_at = utcnow()
    action = HistoryAction.TAGGED if set(changed) == {"tags"} else HistoryAction.EDITED
    record_history(
        session=session,
        claim_id=claim.id,
        action=action,
        actor=actor,
        changes={**changed, "reason": changes.reason},
    )
    session.flush()
    index_claims(session=session, claim_ids=[claim.id])
    return changed


def _apply(
    session: Session, claim: Claim, changes: ClaimUpdate, allow_duplicate: bool
) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    if changes.text is not None and changes.text != claim.text:
        _refuse_duplicate(session, claim, changes.text, allow_duplicate)
        changed["text"] = {"before": claim.text, "after": changes.text}
        claim.text = changes.text
        claim.fingerprint = fingerprint(changes.text)
    if changes.claimant is not None:
        claimant = get_or_create_claimant(session=session, claimant_in=changes.claimant)
        if claimant.id != claim.claimant_id:
            before = claim.claimant.name if claim.claimant else None
            changed["claimant"] = {"before": before, "after": claimant.name}
            claim.claimant = claimant
    if changes.claim_date is not None and changes.claim_date != claim.claim_date:
        before_date = claim.claim_date.isoformat() if claim.claim_date else None
        changed["claim_date"] = {"before": before_date, "after": changes.claim_date.isoformat()}
        claim.claim_date = changes.claim_date
    tags = _retag(claim, changes.add_tags, changes.remove_tags)
    if tags:
        changed["tags"] = tags
    return changed


def delete_claim(
    *, session: Session, claim_id: int, reason: str, actor: str, expect_version: int | None = None
) -> Claim:
    """Hide a claim from listings and exports; everything about it stays, and so does why."""
    claim = lock_claim_for_change(session=session, claim_id=claim_id)
    _check_version(claim, expect_version)
    claim.deleted_at = utcnow()
    claim.updated_at = claim.deleted_at
    record_history(
        session=session,
        claim_id=claim.id,
        action=HistoryAction.DELETED,
        actor=actor,
        changes={"reason": reason, "deleted_at": claim.deleted_at.isoformat()},
    )
    session.flush()
    return claim


def restore_claim(*, session: Session, claim_id: int, reason: str | None, actor: str) -> Claim:
    claim = get_claim_row(session=session, claim_id=claim_id)
    if claim.deleted_at is None:
        raise ConflictError(f"claim {claim_id} is not deleted")
    deleted_at = claim.deleted_at
    claim.deleted_at = None
    claim.updated_at = utcnow()
    record_history(
        session=session,
        claim_id=claim.id,
        action=HistoryAction.RESTORED,
        actor=actor,
        changes={"reason": reason, "deleted_at": deleted_at.isoformat()},
    )
    session.flush()
    index_claims(session=session, claim_ids=[claim.id])
    return claim


def _check_version(claim: Claim, expected: int | None) -> None:
    if expected is not None and claim.version != expected:
        raise ConflictError(
            f"claim {claim.id} is at version {claim.version}, not {expected}: it changed since "
            "you saw it",
            hints=[Hint.about_claim(Action.REREAD_CLAIM, claim.id)],
        )


def _refuse_duplicate(session: Session, claim: Claim, text: str, allow: bool) -> None:
    duplicate = find_duplicate(session=session, text=text)
    if duplicate is not None and duplicate.id != claim.id and not allow:
        raise DuplicateClaimError(
            f"claim {duplicate.id} already has this text",
            existing_id=duplicate.id,
            hints=[Hint.give(Setting.ALLOW_DUPLICATE)],
        )


def _retag(claim: Claim, add: list[str], remove: list[str]) -> dict[str, list[str]]:
    present = {item.tag for item in claim.tags}
    added = [tag for tag in add if tag not in present]
    removed = [tag for tag in remove if tag in present]
    claim.tags = [item for item in claim.tags if item.tag not in removed]
    claim.tags.extend(ClaimTag(tag=tag) for tag in added)
    changes: dict[str, list[str]] = {}
    if added:
        changes["added"] = added
    if removed:
        changes["removed"] = removed
    return changes
