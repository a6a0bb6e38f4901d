"""Import and export: the field's file formats in and out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from factdb.cli.context import output_stream, unit_of_work
from factdb.cli.options import (
    ClaimantFilter,
    DeletedOption,
    LimitOption,
    RawOption,
    SinceFilter,
    SourceFilter,
    StatusFilter,
    TagFilter,
    claim_filter,
)
from factdb.domain import ExportFormat, OnError
from factdb.errors import InvalidInputError
from factdb.formats.detect import ImportFormat

if TYPE_CHECKING:
    from factdb.formats.records import RawRecord
    from factdb.services.importing import ImportSummary

ORGANIZATION_ENV = "FACTDB_ORGANIZATION"
ORGANIZATION_URL_ENV = "FACTDB_ORGANIZATION_URL"
SNIFF_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


def export(
    ctx: typer.Context,
    output_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv (report), jsonl (backup) or claimreview."),
    ] = ExportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output)."),
    ] = None,
    organization: Annotated[
        str | None,
        typer.Option(envvar=ORGANIZATION_ENV, help="ClaimReview author: your organisation's name."),
    ] = None,
    organization_url: Annotated[
        str | None,
        typer.Option(envvar=ORGANIZATION_URL_ENV, help="ClaimReview author: its website."),
    ] = None,
    status: StatusFilter = None,
    claimant: ClaimantFilter = None,
    source: SourceFilter = None,
    tag: TagFilter = None,
    since: SinceFilter = None,
    limit: LimitOption = None,
    include_deleted: DeletedOption = False,
    raw: RawOption = False,
) -> None:
    """Export claims: a CSV report, the JSON Lines backup, or a ClaimReview feed; streamed."""
    from factdb.cli.progress import progress
    from factdb.formats.claimreview import Organization
    from factdb.schemas.types import normalize_url
    from factdb.services.claims_query import count_claims
    from factdb.services.export import export_claims

    selection = claim_filter(
        status=status,
        claimant=claimant,
        source=source,
        tag=tag,
        since=since,
        limit=limit,
        include_deleted=include_deleted,
    )
    author = None
    if organization:
        try:
            url = normalize_url(organization_url) if organization_url else None
        except ValueError as error:
            raise InvalidInputError(f"organization_url: {error}") from None
        author = Organization(name=organization.strip(), url=url)
    with unit_of_work(ctx, write=False) as session, output_stream(output) as stream:
        total = count_claims(session=session, claim_filter=selection)
        with progress("Exporting", total) as tick:
            result = export_claims(
                session=session,
                claim_filter=selection,
                export_format=output_format,
                stream=stream,
                organization=author,
                on_claim=tick,
                raw_csv=raw,
            )
    if output_format is ExportFormat.CLAIMREVIEW:
        typer.echo(
            f"exported {result.claim_reviews:,} ClaimReviews of {result.claims:,} claims; "
            f"{result.reviews_without_url:,} reviews without a URL were left out",
            err=True,
        )
    elif output is not None:
        typer.echo(f"exported {result.claims:,} claims to {output}", err=True)


def import_files(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Files to import ('-' reads standard input).")
    ],
    input_format: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="The files' format.")
    ] = ImportFormat.AUTO,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", "-m", metavar="COLUMN=FIELD", help="Map a CSV/TSV column to a field."
        ),
    ] = None,
    rating_map: Annotated[
        Path | None,
        typer.Option(help="CSV of label,status pairs that extend or override the built-in table."),
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Language of claims that do not say (BCP 47).")
    ] = None,
    on_error: Annotated[
        OnError, typer.Option(help="abort: any bad record aborts all; skip: import the rest.")
    ] = OnError.ABORT,
    rejects: Annotated[
        Path | None,
        typer.Option(help="With --on-error skip: write rejected records here (JSON Lines)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count everything, write nothing.")
    ] = False,
    no_index: Annotated[
        bool,
        typer.Option(
            "--no-index",
            help="Do not embed the claims for `match` now (faster); run `factdb index` later.",
        ),
    ] = False,
) -> None:
    """Import claims and reviews from files; importing the same file twice adds nothing."""
    from factdb.cli.progress import progress
    from factdb.config import current_actor
    from factdb.formats.jsonlines import write_json_line
    from factdb.ratings import RatingMapper
    from factdb.schemas.types import normalize_language
    from factdb.services.importing import ImportOptions, import_records

    if rejects is not None and on_error is not OnError.SKIP:
        raise InvalidInputError("--rejects needs --on-error skip")
    fields = _parse_mapping(mapping or [])
    try:
        default_language = normalize_language(language) if language else None
    except ValueError as error:
        raise InvalidInputError(f"language: {error}") from None
    options = ImportOptions(
        actor=current_actor(),
        on_error=on_error,
        rating_mapper=RatingMapper.from_csv(rating_map) if rating_map else RatingMapper(),
        default_language=default_language,
        index_embeddings=not no_index and not dry_run,
    )
    with ExitStack() as stack:
        session = stack.enter_context(unit_of_work(ctx, commit=not dry_run))
        reject_stream = stack.enter_context(output_stream(rejects)) if rejects else None
        tick = stack.enter_context(progress("Importing"))
        records = _ticking(_read_all(stack, files, input_format, fields), tick)
        summary = import_records(
            session=session,
            records=records,
            options=options,
            on_reject=(
                (lambda item: write_json_line(item.model_dump(mode="python"), reject_stream))
                if reject_stream
                else None
            ),
        )
    _print_summary(summary, len(files), rejects, dry_run)


def _parse_mapping(pairs: list[str]) -> dict[str, str] | None:
    from factdb.formats.csv_records import MAPPABLE_FIELDS

    if not pairs:
        return None
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip() or not field:
            raise InvalidInputError(f"map: {pair!r} is not COLUMN=FIELD")
        if field not in MAPPABLE_FIELDS:
            raise InvalidInputError(
                f"map: unknown field {field!r}; fields: {', '.join(MAPPABLE_FIELDS)}"
            )
        mapping[column.strip()] = field
    if "text" not in mapping.values():
        raise InvalidInputError("map: one column must map to the field 'text'")
    return mapping


def _read_all(
    stack: ExitStack,
    files: list[Path],
    input_format: ImportFormat,
    mapping: dict[str, str] | None,
) -> Iterator[RawRecord]:
    for path in files:
        stream = stack.enter_context(_open(path))
        name = "stdin" if str(path) == "-" else path.name
        yield from _read_one(stream, name, input_format, mapping)


def _read_one(
    stream: BinaryIO, name: str, input_format: ImportFormat, mapping: dict[str, str] | None
) -> Iterator[RawRecord]:
    from factdb.formats.claimreview import read_claimreview
    from factdb.formats.csv_records import read_csv
    from factdb.formats.detect import detect_format
    from factdb.formats.google_factcheck import read_google_factcheck
    from factdb.formats.jsonl_records import read_jsonl

    found = input_format
    if found is ImportFormat.AUTO:
        found = detect_format(name, _head(stream), tabular=mapping is not None)
    if mapping is not None and found not in (ImportFormat.CSV, ImportFormat.TSV):
        raise InvalidInputError("--map applies to csv and tsv files only")
    if found is ImportFormat.CSV:
        yield from read_csv(stream, name=name, mapping=mapping)
    elif found is ImportFormat.TSV:
        yield from read_csv(stream, name=name, delimiter="\t", mapping=mapping)
    elif found is ImportFormat.JSONL:
        yield from read_jsonl(stream, name=name)
    elif found is ImportFormat.CLAIMREVIEW:
        yield from read_claimreview(_whole(stream, name), name=name)
    else:
        yield from read_google_factcheck(_whole(stream, name), name=name)


def _whole(stream: BinaryIO, name: str) -> bytes:
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(
            f"{name}: larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; "
            "split it, or convert it to JSON Lines"
        )
    return data


def _head(stream: BinaryIO) -> bytes:
    """The first bytes of the stream, left in place for the reader."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(SNIFF_BYTES)[:SNIFF_BYTES])
    start = stream.tell()
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    return head


