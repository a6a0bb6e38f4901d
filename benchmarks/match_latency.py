#!/usr/bin/env python3
"""`match` at a million claims, without hours of importing and indexing first.

benchmarks/run.py measures `match` on a collection imported through factdb and indexed with
`factdb index`; at 1,000,000 claims that is about 20 minutes of import and about an hour of
embedding on this 2-core machine. This script builds the same kind of database directly: the
claims of a run.py collection (its claims.jsonl, or generated) are inserted with SQL into a
database at factdb's schema (the full-text index fills through its triggers), and the vectors
come from `bench.vectors.fill_synthetic_vectors` (a few thousand claims embedded with the model,
the others noisy copies of those). Then, against the import line measured in the same run:

- one `factdb match TEXT` process (median of several; the first process after the vectors were
  written makes the vector file and is reported apart);
- batch mode: 500 queries in one `factdb match --queries FILE --format jsonl` command (its
  worker processes included: one per core, as a file is answered by default).

The latency is what this measures: match quality on synthetic vectors means nothing.

    .venv/bin/python benchmarks/match_latency.py --claims 1000000 --jsonl claims.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench.data import generate
from bench.harness import compile_factdb_bytecode
from bench.settings import DEFAULT_SEED, log
from bench.vectors import fill_synthetic_vectors

FACTDB_WRITER = 1717658484  # the user_version factdb's own writes set (no "direct SQL" history)
QUERIES = 100
BATCH_ROUNDS = 5


def timed(argv: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed: {result.stderr[-2000:]}")
    return seconds, result.stdout


def build(database: Path, jsonl: Path, claims: int, factdb: str, env: dict[str, str]) -> None:
    timed([factdb, "--db", str(database), "db", "upgrade"], env)
    now = "2026-11-29 08:00:00.000000"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute(f"PRAGMA user_version = {FACTDB_WRITER}")
        connection.execute("PRAGMA synchronous = OFF")
        rows = []
        with jsonl.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if number > claims:
                    break
                record = json.loads(line)
                text = record["text"]
                rows.append(
                    (
                        number,
                        uuid.UUID(record["uid"]).hex,
                        text,
                        hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        record.get("language"),
                        "unverified",
                        now,
                        now,
                    )
                )
                if len(rows) == 50_000:
                    insert(connection, rows)
                    rows = []
                    log(f"  {number:,} claims")
        insert(connection, rows)
        connection.execute("PRAGMA user_version = 0")
        connection.commit()


def insert(connection: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO claims (id, uid, text, fingerprint, language, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--jsonl", type=Path, help="a run.py claims.jsonl (else generated)")
    parser.add_argument("--real-vectors", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the database here, reuse it if present")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    compile_factdb_bytecode()
    factdb = str(Path(sys.executable).with_name("factdb"))
    env = dict(os.environ)
    workdir = Path(tempfile.mkdtemp(prefix="factdb-latency-"))
    try:
        database = args.keep or workdir / "factdb.sqlite3"
        jsonl = args.jsonl
        if jsonl is None:
            jsonl = generate(workdir, args.claims, args.seed).jsonl
        rng = random.Random(args.seed)
        picked = sorted(rng.sample(range(1, args.claims + 1), QUERIES))
        if not database.exists():
            log(f"inserting {args.claims:,} claims …")
            started = time.perf_counter()
            build(database, jsonl, args.claims, factdb, env)
            log(f"  {time.perf_counter() - started:.0f} s; synthetic vectors …")
            fill_synthetic_vectors(database, args.real_vectors, set(picked), args.seed)
        with contextlib.closing(sqlite3.connect(database)) as connection:
            texts = [
                connection.execute("SELECT text FROM claims WHERE id = ?", (claim_id,)).fetchone()[
                    0
                ]
                for claim_id in picked
            ]
        # A reworded query: every fourth word dropped.
        queries = [" ".join(w for i, w in enumerate(t.split()) if i % 4 != 3) for t in texts]
        argv_line = [sys.executable, "-c", "import typer, sqlalchemy.orm, pydantic"]
        timed(argv_line, env)
        line = [timed(argv_line, env)[0] for _ in range(args.repeat)]
        match = [factdb, "--db", str(database), "match"]
        first, _ = timed([*match, queries[0], "--format", "json"], env)
        single = []
        hits = 0
        for claim_id, query in zip(picked[1 : args.repeat + 1], queries[1:], strict=False):
            seconds, out = timed([*match, query, "--format", "json"], env)
            single.append(seconds)
            hits += claim_id in [hit["id"] for hit in json.loads(out)]
        batch_input = "".join(
            json.dumps({"id": f"{claim_id}-{r}", "text": query}) + "\n"
            for r in range(BATCH_ROUNDS)
            for claim_id, query in zip(picked, queries, strict=True)
        )
        # From a file, as a desk's collected posts are: batch mode then uses every core.
        batch_file = workdir / "queries.jsonl"
        batch_file.write_text(batch_input, encoding="utf-8")
        seconds, out = timed([*match, "--queries", str(batch_file), "--format", "jsonl"], env)
        answered = len(out.splitlines())
        report = {
            "claims": args.claims,
            "import line (median s)": round(statistics.median(line), 3),
            "first match after new vectors (makes the vector file), s": round(first, 2),
            "match process (median s)": round(statistics.median(single), 3),
            "match / import line": round(statistics.median(single) / statistics.median(line), 2),
            "single-process hits (original claim in top 5)": f"{hits}/{len(single)}",
            "batch queries": answered,
            "batch seconds (loading included)": round(seconds, 1),
            "batch queries/s": round(answered / seconds, 1),
            "load average": os.getloadavg(),
        }
        print(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
