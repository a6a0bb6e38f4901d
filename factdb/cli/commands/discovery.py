"""Finding claims: full-text search, similarity matching, duplicates, statistics."""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factdb.cli.context import state, unit_of_work
from factdb.cli.options import (
    FROM_OPTIONS,
    TableOrJson,
    claim_filter_options,
)

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter


@claim_filter_options(limit=False, deleted=False)
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to look for (any text is safe).")],
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 20,
    any_word: Annotated[
        bool, typer.Option("--any", help="Claims with any of the words, not all of them.")
    ] = False,
    selection: ClaimFilter = FROM_OPTIONS,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """Full-text search over claim texts, best match first."""
    from factdb.cli.render import preview, print_table
    from factdb.services.claims.query import get_claim
    from factdb.services.matching.search import search_claims

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


class MatchFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


# Queries answered together: one model call and one matrix product for the block.
MATCH_BLOCK = 64


def match(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="A claim as you found it (or use --queries).")
    ] = None,
    queries: Annotated[
        str | None,
        typer.Option(
            "--queries",
            metavar="FILE|-",
            help="Match many: one query per line, or JSON Lines objects with id and text "
            "('-' reads standard input). The model and the index load once.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="At most this many.")] = 5,
    min_score: Annotated[
        float, typer.Option(min=0, max=100, help="Only matches scoring at least this (0-100).")
    ] = 0.0,
    output_format: Annotated[
        MatchFormat,
        typer.Option("--format", "-f", help="Output format (jsonl: one object per query)."),
    ] = MatchFormat.TABLE,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes answering --queries. Default: the machine's cores (at most 4) "
            "for a file, 1 for a stream on standard input (answered as it arrives).",
        ),
    ] = None,
) -> None:
    """Has this been checked already? The most similar claims, scored 0-100.

    Words (claim texts and fact-check titles) and meaning (multilingual sentence embeddings)
    are combined, then the first candidates reranked by a learned model: the score is its
    estimated chance that the claim is the one the text is about. Without the vector index it
    is the fusion's: 100 means the claim came first by every measure.
    """
    from factdb.errors import InvalidInputError
    from factdb.services.matching.matcher import open_matcher

    if (text is None) == (queries is None):
        raise InvalidInputError("give either a TEXT to match or --queries FILE|-, not both")
    with unit_of_work(ctx, write=False) as session:
        matcher = open_matcher(session=session)
        _warn_about_index(matcher)
        if queries is None:
            assert text is not None
            _print_single(matcher, text, limit, min_score, output_format)
            return
        options = {
            "database_url": state(ctx).url,
            "limit": limit,
            "min_score": min_score,
            "workers": workers or _default_workers(queries),
        }
        with _query_lines(queries) as lines:
            _print_batch(matcher, lines, queries, options, output_format)


def _warn_about_index(matcher: Any) -> None:
    state = matcher.state
    if state.complete or state.claims == 0:
        return
    if not matcher.semantic:
        typer.echo(
            f"warning: no claim has a vector of {state.model} yet, so this match is by words "
            "only (no meaning, no other languages); run `factdb index` to build the index",
            err=True,
        )
        return
    typer.echo(
        f"warning: {state.missing} of {state.claims} claims are new or changed since they were "
        "indexed; they are matched by words only (and by their older vector, if they have one) "
        "until you run `factdb index`",
        err=True,
    )


def _default_workers(location: str) -> int:
    """All the cores for queries in a file; one process for a stream, which must be answered
    line by line as it comes (worker processes read a block ahead)."""
    import os
    import stat

    from factdb.services.matching.batch import available_cores

    try:
        if location == "-":
            mode = os.fstat(sys.stdin.fileno()).st_mode
        else:
            mode = os.stat(location).st_mode
    except (OSError, ValueError):
        return 1
    return available_cores() if stat.S_ISREG(mode) else 1


