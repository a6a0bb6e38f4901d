"""Running the ``factdb`` command in-process, as a user would type it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from typer.testing import CliRunner, Result

from factdb.cli.app import app

CliRun = Callable[..., Result]


def make_cli(db_url: str | None) -> CliRun:
    """``factdb --db <db_url> ARGS…`` (no ``--db`` when None), returning Typer's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        prefix: Sequence[str] = ("--db", db_url) if db_url is not None else ()
        return runner.invoke(app, [*prefix, *args], input=input, env=env)

    return run
