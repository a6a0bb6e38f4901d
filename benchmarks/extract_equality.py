#!/usr/bin/env python3
"""Same candidates before and after a change to the extractor: text, span, score, type, reasons,
claimant (name, kind, role, attribution), for every article of one or more folders.

A speed-up must not change what the extractor finds. Run this once on the code before the change
with ``--write``, then on the code after it with ``--compare``; it prints how many articles and
candidates differ (and the first differences) and exits 1 when any do. Candidates are taken at
minimum score 0, so every unit the extractor reads is compared, not only those shown by default.

    .venv/bin/python benchmarks/extract_equality.py --write before.json      # PolNeAR train
    .venv/bin/python benchmarks/extract_equality.py --compare before.json
    .venv/bin/python benchmarks/extract_equality.py --split-dir PolNeAR/data/dev --write dev.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import shared_data

from factdb.extraction import extract_claims

FIELDS = (
    "text",
    "start",
    "end",
    "score",
    "type",
    "reasons",
    "claimant",
    "claimant_kind",
    "claimant_role",
    "attribution",
)


def candidates_of(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every article's candidates, by file name, as plain JSON values."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        claims = extract_claims(text, publisher="Publisher", min_score=0.0, language="en")
        found[path.name] = [
            {name: value for name, value in claim.model_dump(mode="json").items() if name in FIELDS}
            for claim in claims
        ]
    return found


def differences(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> tuple[int, int, list[str]]:
    """Articles that differ, candidates that differ (in either run but not both), examples."""
    articles, changed = 0, 0
    examples: list[str] = []
    for name in sorted(set(before) | set(after)):
        old = [json.dumps(c, sort_keys=True) for c in before.get(name, [])]
        new = [json.dumps(c, sort_keys=True) for c in after.get(name, [])]
        if old == new:
            continue
        articles += 1
        gone = [c for c in old if c not in new]
        added = [c for c in new if c not in old]
        changed += max(len(gone), len(added)) or 1  # the same candidates in another order: 1
        examples.extend(f"{name}: - {c}" for c in gone[:2])
        examples.extend(f"{name}: + {c}" for c in added[:2])
    return articles, changed, examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--split-dir",
        type=Path,
        default=shared_data() / "polnear-train",
        help="a PolNeAR split folder (its text/ is read); default: the train split",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, help="save the candidates here")
    action.add_argument("--compare", type=Path, help="compare with candidates saved before")
    args = parser.parse_args(argv)
    found = candidates_of(args.split_dir / "text")
    total = sum(len(claims) for claims in found.values())
    if args.write is not None:
        args.write.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        print(f"{len(found)} articles, {total:,} candidates written")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    articles, changed, examples = differences(before, found)
    print(
        f"{len(found)} articles, {total:,} candidates: {articles} articles and "
        f"{changed} candidates differ"
    )
    for line in examples[:20]:
        print(line)
    return 1 if articles else 0


if __name__ == "__main__":
    sys.exit(main())
