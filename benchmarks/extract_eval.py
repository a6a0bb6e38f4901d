#!/usr/bin/env python3
"""Claim extraction on its development texts: the seed article and five short news texts.

DEVELOPMENT FIGURES ONLY. The seed article's annotation (its claims.json) and the texts in
benchmarks/gold/ were written by this project's team, and the rules were developed while looking
at them, so these figures say whether the rules still work, not how well they work on news in
general. Figures on data the rules and the model never saw come from
benchmarks/train_checkworthiness.py (its check parts) and benchmarks/polnear_eval.py (PolNeAR's
dev split); the README reports only those.

For each text it prints the one-to-one recall (each candidate may find at most one gold claim)
and the span overlap (mean intersection-over-union of those pairs) first, then precision, the
lenient recall (a gold claim is found when a candidate overlaps half of it) and the claimant
accuracy on the claims found, then the time to extract the seed article, and a pass/fail line per
target (the seed's claims and claimants among all units, at minimum score 0). Exits 1 when a
target fails.

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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluation import (
    GoldText,
    TextScore,
    load_gold,
    load_seed_gold,
    overall,
    score_text,
)

from factdb.extraction import DEFAULT_MIN_SCORE, extract_claims
from factdb.resources import seeds_dir

GOLD_DIR = Path(__file__).resolve().parent / "gold"
SEED_NAME = "sputnik-2023-12-29-middle-east-quartet"
TIMING_RUNS = 5


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


def seed_units() -> TextScore:
    """The seed scored on every unit the extractor proposes, whatever its score."""
    seed = gold_texts()[0]
    return score_text(seed, extract_claims(seed.text, publisher=seed.publisher, min_score=0.0))


def targets(seed: TextScore) -> list[Target]:
    """The seed article must stay right: all its claims among the units the extractor reads,
    with their claimants (whatever the model scores them: the threshold is the user's)."""
    return [
        Target("seed recall", seed.recall, 0.9),
        Target("seed claimant accuracy", seed.claimant_accuracy, 0.85),
        Target("seed one-to-one recall", seed.recall_one_to_one, 0.6),
    ]


def print_report(scores: list[TextScore], seed_ms: float, goals: list[Target]) -> None:
    header = (
        f"{'text':<42} {'gold':>4} {'cand':>4} {'R 1:1':>6} {'overlap':>7} {'P':>6} {'R':>6} "
        f"{'claimant':>8}"
    )
    print("development texts (written by the team; not a quality figure)")
    print(header)
    print("-" * len(header))
    for item in [*scores, overall(scores)]:
        print(
            f"{item.name:<42} {item.gold:>4} {item.candidates:>4} "
            f"{item.recall_one_to_one:>6.3f} {item.span_overlap:>7.3f} {item.precision:>6.3f} "
            f"{item.recall:>6.3f} {item.claimant_accuracy:>8.3f}"
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
            "span_overlap": item.span_overlap,
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
    parser.add_argument(
        "--min-score", type=float, default=DEFAULT_MIN_SCORE, help="for the table (targets: 0)"
    )
    parser.add_argument("--json-output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    scores, seed_ms = evaluate(args.min_score)
    goals = targets(seed_units())
    print_report(scores, seed_ms, goals)
    if args.json_output is not None:
        report = as_json(scores, seed_ms, goals)
        args.json_output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(goal.met for goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
