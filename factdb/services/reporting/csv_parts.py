"""Part of the CSV report written by a second process, and what both processes share.

A large report on SQLite is written in two halves at once, one by the exporting process and
one by a second process started as ``python -m factdb.services.reporting.csv_parts`` (see
``csv_parallel``): most of a report's time is SQLite computing each row and ``csv.writer``
spelling it out, work that one core does for one connection. This module imports nothing
beyond the standard library, so the second process starts in a few hundredths of a second.

The protocol, one line each way: the exporting process writes one JSON object on standard
input (``database``: a SQLite URI; ``sql`` and ``params``: the statement of the half to
write; ``fd``: an open file to write it to). The part process opens the database, begins a
read transaction and reads from it (which fixes its snapshot), prints ``ready``, then
prints ``+N`` as rows are written and ``done N`` at the end; on an error it prints
``error: …`` and exits with status 1.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TextIO

ISO_DATETIME_FUNCTION = "factdb_iso_datetime"
ISO_DATE_FUNCTION = "factdb_iso_date"
LINE_END = "\r\n"
# Rows between two progress lines of the part process.
PROGRESS_EVERY = 10_000
READY, DONE, ERROR = "ready", "done", "error:"


def iso_datetime_text(stored: str) -> str:
    # What the ORM's UTCDateTime reads from a value not in the stored form, then ``_iso``.
    value = datetime.fromisoformat(stored)
    return (
        value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    ).isoformat()


def iso_date_text(stored: str) -> str:
    return date.fromisoformat(stored).isoformat()


def register_date_functions(connection: sqlite3.Connection) -> None:
    """The SQL functions the report's statement calls for dates not in the stored form."""
    connection.create_function(ISO_DATETIME_FUNCTION, 1, iso_datetime_text, deterministic=True)
    connection.create_function(ISO_DATE_FUNCTION, 1, iso_date_text, deterministic=True)


def write_rows(
    rows: Iterable[Sequence[object]],
    stream: TextIO,
    on_rows: Callable[[int], None],
    every: int = PROGRESS_EVERY,
) -> int:
    """Write the rows as the report's CSV lines; ``on_rows(n)`` after each ``every`` rows and
    for the rest at the end. Returns the row count."""
    writer = csv.writer(stream, lineterminator=LINE_END)
    count = reported = 0
    for row in rows:
        writer.writerow(row)
        count += 1
        if count - reported == every:
            on_rows(every)
            reported = count
    if count > reported:
        on_rows(count - reported)
    return count


def begin_snapshot(database: str, busy_timeout_ms: int) -> sqlite3.Connection:
    """A connection to the database in a read transaction that has read once: from here on it
    sees the database as it was at this moment, whatever is committed later."""
    connection = sqlite3.connect(database, uri=True, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    return connection


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_part(request: dict[str, object]) -> int:
    connection = begin_snapshot(str(request["database"]), int(str(request["busy_timeout_ms"])))
    try:
        _say(READY)
        register_date_functions(connection)
        params = request["params"]
        assert isinstance(params, list)
        fd = request["fd"]
        assert isinstance(fd, int)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as output:
            rows = connection.execute(str(request["sql"]), params)
            return write_rows(rows, output, lambda n: _say(f"+{n}"))
    finally:
        connection.close()


def main() -> int:
    # The exporting process stops this one on Ctrl-C (it reaches the whole process group).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        count = run_part(json.loads(sys.stdin.readline()))
    except Exception as error:
        _say(f"{ERROR} {' '.join(str(error).split())}")
        return 1
    _say(f"{DONE} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
