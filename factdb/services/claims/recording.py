"""Recording claims and where they appeared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction, Status
from factdb.errors import (
    Action,
    ConflictError,
    DuplicateClaimError,
    Hint,
    QuoteNotFoundError,
    Setting,
)
from factdb.models import Appearance, Claim, ClaimTag, Source, utcnow
from factdb.schemas.claims import AppearanceCreate, ClaimCreate
from factdb.schemas.types import fingerprint
from factdb.services.claims.claimants import get_or_create_claimant
from factdb.services.claims.history import record_history
from factdb.services.claims.rows import lock_claim_for_change
from factdb.services.claims.sources import get_or_create_source
from factdb.services.vectors.embeddings import index_claims

# Whether a text is new is decided by reading, then inserting. On PostgreSQL two writers could both
# read "new"; so every writer that makes that decision (add, a text edit, an import) first takes
# this transaction-scoped lock, and they decide one after the other. SQLite's write lock, taken
# when a write transaction begins, already serialises them.
CLAIM_TEXT_LOCK_KEY = 7_237_117_968_201_001


def lock_claim_texts(*, session: Session) -> None:
    """Wait until no other transaction is deciding whether a claim text is new."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_TEXT_LOCK_KEY})


def find_duplicate(*, session: Session, text: str) -> Claim | None:
    """The oldest claim whose normalised text equals this one's."""
    return session.scalar(
        select(Claim).where(Claim.fingerprint == fingerprint(text)).order_by(Claim.id).limit(1)
    )


def create_claim(
    *, session: Session, claim_in: ClaimCreate, actor: str, allow_duplicate: bool = False
) -> Claim:
    """Record a claim with its first appearance; an unknown source URL becomes a new source."""
    lock_claim_texts(session=session)
    if not allow_duplicate:
        duplicate = find_duplicate(session=session, text=claim_in.text)
        if duplicate is not None:
            raise DuplicateClaimError(
                f"claim {duplicate.id} already has this text",
                existing_id=duplicate.id,
                hints=[
                    Hint.about_claim(Action.ADD_APPEARANCE, duplicate.id),
                    Hint.give(Setting.ALLOW_DUPLICATE),
                ],
            )
    source = get_or_create_source(session=session, ref=claim_in.appearance.source)
    claimant = (
        get_or_create_claimant(session=session, claimant_in=claim_in.claimant)
        if claim_in.claimant is not None
        else None
    )
    claim = Claim(
        text=claim_in.text,
        fingerprint=fingerprint(claim_in.text),
        claimant=claimant,
        claim_date=claim_in.claim_date,
        language=claim_in.language or source.language,
        status=Status.UNVERIFIED.value,
        tags=[ClaimTag(tag=tag) for tag in claim_in.tags],
    )
    session.add(claim)
    session.flush()
    appearance = _attach(session, claim, source, claim_in.appearance, claim_in.text)
    record_history(
        session=session,
        claim_id=claim.id,
        action=HistoryAction.CREATED,
        actor=actor,
        changes={
            "text": claim.text,
            "claimant": claimant.name if claimant else None,
            "claim_date": claim.claim_date.isoformat() if claim.claim_date else None,
            "language": claim.language,
            "tags": list(claim_in.tags),
            "status": claim.status,
            **_appearance_changes(appearance),
        },
    )
    session.flush()
    index_claims(session=session, claim_ids=[claim.id])
    return claim


def add_appearance(
    *, session: Session, claim_id: int, appearance_in: AppearanceCreate, actor: str
) -> Appearance:
    """Record that a known claim appeared in another source."""
    claim = lock_claim_for_change(session=session, claim_id=claim_id)
    source = get_or_create_source(session=session, ref=appearance_in.source)
    already = session.scalar(
        select(Appearance).where(Appearance.claim_id == claim.id, Appearance.source_id == source.id)
    )
    if already is not None:
        raise ConflictError(f"claim {claim.id} is already attributed to source {source.id}")
    appearance = _attach(session, claim, source, appearance_in, claim.text)
    claim.updated_at = utcnow()
    record_history(
        session=session,
        claim_id=claim.id,
        action=HistoryAction.APPEARANCE_ADDED,
        actor=actor,
        changes=_appearance_changes(appearance),
    )
    session.flush()
    return appearance


def locate_quote(text: str, quote: str, start: int | None = None) -> tuple[int, int]:
    """The quote's span: at ``start`` when given (to pick one occurrence of several), else first."""
    if start is not None:
        if text[start : start + len(quote)] != quote:
            raise QuoteNotFoundError(
                f"quote: the source's text does not have it at character {start}"
            )
        return start, start + len(quote)
    found = text.find(quote)
    if found < 0:
        raise QuoteNotFoundError("quote: not found in the source's text (it must match exactly)")
    return found, found + len(quote)


def _attach(
    session: Session,
    claim: Claim,
    source: Source,
    appearance_in: AppearanceCreate,
    claim_text: str,
) -> Appearance:
    quote = appearance_in.quote
    start: int | None = None
    end: int | None = None
    if source.text is not None:
        if quote is not None:
            start, end = locate_quote(source.text, quote, appearance_in.start)
        elif claim_text in source.text:
            # Without a quote the claim's own words, when the source has them verbatim, are it.
            quote = claim_text
            start, end = locate_quote(source.text, quote)
    appearance = Appearance(
        claim=claim, source=source, quote=quote, quote_start=start, quote_end=end
    )
    session.add(appearance)
    session.flush()
    return appearance


def _appearance_changes(appearance: Appearance) -> dict[str, Any]:
    return {
        "source_id": appearance.source_id,
        "source_url": appearance.source.url,
        "quote": appearance.quote,
        "quote_start": appearance.quote_start,
        "quote_end": appearance.quote_end,
    }
