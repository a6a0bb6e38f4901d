"""PostgreSQL: factdb's import against a raw COPY, with the server's CPU beside factdb's."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from bench.data import Dataset
from bench.harness import (
    Bench,
    Measurement,
    NotAvailable,
    Skipped,
    Target,
    last_line,
    run_process,
    warm_file,
    with_database,
)
from bench.settings import log, mask


def figure_postgres(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        try:
            import psycopg
        except ImportError:
            raise NotAvailable("psycopg is not installed") from None
        url: str = bench.args.postgres_url
        try:
            admin = psycopg.connect(url, autocommit=True, connect_timeout=3)
        except psycopg.Error as error:
            reason = f"no PostgreSQL server answers at {mask(url)} ({last_line(str(error))})"
            raise Skipped(reason) from None
        suffix = f"{os.getpid()}_{int(time.time())}"
        factdb_db, copy_db = f"factdb_bench_{suffix}", f"factdb_bench_copy_{suffix}"
        created: list[str] = []
        try:
            for name in (factdb_db, copy_db):
                admin.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
            dataset = bench.dataset()
            factdb_url = with_database(url, factdb_db)
            bench.prepare_schema(factdb_url)
            warm_file(dataset.jsonl)
            log("PostgreSQL COPY baseline …")
            baseline = copy_baseline(with_database(url, copy_db), dataset)
            log("factdb import (PostgreSQL) …")
            server_before = postgres_cpu_seconds()
            result = run_process(
                bench.cli("--db", factdb_url, "import", "--no-index", str(dataset.jsonl)),
                bench.env,
            ).check("import")
            server_after = postgres_cpu_seconds()
        finally:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
        return {
            "time": Measurement(
                result.seconds,
                "s",
                baseline,
                "COPY",
                note=f"factdb CPU {result.cpu_seconds:.0f} s, "
                f"peak RSS {result.peak_rss_mb:.0f} MB; "
                + (
                    f"server CPU {server_after - server_before:.0f} s during the import"
                    if server_before is not None and server_after is not None
                    else "server CPU unknown"
                ),
            )
        }

    bench.part("import JSONL, PostgreSQL", [("time", Target("≤ 8x", "ratio", "<=", 8))], measure)


def postgres_cpu_seconds() -> float | None:
    """CPU seconds (user + system) used so far by this machine's PostgreSQL server processes,
    read from /proc; None where there is no /proc. A shared server's other work counts too.

    A connection's backend exits when the import ends, so its CPU is no longer its own: the
    kernel adds it to the postmaster's reaped-children fields (cutime, cstime), which are
    counted here beside each live process's own time."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return None
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rfind(")") + 2 :].split()
            own, reaped_children = fields[11:13], fields[13:15]  # utime stime, cutime cstime
            total += sum(int(value) for value in (*own, *reaped_children))
    return total / ticks


def copy_baseline(url: str, dataset: Dataset) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE claims (id bigserial PRIMARY KEY, text text NOT NULL, claimant text, "
            "claim_date date, language text, source_url text)"
        )
        with cursor.copy(
            "COPY claims (text, claimant, claim_date, language, source_url) FROM STDIN"
        ) as copy:
            for row in dataset.rows():
                copy.write_row(row)
        connection.commit()
    return time.perf_counter() - started
