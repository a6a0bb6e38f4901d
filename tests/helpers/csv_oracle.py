"""The CSV report's cells worked out from a claim as the schemas read it, one claim at a time.

Slow and plain on purpose: the export's own row builders (one SQLite statement, set-based pages
elsewhere) are tested against it, so it must not share their code.
"""

from __future__ import annotations

from datetime import date, datetime

from factdb.schemas.claims import ClaimRead
from factdb.schemas.rows import EVIDENCE_SEPARATOR, EXTERNAL_ID_SEPARATOR, external_id_cell
from factdb.schemas.types import TAG_SEPARATOR


def expected_csv_cells(claim: ClaimRead) -> list[object]:
    """The row the CSV report must hold for the claim, in ``CSV_COLUMNS`` order."""
    latest = claim.latest_review
    first = claim.appearances[0] if claim.appearances else None
    evidence = dict.fromkeys(link.url for review in claim.reviews for link in review.evidence)
    rating = claim.status.rating_value
    return [
        claim.id,
        str(claim.uid),
        claim.text,
        claim.claimant.name if claim.claimant else "",
        claim.claimant.kind.value if claim.claimant else "",
        _iso(claim.claim_date),
        claim.language or "",
        claim.status.value,
        latest.rating_label if latest else "",
        "" if rating is None or latest is None else str(rating),
        _iso(latest.reviewed_at if latest else None),
        latest.reviewer if latest else "",
        (latest.note or "") if latest else "",
        (latest.url or "") if latest else "",
        EVIDENCE_SEPARATOR.join(evidence),
        first.source.url if first else "",
        (first.source.title or "") if first else "",
        (first.source.publisher or "") if first else "",
        _iso(first.source.published_at if first else None),
        (first.quote or "") if first else "",
        _number(first.start if first else None),
        _number(first.end if first else None),
        len(claim.appearances),
        TAG_SEPARATOR.join(claim.tags),
        len(claim.reviews),
        _iso(claim.created_at),
        _iso(claim.updated_at),
        EXTERNAL_ID_SEPARATOR.join(
            external_id_cell(item.dataset, item.id) for item in claim.external_ids
        ),
    ]


def _iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
