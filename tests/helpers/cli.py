"""Running the ``factdb`` command in-process, as a user would type it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from factdb.cli.app import build_app, requested_command

CliRun = Callable[..., Result]


def app_for(args: Sequence[str]) -> typer.Typer:
    """The command tree that ``factdb ARGS…`` runs, as its entry point builds it: only the command
    named, or the whole tree for help and unknown names. Typer turns the tree into a Click command
    on every invocation, and the whole tree cost about 75 ms each time (one command: 17 ms)."""
    return _command_tree(requested_command(args))


@cache
def _command_tree(command: str | None) -> typer.Typer:
    return build_app(command)


def invoke(
    runner: CliRunner,
    args: Sequence[str],
    *,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """``factdb ARGS…`` through ``runner``."""
    return runner.invoke(app_for(args), list(args), input=input, env=env)


def make_cli(db_url: str | None) -> CliRun:
    """``factdb --db <db_url> ARGS…`` (no ``--db`` when None), returning Typer's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        prefix: Sequence[str] = ("--db", db_url) if db_url is not None else ()
        return invoke(runner, [*prefix, *args], input=input, env=env)

    return run


# Runs ``factdb`` in a fresh interpreter and prints, on stderr, every module it loaded.
_MODULES_PROBE = (
    "import sys\n"
    "from factdb.cli.app import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
)


def modules_loaded(
    database: Path, *setup: Sequence[str], command: Sequence[str]
) -> tuple[str, set[str]]:
    """``factdb --db DATABASE COMMAND…`` in a new process (after each setup command line): its
    standard output and the modules it loaded."""
    import subprocess
    import sys

    prefix = [sys.executable, "-c", _MODULES_PROBE, "--db", str(database)]
    for args in setup:
        subprocess.run([*prefix, *args], check=True, capture_output=True)
    result = subprocess.run([*prefix, *command], capture_output=True, text=True, check=True)
    return result.stdout, set(result.stderr.split())
