"""Which reader a file needs: by its name first, else by its first bytes."""

from __future__ import annotations

from enum import StrEnum

from factdb.errors import Hint, ImportFormatError, Setting


class ImportFormat(StrEnum):
    AUTO = "auto"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    CLAIMREVIEW = "claimreview"
    GOOGLE_FACTCHECK = "google-factcheck"


_BY_SUFFIX = {
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.TSV,
    ".tab": ImportFormat.TSV,
    ".jsonl": ImportFormat.JSONL,
    ".ndjson": ImportFormat.JSONL,
    ".html": ImportFormat.CLAIMREVIEW,
    ".htm": ImportFormat.CLAIMREVIEW,
    ".jsonld": ImportFormat.CLAIMREVIEW,
}


def detect_format(name: str, head: bytes, *, tabular: bool = False) -> ImportFormat:
    """Guess the format of a file from its name and its first few kilobytes.

    ``tabular``: the file's fields are mapped (CSV, TSV, JSON or JSON Lines); only which one.
    """
    lowered = name.lower()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if tabular and (mapped_json := _mapped_json(lowered, text)) is not None:
        return mapped_json
    if tabular:
        first_line = head.split(b"\n", 1)[0]
        tabs_dominate = first_line.count(b"\t") > first_line.count(b",")
        is_tsv = lowered.endswith((".tsv", ".tab")) or tabs_dominate
        return ImportFormat.TSV if is_tsv else ImportFormat.CSV
    for suffix, found in _BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return found
    if text.startswith(b"<"):
        return ImportFormat.CLAIMREVIEW
    if b'"claimReview"' in head and b'"claims"' in head:
        return ImportFormat.GOOGLE_FACTCHECK
    if b"ClaimReview" in head:
        return ImportFormat.CLAIMREVIEW
    if text.startswith(b"{") and b'"text"' in head.split(b"\n", 1)[0]:
        return ImportFormat.JSONL
    if text.startswith(b"[") or lowered.endswith(".json"):
        return ImportFormat.JSON
    raise ImportFormatError(
        f"{name}: cannot tell its format (csv, tsv, json, jsonl, claimreview or google-factcheck)",
        hints=[Hint.give(Setting.FORMAT)],
    )


def _mapped_json(lowered: str, text: bytes) -> ImportFormat | None:
    """JSON or JSON Lines, for a file whose members are mapped; None for a table."""
    if lowered.endswith((".jsonl", ".ndjson")):
        return ImportFormat.JSONL
    if lowered.endswith(".json") or text.startswith(b"["):
        return ImportFormat.JSON
    if not text.startswith(b"{"):
        return None
    # One object per line, or one object holding an array of them.
    first_line = text.split(b"\n", 1)[0].strip()
    return ImportFormat.JSONL if first_line.endswith(b"}") else ImportFormat.JSON
