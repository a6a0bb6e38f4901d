#!/usr/bin/env python3
"""Fit the reranker of ``factdb match`` (factdb/services/match_reranker.json) on CheckThat! 2020
Task 2 **train** only.

Each train tweet is matched as ``match`` does it (the same import as
benchmarks/checkthat_eval.py, the same candidates, the same feature rows:
factdb.services.matching.rerank); a candidate is positive when it is a fact-check the tweet's
qrels name. A logistic regression is fitted on the first candidates of the fusion: 20 of them, a
depth set for cost (every reranked claim is read and scored per query; the other depths are
cross-validated too and printed for information). The regularisation C is chosen by 5-fold
cross-validation over the tweets (seeded; a tweet's candidates stay in one fold); the printed
cross-validated MAP@5 of the chosen setting stands beside the fusion's on the same folds (the
choice among the settings makes that figure slightly optimistic; dev, measured by
checkthat_eval.py, is the honest one). Dev and test are never read here. Needs scikit-learn (dev
extra).

    .venv/bin/python benchmarks/train_match_reranker.py             # cross-validate, fit, write
    .venv/bin/python benchmarks/train_match_reranker.py --no-write  # cross-validate only
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkthat_eval import (
    DATA,
    answer_claims,
    build_database,
    measures,
    read_claims,
    read_split,
    read_vclaims,
    without_claims,
)

from factdb.services.matching.rerank import FEATURES, MODEL_FILE, Reranker, load_reranker

SEED = 13
FOLDS = 5
DEPTH = 20
DEPTHS = (20, 30, 50, 100)
C_GRID = (0.1, 1.0, 10.0)
RANKED = 100  # the order measured: reranked candidates, then the rest of the fusion


@dataclass
class Tweet:
    tweet_id: int
    fused: list[int]  # claim ids, the fusion's order
    rows: list[list[float]]  # feature rows of the first RANKED candidates
    labels: list[int]
    # The tweet matched as if its fact-checks were not in the collection: every candidate is
    # wrong, and the model should say so (a desk's post often has no fact-check yet).
    unanswered: bool = False


def collect(url: str, tweets: dict[int, str], relevant: dict[int, set[int]]) -> list[Tweet]:
    """Every train tweet's candidates, their feature rows and labels, as ``match`` makes them;
    then each tweet again with its fact-checks taken out of every ranking (``unanswered``)."""
    from factdb.db import create_db_engine, transaction
    from factdb.services.matching.matcher import open_matcher

    vclaim_of = read_vclaims(url)
    found = []
    with transaction(create_db_engine(url)) as session:
        matcher = open_matcher(session=session)
        assert matcher.index is not None, "the vector index should have been built on import"
        ids = list(tweets)
        gathered = matcher.gather([tweets[tweet] for tweet in ids])
        answers = [
            answer_claims(g, vclaim_of, relevant[tweet])
            for tweet, g in zip(ids, gathered, strict=True)
        ]
        for unanswered in (False, True):
            versions = [
                without_claims(g, answer) if unanswered else g
                for g, answer in zip(gathered, answers, strict=True)
            ]
            fused = [matcher.fuse(g.rankings, set()) for g in versions]
            for tweet, (top, rows) in zip(
                ids, matcher.candidate_rows(versions, fused, RANKED), strict=True
            ):
                labels = [int(bool(set(vclaim_of[c]) & relevant[tweet])) for c in top]
                found.append(Tweet(tweet, top, rows, labels, unanswered))
    return found


def folds(tweets: Sequence[Tweet]) -> list[int]:
    """A fold for each tweet; both versions of a tweet share it."""
    ids = sorted({t.tweet_id for t in tweets})
    random.Random(SEED).shuffle(ids)
    fold_of_id = {tweet_id: position % FOLDS for position, tweet_id in enumerate(ids)}
    return [fold_of_id[t.tweet_id] for t in tweets]


def fit(tweets: Sequence[Tweet], depth: int, c: float) -> Reranker:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = np.array([row for t in tweets for row in t.rows[:depth]], dtype=np.float64)
    labels = np.array([label for t in tweets for label in t.labels[:depth]])
    mean = np.nanmean(rows, axis=0)
    scale = np.nanstd(rows, axis=0)
    scale[scale == 0] = 1.0
    standard = np.nan_to_num((rows - mean) / scale, nan=0.0)  # as Reranker reads a gap
    # Every feature but these says "closer to the query" as it grows: its weight may not be
    # negative. Such weights appear when features overlap (a share of words beside the ranks
    # made of those words) and would rank a claim lower for sharing more with the query, far
    # from the training data. The most negative is dropped, and the fit made again.
    free = {FEATURES.index(name) for name in ("has_numbers", "has_names", "length_ratio")}
    active = list(range(len(FEATURES)))
    while True:
        model = LogisticRegression(C=c, max_iter=5000)
        model.fit(standard[:, active], labels)
        weights = dict(zip(active, model.coef_[0].tolist(), strict=True))
        negative = [f for f in active if f not in free and weights[f] < 0]
        if not negative:
            break
        active.remove(min(negative, key=lambda f: weights[f]))
    return Reranker(
        depth=depth,
        mean=mean.tolist(),
        scale=scale.tolist(),
        coefficients=[weights.get(f, 0.0) for f in range(len(FEATURES))],
        intercept=float(model.intercept_[0]),
    )


def reranked(tweet: Tweet, reranker: Reranker) -> list[int]:
    """The order ``match`` gives: the first ``depth`` candidates by chance, then the rest."""
    depth = reranker.depth
    chances = reranker.probabilities(tweet.rows[:depth])
    # Rounded as match rounds the score (one decimal of 0-100), ties by claim id.
    head = sorted(
        zip(tweet.fused[:depth], chances, strict=True),
        key=lambda pair: (-round(100 * pair[1], 1), pair[0]),
    )
    return [c for c, _ in head] + tweet.fused[depth:]


def figures(
    tweets: Sequence[Tweet], order: dict[int, list[int]], relevant: dict[int, set[int]]
) -> dict[str, float]:
    vclaims = {t: [v for c in ranked for v in VCLAIM_OF[c]] for t, ranked in order.items()}
    return measures(vclaims, {t.tweet_id: relevant[t.tweet_id] for t in tweets})


VCLAIM_OF: dict[int, list[int]] = {}


def _confident(model: Reranker, tweet: Tweet) -> bool:
    """Whether the model gives the tweet's best candidate a chance of one half or more."""
    return max(model.probabilities(tweet.rows[: model.depth]), default=0.0) >= 0.5


