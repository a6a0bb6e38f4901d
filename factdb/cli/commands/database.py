"""Commands on the database itself: db upgrade/downgrade/current, info, seed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factdb.cli.context import state, unit_of_work
from factdb.cli.options import DetailFormat

db_app = typer.Typer(
    help="Manage the database schema (Alembic migrations).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the schema to a revision (default: the newest)."""
    from factdb.services.admin.schema import upgrade

    current = upgrade(engine=state(ctx).engine(check_schema=False), revision=revision)
    typer.echo(f"schema at revision {current}")


@db_app.command("downgrade")
def db_downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes everything.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Downgrade the schema to an older revision. Data in dropped tables is lost."""
    from factdb.db import mask_url
    from factdb.services.admin.schema import downgrade

    app_state = state(ctx)
    if not yes:
        typer.confirm(
            f"Downgrade {mask_url(app_state.url)} to {revision}? Data may be lost", abort=True
        )
    current = downgrade(engine=app_state.engine(check_schema=False), revision=revision)
    typer.echo(f"schema at revision {current or 'base (empty)'}")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Print the schema revision of the database."""
    from factdb.services.admin.schema import current_revision, schema_head

    revision = current_revision(engine=state(ctx).engine(check_schema=False))
    head = schema_head()
    suffix = " (head)" if revision == head else f" (factdb needs {head})"
    typer.echo(f"{revision or 'base (empty)'}{suffix}")


def info(
    ctx: typer.Context,
    output_format: Annotated[
        DetailFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DetailFormat.TEXT,
) -> None:
    """Show the database in use (password masked), its schema revision and counts."""
    from factdb.cli.render import info_text
    from factdb.services.admin.info import database_info

    with unit_of_work(ctx, write=False) as session:
        details = database_info(session=session)
    if output_format is DetailFormat.JSON:
        typer.echo(details.model_dump_json(indent=2))
    else:
        typer.echo(info_text(details))


def seed(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A seeds folder (default: the seeds shipped with factdb).", file_okay=False
        ),
    ] = None,
) -> None:
    """Load the seed sources and claims; running it again adds nothing."""
    from factdb.config import current_actor
    from factdb.resources import seeds_dir
    from factdb.services.ingest.seeding import seed as load_seeds

    with unit_of_work(ctx) as session:
        summary = load_seeds(
            session=session, seeds_path=path or seeds_dir(), actor=f"{current_actor()} (seed)"
        )
    typer.echo(
        f"seeded {summary.claims_created} new claims ({summary.claims_present} already present) "
        f"from {summary.sources_created + summary.sources_present} sources"
    )


def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="The backup file to write.", dir_okay=False)],
    overwrite: Annotated[bool, typer.Option(help="Replace the file if it exists.")] = False,
) -> None:
    """Make a consistent copy of a SQLite database, even while others write to it."""
    from factdb.services.admin.maintenance import backup_sqlite

    result = backup_sqlite(engine=state(ctx).engine(), target=target, overwrite=overwrite)
    typer.echo(f"backed up to {result.path} ({result.bytes:,} bytes)")
