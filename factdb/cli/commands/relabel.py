"""``factdb relabel``: apply a corrected rating map to the reviews already stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factdb.cli.context import unit_of_work


def relabel(
    ctx: typer.Context,
    rating_map: Annotated[
        Path | None,
        typer.Option(help="CSV of label,status pairs that extend or override the built-in table."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would change, write nothing.")
    ] = False,
) -> None:
    """Re-map stored reviews' statuses from their published labels and numbers.

    Reviews keep what the fact-checker published; only the status derived from it changes, and
    each change is written to the claim's history ('relabeled'). Statuses a reviewer chose with
    `factdb verify` are never changed.
    """
    from factdb.config import current_actor
    from factdb.ratings.mapper import RatingMapper
    from factdb.services.reviews.relabel import relabel_reviews

    mapper = RatingMapper.from_csv(rating_map) if rating_map else RatingMapper()
    with unit_of_work(ctx, commit=not dry_run) as session:
        summary = relabel_reviews(session=session, mapper=mapper, actor=current_actor())
    lines = [
        f"reviews examined: {summary.reviews_examined:,}; changed: {summary.reviews_changed:,}",
        f"claims relabeled: {summary.claims_relabeled:,}; whose status changed: "
        f"{summary.claims_status_changed:,}",
    ]
    lines.extend(
        f"  {before} -> {after}: {count:,}"
        for (before, after), count in sorted(summary.transitions.items())
    )
    if dry_run:
        lines.append("dry run: nothing was written")
    typer.echo("\n".join(lines))
