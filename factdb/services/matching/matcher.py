"""Has this been checked already? Claims similar to a text, best first.

``match`` is hybrid. Three rankings of candidate claims are made: full-text relevance (BM25 on
SQLite, ts_rank_cd on PostgreSQL) of the claim texts, the same over fact-check titles, and the
cosine similarity of sentence embeddings (see services.vectors.embeddings). The union of their
candidates is then ordered: every candidate gets its place in each ranking (the cosine is exact
for every candidate, not only those the vector search found) and the places are fused by
weighted reciprocal rank. With the vector index, the first candidates of that fusion are
reranked by a learned model (services.matching.rerank) and the score is its estimate, 0-100, of
the chance that the claim is the one the text is about; without it the score is the fusion on a
0-100 scale (100: first in every ranking).

The weights, the rank constant and the reranker were fitted on the train split of CLEF 2020
CheckThat! Task 2 (benchmarks/checkthat_eval.py, benchmarks/train_match_reranker.py); the dev
split reports the result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from factdb.models import NEWEST_REVIEW_FIRST, Claim, Claimant, Review
from factdb.services.matching.rerank import (
    Candidate,
    Query,
    Reranker,
    features,
    fold,
    load_reranker,
)
from factdb.services.matching.search import cache_for_many_searches, query_words, search_claims
from factdb.services.vectors.embeddings import (
    IndexState,
    VectorIndex,
    encode,
    index_state,
    open_index,
)

if TYPE_CHECKING:
    from factdb.services.vectors.embeddings import Matrix

CANDIDATES = 100
# How many of a query's words reach the full-text engine: the longest, a cheap stand-in for the
# rarest (short words are mostly function words in every language, and cost the most to scan).
LEXICAL_WORDS = 32
MIN_WORD_LENGTH = 3
# Weighted reciprocal-rank fusion, tuned on the CheckThat! train split.
RANK_CONSTANT = 3.0
WEIGHTS = {"semantic": 2.0, "claim_words": 1.0, "title_words": 0.0, "words": 1.0}

_review_fts = table("reviews_fts", column("rowid"), column("rank"))
# A word in this many claims is too common to rank by (its count is read up to here: a bounded
# scan however common the word); when all of a query's words are, the few least common are used.
COMMON_CLAIMS = 2000
RARE_WORDS = 4
# One statement counts all of a query's new words (a statement per word cost more in
# SQLAlchemy than in the database).
_SQLITE_COUNT = (
    "(SELECT count(*) FROM (SELECT 1 FROM claims_fts WHERE claims_fts MATCH :e{n} LIMIT :cap))"
)
_POSTGRES_COUNT = (
    "(SELECT count(*) FROM (SELECT 1 FROM claims WHERE search_vector @@ "
    "to_tsquery('simple', factdb_unaccent(:e{n})) LIMIT :cap) AS found{n})"
)
# A pasted post: links, the "— Name (@handle) Month D, YYYY" line that an embedded tweet ends
# with, and #hashtags / @handles written in CamelCase are not words a fact-check shares.
_LINK = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_SIGNATURE = re.compile(r"\s*[\u2014\u2013]\s*[^\u2014\u2013\n()]{0,80}\(@\w{1,30}\)[^()@]{0,40}$")
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|_")


def clean_query(text: str) -> str:
    """A query as a post was pasted, reduced to what it says: links and the embedded tweet's
    signature dropped, hashtags and handles split into words (#FakeNews: Fake News)."""
    cleaned = _SIGNATURE.sub("", _LINK.sub(" ", text))
    cleaned = _TAG.sub(lambda found: " ".join(_CAMEL.split(found.group(1))), cleaned)
    return " ".join(cleaned.split()) or " ".join(text.split())


@dataclass(frozen=True)
class MatchHit:
    claim_id: int
    score: float
    text: str


@dataclass(frozen=True)
class Gathered:
    """A query's candidates before they are ordered: each ranking, and the cosines."""

    query: Query
    rankings: dict[str, list[int]]
    cosines: dict[int, float]


@dataclass
class Matcher:
    """What a run of ``match`` needs once, however many queries it answers: the vector index
    (loaded once) and its state, so the caller can say when it is missing or stale."""

    session: Session
    state: IndexState
    index: VectorIndex | None
    weights: dict[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    rank_constant: float = RANK_CONSTANT
    # None keeps the fusion's order and score (and so does a matcher without the vector index).
    reranker: Reranker | None = field(default_factory=load_reranker)
    _counts: dict[str, int] = field(default_factory=dict)

    @property
    def semantic(self) -> bool:
        return self.index is not None

    def match(
        self, text: str, *, limit: int = 5, min_score: float = 0.0, exclude: Iterable[int] = ()
    ) -> list[MatchHit]:
        return self.match_many([text], limit=limit, min_score=min_score, exclude=exclude)[0]

    def match_many(
        self,
        texts: Sequence[str],
        *,
        limit: int = 5,
        min_score: float = 0.0,
        exclude: Iterable[int] = (),
    ) -> list[list[MatchHit]]:
        excluded = set(exclude)
        gathered = self.gather(texts)
        fused = [self.fuse(found.rankings, excluded) for found in gathered]
        if self.reranker is not None and self.semantic:
            ordered = self.rerank(gathered, fused, reranker=self.reranker, limit=limit)
        else:
            ordered = [
                sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
                for scores in fused
            ]
        results = [
            [(claim_id, score) for claim_id, score in best[:limit] if score >= min_score]
            for best in ordered
        ]
        return self._with_texts(results)

    def rankings(self, texts: Sequence[str]) -> list[dict[str, list[int]]]:
        """For each text, the candidates in the order of each signal (before fusion)."""
        return [found.rankings for found in self.gather(texts)]

    def gather(self, texts: Sequence[str]) -> list[Gathered]:
        """For each text, its candidates in the order of each signal, with their cosines."""
        texts = [clean_query(text) for text in texts]
        vectors = None
        nearest: list[list[tuple[int, float]]] = [[] for _ in texts]
        if self.index is not None:
            vectors = encode(texts)
            nearest = self.index.nearest(vectors, CANDIDATES)
        found = []
        for position, query in enumerate(texts):
            words = self.rare_words(query)
            claims = _lexical_claims(self.session, words)
            titles = _lexical_titles(self.session, words)
            rankings = {
                "claim_words": [claim_id for claim_id, _ in claims],
                "title_words": [claim_id for claim_id, _ in titles],
                "words": _summed(claims, titles),
            }
            cosines: dict[int, float] = {}
            if vectors is not None and self.index is not None:
                candidates = {claim_id for ranking in rankings.values() for claim_id in ranking}
                candidates.update(claim_id for claim_id, _ in nearest[position])
                cosines = _cosines(self.index, vectors[position], candidates)
                # Ties in cosine resolve by claim id, so every database gives the same order.
                rankings["semantic"] = sorted(cosines, key=lambda c: (-cosines[c], c))
            found.append(Gathered(Query(query, self._rarity(query)), rankings, cosines))
        return found

    def rerank(
        self,
        gathered: Sequence[Gathered],
        fused: Sequence[dict[int, float]],
        *,
        reranker: Reranker,
        limit: int,
    ) -> list[list[tuple[int, float]]]:
        """Each query's first ``reranker.depth`` candidates of the fusion, in the order of the
        reranker's score (0-100); past them, when ``limit`` asks for more, the fusion's order
        goes on, scored by the same model but never above a claim listed before (the model
        was fitted and measured on that order)."""
        results = []
        for top, rows in self.candidate_rows(gathered, fused, max(reranker.depth, limit)):
            scores = [round(100 * chance, 1) for chance in reranker.probabilities(rows)]
            head = sorted(
                zip(top[: reranker.depth], scores, strict=False),
                key=lambda item: (-item[1], item[0]),
            )
            ordered = list(head)
            floor = head[-1][1] if head else 100.0
            for claim_id, score in zip(
                top[reranker.depth :], scores[reranker.depth :], strict=True
            ):
                floor = min(floor, score)
                ordered.append((claim_id, floor))
            results.append(ordered)
        return results

    def candidate_rows(
        self, gathered: Sequence[Gathered], fused: Sequence[dict[int, float]], depth: int
    ) -> list[tuple[list[int], list[list[float]]]]:
        """For each query, its first ``depth`` candidates by fusion and their feature rows."""
        tops = [
            sorted(scores, key=lambda claim_id: (-scores[claim_id], claim_id))[:depth]
            for scores in fused
        ]
        texts, titles = _texts_and_titles(self.session, {c for top in tops for c in top})
        results = []
        for found, scores, top in zip(gathered, fused, tops, strict=True):
            candidates = [
                Candidate(c, texts.get(c, ""), titles.get(c, []), found.cosines.get(c)) for c in top
            ]
            best = max(found.cosines.values(), default=0.0)
            rows = features(found.query, candidates, found.rankings, scores, best_cosine=best)
            results.append((top, rows))
        return results

    def _rarity(self, query: str) -> dict[str, float]:
        """Inverse document frequency of the query's counted words (counts are capped, so a
        common word weighs a little, never nothing)."""
        claims = max(self.state.claims, 1)
        words = lexical_words(query)
        return {
            fold(word): math.log((claims + 1) / (self._counts.get(word, 0) + 1)) + 1.0
            for word in words
        }

    def rare_words(self, text: str) -> list[str]:
        """The query's words that reach the full-text engine: those found in fewer than
        ``COMMON_CLAIMS`` claims. A word in thousands of claims adds little to the ranking and
        costs the most to rank (every claim holding it is scored), at a million claims most of
        a query's time; when every word is that common, the ``RARE_WORDS`` least common."""
        words = lexical_words(text)
        counts = self._document_counts(words)
        kept = [word for word in words if counts[word] < COMMON_CLAIMS]
        if kept:
            return kept
        return sorted(words, key=lambda w: (counts[w], -len(w), w))[:RARE_WORDS]

    def _document_counts(self, words: Sequence[str]) -> dict[str, int]:
        """How many claims hold each word, counted up to ``COMMON_CLAIMS`` (remembered)."""
        missing = [word for word in dict.fromkeys(words) if word not in self._counts]
        if missing:
            postgres = self.session.get_bind().dialect.name == "postgresql"
            template = _POSTGRES_COUNT if postgres else _SQLITE_COUNT
            values: dict[str, object] = {"cap": COMMON_CLAIMS}
            for number, word in enumerate(missing):
                if postgres:
                    values[f"e{number}"] = "'" + word.replace("'", "''") + "'"
                else:
                    values[f"e{number}"] = f'"{word}"'
            columns = ", ".join(template.format(n=number) for number in range(len(missing)))
            found = self.session.execute(text(f"SELECT {columns}"), values).one()
            self._counts.update(zip(missing, (int(count or 0) for count in found), strict=True))
        return {word: self._counts[word] for word in words}

    def fuse(self, rankings: dict[str, list[int]], excluded: set[int]) -> dict[int, float]:
        """Weighted reciprocal-rank fusion on a 0-100 scale (100: first in every ranking)."""
        weights = {name: self.weights.get(name, 0.0) for name in rankings}
        perfect = sum(weight / self.rank_constant for weight in weights.values())
        fused: dict[int, float] = {}
        for name, ranking in rankings.items():
            for place, claim_id in enumerate(ranking):
                if claim_id in excluded:
                    continue
                share = weights[name] / (self.rank_constant + place)
                fused[claim_id] = fused.get(claim_id, 0.0) + share
        return {claim_id: round(100 * value / perfect, 1) for claim_id, value in fused.items()}

    def _with_texts(self, results: list[list[tuple[int, float]]]) -> list[list[MatchHit]]:
        wanted = {claim_id for result in results for claim_id, _ in result}
        texts = (
            dict(
                self.session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(wanted))).all()
            )
            if wanted
            else {}
        )
        return [
            [MatchHit(claim_id, score, texts[claim_id]) for claim_id, score in result]
            for result in results
        ]


