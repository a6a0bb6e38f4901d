"""The ``factdb`` command: global options and the command tree."""

from __future__ import annotations

from typing import Annotated

import typer

from factdb import __version__
from factdb.cli import claims, database, discovery, extraction, interchange, sources
from factdb.cli.context import state
from factdb.cli.errors import FactdbGroup

app = typer.Typer(
    cls=FactdbGroup,
    name="factdb",
    help="A fact-checking claims database: record claims with exact source attribution, "
    "verify them with evidence, export reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"factdb {__version__}")
        raise typer.Exit()


@app.callback()
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


app.command("add")(claims.add)
app.command("verify")(claims.verify)
app.command("list")(claims.list_claims)
app.command("show")(claims.show)
app.command("history")(claims.history)
app.command("edit")(claims.edit)
app.command("delete")(claims.delete)
app.command("restore")(claims.restore)
app.command("export")(interchange.export)
app.command("import")(interchange.import_files)
app.command("search")(discovery.search)
app.command("match")(discovery.match)
app.command("dedupe")(discovery.dedupe)
app.command("stats")(discovery.stats)
app.command("extract")(extraction.extract)
app.add_typer(claims.appearance_app, name="appearance")
app.add_typer(sources.sources_app, name="source")
app.command("seed")(database.seed)
app.command("info")(database.info)
app.command("backup")(database.backup)
app.add_typer(database.db_app, name="db")


def main() -> None:
    app()
