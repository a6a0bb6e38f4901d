"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter

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
DeletedOption = Annotated[
    bool, typer.Option("--include-deleted", help="Include soft-deleted claims.")
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw", help="CSV: keep cells starting with = + - @ as they are (no formula escaping)."
    ),
]


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


class TableOrJson(StrEnum):
    TABLE = "table"
    JSON = "json"


class DetailFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def claim_filter(
    *,
    status: str | None,
    claimant: str | None,
    source: str | None,
    tag: str | None,
    since: str | None,
    limit: int | None,
    include_deleted: bool = False,
) -> ClaimFilter:
    """The filter options as a validated ``ClaimFilter``; options not given select everything."""
    from factdb.schemas.claims import ClaimFilter

    given = {
        "status": status,
        "claimant": claimant,
        "source": source,
        "tag": tag,
        "since": since,
        "limit": limit,
        "include_deleted": include_deleted,
    }
    return ClaimFilter.model_validate(
        {key: value for key, value in given.items() if value is not None}
    )
