"""One fresh database per test, on SQLite and on PostgreSQL, through the same fixtures.

PostgreSQL tests need a server (``FACTDB_TEST_POSTGRES_URL``, default: the local one). Without it
they skip with the reason, unless ``FACTDB_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) makes that a
failure: in CI a skipped dialect would hide a broken one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from factdb.db import create_db_engine, transaction
from factdb.services.admin.schema import upgrade
from tests.helpers.cli import CliRun, make_cli
from tests.helpers.databases import (
    DIALECTS,
    REQUIRE_POSTGRES_ENV,
    PostgresServer,
    admin_url,
    fresh_url,
    postgres_unavailable_reason,
    row_counts,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The slow tests first (otherwise in order): started early, they run beside the many short
    # ones, instead of keeping one core busy alone at the end of a parallel run.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    reason = postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_POSTGRES_ENV}=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    server = PostgresServer(admin=create_engine(admin_url(), isolation_level="AUTOCOMMIT"))
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


@pytest.fixture
def db_url(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the newest schema revision."""
    yield from fresh_url(request, dialect, tmp_path, migrated=True)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no schema at all."""
    yield from fresh_url(request, dialect, tmp_path, migrated=False)


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


@pytest.fixture
def cli(db_url: str) -> CliRun:
    """Run ``factdb --db <the test database> ARGS…`` and return the result."""
    return make_cli(db_url)


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
