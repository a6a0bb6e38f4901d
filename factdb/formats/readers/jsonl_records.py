"""JSON Lines in: one claim record per line, read line by line with a size limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any, BinaryIO

from factdb.errors import ImportFormatError
from factdb.formats.readers.json_records import object_record
from factdb.formats.readers.mapped import MapOptions
from factdb.formats.readers.records import RawRecord

MAX_LINE_BYTES = 16 * 1024 * 1024


def read_jsonl(
    stream: BinaryIO, *, name: str, mapping: MapOptions | None = None
) -> Iterator[RawRecord]:
    """Yield each non-blank line as a record; a malformed line stops the import with its number.

    With a mapping, each line's members are mapped to fields like a JSON file's objects.
    """
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise ImportFormatError(
                f"{name}: line {number}: longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"
            )
        if not line.strip():
            continue
        location = f"{name}: line {number}"
        text = _text(line, name, number)
        if mapping is None:
            decode = partial(_decode, text, name, number)
            yield RawRecord(location, {}, json_text=text, decode=decode)
        else:
            yield object_record(_decode(text, name, number), location, mapping, name=name)


def _text(line: bytes, name: str, number: int) -> str:
    try:
        return line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{name}: line {number}: not UTF-8 (byte {error.start}: {error.reason})"
        ) from None


def _decode(text: str, name: str, number: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"{name}: line {number}, column {error.colno}: invalid JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise ImportFormatError(f"{name}: line {number}: JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise ImportFormatError(
            f"{name}: line {number}: expected a JSON object, found {type(value).__name__}"
        )
    return value
