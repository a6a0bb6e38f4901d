"""A large CSV report on SQLite written by two processes at once, from one snapshot.

Most of a report's time is SQLite computing each row (the newest review, the first
appearance, the lists) and ``csv.writer`` spelling it out: work one core does for one
connection. With two cores, this process writes the first half of the claims while a second
process (``csv_parts``) writes the second half to a spool file, which is then appended: the same
bytes as one process writes, in about half the time.

Both halves must come from one state of the database, or a change committed meanwhile could
show in one half and not in the other. So this process takes the write lock first (``BEGIN
IMMEDIATE``: no other writer can commit), both readers then begin their read transactions
(in WAL mode each sees the database as it was when it first read, however long it reads), and
the lock is released as soon as both have read once, a fraction of a second: writers wait
that long at most, readers not at all. Where the lock cannot be taken (a database this user
may only read, which nobody can write meanwhile either way, or one busy past the timeout) or
the report is small, the report is written by this process alone.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from sqlalchemy import ColumnElement, Connection, Dialect, Engine, bindparam, func, select
from sqlalchemy.orm import Session

import factdb
from factdb.config import usable_cores
from factdb.db import SQLITE_BUSY_TIMEOUT_MS, WRITE_OPTION, sqlite_path
from factdb.errors import DatabaseError
from factdb.formats.csv_report import write_claims_csv
from factdb.models import Claim
from factdb.services.reporting import csv_parts
from factdb.services.reporting.csv_statement import report_statement

# Below this many claims one process is about as fast: the second one's start and the spool's
# copy cost more than half the rows save.
PARALLEL_FROM = 50_000
# How long to wait for a writer to finish before writing the report alone instead: a long
# import should not hold up a report that one process can write meanwhile.
LOCK_WAIT_MS = 2_000
# How long the second process may take to open the database while writers are held off
# (usually a few hundredths of a second; writers wait up to their busy timeout, 30 s).
READY_TIMEOUT_S = 10.0
_LOW, _HIGH = "part_low", "part_high"
_NO_END = 2**63 - 1  # SQLite's largest integer: no id is above it
_PART_MODULE = csv_parts.__name__


@dataclass(frozen=True)
class ReportQuery:
    """Which claims the report holds, and how its cells are spelled."""

    criteria: list[ColumnElement[bool]]
    limit: int | None
    neutralize: bool


def write_report_in_two(
    *,
    session: Session,
    query: ReportQuery,
    stream: TextIO,
    on_rows: Callable[[int], None],
    minimum: int = PARALLEL_FROM,
) -> int | None:
    """Write the report (header first) with a second process; the claim count, or None when it
    is better written by one process (then nothing has been written)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine) or engine.get_execution_options().get(WRITE_OPTION):
        # A write transaction's own changes are seen by its connection alone.
        return None
    path = sqlite_path(engine.url)
    if path is None or not path.is_file() or usable_cores() < 2:
        return None
    with _writers_held(path) as held:
        if not held:
            return None
        with engine.connect() as reader, reader.begin():
            halves = _halves(reader, query, minimum)
            if halves is None:
                return None
            statement = report_statement(
                [*query.criteria, Claim.id >= bindparam(_LOW), Claim.id <= bindparam(_HIGH)],
                None,
                query.neutralize,
            )
            sql, first, second = _driver_statement(statement, reader.dialect, halves)
            with _spool_for(stream) as spool:
                part = _Part.start(path, sql, second, spool, on_rows)
                try:
                    if not part.wait_ready():
                        part.stop()
                        return None
                    # Both snapshots are fixed: writers may go on.
                    held.release()
                    count = _write_first_half(reader, sql, first, stream, on_rows)
                    count += part.finish()
                    _append(spool, stream)
                except BaseException:
                    part.stop()
                    raise
            return count


class _WriteLock:
    """A connection holding the database's write lock until released (or closed)."""

    def __init__(self, connection: sqlite3.Connection | None) -> None:
        self.connection = connection

    def __bool__(self) -> bool:
        return self.connection is not None

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # closing rolls back: nothing was written
            self.connection = None


@contextmanager
def _writers_held(path: Path) -> Iterator[_WriteLock]:
    lock = _WriteLock(_write_lock(path))
    try:
        yield lock
    finally:
        lock.release()


def _write_lock(path: Path) -> sqlite3.Connection | None:
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        connection.close()
        return None
    return connection


@dataclass(frozen=True)
class _Halves:
    first: tuple[int, int]
    second: tuple[int, int]


