"""Is the database at the schema this code needs? Answered without loading Alembic.

Every command asks this first, so it stays cheap: one or two small queries. Alembic (and its
migration scripts) load only when something has to change.
"""

from __future__ import annotations

from sqlalchemy import Engine

from factdb.db import is_sqlite, mask_url
from factdb.errors import SchemaOutOfDateError

# The newest revision this code is written for; a test keeps it equal to the scripts' head.
SCHEMA_HEAD = "0011"

_TABLE_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master "
    "WHERE type = 'table' AND name = 'alembic_version'",
    "postgresql": "SELECT count(*) FROM pg_catalog.pg_tables "
    "WHERE tablename = 'alembic_version' AND schemaname = current_schema()",
}


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
    if revision == SCHEMA_HEAD:
        return
    from factdb.services.admin.schema import known_revision, upgrade

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
        f"the database {database} {state}; factdb needs {SCHEMA_HEAD}: run `factdb db upgrade`"
    )
