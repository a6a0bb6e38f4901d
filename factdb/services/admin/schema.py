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

from factdb.db import schema_change
from factdb.errors import DatabaseError, InvalidInputError
from factdb.resources import migrations_dir
from factdb.services.admin.schema_check import SCHEMA_HEAD as SCHEMA_HEAD


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


def known_revision(revision: str | None) -> bool:
    """Whether the revision is one of the scripts' (or none: an empty database)."""
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