def cross_validate(
    tweets: Sequence[Tweet], relevant: dict[int, set[int]], depth: int, c: float
) -> dict[str, float]:
    """MAP@5 and the rest on the held-out answered tweets; and, of the held-out unanswered
    ones, the share whose best candidate still scores 50 or more (``unanswered ≥ 50``)."""
    fold_of = folds(tweets)
    order: dict[int, list[int]] = {}
    confident = []
    for fold in range(FOLDS):
        model = fit([t for t, f in zip(tweets, fold_of, strict=True) if f != fold], depth, c)
        for t, f in zip(tweets, fold_of, strict=True):
            if f != fold:
                continue
            if t.unanswered:
                confident.append(_confident(model, t))
            else:
                order[t.tweet_id] = reranked(t, model)
    answered = [t for t in tweets if not t.unanswered]
    result = figures(answered, order, relevant)
    if confident:
        result["unanswered ≥ 50"] = round(sum(confident) / len(confident), 4)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--keep", type=Path, help="the imported database (reused if present)")
    parser.add_argument("--no-write", action="store_true", help="do not write the model file")
    parser.add_argument(
        "--unanswered",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also fit on each tweet with its fact-checks taken out of the collection",
    )
    args = parser.parse_args()
    tweets_text, relevant = read_split(args.data, "train")
    with tempfile.TemporaryDirectory() as directory:
        path = args.keep or Path(directory) / "checkthat.sqlite3"
        url = f"sqlite:///{path}"
        if not path.exists():
            build_database(url, read_claims(args.data))
        VCLAIM_OF.update(read_vclaims(url))
        tweets = collect(url, tweets_text, relevant)
    answered = [t for t in tweets if not t.unanswered]
    fusion = figures(answered, {t.tweet_id: t.fused for t in answered}, relevant)
    print(f"train, fusion alone ({len(answered)} tweets): {fusion}")
    unanswered = [t for t in tweets if t.unanswered]
    shipped = load_reranker()
    if shipped is not None:
        sure = [_confident(shipped, t) for t in unanswered]
        print(f"shipped model: unanswered train tweets scoring 50 or more: {mean(sure):.4f}")
    if not args.unanswered:
        tweets = answered
    results: list[tuple[float, int, float, dict[str, float]]] = []
    for depth in DEPTHS:
        for c in C_GRID:
            figure = cross_validate(tweets, relevant, depth, c)
            results.append((figure["map@5"], depth, c, figure))
            print(f"  {FOLDS}-fold CV, depth {depth}, C {c}: {figure}")
    # At the depth set for cost, the best C (among equals the stronger prior).
    best_map, depth, c, figure = max(
        (r for r in results if r[1] == DEPTH), key=lambda r: (r[0], -r[2])
    )
    print(f"chosen: depth {depth}, C {c}; cross-validated train {figure} (fusion {fusion})")
    if best_map <= fusion["map@5"]:
        print("the reranker does not beat the fusion on cross-validated train: not written")
        return
    model = fit(tweets, depth, c)
    # Nine significant digits: the last bits of a float vary with the order of the sums, and
    # the file should come out the same on every run.
    model = Reranker(
        depth=model.depth,
        mean=[float(f"{x:.9g}") for x in model.mean],
        scale=[float(f"{x:.9g}") for x in model.scale],
        coefficients=[float(f"{x:.9g}") for x in model.coefficients],
        intercept=float(f"{model.intercept:.9g}"),
    )
    data: dict[str, Any] = {
        "about": (
            "Logistic regression reranking factdb match's candidates; fitted by "
            "benchmarks/train_match_reranker.py on CheckThat! 2020 Task 2 train"
        ),
        "C": c,
        "cross_validated_train": figure,
        **model.to_json(),
    }
    if args.no_write:
        print(json.dumps(data, indent=1))
        return
    MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.name}")


if __name__ == "__main__":
    main()