@dataclass(frozen=True)
class MatchDetail:
    """What a person needs to judge a match: the claim's state and its newest fact-check."""

    status: str
    claimant: str | None
    rating_label: str | None
    review_url: str | None


def match_details(*, session: Session, claim_ids: Iterable[int]) -> dict[int, MatchDetail]:
    """Status, claimant and newest review of each claim, in two queries for any number."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    claims = session.execute(
        select(Claim.id, Claim.status, Claimant.name)
        .outerjoin(Claimant, Claimant.id == Claim.claimant_id)
        .where(Claim.id.in_(ids))
    ).all()
    newest: dict[int, tuple[str, str | None]] = {}
    reviews = session.execute(
        select(Review.claim_id, Review.rating_label, Review.url)
        .where(Review.claim_id.in_(ids))
        .order_by(Review.claim_id, *NEWEST_REVIEW_FIRST)
    ).all()
    for claim_id, label, url in reviews:
        newest.setdefault(claim_id, (label, url))
    return {
        claim_id: MatchDetail(
            status=status,
            claimant=claimant,
            rating_label=newest.get(claim_id, (None, None))[0],
            review_url=newest.get(claim_id, (None, None))[1],
        )
        for claim_id, status, claimant in claims
    }


def open_matcher(*, session: Session, semantic: bool = True) -> Matcher:
    """A matcher over this database; semantic only when the index has vectors of this model."""
    cache_for_many_searches(session)
    if not semantic:
        return Matcher(session=session, state=index_state(session=session), index=None)
    state, index = open_index(session=session)
    return Matcher(session=session, state=state, index=index if state.indexed else None)


def match_claims(
    *,
    session: Session,
    text: str,
    limit: int = 5,
    min_score: float = 0.0,
    exclude: Iterable[int] = (),
) -> list[MatchHit]:
    """The claims most similar to ``text``, best first, scored 0-100."""
    matcher = open_matcher(session=session)
    return matcher.match(text, limit=limit, min_score=min_score, exclude=exclude)


def lexical_words(text: str) -> list[str]:
    """The words of ``text`` that reach the full-text engine: the longest distinct ones."""
    words = [word for word in query_words(text) if len(word) >= MIN_WORD_LENGTH]
    return sorted(words, key=len, reverse=True)[:LEXICAL_WORDS]


def _cosines(index: VectorIndex, vector: Matrix, claim_ids: set[int]) -> dict[int, float]:
    """The cosine of each given claim that has a vector (vectors are unit length)."""
    rows = index.rows_of(claim_ids)
    if not rows:
        return {}
    ids = list(rows)
    similarity = index.matrix[[rows[claim_id] for claim_id in ids]] @ vector
    return dict(zip(ids, similarity.tolist(), strict=True))


# Claims fetched in chunks: a batch of queries may bring thousands of candidates.
_FETCH_CHUNK = 500


def _texts_and_titles(
    session: Session, claim_ids: set[int]
) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Each claim's text and its fact-checks' titles, a few queries for any number of claims."""
    ordered = sorted(claim_ids)
    texts: dict[int, str] = {}
    titles: dict[int, list[str]] = {}
    for start in range(0, len(ordered), _FETCH_CHUNK):
        chunk = ordered[start : start + _FETCH_CHUNK]
        texts.update(session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(chunk))).all())
        rows = session.execute(
            select(Review.claim_id, Review.title)
            .where(Review.claim_id.in_(chunk), Review.title.is_not(None))
            .order_by(Review.claim_id, Review.id)
        )
        for claim_id, title in rows:
            if title:
                titles.setdefault(claim_id, []).append(title)
    return texts, titles


