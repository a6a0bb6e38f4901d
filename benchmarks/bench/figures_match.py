"""Matching figures: ``match`` against a lexical baseline, batch mode, indexing throughput
and ``dedupe``, with the synthetic vectors that stand in for a model's at large sizes.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from bench.data import reword
from bench.harness import (
    INFO,
    Bench,
    Measurement,
    NotAvailable,
    Target,
    median,
    p95,
    run_process,
    service,
)
from bench.settings import CLI_SAMPLES, MATCH_LIMIT, log


def figure_match(bench: Bench) -> None:
    figure = "match, 100 reworded claims"
    state: dict[str, Any] = {}

    def queries() -> list[tuple[str, str]]:
        """(uid of the original, reworded text) for the 100 kept claims."""
        if "queries" not in state:
            dataset = bench.dataset()
            rng = random.Random(bench.args.seed + 3)
            state["queries"] = [
                (
                    dataset.samples[line].uid,
                    reword(
                        dataset.samples[line].text,
                        dataset.vocabularies[dataset.samples[line].language],
                        rng,
                    ),
                )
                for line in dataset.match_lines
            ]
        result: list[tuple[str, str]] = state["queries"]
        return result

    def in_process() -> dict[str, Measurement]:
        # One matcher for all queries, as a long-running process would hold it: the model and
        # the vector index load once (the CLI figures below pay for loading them every time).
        open_matcher = service("factdb.services.matching.matcher", "open_matcher")
        from factdb.db import transaction

        def function(*, session: Session, text: str, limit: int) -> Sequence[Any]:
            if "matcher" not in state:
                state["matcher"] = open_matcher(session=session)
            state["matcher"].session = session
            hits: Sequence[Any] = state["matcher"].match(text, limit=limit)
            return hits

        expected = bench.expected_ids()
        log("match baseline (rapidfuzz over all texts) …")
        baseline_queries = queries()[: bench.baseline_queries()]
        base_median, base_p95, base_recall, load = rapidfuzz_baseline(
            bench.database(), baseline_queries, expected
        )
        log("factdb match (in process) …")
        engine = bench.engine()
        try:
            warm_text = queries()[0][1]
            started = time.perf_counter()
            with transaction(engine, write=False) as session:
                function(session=session, text=warm_text[::-1], limit=MATCH_LIMIT)
            first = (time.perf_counter() - started) * 1000
            timings: list[float] = []
            hits_at_5 = 0
            for uid, text in queries():
                started = time.perf_counter()
                with transaction(engine, write=False) as session:
                    hits = function(session=session, text=text, limit=MATCH_LIMIT)
                    ids = [int(hit.claim_id) for hit in hits]
                timings.append((time.perf_counter() - started) * 1000)
                hits_at_5 += expected.get(uid) in ids[:MATCH_LIMIT]
        finally:
            engine.dispose()
        recall = hits_at_5 / len(queries())
        note = (
            f"rapidfuzz ran {len(baseline_queries)} of the queries, after loading all texts "
            f"in {load:.1f} s (excluded); "
            f"first (warm-up) factdb query {first:.0f} ms"
        )
        return {
            "median": Measurement(median(timings), "ms", base_median, "rapidfuzz", note=note),
            "p95": Measurement(p95(timings), "ms", base_p95, "rapidfuzz"),
            "recall@5": Measurement(recall, "", base_recall, "rapidfuzz", ratio=False),
        }

    def cli() -> dict[str, Measurement]:
        database = bench.database()
        timings: list[float] = []
        for _, text in queries()[:CLI_SAMPLES]:
            result = run_process(
                bench.cli(
                    "--db",
                    str(database),
                    "match",
                    text,
                    "--limit",
                    str(MATCH_LIMIT),
                    "--format",
                    "json",
                ),
                bench.env,
            ).check("match")
            parsed = json.loads(result.stdout)
            if not isinstance(parsed, list) or any("id" not in hit for hit in parsed):
                raise RuntimeError("factdb match --format json did not print a list with ids")
            timings.append(result.seconds)
        return {
            "CLI process": Measurement(
                median(timings),
                "s",
                median(bench.import_line()),
                "import line",
                note=f"median of {len(timings)} `factdb match` processes",
            )
        }

    bench.part(
        figure,
        [
            ("median", Target("≤ 150 ms in process", "value", "<=", 150)),
            ("p95", Target("≤ 400 ms in process", "value", "<=", 400)),
            ("recall@5", Target("≥ 0.95", "value", ">=", 0.95)),
        ],
        in_process,
    )

    def batch() -> dict[str, Measurement]:
        path = bench.workdir / "match-queries.jsonl"
        # Each reworded claim five times over (distinct ids): 500 queries, so that loading the
        # model and the index once is spread as a desk's stream of posts would spread it.
        with path.open("w", encoding="utf-8") as handle:
            for round_number in range(BATCH_ROUNDS):
                for uid, text in queries():
                    line = {"id": f"{uid}-{round_number}", "text": text}
                    handle.write(json.dumps(line) + "\n")
        argv = bench.cli("--db", str(bench.database()), "match", "--queries", str(path))
        result = run_process([*argv, "--format", "jsonl"], bench.env).check("match --queries")
        answered = len(result.stdout.splitlines())
        if answered != BATCH_ROUNDS * len(queries()):
            raise RuntimeError(f"match --queries answered {answered} queries")
        return {
            "queries/s": Measurement(
                answered / result.seconds,
                "/s",
                None,
                "",
                ratio=False,
                note=f"{answered} queries in one process of {result.seconds:.1f} s, "
                "model and index loading included",
            )
        }

    bench.part("match", [("CLI process", Target("≤ 1.5x", "ratio", "<=", 1.5))], cli)
    bench.part("match --queries (batch)", [("queries/s", Target("≥ 50", "value", ">=", 50))], batch)


BATCH_ROUNDS = 5


def figure_index(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        if bench.args.synthetic_vectors:
            raise NotAvailable("--synthetic-vectors: `factdb index` was not run")
        result = bench.factdb_index()
        rate = bench.args.claims / result.seconds
        hours = 1_000_000 / rate / 3600
        note = (
            f"{bench.args.claims:,} claims in {result.seconds:.1f} s, peak RSS "
            f"{result.peak_rss_mb:.0f} MB; 1,000,000 claims at this rate: {hours:.1f} h "
            "(extrapolated)"
        )
        return {"claims/s": Measurement(rate, "/s", None, "", ratio=False, note=note)}

    bench.part("factdb index", [("claims/s", Target("≥ 100", "value", ">=", 100))], measure)


def figure_dedupe(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        argv = bench.cli("--db", str(bench.database()), "dedupe", "--format", "json")
        result = run_process(argv, bench.env).check("dedupe")
        clusters = len(json.loads(result.stdout))
        scaled = result.seconds * 100_000 / bench.args.claims
        note = f"{clusters} clusters; per 100,000 claims: {scaled:.0f} s (scaled linearly)"
        return {"time": Measurement(result.seconds, "s", None, "", ratio=False, note=note)}

    bench.part("factdb dedupe", [("time", INFO)], measure)


def rapidfuzz_baseline(
    database: Path, queries: Sequence[tuple[str, str]], expected: dict[str, int]
) -> tuple[float, float, float, float]:
    """Median and p95 latency (ms), recall@5 and load time (s) of rapidfuzz over every text.

    The texts go through rapidfuzz's ``default_process`` (lower case, no punctuation) once, at
    load time, and each query too, so the case changes in the reworded queries do not count.
    """
    try:
        from rapidfuzz import fuzz, process, utils
    except ImportError:
        raise NotAvailable("rapidfuzz is not installed (pip install rapidfuzz)") from None
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        ids: list[int] = []
        texts: list[str] = []
        for claim_id, text in connection.execute(
            "SELECT id, text FROM claims WHERE deleted_at IS NULL"
        ):
            ids.append(claim_id)
            texts.append(utils.default_process(text))
    finally:
        connection.close()
    load = time.perf_counter() - started
    timings: list[float] = []
    hits_at_5 = 0
    for uid, text in queries:
        started = time.perf_counter()
        best = process.extract(
            utils.default_process(text), texts, scorer=fuzz.WRatio, limit=MATCH_LIMIT
        )
        timings.append((time.perf_counter() - started) * 1000)
        hits_at_5 += expected.get(uid) in {ids[index] for _, _, index in best}
    return median(timings), p95(timings), hits_at_5 / len(queries), load
