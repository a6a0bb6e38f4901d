"""Finding claims: full-text search, similarity matching, duplicates, statistics."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from factdb.cli.context import unit_of_work
from factdb.cli.options import (
    ClaimantFilter,
    LimitOption,
    SinceFilter,
    SourceFilter,
    StatusFilter,
    TableOrJson,
    TagFilter,
    claim_filter,
)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for (any text is safe).")],
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 20,
    any_word: Annotated[
        bool, typer.Option("--any", help="Claims with any of the words, not all of them.")
    ] = False,
    status: StatusFilter = None,
    claimant: ClaimantFilter = None,
    source: SourceFilter = None,
    tag: TagFilter = None,
    since: SinceFilter = None,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """Full-text search over claim texts, best match first."""
    from factdb.cli.render import preview, print_table
    from factdb.services.claims_query import get_claim
    from factdb.services.search import search_claims

    selection = claim_filter(
        status=status, claimant=claimant, source=source, tag=tag, since=since, limit=None
    )
    with unit_of_work(ctx, write=False) as session:
        hits = search_claims(
            session=session, query=query, limit=limit, claim_filter=selection, any_word=any_word
        )
        claims = [get_claim(session=session, claim_id=hit.claim_id) for hit in hits]
    if output_format is TableOrJson.JSON:
        items = [
            {"score": round(hit.score, 4), **claim.model_dump(mode="json")}
            for hit, claim in zip(hits, claims, strict=True)
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    rows = (
        (claim.id, f"{hit.score:.2f}", claim.status.value, preview(claim.text))
        for hit, claim in zip(hits, claims, strict=True)
    )
    print_table(f"Search: {query}", ("id", "score", "status", "text"), rows)


def match(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="A claim as you found it.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="At most this many.")] = 5,
    min_score: Annotated[
        float, typer.Option(min=0, max=100, help="Only matches scoring at least this (0-100).")
    ] = 0.0,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """Has this been checked already? The most similar claims, scored 0-100."""
    from factdb.cli.render import preview, print_table
    from factdb.services.claims_query import get_claim
    from factdb.services.matching import match_claims

    with unit_of_work(ctx, write=False) as session:
        hits = match_claims(session=session, text=text, limit=limit, min_score=min_score)
        claims = [get_claim(session=session, claim_id=hit.claim_id) for hit in hits]
    if output_format is TableOrJson.JSON:
        items = [
            {
                "id": hit.claim_id,
                "score": hit.score,
                "text": claim.text,
                "status": claim.status.value,
                "claimant": claim.claimant.name if claim.claimant else None,
                "rating_label": claim.latest_review.rating_label if claim.latest_review else None,
            }
            for hit, claim in zip(hits, claims, strict=True)
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    rows = (
        (hit.claim_id, f"{hit.score:.1f}", claim.status.value, preview(claim.text))
        for hit, claim in zip(hits, claims, strict=True)
    )
    print_table("Similar claims", ("id", "score", "status", "text"), rows)


def dedupe(
    ctx: typer.Context,
    min_score: Annotated[
        float, typer.Option(min=50, max=100, help="How alike two claims must read (0-100).")
    ] = 90.0,
    merge: Annotated[
        bool,
        typer.Option(help="Fold each cluster into its oldest claim (soft-deletes the others)."),
    ] = False,
    status: StatusFilter = None,
    claimant: ClaimantFilter = None,
    source: SourceFilter = None,
    tag: TagFilter = None,
    since: SinceFilter = None,
    limit: LimitOption = None,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """List clusters of likely duplicates for review; nothing changes without --merge."""
    from factdb.cli.render import preview, print_table
    from factdb.config import current_actor
    from factdb.services.matching import duplicate_clusters, merge_cluster

    selection = claim_filter(
        status=status, claimant=claimant, source=source, tag=tag, since=since, limit=limit
    )
    with unit_of_work(ctx, write=merge) as session:
        clusters = duplicate_clusters(session=session, min_score=min_score, claim_filter=selection)
        if merge:
            for cluster in clusters:
                merge_cluster(session=session, cluster=cluster, actor=current_actor())
    if output_format is TableOrJson.JSON:
        items = [
            {
                "keep": cluster.keep.claim_id,
                "duplicates": [
                    {"id": hit.claim_id, "score": hit.score, "text": hit.text}
                    for hit in cluster.duplicates
                ],
                "merged": merge,
            }
            for cluster in clusters
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    rows = (
        (
            number,
            hit.claim_id,
            "keep" if hit is cluster.keep else f"{hit.score:.1f}",
            preview(hit.text),
        )
        for number, cluster in enumerate(clusters, start=1)
        for hit in (cluster.keep, *cluster.duplicates)
    )
    print_table("Likely duplicates", ("cluster", "id", "score", "text"), rows)
    action = "merged" if merge else "found (run with --merge to fold them)"
    typer.echo(f"{len(clusters)} clusters {action}", err=True)


def stats(
    ctx: typer.Context,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """Counts by status, claimant, source, language and month."""
    from factdb.cli.render import stats_text
    from factdb.services.stats import claim_stats

    with unit_of_work(ctx, write=False) as session:
        figures = claim_stats(session=session)
    if output_format is TableOrJson.JSON:
        typer.echo(figures.model_dump_json(indent=2))
    else:
        typer.echo(stats_text(figures))
