"""JSON output that streams: JSON Lines, or one JSON array written element by element."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from pydantic import BaseModel


def write_jsonl(records: Iterable[BaseModel], stream: TextIO) -> int:
    count = 0
    for record in records:
        stream.write(record.model_dump_json())
        stream.write("\n")
        count += 1
    return count


def write_json_array(records: Iterable[BaseModel], stream: TextIO, *, indent: int = 2) -> int:
    """A JSON array of the records, never holding more than one of them in memory."""
    count = 0
    stream.write("[")
    for record in records:
        stream.write(",\n" if count else "\n")
        stream.write(_indented(record.model_dump_json(indent=indent), indent))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def _indented(text: str, indent: int) -> str:
    pad = " " * indent
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other breaks verbatim.
    return "\n".join(pad + line for line in text.split("\n"))


def write_json_line(value: object, stream: TextIO) -> None:
    """One plain JSON value on a line, with non-ASCII escaped: data that was refused can hold
    lone surrogates, which only an escaped form can carry."""
    stream.write(json.dumps(value, ensure_ascii=True, default=str))
    stream.write("\n")
