"""Test databases: the PostgreSQL server each test gets a database on, and fresh databases.

PostgreSQL tests need a server (``FACTDB_TEST_POSTGRES_URL``, default: the local one).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from factdb.db import create_db_engine
from factdb.models import (
    Appearance,
    Base,
    Claim,
    Claimant,
    ClaimTag,
    Evidence,
    ExternalId,
    HistoryEntry,
    Review,
    Source,
)

POSTGRES_URL_ENV = "FACTDB_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "FACTDB_REQUIRE_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DIALECTS = ("sqlite", "postgresql")


def admin_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL is not reachable ({first_line})"
    return None


@dataclass
class PostgresServer:
    admin: Engine
    template: str | None = None

    def create_database(self, *, migrated: bool) -> str:
        name = f"factdb_test_{uuid.uuid4().hex[:16]}"
        template = f" TEMPLATE {self.template}" if migrated and self.template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{template}"))
        return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def fresh_url(
    request: pytest.FixtureRequest, dialect: str, folder: Path, migrated: bool
) -> Iterator[str]:
    """A new database of the dialect (SQLite: a file in ``folder``), dropped afterwards."""
    if dialect == "sqlite":
        database = folder / "factdb-test.sqlite3"
        if migrated:
            template: Path = request.getfixturevalue("sqlite_template")
            shutil.copyfile(template, database)
        yield f"sqlite:///{database}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=migrated)
    yield url
    server.drop_database(url)


COUNTED_MODELS: tuple[type[Base], ...] = (
    Source,
    Claimant,
    Claim,
    ClaimTag,
    Appearance,
    Review,
    Evidence,
    ExternalId,
    HistoryEntry,
)


def row_counts(url: str) -> dict[str, int]:
    """How many rows each table holds: the witness that a failed command changed nothing."""
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in COUNTED_MODELS
            }
    finally:
        engine.dispose()
