"""The extract command: an article in, attributed check-worthy candidate claims out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factdb.cli.context import collect_garbage_from_now, output_stream, state, unit_of_work
from factdb.errors import InvalidInputError
from factdb.extraction import DEFAULT_MIN_SCORE

if TYPE_CHECKING:
    from factdb.schemas.extraction import ArticleMeta, ClaimProposal, ExtractedClaim

STDIN = "-"
SEED_TEXT = "article.txt"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
ANSWERS = frozenset({"k", "s", "e", "keep", "skip", "edit"})


class ExtractFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


def extract(
    ctx: typer.Context,
    article: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="A .txt or .html file, a seed folder (article.txt and source.json), "
            "or - for standard input.",
        ),
    ],
    source_url: Annotated[
        str | None, typer.Option(help="The article's URL (needed for --add unless known).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Headline or title.")] = None,
    publisher: Annotated[
        str | None,
        typer.Option(help="Who published it: the claimant of what the article says itself."),
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication time, ISO 8601 (without offset: UTC).")
    ] = None,
    language: Annotated[str | None, typer.Option(help="BCP 47 language tag, e.g. en.")] = None,
    min_score: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Only candidates scoring at least this (0-1).")
    ] = DEFAULT_MIN_SCORE,
    output_format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExtractFormat.TABLE,
    add: Annotated[
        bool,
        typer.Option("--add", help="Record the source and the candidates as unverified claims."),
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive", "-i", help="Ask keep / skip / edit for each candidate, then record."
        ),
    ] = False,
) -> None:
    """Propose the check-worthy claims in an article, each with its quote, span and claimant."""
    from factdb.extraction import extract_claims

    collect_garbage_from_now()

    options = {
        "url": source_url,
        "title": title,
        "publisher": publisher,
        "published_at": published,
        "language": language,
    }
    meta = read_article(article, options)
    if (add or interactive) and meta.url is None:
        raise InvalidInputError("--add needs the article's URL: give --source-url")
    if interactive and article == STDIN:
        raise InvalidInputError("--interactive reads answers from standard input; give a file")
    if interactive and _given(ctx, "output_format"):
        raise InvalidInputError(
            "--interactive asks about each candidate on standard output and prints no list: "
            "leave out --format"
        )
    from factdb.extraction.languages import unsupported_language

    notice = unsupported_language(meta.text, meta.language)
    if notice is not None:
        typer.echo(f"Notice: {notice}", err=True)
    candidates = extract_claims(
        meta.text, publisher=meta.publisher, min_score=min_score, language=meta.language
    )
    if interactive:
        _record(ctx, meta, [kept for kept in map(_ask, candidates) if kept is not None], [])
        return
    if add:
        # Recorded first: a failure leaves no half-printed list behind.
        proposals = [_proposal(candidate) for candidate in candidates]
        candidates = _record(ctx, meta, proposals, candidates)
    else:
        candidates = _known_claimants(ctx, candidates)
    _render(candidates, output_format)


def _given(ctx: typer.Context, parameter: str) -> bool:
    # By name: Typer may bring its own copy of Click's ParameterSource.
    source = ctx.get_parameter_source(parameter)
    return source is not None and source.name != "DEFAULT"


def read_article(ref: str, options: dict[str, str | None]) -> ArticleMeta:
    """The article's exact text and metadata; options given on the command line win."""
    from factdb.schemas.extraction import ArticleMeta

    found = _read(ref)
    given = {key: value for key, value in options.items() if value is not None}
    return ArticleMeta.model_validate({**found, **given})


def _read(ref: str) -> dict[str, Any]:
    if ref == STDIN:
        return _from_text(_decoded(typer.get_binary_stream("stdin").read(), "standard input"))
    path = Path(ref)
    if path.is_dir():
        return _from_seed_folder(path)
    from factdb.cli.commands.sources import read_text_file

    text = read_text_file(path)
    if path.suffix.casefold() in HTML_SUFFIXES:
        return _from_html(text, ref)
    return _from_text(text)


def _from_text(text: str) -> dict[str, Any]:
    from factdb.extraction.html import looks_like_html

    return _from_html(text, "standard input") if looks_like_html(text) else {"text": text}


def _from_html(html: str, where: str) -> dict[str, Any]:
    from factdb.extraction.html import html_article

    page = html_article(html)
    if page is None:
        raise InvalidInputError(f"{where}: no main text found in the HTML")
    found = {
        "text": page.text,
        "url": page.url,
        "title": page.title,
        "publisher": page.publisher,
        "published_at": page.published,
        "language": page.language,
    }
    return {key: value for key, value in found.items() if value is not None}


