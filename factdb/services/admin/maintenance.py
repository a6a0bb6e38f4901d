"""Keeping a database safe: consistent backups of a SQLite file."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from factdb.db import is_sqlite, sqlite_path
from factdb.errors import ConflictError, DatabaseError, Hint, InvalidInputError, Setting


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int


def backup_sqlite(*, engine: Engine, target: Path, overwrite: bool = False) -> BackupResult:
    """Copy the database with SQLite's online backup API, while others may be writing.

    The copy is one consistent snapshot; it is checked with ``PRAGMA integrity_check`` and only
    then moved into place, so a failed backup never leaves a half-written file behind.
    """
    if not is_sqlite(engine.url):
        raise InvalidInputError(
            "backup copies SQLite databases; back up PostgreSQL with pg_dump (see the README)"
        )
    target = target.expanduser()
    _refuse_the_database(engine, target)
    if target.is_symlink():
        target = target.resolve()  # the link stays; the file it points to is the backup
    if target.exists() and not target.is_file():
        raise InvalidInputError(f"{target} is not a regular file; a backup must be one")
    if target.exists() and not overwrite:
        raise ConflictError(
            f"{target} exists (choose another file to keep it)",
            hints=[Hint.give(Setting.OVERWRITE)],
        )
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(engine, partial)
        _check(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, bytes=target.stat().st_size)


def _refuse_the_database(engine: Engine, target: Path) -> None:
    database = sqlite_path(engine.url)
    if database is None:
        return
    for end in ("", "-wal", "-shm", "-journal"):
        kept = database.with_name(database.name + end)
        if target.exists() and kept.exists() and os.path.samefile(target, kept):
            raise InvalidInputError(f"{target} is the database itself; back it up to another file")


def _copy(engine: Engine, destination: Path) -> None:
    connection = engine.raw_connection()
    try:
        source = connection.driver_connection
        if not isinstance(source, sqlite3.Connection):
            raise InvalidInputError("backup needs the sqlite3 driver")
        copy = sqlite3.connect(destination)
        try:
            # All pages in one step: a single read snapshot, so writers never force a restart.
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:
        raise DatabaseError(f"backup failed: {error}") from None
    finally:
        connection.close()


def _check(path: Path) -> None:
    copy = sqlite3.connect(path)
    try:
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        # The copy is a file of its own: no WAL beside it to carry along.
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
    if verdict != "ok":
        raise DatabaseError(f"the backup failed its integrity check: {verdict}")
