"""Import and export: the field's file formats in and out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from factdb.cli.context import guarded_paths, output_stream, unit_of_work
from factdb.cli.errors import with_hints
from factdb.cli.options import (
    FROM_OPTIONS,
    RawOption,
    claim_filter_options,
)
from factdb.domain import ExportFormat, OnError
from factdb.errors import InvalidInputError
from factdb.formats.readers.detect import ImportFormat

if TYPE_CHECKING:
    from factdb.formats.readers.csv_records import TableOptions
    from factdb.formats.readers.mapped import MapOptions
    from factdb.formats.readers.records import RawRecord
    from factdb.schemas.claims import ClaimFilter
    from factdb.schemas.interchange import RejectedRecord
    from factdb.services.ingest.importing import ImportSummary

ORGANIZATION_ENV = "FACTDB_ORGANIZATION"
ORGANIZATION_URL_ENV = "FACTDB_ORGANIZATION_URL"
SNIFF_BYTES = 64 * 1024
MAX_DATASET_NAME = 500
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


@claim_filter_options()
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
    selection: ClaimFilter = FROM_OPTIONS,
    raw: RawOption = False,
) -> None:
    """Export claims: a CSV report, the JSON Lines backup, or a ClaimReview feed; streamed."""
    from factdb.cli.progress import progress
    from factdb.services.claims.query import count_claims

    author = None
    if organization:
        from factdb.formats.claimreview import Organization
        from factdb.schemas.types import normalize_url

        try:
            url = normalize_url(organization_url) if organization_url else None
        except ValueError as error:
            raise InvalidInputError(f"organization_url: {error}") from None
        author = Organization(name=organization.strip(), url=url)
    guarded = guarded_paths(ctx)
    with (
        unit_of_work(ctx, write=False) as session,
        output_stream(output, guarded=guarded) as stream,
    ):
        total = count_claims(session=session, claim_filter=selection)
        with progress("Exporting", total) as tick:
            if output_format is ExportFormat.CSV:
                # The report alone: the interchange formats' modules are not even loaded.
                from factdb.services.reporting.csv_export import write_csv_report

                exported = write_csv_report(
                    session=session,
                    claim_filter=selection,
                    stream=stream,
                    neutralize=not raw,
                    on_claim=tick,
                )
            else:
                from factdb.services.reporting.export import export_claims

                result = export_claims(
                    session=session,
                    claim_filter=selection,
                    export_format=output_format,
                    stream=stream,
                    organization=author,
                    on_claim=tick,
                    raw_csv=raw,
                )
                exported = result.claims
    if output_format is ExportFormat.CLAIMREVIEW:
        typer.echo(
            f"exported {result.claim_reviews:,} ClaimReviews of {result.claims:,} claims; "
            f"{result.reviews_without_url:,} reviews without a URL were left out",
            err=True,
        )
    elif output is not None:
        typer.echo(f"exported {exported:,} claims to {output}", err=True)


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
            "--map",
            "-m",
            metavar="COLUMN=FIELD",
            help="Map a CSV/TSV column (name, or number from 1) or a JSON member "
            "(dotted path: meta.speaker) to a field.",
        ),
    ] = None,
    constants: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="Give every mapped record this value (e.g. --set reviewer=PolitiFact).",
        ),
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(
            help="Name of the data set that external_id values belong to "
            "(default: the file's name)."
        ),
    ] = None,
    no_header: Annotated[
        bool,
        typer.Option("--no-header", help="CSV/TSV without a header row: --map by column number."),
    ] = False,
    delimiter: Annotated[
        str | None,
        typer.Option(help="CSV/TSV cell separator, one character (e.g. ';'; 'tab' for a tab)."),
    ] = None,
    quote: Annotated[
        str | None,
        typer.Option(help="Quote character: CSV uses '\"'; TSV is read literally unless given."),
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="CSV/TSV text encoding (e.g. latin-1, utf-16).")
    ] = "utf-8",
    date_format: Annotated[
        str | None,
        typer.Option(
            help="strftime pattern for mapped dates that are not unambiguous (e.g. %d-%m-%Y)."
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
    from factdb.ratings.mapper import RatingMapper
    from factdb.schemas.types import normalize_language
    from factdb.services.ingest.importing import ImportOptions, import_records

    if rejects is not None and on_error is not OnError.SKIP:
        raise InvalidInputError("--rejects needs --on-error skip")
    fields = _map_options(mapping or [], constants or [], dataset, date_format)
    table = _table_options(no_header, delimiter, quote, encoding)
    if _needs_dataset(fields) and any(str(path) == "-" for path in files):
        raise InvalidInputError("external_id from standard input needs --dataset NAME")
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
        guarded = guarded_paths(ctx, *files, rating_map)
        reject_stream = (
            stack.enter_context(output_stream(rejects, guarded=guarded)) if rejects else None
        )
        tick = stack.enter_context(progress("Importing"))
        records = _ticking(_read_all(stack, files, input_format, fields, table), tick)
        summary = import_records(
            session=session,
            records=records,
            options=options,
            on_reject=(
                (lambda item: write_json_line(_rejected_line(item), reject_stream))
                if reject_stream
                else None
            ),
        )
    _print_summary(summary, len(files), rejects, dry_run)


def _rejected_line(item: RejectedRecord) -> dict[str, Any]:
    """A rejected record as the rejects file holds it, its reason worded as the CLI words it."""
    return {**item.model_dump(mode="python"), "reason": with_hints(item.reason, item.hints)}


def _map_options(
    pairs: list[str], constants: list[str], dataset: str | None, date_format: str | None
) -> MapOptions | None:
    from factdb.formats.readers.dates import check_date_format
    from factdb.formats.readers.mapped import MapOptions

    if not pairs:
        for option, given in (("--set", constants), ("--dataset", dataset)):
            if given:
                raise InvalidInputError(f"{option} applies to mapped files: give --map too")
        if date_format:
            raise InvalidInputError("--date-format applies to mapped files: give --map too")
        return None
    mapping = _parse_mapping(pairs)
    values: dict[str, str] = {}
    for pair in constants:
        field, sep, value = pair.partition("=")
        field = _known_field(field.strip(), "set", pair, sep)
        if field in mapping.values():
            raise InvalidInputError(f"set: {field!r} is mapped from the file already")
        values[field] = value
    if "text" not in (*mapping.values(), *values):
        raise InvalidInputError("map: one column must map to the field 'text'")
    return MapOptions(
        columns=mapping,
        constants=values,
        date_format=check_date_format(date_format) if date_format else None,
        dataset=_dataset_name(dataset) if dataset is not None else None,
    )


def _needs_dataset(options: MapOptions | None) -> bool:
    """Whether external ids are read without a data set to scope them (then the file's name)."""
    if options is None or options.dataset is not None:
        return False
    return "external_id" in (*options.columns.values(), *options.constants)


def _parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        field = _known_field(field.strip(), "map", pair, sep)
        if not column.strip():
            raise InvalidInputError(f"map: {pair!r} is not COLUMN=FIELD")
        if column.strip() in mapping:
            raise InvalidInputError(f"map: {column.strip()!r} is mapped twice")
        if field in mapping.values():
            raise InvalidInputError(f"map: the field {field!r} is mapped from two columns")
        mapping[column.strip()] = field
    return mapping


def _known_field(field: str, option: str, pair: str, sep: str) -> str:
    from factdb.formats.readers.mapped import MAPPABLE_FIELDS

    if not sep or not field:
        shape = "COLUMN=FIELD" if option == "map" else "FIELD=VALUE"
        raise InvalidInputError(f"{option}: {pair!r} is not {shape}")
    if field not in MAPPABLE_FIELDS:
        raise InvalidInputError(
            f"{option}: unknown field {field!r}; fields: {', '.join(MAPPABLE_FIELDS)}"
        )
    return field


def _dataset_name(dataset: str) -> str:
    name = " ".join(dataset.split())
    if not name or len(name) > MAX_DATASET_NAME or "\x00" in name:
        raise InvalidInputError(f"dataset: {dataset!r} must be 1 to {MAX_DATASET_NAME} characters")
    return name


def _table_options(
    no_header: bool, delimiter: str | None, quote: str | None, encoding: str
) -> TableOptions:
    import codecs

    from factdb.formats.readers.csv_records import TableOptions

    for option, value in (("delimiter", delimiter), ("quote", quote)):
        if value is not None and len(_one_char(value)) != 1:
            raise InvalidInputError(f"{option}: {value!r} must be one character")
    try:
        codecs.lookup(encoding)
        "\n".encode(encoding)  # a codec such as rot13 exists but is no text encoding
    except LookupError:
        raise InvalidInputError(f"encoding: unknown encoding {encoding!r}") from None
    if delimiter is not None and quote is not None and _one_char(delimiter) == _one_char(quote):
        raise InvalidInputError("--delimiter and --quote must differ")
    return TableOptions(
        delimiter=_one_char(delimiter) if delimiter is not None else "",
        quote=_one_char(quote) if quote is not None else None,
        header=not no_header,
        encoding=encoding,
    )


def _one_char(value: str) -> str:
    return {"tab": "\t", "\\t": "\t"}.get(value.lower(), value)


def _read_all(
    stack: ExitStack,
    files: list[Path],
    input_format: ImportFormat,
    mapping: MapOptions | None,
    table: TableOptions,
) -> Iterator[RawRecord]:
    for path in files:
        stream = stack.enter_context(_open(path))
        name = "stdin" if str(path) == "-" else path.name
        yield from _read_one(stream, name, input_format, mapping, table)


_TABULAR = (ImportFormat.CSV, ImportFormat.TSV)
_MAPPABLE = (*_TABULAR, ImportFormat.JSON, ImportFormat.JSONL)


def _read_one(
    stream: BinaryIO,
    name: str,
    input_format: ImportFormat,
    mapping: MapOptions | None,
    table: TableOptions,
) -> Iterator[RawRecord]:
    from dataclasses import replace

    from factdb.formats.google_factcheck import read_google_factcheck
    from factdb.formats.readers.claimreview import read_claimreview
    from factdb.formats.readers.csv_records import TableOptions, read_csv
    from factdb.formats.readers.detect import detect_format
    from factdb.formats.readers.json_records import read_json
    from factdb.formats.readers.jsonl_records import read_jsonl

    found = input_format
    if found is ImportFormat.AUTO:
        found = detect_format(name, _head(stream), tabular=mapping is not None)
    if mapping is not None and found not in _MAPPABLE:
        raise InvalidInputError("--map applies to csv, tsv, json and jsonl files only")
    if found not in _TABULAR and table != TableOptions(delimiter="", quote=None):
        raise InvalidInputError(
            f"{name}: --no-header, --delimiter, --quote and --encoding apply to csv and tsv only"
        )
    if found is ImportFormat.CSV:
        csv_table = replace(table, delimiter=table.delimiter or ",", quote=table.quote or '"')
        yield from read_csv(stream, name=name, mapping=mapping, table=csv_table)
    elif found is ImportFormat.TSV:
        # TSV has no quoting: a tab or a line break ends a cell, a quote is just a character.
        yield from read_csv(
            stream,
            name=name,
            mapping=mapping,
            table=replace(table, delimiter=table.delimiter or "\t"),
        )
    elif found is ImportFormat.JSON:
        yield from read_json(stream, name=name, mapping=mapping)
    elif found is ImportFormat.JSONL:
        yield from read_jsonl(stream, name=name, mapping=mapping)
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
    if summary.evidence_dropped:
        lines.append(
            f"evidence links dropped: {summary.evidence_dropped:,} (not URLs; records kept)"
        )
    lines.extend(
        f"rejected: {rejection.location}: {with_hints(rejection.reason, rejection.hints)}"
        for rejection in summary.first_rejections
    )
    if summary.failed > len(summary.first_rejections):
        lines.append(f"rejected: … {summary.failed - len(summary.first_rejections):,} more")
    if summary.unmapped_labels:
        labels = ", ".join(f"{label!r} ({count})" for label, count in summary.top_unmapped_labels)
        lines.append(f"labels mapped to 'other': {labels}")
    lines.extend(f"note: {note} ({count})" for note, count in summary.notes.most_common(10))
    if rejects is not None and summary.failed:
        lines.append(f"rejected records written to {rejects}")
    if dry_run:
        lines.append("dry run: nothing was written")
    typer.echo("\n".join(lines))
