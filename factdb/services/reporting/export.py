"""Exporting claims: CSV reports, the JSON Lines backup and ClaimReview feeds, all streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO, TypeVar

from sqlalchemy.orm import Session

from factdb.domain import ExportFormat
from factdb.formats.claimreview import Organization, write_claimreview_feed
from factdb.formats.jsonlines import write_json_array, write_jsonl
from factdb.models import Appearance, Claim, Review, utcnow
from factdb.schemas.claims import ClaimFilter
from factdb.schemas.interchange import (
    ExportedAppearance,
    ExportedClaim,
    ExportedClaimant,
    ExportedEvidence,
    ExportedExternalId,
    ExportedReview,
    ExportedSource,
)
from factdb.services.claims.query import iter_claim_rows, iter_claims
from factdb.services.reporting.csv_export import Tick, write_csv_report


class ListingFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


@dataclass
class ExportResult:
    claims: int = 0
    claim_reviews: int = 0
    reviews_without_url: int = 0


T = TypeVar("T")


def export_claims(
    *,
    session: Session,
    claim_filter: ClaimFilter,
    export_format: ExportFormat,
    stream: TextIO,
    organization: Organization | None = None,
    on_claim: Tick | None = None,
    raw_csv: bool = False,
) -> ExportResult:
    """Write the selected claims to the stream as they are read."""
    result = ExportResult()
    if export_format is ExportFormat.CSV:
        result.claims = write_csv_report(
            session=session,
            claim_filter=claim_filter,
            stream=stream,
            neutralize=not raw_csv,
            on_claim=on_claim,
        )
        return result
    rows = _ticking(iter_claim_rows(session=session, claim_filter=claim_filter), on_claim)
    if export_format is ExportFormat.JSONL:
        result.claims = write_jsonl(exported_claims(rows), stream)
    else:
        counted = _counting(exported_claims(rows), result)
        stats = write_claimreview_feed(
            counted, stream, organization=organization, date_modified=utcnow()
        )
        result.claim_reviews = stats.claim_reviews
        result.reviews_without_url = stats.skipped_without_url
    return result


def list_claims(
    *,
    session: Session,
    claim_filter: ClaimFilter,
    listing_format: ListingFormat,
    stream: TextIO,
    raw_csv: bool = False,
) -> int:
    """Claims shaped like ``show``'s JSON (with local ids), for reading rather than transfer."""
    if listing_format is ListingFormat.CSV:
        return write_csv_report(
            session=session, claim_filter=claim_filter, stream=stream, neutralize=not raw_csv
        )
    claims = iter_claims(session=session, claim_filter=claim_filter)
    if listing_format is ListingFormat.JSONL:
        return write_jsonl(claims, stream)
    return write_json_array(claims, stream)


def exported_claims(rows: Iterator[Claim]) -> Iterator[ExportedClaim]:
    """Interchange records; a source's text goes with the first claim that cites it."""
    sources_with_text_sent: set[int] = set()
    for claim in rows:
        yield _exported(claim, sources_with_text_sent)


def _exported(claim: Claim, sent: set[int]) -> ExportedClaim:
    claimant = claim.claimant
    return ExportedClaim(
        uid=claim.uid,
        external_ids=[
            ExportedExternalId(dataset=item.dataset, id=item.external_id)
            for item in claim.external_ids
        ],
        text=claim.text,
        claimant=(
            ExportedClaimant(
                name=claimant.name, kind=claimant.kind, role=claimant.role, same_as=claimant.same_as
            )
            if claimant is not None
            else None
        ),
        claim_date=claim.claim_date,
        language=claim.language,
        tags=sorted(item.tag for item in claim.tags),
        status=claim.status,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
        appearances=[_exported_appearance(item, sent) for item in claim.appearances],
        reviews=[_exported_review(review) for review in claim.reviews],
    )


def _exported_appearance(appearance: Appearance, sent: set[int]) -> ExportedAppearance:
    source = appearance.source
    include_text = source.text is not None and source.id not in sent
    if include_text:
        sent.add(source.id)
    return ExportedAppearance(
        source=ExportedSource(
            url=source.url,
            title=source.title,
            publisher=source.publisher,
            author=source.author,
            published_at=source.published_at,
            language=source.language,
            text_sha256=source.text_sha256,
            text=source.text if include_text else None,
        ),
        quote=appearance.quote,
        start=appearance.quote_start,
        end=appearance.quote_end,
    )


def _exported_review(review: Review) -> ExportedReview:
    return ExportedReview(
        status=review.status,
        status_basis=review.status_basis,
        rating_label=review.rating_label,
        rating_value=review.rating_value,
        best_rating=review.best_rating,
        worst_rating=review.worst_rating,
        note=review.note,
        reviewer=review.reviewer,
        publisher=review.publisher,
        publisher_url=review.publisher_url,
        title=review.title,
        language=review.language,
        reviewed_at=review.reviewed_at,
        url=review.url,
        evidence=[
            ExportedEvidence(url=link.url, title=link.title, stance=link.stance)
            for link in review.evidence
        ],
    )


def _ticking(rows: Iterator[T], tick: Tick | None) -> Iterator[T]:
    for row in rows:
        yield row
        if tick is not None:
            tick()


def _counting(claims: Iterator[ExportedClaim], result: ExportResult) -> Iterator[ExportedClaim]:
    for claim in claims:
        result.claims += 1
        yield claim
