"""--db and the database file: usage errors that never leak a password, read-only files read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from factdb.cli.errors import _one_line
from factdb.db import mask_url
from tests.helpers.cli import CliRun, make_cli
from tests.helpers.paths import REPO_ROOT

SECRET = "s3cr3t"
BAD_URLS = {
    "raw @ in the password": f"postgresql://u:p@{SECRET}@127.0.0.1/db",
    "raw @ twice, with a port": f"postgresql://u:x@y@{SECRET}@127.0.0.1:5432/db?sslmode=off",
    "port not a number": f"postgresql://u:{SECRET}@127.0.0.1:port/db",
    "port out of range": f"postgresql://u:{SECRET}@127.0.0.1:99999/db",
}


def test_an_empty_db_option_is_an_error() -> None:
    result = make_cli("")("list")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --db is empty")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_bad_urls_are_usage_errors_that_mask_the_password(case: str) -> None:
    result = make_cli(BAD_URLS[case])("list")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1
    assert SECRET not in result.output
    assert "***" in result.stderr


@pytest.mark.parametrize("url", sorted(BAD_URLS.values()))
def test_masking_hides_everything_up_to_the_last_at(url: str) -> None:
    assert SECRET not in mask_url(url)
    assert SECRET not in _one_line(f"could not connect to {url}: refused")


def test_a_sqlite_path_may_contain_at_signs(tmp_path: Path) -> None:
    database = tmp_path / "desk@home" / "a@b.sqlite3"
    assert make_cli(str(database))("list").exit_code == 0
    assert database.exists()


def test_a_percent_encoded_at_is_a_password_like_any_other() -> None:
    assert mask_url("postgresql://u:p%40ss@host/db") == "postgresql://u:***@host/db"


def test_a_duplicated_header_column_is_an_error_naming_it(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Claim,Claim,Verdict\nFirst words,Other words,False\n", encoding="utf-8")
    result = cli("import", str(path), "--map", "Claim=text", "--map", "Verdict=rating_label")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: twice.csv: line 1: the column 'Claim' appears more than once in the header; "
        "which one to read is ambiguous"
    ]
    assert cli("list", "--format", "json").stdout.strip() == "[]"


# -- read-only SQLite files ----------------------------------------------------------------

NOBODY = 65534


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder that another user can enter (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="factdb-readonly-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _as_reader(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """factdb as a user who may not write the file: nobody when the tests run as root (whom
    file modes do not stop), else the current user."""
    command = [sys.executable, "-m", "factdb", "--db", str(database), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv is not None, "running as root, these tests need setpriv (util-linux)"
        command = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "FACTDB_HOME": str(database.parent)},
        cwd=database.parent,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("folder_mode", [0o755, 0o555])
def test_a_read_only_database_can_be_read(
    shared_folder: Path, journal: str, folder_mode: int
) -> None:
    database = shared_folder / "desk.sqlite3"
    cli = make_cli(f"sqlite:///{database}")
    assert cli("add", "A claim to read.", "--source", "https://news.example/").exit_code == 0
    cli("info")  # the last connection closes: the WAL is checkpointed and removed
    if journal == "delete":
        import sqlite3

        with sqlite3.connect(database) as connection:
            connection.execute("PRAGMA journal_mode = DELETE")
    database.chmod(0o444)
    shared_folder.chmod(folder_mode)
    for command in (["list"], ["show", "1"], ["export"], ["stats"]):
        result = _as_reader(database, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert "A claim to read." in result.stdout or command == ["stats"]
    refused = _as_reader(database, "add", "Another claim.", "--source", "https://n.example/")
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: ")
    assert "read-only" in refused.stderr
