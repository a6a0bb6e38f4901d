"""Loading ``seeds/``: sources with their text and the claims attributed in them, idempotently."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.errors import SeedError
from factdb.models import Claim, Source
from factdb.schemas.claims import AppearanceCreate, ClaimCreate
from factdb.schemas.sources import ClaimantCreate, SeedClaim, SeedClaims, SeedSource, SourceCreate
from factdb.schemas.types import fingerprint
from factdb.services.claims.claimants import get_or_create_claimant
from factdb.services.claims.recording import create_claim
from factdb.services.claims.sources import create_source

SeedModel = TypeVar("SeedModel", SeedSource, SeedClaims)

SOURCE_FILE = "source.json"
CLAIMS_FILE = "claims.json"


@dataclass
class SeedSummary:
    sources_created: int = 0
    sources_present: int = 0
    claims_created: int = 0
    claims_present: int = 0


def seed(*, session: Session, seeds_path: Path, actor: str) -> SeedSummary:
    """Load every source folder under ``seeds_path``; what is already there is left as it is."""
    folders = sorted(path.parent for path in seeds_path.glob(f"*/{SOURCE_FILE}"))
    if not folders:
        raise SeedError(f"no seed folders (with {SOURCE_FILE}) in {seeds_path}")
    summary = SeedSummary()
    for folder in folders:
        _seed_folder(session, folder, actor, summary)
    return summary


def read_seed_source(folder: Path) -> tuple[SeedSource, str]:
    """A seed folder's page metadata and its text, checked against the recorded SHA-256."""
    meta = _load(folder / SOURCE_FILE, SeedSource)
    return meta, _read_text(folder / meta.text_file, meta.text_sha256)


def _seed_folder(session: Session, folder: Path, actor: str, summary: SeedSummary) -> None:
    meta, text = read_seed_source(folder)
    source = session.scalar(select(Source).where(Source.url == meta.url))
    if source is None:
        fields = meta.model_dump(include=set(SourceCreate.model_fields) - {"text"})
        source_in = SourceCreate.model_validate({**fields, "text": text})
        source = create_source(session=session, source_in=source_in)
        summary.sources_created += 1
    elif source.text_sha256 != meta.text_sha256:
        raise SeedError(f"{folder.name}: source {source.id} has the same URL but another text")
    else:
        summary.sources_present += 1
    claims_file = folder / CLAIMS_FILE
    if not claims_file.is_file():
        return
    seed_claims = _load(claims_file, SeedClaims)
    claimants = {item.name.casefold(): item for item in seed_claims.claimants}
    for number, seed_claim in enumerate(seed_claims.claims, start=1):
        where = f"{folder.name}/{CLAIMS_FILE} claim {number}"
        _check_span(text, seed_claim, where)
        claimant_in = claimants.get(seed_claim.claimant.casefold())
        if claimant_in is None:
            raise SeedError(f"{where}: claimant {seed_claim.claimant!r} is not listed")
        if _already_seeded(session, seed_claim, claimant_in):
            summary.claims_present += 1
            continue
        create_claim(
            session=session,
            claim_in=ClaimCreate(
                text=seed_claim.text,
                claimant=claimant_in,
                claim_date=seed_claim.claim_date,
                language=seed_claim.language,
                tags=seed_claim.tags,
                appearance=AppearanceCreate(
                    source=str(source.id), quote=seed_claim.quote, start=seed_claim.start
                ),
            ),
            actor=actor,
            allow_duplicate=True,
        )
        summary.claims_created += 1


def _already_seeded(session: Session, seed_claim: SeedClaim, claimant_in: ClaimantCreate) -> bool:
    claimant = get_or_create_claimant(session=session, claimant_in=claimant_in)
    existing = session.scalar(
        select(Claim.id).where(
            Claim.fingerprint == fingerprint(seed_claim.text), Claim.claimant_id == claimant.id
        )
    )
    return existing is not None


def _check_span(text: str, seed_claim: SeedClaim, where: str) -> None:
    if text[seed_claim.start : seed_claim.end] != seed_claim.quote:
        raise SeedError(f"{where}: the quote is not at {seed_claim.start}:{seed_claim.end}")


def _read_text(path: Path, expected_sha256: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SeedError(f"cannot read {path.name}: {error.strerror}") from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise SeedError(f"{path.parent.name}/{path.name} does not match its recorded SHA-256")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SeedError(f"{path.name} is not UTF-8: {error.reason}") from None


def _load(path: Path, model: type[SeedModel]) -> SeedModel:
    try:
        return model.model_validate_json(path.read_bytes())
    except OSError as error:
        raise SeedError(f"cannot read {path}: {error.strerror}") from None
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise SeedError(f"{path.parent.name}/{path.name}: {location}: {first['msg']}") from None
