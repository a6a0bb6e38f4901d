"""A large CSV report on SQLite is written by two processes from one snapshot (issue 15).

The bytes must be those of one process (the oracle of ``tests/helpers/csv_oracle.py``), both
halves must come from the same state of the database however writers commit meanwhile, and
whatever keeps the second process from helping must leave a report written by one.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from factdb.db import sqlite_path, transaction
from factdb.errors import DatabaseError
from factdb.schemas.claims import ClaimFilter
from factdb.services.reporting import csv_parallel
from factdb.services.reporting.csv_export import write_csv_report
from tests.helpers.cli import CliRun
from tests.test_csv_export import FILTERS, _oracle, awkward  # noqa: F401 - the fixture

pytestmark = [pytest.mark.usefixtures("awkward"), pytest.mark.parametrize("dialect", ["sqlite"])]


@pytest.fixture
def parts_started(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """The parameters of every second process started (so a test knows one was)."""
    started: list[list[Any]] = []
    original = csv_parallel._Part.start

    def spy(path: Path, sql: str, parameters: list[Any], *rest: Any) -> csv_parallel._Part:
        started.append(parameters)
        return original(path, sql, parameters, *rest)

    monkeypatch.setattr(csv_parallel._Part, "start", staticmethod(spy))
    return started


def _report(engine: Engine, claim_filter: ClaimFilter, neutralize: bool = True) -> str:
    stream = io.StringIO(newline="")
    with transaction(engine, write=False) as session:
        write_csv_report(
            session=session,
            claim_filter=claim_filter,
            stream=stream,
            neutralize=neutralize,
            parallel_from=1,
        )
    return stream.getvalue()


def _database(engine: Engine) -> Path:
    path = sqlite_path(engine.url)
    assert path is not None
    return path


@pytest.mark.parametrize("neutralize", [True, False])
@pytest.mark.parametrize("claim_filter", FILTERS)
def test_two_processes_write_the_bytes_of_one(
    engine: Engine,
    claim_filter: ClaimFilter,
    neutralize: bool,
    parts_started: list[list[Any]],
) -> None:
    expected = _oracle(engine, claim_filter, neutralize)
    assert _report(engine, claim_filter, neutralize) == expected
    rows = list(csv.reader(io.StringIO(expected, newline="")))
    if len(rows) - 1 >= 2:
        assert parts_started, "the report of two or more claims was not split"


def test_progress_counts_every_claim_once(engine: Engine, parts_started: list[list[Any]]) -> None:
    ticks: list[int] = []
    stream = io.StringIO(newline="")
    with transaction(engine, write=False) as session:
        count = write_csv_report(
            session=session,
            claim_filter=ClaimFilter(),
            stream=stream,
            on_claim=lambda n=1: ticks.append(n),
            parallel_from=1,
        )
    assert parts_started
    rows = list(csv.reader(io.StringIO(_oracle(engine, ClaimFilter(), True), newline="")))
    assert sum(ticks) == count == len(rows) - 1 > 2


def test_the_export_command_splits_a_large_report(
    cli: CliRun,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parts_started: list[list[Any]],
) -> None:
    monkeypatch.setattr(csv_parallel, "PARALLEL_FROM", 2)
    report = tmp_path / "report.csv"
    result = cli("export", "--output", str(report))
    assert result.exit_code == 0, result.stderr
    assert report.read_bytes().decode("utf-8") == _oracle(engine, ClaimFilter(), True)
    assert parts_started
    # Below the threshold (11 claims here) one process writes it.
    monkeypatch.setattr(csv_parallel, "PARALLEL_FROM", 12)
    parts_started.clear()
    assert cli("export", "--output", str(report)).exit_code == 0
    assert not parts_started


def test_a_report_to_standard_output_is_split_too(
    cli: CliRun, engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    monkeypatch.setattr(csv_parallel, "PARALLEL_FROM", 2)
    result = cli("list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == _oracle(engine, ClaimFilter(), True).replace("\r\n", "\n")
    assert parts_started


def _hook_before_first_half(monkeypatch: pytest.MonkeyPatch, hook: Callable[[], None]) -> None:
    original = csv_parallel._write_first_half

    def hooked(*args: Any) -> int:
        hook()
        return original(*args)

    monkeypatch.setattr(csv_parallel, "_write_first_half", hooked)


def test_both_halves_read_one_snapshot_while_writers_commit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    before = _oracle(engine, ClaimFilter(), True)
    ids = [row[0] for row in _ids(engine)]

    def commit_changes() -> None:
        # The lock is released by now: a writer commits at once, in either half's range.
        connection = sqlite3.connect(_database(engine), isolation_level=None, timeout=0)
        connection.execute("BEGIN IMMEDIATE")
        for claim_id in (ids[0], ids[-1]):
            connection.execute(
                "UPDATE claims SET text = 'changed meanwhile' WHERE id = ?", (claim_id,)
            )
        connection.execute("DELETE FROM claim_tags")
        connection.execute("COMMIT")
        connection.close()

    _hook_before_first_half(monkeypatch, commit_changes)
    assert _report(engine, ClaimFilter()) == before
    assert parts_started
    assert "changed meanwhile" in _oracle(engine, ClaimFilter(), True)


def _ids(engine: Engine) -> list[tuple[int]]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id FROM claims WHERE deleted_at IS NULL ORDER BY id"
        )
        return [(int(row[0]),) for row in rows]


def test_writers_wait_until_both_snapshots_are_taken(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    refused: list[str] = []
    original = csv_parallel._Part.wait_ready

    def try_to_write_meanwhile(part: csv_parallel._Part) -> bool:
        connection = sqlite3.connect(_database(engine), isolation_level=None, timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            refused.append(str(error))
        finally:
            connection.close()
        return original(part)

    monkeypatch.setattr(csv_parallel._Part, "wait_ready", try_to_write_meanwhile)
    assert _report(engine, ClaimFilter()) == _oracle(engine, ClaimFilter(), True)
    assert parts_started
    assert refused == ["database is locked"]


def test_a_second_process_done_before_it_is_waited_for_counts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    original = csv_parallel._Part.wait_ready
    halves_written: list[int] = []

    def late(part: csv_parallel._Part) -> bool:
        part.process.wait()  # a small half can be written before this process looks
        return original(part)

    def first_half(*args: Any) -> int:
        count = original_first_half(*args)
        halves_written.append(count)
        return count

    original_first_half = csv_parallel._write_first_half
    monkeypatch.setattr(csv_parallel._Part, "wait_ready", late)
    monkeypatch.setattr(csv_parallel, "_write_first_half", first_half)
    assert _report(engine, ClaimFilter()) == _oracle(engine, ClaimFilter(), True)
    assert parts_started
    assert halves_written  # not left to one process


def test_a_report_inside_a_write_transaction_sees_its_changes(
    engine: Engine, parts_started: list[list[Any]]
) -> None:
    stream = io.StringIO(newline="")
    with transaction(engine) as session:
        session.execute(text("UPDATE claims SET text = 'not committed yet' WHERE id = 1"))
        write_csv_report(
            session=session, claim_filter=ClaimFilter(), stream=stream, parallel_from=1
        )
        session.rollback()
    assert "not committed yet" in stream.getvalue()
    assert not parts_started


def test_a_write_transaction_not_yet_begun_is_reported_by_one_process(
    engine: Engine, parts_started: list[list[Any]]
) -> None:
    # Its first statement takes the write lock: a second process must not be waiting for it.
    stream = io.StringIO(newline="")
    with transaction(engine) as session:
        write_csv_report(
            session=session, claim_filter=ClaimFilter(), stream=stream, parallel_from=1
        )
    assert stream.getvalue() == _oracle(engine, ClaimFilter(), True)
    assert not parts_started


def test_a_busy_database_is_reported_by_one_process(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    monkeypatch.setattr(csv_parallel, "LOCK_WAIT_MS", 50)
    writer = sqlite3.connect(_database(engine), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert _report(engine, ClaimFilter()) == _oracle(engine, ClaimFilter(), True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert not parts_started


def test_a_second_process_that_cannot_start_leaves_the_report_to_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parts_started: list[list[Any]]
) -> None:
    monkeypatch.setattr(csv_parallel, "_PART_MODULE", "factdb.no_such_module")
    assert _report(engine, ClaimFilter()) == _oracle(engine, ClaimFilter(), True)
    assert parts_started  # it was tried, and nothing of it was written


@pytest.fixture
def failing_second_half(monkeypatch: pytest.MonkeyPatch) -> None:
    original = csv_parallel._Part.start

    def broken(path: Path, sql: str, parameters: list[Any], *rest: Any) -> csv_parallel._Part:
        return original(path, "SELECT no_such_column FROM claims", [], *rest)

    monkeypatch.setattr(csv_parallel._Part, "start", staticmethod(broken))


@pytest.mark.usefixtures("failing_second_half")
def test_a_failing_second_half_fails_the_report(engine: Engine) -> None:
    with pytest.raises(DatabaseError, match="no such column: no_such_column"):
        _report(engine, ClaimFilter())


@pytest.mark.usefixtures("failing_second_half")
def test_the_command_leaves_no_file_when_the_second_half_fails(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_parallel, "PARALLEL_FROM", 2)
    report = tmp_path / "report.csv"
    result = cli("export", "--output", str(report))
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ")
    assert "no_such_column" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.glob("report.csv*")) == []


def _writer_rewriting_every_claim(database: Path, stop: threading.Event) -> int:
    """Commits 'version N' into every claim's text, again and again, until stopped."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=30)
    version = 0
    try:
        while not stop.is_set():
            version += 1
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE claims SET text = ?", (f"version {version}",))
            connection.execute("COMMIT")
            stop.wait(0.01)  # a moment between transactions, as real writers leave
    finally:
        connection.close()
    return version


def test_a_report_written_while_every_claim_changes_shows_one_version(
    cli: CliRun, engine: Engine, tmp_path: Path, parts_started: list[list[Any]]
) -> None:
    records = tmp_path / "many.jsonl"
    records.write_text(
        "".join(json.dumps({"text": f"claim number {n}"}) + "\n" for n in range(3_000)),
        encoding="utf-8",
    )
    assert cli("import", str(records), "--no-index").exit_code == 0
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        writer = pool.submit(_writer_rewriting_every_claim, _database(engine), stop)
        try:
            versions_seen = []
            for _ in range(6):
                rows = list(csv.DictReader(io.StringIO(_report(engine, ClaimFilter()))))
                versions_seen.append({row["text"] for row in rows if row["text"].startswith("v")})
        finally:
            stop.set()
        written = writer.result()
    # A report that cannot take the lock soon enough is written by one process (also one
    # snapshot); most take it.
    assert len(parts_started) >= 3
    assert written > 1, "the writer should have committed during the reports"
    for versions in versions_seen:
        assert len(versions) <= 1, f"one report mixes {sorted(versions)}"
