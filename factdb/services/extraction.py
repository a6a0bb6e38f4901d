"""Recording extracted claims: the source with its text, each kept claim with its appearance.

Idempotent: a claim whose quote is already attributed to the source at the same span is left as
it is, so extracting the same article twice records nothing the second time.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factdb.errors import ConflictError
from factdb.models import Appearance, Claimant, Source
from factdb.schemas.claims import AppearanceCreate, ClaimCreate
from factdb.schemas.extraction import ClaimProposal, ExtractionSummary
from factdb.schemas.sources import ClaimantCreate, SourceCreate
from factdb.schemas.types import sha256_text
from factdb.services.claimants import find_claimant, name_key
from factdb.services.claims import add_appearance, create_claim, find_duplicate
from factdb.services.sources import create_source

# "Local authorities" in an article is "Local authorities in Gaza" in the database.
_QUALIFIERS = ("in", "of", "at", "for", "from")


def match_claimant(*, session: Session, name: str) -> Claimant | None:
    """The existing claimant a name refers to: the same name in any case, else the only one
    whose name ends with it ("Lavrov" → "Sergey Lavrov") or adds a place to it."""
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
        duplicate = find_duplicate(session=session, text=proposal.text)
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