@contextmanager
def _query_lines(location: str) -> Iterator[Iterable[str]]:
    import sys
    from pathlib import Path

    from factdb.errors import InvalidInputError

    if location == "-":
        yield sys.stdin
        return
    try:
        handle = Path(location).open(encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InvalidInputError(f"cannot read {location}: {error.strerror}") from None
    with handle:
        try:
            yield handle
        except UnicodeDecodeError:
            raise InvalidInputError(f"{location}: not UTF-8 text") from None


def _answer_item(answer: Any) -> dict[str, Any]:
    return {
        "id": answer.claim_id,
        "score": answer.score,
        "text": answer.text,
        "status": answer.status,
        "claimant": answer.claimant,
        "rating_label": answer.rating_label,
        "review_url": answer.review_url,
    }


def _print_single(matcher: Any, text: str, limit: int, min_score: float, form: MatchFormat) -> None:
    from factdb.services.matching.batch import answer_queries

    [hits] = answer_queries(matcher=matcher, texts=[text], limit=limit, min_score=min_score)
    items = [_answer_item(answer) for answer in hits]
    if form is MatchFormat.JSON:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
    elif form is MatchFormat.JSONL:
        line = {"query_id": 1, "query": text, "matches": items}
        typer.echo(json.dumps(line, ensure_ascii=False))
    else:
        from factdb.cli.render import preview, print_table

        rows = (
            (item["id"], f"{item['score']:.1f}", item["status"], preview(item["text"]))
            for item in items
        )
        print_table("Similar claims", ("id", "score", "status", "text"), rows)


def _print_batch(
    matcher: Any,
    lines: Iterable[str],
    name: str,
    options: dict[str, Any],
    form: MatchFormat,
) -> None:
    from factdb.cli.render import preview, print_table
    from factdb.formats.readers.match_queries import read_queries
    from factdb.services.matching.batch import answer_blocks

    label = "standard input" if name == "-" else name
    queries = read_queries(lines, name=label)
    # Blocks read but not yet printed: the answers come back in the order the blocks went out.
    unanswered: deque[list[Any]] = deque()

    def texts_by_block() -> Iterator[list[str]]:
        while block := list(islice(queries, MATCH_BLOCK)):
            unanswered.append(block)
            yield [query.text for query in block]

    collected: list[dict[str, Any]] = []
    for found in answer_blocks(matcher=matcher, blocks=texts_by_block(), **options):
        for query, hits in zip(unanswered.popleft(), found, strict=True):
            item = {
                "query_id": query.query_id,
                "query": query.text,
                "matches": [_answer_item(answer) for answer in hits],
            }
            if form is MatchFormat.JSONL:
                typer.echo(json.dumps(item, ensure_ascii=False))
            else:
                collected.append(item)
        sys.stdout.flush()
    if form is MatchFormat.JSON:
        typer.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    elif form is MatchFormat.TABLE:
        rows = (
            (
                item["query_id"],
                match["id"],
                f"{match['score']:.1f}",
                match["status"],
                preview(match["text"]),
            )
            for item in collected
            for match in item["matches"]
        )
        print_table("Similar claims", ("query", "id", "score", "status", "text"), rows)


def index(
    ctx: typer.Context,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Embed every live claim again, not just the stale.")
    ] = False,
) -> None:
    """Build or bring up to date the vector index that `match` and `dedupe` use.

    Claims are embedded in batches with the bundled multilingual model; claims already indexed
    with the same model and text are left alone. Safe to interrupt and run again.
    """
    from factdb.cli.progress import progress
    from factdb.services.vectors.embeddings import index_claims, open_index, stale_claim_ids

    with unit_of_work(ctx) as session:
        wanted = stale_claim_ids(session=session, everything=rebuild)
        with progress("Indexing", total=len(wanted)) as tick:
            embedded = index_claims(
                session=session,
                claim_ids=wanted,
                on_progress=lambda count: _ticks(tick, count),
                force=rebuild,
            )
        session.flush()
        # The vector file that `match` maps is made now, not by the first match.
        state, _ = open_index(session=session)
    typer.echo(
        f"{embedded} claims embedded, {len(wanted) - embedded} unchanged; "
        f"{state.indexed} of {state.claims} live claims indexed with {state.model}",
        err=True,
    )


def _ticks(tick: Callable[[], None], count: int) -> None:
    for _ in range(count):
        tick()


@claim_filter_options(deleted=False)
def dedupe(
    ctx: typer.Context,
    min_score: Annotated[
        float, typer.Option(min=50, max=100, help="How alike two claims must read (0-100).")
    ] = 90.0,
    merge: Annotated[
        bool,
        typer.Option(
            help="Fold each cluster into its oldest claim (soft-deletes the others); "
            "never across claimants."
        ),
    ] = False,
    any_claimant: Annotated[
        bool,
        typer.Option(
            "--any-claimant",
            help="Also list clusters whose claims have different claimants (not with --merge).",
        ),
    ] = False,
    selection: ClaimFilter = FROM_OPTIONS,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TableOrJson.TABLE,
) -> None:
    """List clusters of likely duplicates for review; nothing changes without --merge.

    Candidates come from the vector index (`factdb index`); the score is 100 x the cosine
    similarity of the two claims' embeddings. Claims that differ in a number, a date, a negation,
    a name or their claimant are never put in one cluster.
    """
    from factdb.cli.render import preview, print_table
    from factdb.config import current_actor
    from factdb.errors import InvalidInputError
    from factdb.services.matching.dedupe import duplicate_clusters
    from factdb.services.matching.duplicates import merge_cluster
    from factdb.services.vectors.embeddings import index_state

    if merge and any_claimant:
        raise InvalidInputError("--merge never crosses claimants: drop --any-claimant to merge")
    with unit_of_work(ctx, write=merge) as session:
        state = index_state(session=session)
        if not state.complete:
            typer.echo(
                f"warning: {state.missing} of {state.claims} claims have no current vector and "
                "are left out; run `factdb index` first to include them",
                err=True,
            )
        clusters = duplicate_clusters(
            session=session,
            min_score=min_score,
            claim_filter=selection,
            any_claimant=any_claimant,
        )
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
    from factdb.services.reporting.stats import claim_stats

    with unit_of_work(ctx, write=False) as session:
        figures = claim_stats(session=session)
    if output_format is TableOrJson.JSON:
        typer.echo(figures.model_dump_json(indent=2))
    else:
        typer.echo(stats_text(figures))
