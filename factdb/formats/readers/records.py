"""What every reader yields, and the decoding every JSON reader shares.

Readers hand the importer plain dicts shaped like ``ClaimRecord``; validation happens there, once,
so that a bad record is rejected with its location instead of stopping the whole file. What a
reader does itself is only what validation cannot: decode the bytes, find the records, and smooth
the field's known mess (dates with trailing junk, ``https:host`` URLs) while noting what it did.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from factdb.errors import Hint, ImportFormatError


@dataclass(frozen=True)
class RawRecord:
    """One record read from a file, not yet validated: the fields of a ClaimRecord."""

    location: str  # e.g. "feed.json: ClaimReview 3" or "data.csv: line 12"
    data: dict[str, Any]
    # Observations for the import summary, e.g. "placeholder claim text 'CLAIM'".
    notes: tuple[str, ...] = ()
    # Why the reader could not make a record of it (a row with too few cells, an unreadable
    # date): the importer rejects it like an invalid record, so --on-error skip skips it alone.
    problem: str | None = None
    # What the user can do about the problem (give the file's date format…).
    hints: tuple[Hint, ...] = ()
    # A JSON Lines line as read, not decoded yet (``data`` is then empty): the importer validates
    # the text itself, which Pydantic parses and checks in one pass, faster than json.loads and
    # then validating the dict. ``decode`` gives the fields the reader's way, errors included,
    # for a record that fails validation or has to be written out as rejected.
    json_text: str | None = None
    decode: Callable[[], dict[str, Any]] | None = None

    def decoded(self) -> RawRecord:
        """This record with its fields in ``data`` (a JSON line's decoded now, once)."""
        if self.decode is None:
            return self
        return replace(self, data=self.decode(), json_text=None, decode=None)


def decode_utf8(data: bytes, *, name: str) -> str:
    """The file's text; a UTF-8 BOM is dropped, any other undecodable byte is located."""
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data.count(b"\n", 0, position) + 1
        raise ImportFormatError(
            f"{name}: not valid UTF-8 at byte {position} (line {line}): {error.reason}"
        ) from None


def parse_json(text: str, *, where: str, line: int = 1, column: int = 1) -> Any:
    """Parse one JSON document; errors name ``where`` and the line and column in the file.

    ``line`` and ``column`` say where ``text`` starts in the file, so a document cut out of a
    larger one (an HTML script block, a JSON Lines line) is still located in the file's terms.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise json_error(error, where=where, line=line, column=column) from None
    except RecursionError:
        raise ImportFormatError(f"{where}: JSON nested too deeply to read") from None


def json_error(
    error: json.JSONDecodeError, *, where: str, line: int = 1, column: int = 1
) -> ImportFormatError:
    """An ImportFormatError locating a JSONDecodeError in file coordinates (1-based)."""
    error_line = line + error.lineno - 1
    error_column = error.colno + (column - 1 if error.lineno == 1 else 0)
    return ImportFormatError(
        f"{where}: invalid JSON at line {error_line}, column {error_column}: {error.msg}"
    )


def json_kind(value: object) -> str:
    """A JSON value's type as a person reading the file would name it, with its article."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def text_value(value: object) -> str | None:
    """A property's text: a string, a JSON-LD ``{"@value": ...}``, or the first of a list.

    Numbers become strings so that validation sees (and rejects) them as text: passed on as
    numbers, pydantic would read a date of ``2020`` as seconds since 1970.
    Blank text counts as absent.
    """
    # An explicit stack, not recursion: hostile documents nest lists thousands deep.
    pending = [value]
    for _ in range(_MAX_STEPS):
        if not pending:
            break
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            pending.append(item.get("@value"))
        elif (text := _scalar_text(item)) is not None:
            return text
    return None


_MAX_STEPS = 100_000


def _scalar_text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def number_value(value: object) -> int | float | None:
    """A rating number; numeric strings such as ``"4"`` are converted, anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    text = text_value(value)
    if text is None:
        return None
    for convert in (int, float):
        try:
            number: int | float = convert(text.strip())
        except ValueError:
            continue
        return number if math.isfinite(number) else None
    return None


_DATE_PREFIX = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")


def read_date(value: object, *, date_only: bool = False) -> tuple[str | None, str | None]:
    """A date property as text to validate, and a note when only its leading date was usable.

    ISO 8601 passes as is (a date-time keeps just its date where the field holds a date). Text
    that starts with YYYY-MM-DD keeps that prefix. Anything else ("10/05/2019": May or October?)
    cannot be read without guessing; it is left out with a note for the import summary, so one
    unreadable optional date does not cost the claim and its verdict.
    """
    raw = text_value(value)
    if raw is None or (_is_iso_date(raw) if date_only else _is_iso_datetime(raw)):
        return raw, None
    match = _DATE_PREFIX.match(raw)
    if match is None:
        return None, f"date {raw!r} is not ISO 8601; left out"
    if _is_iso_datetime(raw):  # a date-time where a date is wanted: nothing worth noting is lost
        return match.group(1), None
    return match.group(1), f"date {raw!r} read as {match.group(1)}"


def _is_iso_datetime(text: str) -> bool:
    # The same test as the schemas' parse_aware_datetime, so what passes here validates there.
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


_BROKEN_WEB_SCHEME = re.compile(r"^\s*(https?):/{0,1}(?!/)", re.IGNORECASE)


def repair_url(url: str) -> str:
    """Restore the slashes of ``https:www.example.org``, a mistake found in real feeds.

    Without this a publisher's mistyped URL would make validation reject the whole claim.
    """
    return _BROKEN_WEB_SCHEME.sub(lambda match: f"{match.group(1)}://", url, count=1)


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when there is something to say: records omit absent fields."""
    if value is not None and value != "" and value != [] and value != {}:
        target[key] = value
