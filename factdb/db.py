"""Engines and transactions: the lowest layer, knowing nothing of the models.

SQLite gets foreign keys, WAL and a busy timeout on every connection, and explicit ``BEGIN`` so
that a unit of work (DDL included) is one real transaction; PostgreSQL uses psycopg 3.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Engine,
    TypeDecorator,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from factdb.errors import DatabaseError, InvalidInputError

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "factdb_write"
# factdb's write transactions say so to the database, whose triggers then leave the history to
# factdb (which records richer entries) and record only changes made by anyone else. PostgreSQL:
# a transaction-local setting; SQLite, which has no session variables a trigger can read: the
# file's user_version, set inside the transaction and reset before it commits (migration 0008).
POSTGRES_WRITER_SETTING = "SELECT set_config('factdb.writer', 'on', true)"
SQLITE_WRITER_MARK = 1717658484


# Here rather than in the models, so that plain-SQL readers (``show``) type their columns
# without building the ORM's mapped classes; ``factdb.models`` re-exports it.
class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC on every dialect.

    SQLite has no timezone type and hands back naive values; this keeps the UTC guarantee in one
    place instead of in every query.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware value")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError):
        raise InvalidInputError(f"malformed database URL: {mask_url(url)}") from None
    if _credentials(url).count("@"):
        raise InvalidInputError(
            f"malformed database URL: {mask_url(url)} (write an '@' in the user name or "
            "password as %40)"
        )
    if port is not None and not 0 < port < 65536:
        raise InvalidInputError(f"database URL {mask_url(url)}: port {port} is not 1-65535")
    return parsed


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``, safe to print or log.

    Done on the text, not on a parse: a raw ``@`` in a password ("u:p@ss@host") must not leave
    part of it behind as the host.
    """
    scheme, sep, rest = url.partition("://")
    credentials = _credentials(url)
    if not sep or not rest.startswith(credentials + "@"):
        return url
    user, colon, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}{rest[len(credentials) :]}"


def _credentials(url: str) -> str:
    """What stands before the host: everything up to the last '@' ahead of the query (a SQLite
    URL has no host, and its path may contain '@')."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower().startswith("sqlite"):
        return ""
    end = rest.partition("?")[0].rfind("@")
    return rest[:end] if end >= 0 else ""


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


def create_db_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for the URL. ``read_only``: a SQLite file is opened read-only and never
    created (a server's database is read like any other; the caller only reads)."""
    parsed = parse_url(url)
    if is_sqlite(parsed):
        path = sqlite_path(parsed)
        read_only_url = _sqlite_read_only_url(path, asked=read_only)
        if path is not None and read_only_url is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            read_only_url or parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, read_only_path=path if read_only_url else None)
        return engine
    engine = create_engine(parsed, pool_pre_ping=True)
    _configure_postgres(engine)
    return engine


def _sqlite_read_only_url(path: Path | None, *, asked: bool) -> URL | None:
    if path is None:
        return None
    if asked:
        return make_url(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true")
    return _read_only_url(path)


def _read_only_url(path: Path) -> URL | None:
    """For a database file this process may only read: a URL that opens it read-only.

    A WAL database is read through its -shm index, which a reader creates when missing; in a
    folder it cannot write, the file is opened as immutable instead (a snapshot: nobody who can
    write it should be writing it then).
    """
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    index_present = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    immutable = "" if os.access(path.parent, os.W_OK) or index_present else "&immutable=1"
    return make_url(f"sqlite:///file:{quote(str(path))}?mode=ro{immutable}&uri=true")


def _is_write(connection: Connection) -> bool:
    return bool(connection.get_execution_options().get(WRITE_OPTION, False))


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _is_write(connection):
            connection.exec_driver_sql(POSTGRES_WRITER_SETTING)


def _configure_sqlite(engine: Engine, *, read_only_path: Path | None) -> None:
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
        if immediate and read_only_path is not None:
            raise DatabaseError(
                f"{read_only_path} is read-only for you: commands that only read it work, this "
                "one would change it (its data, or its schema when that is older than factdb's)"
            )
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
