#!/usr/bin/env python3
"""factdb's rating table against X-Fact's normalisation of 36 fact-checkers' labels.

X-Fact (Gupta & Srikumar, ACL 2021) files every label its 36 sites published (25 languages)
under one of seven classes. This maps each label with factdb's `RatingMapper` and counts how
many land in the class X-Fact gives them, under the correspondence below, next to a trivial
baseline in the same run: every label to X-Fact's most frequent class.

Verdict-carrying labels are the rows X-Fact files under one of its five truth classes (true,
mostly true, partly true/misleading, mostly false, false) whose label is a rating: at most
RATING_WORDS words. The rest say no verdict by X-Fact's own reading ("other": satire, promise
trackers, article titles; "complicated/hard to categorise": unverifiable, no verdict; one row its
own maps leave without a class), or are not a rating at all: a longer label is a summary
sentence or an excerpt of the article that the site put in its rating field, whose verdict
X-Fact's annotators read from the article, where no label table can see it. The figure on every
truth-class row, long texts included, is printed too.

    .venv/bin/python benchmarks/label_eval.py
    .venv/bin/python benchmarks/label_eval.py --show-misses
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from factdb.domain import Status
from factdb.ratings.mapper import RatingMapper

XFACT_LABELS = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "xfact-labels"
    / "factdb_probe_derived.csv"
)

# factdb status → X-Fact class. factdb splits X-Fact's "partly true/misleading" in two (mixed:
# partly true, partly false; misleading: true elements arranged to deceive), and its "unproven"
# is X-Fact's "complicated/hard to categorise" (no verdict can be given).
XFACT_CLASS: dict[Status, str] = {
    Status.TRUE: "true",
    Status.MOSTLY_TRUE: "mostly true",
    Status.MIXED: "partly true/misleading",
    Status.MISLEADING: "partly true/misleading",
    Status.MOSTLY_FALSE: "mostly false",
    Status.FALSE: "false",
    Status.UNPROVEN: "complicated/hard to categorise",
    Status.IN_REVIEW: "other",
    Status.OTHER: "other",
    Status.UNVERIFIED: "other",
}
RATING_WORDS = 8
VERDICT_CLASSES = frozenset(
    {"true", "mostly true", "partly true/misleading", "mostly false", "false"}
)


def load_rows(path: Path = XFACT_LABELS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def truth_class_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["xfact_class"] in VERDICT_CLASSES]


def verdict_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The verdict-carrying labels: a truth class, and a rating rather than a text."""
    return [
        row for row in truth_class_rows(rows) if len(row["rating_label"].split()) <= RATING_WORDS
    ]


def agreement(
    rows: list[dict[str, str]], mapper: RatingMapper, *, with_publisher: bool = True
) -> list[tuple[dict[str, str], str]]:
    """Each row with the X-Fact class its factdb status corresponds to; `with_publisher` lets
    the row's site choose a publisher's own scale, as a review's URL does on import."""
    return [
        (
            row,
            XFACT_CLASS[
                mapper.map(
                    row["rating_label"], publisher=(row["site"],) if with_publisher else ()
                ).status
            ],
        )
        for row in rows
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=XFACT_LABELS)
    parser.add_argument("--show-misses", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    if not args.labels.is_file():
        print(
            f"Error: {args.labels} not found (the shared data beside the checkout)", file=sys.stderr
        )
        return 2
    everything = load_rows(args.labels)
    mapper = RatingMapper()
    for title, rows in (
        ("every truth-class row (long texts included)", truth_class_rows(everything)),
        (
            f"verdict-carrying labels (truth class, <= {RATING_WORDS} words)",
            verdict_rows(everything),
        ),
    ):
        results = agreement(rows, mapper)
        _print_figures(title, rows, results)
        general = agreement(rows, mapper, with_publisher=False)
        same = sum(row["xfact_class"] == found for row, found in general)
        print(
            f"  general table alone    {same:4d}  {same / len(rows):6.1%}  (no publisher's scale)"
        )
    if args.show_misses:
        for row, found in results:
            if row["xfact_class"] != found:
                label = " ".join(row["rating_label"].split())[:90]
                print(f"  {row['site']:26s} {row['xfact_class']:24s} -> {found:24s} {label}")
    return 0


def _print_figures(
    title: str, rows: list[dict[str, str]], results: list[tuple[dict[str, str], str]]
) -> None:
    same = sum(row["xfact_class"] == found for row, found in results)
    majority, majority_count = Counter(row["xfact_class"] for row in rows).most_common(1)[0]
    print(f"X-Fact {title}: {len(rows)}")
    print(f"  factdb table          {same:4d}  {same / len(rows):6.1%}")
    print(f"  baseline: all {majority!r}  {majority_count:4d}  {majority_count / len(rows):6.1%}")
    print("  by X-Fact class (same / rows):")
    for xclass in sorted(VERDICT_CLASSES):
        in_class = [(row, found) for row, found in results if row["xfact_class"] == xclass]
        hits = sum(row["xfact_class"] == found for row, found in in_class)
        print(f"    {xclass:24s} {hits:4d} / {len(in_class):4d}")


if __name__ == "__main__":
    sys.exit(main())
