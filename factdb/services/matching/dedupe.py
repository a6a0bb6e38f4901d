"""Clusters of likely duplicate claims that never join claims saying different things.

Candidates come from the vector index through locality-sensitive hashing (random hyperplanes):
claims whose vectors fall in the same bucket of any of a few hash tables are compared, so the
work grows with the number of claims, not with its square. A candidate pair scores
100 x cosine; it may join a cluster only if it passes every safety rule against every member:

- the same numbers (digits, with thousands separators and decimal marks read alike);
- the same dates (years and days are numbers; month names are names, see below);
- the same negations (a closed list of negation words of the languages the model covers);
- the same names: the capitalised words (sentence starts included: a name can open one);
- the same claimant (unless ``any_claimant``): a claim with a claimant and one without differ.

A rule can only keep claims apart, so a missed negation or name costs a duplicate left unmerged,
never two opposite claims merged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.errors import ConflictError
from factdb.models import Claim
from factdb.schemas.claims import ClaimFilter
from factdb.services.claims.query import filter_criteria
from factdb.services.vectors.embeddings import load_index

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

HASH_TABLES = 32
MIN_HASH_BITS = 8
# Neighbours a row meets within its bucket: a crowded bucket cannot bring back quadratic work.
WINDOW = 32
CENTRE_FROM_ROWS = 1000
HASH_SEED = 20261129

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# Negation words of the model's languages (en, pt, es, fr, de, it, nl); "n't" is split off.
# Grammar's negative and restrictive adverbs ("barely", "seldom", "only") count too: "X is barely
# Y" and "X is Y" say different things as surely as "X is not Y" does.
NEGATIONS = frozenset(
    """
    not no never none nobody nothing neither nor nowhere without cannot n't
    hardly scarcely barely seldom rarely only
    não nao nem nunca nada ninguém ninguem nenhum nenhuma jamais sem raramente apenas
    ni nadie ningún ninguno ninguna tampoco sin rara solo sólo
    ne pas jamais aucun aucune personne rien sans guère rarement seulement
    nicht kein keine keinen keinem keiner keines nie niemals nichts niemand ohne weder kaum
    selten nur
    non mai nessuno niente senza appena raramente solo soltanto
    niet geen nooit niets niemand zonder nauwelijks zelden alleen
    """.split()  # noqa: SIM905 - a word list reads best as words
)


@dataclass(frozen=True)
class ClaimFacts:
    """What two claims must share to be called duplicates."""

    claimant_id: int | None
    numbers: tuple[str, ...]
    negations: tuple[str, ...]
    names: frozenset[str]


def claim_facts(text: str, claimant_id: int | None) -> ClaimFacts:
    normal = unicodedata.normalize("NFKC", text)
    numbers = tuple(sorted(_number_key(found) for found in _NUMBER.findall(normal)))
    words = _words(normal)
    negations = tuple(sorted(word.lower() for word in words if word.lower() in NEGATIONS))
    # A capital at a sentence's start may be a name too ("Obama said"): counted as well, so two
    # claims opening with different words stay apart; that costs a missed duplicate, never a merge.
    names = frozenset(word.casefold() for word in words if word[0].isupper())
    return ClaimFacts(claimant_id, numbers, negations, names)


def _number_key(number: str) -> str:
    """1,000 and 1.000 and 1000 are one number; 1.5 and 1,5 are another."""
    parts = re.split(r"[.,]", number)
    if len(parts) > 1 and all(len(part) == 3 for part in parts[1:]):
        return "".join(parts)
    return ".".join(parts)


def _words(text: str) -> list[str]:
    """The words of ``text``, with "n't" split off its verb."""
    return [piece for word in _WORD.findall(text) for piece in _split_contraction(word)]


def _split_contraction(word: str) -> list[str]:
    lowered = word.lower().replace("\u2019", "'")
    if lowered.endswith("n't") and len(word) > 3:
        return [word[:-3], "n't"]
    return [word]


def differences(first: ClaimFacts, second: ClaimFacts, *, any_claimant: bool) -> list[str]:
    """Why two claims must stay apart (empty: they may be duplicates)."""
    reasons = []
    if not any_claimant and first.claimant_id != second.claimant_id:
        reasons.append("claimant")
    if first.numbers != second.numbers:
        reasons.append("number or date")
    if first.negations != second.negations:
        reasons.append("negation")
    if first.names != second.names:
        reasons.append("named entity")
    return reasons


@dataclass(frozen=True)
class DuplicateHit:
    claim_id: int
    score: float
    text: str


@dataclass(frozen=True)
class DuplicateCluster:
    """Claims that read alike: the oldest is kept by a merge, the others fold into it."""

    keep: DuplicateHit
    duplicates: list[DuplicateHit]


def duplicate_clusters(
    *,
    session: Session,
    min_score: float = 90.0,
    claim_filter: ClaimFilter | None = None,
    any_claimant: bool = False,
) -> list[DuplicateCluster]:
    """Groups of likely duplicates among the selected claims (indexed ones), for review."""
    selection = claim_filter or ClaimFilter()
    rows = session.execute(
        select(Claim.id, Claim.text, Claim.claimant_id)
        .where(*filter_criteria(session, selection))
        .order_by(Claim.id)
        .limit(selection.limit)
    ).all()
    selected = {claim_id: (text, claimant_id) for claim_id, text, claimant_id in rows}
    index = load_index(session=session)
    rows_of = index.rows_of(selected)
    ids = sorted(rows_of)
    if len(ids) < 2:
        return []
    matrix = index.matrix[[rows_of[claim_id] for claim_id in ids]]
    pairs = candidate_pairs(matrix, min_score / 100)
    facts: dict[int, ClaimFacts] = {}

    def facts_of(claim_id: int) -> ClaimFacts:
        if claim_id not in facts:
            text, claimant_id = selected[claim_id]
            facts[claim_id] = claim_facts(text, claimant_id)
        return facts[claim_id]

    partners: dict[int, list[tuple[int, float]]] = {}
    for left, right, similarity in pairs:
        first, second = ids[left], ids[right]
        if differences(facts_of(first), facts_of(second), any_claimant=any_claimant):
            continue
        score = round(100 * similarity, 1)
        partners.setdefault(first, []).append((second, score))
        partners.setdefault(second, []).append((first, score))
    return _clusters(partners, selected, facts_of, any_claimant)


def _clusters(
    partners: dict[int, list[tuple[int, float]]],
    selected: dict[int, tuple[str, int | None]],
    facts_of: Callable[[int], ClaimFacts],
    any_claimant: bool,
) -> list[DuplicateCluster]:
    """Greedy, oldest claim first; a claim joins only if it may pair with every member."""
    clustered: set[int] = set()
    clusters = []
    for keep in sorted(partners):
        if keep in clustered:
            continue
        members = [keep]
        duplicates = []
        for other, score in sorted(partners[keep], key=lambda pair: (-pair[1], pair[0])):
            if other in clustered or other < keep:
                continue
            if any(
                differences(facts_of(other), facts_of(member), any_claimant=any_claimant)
                for member in members
            ):
                continue
            members.append(other)
            duplicates.append(DuplicateHit(other, score, selected[other][0]))
        if duplicates:
            clustered.update(members)
            clusters.append(
                DuplicateCluster(
                    keep=DuplicateHit(keep, 100.0, selected[keep][0]), duplicates=duplicates
                )
            )
    return clusters


def candidate_pairs(
    matrix: npt.NDArray[np.float32], min_similarity: float
) -> Iterator[tuple[int, int, float]]:
    """Row pairs (i < j) whose cosine reaches ``min_similarity``, each reported once.

    Only rows that share a bucket of random-hyperplane hashes in one of ``HASH_TABLES`` tables
    are compared. The bits per hash grow with the number of rows (about four rows a bucket), and
    within a bucket each row meets at most ``WINDOW`` neighbours, so the work stays linear.
    """
    import numpy as np

    rows = len(matrix)
    bits = max(MIN_HASH_BITS, int(np.ceil(np.log2(max(rows, 2)))) - 2)
    weights = 1 << np.arange(bits, dtype=np.int64)
    generator = np.random.default_rng(HASH_SEED)
    # Sentence embeddings crowd into one cone; hyperplanes through the data's centre rather than
    # the origin split it evenly, so buckets stay small (cosines are still of the raw vectors).
    # Not for a few rows: around the mean of two vectors they point in opposite directions and
    # would never share a bucket; a few rows are cheap to compare anyway.
    centred = matrix - matrix.mean(axis=0) if rows >= CENTRE_FROM_ROWS else matrix
    keys: list[npt.NDArray[np.int64]] = []
    scores: list[npt.NDArray[np.float32]] = []
    for _ in range(HASH_TABLES):
        planes = generator.standard_normal((matrix.shape[1], bits)).astype(np.float32)
        codes = ((centred @ planes) > 0).astype(np.int64) @ weights
        order = np.argsort(codes, kind="stable")
        ordered = codes[order]
        for offset in range(1, WINDOW + 1):
            same = ordered[offset:] == ordered[:-offset]
            if not same.any():
                break  # no bucket holds more than `offset` rows
            first, second = order[:-offset][same], order[offset:][same]
            similarity = np.einsum("ij,ij->i", matrix[first], matrix[second])
            close = similarity >= min_similarity
            low = np.minimum(first, second)[close]
            high = np.maximum(first, second)[close]
            keys.append(low * rows + high)
            scores.append(similarity[close])
    if not keys:
        return
    unique, where = np.unique(np.concatenate(keys), return_index=True)
    similarities = np.concatenate(scores)[where]
    for key, similarity in zip(unique.tolist(), similarities.tolist(), strict=True):
        yield key // rows, key % rows, similarity


def check_same_claimant(*, keep: Claim, duplicate: Claim) -> None:
    """A merge never folds one claimant's claim into another's, whatever found the cluster."""
    if keep.claimant_id != duplicate.claimant_id:
        raise ConflictError(
            f"claims {keep.id} and {duplicate.id} have different claimants; "
            "a merge never crosses claimants"
        )
