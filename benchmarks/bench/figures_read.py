"""Export, report and search figures, each against a plain baseline in the same run."""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from bench.data import search_queries
from bench.figures_import import EXPORT_BASELINE_SQL
from bench.harness import (
    INFO,
    Bench,
    Measurement,
    SearchFunction,
    Target,
    median,
    p95,
    run_process,
    service,
    warm_file,
)
from bench.settings import CLI_SAMPLES, MIB, SEARCH_LIMIT, log


def export_baseline(database: Path, output: Path) -> tuple[float, int]:
    started = time.perf_counter()
    count = 0
    connection = sqlite3.connect(database)
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(("id", "uid", "text", "claimant", "claim_date", "language", "status"))
            for row in connection.execute(EXPORT_BASELINE_SQL):
                writer.writerow(row)
                count += 1
    finally:
        connection.close()
    return time.perf_counter() - started, count


def figure_export(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = bench.imported()
        warm_file(database)
        log("export baseline …")
        baseline, count = export_baseline(database, bench.workdir / "baseline-export.csv")
        log("factdb export --format csv …")
        output = bench.workdir / "factdb-export.csv"
        result = run_process(
            bench.cli("--db", str(database), "export", "--format", "csv", "--output", str(output)),
            bench.env,
        ).check("export")
        size = output.stat().st_size / MIB
        note = f"{count:,} rows; factdb's file {size:.0f} MB with all report columns"
        return {
            "time": Measurement(result.seconds, "s", baseline, "sqlite3 + csv", note=note),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "export --format csv",
        [
            ("time", Target("≤ 3x", "ratio", "<=", 3.0)),
            ("peak RSS", Target("≤ 150 MB", "value", "<=", 150)),
        ],
        measure,
    )


def figure_report(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = bench.database()
        warm_file(database)
        log("export baseline (for the report) …")
        baseline, count = export_baseline(database, bench.workdir / "baseline-report.csv")
        log("factdb report --format html …")
        output = bench.workdir / "factdb-report.html"
        result = run_process(
            bench.cli("--db", str(database), "report", "--output", str(output)), bench.env
        ).check("report")
        size = output.stat().st_size / MIB
        note = f"{count:,} claims; one self-contained page of {size:.0f} MB"
        return {
            "time": Measurement(result.seconds, "s", baseline, "sqlite3 + csv", note=note),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "report --format html",
        [("time", INFO), ("peak RSS", Target("≤ 150 MB", "value", "<=", 150))],
        measure,
    )


def like_baseline(database: Path, queries: Sequence[str]) -> tuple[list[float], int]:
    timings: list[float] = []
    found = 0
    connection = sqlite3.connect(database)
    try:
        for query in queries:
            words = query.split()
            where = " AND ".join("text LIKE ?" for _ in words)
            sql = f"SELECT id FROM claims WHERE {where} LIMIT {SEARCH_LIMIT}"
            started = time.perf_counter()
            rows = connection.execute(sql, [f"%{word}%" for word in words]).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            found += bool(rows)
    finally:
        connection.close()
    return timings, found


def figure_search(bench: Bench) -> None:
    figure = "search, 200 queries"
    state: dict[str, Any] = {}

    def queries() -> list[str]:
        if "queries" not in state:
            state["queries"] = search_queries(bench.dataset(), bench.args.seed)
        result: list[str] = state["queries"]
        return result

    def in_process() -> dict[str, Measurement]:
        search = service("factdb.services.matching.search", "search_claims")
        function: SearchFunction = search
        from factdb.db import transaction

        database = bench.database()
        log("search baseline (LIKE) …")
        like, like_found = like_baseline(database, queries())
        log("factdb search (in process) …")
        engine = bench.engine()
        try:
            started = time.perf_counter()
            with transaction(engine, write=False) as session:
                function(session=session, query="warm up", limit=SEARCH_LIMIT)
            first = (time.perf_counter() - started) * 1000
            timings: list[float] = []
            found = 0
            for query in queries():
                started = time.perf_counter()
                with transaction(engine, write=False) as session:
                    hits = function(session=session, query=query, limit=SEARCH_LIMIT)
                    ids = [int(hit.claim_id) for hit in hits]
                timings.append((time.perf_counter() - started) * 1000)
                found += bool(ids)
        finally:
            engine.dispose()
        total = len(queries())
        note = (
            f"queries with hits: factdb {found}/{total}, LIKE {like_found}/{total}; "
            f"first (warm-up) query {first:.0f} ms"
        )
        return {
            "median": Measurement(median(timings), "ms", median(like), "LIKE", note=note),
            "p95": Measurement(p95(timings), "ms", p95(like), "LIKE"),
        }

    def cli() -> dict[str, Measurement]:
        database = bench.database()
        timings: list[float] = []
        for query in queries()[:CLI_SAMPLES]:
            result = run_process(
                bench.cli(
                    "--db",
                    str(database),
                    "search",
                    query,
                    "--limit",
                    str(SEARCH_LIMIT),
                    "--format",
                    "json",
                ),
                bench.env,
            ).check("search")
            parsed = json.loads(result.stdout)
            if not isinstance(parsed, list):
                raise RuntimeError("factdb search --format json did not print a JSON list")
            timings.append(result.seconds)
        return {
            "CLI process": Measurement(
                median(timings),
                "s",
                median(bench.import_line()),
                "import line",
                note=f"median of {len(timings)} `factdb search` processes",
            )
        }

    bench.part(
        figure,
        [
            ("median", Target("≤ 10 ms in process", "value", "<=", 10)),
            ("p95", Target("≤ 100 ms in process", "value", "<=", 100)),
        ],
        in_process,
    )
    bench.part("search", [("CLI process", INFO)], cli)
