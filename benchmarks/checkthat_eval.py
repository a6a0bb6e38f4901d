"""How well does ``factdb match`` find the fact-check of a tweet? CLEF 2020 CheckThat! Task 2.

The 10,375 Snopes claims are imported through factdb itself (the fact-check's headline as the
review's title), the vector index is built as ``factdb import`` builds it, and each tweet of the
chosen splits is matched. Three systems are measured in one run, with the official MAP@5 plus MRR
and recall@5:

- factdb: the hybrid match (full-text over claims and titles + embeddings, fused, then the first
  candidates reranked by the learned model of benchmarks/train_match_reranker.py);
- factdb fusion alone: the same without the learned rerank (the fused order and score);
- BM25: a plain SQLite FTS5 query of the tweet's words over claim + headline, outside factdb;
- embeddings: the cosine similarity of factdb's sentence embeddings alone.

Tune on train, report dev; the official test split is held out and is not in the data folder.
``--tune`` searches the fusion weights on the first split given and prints the best ones.

    .venv/bin/python benchmarks/checkthat_eval.py --splits train,dev
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT.parent / "shared" / "data" / "checkthat2020-task2"
DEPTH = 100  # ranks kept per query (MRR counts a hit anywhere in these)

Ranking = dict[int, list[int]]


def read_claims(data: Path) -> list[tuple[int, str, str]]:
    csv.field_size_limit(1 << 30)
    with (data / "verified_claims.docs.tsv").open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        return [(int(row[0]), row[1], row[2]) for row in rows]


def read_split(data: Path, name: str) -> tuple[dict[int, str], dict[int, set[int]]]:
    with (data / name / "tweets.queries.tsv").open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        tweets = {int(row[0]): row[1] for row in rows}
    relevant: dict[int, set[int]] = {}
    for line in (data / name / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        tweet, _, claim, _ = line.split()
        relevant.setdefault(int(tweet), set()).add(int(claim))
    return tweets, relevant


def measures(ranking: Ranking, relevant: dict[int, set[int]]) -> dict[str, float]:
    """MAP@5 (as the lab computed it: precision at each hit over min(|relevant|, 5)), MRR,
    recall@5, averaged over the queries."""
    average_precision = reciprocal_rank = recall = 0.0
    for query, ranked in ranking.items():
        wanted = relevant[query]
        hits = 0
        precision_sum = 0.0
        for place, claim in enumerate(ranked[:5], start=1):
            if claim in wanted:
                hits += 1
                precision_sum += hits / place
        average_precision += precision_sum / min(len(wanted), 5)
        recall += hits / len(wanted)
        reciprocal_rank += next(
            (1 / place for place, claim in enumerate(ranked, start=1) if claim in wanted), 0.0
        )
    count = len(ranking)
    return {
        "map@5": round(average_precision / count, 4),
        "mrr": round(reciprocal_rank / count, 4),
        "recall@5": round(recall / count, 4),
    }


# -- the plain BM25 baseline ----------------------------------------------------------------


def bm25_baseline(claims: Sequence[tuple[int, str, str]]) -> Callable[[str], list[int]]:
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "claim, title, tokenize='unicode61 remove_diacritics 2')"
    )
    database.executemany("INSERT INTO docs(rowid, claim, title) VALUES (?, ?, ?)", claims)

    def rank(tweet: str) -> list[int]:
        words = dict.fromkeys(word.lower() for word in re.findall(r"\w+", tweet))
        if not words:
            return []
        expression = " OR ".join(f'"{word}"' for word in words)
        rows = database.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            (expression, DEPTH),
        )
        return [row[0] for row in rows]

    return rank


# -- factdb ---------------------------------------------------------------------------------


def records(claims: Sequence[tuple[int, str, str]]) -> Iterator[Any]:
    from factdb.formats.readers.records import RawRecord

    for vclaim_id, claim, title in claims:
        review: dict[str, Any] = {"status": "other", "reviewer": "Snopes"}
        if title.strip():
            review["title"] = title
        yield RawRecord(
            location=f"verified_claims.docs.tsv: {vclaim_id}",
            data={"text": claim, "tags": [f"vclaim-{vclaim_id}"], "reviews": [review]},
        )


def build_database(url: str, claims: Sequence[tuple[int, str, str]]) -> dict[int, list[int]]:
    """Import the claims through factdb; returns claim id -> vclaim id, and prints the timing."""

    from factdb.db import create_db_engine, transaction
    from factdb.domain import OnError
    from factdb.services.admin.schema import upgrade
    from factdb.services.ingest.importing import ImportOptions, import_records

    engine = create_db_engine(url)
    upgrade(engine=engine)
    started = time.perf_counter()
    with transaction(engine) as session:
        summary = import_records(
            session=session,
            records=records(claims),
            options=ImportOptions(actor="benchmark", on_error=OnError.SKIP),
        )
    seconds = time.perf_counter() - started
    engine.dispose()
    print(
        f"imported and indexed {summary.created} claims ({summary.failed} failed, "
        f"{summary.merged} merged) in {seconds:.1f} s = {summary.created / seconds:.0f} claims/s",
        file=sys.stderr,
    )
    return read_vclaims(url)


def read_vclaims(url: str) -> dict[int, list[int]]:
    """Claim id -> vclaim ids, from the tags the import gave the claims."""
    from sqlalchemy import select

    from factdb.db import create_db_engine, transaction
    from factdb.models import ClaimTag

    with transaction(create_db_engine(url)) as session:
        rows = session.execute(select(ClaimTag.claim_id, ClaimTag.tag)).all()
    found: dict[int, list[int]] = {}
    for claim_id, tag in rows:
        found.setdefault(claim_id, []).append(int(tag.removeprefix("vclaim-")))
    return {claim_id: sorted(vclaims) for claim_id, vclaims in found.items()}


def factdb_rankings(
    url: str,
    tweets: dict[int, str],
    weights: dict[str, float] | None = None,
    constant: float = 0,
    *,
    rerank: bool = True,
) -> tuple[Ranking, Ranking]:
    """The hybrid match's rankings and the embeddings-alone rankings, in claim ids."""
    from factdb.db import create_db_engine, transaction
    from factdb.services.matching.matcher import clean_query, open_matcher
    from factdb.services.vectors.embeddings import encode

    engine = create_db_engine(url)
    with transaction(engine) as session:
        matcher = open_matcher(session=session)
        if weights is not None:
            matcher.weights = weights
        if constant:
            matcher.rank_constant = constant
        if not rerank:
            matcher.reranker = None
        ids = list(tweets)
        texts = [tweets[tweet] for tweet in ids]
        hybrid = matcher.match_many(texts, limit=DEPTH)
        assert matcher.index is not None, "the vector index should have been built on import"
        # The model alone, on the same cleaned query the hybrid match embeds.
        nearest = matcher.index.nearest(encode([clean_query(text) for text in texts]), DEPTH)
    return (
        {tweet: [hit.claim_id for hit in hits] for tweet, hits in zip(ids, hybrid, strict=True)},
        {tweet: [c for c, _ in hits] for tweet, hits in zip(ids, nearest, strict=True)},
    )


