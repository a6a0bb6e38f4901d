"""Interchange rows: the flat shape of a claim in CSV reports.

The export builds its cells with set-based queries (``services.reporting.csv_export``); this
model names and orders the columns.
"""

from __future__ import annotations

from pydantic import BaseModel

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


CSV_COLUMNS: tuple[str, ...] = tuple(ClaimCsvRow.model_fields)
