"""The ``factdb`` command: global options and the command tree."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Annotated, Any

import typer

from factdb import __version__
from factdb.cli.context import startup_gc, state
from factdb.cli.errors import FactdbGroup

APP_SETTINGS: dict[str, Any] = {
    "cls": FactdbGroup,
    "name": "factdb",
    "help": "A fact-checking claims database: record claims with exact source attribution, "
    "verify them with evidence, export reports.",
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
COMPLETION_VARIABLE = "_FACTDB_COMPLETE"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"factdb {__version__}")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="FACTDB_DB",
            metavar="PATH_OR_URL",
            help="Database: a SQLite file path or a postgresql:// URL "
            "(default: factdb.sqlite3 in the user data directory).",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Global options, given before the command."""
    app_state = state(ctx)
    app_state.database = db
    ctx.call_on_close(app_state.close)


# Top-level commands and command groups, in the order ``factdb --help`` lists them: the module
# and name of each, imported only when the command is built (``show`` loads no importer).
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("claims", "add"),
    "verify": ("claims", "verify"),
    "list": ("claims", "list_claims"),
    "show": ("claims", "show"),
    "history": ("claims", "history"),
    "edit": ("claims", "edit"),
    "delete": ("claims", "delete"),
    "restore": ("claims", "restore"),
    "export": ("interchange", "export"),
    "import": ("interchange", "import_files"),
    "relabel": ("relabel", "relabel"),
    "report": ("report", "report"),
    "search": ("discovery", "search"),
    "match": ("discovery", "match"),
    "index": ("discovery", "index"),
    "dedupe": ("discovery", "dedupe"),
    "stats": ("discovery", "stats"),
    "extract": ("extraction", "extract"),
    "appearance": ("claims", "appearance_app"),
    "source": ("sources", "sources_app"),
    "seed": ("database", "seed"),
    "info": ("database", "info"),
    "backup": ("database", "backup"),
    "db": ("database", "db_app"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command tree; with ``only``, just that command under the global options."""
    application = typer.Typer(**APP_SETTINGS)
    application.callback()(main_options)
    for name, (module, attribute) in COMMANDS.items():
        if only is not None and name != only:
            continue
        command: Callable[..., Any] | typer.Typer = getattr(
            import_module(f"factdb.cli.commands.{module}"), attribute
        )
        if isinstance(command, typer.Typer):
            application.add_typer(command, name=name)
        else:
            application.command(name)(command)
    return application


def __getattr__(name: str) -> typer.Typer:
    # The whole tree, built on first use (the entry point builds only the command it runs).
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # Tools that look for the application by name (``typer factdb.cli.app utils docs``) see it.
    return sorted({*globals(), "app"})


def requested_command(args: Sequence[str]) -> str | None:
    """The command a command line runs, when it names one plainly (else None: build them all)."""
    remaining = iter(args)
    for arg in remaining:
        if arg == "--db":
            next(remaining, None)
        elif arg.startswith("--db="):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in COMMANDS else None
    return None


def main() -> None:
    # Typer inspects every command's signature when it builds the tree; a command line that names
    # one command builds only that one, which keeps short commands such as ``show`` quick.
    # Help, completion and unknown names get the whole tree, which they need.
    wanted = None if COMPLETION_VARIABLE in os.environ else requested_command(sys.argv[1:])
    # Pydantic would otherwise scan every installed package's metadata for plugins when the
    # first model is built; factdb's validation has no use for them (set it to opt back in).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    with startup_gc():
        build_app(wanted)()