def answer_claims(gathered: Any, vclaim_of: dict[int, list[int]], relevant: set[int]) -> set[int]:
    """The candidates of a query that are its fact-checks."""
    return {c for r in gathered.rankings.values() for c in r if set(vclaim_of[c]) & relevant}


def without_claims(gathered: Any, claims: set[int]) -> Any:
    """A query's candidates as they would be without these claims in the collection."""
    from dataclasses import replace

    return replace(
        gathered,
        rankings={
            name: [c for c in ranking if c not in claims]
            for name, ranking in gathered.rankings.items()
        },
        cosines={c: value for c, value in gathered.cosines.items() if c not in claims},
    )


# Bands of match's score (0-100) for how often a top-5 hit in each is right.
SCORE_BANDS = ((80.0, 100.0), (50.0, 80.0), (10.0, 50.0), (0.0, 10.0))


def score_figures(
    url: str, tweets: dict[int, str], relevant: dict[int, set[int]], vclaim_of: dict[int, list[int]]
) -> dict[str, Any]:
    """What match's score says: of the top-5 hits in each band, how many are right; and, with
    each tweet's fact-checks taken out of the collection (a post nobody has checked yet), the
    share of tweets whose best candidate still scores 50 or more."""
    from factdb.db import create_db_engine, transaction
    from factdb.services.matching.matcher import open_matcher

    with transaction(create_db_engine(url)) as session:
        matcher = open_matcher(session=session)
        assert matcher.reranker is not None
        assert matcher.index is not None
        ids = list(tweets)
        gathered = matcher.gather([tweets[tweet] for tweet in ids])
        bands = {f"{low:g}-{high:g}": [0, 0] for low, high in SCORE_BANDS}
        answered = _reranked(matcher, gathered)
        for tweet, hits in zip(ids, answered, strict=True):
            for claim, score in hits[:5]:
                low, high = next(band for band in SCORE_BANDS if band[0] <= score <= band[1])
                counts = bands[f"{low:g}-{high:g}"]
                counts[0] += bool(set(vclaim_of[claim]) & relevant[tweet])
                counts[1] += 1
        taken_out = [
            without_claims(g, answer_claims(g, vclaim_of, relevant[t]))
            for t, g in zip(ids, gathered, strict=True)
        ]
        unanswered = _reranked(matcher, taken_out)
    confident = [bool(hits) and hits[0][1] >= 50.0 for hits in unanswered]
    return {
        "top-5 hits right, by score band": {band: f"{r} of {n}" for band, (r, n) in bands.items()},
        "fact-checks taken out: best candidate scoring 50 or more": round(
            sum(confident) / len(confident), 4
        ),
    }