def _open(path: Path) -> AbstractContextManager[BinaryIO]:
    if str(path) == "-":
        # Standard input is streamed like a file, and left open for whoever owns it.
        return nullcontext(typer.get_binary_stream("stdin"))
    try:
        return path.open("rb")
    except OSError as error:
        raise InvalidInputError(f"{path}: {error.strerror}") from None


def _ticking(records: Iterator[RawRecord], tick: Callable[[], None]) -> Iterator[RawRecord]:
    for record in records:
        yield record
        tick()


def _print_summary(
    summary: ImportSummary, file_count: int, rejects: Path | None, dry_run: bool
) -> None:
    files = "file" if file_count == 1 else "files"
    lines = [
        f"read {summary.read:,} records from {file_count} {files}",
        f"claims: {summary.created:,} created, {summary.merged:,} merged, "
        f"{summary.unchanged:,} already present, {summary.failed:,} failed",
        f"reviews added: {summary.reviews_added:,}; appearances added: "
        f"{summary.appearances_added:,}",
    ]
    if summary.unmapped_labels:
        labels = ", ".join(f"{label!r} ({count})" for label, count in summary.top_unmapped_labels)
        lines.append(f"labels mapped to 'other': {labels}")
    lines.extend(f"note: {note} ({count})" for note, count in summary.notes.most_common(10))
    if rejects is not None and summary.failed:
        lines.append(f"rejected records written to {rejects}")
    if dry_run:
        lines.append("dry run: nothing was written")
    typer.echo("\n".join(lines))
