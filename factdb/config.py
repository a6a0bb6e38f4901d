"""Where the database is and who is working: resolved from options, environment and defaults."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DB_ENV = "FACTDB_DB"
REVIEWER_ENV = "FACTDB_REVIEWER"
DATA_DIR_ENV = "FACTDB_HOME"
CACHE_DIR_ENV = "FACTDB_CACHE"
DEFAULT_DB_FILENAME = "factdb.sqlite3"

_SERVER_SCHEMES = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity (macOS, Windows)
        return os.cpu_count() or 1


def data_dir() -> Path:
    """The user data directory that holds the default database (``FACTDB_HOME`` overrides it)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("factdb", appauthor=False)


def cache_dir() -> Path:
    """Where factdb keeps files it can always rebuild (the unpacked model, vector files):
    ``FACTDB_CACHE``, or the user cache directory."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("factdb", appauthor=False)


def default_database_path() -> Path:
    return data_dir() / DEFAULT_DB_FILENAME


def resolve_database_url(value: str | None) -> str:
    """Turn ``--db`` / ``FACTDB_DB`` into an SQLAlchemy URL; a plain path is a SQLite file."""
    if value is not None and not value.strip():
        from factdb.errors import InvalidInputError

        raise InvalidInputError(
            "the database is given as empty text: give a file path or a database URL, or none "
            "for the default database"
        )
    raw = value or os.environ.get(DB_ENV) or ""
    if not raw.strip():
        return sqlite_url(default_database_path())
    raw = raw.strip()
    scheme, sep, rest = raw.partition("://")
    if not sep:
        return sqlite_url(Path(raw))
    scheme = scheme.lower()
    if scheme in _SERVER_SCHEMES:
        return f"{_SERVER_SCHEMES[scheme]}://{rest}"
    if scheme.startswith("sqlite"):
        return raw
    from factdb.errors import InvalidInputError

    raise InvalidInputError(
        f"unsupported database URL scheme {scheme!r}: use a file path, sqlite:///PATH "
        "or postgresql://USER@HOST/DB"
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def current_actor() -> str:
    """Who is working: ``FACTDB_REVIEWER``, else the login name."""
    configured = os.environ.get(REVIEWER_ENV, "").strip()
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
