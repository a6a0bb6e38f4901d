"""The database schema: is it current, and upgrading or downgrading it with the bundled scripts.

Every command asks whether the schema is current first, so that answer stays cheap: the head is
read from the revision files' own ``revision``/``down_revision`` lines and the database is asked
one or two small queries. Alembic (and its migration scripts) load only when something has to
change or a command asks for Alembic's view.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from factdb.db import is_sqlite, mask_url, schema_change
from factdb.errors import Action, DatabaseError, Hint, InvalidInputError, SchemaOutOfDateError
from factdb.resources import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

_TABLE_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master "
    "WHERE type = 'table' AND name = 'alembic_version'",
    "postgresql": "SELECT count(*) FROM pg_catalog.pg_tables "
    "WHERE tablename = 'alembic_version' AND schemaname = current_schema()",
}
_REVISION_LINE = re.compile(
    r"^(?P<key>revision|down_revision)\s*(?::[^=]*)?=\s*(?P<value>None|['\"][^'\"]+['\"])",
    re.MULTILINE,
)


@functools.cache
def revision_graph(versions: Path | None = None) -> dict[str, str | None]:
    """Each revision of the bundled scripts and the one it follows (None for the first)."""
    graph: dict[str, str | None] = {}
    for script in sorted((versions or migrations_dir() / "versions").glob("*.py")):
        found = {
            match["key"]: match["value"]
            for match in _REVISION_LINE.finditer(script.read_text(encoding="utf-8"))
        }
        if "revision" not in found:
            continue
        parent = found.get("down_revision", "None")
        graph[found["revision"].strip("'\"")] = None if parent == "None" else parent.strip("'\"")
    return graph


def schema_head(versions: Path | None = None) -> str:
    """The newest revision: the one no other revision follows."""
    graph = revision_graph(versions)
    followed = set(graph.values())
    heads = sorted(revision for revision in graph if revision not in followed)
    if len(heads) != 1:
        raise DatabaseError(f"the bundled migrations have {len(heads)} heads: {heads}")
    return heads[0]


def stored_revision(*, engine: Engine) -> str | None:
    """The revision recorded in the database, or None for a database without factdb's schema."""
    with engine.connect() as connection:
        probe = _TABLE_EXISTS.get(connection.dialect.name)
        if probe is not None and not connection.exec_driver_sql(probe).scalar():
            return None
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return None if version is None else str(version)


def ensure_current(*, engine: Engine, auto_upgrade_sqlite: bool = True) -> None:
    """Make sure the schema is what this code expects before any command touches data.

    A SQLite file is the user's own and is brought up to date without asking; a shared server is
    upgraded only on purpose, by whoever owns its schema.
    """
    revision = stored_revision(engine=engine)
    head = schema_head()
    if revision == head:
        return
    if auto_upgrade_sqlite and is_sqlite(engine.url) and known_revision(revision):
        upgrade(engine=engine)
        return
    database = mask_url(engine.url.render_as_string(hide_password=False))
    if not known_revision(revision):
        raise SchemaOutOfDateError(
            f"the database {database} is at schema revision {revision}, which this factdb does not "
            "know: upgrade factdb"
        )
    state = "has no factdb schema yet" if revision is None else f"is at revision {revision}"
    raise SchemaOutOfDateError(
        f"the database {database} {state}; factdb needs {head}",
        hints=[Hint(Action.UPGRADE_SCHEMA)],
    )


def known_revision(revision: str | None) -> bool:
    """Whether the revision is one of the scripts' (or none: an empty database)."""
    return revision is None or revision in revision_graph()


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    # Alembic's default output stream is sys.stdout as it was when alembic.config was first
    # imported (that module loads lazily here, maybe inside a redirected call): use today's.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def script_head() -> str | None:
    """The head as Alembic reads it from the scripts (a test keeps it equal to schema_head)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(*, engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(*, engine: Engine, revision: str = "head") -> str | None:
    from alembic import command

    _run(engine, lambda config: command.upgrade(config, revision), revision)
    return current_revision(engine=engine)


def downgrade(*, engine: Engine, revision: str) -> str | None:
    from alembic import command

    _run(engine, lambda config: command.downgrade(config, revision), revision)
    return current_revision(engine=engine)


def _run(engine: Engine, operation: Callable[[Config], None], revision: str) -> None:
    from alembic.util import CommandError

    try:
        with schema_change(engine) as connection:
            operation(alembic_config(connection))
    except CommandError as error:
        raise InvalidInputError(f"revision {revision!r}: {error}") from None
    except SQLAlchemyError as error:
        raise DatabaseError(f"migration to {revision} failed: {error.__class__.__name__}") from None