def _halves(reader: Connection, query: ReportQuery, minimum: int) -> _Halves | None:
    """The id ranges holding the first and the second half of the report's claims."""
    counted = select(func.count()).select_from(Claim).where(*query.criteria)
    total = int(reader.execute(counted).scalar_one())
    total = total if query.limit is None else min(total, query.limit)
    if total < max(2, minimum):
        return None
    ids = select(Claim.id).where(*query.criteria).order_by(Claim.id)

    def id_at(position: int) -> int:
        return int(reader.execute(ids.offset(position).limit(1)).scalar_one())

    middle = id_at(total // 2)
    # Without a limit the second half runs to the end; with one, to the last claim it allows.
    last = _NO_END if query.limit is None else id_at(total - 1)
    return _Halves(first=(0, middle - 1), second=(middle, last))


def _driver_statement(
    statement: Any, dialect: Dialect, halves: _Halves
) -> tuple[str, list[Any], list[Any]]:
    """The statement as the driver runs it, and its parameters for each half."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup or ()

    def parameters(bounds: tuple[int, int]) -> list[Any]:
        values = compiled.construct_params({_LOW: bounds[0], _HIGH: bounds[1]})
        return [_processed(compiled.binds[name], values[name], dialect) for name in names]

    return str(compiled), parameters(halves.first), parameters(halves.second)


def _processed(bind: Any, value: Any, dialect: Dialect) -> Any:
    processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def _write_first_half(
    reader: Connection,
    sql: str,
    parameters: Sequence[Any],
    stream: TextIO,
    on_rows: Callable[[int], None],
) -> int:
    driver = reader.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    csv_parts.register_date_functions(driver)
    write_claims_csv((), stream, neutralize=False)  # the header
    return csv_parts.write_rows(driver.execute(sql, parameters), stream, on_rows)


@contextmanager
def _spool_for(stream: TextIO) -> Iterator[IO[bytes]]:
    """An unnamed file for the second half: beside the output when it is a regular file (its
    disk must hold the report anyway), else (standard output, a pipe, a device) in the
    temporary directory."""
    name = getattr(stream, "name", None)
    beside = isinstance(name, str) and os.path.isabs(name) and os.path.isfile(name)
    directory = os.path.dirname(str(name)) if beside else None
    try:
        spool = tempfile.TemporaryFile("w+b", dir=directory)  # noqa: SIM115 - entered below
    except OSError:
        if directory is None:
            raise
        spool = tempfile.TemporaryFile("w+b")  # noqa: SIM115 - entered below
    with spool:
        yield spool


def _append(spool: IO[bytes], stream: TextIO) -> None:
    spool.seek(0)
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and (stream.encoding or "").lower().replace("-", "") == "utf8":
        shutil.copyfileobj(spool, buffer, 1 << 20)
        buffer.flush()
        return
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    shutil.copyfileobj(text, stream, 1 << 20)
    text.detach()


class _Part:
    """The second process: started, ready once its snapshot is fixed, finished with a count."""

    def __init__(self, process: subprocess.Popen[str], on_rows: Callable[[int], None]) -> None:
        self.process = process
        self.on_rows = on_rows
        self.ready = threading.Event()
        self.snapshot_taken = False
        self.outcome: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    @classmethod
    def start(
        cls,
        path: Path,
        sql: str,
        parameters: list[Any],
        spool: IO[bytes],
        on_rows: Callable[[int], None],
    ) -> _Part:
        # The same factdb as this process, wherever the current directory is.
        package_root = str(Path(factdb.__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, (package_root, os.environ.get("PYTHONPATH")))
            ),
        }
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", _PART_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            pass_fds=(spool.fileno(),),
            env=env,
        )
        request = {
            "database": path.resolve().as_uri(),
            "busy_timeout_ms": SQLITE_BUSY_TIMEOUT_MS,
            "sql": sql,
            "params": parameters,
            "fd": spool.fileno(),
        }
        assert process.stdin is not None
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.close()
        return cls(process, on_rows)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if line == csv_parts.READY:
                self.snapshot_taken = True
                self.ready.set()
            elif line.startswith("+") and line[1:].isdigit():
                self.on_rows(int(line[1:]))
            else:
                self.outcome.append(line)
        self.ready.set()  # ended: whoever waits for it must not wait longer

    def wait_ready(self) -> bool:
        """Whether the process has fixed its snapshot (it may even have finished since)."""
        self.ready.wait(READY_TIMEOUT_S)
        return self.snapshot_taken

    def finish(self) -> int:
        self._ended()
        last = self.outcome[-1] if self.outcome else ""
        if self.process.returncode == 0 and last.startswith(csv_parts.DONE):
            return int(last.split()[1])
        reason = next(
            (
                line.removeprefix(csv_parts.ERROR).strip()
                for line in self.outcome
                if line.startswith(csv_parts.ERROR)
            ),
            " ".join(self.outcome[-3:]) or f"exit status {self.process.returncode}",
        )
        raise DatabaseError(f"the second process writing the report failed: {reason}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self._ended()

    def _ended(self) -> None:
        self.process.wait()
        self.reader.join()
        assert self.process.stdout is not None
        self.process.stdout.close()
