"""Typer's parameter coercion, without Pydantic's schema machinery for plain values.

Typer checks every parameter's value with a Pydantic ``TypeAdapter``, and building the first one
imports Pydantic's schema generator: 50-90 ms, a sixth of a ``match`` or ``show`` process, which
build no Pydantic model of their own. A value as a command line gives it (a string, a decimal
integer or number within its bounds, a choice spelt as listed, a flag, a repeated option of such
values) is converted here exactly as the adapter converts it. Anything else (an out-of-range or
signed number, a misspelt choice, a path, a custom parser) goes to Typer's own adapter, built
only then, so conversions and error messages stay Typer's. ``tests/test_cli_coercion.py`` holds
the two to the same results.

The hook uses Typer's internal coercion classes; if a Typer release moves them, ``install`` does
nothing and Typer coerces every value itself, as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, get_args

if TYPE_CHECKING:
    from typer._click import Command, Context
    from typer._coercion import TypeDescriptor
    from typer.core import _TyperParameter

try:
    from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
    from typer._param_types import coerce_cli_choice
    from typer.core import _TyperParameter as _TyperParameterClass
except ImportError:  # pragma: no cover - a Typer release that reorganised its internals
    HOOKABLE = False
else:
    HOOKABLE = True

UNDECIDED: Any = object()
# Plain decimal spellings only: Pydantic also takes signs, spaces, underscores and exponents,
# which are left to it. Python's re ``[0-9]`` matches ASCII digits only.
_INTEGER = re.compile(r"(?:0|[1-9][0-9]{0,17})\Z")
_NUMBER = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?\Z")


def plain_value(descriptor: TypeDescriptor, value: Any, ctx: Context | None) -> Any:
    """The value as Typer's adapter would convert it, or ``UNDECIDED`` to let the adapter."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.is_tuple:
        return UNDECIDED
    if descriptor.is_list:
        return _plain_items(descriptor, value, ctx)
    if descriptor.is_file or descriptor.is_path:
        return UNDECIDED
    choices = descriptor.choices
    if choices is not None:
        try:
            return coerce_cli_choice(
                value, choices=choices, case_sensitive=descriptor.case_sensitive, ctx=ctx
            )
        except ValueError:
            return UNDECIDED
    annotation = descriptor.annotation
    if annotation is str or annotation is bool:
        return value if type(value) is annotation else UNDECIDED
    if annotation is int:
        number: int | float | None = _integer(value)
    elif annotation is float:
        number = _float(value)
    else:
        return UNDECIDED
    if number is None or not _within(number, info.min, info.max):
        return UNDECIDED
    return number


def _plain_items(descriptor: TypeDescriptor, value: Any, ctx: Context | None) -> Any:
    """A repeated option's values (a list, as Typer gives them), when every one is plain."""
    if not isinstance(value, (list, tuple)):
        return UNDECIDED
    (item_annotation,) = get_args(descriptor.annotation)
    item = resolve_type_descriptor(item_annotation, descriptor.parameter_info)
    converted = [plain_value(item, one, ctx) for one in value]
    return UNDECIDED if any(one is UNDECIDED for one in converted) else converted


def _integer(value: Any) -> int | None:
    if type(value) is int:
        return value
    if type(value) is str and _INTEGER.match(value):
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is str and _NUMBER.match(value):
        return float(value)
    return None


def _within(number: float, low: float | None, high: float | None) -> bool:
    # Out of bounds, Typer either clamps or refuses with its own message: left to it.
    return (low is None or number >= low) and (high is None or number <= high)


if HOOKABLE:

    @dataclass(frozen=True)
    class PlainValueParam(RuntimeParam):
        """Converts plain values itself and hands the rest to Typer's own coercion."""

        descriptor: TypeDescriptor

        @cached_property
        def typers(self) -> RuntimeParam:
            """Typer's own coercion for this parameter, built the first time a value needs it."""
            return build_runtime_param(self.descriptor)

        def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
            converted = plain_value(self.descriptor, value, ctx)
            if converted is not UNDECIDED:
                return converted
            return self.typers._coerce_value(value, param=param, ctx=ctx)


def install(command: Command, help_option_names: Sequence[str]) -> None:
    """Give every parameter of the command tree the plain-value coercion.

    The help options too: Click makes each command's on first use, and Typer builds its adapter
    even for the absent value, so they are made here, with the names the context will give.
    """
    if not HOOKABLE:  # pragma: no cover - see the module's docstring
        return
    command.get_help_option(_HelpNames(list(help_option_names)))  # type: ignore[arg-type]
    for param in [*command.params, getattr(command, "_help_option", None)]:
        if isinstance(param, _TyperParameterClass) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = PlainValueParam(
                parameter_info=descriptor.parameter_info,
                annotation=descriptor.annotation,
                descriptor=descriptor,
            )
    for subcommand in getattr(command, "commands", {}).values():
        install(subcommand, help_option_names)


@dataclass(frozen=True)
class _HelpNames:
    """What ``Command.get_help_option`` reads of a context."""

    help_option_names: list[str]
