"""Output files: never the database or an input, devices and links written in place, temporary
files found and swept, and messages that name the user's path (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factdb.cli.context import TEMP_MARK
from tests.helpers.cli import CliRun
from tests.helpers.paths import REPO_ROOT


@pytest.fixture
def one_claim(cli: CliRun) -> None:
    assert cli("add", "A claim to write out.", "--source", "https://news.example/").exit_code == 0


def _one_error_line(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith("Error: "), stderr
    assert len(stderr.splitlines()) == 1, stderr
    return stderr


def test_rejects_cannot_overwrite_the_input(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    original = json.dumps({"text": "A good claim."}) + "\n" + json.dumps({"text": 5}) + "\n"
    path.write_text(original, encoding="utf-8")
    result = cli("import", str(path), "--on-error", "skip", "--rejects", str(path))
    assert result.exit_code == 2
    assert "is one of this command's input files" in _one_error_line(result)
    assert path.read_text(encoding="utf-8") == original
    assert json.loads(cli("list", "--format", "json").stdout) == []


@pytest.mark.parametrize("dialect", ["sqlite"])  # only a SQLite database is a file to protect
@pytest.mark.parametrize("end", ["", "-wal", "-shm"])
@pytest.mark.parametrize("command", ["export", "report"])
def test_outputs_cannot_overwrite_the_database(
    cli: CliRun, db_url: str, one_claim: None, end: str, command: str
) -> None:
    database = Path(db_url.removeprefix("sqlite:///"))
    target = database.with_name(database.name + end)
    before = database.read_bytes()
    result = cli(command, "--output", str(target))
    assert result.exit_code == 2
    assert "is the database" in _one_error_line(result)
    assert database.read_bytes() == before
    assert cli("show", "1").exit_code == 0


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_backup_cannot_overwrite_the_database(cli: CliRun, db_url: str, one_claim: None) -> None:
    database = db_url.removeprefix("sqlite:///")
    result = cli("backup", database, "--overwrite")
    assert result.exit_code == 2
    assert "is the database itself" in _one_error_line(result)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_device_fails_with_one_line_and_stays_a_device(cli: CliRun, one_claim: None) -> None:
    result = cli("export", "--output", "/dev/full")
    assert result.exit_code == 1
    assert _one_error_line(result) == "Error: No space left on device: /dev/full\n"
    assert Path("/dev/full").is_char_device()


def test_a_fifo_is_written_in_place(cli: CliRun, one_claim: None, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = cli("export", "--format", "jsonl", "--output", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert "A claim to write out." in received[0]
    assert fifo.is_fifo()


def test_a_symlink_stays_and_its_target_is_written(
    cli: CliRun, one_claim: None, tmp_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert cli("export", "--output", str(link)).exit_code == 0
    assert link.is_symlink()
    assert "A claim to write out." in real.read_text(encoding="utf-8")


def test_temporaries_of_killed_writers_are_swept(
    cli: CliRun, one_claim: None, tmp_path: Path
) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(finished.stdout)
    stale = tmp_path / f".out.csv{TEMP_MARK}{dead}-x1y2"
    live = tmp_path / f".out.csv{TEMP_MARK}{os.getpid()}-z3"
    other = tmp_path / f".other.csv{TEMP_MARK}{dead}-q9"
    for leftover in (stale, live, other):
        leftover.write_text("partial", encoding="utf-8")
    assert cli("export", "--output", str(tmp_path / "out.csv")).exit_code == 0
    assert not stale.exists()
    assert live.exists()  # a writer still running keeps its file
    assert other.exists()  # swept by the next write to other.csv
    leftovers = {path.name for path in tmp_path.iterdir() if TEMP_MARK in path.name}
    assert leftovers == {live.name, other.name}


def test_a_failed_write_names_the_users_path_and_leaves_no_temporary(
    cli: CliRun, one_claim: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, _target: object) -> None:
        raise PermissionError(13, "Permission denied", source)

    monkeypatch.setattr(os, "replace", refuse)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.csv"
    result = cli("export", "--output", str(target))
    assert result.exit_code == 1
    assert _one_error_line(result) == f"Error: Permission denied: {target}\n"
    assert list(folder.iterdir()) == []


def test_dev_stdout_is_written_in_place(db_url: str, one_claim: None) -> None:
    if not Path("/dev/stdout").exists():
        pytest.skip("needs /dev/stdout")
    result = subprocess.run(
        [sys.executable, "-m", "factdb", "--db", db_url, "export", "--format", "jsonl",
         "--output", "/dev/stdout"],
        capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "A claim to write out."
    assert Path("/dev/stdout").is_symlink()
