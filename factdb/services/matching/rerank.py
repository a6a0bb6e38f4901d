"""The learned rerank of ``match``: a logistic regression over what each candidate shares with
the query, which turns the fused candidates into an estimated chance of being the right claim.

The features are general: each ranking's reciprocal rank, the cosine (raw and against the
query's best), and the share of the query's words, numbers and capitalised names found in the
claim and its fact-check titles (words weighed by rarity). None reads the database's own
full-text scores, which differ between SQLite (BM25) and PostgreSQL (ts_rank_cd), so both
databases score a candidate alike. The coefficients were fitted offline on the CheckThat! 2020
Task 2 train split by benchmarks/train_match_reranker.py and ship as JSON: applying them needs
numpy only.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from factdb.services.matching.search import query_words

MODEL_FILE = Path(__file__).resolve().parent / "match_reranker.json"
# The reciprocal-rank features use the fusion's constant (a candidate first in a ranking: 1/3).
FEATURE_RANK_CONSTANT = 3.0
RANKINGS = ("semantic", "claim_words", "title_words", "words")
FEATURES = (
    *(f"{name}_rr" for name in RANKINGS),
    *(f"{name}_log_rank" for name in RANKINGS),
    "fused",
    "cosine",
    "cosine_gap",
    "claim_share",
    "title_share",
    "either_share",
    "candidate_share",
    "number_share",
    "has_numbers",
    "name_share",
    "has_names",
    "length_ratio",
    "pair_share",
    "prefix_share",
    "cosine_x_share",
)
# Words compared by their first letters too: a crude stemmer for any language (vaccine,
# vaccines, vaccinated).
PREFIX = 5
MIN_WORD_LENGTH = 3
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word inside a sentence (not its first word): most often a name.
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'\u2019-]{2,}")


@dataclass(frozen=True)
class Query:
    """What the features need of a query: its cleaned text and its words' rarity."""

    text: str
    idf: Mapping[str, float]


@dataclass(frozen=True)
class Candidate:
    claim_id: int
    text: str
    titles: Sequence[str]
    cosine: float | None  # None: the claim has no vector


