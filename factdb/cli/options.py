"""Options shared by several commands, declared once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter

R = TypeVar("R")

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


# The filter options, in the order the commands show them, with their defaults.
_FILTER_OPTIONS: dict[str, tuple[Any, object]] = {
    "status": (StatusFilter, None),
    "claimant": (ClaimantFilter, None),
    "source": (SourceFilter, None),
    "tag": (TagFilter, None),
    "since": (SinceFilter, None),
    "limit": (LimitOption, None),
    "include_deleted": (DeletedOption, False),
}
SELECTION = "selection"
# What a decorated command declares as ``selection``'s default: the decorator always passes it.
FROM_OPTIONS: Any = inspect.Parameter.empty


def claim_filter_options(
    *, limit: bool = True, deleted: bool = True
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give a command the claim filter options where its ``selection`` parameter stands.

    The command receives them as one validated ``ClaimFilter`` (``selection``), so the options
    and the filter they make are written once for every command that selects claims. Without
    ``limit`` or ``deleted`` the command does not offer ``--limit`` (it has its own) or
    ``--include-deleted``.
    """
    names = [
        name
        for name in _FILTER_OPTIONS
        if (limit or name != "limit") and (deleted or name != "include_deleted")
    ]
    options = [
        inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation
        )
        for name, (annotation, default) in ((name, _FILTER_OPTIONS[name]) for name in names)
    ]

    def decorate(command: Callable[..., R]) -> Callable[..., R]:
        own = inspect.signature(command).parameters
        if SELECTION not in own:
            raise TypeError(f"{command.__name__} has no {SELECTION!r} parameter to replace")
        parameters: list[inspect.Parameter] = []
        for name, parameter in own.items():
            if name == SELECTION:
                parameters.extend(options)
            else:
                # Typer reads the annotations; the command's module resolves its own names.
                annotation = _resolved(command, parameter.annotation)
                parameters.append(parameter.replace(annotation=annotation))

        @functools.wraps(command)
        def run(**given: Any) -> R:
            chosen = {name: given.pop(name) for name in names}
            return command(**given, selection=claim_filter(**chosen))

        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return run

    return decorate


def _resolved(command: Callable[..., Any], annotation: Any) -> Any:
    """An annotation postponed as text, evaluated as ``typing.get_type_hints`` would: in the
    command's own module (one annotation at a time: ``selection``'s type is not imported at
    run time, to keep start-up short)."""
    if isinstance(annotation, str):
        return eval(annotation, command.__globals__)
    return annotation


def claim_filter(
    *,
    status: str | None = None,
    claimant: str | None = None,
    source: str | None = None,
    tag: str | None = None,
    since: str | None = None,
    limit: int | None = None,
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
