"""JSON in: an array of objects, or an object holding one such array (FEVER, AVeriTeC).

The array is read element by element from a buffer of the file, never as one Python list, so a
file of a million records needs the memory of one record. Without ``--map`` each element is a
claim record as the JSON Lines backup writes it; with ``--map`` its members are mapped to fields
like CSV columns, dotted paths reaching into nested members (``meta.speaker``) and through arrays
(``questions.answers.source_url`` collects every answer's link).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from factdb.errors import ImportFormatError
from factdb.formats.readers.mapped import FieldValue, MapOptions, MappingProblem, mapped_record
from factdb.formats.readers.records import RawRecord, json_kind

CHUNK_CHARS = 64 * 1024
MAX_RECORD_CHARS = 64 * 1024 * 1024
_WHITESPACE = " \t\r\n"
_LONGEST_LITERAL = len("-Infinity")


def read_json(
    stream: BinaryIO, *, name: str, mapping: MapOptions | None = None
) -> Iterator[RawRecord]:
    """Yield a record per element of the file's array of objects."""
    reader = _ArrayReader(stream, name)
    for number, line, value in reader.items():
        location = f"{name}: record {number} (line {line})"
        yield object_record(value, location, mapping, name=name)


def object_record(
    value: object, location: str, mapping: MapOptions | None, *, name: str
) -> RawRecord:
    """One JSON object as a record: as it is, or through the mapping."""
    if not isinstance(value, dict):
        return RawRecord(
            location, {"value": value}, problem=f"expected an object, found {json_kind(value)}"
        )
    if mapping is None:
        return RawRecord(location, value)
    try:
        fields = {
            field: found
            for path, field in mapping.columns.items()
            if (found := member_values(value, path)) is not None
        }
        return RawRecord(location, mapped_record(fields, mapping, name=name))
    except MappingProblem as error:
        return RawRecord(location, value, problem=str(error), hints=error.hints)


def member_values(value: dict[str, Any], path: str) -> FieldValue | None:
    """The text at a dotted path: one string, several (a path through arrays), or None.

    A member whose own name contains dots is found by that name first. Through an array, a
    number picks an element (``questions.0.question``) and a name applies to every element.
    """
    nodes: list[Any] = [value[path]] if path in value else _walk(value, path.split("."))
    texts: list[str] = []
    pending = list(reversed(nodes))
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(reversed(node))
        elif isinstance(node, dict):
            raise MappingProblem(f"{path}: is an object; map one of its members (e.g. {path}.name)")
        elif (text := _scalar(node)) is not None:
            texts.append(text)
    if not texts:
        return None
    return texts[0] if len(texts) == 1 else texts


def _walk(value: Any, segments: list[str]) -> list[Any]:
    nodes = [value]
    for segment in segments:
        found: list[Any] = []
        # An explicit stack, not recursion: hostile files nest arrays a thousand deep.
        pending = list(reversed(nodes))
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                if segment in node:
                    found.append(node[segment])
            elif isinstance(node, list):
                if segment.isdigit():
                    if int(segment) < len(node):
                        found.append(node[int(segment)])
                else:
                    pending.extend(reversed(node))
        nodes = found
    return nodes


def _scalar(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, int | float):
        return str(node)
    return node if isinstance(node, str) and node.strip() else None


class _ArrayReader:
    """The elements of a JSON array read from a stream, with their 1-based number and line."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder()
        self.buffer = ""
        self.position = 0
        self.line = 1  # the line of self.position
        self.counted = 0  # up to where self.line has counted line breaks
        self.eof = False

    def items(self) -> Iterator[tuple[int, int, Any]]:
        opening = self._next_char()
        if opening == "[":
            yield from self._elements()
        elif opening == "{":
            yield from self._array_member()
        else:
            found = "nothing" if opening is None else repr(opening)
            raise ImportFormatError(
                f"{self.name}: line {self.line}: expected a JSON array or object, found {found}"
            )

    def _array_member(self) -> Iterator[tuple[int, int, Any]]:
        """The elements of the object's first member whose value is an array."""
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise self._error("expected a member name")
            if self._next_char() != ":":
                raise self._error("expected ':'")
            if self._peek() == "[":
                self._next_char()
                yield from self._elements()
                return
            self._value()
            separator = self._next_char()
            if separator == "}":
                raise ImportFormatError(
                    f"{self.name}: the object holds no array of records; "
                    "give an array, or an object with one"
                )
            if separator != ",":
                raise self._error("expected ',' or '}'")

    def _elements(self) -> Iterator[tuple[int, int, Any]]:
        number = 0
        if self._peek() == "]":
            self._next_char()
            return
        while True:
            self._skip_whitespace()
            line = self._line_here()
            value = self._value()
            number += 1
            yield number, line, value
            separator = self._next_char()
            if separator == "]":
                return
            if separator != ",":
                raise self._error("expected ',' or ']' after an array element")

    # -- the buffer ---------------------------------------------------------------------

    def _value(self) -> Any:
        """Decode the JSON value at the position, reading more of the file until it is whole."""
        self._skip_whitespace()
        want = CHUNK_CHARS
        while True:
            try:
                value, end = self.json.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if self.eof or not self._maybe_cut(error):
                    raise self._located(error) from None
            except RecursionError:
                raise ImportFormatError(
                    f"{self.name}: line {self._line_here()}: JSON nested too deeply"
                ) from None
            else:
                # A number at the end of the buffer may go on in the next chunk.
                if end < len(self.buffer) or self.eof:
                    self.position = end
                    return value
            if len(self.buffer) - self.position > MAX_RECORD_CHARS:
                raise ImportFormatError(
                    f"{self.name}: line {self._line_here()}: a record longer than "
                    f"{MAX_RECORD_CHARS:,} characters"
                )
            self._read(want)
            want *= 2  # so that a long record costs a few re-parses, not one per chunk

    def _maybe_cut(self, error: json.JSONDecodeError) -> bool:
        """Whether the error may only mean the buffer ends inside the value (read on), not bad
        JSON (report it now, without reading the rest of the file first)."""
        near_end = error.pos >= len(self.buffer) - _LONGEST_LITERAL
        return near_end or error.msg.startswith("Unterminated string")

    def _read(self, chars: int) -> None:
        if self.position > CHUNK_CHARS:
            self._line_here()
            self.buffer = self.buffer[self.position :]
            self.counted -= self.position
            self.position = 0
        data = self.stream.read(chars)
        try:
            self.buffer += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"{self.name}: near line {self._line_here()}: not UTF-8 ({error.reason})"
            ) from None
        self.eof = not data

    def _peek(self) -> str | None:
        self._skip_whitespace()
        return self.buffer[self.position] if self.position < len(self.buffer) else None

    def _next_char(self) -> str | None:
        char = self._peek()
        if char is not None:
            self.position += 1
        return char

    def _skip_whitespace(self) -> None:
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in _WHITESPACE:
                self.position += 1
            if self.position < len(self.buffer) or self.eof:
                return
            self._read(CHUNK_CHARS)

    def _line_here(self) -> int:
        if self.position > self.counted:
            self.line += self.buffer.count("\n", self.counted, self.position)
            self.counted = self.position
        return self.line

    def _error(self, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.name}: line {self._line_here()}: invalid JSON: {message}")

    def _located(self, error: json.JSONDecodeError) -> ImportFormatError:
        line = self._line_here() + self.buffer.count("\n", self.position, error.pos)
        return ImportFormatError(f"{self.name}: line {line}: invalid JSON: {error.msg}")
