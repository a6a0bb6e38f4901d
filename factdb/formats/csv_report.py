"""The CSV report: one row per claim, header first, written as the rows arrive."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from factdb.schemas.rows import CSV_COLUMNS, ClaimCsvRow


def write_claims_csv(rows: Iterable[ClaimCsvRow], stream: TextIO) -> int:
    """Write the header and the rows; returns how many rows were written."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row.model_dump(mode="json").values())
        count += 1
    return count
