"""Alembic environment for factdb: one script set for SQLite and PostgreSQL.

factdb hands in an open connection (``config.attributes["connection"]``) so a migration runs
inside the caller's transaction; the ``alembic`` command line gets its database from FACTDB_DB.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from factdb.config import resolve_database_url
from factdb.db import create_db_engine, schema_change
from factdb.models import Base, UTCDateTime, is_search_object

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Revisions must not import factdb's models, which change after the revision is released:
    # the UTC type is rendered as the plain column type it stores.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return name is None or not is_search_object(name)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can alter tables only by copying them; batch mode does that transparently.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=resolve_database_url(config.get_main_option("sqlalchemy.url")),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(resolve_database_url(config.get_main_option("sqlalchemy.url")))
    with schema_change(engine) as owned_connection:
        _configure(owned_connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
