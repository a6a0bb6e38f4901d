"""The synthetic collection: claims with claimants, sources and reviews, generated
deterministically from a seed, and the queries run against it.
"""

from __future__ import annotations

import csv
import json
import math
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from bench.settings import MATCH_QUERIES, MIB, SEARCH_QUERIES
from bench.vocabularies import (
    FIRST_NAMES,
    LABELS,
    LANGUAGES,
    LAST_NAMES,
    ORG_SUFFIXES,
    PUBLISHERS,
    REVIEWERS,
    SECTIONS,
    TOPICS,
    Vocabulary,
    build_vocabularies,
)


@dataclass(frozen=True)
class Sample:
    """A claim kept aside while generating, for queries: its line number, uid, text, language."""

    line: int
    uid: str
    text: str
    language: str


@dataclass
class Dataset:
    directory: Path
    jsonl: Path
    csv: Path
    claims: int
    claimants: int
    sources: int
    reviewed: int
    reviews: int
    by_language: dict[str, int]
    seconds: float
    vocabularies: dict[str, Vocabulary]
    samples: dict[int, Sample]
    match_lines: list[int]
    search_lines: list[int]

    def rows(self) -> Iterator[tuple[str, str | None, str | None, str | None, str | None]]:
        """The claim rows the baselines insert, parsed from the JSON Lines file."""
        with self.jsonl.open(encoding="utf-8") as lines:
            for line in lines:
                yield claim_row(json.loads(line))

    def describe(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "claimants": self.claimants,
            "sources": self.sources,
            "reviewed_claims": self.reviewed,
            "reviews": self.reviews,
            "by_language": self.by_language,
            "jsonl_mb": round(self.jsonl.stat().st_size / MIB, 1),
            "csv_mb": round(self.csv.stat().st_size / MIB, 1),
            "generation_seconds": round(self.seconds, 2),
        }


def claim_row(record: dict[str, Any]) -> tuple[str, str | None, str | None, str | None, str | None]:
    claimant = record.get("claimant")
    appearances = record.get("appearances") or []
    return (
        record["text"],
        claimant["name"] if claimant else None,
        record.get("claim_date"),
        record.get("language"),
        appearances[0]["source"]["url"] if appearances else None,
    )


def _zipf_cum_weights(count: int, exponent: float) -> list[float]:
    total = 0.0
    weights: list[float] = []
    for rank in range(1, count + 1):
        total += rank**-exponent
        weights.append(total)
    return weights


