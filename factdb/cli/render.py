"""Rendering results: Rich tables on a terminal, plain tab-separated text when piped."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TextIO

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from factdb.schemas.claims import ClaimRead
    from factdb.schemas.history import HistoryEntryRead
    from factdb.schemas.report import DatabaseInfo, ReportSummary, Stats, VerdictMix
    from factdb.schemas.sources import SourceRead

TEXT_PREVIEW = 80
BAR_WIDTH = 32
TEXT_REPORT_TOP = 10
# Terminal colours of the statuses; the name is always printed beside the bar as well.
STATUS_COLOURS = {
    "unverified": "grey62",
    "in_review": "slate_blue1",
    "true": "green4",
    "mostly_true": "chartreuse3",
    "mixed": "gold3",
    "mostly_false": "dark_orange",
    "false": "red3",
    "misleading": "medium_orchid",
    "unproven": "tan",
    "other": "light_slate_grey",
}


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Print rows as a table; returns the row count."""
    if not stdout_is_terminal():
        typer.echo("\t".join(columns))
        count = 0
        for row in rows:
            typer.echo("\t".join(_plain_cell(cell) for cell in row))
            count += 1
        return count
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    count = 0
    for row in rows:
        # Text objects, not strings: a claim reading "[bold]…" must not become Rich markup.
        table.add_row(*(Text(_plain_cell(cell)) for cell in row))
        count += 1
    Console().print(table)
    return count


