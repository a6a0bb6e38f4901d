"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

StatusFilter = Annotated[
    str | None,
    typer.Option("--status", help="Only claims with this status (e.g. false, mostly_true)."),
]
ClaimantFilter = Annotated[
    str | None, typer.Option("--claimant", help="Only claims by this claimant (any case).")
]
SourceFilter = Annotated[
    str | None, typer.Option("--source", help="Only claims that appear in this source (id or URL).")
]
TagFilter = Annotated[str | None, typer.Option("--tag", help="Only claims with this tag.")]
SinceFilter = Annotated[
    str | None,
    typer.Option("--since", help="Only claims recorded on or after this ISO date or time (UTC)."),
]
LimitOption = Annotated[int | None, typer.Option("--limit", help="At most this many claims.")]


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


class DetailFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def claim_filter_fields(
    *,
    status: str | None,
    claimant: str | None,
    source: str | None,
    tag: str | None,
    since: str | None,
    limit: int | None,
) -> dict[str, object]:
    """The given filter options, for ``ClaimFilter.model_validate`` to check."""
    fields = {
        "status": status,
        "claimant": claimant,
        "source": source,
        "tag": tag,
        "since": since,
        "limit": limit,
    }
    return {name: value for name, value in fields.items() if value is not None}
