"""The Markdown report, for a wiki or a chat: the summary and the claims table, streamed.

Cells are one line each, with the characters Markdown (or the HTML a wiki allows in it) would
read as syntax backslash-escaped, so a claim cannot break the table or write link or image markup.
Renderers that link bare http(s) URLs by themselves still may: the link is the text it shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from factdb.schemas.report import ReportClaim, ReportSummary

CLAIM_COLUMNS = ("#", "Status", "Rating", "Claimant", "Claim", "Tags", "Reviews")
_SYNTAX = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def write_report_markdown(
    summary: ReportSummary, claims: Iterable[ReportClaim], stream: TextIO
) -> int:
    """Write the report; returns how many claims it lists."""
    stream.write(f"# {escape_cell(summary.title)}\n\n")
    stream.write(_generated_line(summary))
    if not summary.claims:
        stream.write(f"{summary.empty_message}\n")
        return 0
    _write_summary(summary, stream)
    stream.write("\n## Claims\n\n")
    _write_row(CLAIM_COLUMNS, stream)
    stream.write("| --: | --- | --- | --- | --- | --- | --: |\n")
    count = 0
    for claim in claims:
        _write_row(_claim_cells(claim), stream)
        count += 1
    return count


def escape_cell(value: object) -> str:
    """One table cell: whitespace (line breaks included) collapsed, Markdown syntax escaped."""
    return _SYNTAX.sub(r"\\\1", " ".join(str(value).split()))


def _generated_line(summary: ReportSummary) -> str:
    line = f"Generated {summary.generated_at:%Y-%m-%d %H:%M} UTC"
    if summary.filters:
        line += f" · Filters: {escape_cell(summary.filters)}"
    return line + "\n\n"


def _write_summary(summary: ReportSummary, stream: TextIO) -> None:
    stream.write("## Summary\n\n")
    stream.write(
        f"**{summary.claims:,} claim{'' if summary.claims == 1 else 's'}**: "
        f"{summary.reviewed:,} reviewed, "
        f"{summary.unreviewed:,} unreviewed.\n\n"
    )
    _write_row(("Status", "Claims", "Share"), stream)
    stream.write("| --- | --: | --: |\n")
    for item in summary.by_status:
        share = f"{100 * item.count / summary.claims:.0f}%"
        _write_row((item.status.display_name, f"{item.count:,}", share), stream)
    if summary.reviews_by_month:
        stream.write("\n### Reviews by month\n\n")
        _write_row(("Month", "Reviews"), stream)
        stream.write("| --- | --: |\n")
        for month, count in summary.reviews_by_month:
            _write_row((month, f"{count:,}"), stream)


def _claim_cells(claim: ReportClaim) -> tuple[object, ...]:
    return (
        claim.id,
        claim.status.display_name,
        claim.rating_label,
        claim.claimant or "",
        claim.text,
        ", ".join(claim.tags),
        len(claim.reviews),
    )


def _write_row(cells: Iterable[object], stream: TextIO) -> None:
    stream.write("| " + " | ".join(escape_cell(cell) for cell in cells) + " |\n")