def _plain_cell(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(cell, date):
        return cell.isoformat()
    # Tabs and line breaks inside a cell would break the plain layout; they become spaces.
    return " ".join(str(cell).split())


def preview(text: str, width: int = TEXT_PREVIEW) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def claims_table(claims: Iterable[ClaimRead]) -> int:
    rows = (
        (
            claim.id,
            claim.status.value,
            claim.claimant.name if claim.claimant else "",
            preview(claim.text),
            claim.appearances[0].source.url if claim.appearances else "",
            len(claim.reviews),
            ", ".join(claim.tags),
        )
        for claim in claims
    )
    return print_table(
        "Claims", ("id", "status", "claimant", "text", "source", "reviews", "tags"), rows
    )


def sources_table(sources: Iterable[SourceRead]) -> int:
    rows = (
        (
            source.id,
            source.url,
            preview(source.title or "", 50),
            source.publisher,
            source.published_at,
            source.claim_count,
        )
        for source in sources
    )
    return print_table("Sources", ("id", "url", "title", "publisher", "published", "claims"), rows)


# Control characters are stored as published, but printed they could drive the terminal
# (ESC sequences): shown escaped instead.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    return _TERMINAL_CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def _external_ids_line(claim: ClaimRead) -> str:
    return ", ".join(f"{item.id} in {item.dataset}" for item in claim.external_ids) or "—"


def claim_text(claim: ClaimRead) -> str:
    lines = [
        f"Claim {claim.id}  ({claim.uid})",
        f"  Text:      {claim.text}",
        f"  Status:    {_status_line(claim)}",
        f"  Claimant:  {_claimant_line(claim)}",
        f"  Date:      {_plain_cell(claim.claim_date) or '—'}",
        f"  Language:  {claim.language or '—'}",
        f"  Tags:      {', '.join(claim.tags) or '—'}",
        f"  Ids:       {_external_ids_line(claim)}",
        f"  Recorded:  {_plain_cell(claim.created_at)} (updated {_plain_cell(claim.updated_at)})",
        f"  Version:   {claim.version}"
        + (f"  (DELETED {_plain_cell(claim.deleted_at)})" if claim.deleted_at else ""),
        "",
        f"Appearances ({len(claim.appearances)})",
    ]
    for appearance in claim.appearances:
        source = appearance.source
        lines.append(f"  source {source.id}: {source.url}")
        details = [part for part in (source.title, source.publisher) if part]
        if source.published_at:
            details.append(_plain_cell(source.published_at))
        if details:
            lines.append(f"    {' — '.join(details)}")
        if appearance.quote is not None:
            span = f" [{appearance.start}:{appearance.end}]" if appearance.start is not None else ""
            lines.append(f'    quote{span}: "{appearance.quote}"')
    lines += ["", f"Reviews ({len(claim.reviews)}, oldest first)"]
    for number, review in enumerate(claim.reviews, start=1):
        lines.append(
            f"  {number}. {_plain_cell(review.reviewed_at) or 'date unknown'}"
            f"  {review.status.value}"
            f'  "{review.rating_label}"  by {review.reviewer}'
        )
        if review.url:
            lines.append(f"     published: {review.url}")
        if review.note:
            lines.extend(f"     {line}" for line in review.note.splitlines())
        lines.extend(f"     {link.stance.value}: {link.url}" for link in review.evidence)
    return _visible("\n".join(lines))


def _status_line(claim: ClaimRead) -> str:
    latest = claim.latest_review
    line = claim.status.display_name
    if latest is not None and latest.rating_label != claim.status.display_name:
        line += f' (rated "{latest.rating_label}")'
    return line


def _claimant_line(claim: ClaimRead) -> str:
    if claim.claimant is None:
        return "—"
    details = [claim.claimant.kind.value]
    if claim.claimant.role:
        details.append(claim.claimant.role)
    return f"{claim.claimant.name} ({', '.join(details)})"


def history_table(entries: Iterable[HistoryEntryRead]) -> int:
    rows = (
        (entry.at, entry.action.value, entry.actor, _changes_summary(entry.changes))
        for entry in entries
    )
    return print_table("History", ("at", "action", "actor", "changes"), rows)


def _changes_summary(changes: dict[str, Any]) -> str:
    parts = []
    for key, value in changes.items():
        if value in (None, [], ""):
            continue
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            parts.append(f"{key}: {value['before']} → {value['after']}")
        elif isinstance(value, dict):
            inner = ", ".join(f"{name} {_listed(item)}" for name, item in value.items())
            parts.append(f"{key}: {inner}")
        elif isinstance(value, list):
            # A list of changes (a relabel's reviews) reads like the entry itself, one per item.
            items = (f"({_changes_summary(item)})" if isinstance(item, dict) else str(item)
                     for item in value)  # fmt: skip
            parts.append(f"{key}: {', '.join(items)}")
        else:
            parts.append(f"{key}: {preview(str(value), 60)}")
    return "; ".join(parts)


def _listed(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def stats_text(figures: Stats) -> str:
    def block(title: str, counts: Iterable[tuple[str, int]]) -> list[str]:
        items = list(counts)
        if not items:
            return []
        width = max(len(name) for name, _ in items)
        return [title, *(f"  {name:<{width}}  {count:>9,}" for name, count in items), ""]

    lines = [
        f"Claims: {figures.claims:,} ({figures.reviewed:,} reviewed, "
        f"{figures.claims - figures.reviewed:,} unverified; {figures.deleted:,} deleted)",
        "",
    ]
    lines += block("By status", figures.by_status.items())
    lines += block("By language", figures.by_language.items())
    lines += block("By month of the claim", figures.by_month.items())
    lines += block("Top claimants", figures.top_claimants)
    lines += block("Top sources", figures.top_sources)
    return "\n".join(lines).rstrip()


def info_text(info: DatabaseInfo) -> str:
    revision = info.revision or "none (empty database)"
    state = "up to date" if info.revision == info.head else f"factdb needs {info.head}"
    lines = [
        f"Database:  {info.database}",
        f"Dialect:   {info.dialect}",
        f"Schema:    {revision} ({state})",
        "Counts:    " + ", ".join(f"{count:,} {name}" for name, count in info.counts.items()),
    ]
    if info.statuses:
        lines.append(
            "Statuses:  "
            + ", ".join(f"{status} {count:,}" for status, count in info.statuses.items())
        )
    return "\n".join(lines)


def print_report_summary(summary: ReportSummary, stream: TextIO) -> None:
    """The report's summary as Rich tables with bars; plain characters when not a terminal."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, emoji=False)
    console.print(Text(summary.title, style="bold"))
    generated = f"Generated {summary.generated_at:%Y-%m-%d %H:%M} UTC"
    console.print(generated + (f" · Filters: {summary.filters}" if summary.filters else ""))
    if not summary.claims:
        console.print(summary.empty_message)
        return
    console.print(
        f"{summary.claims:,} claim{'' if summary.claims == 1 else 's'}: "
        f"{summary.reviewed:,} reviewed, "
        f"{summary.unreviewed:,} unreviewed"
    )
    statuses = [
        (item.status.display_name, item.count, STATUS_COLOURS[item.status.value])
        for item in summary.by_status
    ]
    console.print(_bar_table("Claims by status", "Status", statuses, summary.claims))
    reviewed = [
        ("Reviewed", summary.reviewed, "green4"),
        ("Unreviewed", summary.unreviewed, "grey62"),
    ]
    console.print(_bar_table("Reviewed and unreviewed", "Claims", reviewed, summary.claims))
    if summary.reviews_by_month:
        months = [(month, count, "slate_blue1") for month, count in summary.reviews_by_month]
        total = sum(count for _, count, _ in months)
        console.print(_bar_table("Reviews by month", "Month", months, total))
    for title, mixes in (("By claimant", summary.by_claimant), ("By source", summary.by_source)):
        if mixes:
            console.print(_mix_table(title, mixes[:TEXT_REPORT_TOP]))


def _bar_table(title: str, heading: str, rows: list[tuple[str, int, str]], total: int) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column(heading)
    table.add_column("Count", justify="right")
    table.add_column("Share", justify="right")
    table.add_column("")
    longest = max((count for _, count, _ in rows), default=0)
    for name, count, colour in rows:
        # At least one block for any non-zero count, so a rare status stays visible.
        width = max(1, round(BAR_WIDTH * count / longest)) if count and longest else 0
        share = f"{100 * count / total:.0f}%" if total else "0%"
        table.add_row(Text(name), f"{count:,}", share, Text("█" * width, style=colour))
    return table


def _mix_table(title: str, mixes: list[VerdictMix]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("Name", overflow="fold")
    table.add_column("Claims", justify="right")
    table.add_column("Verdicts", overflow="fold")
    for mix in mixes:
        verdicts = Text()
        for status, count in mix.by_status.items():
            if verdicts:
                verdicts.append(", ")
            verdicts.append(f"{status.display_name} {count:,}", style=STATUS_COLOURS[status.value])
        table.add_row(Text(mix.name), f"{mix.claims:,}", verdicts)
    return table