def claimant_for(index: int) -> dict[str, str]:
    """Claimant ``index``: a unique name (a bijection from the index) and a kind."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    rest = index // len(FIRST_NAMES)
    last = LAST_NAMES[rest % len(LAST_NAMES)]
    rest //= len(LAST_NAMES)
    # Beyond the real-name combinations, a second surname keeps names unique.
    name = f"{first} {last}" if rest == 0 else f"{first} {last} {LAST_NAMES[rest % 40]}-{rest}"
    if index % 7 == 3:
        return {"name": f"{name} {ORG_SUFFIXES[index % len(ORG_SUFFIXES)]}", "kind": "organization"}
    if index % 19 == 5:
        return {"name": f"{name} Group", "kind": "group"}
    return {"name": name, "kind": "person"}


def source_for(index: int, english: Vocabulary) -> dict[str, str]:
    """Source ``index``: always the same URL, title and publisher for the same index."""
    publisher, domain = PUBLISHERS[index % len(PUBLISHERS)]
    words = english.content
    title_words = [words[(index * 7919 + k * 104_729) % len(words)] for k in range(4 + index % 6)]
    slug = "-".join(title_words[:4])
    section = SECTIONS[(index // len(PUBLISHERS)) % len(SECTIONS)]
    year = 2012 + index % 13
    return {
        "url": f"https://{domain}/{section}/{year}/{slug}-{index}",
        "title": " ".join(title_words).capitalize(),
        "publisher": publisher,
    }


def claim_text(rng: random.Random, vocabulary: Vocabulary) -> str:
    length = max(8, min(60, round(rng.lognormvariate(math.log(20), 0.45))))
    words = vocabulary.draw(rng, length)
    roll = rng.random()
    if roll < 0.3:
        position = rng.randrange(length)
        choice = rng.randrange(4)
        if choice == 0:
            words[position] = f"{rng.randint(1, 99)}%"
        elif choice == 1:
            words[position] = f"{rng.randint(2, 900)}"
        elif choice == 2:
            words[position] = f"{rng.randint(1990, 2024)}"
        else:
            words[position] = f"{rng.randint(1, 99)},{rng.randint(0, 9)}"
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    return text + "." if rng.random() < 0.7 else text


def generate(directory: Path, claims: int, seed: int) -> Dataset:
    started = time.perf_counter()
    rng = random.Random(seed)
    pick = random.Random(seed + 1)
    vocabularies = build_vocabularies(seed)
    english = vocabularies["en"]
    n_claimants = max(claims // 20, 10)
    n_sources = max(claims // 5, 10)
    claimant_weights = _zipf_cum_weights(n_claimants, 0.8)
    language_tags = [spec.tag for spec in LANGUAGES]
    language_weights = [spec.share for spec in LANGUAGES]
    labels = {
        tag: ([label for label, _ in mix], [weight for _, weight in mix])
        for tag, mix in LABELS.items()
    }
    match_lines = sorted(pick.sample(range(1, claims + 1), min(MATCH_QUERIES, claims)))
    search_lines = pick.sample(range(1, claims + 1), min(SEARCH_QUERIES, claims))
    keep = set(match_lines) | set(search_lines)
    samples: dict[int, Sample] = {}
    first_day = date(2012, 1, 1).toordinal()
    days = date(2024, 12, 31).toordinal() - first_day
    reviewed = reviews = 0
    by_language = dict.fromkeys(language_tags, 0)
    jsonl_path = directory / "claims.jsonl"
    csv_path = directory / "claims.csv"
    with (
        jsonl_path.open("w", encoding="utf-8") as jsonl,
        csv_path.open("w", encoding="utf-8", newline="") as csv_file,
    ):
        writer = csv.writer(csv_file)
        writer.writerow(("id", "text", "claimant", "claim_date", "language", "source_url"))
        for line in range(1, claims + 1):
            language = rng.choices(language_tags, language_weights)[0]
            by_language[language] += 1
            text = claim_text(rng, vocabularies[language])
            uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            claim_day = date.fromordinal(first_day + rng.randrange(days))
            record: dict[str, Any] = {"uid": uid, "text": text}
            if rng.random() < 0.92:
                index = rng.choices(range(n_claimants), cum_weights=claimant_weights)[0]
                record["claimant"] = claimant_for(index)
            record["claim_date"] = claim_day.isoformat()
            record["language"] = language
            record["tags"] = rng.sample(TOPICS, rng.choices((0, 1, 2, 3), (30, 40, 20, 10))[0])
            appearance_count = rng.choices((0, 1, 2), (5, 85, 10))[0]
            record["appearances"] = [
                {"source": source_for(rng.randrange(n_sources), english)}
                for _ in range(appearance_count)
            ]
            if rng.random() < 0.30:
                reviewed += 1
                count = rng.choices((1, 2, 3), (70, 22, 8))[0]
                checkers = REVIEWERS[language]
                label_list, label_weights = labels[language]
                chosen = rng.sample(checkers, min(count, len(checkers)))
                moments = sorted(
                    datetime.combine(claim_day, datetime.min.time())
                    + timedelta(days=rng.randint(1, 120), seconds=rng.randrange(86_400))
                    for _ in chosen
                )
                record["reviews"] = [
                    {
                        "rating_label": rng.choices(label_list, label_weights)[0],
                        "reviewer": name,
                        "reviewed_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "url": f"https://{domain}/r/{line}-{number}",
                    }
                    for number, ((name, domain), moment) in enumerate(
                        zip(chosen, moments, strict=True), start=1
                    )
                ]
                reviews += len(chosen)
            jsonl.write(json.dumps(record, ensure_ascii=False))
            jsonl.write("\n")
            row = claim_row(record)
            writer.writerow((line, *row))
            if line in keep:
                samples[line] = Sample(line, uid, text, language)
    return Dataset(
        directory=directory,
        jsonl=jsonl_path,
        csv=csv_path,
        claims=claims,
        claimants=n_claimants,
        sources=n_sources,
        reviewed=reviewed,
        reviews=reviews,
        by_language=by_language,
        seconds=time.perf_counter() - started,
        vocabularies=vocabularies,
        samples=samples,
        match_lines=match_lines,
        search_lines=search_lines,
    )


def search_queries(dataset: Dataset, seed: int) -> list[str]:
    """One- and two-word queries, taken from the content words of random existing claims."""
    rng = random.Random(seed + 2)
    queries: list[str] = []
    for number, line in enumerate(dataset.search_lines):
        sample = dataset.samples[line]
        vocabulary = dataset.vocabularies[sample.language]
        words = [word.strip(".,%").lower() for word in sample.text.split()]
        content = [w for w in words if w not in vocabulary.function_words and w.isalpha()]
        if not content:
            content = [w for w in words if w.isalpha()] or ["government"]
        if number % 2 == 1 and len(content) >= 2:
            first = rng.randrange(len(content) - 1)
            queries.append(f"{content[first]} {content[first + 1]}")
        else:
            queries.append(rng.choice(content))
    return queries


def reword(text: str, vocabulary: Vocabulary, rng: random.Random) -> str:
    """Drop a word, swap two neighbours, replace one word by a near one, and change the case."""
    words = text.split()
    if len(words) > 4:
        del words[rng.randrange(len(words))]
    first = rng.randrange(len(words) - 1)
    words[first], words[first + 1] = words[first + 1], words[first]
    candidates = [i for i, w in enumerate(words) if w.lower() not in vocabulary.function_words]
    position = rng.choice(candidates) if candidates else rng.randrange(len(words))
    words[position] = vocabulary.neighbour(words[position], rng)
    reworded = " ".join(words)
    if rng.random() < 0.5:
        return reworded.lower()
    position = rng.randrange(len(words))
    words[position] = words[position].upper()
    return " ".join(words)
