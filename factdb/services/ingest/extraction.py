"""Recording extracted claims: the source with its text, each kept claim with its appearance.

Idempotent: a claim whose quote is already attributed to the source at the same span is left as
it is, so extracting the same article twice records nothing the second time (also when that claim
has since been deleted: the desk's deletion stands).

A candidate whose text is already a live claim is attributed to it. Deleted claims are never
reused: a deleted claim with the same words gets a new claim beside it, since the article is new
evidence that someone said them and the deletion may have been about another source.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factdb.errors import ConflictError
from factdb.models import Appearance, Claim, Claimant, Source
from factdb.schemas.claims import AppearanceCreate, ClaimCreate
from factdb.schemas.extraction import ClaimProposal, ExtractedClaim, ExtractionSummary
from factdb.schemas.sources import ClaimantCreate, SourceCreate
from factdb.schemas.types import fingerprint, sha256_text
from factdb.services.claims.claimants import find_claimant, name_key
from factdb.services.claims.recording import add_appearance, create_claim
from factdb.services.claims.sources import create_source

# A desk often records a body with the place it speaks for ("Police in Leeds", "Local
# authorities in Gaza") while an article says only "police" or "local authorities". Such a bare
# name is matched to "<name> in <place>" only when exactly one claimant fits (counting surname
# matches too), so two "Police in …" leave "Police" a claimant of its own rather than a guess.
# Only "in": "of", "for" and "from" build names ("Bank of England", "Centre for Policy"), where a
# bare "Bank" is not that bank.
_QUALIFIERS = ("in",)


def match_claimant(*, session: Session, name: str) -> Claimant | None:
    """The existing claimant a name refers to: the same name in any case, else the only one
    whose name ends with it ("Lavrov" → "Sergey Lavrov") or adds a place to it ("Police" →
    "Police in Leeds")."""
    exact = find_claimant(session=session, name=name)
    if exact is not None:
        return exact
    key = name_key(name)
    longer = or_(
        Claimant.name_key.endswith(f" {key}", autoescape=True),
        *(Claimant.name_key.startswith(f"{key} {word} ", autoescape=True) for word in _QUALIFIERS),
    )
    found = list(session.scalars(select(Claimant).where(longer).limit(2)))
    return found[0] if len(found) == 1 else None


def record_extraction(
    *, session: Session, source_in: SourceCreate, proposals: list[ClaimProposal], actor: str
) -> ExtractionSummary:
    """Record the source (once) and every proposal not yet attributed to it at its span."""
    source, created = _source(session, source_in)
    created_claims = added = present = 0
    for proposal in proposals:
        if _already_recorded(session, source, proposal):
            present += 1
            continue
        appearance_in = AppearanceCreate(
            source=str(source.id), quote=proposal.quote, start=proposal.start
        )
        duplicate = _live_claim(session, proposal.text)
        if duplicate is not None and _attributed_to(session, duplicate.id, source):
            # The same words twice in one article are one claim with one attribution.
            present += 1
            continue
        if duplicate is not None:
            add_appearance(
                session=session, claim_id=duplicate.id, appearance_in=appearance_in, actor=actor
            )
            added += 1
            continue
        claim_in = ClaimCreate(
            text=proposal.text,
            claimant=_claimant_in(session, proposal),
            appearance=appearance_in,
        )
        create_claim(session=session, claim_in=claim_in, actor=actor, allow_duplicate=True)
        created_claims += 1
    return ExtractionSummary(
        source_id=source.id,
        source_created=created,
        claims_created=created_claims,
        appearances_added=added,
        already_recorded=present,
    )


def resolve_claimants(
    *, session: Session, candidates: list[ExtractedClaim]
) -> list[ExtractedClaim]:
    """The candidates with their claimant names as the database has them: read only."""
    names: dict[str, str | None] = {}
    resolved = []
    for candidate in candidates:
        if candidate.claimant is None:
            resolved.append(candidate)
            continue
        if candidate.claimant not in names:
            existing = match_claimant(session=session, name=candidate.claimant)
            names[candidate.claimant] = existing.name if existing is not None else None
        known = names[candidate.claimant]
        resolved.append(
            candidate if known is None else candidate.model_copy(update={"claimant": known})
        )
    return resolved


def _live_claim(session: Session, text: str) -> Claim | None:
    """The oldest claim with these words that is not deleted."""
    return session.scalar(
        select(Claim)
        .where(Claim.fingerprint == fingerprint(text), Claim.deleted_at.is_(None))
        .order_by(Claim.id)
        .limit(1)
    )


def _source(session: Session, source_in: SourceCreate) -> tuple[Source, bool]:
    existing = session.scalar(select(Source).where(Source.url == source_in.url))
    if existing is None:
        return create_source(session=session, source_in=source_in), True
    expected = sha256_text(source_in.text) if source_in.text is not None else None
    if existing.text_sha256 != expected:
        raise ConflictError(
            f"source {existing.id} has the same URL but another text (or none); quotes could "
            "not be located in it"
        )
    return existing, False


def _already_recorded(session: Session, source: Source, proposal: ClaimProposal) -> bool:
    found = session.scalar(
        select(Appearance.id).where(
            Appearance.source_id == source.id,
            Appearance.quote_start == proposal.start,
            Appearance.quote_end == proposal.start + len(proposal.quote),
        )
    )
    return found is not None


def _attributed_to(session: Session, claim_id: int, source: Source) -> bool:
    found = session.scalar(
        select(Appearance.id).where(
            Appearance.claim_id == claim_id, Appearance.source_id == source.id
        )
    )
    return found is not None


def _claimant_in(session: Session, proposal: ClaimProposal) -> ClaimantCreate | None:
    if proposal.claimant is None:
        return None
    existing = match_claimant(session=session, name=proposal.claimant)
    if existing is not None:
        return ClaimantCreate(name=existing.name)
    return ClaimantCreate(
        name=proposal.claimant, kind=proposal.claimant_kind, role=proposal.claimant_role
    )
