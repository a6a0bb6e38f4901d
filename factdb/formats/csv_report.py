"""The CSV report: one row per claim, header first, written as the rows arrive.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula (CSV injection). Such cells are neutralised by default as OWASP advises, with a
leading apostrophe, which spreadsheets show as text; ``neutralize_cell`` and ``restore_cell`` are
exact inverses, so factdb re-imports its own reports without a change to the text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from factdb.schemas.rows import CSV_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralize_cell(value: str) -> str:
    # Cells already starting with apostrophes before a formula character get one more, so that
    # restoring removes exactly what was added.
    if value.lstrip(ESCAPE).startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def restore_cell(value: str) -> str:
    if value.startswith(ESCAPE) and value.lstrip(ESCAPE).startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_claims_csv(
    rows: Iterable[Sequence[object]], stream: TextIO, *, neutralize: bool = True
) -> int:
    """Write the header and the rows (cells in ``CSV_COLUMNS`` order); returns the row count."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in neutralized(rows) if neutralize else rows:
        writer.writerow(row)
        count += 1
    return count


def neutralized(rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    """The rows with every text cell neutralised."""
    risky = _RISKY_FIRST
    for row in rows:
        # Inlined, cheap test first: a million rows of 27 cells make a call per cell costly.
        yield [
            neutralize_cell(cell) if isinstance(cell, str) and cell[:1] in risky else cell
            for cell in row
        ]


_RISKY_FIRST = frozenset((*FORMULA_STARTS, ESCAPE))