def fold(word: str) -> str:
    """Lower case without accents, as both full-text engines compare words."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> set[str]:
    return {fold(word) for word in query_words(text) if len(word) >= MIN_WORD_LENGTH}


def _all_words(text: str) -> set[str]:
    return set(_sequence(text))


def _sequence(text: str) -> list[str]:
    """The words of a text in order, folded (the whole text at once: one pass, not one a word)."""
    return _WORD.findall(fold(text))


def _pairs(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(words))


def _prefixes(words: Iterable[str]) -> set[str]:
    return {word[:PREFIX] for word in words}


def _numbers(text: str) -> set[str]:
    return {number.replace(",", "").rstrip(".") for number in _NUMBER.findall(text)}


def _names(text: str) -> set[str]:
    return {fold(name) for name in _NAME.findall(text)}


def _share(wanted: Mapping[str, float], found: set[str]) -> float:
    total = sum(wanted.values())
    if not total:
        return 0.0
    return sum(weight for word, weight in wanted.items() if word in found) / total


def features(
    query: Query,
    candidates: Sequence[Candidate],
    rankings: Mapping[str, Sequence[int]],
    fused: Mapping[int, float],
    *,
    best_cosine: float,
) -> list[list[float]]:
    """One row of ``FEATURES`` per candidate, in the order given; ``best_cosine`` is the best
    of all the query's candidates (so a row does not depend on how many are reranked)."""
    places = {
        name: {claim_id: place for place, claim_id in enumerate(rankings.get(name, ()))}
        for name in RANKINGS
    }
    words = _words(query.text)
    weights = {word: query.idf.get(word, 1.0) for word in words}
    numbers = _numbers(query.text)
    names = _names(query.text)
    pairs = _pairs(_sequence(query.text))
    prefix_weights: dict[str, float] = {}
    for word, weight in weights.items():
        prefix_weights[word[:PREFIX]] = max(weight, prefix_weights.get(word[:PREFIX], 0.0))
    rows = []
    query_all = _all_words(query.text)
    for candidate in candidates:
        # Each text read once: its folded words in order give every set below.
        claim_sequence = _sequence(candidate.text)
        title_sequences = [_sequence(title) for title in candidate.titles]
        claim_words = set(claim_sequence)
        title_words = {word for sequence in title_sequences for word in sequence}
        either = claim_words | title_words
        own = {word for word in claim_words if len(word) >= MIN_WORD_LENGTH}
        # A claim not embedded yet has no cosine: NaN, which the model reads as its average.
        cosine = candidate.cosine if candidate.cosine is not None else math.nan
        either_share = _share(weights, either)
        # Out of a word ranking: 0 (no word matched). Out of the semantic one for want of a
        # vector, or out of the titles' for want of a title: unknown.
        no_title = math.nan if not candidate.titles else 0.0
        missing = [math.nan if candidate.cosine is None else 0.0, 0.0, no_title, 0.0]
        candidate_pairs = _pairs(claim_sequence)
        for sequence in title_sequences:
            candidate_pairs |= _pairs(sequence)
        row = [
            *(
                1.0 / (FEATURE_RANK_CONSTANT + where[candidate.claim_id])
                if candidate.claim_id in where
                else unranked
                for where, unranked in zip(places.values(), missing, strict=True)
            ),
            *(
                1.0 / (1.0 + math.log1p(where[candidate.claim_id]))
                if candidate.claim_id in where
                else unranked
                for where, unranked in zip(places.values(), missing, strict=True)
            ),
            fused.get(candidate.claim_id, 0.0) / 100.0,
            cosine,
            cosine - best_cosine,
            _share(weights, claim_words),
            _share(weights, title_words) if candidate.titles else math.nan,
            either_share,
            len(own & query_all) / len(own) if own else 0.0,
            _share(
                dict.fromkeys(numbers, 1.0),
                _numbers(candidate.text + " " + " ".join(candidate.titles)),
            )
            if numbers
            else 0.0,
            1.0 if numbers else 0.0,
            _share(dict.fromkeys(names, 1.0), either),
            1.0 if names else 0.0,
            math.log((1 + len(own)) / (1 + len(words))),
            len(pairs & candidate_pairs) / len(pairs) if pairs else 0.0,
            _share(prefix_weights, _prefixes(either)),
            cosine * either_share,
        ]
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Reranker:
    """A fitted logistic regression: standardised features, coefficients, intercept."""

    depth: int
    mean: Sequence[float]
    scale: Sequence[float]
    coefficients: Sequence[float]
    intercept: float

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The estimated chance of each candidate being a right match, 0-1."""
        import numpy as np

        if not rows:
            return []
        matrix = (np.asarray(rows, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(
            self.scale
        )
        # A missing value (NaN: no vector yet) counts as the training average, standardised 0.
        logits = np.nan_to_num(matrix, nan=0.0) @ np.asarray(self.coefficients) + self.intercept
        return [float(p) for p in 1.0 / (1.0 + np.exp(-logits))]

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "depth": self.depth,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
        }


def reranker_from_json(data: Mapping[str, Any]) -> Reranker:
    if list(data["features"]) != list(FEATURES):
        raise ValueError("the reranker's coefficients were fitted on other features")
    return Reranker(
        depth=int(data["depth"]),
        mean=[float(x) for x in data["mean"]],
        scale=[float(x) for x in data["scale"]],
        coefficients=[float(x) for x in data["coefficients"]],
        intercept=float(data["intercept"]),
    )


@cache
def load_reranker(path: Path = MODEL_FILE) -> Reranker | None:
    """The shipped reranker; None when the file is absent (then ``match`` keeps the fusion)."""
    if not path.exists():
        return None
    return reranker_from_json(json.loads(path.read_text(encoding="utf-8")))