def _from_seed_folder(folder: Path) -> dict[str, Any]:
    """A folder laid out like seeds/: the text file and the page metadata beside it."""
    from factdb.cli.commands.sources import read_text_file
    from factdb.services.ingest.seeding import SOURCE_FILE, read_seed_source

    if not (folder / SOURCE_FILE).is_file():
        return {"text": read_text_file(folder / SEED_TEXT)}
    meta, text = read_seed_source(folder)
    fields = meta.model_dump(include={"url", "title", "publisher", "published_at", "language"})
    return {"text": text, **{key: value for key, value in fields.items() if value is not None}}


def _decoded(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            f"{where} is not UTF-8 text (byte {error.start}: {error.reason})"
        ) from None


def _render(candidates: list[ExtractedClaim], output_format: ExtractFormat) -> None:
    if output_format is ExtractFormat.TABLE:
        from factdb.cli.render import preview, print_table

        rows = (
            (
                f"{claim.start}:{claim.end}",
                f"{claim.score:.2f}",
                claim.type.value,
                claim.claimant or "",
                preview(claim.text),
            )
            for claim in candidates
        )
        print_table("Candidate claims", ("span", "score", "type", "claimant", "text"), rows)
        return
    from factdb.formats.jsonlines import write_json_array, write_jsonl

    writer = write_jsonl if output_format is ExtractFormat.JSONL else write_json_array
    with output_stream(None) as stream:
        writer(candidates, stream)


def _proposal(candidate: ExtractedClaim, **changes: Any) -> ClaimProposal:
    from factdb.schemas.extraction import ClaimProposal

    return ClaimProposal.model_validate(
        {
            "text": candidate.text,
            "claimant": candidate.claimant,
            "claimant_kind": candidate.claimant_kind,
            "claimant_role": candidate.claimant_role,
            "quote": candidate.text,
            "start": candidate.start,
            **changes,
        }
    )


def _ask(candidate: ExtractedClaim) -> ClaimProposal | None:
    """Keep, skip or edit one candidate; an edit rewords the claim or changes its claimant."""
    typer.echo(
        f"\n{candidate.start}:{candidate.end}  score {candidate.score:.2f}  {candidate.type.value}"
        f"\n  {candidate.text}\n  claimant: {candidate.claimant or '(none)'}"
    )
    choice = _choice()
    if choice == "s":
        return None
    if choice == "k":
        return _proposal(candidate)
    text = typer.prompt("claim", default=candidate.text)
    claimant = typer.prompt("claimant (- for none)", default=candidate.claimant or "-")
    named = claimant.strip() not in {"", "-"}
    return _proposal(
        candidate,
        text=text,
        claimant=claimant if named else None,
        claimant_kind=candidate.claimant_kind if claimant == candidate.claimant else "unknown",
        claimant_role=candidate.claimant_role if claimant == candidate.claimant else None,
    )


def _choice() -> str:
    while True:
        answer = str(typer.prompt("keep, skip or edit [k/s/e]", default="k")).strip().casefold()
        if answer in ANSWERS:
            return answer[:1]
        typer.echo("answer k (keep), s (skip) or e (edit)")


def _known_claimants(ctx: typer.Context, candidates: list[ExtractedClaim]) -> list[ExtractedClaim]:
    """Claimant names as the selected database has them, if it exists at the current schema.

    Read only: a missing database is not created, an old one not upgraded, nothing is written;
    when the database cannot be read the names stay as extracted.
    """
    if not any(candidate.claimant for candidate in candidates):
        return candidates
    from sqlalchemy.exc import SQLAlchemyError

    from factdb.db import transaction
    from factdb.services.admin.schema import schema_head, stored_revision
    from factdb.services.ingest.extraction import resolve_claimants

    engine = state(ctx).existing_engine()
    if engine is None:
        return candidates
    try:
        if stored_revision(engine=engine) != schema_head():
            return candidates
        with transaction(engine, write=False) as session:
            return resolve_claimants(session=session, candidates=candidates)
    except SQLAlchemyError:
        return candidates
    finally:
        engine.dispose()


def _record(
    ctx: typer.Context,
    meta: ArticleMeta,
    proposals: list[ClaimProposal],
    candidates: list[ExtractedClaim],
) -> list[ExtractedClaim]:
    """Record the proposals; the candidates come back with their claimants as recorded."""
    from factdb.config import current_actor
    from factdb.services.ingest.extraction import record_extraction, resolve_claimants

    source_in = meta.source()
    if source_in is None:
        raise InvalidInputError("--add needs the article's URL: give --source-url")
    with unit_of_work(ctx) as session:
        summary = record_extraction(
            session=session, source_in=source_in, proposals=proposals, actor=current_actor()
        )
        resolved = resolve_claimants(session=session, candidates=candidates)
    state = "new" if summary.source_created else "already recorded"
    typer.echo(
        f"source {summary.source_id} ({state}): {summary.claims_created} claims recorded, "
        f"{summary.appearances_added} known claims attributed, "
        f"{summary.already_recorded} already recorded",
        err=True,
    )
    return resolved
