"""Import figures: factdb's import against a raw 4-column ``executemany``, a raw script writing
factdb's own schema, ``sqlite-utils insert``, and the import with embeddings.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from bench.data import Dataset
from bench.harness import (
    Bench,
    Measurement,
    NotAvailable,
    ProcessResult,
    Target,
    last_line,
    run_process,
    warm_file,
)
from bench.settings import log


def executemany_baseline(dataset: Dataset, path: Path) -> float:
    """Parse the same JSON Lines and insert the claim rows into one plain table, one transaction."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "CREATE TABLE claims (id INTEGER PRIMARY KEY, text TEXT NOT NULL, claimant TEXT, "
            "claim_date TEXT, language TEXT, source_url TEXT)"
        )
        with connection:
            connection.executemany(
                "INSERT INTO claims (text, claimant, claim_date, language, source_url) "
                "VALUES (?, ?, ?, ?, ?)",
                dataset.rows(),
            )
    finally:
        connection.close()
    return time.perf_counter() - started


SQLITE_WRITER_MARK = 1717658484  # factdb.db.SQLITE_WRITER_MARK: factdb's own writes


SCHEMA_BASELINE_BATCH = 1_000


def schema_baseline(dataset: Dataset, path: Path) -> float:
    """The fair baseline: a plain ``sqlite3`` script that parses the same JSON Lines and writes the
    same rows factdb writes (claimants, sources, claims, appearances, tags, reviews, one history
    entry per claim) into factdb's own migrated schema, with every index and trigger the
    migrations leave (full text, counts, history guards) live, in one transaction.

    It skips what makes factdb an importer (validation, normalisation, merging with rows already
    there, rating maps), so the ratio to it is the price of those.
    """
    started = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    claimants: dict[str, int] = {}
    sources: dict[str, int] = {}
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"PRAGMA user_version = {SQLITE_WRITER_MARK}")
        claim_id = review_id = appearance_id = 0
        batch: dict[str, list[tuple[Any, ...]]] = {name: [] for name in SCHEMA_BASELINE_SQL}

        def flush() -> None:
            for name, statement in SCHEMA_BASELINE_SQL.items():
                if batch[name]:
                    connection.executemany(statement, batch[name])
                    batch[name].clear()

        with dataset.jsonl.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                claim_id += 1
                claimant = record.get("claimant")
                claimant_id = None
                if claimant:
                    key = claimant["name"].casefold()
                    claimant_id = claimants.get(key)
                    if claimant_id is None:
                        claimant_id = claimants[key] = len(claimants) + 1
                        batch["claimants"].append(
                            (
                                claimant_id,
                                claimant["name"],
                                key,
                                claimant.get("kind", "unknown"),
                                now,
                            )
                        )
                text = record["text"]
                batch["claims"].append(
                    (
                        claim_id,
                        uuid.UUID(record["uid"]).hex,
                        text,
                        hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest(),
                        claimant_id,
                        record.get("claim_date"),
                        record.get("language"),
                        now,
                        now,
                    )
                )
                batch["claim_tags"].extend((claim_id, tag) for tag in record.get("tags", ()))
                for appearance in record.get("appearances", ()):
                    source = appearance["source"]
                    source_id = sources.get(source["url"])
                    if source_id is None:
                        source_id = sources[source["url"]] = len(sources) + 1
                        batch["sources"].append(
                            (
                                source_id,
                                source["url"],
                                source.get("title"),
                                source.get("publisher"),
                                now,
                            )
                        )
                    appearance_id += 1
                    batch["appearances"].append((appearance_id, claim_id, source_id, now))
                for review in record.get("reviews", ()):
                    review_id += 1
                    reviewed_at = review.get("reviewed_at")
                    batch["reviews"].append(
                        (
                            review_id,
                            claim_id,
                            review.get("rating_label") or "",
                            review.get("reviewer") or "unknown",
                            reviewed_at.replace("T", " ").rstrip("Z") if reviewed_at else None,
                            review.get("url"),
                            now,
                        )
                    )
                changes = {"created": True, "tags_added": record.get("tags", [])}
                batch["claim_history"].append(
                    (claim_id, "imported", "bench", now, json.dumps(changes))
                )
                if claim_id % SCHEMA_BASELINE_BATCH == 0:
                    flush()
        flush()
        connection.execute("PRAGMA user_version = 0")
        connection.execute("COMMIT")
    finally:
        connection.close()
    return time.perf_counter() - started


