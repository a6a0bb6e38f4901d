"""Exporting claims in the report formats."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TextIO

from sqlalchemy.orm import Session

from factdb.formats.csv_report import write_claims_csv
from factdb.formats.jsonlines import write_json_array, write_jsonl
from factdb.schemas.claims import ClaimFilter, ClaimRead
from factdb.schemas.rows import ClaimCsvRow
from factdb.services.claims_query import iter_claims


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"


def export_claims(
    *, session: Session, claim_filter: ClaimFilter, export_format: ExportFormat, stream: TextIO
) -> int:
    """Write the selected claims to the stream as they are read; returns how many were written."""
    claims = iter_claims(session=session, claim_filter=claim_filter)
    if export_format is ExportFormat.CSV:
        return write_claims_csv(_csv_rows(claims), stream)
    if export_format is ExportFormat.JSONL:
        return write_jsonl(claims, stream)
    return write_json_array(claims, stream)


def _csv_rows(claims: Iterator[ClaimRead]) -> Iterator[ClaimCsvRow]:
    for claim in claims:
        yield ClaimCsvRow.from_claim(claim)
