"""Commands on sources: add, list, show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factdb.cli.context import output_stream, unit_of_work
from factdb.cli.options import DetailFormat, ListFormat
from factdb.errors import InvalidInputError

sources_app = typer.Typer(
    help="Record and look up sources (articles, posts).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@sources_app.command("add")
def source_add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The source's URL (http or https).")],
    title: Annotated[str | None, typer.Option(help="Headline or title.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published it.")] = None,
    author: Annotated[str | None, typer.Option(help="Who wrote it.")] = None,
    published: Annotated[
        str | None,
        typer.Option(help="Publication time, ISO 8601 (a time without offset is taken as UTC)."),
    ] = None,
    language: Annotated[str | None, typer.Option(help="BCP 47 language tag, e.g. en.")] = None,
    text_file: Annotated[
        Path | None,
        typer.Option(
            help="UTF-8 file with the full text; quotes are located in it.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Record a source; prints its new id."""
    from factdb.schemas.sources import SourceCreate
    from factdb.services.claims.sources import create_source

    source_in = SourceCreate.model_validate(
        {
            "url": url,
            "title": title,
            "publisher": publisher,
            "author": author,
            "published_at": published,
            "language": language,
            "text": read_text_file(text_file) if text_file is not None else None,
        }
    )
    with unit_of_work(ctx) as session:
        source_id = create_source(session=session, source_in=source_in).id
    typer.echo(source_id)


def read_text_file(path: Path) -> str:
    """The file's exact text: bytes decoded as UTF-8, line endings untouched."""
    from factdb.schemas.types import MAX_SOURCE_TEXT_LENGTH

    try:
        if path.stat().st_size > MAX_SOURCE_TEXT_LENGTH * 4:
            raise InvalidInputError(f"text file {path} is too large")
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInputError(f"text file {path}: {error.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            f"text file {path} is not UTF-8 (byte {error.start}: {error.reason})"
        ) from None


@sources_app.command("list")
def source_list(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="At most this many sources.", min=1)] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table, json or jsonl.")
    ] = ListFormat.TABLE,
) -> None:
    """List sources with the number of claims attributed to each."""
    from factdb.cli.render import sources_table
    from factdb.formats.jsonlines import write_json_array, write_jsonl
    from factdb.services.claims.sources import list_sources

    if output_format is ListFormat.CSV:
        raise InvalidInputError("source list has no csv format; use table, json or jsonl")
    with unit_of_work(ctx, write=False) as session:
        sources = list_sources(session=session, limit=limit)
        if output_format is ListFormat.TABLE:
            sources_table(sources)
            return
        with output_stream(None) as stream:
            writer = write_jsonl if output_format is ListFormat.JSONL else write_json_array
            writer(sources, stream)


@sources_app.command("show")
def source_show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID_OR_URL", help="The source's id or URL.")],
    output_format: Annotated[
        DetailFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DetailFormat.TEXT,
    text: Annotated[bool, typer.Option("--text", help="Print the source's full text.")] = False,
) -> None:
    """Show a source's details (or, with --text, its full text)."""
    from factdb.services.claims.sources import get_source, read_source

    with unit_of_work(ctx, write=False) as session:
        source = get_source(session=session, ref=ref)
        details = read_source(session=session, source=source)
        full_text = source.text
    if text:
        if full_text is None:
            raise InvalidInputError(f"source {details.id} has no text recorded")
        typer.echo(full_text, nl=False)
    elif output_format is DetailFormat.JSON:
        typer.echo(details.model_dump_json(indent=2))
    else:
        fields = {
            "Source": f"{details.id}  {details.url}",
            "Title": details.title,
            "Publisher": details.publisher,
            "Author": details.author,
            "Published": details.published_at.isoformat() if details.published_at else None,
            "Language": details.language,
            "Text": (
                f"{details.text_length:,} characters, SHA-256 {details.text_sha256}"
                if details.text_length is not None
                else None
            ),
            "Claims": str(details.claim_count),
        }
        for label, value in fields.items():
            typer.echo(f"{label + ':':<11}{value or '—'}")
