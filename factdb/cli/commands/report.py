"""Reports to read: a self-contained HTML page, Markdown for a wiki, a summary in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from factdb.cli.context import guarded_paths, output_stream, unit_of_work
from factdb.cli.options import (
    FROM_OPTIONS,
    claim_filter_options,
)
from factdb.domain import INLINE_CARDS, CardLayout, ReportFormat
from factdb.errors import InvalidInputError

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter

DEFAULT_TITLE = "factdb report"
MAX_TITLE_LENGTH = 500


@claim_filter_options()
def report(
    ctx: typer.Context,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="html (one self-contained page), markdown or text."),
    ] = ReportFormat.HTML,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output)."),
    ] = None,
    title: Annotated[str, typer.Option(help="The report's heading.")] = DEFAULT_TITLE,
    cards: Annotated[
        CardLayout,
        typer.Option(
            help="HTML: every claim's card in the page (inline), or opened when a link leads "
            "to it (folded, which big reports need to open quickly); auto folds above "
            f"{INLINE_CARDS:,} claims.",
        ),
    ] = CardLayout.AUTO,
    selection: ClaimFilter = FROM_OPTIONS,
) -> None:
    """Write a report to read: where the claims stand, their reviews, evidence and sources."""
    from factdb.services.reporting.report import build_report

    heading = _checked_title(title)
    with unit_of_work(ctx, write=False) as session:
        found = build_report(session=session, claim_filter=selection, title=heading)
        with output_stream(output, guarded=guarded_paths(ctx)) as stream:
            if output_format is ReportFormat.HTML:
                from factdb.formats.report_html import write_report_html

                write_report_html(found.summary, found.claims, found.sources, stream, cards=cards)
            elif output_format is ReportFormat.MARKDOWN:
                from factdb.formats.report_markdown import write_report_markdown

                write_report_markdown(found.summary, found.claims, stream)
            else:
                from factdb.cli.render import print_report_summary

                print_report_summary(found.summary, stream)
    if output is not None:
        typer.echo(f"wrote a report of {found.summary.claims:,} claims to {output}", err=True)


def _checked_title(title: str) -> str:
    heading = " ".join(title.split())
    if not heading:
        raise InvalidInputError("title: must not be empty")
    if len(heading) > MAX_TITLE_LENGTH:
        raise InvalidInputError(f"title: the limit is {MAX_TITLE_LENGTH} characters")
    return heading
