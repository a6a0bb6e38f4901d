"""CSV and TSV in: factdb's own report, or any table whose columns are mapped to fields."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from factdb.errors import ImportFormatError
from factdb.formats.csv_report import restore_cell
from factdb.formats.records import RawRecord
from factdb.schemas.rows import CSV_COLUMNS
from factdb.schemas.types import TAG_SEPARATOR

MAX_FIELD_CHARS = 10 * 1024 * 1024
MAX_LINE_BYTES = 4 * MAX_FIELD_CHARS

MAPPABLE_FIELDS: dict[str, str] = {
    "uid": "the claim's UUID",
    "text": "the claim (required)",
    "claimant": "who made it",
    "claimant_kind": "person, organization, group or unknown",
    "claim_date": "when it was made",
    "language": "BCP 47 tag of the claim",
    "tags": "tags separated by ';' or ','",
    "source_url": "where the claim appeared",
    "source_title": "that source's title",
    "publisher": "that source's publisher",
    "published_at": "that source's publication time",
    "quote": "the exact words in that source",
    "status": "a factdb status",
    "rating_label": "the rating as published",
    "rating_value": "the numeric rating",
    "best_rating": "the best value of its scale (default 5)",
    "worst_rating": "the worst value of its scale (default 1)",
    "review_url": "where the fact-check is published",
    "review_title": "the fact-check's headline",
    "reviewer": "who made the fact-check",
    "reviewer_url": "the fact-checker's site",
    "reviewed_at": "when it was published",
    "note": "its explanation",
    "evidence_urls": "evidence links separated by spaces",
}


def read_csv(
    stream: BinaryIO,
    *,
    name: str,
    delimiter: str = ",",
    mapping: Mapping[str, str] | None = None,
) -> Iterator[RawRecord]:
    """Yield a record per row. Without a mapping the file must be factdb's own CSV report."""
    # The limit is process-wide in the csv module; a field over it raises a located error below.
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(_text_lines(stream, name), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFormatError(f"{name}: the file is empty")
        columns = _column_fields(header, mapping, name)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            location = f"{name}: line {reader.line_num}"
            if len(row) != len(header):
                raise ImportFormatError(
                    f"{location}: {len(row)} cells where the header has {len(header)}"
                )
            fields = {field: row[index].strip() for index, field in columns.items()}
            if mapping is None:
                # factdb's own report: undo its CSV-injection escaping to get the exact text.
                fields = {field: restore_cell(value) for field, value in fields.items()}
                yield RawRecord(location, _own_row(fields))
            else:
                yield RawRecord(location, _mapped_row(fields))
    except csv.Error as error:
        raise ImportFormatError(f"{name}: line {reader.line_num}: {error}") from None


def _text_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    """The file's lines decoded one by one, so an encoding error names its line."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise ImportFormatError(f"{name}: line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"{name}: line {number}: not UTF-8 (byte {error.start}: {error.reason})"
            ) from None


def _column_fields(
    header: list[str], mapping: Mapping[str, str] | None, name: str
) -> dict[int, str]:
    """Which field each column feeds, by column index."""
    header = [column.strip() for column in header]
    read = header if mapping is None else [column for column in header if column in mapping]
    repeated = sorted({column for column in read if header.count(column) > 1})
    if repeated:
        raise ImportFormatError(
            f"{name}: line 1: the column {', '.join(map(repr, repeated))} appears more than once "
            "in the header; which one to read is ambiguous"
        )
    if mapping is None:
        if "text" not in header or "uid" not in header or not set(header) <= set(CSV_COLUMNS):
            raise ImportFormatError(
                f"{name}: line 1: not factdb's CSV report; map its columns with "
                "--map COLUMN=FIELD (e.g. --map claimReviewed=text)"
            )
        return dict(enumerate(header))
    missing = [column for column in mapping if column not in header]
    if missing:
        raise ImportFormatError(
            f"{name}: line 1: no column {', '.join(map(repr, missing))} "
            f"(the columns are {', '.join(map(repr, header))})"
        )
    return {header.index(column): field for column, field in mapping.items()}


def _own_row(fields: dict[str, str]) -> dict[str, Any]:
    """factdb's report row: the claim, its first appearance and its newest review."""
    data = _claim_part(fields, tag_separators=TAG_SEPARATOR)
    for stamp in ("created_at", "updated_at"):
        if fields.get(stamp):
            data[stamp] = fields[stamp]
    if fields.get("status") and fields["status"] != "unverified":
        review = _review_part(fields)
        review["status"] = fields["status"]
        data["reviews"] = [review]
    return data


def _mapped_row(fields: dict[str, str]) -> dict[str, Any]:
    data = _claim_part(fields, tag_separators=";,")
    review = _review_part(fields)
    if fields.get("status"):
        review["status"] = fields["status"]
    # A reviewer or a note alone is no review; a verdict or a published fact-check is.
    if review.keys() & {"status", "rating_label", "rating_value", "url"}:
        data["reviews"] = [review]
    return data


def _claim_part(fields: dict[str, str], *, tag_separators: str) -> dict[str, Any]:
    data: dict[str, Any] = {"text": fields.get("text", "")}
    _copy(fields, data, ("uid", "claim_date", "language"))
    if fields.get("claimant"):
        data["claimant"] = {"name": fields["claimant"]}
        if fields.get("claimant_kind"):
            data["claimant"]["kind"] = fields["claimant_kind"]
    if fields.get("tags"):
        data["tags"] = [tag for tag in _split(fields["tags"], tag_separators) if tag.strip()]
    if fields.get("source_url"):
        source: dict[str, Any] = {"url": fields["source_url"]}
        _copy(fields, source, ("publisher", "published_at"))
        if fields.get("source_title"):
            source["title"] = fields["source_title"]
        appearance: dict[str, Any] = {"source": source}
        if fields.get("quote"):
            appearance["quote"] = fields["quote"]
        data["appearances"] = [appearance]
    return data


def _review_part(fields: dict[str, str]) -> dict[str, Any]:
    review: dict[str, Any] = {}
    _copy(fields, review, ("rating_label", "note", "reviewer", "reviewed_at"))
    for number in ("rating_value", "best_rating", "worst_rating"):
        if fields.get(number):
            review[number] = fields[number]
    renamed = {"review_url": "url", "review_title": "title", "reviewer_url": "publisher_url"}
    for column, field in renamed.items():
        if fields.get(column):
            review[field] = fields[column]
    if fields.get("evidence_urls"):
        # The report separates evidence links with spaces, which a URL cannot contain.
        review["evidence"] = [{"url": url} for url in fields["evidence_urls"].split()]
    return review


def _copy(source: dict[str, str], target: dict[str, Any], names: tuple[str, ...]) -> None:
    for field in names:
        if source.get(field):
            target[field] = source[field]


def _split(value: str, separators: str) -> list[str]:
    for separator in separators[1:]:
        value = value.replace(separator, separators[0])
    return value.split(separators[0])
