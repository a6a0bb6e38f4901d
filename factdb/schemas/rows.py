"""Interchange rows: the flat shape of a claim in CSV reports."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from factdb.schemas.claims import ClaimRead
from factdb.schemas.types import TAG_SEPARATOR

EVIDENCE_SEPARATOR = " "
EXTERNAL_ID_SEPARATOR = "; "


def external_id_cell(dataset: str, external_id: str) -> str:
    """How the CSV report shows a data set's id: ``12134.json (liar)``."""
    return f"{external_id} ({dataset})"


class ClaimCsvRow(BaseModel):
    """One claim per row. The field order is the column order of the CSV report."""

    id: int
    uid: str
    text: str
    claimant: str
    claimant_kind: str
    claim_date: str
    language: str
    status: str
    rating_label: str
    rating_value: str
    reviewed_at: str
    reviewer: str
    note: str
    review_url: str
    evidence_urls: str
    source_url: str
    source_title: str
    publisher: str
    published_at: str
    quote: str
    quote_start: str
    quote_end: str
    appearance_count: int
    tags: str
    review_count: int
    created_at: str
    updated_at: str
    external_ids: str

    @classmethod
    def from_claim(cls, claim: ClaimRead) -> ClaimCsvRow:
        latest = claim.latest_review
        first = claim.appearances[0] if claim.appearances else None
        evidence = dict.fromkeys(link.url for review in claim.reviews for link in review.evidence)
        rating = claim.status.rating_value
        return cls(
            id=claim.id,
            uid=str(claim.uid),
            text=claim.text,
            claimant=claim.claimant.name if claim.claimant else "",
            claimant_kind=claim.claimant.kind.value if claim.claimant else "",
            claim_date=_iso(claim.claim_date),
            language=claim.language or "",
            status=claim.status.value,
            rating_label=latest.rating_label if latest else "",
            rating_value="" if rating is None or latest is None else str(rating),
            reviewed_at=_iso(latest.reviewed_at if latest else None),
            reviewer=latest.reviewer if latest else "",
            note=(latest.note or "") if latest else "",
            review_url=(latest.url or "") if latest else "",
            evidence_urls=EVIDENCE_SEPARATOR.join(evidence),
            source_url=first.source.url if first else "",
            source_title=(first.source.title or "") if first else "",
            publisher=(first.source.publisher or "") if first else "",
            published_at=_iso(first.source.published_at if first else None),
            quote=(first.quote or "") if first else "",
            quote_start=_number(first.start if first else None),
            quote_end=_number(first.end if first else None),
            appearance_count=len(claim.appearances),
            tags=TAG_SEPARATOR.join(claim.tags),
            review_count=len(claim.reviews),
            created_at=_iso(claim.created_at),
            updated_at=_iso(claim.updated_at),
            external_ids=EXTERNAL_ID_SEPARATOR.join(
                external_id_cell(item.dataset, item.id) for item in claim.external_ids
            ),
        )


def _iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


CSV_COLUMNS: tuple[str, ...] = tuple(ClaimCsvRow.model_fields)
