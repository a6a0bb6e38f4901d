"""One claim with everything it owns, read with plain SQL for ``show``.

``show`` is a short command: declaring the ORM's mapped classes and configuring their
relationships would cost it more than its seven small queries do. The queries order rows as the
models' relationships do (``tests/test_services_claims.py`` checks that both readings agree).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, Executable, Float, Integer, Uuid, text
from sqlalchemy.orm import Session

from factdb.db import UTCDateTime
from factdb.errors import NotFoundError
from factdb.schemas.claim_read import ClaimRead

_UTC = UTCDateTime()
_CLAIM = text(
    "SELECT id, uid, text, fingerprint, claimant_id, claim_date, language, status, "
    "created_at, updated_at, version, deleted_at FROM claims WHERE id = :claim_id"
).columns(
    id=Integer,
    uid=Uuid,
    claimant_id=Integer,
    claim_date=Date,
    created_at=_UTC,
    updated_at=_UTC,
    version=Integer,
    deleted_at=_UTC,
)
_CLAIMANT = text("SELECT id, name, kind, role, same_as FROM claimants WHERE id = :claimant_id")
_TAGS = text("SELECT tag FROM claim_tags WHERE claim_id = :claim_id")
_EXTERNAL_IDS = text(
    "SELECT dataset, external_id FROM claim_external_ids WHERE claim_id = :claim_id "
    "ORDER BY dataset, external_id"
)
_APPEARANCES = text(
    "SELECT appearances.id, appearances.quote, appearances.quote_start, appearances.quote_end, "
    "sources.id AS source_id, sources.url, sources.title, sources.publisher, "
    "sources.published_at FROM appearances JOIN sources ON sources.id = appearances.source_id "
    "WHERE appearances.claim_id = :claim_id ORDER BY appearances.id"
).columns(published_at=_UTC)
# Oldest first as ``factdb.models.OLDEST_REVIEW_FIRST``: undated reviews first, then by date, then
# in the order they were recorded (NULLS FIRST spelled out: the dialects differ by default).
_REVIEWS = text(
    "SELECT id, status, rating_label, note, reviewer, reviewed_at, url, status_basis, "
    "rating_value, best_rating, worst_rating, publisher, publisher_url, title, language "
    "FROM reviews WHERE claim_id = :claim_id ORDER BY reviewed_at ASC NULLS FIRST, id ASC"
).columns(reviewed_at=_UTC, rating_value=Float, best_rating=Float, worst_rating=Float)
_EVIDENCE = text(
    "SELECT evidence.review_id, evidence.url, evidence.title, evidence.stance FROM evidence "
    "JOIN reviews ON reviews.id = evidence.review_id WHERE reviews.claim_id = :claim_id "
    "ORDER BY evidence.id"
)


def read_claim(*, session: Session, claim_id: int) -> ClaimRead:
    """The claim as ``claims_query.get_claim`` gives it, deleted or not; NotFoundError if none."""
    claim = _one(session, _CLAIM, claim_id=claim_id)
    if claim is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    claimant_id = claim.pop("claimant_id")
    claim["claimant"] = (
        None if claimant_id is None else _one(session, _CLAIMANT, claimant_id=claimant_id)
    )
    claim["tags"] = list(session.scalars(_TAGS, {"claim_id": claim_id}))
    claim["external_ids"] = _all(session, _EXTERNAL_IDS, claim_id)
    claim["appearances"] = [_appearance(row) for row in _all(session, _APPEARANCES, claim_id)]
    evidence: dict[int, list[dict[str, Any]]] = {}
    for link in _all(session, _EVIDENCE, claim_id):
        evidence.setdefault(link.pop("review_id"), []).append(link)
    reviews = _all(session, _REVIEWS, claim_id)
    for review in reviews:
        review["evidence"] = evidence.get(review["id"], [])
    claim["reviews"] = reviews
    return ClaimRead.model_validate(claim)


def _appearance(row: dict[str, Any]) -> dict[str, Any]:
    source_fields = ("url", "title", "publisher", "published_at")
    source = {"id": row.pop("source_id")} | {name: row.pop(name) for name in source_fields}
    return row | {"source": source}


def _one(session: Session, query: Executable, **parameters: int) -> dict[str, Any] | None:
    row = session.execute(query, parameters).mappings().first()
    return None if row is None else dict(row)


def _all(session: Session, query: Executable, claim_id: int) -> list[dict[str, Any]]:
    rows: Sequence[Any] = session.execute(query, {"claim_id": claim_id}).mappings().all()
    return [dict(row) for row in rows]
