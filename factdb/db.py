"""Engines and transactions: the lowest layer, knowing nothing of the models.

SQLite gets foreign keys, WAL and a busy timeout on every connection, and explicit ``BEGIN`` so
that a unit of work (DDL included) is one real transaction; PostgreSQL uses psycopg 3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from factdb.errors import InvalidInputError

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "factdb_write"
# factdb's write transactions say so to the database, whose triggers then leave the history to
# factdb (which records richer entries) and record only changes made by anyone else. PostgreSQL:
# a transaction-local setting; SQLite, which has no session variables a trigger can read: the
# file's user_version, set inside the transaction and reset before it commits (migration 0008).
POSTGRES_WRITER_SETTING = "SELECT set_config('factdb.writer', 'on', true)"
SQLITE_WRITER_MARK = 1717658484


def parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise InvalidInputError(f"malformed database URL: {mask_url(url)}") from None


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        scheme, sep, rest = url.partition("://")
        if not sep or "@" not in rest:
            return url
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"


def is_sqlite(url: str | URL) -> bool:
    parsed = url if isinstance(url, URL) else parse_url(url)
    return parsed.get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def create_db_engine(url: str) -> Engine:
    parsed = parse_url(url)
    if is_sqlite(parsed):
        path = sqlite_path(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(parsed, pool_pre_ping=True)
    _configure_postgres(engine)
    return engine


def _is_write(connection: Connection) -> bool:
    return bool(connection.get_execution_options().get(WRITE_OPTION, False))


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _is_write(connection):
            connection.exec_driver_sql(POSTGRES_WRITER_SETTING)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below own transactions instead of the driver's
        # implicit ones, which start late and leave DDL outside the transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # Switching to WAL writes to the file: only when it is not WAL yet, so that a read-only
        # file (or one in a read-only folder) can still be read.
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if journal_mode is None or str(journal_mode[0]).lower() != "wal":
            _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write takes the write lock when it begins (IMMEDIATE), waiting up to the busy
        # timeout for it; a deferred transaction that upgrades later can fail at once instead.
        immediate = _is_write(connection)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        if immediate:
            _sqlite_pragma(connection, f"PRAGMA user_version = {SQLITE_WRITER_MARK}")

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Connection) -> None:
        # Runs just before the COMMIT: the mark never outlives factdb's own transaction.
        if _is_write(connection):
            _sqlite_pragma(connection, "PRAGMA user_version = 0")


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as error:
        # A database we may only read keeps its journal mode; the write will say so if any.
        if "readonly" not in str(error).replace("-", "").lower():
            raise


@contextmanager
def schema_change(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for changing the schema.

    SQLite alters a table by copying it and dropping the original; with foreign keys enforced,
    dropping a table that other rows reference would fail or cascade. So enforcement is paused
    for the change (the pragma only takes effect outside a transaction) and the references are
    checked before committing instead. On SQLite the change takes the write lock when it begins,
    so processes that all find a new file unmigrated upgrade it one after the other (the later
    ones then find nothing to do) instead of failing.
    """
    with writer(engine).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise InvalidInputError(
                            f"the schema change would break {len(broken)} references; rolled back"
                        )
        finally:
            if sqlite:
                _sqlite_pragma(connection, "PRAGMA foreign_keys = ON")


def _sqlite_pragma(connection: Connection, statement: str) -> None:
    # Straight to the driver: through SQLAlchemy the statement would open a transaction first.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def writer(engine: Engine) -> Engine:
    """The engine, marked so that its transactions begin as writes."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commits when the block ends normally, rolls everything back otherwise."""
    bind = writer(engine) if write else engine
    with session_factory(bind)() as session, session.begin():
        yield session
