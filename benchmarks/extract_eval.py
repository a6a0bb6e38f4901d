#!/usr/bin/env python3
"""Claim extraction against its gold annotations: per text and overall, with the targets.

The gold texts are the seed article (its claims.json is the annotation) and the short news texts
in tests/data/extract/. For each it prints precision, recall and F1 of candidate detection and the
claimant accuracy on the claims found, then the time to extract the seed article, and a pass/fail
line per target. Exits 1 when a target fails. A gold claim is found when a candidate overlaps at
least half of its span (the issue's definition, on which the targets are judged); the column
"R 1:1" is the recall when each candidate may find only one gold claim, for information.

    .venv/bin/python benchmarks/extract_eval.py
    .venv/bin/python benchmarks/extract_eval.py --min-score 0.4 --json-output eval.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from factdb.extraction import DEFAULT_MIN_SCORE, extract_claims
from factdb.extraction.evaluation import (
    GoldText,
    TextScore,
    load_gold,
    load_seed_gold,
    overall,
    score_text,
)
from factdb.resources import seeds_dir

GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "extract"
SEED_NAME = "sputnik-2023-12-29-middle-east-quartet"
TIMING_RUNS = 20


@dataclass(frozen=True)
class Target:
    label: str
    value: float
    threshold: float
    at_most: bool = False

    @property
    def met(self) -> bool:
        return self.value <= self.threshold if self.at_most else self.value >= self.threshold


def gold_texts() -> list[GoldText]:
    return [load_seed_gold(seeds_dir() / SEED_NAME)] + [
        load_gold(path) for path in sorted(GOLD_DIR.glob("*.json"))
    ]


def evaluate(min_score: float) -> tuple[list[TextScore], float]:
    """Each text's scores, and the median time to extract the seed article in milliseconds."""
    texts = gold_texts()
    scores = [
        score_text(gold, extract_claims(gold.text, publisher=gold.publisher, min_score=min_score))
        for gold in texts
    ]
    seed = texts[0]
    timings = []
    for _ in range(TIMING_RUNS):
        started = time.perf_counter()
        extract_claims(seed.text, publisher=seed.publisher, min_score=min_score)
        timings.append((time.perf_counter() - started) * 1000)
    return scores, statistics.median(timings)


def targets(scores: list[TextScore], seed_ms: float) -> list[Target]:
    seed, pooled = scores[0], overall(scores)
    return [
        Target("seed recall", seed.recall, 0.9),
        Target("seed precision", seed.precision, 0.75),
        Target("seed claimant accuracy", seed.claimant_accuracy, 0.85),
        Target("all texts F1", pooled.f1, 0.8),
        Target("seed extraction time (ms)", seed_ms, 100.0, at_most=True),
    ]


def print_report(scores: list[TextScore], seed_ms: float, goals: list[Target]) -> None:
    header = (
        f"{'text':<42} {'gold':>4} {'cand':>4} {'P':>6} {'R':>6} {'F1':>6} {'claimant':>8} "
        f"{'R 1:1':>6}"
    )
    print(header)
    print("-" * len(header))
    for item in [*scores, overall(scores)]:
        print(
            f"{item.name:<42} {item.gold:>4} {item.candidates:>4} {item.precision:>6.3f} "
            f"{item.recall:>6.3f} {item.f1:>6.3f} {item.claimant_accuracy:>8.3f} "
            f"{item.recall_one_to_one:>6.3f}"
        )
    print(f"\nseed article extracted in {seed_ms:.1f} ms (median of {TIMING_RUNS} runs)\n")
    for goal in goals:
        sign = "<=" if goal.at_most else ">="
        verdict = "PASS" if goal.met else "FAIL"
        print(f"{verdict}  {goal.label}: {goal.value:.3f} (target {sign} {goal.threshold:g})")


def as_json(scores: list[TextScore], seed_ms: float, goals: list[Target]) -> dict[str, object]:
    def row(item: TextScore) -> dict[str, object]:
        return {
            "text": item.name,
            "gold": item.gold,
            "candidates": item.candidates,
            "precision": item.precision,
            "recall": item.recall,
            "f1": item.f1,
            "claimant_accuracy": item.claimant_accuracy,
            "recall_one_to_one": item.recall_one_to_one,
        }

    return {
        "texts": [row(item) for item in scores],
        "overall": row(overall(scores)),
        "seed_ms": seed_ms,
        "targets": [
            {
                "target": goal.label,
                "value": goal.value,
                "threshold": goal.threshold,
                "met": goal.met,
            }
            for goal in goals
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE)
    parser.add_argument("--json-output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    scores, seed_ms = evaluate(args.min_score)
    goals = targets(scores, seed_ms)
    print_report(scores, seed_ms, goals)
    if args.json_output is not None:
        report = as_json(scores, seed_ms, goals)
        args.json_output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(goal.met for goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
