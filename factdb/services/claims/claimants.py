"""Claimants: found by name regardless of case, created on first mention."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factdb.domain import ClaimantKind
from factdb.models import Claimant
from factdb.schemas.sources import ClaimantCreate


def name_key(name: str) -> str:
    return name.casefold()


def find_claimant(*, session: Session, name: str) -> Claimant | None:
    return session.scalar(select(Claimant).where(Claimant.name_key == name_key(name)))


def get_or_create_claimant(*, session: Session, claimant_in: ClaimantCreate) -> Claimant:
    """The claimant with this name; details given now fill in what was unknown before."""
    claimant = find_claimant(session=session, name=claimant_in.name)
    if claimant is None:
        try:
            # In a savepoint: if another writer adds the same name first, take theirs.
            with session.begin_nested():
                return _create(session, claimant_in)
        except IntegrityError:
            claimant = find_claimant(session=session, name=claimant_in.name)
            if claimant is None:
                raise
    if claimant.kind == ClaimantKind.UNKNOWN.value and claimant_in.kind is not ClaimantKind.UNKNOWN:
        claimant.kind = claimant_in.kind.value
    claimant.role = claimant.role or claimant_in.role
    claimant.same_as = claimant.same_as or claimant_in.same_as
    return claimant


def _create(session: Session, claimant_in: ClaimantCreate) -> Claimant:
    claimant = Claimant(
        name=claimant_in.name,
        name_key=name_key(claimant_in.name),
        kind=claimant_in.kind.value,
        role=claimant_in.role,
        same_as=claimant_in.same_as,
    )
    session.add(claimant)
    session.flush()
    return claimant
