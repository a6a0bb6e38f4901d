"""One fresh database per test, on SQLite and on PostgreSQL, through the same fixtures.

PostgreSQL tests need a server (``FACTDB_TEST_POSTGRES_URL``, default: the local one). Without it
they skip with the reason, unless ``FACTDB_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) makes that a
failure: in CI a skipped dialect would hide a broken one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from factdb.cli.app import app
from factdb.db import create_db_engine, transaction
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
from factdb.services.admin.schema import upgrade

POSTGRES_URL_ENV = "FACTDB_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "FACTDB_REQUIRE_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TEMPLATE_PREFIX = "factdb_test_template_"
DIALECTS = ("sqlite", "postgresql")
REPO_ROOT = Path(__file__).resolve().parent.parent


def _admin_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def _postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
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
        return make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    reason = _postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_POSTGRES_ENV}=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer(admin=create_engine(_admin_url(), isolation_level="AUTOCOMMIT"))
    # Migrate once into a template; each test then copies it, which is much faster than
    # running every migration again.
    template_url = server.create_database(migrated=False)
    template_engine = create_db_engine(template_url)
    upgrade(engine=template_engine)
    template_engine.dispose()
    server.template = make_url(template_url).database
    yield server
    server.drop_database(template_url)
    server.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; each test copies it instead of migrating."""
    path = tmp_path_factory.mktemp("template") / "factdb-template.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine=engine)
    engine.dispose()  # the last connection checkpoints the WAL, so the file alone is complete
    return path


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _fresh_url(
    request: pytest.FixtureRequest, dialect: str, tmp_path: Path, migrated: bool
) -> Iterator[str]:
    if dialect == "sqlite":
        database = tmp_path / "factdb-test.sqlite3"
        if migrated:
            template: Path = request.getfixturevalue("sqlite_template")
            shutil.copyfile(template, database)
        yield f"sqlite:///{database}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=migrated)
    yield url
    server.drop_database(url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the newest schema revision."""
    yield from _fresh_url(request, dialect, tmp_path, migrated=True)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no schema at all."""
    yield from _fresh_url(request, dialect, tmp_path, migrated=False)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session in a transaction that the test's services share; committed at the end."""
    with transaction(engine) as session:
        yield session


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the session: the unpacked model is made once, vector files per database."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes a real user's data or configuration."""
    monkeypatch.setenv("FACTDB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FACTDB_CACHE", str(shared_cache))
    monkeypatch.setenv("FACTDB_REVIEWER", "Test Reviewer")
    monkeypatch.delenv("FACTDB_DB", raising=False)
    monkeypatch.delenv("FACTDB_DEBUG", raising=False)


CliRun = Callable[..., Result]


@pytest.fixture
def cli(db_url: str) -> CliRun:
    """Run ``factdb --db <the test database> ARGS…`` and return the result."""
    return make_cli(db_url)


def make_cli(db_url: str | None) -> CliRun:
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        prefix: Sequence[str] = ("--db", db_url) if db_url is not None else ()
        return runner.invoke(app, [*prefix, *args], input=input, env=env)

    return run


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


@pytest.fixture
def counts(db_url: str) -> Callable[[], dict[str, int]]:
    return lambda: row_counts(db_url)


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    """A small article with text in several scripts, for attribution tests."""
    path = tmp_path / "article.txt"
    path.write_text(
        "Minister Jane Roe said on Monday that unemployment fell to 4.1% in March.\n"
        "Critics said the figure ignores part-time work. "
        "Jane Roe added that unemployment fell to 4.1% in March.\n"
        "قال الوزير إن البطالة انخفضت. Министр заявил, что безработица снизилась. 📉\n",
        encoding="utf-8",
    )
    return path
