"""CSV and TSV in: factdb's own report, or any table whose columns are mapped to fields."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from factdb.errors import Hint, ImportFormatError, Setting
from factdb.formats.csv_report import restore_cell
from factdb.formats.readers.mapped import (
    MAPPABLE_FIELDS,
    MapOptions,
    MappingProblem,
    claim_part,
    mapped_record,
    review_part,
)
from factdb.formats.readers.records import RawRecord
from factdb.schemas.rows import CSV_COLUMNS
from factdb.schemas.types import TAG_SEPARATOR

MAX_FIELD_CHARS = 10 * 1024 * 1024
MAX_LINE_BYTES = 4 * MAX_FIELD_CHARS

__all__ = ["MAPPABLE_FIELDS", "TableOptions", "read_csv"]


@dataclass(frozen=True)
class TableOptions:
    """How a CSV or TSV file is laid out."""

    delimiter: str = ","
    # None: no quoting at all, every tab and newline separates (TSV's own definition).
    quote: str | None = '"'
    header: bool = True
    encoding: str = "utf-8"


def read_csv(
    stream: BinaryIO,
    *,
    name: str,
    delimiter: str = ",",
    mapping: Mapping[str, str] | MapOptions | None = None,
    table: TableOptions | None = None,
) -> Iterator[RawRecord]:
    """Yield a record per row. Without a mapping the file must be factdb's own CSV report.

    A row that cannot be read (a quoting error, too few or too many cells) becomes a record with
    a problem, so that ``--on-error skip`` skips that row alone.
    """
    table = table or TableOptions(delimiter=delimiter)
    options = MapOptions(columns=mapping) if isinstance(mapping, Mapping) else mapping
    if not table.header and options is None:
        raise ImportFormatError(
            f"{name}: a file without a header needs its columns mapped by number",
            hints=[Hint.give(Setting.COLUMN_MAP, "3=text")],
        )
    rows = _rows(_text_lines(stream, name, table.encoding), table)
    first = next(rows, None)
    if first is None:
        raise ImportFormatError(f"{name}: the file is empty")
    if isinstance(first[1], str):
        raise ImportFormatError(f"{name}: line {first[0]}: {first[1]}")
    if table.header:
        header = [column.strip() for column in first[1]]
        columns = _column_fields(header, options, name)
        body: Iterator[tuple[int, list[str] | str]] = rows
    else:
        header = [str(number) for number in range(1, len(first[1]) + 1)]
        columns = _numbered_fields(options, name) if options else {}
        body = itertools.chain([first], rows)
    for number, row in body:
        location = f"{name}: line {number}"
        if isinstance(row, str):
            yield RawRecord(location, {}, problem=row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            header[index] if index < len(header) else str(index + 1): cell
            for index, cell in enumerate(row)
        }
        if len(row) != len(header):
            problem, hints = _count_problem(row, len(header), table)
            yield RawRecord(location, cells, problem=problem, hints=hints)
            continue
        fields = {field: row[index].strip() for index, field in columns.items()}
        if options is None:
            # factdb's own report: undo its CSV-injection escaping to get the exact text.
            fields = {field: restore_cell(value) for field, value in fields.items()}
            yield RawRecord(location, _own_row(fields))
            continue
        try:
            yield RawRecord(location, mapped_record(fields, options, name=name))
        except MappingProblem as error:
            yield RawRecord(location, cells, problem=str(error), hints=error.hints)


def _count_problem(
    row: list[str], expected: int, table: TableOptions
) -> tuple[str, tuple[Hint, ...]]:
    first = "the header has" if table.header else "the first row has"
    problem = f"{len(row)} cells where {first} {expected}"
    if table.quote is not None:
        return problem, ()
    # Read literally, a row splits wrongly only where a value holds the delimiter or a newline.
    if any(cell.startswith('"') or cell.endswith('"') for cell in row):
        quote = Hint.give(Setting.QUOTE, '"')
        return f"{problem} (a quoted value with a line break? the file may quote values)", (quote,)
    return f"{problem} (a delimiter or line break inside a value?)", ()


def _rows(lines: Iterator[str], table: TableOptions) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, cells) per row, or (line number, why it cannot be read)."""
    if table.quote is None:
        for number, line in enumerate(lines, 1):
            yield number, line.removesuffix("\n").removesuffix("\r").split(table.delimiter)
        return
    # The limit is process-wide in the csv module; a field over it is reported on its row.
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(lines, delimiter=table.delimiter, quotechar=table.quote, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader starts afresh on the next line, so one broken row costs only itself.
            yield reader.line_num, str(error)
            continue
        yield reader.line_num, row


def _text_lines(stream: BinaryIO, name: str, encoding: str = "utf-8") -> Iterator[str]:
    """The file's lines decoded one by one, so an encoding error names its line."""
    if "\n".encode(encoding) != b"\n":
        # UTF-16 and UTF-32 cannot be split into lines as bytes: decode the stream as a whole.
        yield from _wide_lines(stream, name, encoding)
        return
    utf8 = codecs.lookup(encoding).name == "utf-8"
    first_codec, shown = ("utf-8-sig", "UTF-8") if utf8 else (encoding, encoding)
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise ImportFormatError(f"{name}: line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        try:
            yield line.decode(first_codec if number == 1 else encoding)
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"{name}: line {number}: not {shown} (byte {error.start}: {error.reason})",
                hints=[Hint.give(Setting.ENCODING)],
            ) from None


def _wide_lines(stream: BinaryIO, name: str, encoding: str) -> Iterator[str]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    number = 0
    try:
        while line := text.readline(MAX_LINE_BYTES + 1):
            number += 1
            yield line
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{name}: near line {number + 1}: not {encoding} ({error.reason})"
        ) from None
    finally:
        text.detach()


