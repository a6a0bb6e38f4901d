"""Option values converted without Pydantic give exactly what Typer's own adapters give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter
from typer.main import get_command

from factdb.cli.app import build_app
from factdb.cli.coercion import UNDECIDED, PlainValueParam, install, plain_value
from tests.helpers.cli import modules_loaded

HELP_NAMES = ["-h", "--help"]


def _installed_tree() -> Any:
    command = get_command(build_app())
    install(command, HELP_NAMES)
    return command


def _parameters(command: Any) -> list[tuple[Any, _TyperParameter]]:
    found = [(command, param) for param in command.params if isinstance(param, _TyperParameter)]
    for subcommand in getattr(command, "commands", {}).values():
        found.extend(_parameters(subcommand))
    return found


TREE = _installed_tree()
PARAMETERS = _parameters(TREE)
# One parameter of each kind the commands declare (annotation, bounds, choices).
KINDS = list(
    {
        (
            repr(param.type_descriptor.annotation),
            param.type_descriptor.parameter_info.min,
            param.type_descriptor.parameter_info.max,
            param.type_descriptor.parameter_info.clamp,
        ): (command, param)
        for command, param in PARAMETERS
    }.values()
)

# What a command line or a default can hand over: digits, decimals, signs, spaces, exponents,
# underscores, other scripts' digits, words, choices in other cases, and Python values.
_WORDS = st.sampled_from(
    ["table", "TABLE", "json", "Json", "jsonl", "csv", "markdown", "html", "true", "false", "-"]
)
_SPELLED = st.text(alphabet="0123456789.-+_ eE٣x", max_size=12)
VALUES = st.one_of(
    _SPELLED,
    _WORDS,
    st.text(max_size=8),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
# A repeated option's values arrive together (Typer gives a tuple, or a list).
ANY_VALUES = st.one_of(
    VALUES,
    st.lists(VALUES, max_size=3).map(tuple),
    st.lists(st.one_of(_SPELLED, _WORDS), max_size=3),
)


def _typer_result(command: Any, param: _TyperParameter, value: Any) -> tuple[str, Any]:
    ctx = Context(command)
    try:
        converted = build_runtime_param(param.type_descriptor)._coerce_value(
            value, param=param, ctx=ctx
        )
    except (typer.BadParameter, ValueError) as error:
        return "refused", str(error)
    return "converted", converted


@pytest.mark.parametrize(("command", "param"), KINDS, ids=[f"{c.name}-{p.name}" for c, p in KINDS])
@settings(max_examples=150, deadline=None)
@given(value=ANY_VALUES)
def test_a_plain_value_is_converted_as_typer_converts_it(
    command: Any, param: _TyperParameter, value: Any
) -> None:
    plain = plain_value(param.type_descriptor, value, Context(command))
    if plain is UNDECIDED:
        return
    outcome, converted = _typer_result(command, param, value)
    assert outcome == "converted", (value, converted)
    assert type(plain) is type(converted)
    assert plain == converted


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5), ("100", 100), (7, 7)],
)
def test_plain_integers_within_bounds_are_converted_here(value: Any, expected: int) -> None:
    limit = _named("match", "limit")
    assert plain_value(limit.type_descriptor, value, None) == expected


def test_repeated_plain_values_are_converted_here() -> None:
    evidence = _named("verify", "evidence")
    assert evidence.multiple
    descriptor = evidence.type_descriptor
    assert plain_value(descriptor, (), None) == []
    assert plain_value(descriptor, ("https://a.example", "b"), None) == ["https://a.example", "b"]
    assert plain_value(descriptor, "https://a.example", None) is UNDECIDED


@pytest.mark.parametrize("value", ["0", "101", "-1", " 5", "5.0", "1e2", "1_0", "٣", True])
def test_anything_else_is_left_to_typer(value: Any) -> None:
    limit = _named("match", "limit")
    assert plain_value(limit.type_descriptor, value, None) is UNDECIDED


def test_every_parameter_and_help_option_is_covered() -> None:
    assert any(param.multiple for _, param in PARAMETERS)
    for command, param in PARAMETERS:
        assert isinstance(param._runtime_param, PlainValueParam), (command.name, param.name)
    commands = {id(command): command for command, _ in PARAMETERS}.values()
    assert len(commands) > len(build_app().registered_commands)
    for command in commands:
        assert isinstance(command._help_option._runtime_param, PlainValueParam), command.name


def test_refusals_keep_typer_s_wording(cli: Any) -> None:
    result = cli("match", "the sea", "--limit", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--limit'" in result.stderr
    assert "greater than or equal to 1" in result.stderr
    result = cli("match", "the sea", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'table', 'json', 'jsonl'" in result.stderr


def test_match_builds_no_pydantic_schema(tmp_path: Path) -> None:
    # Nothing in `match` needs a Pydantic model: with option values converted here, its
    # process never imports the schema generator (50-90 ms of a start).
    output, loaded = modules_loaded(
        tmp_path / "factdb.sqlite3",
        ["db", "upgrade"],
        ["add", "The sea is rising.", "--source", "https://example.com/a"],
        command=["match", "the sea rises", "--limit", "3", "--format", "json"],
    )
    assert "The sea is rising." in output
    assert "factdb.cli.commands.discovery" in loaded
    assert "pydantic._internal._generate_schema" not in loaded


def _named(command_name: str, param_name: str) -> _TyperParameter:
    for command, param in PARAMETERS:
        if command.name == command_name and param.name == param_name:
            return param
    raise LookupError(param_name)