def _summed(*rankings: list[tuple[int, float]]) -> list[int]:
    """Claims by the sum of their full-text scores over claim text and titles, best first."""
    total: dict[int, float] = {}
    for ranking in rankings:
        for claim_id, score in ranking:
            total[claim_id] = total.get(claim_id, 0.0) + score
    return [claim_id for claim_id, _ in sorted(total.items(), key=lambda item: (-item[1], item[0]))]


def _lexical_claims(session: Session, words: Sequence[str]) -> list[tuple[int, float]]:
    if not words:
        return []
    hits = search_claims(session=session, query=" ".join(words), limit=CANDIDATES, any_word=True)
    return [(hit.claim_id, hit.score) for hit in hits]


def _lexical_titles(session: Session, words: Sequence[str]) -> list[tuple[int, float]]:
    """Claims whose fact-check titles share the words, the best title first."""
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = _postgres_titles(words)
    else:
        statement = _sqlite_titles(words)
    ranked: dict[int, float] = {}
    for claim_id, score in session.execute(statement.limit(CANDIDATES)).all():
        ranked.setdefault(claim_id, float(score))
    return list(ranked.items())


def _sqlite_titles(words: Sequence[str]) -> Select[int, float]:
    expression = " OR ".join(f'"{word}"' for word in words)
    return (
        select(Review.claim_id, -_review_fts.c.rank)
        .select_from(_review_fts.join(Review, Review.id == _review_fts.c.rowid))
        .join(Claim, Claim.id == Review.claim_id)
        .where(text("reviews_fts MATCH :expression").bindparams(expression=expression))
        .where(Claim.deleted_at.is_(None))
        .order_by(_review_fts.c.rank, Review.id)
    )


def _postgres_titles(words: Sequence[str]) -> Select[int, float]:
    expression = " | ".join("'" + word.replace("'", "''") + "'" for word in words)
    tsquery = func.to_tsquery("simple", func.factdb_unaccent(expression))
    vector: ColumnElement[object] = literal_column("reviews.title_vector")
    score = func.ts_rank_cd(vector, tsquery)
    return (
        select(Review.claim_id, score)
        .join(Claim, Claim.id == Review.claim_id)
        .where(vector.op("@@")(tsquery))
        .where(Claim.deleted_at.is_(None))
        .order_by(score.desc(), Review.id)
    )
