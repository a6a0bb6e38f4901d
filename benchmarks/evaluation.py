"""Scoring extraction against gold annotations: one-to-one recall, span overlap, precision,
claimant accuracy.

A gold claim counts as found when a candidate overlaps at least half of its span; a candidate is
right when it finds at least one gold claim. The claimant of a found claim is judged on the
candidate that overlaps it most, and must be the gold name (any case, any spacing).

The headline figures cannot be flattered by one long candidate: the one-to-one recall pairs
candidates and gold claims greedily by overlap, each candidate finding at most one claim, and the
span overlap is the mean intersection-over-union of those pairs (1.0: exactly the gold span).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from factdb.extraction.segment import Span
from factdb.schemas.extraction import ExtractedClaim

MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class GoldClaim:
    span: Span
    claimant: str
    type: str | None


@dataclass(frozen=True)
class GoldText:
    name: str
    text: str
    publisher: str | None
    claims: list[GoldClaim]


@dataclass(frozen=True)
class TextScore:
    name: str
    gold: int
    candidates: int
    found: int
    right_candidates: int
    right_claimants: int
    found_one_to_one: int = 0
    overlap_one_to_one: float = 0.0

    @property
    def precision(self) -> float:
        return self.right_candidates / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def recall_one_to_one(self) -> float:
        """Recall when each candidate may find at most one gold claim (informational)."""
        return self.found_one_to_one / self.gold if self.gold else 0.0

    @property
    def span_overlap(self) -> float:
        """Mean intersection-over-union of the one-to-one pairs."""
        return self.overlap_one_to_one / self.found_one_to_one if self.found_one_to_one else 0.0

    @property
    def claimant_accuracy(self) -> float:
        return self.right_claimants / self.found if self.found else 0.0


def load_gold(path: Path) -> GoldText:
    """A gold file: ``{"text", "publisher", "claims": [{"start", "end", "claimant", …}]}``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    claims = [_gold_claim(item) for item in data["claims"]]
    return GoldText(path.stem, data["text"], data.get("publisher"), claims)


def load_seed_gold(folder: Path) -> GoldText:
    """A seed folder: its article, its publisher and its claims are a gold annotation."""
    source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    text = (folder / source["text_file"]).read_bytes().decode("utf-8")
    claims = json.loads((folder / "claims.json").read_text(encoding="utf-8"))["claims"]
    return GoldText(folder.name, text, source.get("publisher"), [_gold_claim(c) for c in claims])


def _gold_claim(item: dict[str, object]) -> GoldClaim:
    kind = item.get("type", item.get("kind"))
    return GoldClaim(
        span=Span(int(str(item["start"])), int(str(item["end"]))),
        claimant=str(item["claimant"]),
        type=str(kind) if kind is not None else None,
    )


def finds(candidate: ExtractedClaim, gold: GoldClaim) -> bool:
    span = Span(candidate.start, candidate.end)
    return span.overlap(gold.span) >= MIN_OVERLAP * (gold.span.end - gold.span.start)


def same_claimant(found: str | None, gold: str) -> bool:
    """The same name in any case and spacing; nothing else counts."""
    return found is not None and found.casefold().split() == gold.casefold().split()


def one_to_one(gold: GoldText, candidates: list[ExtractedClaim]) -> int:
    """Gold claims found when each candidate finds at most one, paired greedily by overlap."""
    return len(one_to_one_pairs(gold, candidates))


def one_to_one_pairs(gold: GoldText, candidates: list[ExtractedClaim]) -> list[tuple[int, int]]:
    """(candidate, gold claim) index pairs, each used once, paired greedily by overlap."""
    pairs = sorted(
        (
            (Span(candidate.start, candidate.end).overlap(claim.span), c_index, g_index)
            for c_index, candidate in enumerate(candidates)
            for g_index, claim in enumerate(gold.claims)
            if finds(candidate, claim)
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    used_candidates: set[int] = set()
    used_gold: set[int] = set()
    chosen = []
    for _, c_index, g_index in pairs:
        if c_index not in used_candidates and g_index not in used_gold:
            used_candidates.add(c_index)
            used_gold.add(g_index)
            chosen.append((c_index, g_index))
    return chosen


def intersection_over_union(a: Span, b: Span) -> float:
    shared = a.overlap(b)
    union = (a.end - a.start) + (b.end - b.start) - shared
    return shared / union if union else 0.0


def score_text(gold: GoldText, candidates: list[ExtractedClaim]) -> TextScore:
    found = right_claimants = 0
    for claim in gold.claims:
        matches = [candidate for candidate in candidates if finds(candidate, claim)]
        if not matches:
            continue
        found += 1
        best = max(matches, key=lambda c: Span(c.start, c.end).overlap(claim.span))
        right_claimants += same_claimant(best.claimant, claim.claimant)
    right = sum(any(finds(candidate, claim) for claim in gold.claims) for candidate in candidates)
    pairs = one_to_one_pairs(gold, candidates)
    overlap = sum(
        intersection_over_union(Span(candidates[c].start, candidates[c].end), gold.claims[g].span)
        for c, g in pairs
    )
    return TextScore(
        gold.name,
        len(gold.claims),
        len(candidates),
        found,
        right,
        right_claimants,
        len(pairs),
        overlap,
    )


def overall(scores: Iterable[TextScore]) -> TextScore:
    """Every text's claims and candidates pooled (micro-averaged)."""
    items = list(scores)
    return TextScore(
        name="overall",
        gold=sum(item.gold for item in items),
        candidates=sum(item.candidates for item in items),
        found=sum(item.found for item in items),
        right_candidates=sum(item.right_candidates for item in items),
        right_claimants=sum(item.right_claimants for item in items),
        found_one_to_one=sum(item.found_one_to_one for item in items),
        overlap_one_to_one=sum(item.overlap_one_to_one for item in items),
    )
