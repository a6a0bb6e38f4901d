"""Where the time of ``factdb import`` goes, by component, against the executemany baseline.

    python benchmarks/profile_import.py --claims 100000
    python benchmarks/profile_import.py --claims 100000 --postgres-url postgresql://…/postgres

Generates the benchmark's synthetic collection, imports it once under cProfile into a fresh
database, and groups the profile's own time by component: JSON decoding, validation (Pydantic and
factdb's validators), value conversion, SQLAlchemy, the database engine itself (indexes, triggers
and full-text search included), and the importer's own bookkeeping. Each is printed in
microseconds per claim next to the whole baseline (``json.loads`` plus ``sqlite3.executemany`` of
five columns into one plain table), so the distance to the issue's target is visible part by part.
The profiler slows Python code more than C code: read the shares, not the absolute total.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench.data import generate  # the benchmark's own generator
from bench.figures_import import executemany_baseline

# (component, substrings of "file:function" that place a profile entry in it), first match wins.
COMPONENTS: list[tuple[str, tuple[str, ...]]] = [
    ("database engine", ("sqlite3.Cursor", "sqlite3.Connection", "psycopg/", "psycopg_binary")),
    ("JSON decoding", ("json/decoder", "json/__init__", "jsonl_records")),
    ("validation", ("pydantic", "factdb/schemas/", "urllib/parse", "unicodedata", "langcodes")),
    ("value conversion", ("factdb/services/bulk", "factdb/models", "uuid.py", "datetime")),
    ("SQLAlchemy", ("sqlalchemy/",)),
    ("importer bookkeeping", ("factdb/services/importing", "factdb/ratings", "hashlib")),
]
OTHER = "other (start-up, imports, CLI)"


def component_of(location: str) -> str:
    for name, markers in COMPONENTS:
        if any(marker in location for marker in markers):
            return name
    return OTHER


def profile_import(jsonl: Path, database_url: str) -> pstats.Stats:
    from factdb.cli.app import main

    arguments = ["factdb", "--db", database_url, "db", "upgrade"]
    _run_cli(main, arguments)
    profiler = cProfile.Profile()
    profiler.enable()
    _run_cli(main, ["factdb", "--db", database_url, "import", str(jsonl)])
    profiler.disable()
    return pstats.Stats(profiler)


def _run_cli(main: object, argv: list[str]) -> None:
    sys.argv = argv
    try:
        main()  # type: ignore[operator]
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise RuntimeError(f"{' '.join(argv[3:])} failed with exit code {exit_.code}") from None


def by_component(stats: pstats.Stats) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    entries = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, own_time, _ct, callers) in entries.items():
        component = component_of(f"{filename}:{function}")
        if component != OTHER or filename != "~" or not callers:
            totals[component] += own_time
            continue
        # A built-in (str.split, isinstance, …) counts for the component that called it.
        for (caller_file, _, caller_function), caller_entry in callers.items():
            totals[component_of(f"{caller_file}:{caller_function}")] += caller_entry[2]
    return dict(totals)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--postgres-url", help="profile a PostgreSQL import into a new database")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="factdb-profile-") as work:
        directory = Path(work)
        dataset = generate(directory, args.claims, args.seed)
        baseline = executemany_baseline(dataset, directory / "baseline.sqlite3")
        if args.postgres_url:
            with _fresh_postgres_database(args.postgres_url) as url:
                stats = profile_import(dataset.jsonl, url)
        else:
            stats = profile_import(dataset.jsonl, str(directory / "factdb.sqlite3"))
    totals = by_component(stats)
    overall = sum(totals.values())
    per_claim = 1e6 / args.claims
    print(f"factdb import of {args.claims:,} claims under cProfile: {overall:.1f} s")
    print(f"baseline (json.loads + executemany, no profiler): {baseline * per_claim:.1f} µs/claim")
    print()
    print(f"{'component':<32} {'µs/claim':>9} {'share':>7}")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"{name:<32} {seconds * per_claim:>9.1f} {seconds / overall:>7.1%}")


@contextmanager
def _fresh_postgres_database(server_url: str) -> Iterator[str]:
    import uuid

    from sqlalchemy import create_engine, make_url, text

    name = f"factdb_profile_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


if __name__ == "__main__":
    main()