SCHEMA_BASELINE_SQL = {
    "claimants": "INSERT INTO claimants (id, name, name_key, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?)",
    "sources": "INSERT INTO sources (id, url, title, publisher, created_at) VALUES (?, ?, ?, ?, ?)",
    "claims": "INSERT INTO claims (id, uid, text, fingerprint, claimant_id, claim_date, language, "
    "status, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'unverified', ?, ?, 1)",
    "claim_tags": "INSERT OR IGNORE INTO claim_tags (claim_id, tag) VALUES (?, ?)",
    "appearances": "INSERT INTO appearances (id, claim_id, source_id, created_at) "
    "VALUES (?, ?, ?, ?)",
    "reviews": "INSERT INTO reviews (id, claim_id, status, status_basis, rating_label, reviewer, "
    "reviewed_at, url, created_at) VALUES (?, ?, 'false', 'given', ?, ?, ?, ?, ?)",
    "claim_history": "INSERT INTO claim_history (claim_id, action, actor, at, changes) "
    "VALUES (?, ?, ?, ?, ?)",
}


def figure_import_schema_baseline(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        target = bench.workdir / "baseline-schema.sqlite3"
        bench.prepare_schema(str(target))
        warm_file(dataset.jsonl)
        log("raw sqlite3 into factdb's schema baseline …")
        baseline = schema_baseline(dataset, target)
        result = bench.factdb_import()
        rate = f"raw script {dataset.claims / baseline:,.0f} claims/s"
        return {
            "time": Measurement(
                result.seconds, "s", baseline, "sqlite3 into factdb's schema", note=rate
            )
        }

    bench.part(
        "import vs raw sqlite3, same schema",
        [("time", Target("— (reported)"))],
        measure,
    )


def figure_import_embeddings(bench: Bench) -> None:
    """Import with sentence embeddings (the default) against --no-index, on the same records."""

    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        count = min(dataset.claims, bench.args.embedding_claims)
        subset = bench.workdir / f"claims-{count}.jsonl"
        with dataset.jsonl.open(encoding="utf-8") as source, subset.open("w") as target:
            for _, line in zip(range(count), source, strict=False):
                target.write(line)
        timings: dict[str, ProcessResult] = {}
        for name, options in (("without", ["--no-index"]), ("with", [])):
            database = bench.workdir / f"embeddings-{name}.sqlite3"
            bench.prepare_schema(str(database))
            log(f"factdb import {count:,} claims {name} embeddings …")
            argv = bench.cli("--db", str(database), "import", *options, str(subset))
            timings[name] = run_process(argv, bench.env).check("import")
        with_rate = count / timings["with"].seconds
        without_rate = count / timings["without"].seconds
        note = (
            f"{count:,} claims: {with_rate:,.0f} claims/s with embeddings, "
            f"{without_rate:,.0f} without"
        )
        return {
            "time": Measurement(
                timings["with"].seconds,
                "s",
                timings["without"].seconds,
                "import --no-index",
                note=note,
            ),
            "peak RSS": Measurement(timings["with"].peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "import with embeddings",
        [
            ("time", Target("— (reported)")),
            ("peak RSS", Target("— (reported)")),
        ],
        measure,
    )


def figure_import(bench: Bench) -> None:
    figure = "import JSONL, SQLite"

    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        warm_file(dataset.jsonl)
        log("executemany baseline …")
        baseline = executemany_baseline(dataset, bench.workdir / "baseline-executemany.sqlite3")
        result = bench.factdb_import()
        rate = f"{dataset.claims / result.seconds:,.0f} claims/s"
        return {
            "time": Measurement(
                result.seconds, "s", baseline, "executemany", note=f"factdb imports {rate}"
            ),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        figure,
        [
            ("time", Target("≤ 5x", "ratio", "<=", 5.0)),
            ("peak RSS", Target("≤ 250 MB", "value", "<=", 250)),
        ],
        measure,
    )


def figure_import_sqlite_utils(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        executable = Path(sys.executable).parent / "sqlite-utils"
        if not executable.exists():
            found = shutil.which("sqlite-utils")
            if found is None:
                raise NotAvailable("sqlite-utils is not installed (pip install sqlite-utils)")
            executable = Path(found)
        warm_file(dataset.csv)
        log("sqlite-utils insert baseline …")
        target = bench.workdir / "baseline-sqlite-utils.sqlite3"
        argv = [str(executable), "insert", str(target), "claims", str(dataset.csv), "--csv"]
        baseline = run_process(argv, bench.env)
        if baseline.returncode != 0:
            raise RuntimeError(
                f"sqlite-utils exited {baseline.returncode}: {last_line(baseline.stderr)}"
            )
        result = bench.factdb_import()
        return {
            "time": Measurement(
                result.seconds,
                "s",
                baseline.seconds,
                "sqlite-utils",
                note=f"sqlite-utils peak RSS {baseline.peak_rss_mb:.0f} MB",
            )
        }

    bench.part(
        "import vs sqlite-utils",
        [("time", Target("< 1x (faster)", "ratio", "<=", 1.0))],
        measure,
    )


EXPORT_BASELINE_SQL = """
SELECT c.id, c.uid, c.text, cl.name, c.claim_date, c.language, c.status
FROM claims AS c LEFT JOIN claimants AS cl ON cl.id = c.claimant_id
WHERE c.deleted_at IS NULL
ORDER BY c.id
"""