def _reranked(matcher: Any, gathered: Sequence[Any]) -> list[list[tuple[int, float]]]:
    fused = [matcher.fuse(g.rankings, set()) for g in gathered]
    ordered: list[list[tuple[int, float]]] = matcher.rerank(
        gathered, fused, reranker=matcher.reranker, limit=5
    )
    return ordered


def to_vclaims(ranking: Ranking, vclaim_of: dict[int, list[int]]) -> Ranking:
    """Claim ids to vclaim ids; a claim the import merged (same text) stands for all of its."""
    return {
        query: [vclaim for claim in ranked for vclaim in vclaim_of[claim]]
        for query, ranked in ranking.items()
    }


def tune(
    url: str, tweets: dict[int, str], relevant: dict[int, set[int]], vclaim_of: dict[int, list[int]]
) -> None:
    """Rank once, then try fusion weights and rank constants on the rankings."""
    from factdb.db import create_db_engine, transaction
    from factdb.services.matching.matcher import open_matcher

    with transaction(create_db_engine(url)) as session:
        matcher = open_matcher(session=session)
        ids = list(tweets)
        rankings = matcher.rankings([tweets[tweet] for tweet in ids])
    # Each ranking as {claim: place}, once; then every setting fuses those with plain sums.
    places = [
        {name: {claim: place for place, claim in enumerate(ranked)} for name, ranked in r.items()}
        for r in rankings
    ]
    results = []
    grid = itertools.product((1.0, 2.0, 3.0, 4.0), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0), (0.0, 1.0))
    for semantic, claim_words, title_words, words in grid:
        weights = {
            "semantic": semantic,
            "claim_words": claim_words,
            "title_words": title_words,
            "words": words,
        }
        for constant in (1.0, 3.0, 10.0, 60.0):
            ranking = {}
            for tweet, ranked in zip(ids, places, strict=True):
                fused: dict[int, float] = {}
                for name, where in ranked.items():
                    weight = weights[name]
                    if weight:
                        for claim, place in where.items():
                            fused[claim] = fused.get(claim, 0.0) + weight / (constant + place)
                best = sorted(fused, key=lambda claim: (-fused[claim], claim))[:DEPTH]
                ranking[tweet] = [vclaim for claim in best for vclaim in vclaim_of[claim]]
            figure = measures(ranking, relevant)
            results.append((figure["map@5"], figure, weights, constant))
    results.sort(key=lambda item: -item[0])
    for _, figure, weights, constant in results[:10]:
        print(f"{figure} weights {weights} rank constant {constant}")


