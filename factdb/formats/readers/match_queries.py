"""Queries for ``factdb match --queries``: one per line, plain text or a JSON object.

A line that starts with ``{`` is a JSON object with ``text`` (and optionally ``id``, a string or
a number); any other line is the query itself and its id is its line number. Blank lines are
skipped. Lines are read as they come, so a stream of posts is answered as it arrives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from factdb.errors import InvalidInputError

MAX_QUERY_LENGTH = 20_000


@dataclass(frozen=True)
class MatchQuery:
    query_id: str | int
    text: str


def read_queries(lines: Iterable[str], *, name: str = "queries") -> Iterator[MatchQuery]:
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        query = _from_json(stripped, name, number) if stripped.startswith("{") else None
        query = query or MatchQuery(query_id=number, text=stripped)
        if len(query.text) > MAX_QUERY_LENGTH:
            raise InvalidInputError(
                f"{name}: line {number}: a query is at most {MAX_QUERY_LENGTH} characters"
            )
        yield query


def _from_json(line: str, name: str, number: int) -> MatchQuery:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{name}: line {number}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{name}: line {number}: expected a JSON object")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f'{name}: line {number}: the object needs a non-empty "text"')
    query_id = data.get("id", number)
    if isinstance(query_id, bool) or not isinstance(query_id, str | int):
        raise InvalidInputError(f'{name}: line {number}: "id" must be a string or a number')
    return MatchQuery(query_id=query_id, text=text.strip())