def _refuse_repeated_columns(header: list[str], options: MapOptions | None, name: str) -> None:
    """A column read twice in the header is ambiguous: which of the two holds the value?"""
    read = header if options is None else [column for column in header if column in options.columns]
    repeated = sorted({column for column in read if header.count(column) > 1})
    if repeated:
        raise ImportFormatError(
            f"{name}: line 1: the column {', '.join(map(repr, repeated))} appears more than once "
            "in the header; which one to read is ambiguous"
        )


def _column_fields(header: list[str], options: MapOptions | None, name: str) -> dict[int, str]:
    """Which field each column feeds, by column index: by its name, else by its number."""
    _refuse_repeated_columns(header, options, name)
    if options is None:
        if "text" not in header or "uid" not in header or not set(header) <= set(CSV_COLUMNS):
            raise ImportFormatError(
                f"{name}: line 1: not factdb's CSV report; its columns need mapping to fields",
                hints=[Hint.give(Setting.COLUMN_MAP, "claimReviewed=text")],
            )
        return dict(enumerate(header))
    fields: dict[int, str] = {}
    missing: list[str] = []
    for column, field in options.columns.items():
        if column in header:
            fields[header.index(column)] = field
        elif column.isdigit() and 1 <= int(column) <= len(header):
            fields[int(column) - 1] = field
        else:
            missing.append(column)
    if missing:
        raise ImportFormatError(
            f"{name}: line 1: no column {', '.join(map(repr, missing))} "
            f"(the columns are {', '.join(map(repr, header))}; "
            "a file without a header is mapped by column numbers)",
            hints=[Hint.give(Setting.NO_HEADER)],
        )
    return fields


def _numbered_fields(options: MapOptions, name: str) -> dict[int, str]:
    fields: dict[int, str] = {}
    for column, field in options.columns.items():
        if not column.isdigit() or int(column) < 1:
            raise ImportFormatError(
                f"{name}: column {column!r} for {field}: without a header, columns are numbered "
                "from 1",
                hints=[Hint.give(Setting.COLUMN_MAP, "3=text")],
            )
        fields[int(column) - 1] = field
    return fields


def _own_row(fields: dict[str, str]) -> dict[str, Any]:
    """factdb's report row: the claim, its first appearance and its newest review."""
    data = claim_part(fields, tag_separators=TAG_SEPARATOR)
    for stamp in ("created_at", "updated_at"):
        if fields.get(stamp):
            data[stamp] = fields[stamp]
    if fields.get("status") and fields["status"] != "unverified":
        review = review_part(fields)
        review["status"] = fields["status"]
        data["reviews"] = [review]
    return data