CROSSLINGUAL = Path(__file__).resolve().parent / "data" / "crosslingual_dev.tsv"


def crosslingual(
    url: str, vclaim_of: dict[int, list[int]], baseline: Callable[[str], list[int]]
) -> dict[str, Any]:
    """Top-5 hit rate of translated claims (pt, es, fr, de) finding their English fact-check."""
    with CROSSLINGUAL.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    queries = {number: row["text"] for number, row in enumerate(rows)}
    relevant = {number: {int(row["vclaim_id"])} for number, row in enumerate(rows)}
    hybrid, semantic = factdb_rankings(url, queries)
    systems = {
        "factdb (hybrid)": to_vclaims(hybrid, vclaim_of),
        "BM25 (FTS5, claim + headline)": {q: baseline(text) for q, text in queries.items()},
        "embeddings alone": to_vclaims(semantic, vclaim_of),
    }
    report: dict[str, Any] = {"queries": len(rows)}
    for name, ranking in systems.items():
        by_language: dict[str, list[bool]] = {}
        for number, ranked in ranking.items():
            hit = bool(relevant[number] & set(ranked[:5]))
            by_language.setdefault(rows[number]["language"], []).append(hit)
        every = [hit for hits in by_language.values() for hit in hits]
        report[name] = {
            "top-5 hit rate": round(sum(every) / len(every), 4),
            **{lang: round(sum(hits) / len(hits), 4) for lang, hits in by_language.items()},
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", default="dev", help="comma-separated: train, dev")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tune", action="store_true", help="search fusion weights on the split")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--keep", type=Path, help="keep the imported database in this file (reused if present)"
    )
    args = parser.parse_args()
    claims = read_claims(args.data)
    with tempfile.TemporaryDirectory() as directory:
        path = args.keep or Path(directory) / "checkthat.sqlite3"
        url = f"sqlite:///{path}"
        vclaim_of = read_vclaims(url) if path.exists() else build_database(url, claims)
        if args.tune:
            tweets, relevant = read_split(args.data, args.splits.split(",")[0])
            tune(url, tweets, relevant, vclaim_of)
            return
        baseline = bm25_baseline(claims)
        report: dict[str, Any] = {}
        for split in args.splits.split(","):
            tweets, relevant = read_split(args.data, split)
            started = time.perf_counter()
            hybrid, semantic = factdb_rankings(url, tweets)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            fusion, _ = factdb_rankings(url, tweets, rerank=False)
            fusion_seconds = time.perf_counter() - started
            report[split] = {
                "tweets": len(tweets),
                "factdb (hybrid)": measures(to_vclaims(hybrid, vclaim_of), relevant),
                "factdb fusion alone (no learned rerank)": measures(
                    to_vclaims(fusion, vclaim_of), relevant
                ),
                "BM25 (FTS5, claim + headline)": measures(
                    {tweet: baseline(text) for tweet, text in tweets.items()}, relevant
                ),
                "embeddings alone": measures(to_vclaims(semantic, vclaim_of), relevant),
                "factdb score": score_figures(url, tweets, relevant, vclaim_of),
                "factdb queries/s": round(len(tweets) / seconds, 1),
                "factdb fusion alone queries/s": round(len(tweets) / fusion_seconds, 1),
            }
        report["cross-lingual (team-written translations)"] = crosslingual(url, vclaim_of, baseline)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
