"""Check-worthiness: a logistic regression trained on sentences labelled by fact-checkers.

Trained by ``benchmarks/train_checkworthiness.py`` on ClaimBuster's sentences (CC BY 4.0) and the
CLEF-2019 CheckThat! Task 1 training transcripts ("free for general research use"); the
coefficients ship in ``checkworthiness.json.gz`` beside this module. Its features are what the
English pipeline already computes: the sentence's words and word pairs, its part-of-speech tags
and tag pairs (TF-IDF weighted), and the mean of the pipeline's contextual token vectors.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdb.extraction.nlp import token_table

if TYPE_CHECKING:
    from spacy.tokens import Span

MODEL_FILE = Path(__file__).with_name("checkworthiness.json.gz")
NUMBER_TERM = "<num>"
WORD, WORD_PAIR, TAG, TAG_PAIR = "w:", "b:", "t:", "p:"


@dataclass(frozen=True)
class _Read:
    """What the features need of a sentence, read in one pass over its tokens."""

    words: list[str]
    tags: list[str]
    lowers: set[str]
    numbers: bool


def _read(span: Span) -> _Read:
    table = token_table(span.doc)
    words, tags, lowers, numbers = [], [], set(), False
    for i in range(span.start, span.end):
        if table.spaces[i]:
            continue
        lower, number = table.lowers[i], table.numbers[i]
        numbers = numbers or number
        words.append(NUMBER_TERM if number else lower)
        tags.append(table.tags[i])
        lowers.add(lower)
    return _Read(words, tags, lowers, numbers)


def term_counts(span: Span, read: _Read | None = None) -> tuple[Counter[str], Counter[str]]:
    """The sentence's word terms and its tag terms, counted."""
    seen = read or _read(span)
    lexical: Counter[str] = Counter(WORD + word for word in seen.words)
    lexical.update(WORD_PAIR + f"{a} {b}" for a, b in pairwise(seen.words))
    grammatical: Counter[str] = Counter(TAG + tag for tag in seen.tags)
    grammatical.update(TAG_PAIR + f"{a} {b}" for a, b in pairwise(seen.tags))
    return lexical, grammatical


def dense_features(span: Span, read: _Read | None = None) -> list[float]:
    """The mean contextual vector of the sentence's tokens (the pipeline's tok2vec output),
    then what fact-checkers' choices are known to follow: numbers, amounts, names, past events,
    comparisons, the speaker's own view, questions, length."""
    tensor = span.doc.tensor
    if tensor is None or tensor.shape[0] == 0 or len(span) == 0:
        return []
    mean = tensor[span.start : span.end].mean(axis=0).tolist()
    return [*mean, *surface_features(span, read or _read(span))]


def surface_features(span: Span, seen: _Read) -> list[float]:
    tags, lowers = set(seen.tags), seen.lowers
    flags = (
        seen.numbers,
        bool(lowers & {"$", "%", "percent", "\u20ac", "\u00a3", "million", "billion"}),
        bool(tags & {"NNP", "NNPS"}),
        bool(tags & {"VBD", "VBN"}),
        bool(tags & {"JJR", "JJS", "RBR", "RBS"}),
        bool(lowers & {"i", "me", "my", "we", "our", "us"}),
        bool(lowers & {"you", "your"}),
        "MD" in tags,
        span.text.rstrip().endswith("?"),
    )
    return [float(flag) for flag in flags] + [math.log1p(len(span))]


# 1 + log(n) for the counts a sentence's terms have: the same floats, computed once.
_SUBLINEAR = tuple(1.0 + math.log(n) if n else 0.0 for n in range(64))


def _sublinear(n: int) -> float:
    return _SUBLINEAR[n] if n < len(_SUBLINEAR) else 1.0 + math.log(n)


def tfidf(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear term frequency times IDF, over the known terms, L2-normalised."""
    weights = {term: (1.0 + math.log(n)) * idf[term] for term, n in counts.items() if term in idf}
    norm = math.sqrt(sum(value * value for value in weights.values()))
    return {term: value / norm for term, value in weights.items()} if norm else {}


@dataclass(frozen=True)
class Model:
    idf: dict[str, float]
    coef: dict[str, float]
    dense_mean: list[float]
    dense_scale: list[float]
    dense_coef: list[float]
    intercept: float

    def probability(self, span: Span) -> float:
        read = _read(span)
        lexical, grammatical = term_counts(span, read)
        logit = self.intercept
        for group in (lexical, grammatical):
            logit = self._add_tfidf(logit, group)
        tensor = span.doc.tensor
        weights, offset = self._dense_weights()
        if tensor is not None and tensor.shape[0] and len(span) and len(weights) > tensor.shape[1]:
            # The standardised features times their coefficients, as one dot product.
            mean = tensor[span.start : span.end].mean(axis=0)
            width = mean.shape[0]
            logit += float(mean @ weights[:width]) + offset
            surface = surface_features(span, read)
            logit += sum(v * w for v, w in zip(surface, weights[width:], strict=False))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def _add_tfidf(self, logit: float, counts: Counter[str]) -> float:
        """``logit`` plus the terms' TF-IDF weights (``tfidf``) times their coefficients: the same
        operations in the same order, without the dictionaries between them."""
        known = self._known_terms()
        pairs = [
            (_sublinear(n) * weights[0], weights[1])
            for term, n in counts.items()
            if (weights := known.get(term)) is not None
        ]
        norm = math.sqrt(sum(value * value for value, _ in pairs))
        if norm:
            for value, factor in pairs:
                logit += value / norm * factor
        return logit

    def __post_init__(self) -> None:
        import numpy as np

        coef = np.asarray(self.dense_coef, dtype=np.float64)
        scale = np.asarray(self.dense_scale, dtype=np.float64)
        mean = np.asarray(self.dense_mean, dtype=np.float64)
        weights = coef / scale if len(coef) == len(scale) else np.zeros(0)
        offset = -float((mean * weights).sum()) if len(weights) else 0.0
        object.__setattr__(self, "_dense", (weights.astype(np.float32), offset))
        # Each known term's IDF and coefficient, found with one look-up.
        known = {term: (idf, self.coef.get(term, 0.0)) for term, idf in self.idf.items()}
        object.__setattr__(self, "_known", known)

    def _known_terms(self) -> dict[str, tuple[float, float]]:
        known: dict[str, tuple[float, float]] = getattr(self, "_known")  # noqa: B009
        return known

    def _dense_weights(self) -> tuple[Any, float]:
        dense: tuple[Any, float] = getattr(self, "_dense")  # noqa: B009
        return dense

    def to_json(self) -> dict[str, object]:
        return {
            "idf": self.idf,
            "coef": self.coef,
            "dense_mean": self.dense_mean,
            "dense_scale": self.dense_scale,
            "dense_coef": self.dense_coef,
            "intercept": self.intercept,
        }


def save(model: Model, path: Path, meta: dict[str, object]) -> None:
    payload = {"meta": meta, **model.to_json()}
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0: the same model always writes the same bytes.
    path.write_bytes(gzip.compress(raw, mtime=0))


def load(path: Path) -> Model:
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return Model(
        idf={str(k): float(v) for k, v in data["idf"].items()},
        coef={str(k): float(v) for k, v in data["coef"].items()},
        dense_mean=[float(v) for v in data["dense_mean"]],
        dense_scale=[float(v) for v in data["dense_scale"]],
        dense_coef=[float(v) for v in data["dense_coef"]],
        intercept=float(data["intercept"]),
    )


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return load(MODEL_FILE)
