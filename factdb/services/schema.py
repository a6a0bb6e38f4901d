"""The database schema: upgrading, downgrading and checking it with the bundled Alembic scripts."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from factdb.db import is_sqlite, mask_url, schema_change
from factdb.errors import DatabaseError, InvalidInputError, SchemaOutOfDateError
from factdb.resources import migrations_dir

# The newest revision this code is written for. Checked on every command without loading the
# migration scripts; a test keeps it equal to the scripts' head.
SCHEMA_HEAD = "0004"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def script_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(*, engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(*, engine: Engine, revision: str = "head") -> str | None:
    _run(engine, lambda config: command.upgrade(config, revision), revision)
    return current_revision(engine=engine)


def downgrade(*, engine: Engine, revision: str) -> str | None:
    _run(engine, lambda config: command.downgrade(config, revision), revision)
    return current_revision(engine=engine)


def ensure_current(*, engine: Engine, auto_upgrade_sqlite: bool = True) -> None:
    """Make sure the schema is what this code expects before any command touches data.

    A SQLite file is the user's own and is brought up to date without asking; a shared server is
    upgraded only on purpose, by whoever owns its schema.
    """
    revision = current_revision(engine=engine)
    if revision == SCHEMA_HEAD:
        return
    if auto_upgrade_sqlite and is_sqlite(engine.url) and _known(revision):
        upgrade(engine=engine)
        return
    database = mask_url(engine.url.render_as_string(hide_password=False))
    if not _known(revision):
        raise SchemaOutOfDateError(
            f"the database {database} is at schema revision {revision}, which this factdb does not "
            "know: upgrade factdb"
        )
    state = "has no factdb schema yet" if revision is None else f"is at revision {revision}"
    raise SchemaOutOfDateError(
        f"the database {database} {state}; factdb needs {SCHEMA_HEAD}: run `factdb db upgrade`"
    )


def _known(revision: str | None) -> bool:
    if revision is None or revision == SCHEMA_HEAD:
        return True
    return revision in _revision_ids()


def _revision_ids() -> set[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def _run(engine: Engine, operation: Callable[[Config], None], revision: str) -> None:
    try:
        with schema_change(engine) as connection:
            operation(alembic_config(connection))
    except CommandError as error:
        raise InvalidInputError(f"revision {revision!r}: {error}") from None
    except SQLAlchemyError as error:
        raise DatabaseError(f"migration to {revision} failed: {error.__class__.__name__}") from None
