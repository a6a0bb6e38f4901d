"""The command line: which figures to run, the machine they ran on, the report and its JSON."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from bench.figures_commands import figure_help, figure_show, figure_stats, figure_verify
from bench.figures_import import (
    figure_import,
    figure_import_embeddings,
    figure_import_schema_baseline,
    figure_import_sqlite_utils,
)
from bench.figures_match import figure_dedupe, figure_index, figure_match
from bench.figures_postgres import figure_postgres
from bench.figures_read import figure_export, figure_report, figure_search
from bench.harness import (
    Bench,
    Row,
    compile_factdb_bytecode,
    factdb_executable,
    load_average,
    machine,
    print_table,
)
from bench.settings import DEFAULT_CLAIMS, DEFAULT_POSTGRES_URL, DEFAULT_SEED, log

FIGURES: dict[str, Callable[[Bench], None]] = {
    "import": figure_import,
    "import-sqlite-utils": figure_import_sqlite_utils,
    "import-schema": figure_import_schema_baseline,
    "import-embeddings": figure_import_embeddings,
    "export": figure_export,
    "report": figure_report,
    "search": figure_search,
    "match": figure_match,
    "index": figure_index,
    "dedupe": figure_dedupe,
    "stats": figure_stats,
    "show": figure_show,
    "verify": figure_verify,
    "help": figure_help,
    "postgres": figure_postgres,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure factdb against baselines on a synthetic collection of claims.",
    )
    parser.add_argument(
        "--claims",
        type=int,
        default=DEFAULT_CLAIMS,
        help="claims to generate (default: %(default)s)",
    )
    parser.add_argument(
        "--only",
        type=figure_list,
        default=list(FIGURES),
        metavar="NAME,...",
        help=f"run only these figures: {', '.join(FIGURES)}",
    )
    parser.add_argument(
        "--json-output",
        type=Path,
        help="write the results here (default: a new factdb-bench-*.json in the system temp dir)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument(
        "--tmp-dir", type=Path, help="where to create the working directory (default: system temp)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("FACTDB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server for the PostgreSQL import (default: %(default)s; "
        "env FACTDB_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--repeat", type=int, default=10, help="runs per process timing (default: %(default)s)"
    )
    parser.add_argument(
        "--baseline-queries",
        type=int,
        metavar="N",
        help="match queries the rapidfuzz baseline runs, 10-100 "
        "(default: 200000 / claims within those bounds)",
    )
    parser.add_argument(
        "--embedding-claims",
        type=int,
        default=20_000,
        metavar="N",
        help="claims (the first N) of the import with embeddings against --no-index "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--synthetic-vectors",
        type=int,
        metavar="N",
        help="latency runs at large sizes: embed N claims (and the match targets) with the "
        "model and give the others noisy copies of those vectors instead of `factdb index`",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="generator seed (default: %(default)s)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a figure could not be measured (n/a or skipped); default: exit 0",
    )
    args = parser.parse_args(argv)
    if args.claims < 1:
        parser.error("--claims must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def figure_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FIGURES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown figure {', '.join(unknown) or '(none)'}; choose from {', '.join(FIGURES)}"
        )
    return names


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    compile_factdb_bytecode()
    if args.tmp_dir is not None:
        args.tmp_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="factdb-bench-", dir=args.tmp_dir))
    if args.json_output is None:
        handle, name = tempfile.mkstemp(prefix="factdb-bench-", suffix=".json")
        os.close(handle)
        args.json_output = Path(name)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FACTDB_") or key == "FACTDB_BENCH_POSTGRES_URL"
    }
    env.update({"FACTDB_HOME": str(workdir / "home"), "FACTDB_REVIEWER": "bench", "NO_COLOR": "1"})
    bench = Bench(args=args, workdir=workdir, factdb=factdb_executable(), env=env)
    started = time.perf_counter()
    load_at_start = load_average()
    dataset: dict[str, Any] | None = None
    try:
        for name in FIGURES:
            if name in args.only:
                log(f"[{name}]")
                FIGURES[name](bench)
        if bench.generated is not None:
            dataset = bench.generated.describe()
    finally:
        if args.keep:
            log(f"kept the working directory {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "claims": args.claims,
        "seed": args.seed,
        "figures": args.only,
        "machine": machine(),
        "dataset": dataset,
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": {"start": load_at_start, "end": load_average()},
        "rows": [asdict(row) for row in bench.rows],
    }
    print_report(report, bench.rows)
    args.json_output.parent.mkdir(parents=True, exist_ok=True)
    args.json_output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults written to {args.json_output}")
    # --strict: a figure that could not be measured fails the run (a target missed is reported).
    unmeasured = [row for row in bench.rows if row.result in ("n/a", "skip")]
    if args.strict and unmeasured:
        names = ", ".join(sorted({row.figure for row in unmeasured}))
        print(f"--strict: not measured: {names}", file=sys.stderr)
        return 1
    return 0


def print_report(report: dict[str, Any], rows: Sequence[Row]) -> None:
    info = report["machine"]
    print(
        f"\nfactdb {info['factdb']} benchmarks: {report['claims']:,} claims, seed {report['seed']}"
    )
    print(
        f"machine: {info['platform']}; {info['cpu']}; {info['cpu_count']} CPUs; "
        f"{info['memory_gb']} GB; Python {info['python']}; SQLite {info['sqlite']}"
    )
    if report["dataset"]:
        data = report["dataset"]
        print(
            f"data: {data['claims']:,} claims, {data['claimants']:,} claimants, "
            f"{data['sources']:,} sources, {data['reviewed_claims']:,} reviewed claims with "
            f"{data['reviews']:,} reviews; generated in {data['generation_seconds']} s"
        )
    load = report["load_average"]
    print(
        f"run: {report['seconds']} s; load average {load['start']} at start, {load['end']} at end"
    )
    busy = [
        value
        for value in load.values()
        if value is not None and value > (info["cpu_count"] or 1) / 2
    ]
    if busy:
        print("warning: other work was running on this machine; the timings are noisy")
    print()
    print_table(rows, sys.stdout)
