#!/usr/bin/env python3
"""factdb benchmarks: every figure measured next to its baseline, in one run.

Generates a deterministic synthetic collection of claims (JSON Lines for factdb, CSV for
sqlite-utils) in a temporary directory, then measures import, export, search, matching, start-up
and statistics, each against a baseline doing comparable work in the same run, and prints a table
with the ratios and pass/fail against the targets. The same goes to a JSON file.

    .venv/bin/python benchmarks/run.py                    # 20,000 claims: the CI smoke test
    .venv/bin/python benchmarks/run.py --claims 1000000   # the real figures
    .venv/bin/python benchmarks/run.py --only search,match --claims 100000 --keep

Every figure is measured independently: a missing feature or a failing command gives its rows
"n/a" with the reason, and the run goes on. The exit status is 0 whatever the figures (targets are
printed, not asserted) unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import csv
import hashlib
import importlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

DEFAULT_CLAIMS = 20_000
DEFAULT_SEED = 20_240_501
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SEARCH_QUERIES = 200
MATCH_QUERIES = 100
CLI_SAMPLES = 3
SEARCH_LIMIT = 10
MATCH_LIMIT = 5
MIB = 1024 * 1024


def split_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --------------------------------------------------------------------------------------------
# Vocabulary: real function words and claim words per language, then pseudo-words, Zipf-ranked.
# --------------------------------------------------------------------------------------------

EN_FUNCTION = split_words(
    "the of and to a in is that for it was on are with as he be by at this have from or "
    "not had but they his has were we an all their been will would there more one which who "
    "she her its than can so no only also about into over after up out our if what when "
    "new two them some could these other people just then may any most now like per year "
    "since under every said says"
)
EN_CONTENT = split_words(
    "government president million percent tax taxes vaccine vaccines election votes voters "
    "billion state states country economy jobs unemployment inflation prices health care "
    "minister law police crime immigrants immigration border schools students teachers "
    "children women workers wages minimum budget debt spending deficit oil gas energy climate "
    "emissions covid pandemic deaths cases hospital doctors study report data record highest "
    "lowest increase decrease doubled banned approved congress senate parliament court judge "
    "campaign party candidate governor mayor city cities water food farmers trade china russia "
    "ukraine war military army soldiers refugees program fund funding pension pensions "
    "retirement insurance medicare abortion guns murders rate rates housing rent homeless "
    "wind solar nuclear coal electricity fuel cars roads bridge internet social media "
    "facebook twitter video photo fake claims shows proves never always first largest "
    "smallest fastest poverty income wealth rich poor corporations companies business "
    "contract contracts corruption fraud stolen ballots mail polls survey vote signed bill "
    "decree ministry officials agency federal national local public private free universal "
    "mask masks lockdown cure treatment drug drugs cancer heart virus bacteria"
)
PT_FUNCTION = split_words(
    "o a os as de do da dos das em no na nos nas um uma e que para com por se não mais foi "
    "ao à é são era pelo pela sobre entre como mas também já ele ela eles seu sua quando "
    "onde ano anos governo disse diz"
)
PT_CONTENT = split_words(
    "presidente milhões bilhões reais vacina vacinas eleição urnas votos eleitores estado "
    "país economia empregos desemprego inflação preços saúde ministro lei polícia crime "
    "escolas alunos professores crianças mulheres salário mínimo orçamento dívida gastos "
    "petróleo energia clima desmatamento amazônia pandemia mortes casos hospital médicos "
    "pesquisa recorde aumento queda dobrou proibiu aprovou congresso senado deputados "
    "supremo tribunal juiz campanha partido candidato governador prefeito cidade água "
    "comida agricultores bolsa família auxílio aposentadoria previdência armas homicídios "
    "corrupção fraude vídeo foto falso verdade"
)
ES_FUNCTION = split_words(
    "el la los las de del en un una y que para con por se no más fue al es son era sobre "
    "entre como pero también ya él ella su sus cuando donde año años gobierno dijo dice lo"
)
ES_CONTENT = split_words(
    "presidente millones pesos vacuna vacunas elecciones votos votantes estado país economía "
    "empleo desempleo inflación precios salud ministro ley policía delito escuelas alumnos "
    "maestros niños mujeres salario mínimo presupuesto deuda gasto petróleo energía clima "
    "pandemia muertes casos hospital médicos encuesta récord aumento caída duplicó prohibió "
    "aprobó congreso senado diputados corte juez campaña partido candidato gobernador "
    "alcalde ciudad agua comida agricultores pensiones jubilación armas homicidios "
    "corrupción fraude video foto falso verdad"
)
RU_FUNCTION = split_words(
    "и в не на что с по как это он она они его её их к за из от для так же все был была "  # noqa: RUF001
    "были будет уже только или но а при о об до после году года лет сказал заявил"  # noqa: RUF001
)
RU_CONTENT = split_words(
    "президент правительство миллионов миллиардов рублей вакцина выборы голоса страна "
    "экономика работа безработица инфляция цены здоровье министр закон полиция школы "
    "дети женщины зарплата пенсия бюджет долг нефть газ энергия пандемия смерти больница "
    "врачи опрос рекорд рост снижение запретил одобрил дума суд партия губернатор город "
    "вода армия война санкции коррупция видео фото фейк правда"
)
AR_FUNCTION = split_words(
    "في من على إلى أن عن مع هذا هذه التي الذي كان كانت لا ما هو هي قد بعد قبل كل بين "
    "حتى عام أو ثم لم لن إن قال"
)
AR_CONTENT = split_words(
    "الرئيس الحكومة مليون مليار دولار لقاح الانتخابات الأصوات البلاد الاقتصاد البطالة "
    "التضخم الأسعار الصحة الوزير القانون الشرطة المدارس الأطفال النساء الرواتب الميزانية "
    "الديون النفط الغاز الطاقة الوباء الوفيات المستشفى الأطباء رقم قياسي ارتفاع انخفاض "
    "البرلمان المحكمة الحزب المدينة المياه الجيش الحرب الفساد فيديو صورة مزيف حقيقة"
)

RU_CONSONANTS = "бвгджзклмнпрстфхцчшщ"
RU_VOWELS = "аеиоуыэюя"
RU_SUFFIXES = ("", "", "ость", "ение", "ский", "ов", "ать", "ный")
AR_CONSONANTS = "بتثجحخدذرزسشصضطظعغفقكلمنه"
AR_LONG_VOWELS = "اوي"


@dataclass(frozen=True)
class LanguageSpec:
    tag: str
    share: float
    function_words: tuple[str, ...]
    content_words: tuple[str, ...]
    pseudo_words: int


LANGUAGES = (
    LanguageSpec("en", 0.50, EN_FUNCTION, EN_CONTENT, 3000),
    LanguageSpec("pt", 0.20, PT_FUNCTION, PT_CONTENT, 1500),
    LanguageSpec("es", 0.15, ES_FUNCTION, ES_CONTENT, 1500),
    LanguageSpec("ru", 0.08, RU_FUNCTION, RU_CONTENT, 1000),
    LanguageSpec("ar", 0.07, AR_FUNCTION, AR_CONTENT, 1000),
)

LATIN_SYLLABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            *split_words("b c d f g h k l m n p r s t v w"),
            "br",
            "cr",
            "dr",
            "fl",
            "gr",
            "pl",
            "pr",
            "sh",
            "st",
            "str",
            "th",
            "tr",
            "ch",
            "",
        ),
        ("a", "e", "i", "o", "u", "ea", "ou", "ai", "io", "ee"),
        ("", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "m"),
    ),
    "pt": (
        (*split_words("b c d f g j l m n p r s t v"), "br", "cr", "pr", "tr", "ch", "lh", ""),
        ("a", "e", "i", "o", "u", "ã", "á", "é", "ê", "ó", "í", "ão"),
        ("", "", "", "r", "s", "l", "m", "ção", "dade", "mente", "ista"),
    ),
    "es": (
        (*split_words("b c d f g j l m n p r s t v"), "br", "cr", "pr", "tr", "ch", "ll", ""),
        ("a", "e", "i", "o", "u", "á", "é", "í", "ó", "ú", "ie", "ue"),
        ("", "", "", "r", "s", "l", "n", "ción", "dad", "mente", "ista"),
    ),
}

TOPICS = split_words(
    "economy health elections covid-19 vaccines immigration crime climate energy education "
    "taxes jobs corruption foreign-policy security housing environment agriculture pensions "
    "transport technology media religion human-rights budget justice war science sports "
    "culture social-welfare"
)

FIRST_NAMES = split_words(
    "Maria João Ana José Carlos Paulo Lucas Fernanda Juliana Marcos John Mary James Linda "
    "Robert Patricia Michael Jennifer David Susan Ahmed Fatima Omar Layla Olga Ivan Sergei "
    "Natalia Dmitri Elena Lucía Pedro Javier Carmen Diego Sofía Miguel Isabel Luis Gabriela"
)
LAST_NAMES = split_words(
    "Silva Santos Oliveira Souza Pereira Costa Rodrigues Almeida Lima Carvalho Smith Johnson "
    "Williams Brown Jones Miller Davis Wilson Taylor Clark Hassan Ali Haddad Khalil Ivanov "
    "Petrov Smirnova Volkov García Martínez López González Hernández Pérez Sánchez Ramírez "
    "Torres Flores"
)
ORG_SUFFIXES = ("Party", "Institute", "Foundation", "Ministry", "Union", "Association", "Council")
PUBLISHERS = (
    ("Daily Ledger", "dailyledger.example"),
    ("The Morning Post", "morningpost.example"),
    ("Folha do Povo", "folhadopovo.example"),
    ("Diário Nacional", "diarionacional.example"),
    ("El Heraldo", "elheraldo.example"),
    ("La Voz Pública", "lavozpublica.example"),
    ("Novaya Vest", "novayavest.example"),
    ("Al Khabar Today", "alkhabar.example"),
    ("Capitol Wire", "capitolwire.example"),
    ("Metro Courier", "metrocourier.example"),
    ("Radio Cidade", "radiocidade.example"),
    ("Social Feed Archive", "socialarchive.example"),
)
SECTIONS = ("politics", "economy", "world", "health", "opinion", "local", "video", "social")
REVIEWERS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("TruthDesk", "truthdesk.example"),
        ("Fact Patrol", "factpatrol.example"),
        ("CheckUp News", "checkup.example"),
        ("Verity Lab", "veritylab.example"),
    ),
    "pt": (
        ("Agência Checa", "agenciacheca.example"),
        ("Comprova Já", "comprovaja.example"),
        ("Fato ou Fake Desk", "fatooufake.example"),
    ),
    "es": (
        ("Chequeado Desk", "chequeadodesk.example"),
        ("Verificado MX", "verificadomx.example"),
        ("Maldito Dato", "malditodato.example"),
    ),
    "ru": (("Provereno Desk", "provereno.example"), ("Fakty Lab", "faktylab.example")),
    "ar": (("Misbar Desk", "misbardesk.example"), ("Fatabyyano Lab", "fatabyyano.example")),
}
LABELS: dict[str, tuple[tuple[str, int], ...]] = {
    "en": (
        ("False", 30),
        ("Mostly False", 12),
        ("Pants on Fire", 6),
        ("Misleading", 12),
        ("Half True", 8),
        ("Mostly True", 8),
        ("True", 8),
        ("Missing context", 6),
        ("False. The figure was never published by the ministry.", 3),
        ("Unproven", 3),
        ("Satire", 1),
    ),
    "pt": (
        ("Falso", 35),
        ("Sem contexto", 15),
        ("Verdadeiro", 10),
        ("Distorcido", 12),
        ("Exagerado", 8),
        ("Impreciso", 8),
        ("Insustentável", 4),
    ),
    "es": (
        ("Falso", 35),
        ("Engañoso", 20),
        ("Verdadero", 10),
        ("Cuestionable", 10),
        ("Verdadero, pero", 8),
        ("Inchequeable", 4),
    ),
    "ru": (("Неправда", 40), ("Ложь", 20), ("Полуправда", 20), ("Правда", 10)),
    "ar": (("زائف", 40), ("مضلل", 30), ("صحيح", 10), ("خطأ", 20)),
}


@dataclass
class Vocabulary:
    """One language's words, most frequent first, with Zipf cumulative weights."""

    tag: str
    words: list[str]
    cum_weights: list[float]
    function_words: frozenset[str]
    content: list[str]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def neighbour(self, word: str, rng: random.Random) -> str:
        """A 'synonym-ish' replacement: a content word of about the same frequency."""
        try:
            position = self.content.index(word.lower())
        except ValueError:
            position = rng.randrange(len(self.content))
        shift = rng.choice((-3, -2, -1, 1, 2, 3))
        return self.content[(position + shift) % len(self.content)]


def _pseudo_word(rng: random.Random, tag: str) -> str:
    if tag == "ru":
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(rng.choice(RU_CONSONANTS) + rng.choice(RU_VOWELS) for _ in range(syllables))
        return word + rng.choice(RU_SUFFIXES)
    if tag == "ar":
        letters = [rng.choice(AR_CONSONANTS) for _ in range(rng.choice((3, 3, 4, 4, 5)))]
        letters.insert(rng.randrange(1, len(letters)), rng.choice(AR_LONG_VOWELS))
        return ("ال" if rng.random() < 0.4 else "") + "".join(letters)
    onsets, vowels, codas = LATIN_SYLLABLES[tag]
    syllables = rng.choice((1, 1, 2, 2, 2, 3))
    word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
    return word + rng.choice(codas)


def build_vocabularies(seed: int) -> dict[str, Vocabulary]:
    rng = random.Random(seed ^ 0x5EED)
    vocabularies: dict[str, Vocabulary] = {}
    for spec in LANGUAGES:
        seen = set(spec.function_words) | set(spec.content_words)
        pseudo: list[str] = []
        while len(pseudo) < spec.pseudo_words:
            word = _pseudo_word(rng, spec.tag)
            if len(word) >= 3 and word not in seen:
                seen.add(word)
                pseudo.append(word)
        content = list(spec.content_words) + pseudo
        words = list(spec.function_words) + content
        # Zipf (s = 1): the function words on top carry about half of the running text.
        total = 0.0
        cum_weights: list[float] = []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank
            cum_weights.append(total)
        vocabularies[spec.tag] = Vocabulary(
            spec.tag, words, cum_weights, frozenset(spec.function_words), content
        )
    return vocabularies


# --------------------------------------------------------------------------------------------
# The synthetic collection, streamed to disk.
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Measuring: processes with their own peak RSS, in-process latencies.
# --------------------------------------------------------------------------------------------


class NotAvailable(Exception):
    """The feature is missing: the figure's rows read "n/a (not available: ...)"."""


class Skipped(Exception):
    """The figure cannot run here (e.g. no PostgreSQL server); not a failure."""


@dataclass(frozen=True)
class ProcessResult:
    argv: tuple[str, ...]
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system of exactly that child

    def check(self, what: str) -> ProcessResult:
        if self.returncode == 0:
            return self
        message = self.stderr.strip() or self.stdout.strip()
        if "No such command" in message:
            raise NotAvailable(f"factdb has no '{what}' command")
        if "No such option" in message:
            raise NotAvailable(f"'factdb {what}': {last_line(message)}")
        raise RuntimeError(f"'factdb {what}' exited {self.returncode}: {last_line(message)}")


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> ProcessResult:
    """Run a process; its wall time and the peak RSS of exactly that child (``os.wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcessResult(
            argv=tuple(argv),
            seconds=seconds,
            peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
        )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def warm_file(path: Path) -> None:
    """Read a file once so that every contender finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(16 * MIB):
            pass


def mask(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class SearchFunction(Protocol):
    def __call__(self, *, session: Session, query: str, limit: int = ...) -> Sequence[Any]: ...


class MatchFunction(Protocol):
    def __call__(
        self, *, session: Session, text: str, limit: int = ..., min_score: float = ...
    ) -> Sequence[Any]: ...


def service(module_name: str, function: str) -> Any:
    """A factdb service function, or NotAvailable naming what is missing."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise NotAvailable(f"{module_name} cannot be imported: {error}") from None
    if not hasattr(module, function):
        raise NotAvailable(f"{module_name} has no {function}()")
    return getattr(module, function)


# --------------------------------------------------------------------------------------------
# Rows, targets and the table.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    text: str
    on: str = ""  # "ratio", "value" or "" (informational)
    op: str = "<="
    limit: float = 0.0

    def result(self, value: float | None, ratio: float | None) -> str:
        if not self.on:
            return "info"
        measured = ratio if self.on == "ratio" else value
        if measured is None:
            return "n/a"
        ok = measured <= self.limit if self.op == "<=" else measured >= self.limit
        return "pass" if ok else "FAIL"


INFO = Target("—")


@dataclass
class Measurement:
    value: float | None
    unit: str  # "s", "ms", "MB", "" (a fraction or a count)
    baseline: float | None = None
    baseline_label: str = ""
    ratio: bool = True
    note: str = ""


@dataclass
class Row:
    figure: str
    metric: str
    factdb: str
    baseline: str
    ratio: float | None
    target: str
    result: str
    unit: str = ""
    factdb_value: float | None = None
    baseline_value: float | None = None
    baseline_label: str = ""
    note: str = ""


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "/s":
        return f"{value:.0f}/s"
    return f"{value:.2f}"


def make_row(figure: str, metric: str, target: Target, measured: Measurement) -> Row:
    ratio = None
    if measured.ratio and measured.value is not None and measured.baseline:
        ratio = measured.value / measured.baseline
    baseline = fmt(measured.baseline, measured.unit) if measured.baseline is not None else "—"
    if measured.baseline_label and measured.baseline is not None:
        baseline = f"{baseline} ({measured.baseline_label})"
    return Row(
        figure=figure,
        metric=metric,
        factdb=fmt(measured.value, measured.unit),
        baseline=baseline,
        ratio=ratio,
        target=target.text,
        result=target.result(measured.value, ratio),
        unit=measured.unit,
        factdb_value=measured.value,
        baseline_value=measured.baseline,
        baseline_label=measured.baseline_label,
        note=measured.note,
    )


def print_table(rows: Sequence[Row], stream: IO[str]) -> None:
    headers = ("figure", "factdb", "baseline", "ratio", "target", "result")
    cells = [
        (
            f"{row.figure}: {row.metric}",
            shorten(row.factdb, 64),
            row.baseline,
            "—" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            row.result,
        )
        for row in rows
    ]
    widths = [max(len(headers[i]), *(len(cell[i]) for cell in cells)) for i in range(6)]
    line = "  ".join(header.ljust(widths[i]) for i, header in enumerate(headers))
    print(line, file=stream)
    print("  ".join("-" * width for width in widths), file=stream)
    for cell in cells:
        print("  ".join(value.ljust(widths[i]) for i, value in enumerate(cell)), file=stream)
    notes = [row for row in rows if row.note]
    if notes:
        print("\nnotes:", file=stream)
        for row in notes:
            print(f"  {row.figure}: {row.metric}: {row.note}", file=stream)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------------------------
# The run: shared state, built lazily, so that every figure can run on its own.
# --------------------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    workdir: Path
    factdb: str
    env: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    generated: Dataset | None = None
    _database: Path | None = None
    _import: ProcessResult | None = None
    _import_error: BaseException | None = None
    _index: ProcessResult | None = None
    _import_line: list[float] | None = None
    _expected_ids: dict[str, int] | None = None

    # -- shared prerequisites ---------------------------------------------------------------

    def dataset(self) -> Dataset:
        if self.generated is None:
            log(f"generating {self.args.claims:,} claims in {self.workdir} …")
            self.generated = generate(self.workdir, self.args.claims, self.args.seed)
            log(f"  generated in {self.generated.seconds:.1f} s")
        return self.generated

    def cli(self, *arguments: str) -> list[str]:
        return [self.factdb, *arguments]

    def factdb_import(self) -> ProcessResult:
        """The factdb SQLite database of the whole collection, imported (and timed) once."""
        if self._import_error is not None:
            raise NotAvailable(f"the factdb import failed: {self._import_error}")
        if self._import is None:
            dataset = self.dataset()
            database = self.workdir / "factdb.sqlite3"
            try:
                self.prepare_schema(str(database))
                warm_file(dataset.jsonl)
                log("factdb import (SQLite) …")
                # The vector index is built (and timed) separately, by `factdb index`.
                result = run_process(
                    self.cli("--db", str(database), "import", "--no-index", str(dataset.jsonl)),
                    self.env,
                ).check("import")
            except Exception as error:
                self._import_error = error
                raise
            self._import = result
            self._database = database
            log(f"  {result.seconds:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB")
        return self._import

    def imported(self) -> Path:
        """The imported database as the import left it (no vector index: at a million claims
        embedding everything takes longer than all other figures together)."""
        self.factdb_import()
        assert self._database is not None
        return self._database

    def embed(self, claim_ids: Sequence[int]) -> None:
        """Embed just these claims, as `factdb index` would (so `verify` finds them indexed)."""
        from factdb.db import create_db_engine, transaction
        from factdb.services.vectors.embeddings import index_claims

        engine = create_db_engine(f"sqlite:///{self.imported().resolve()}")
        try:
            with transaction(engine) as session:
                index_claims(session=session, claim_ids=list(claim_ids))
        finally:
            engine.dispose()

    def database(self) -> Path:
        """The imported database, with its vector index built (``match`` and ``dedupe`` use it)."""
        self.factdb_index()
        assert self._database is not None
        return self._database

    def factdb_index(self) -> ProcessResult:
        """``factdb index`` over the imported collection, run (and timed) once."""
        if self._index is None:
            self.factdb_import()
            assert self._database is not None
            if self.args.synthetic_vectors:
                log("synthetic vectors (not `factdb index`) …")
                started = time.perf_counter()
                fill_synthetic_vectors(
                    self._database,
                    self.args.synthetic_vectors,
                    set(self.expected_ids_unindexed().values()),
                    self.args.seed,
                )
                self._index = ProcessResult(
                    argv=("synthetic",),
                    returncode=0,
                    stdout="",
                    stderr="",
                    seconds=time.perf_counter() - started,
                    peak_rss_mb=0.0,
                )
                return self._index
            log("factdb index …")
            self._index = run_process(
                self.cli("--db", str(self._database), "index"), self.env
            ).check("index")
            log(f"  {self._index.seconds:.1f} s, peak RSS {self._index.peak_rss_mb:.0f} MB")
        return self._index

    def prepare_schema(self, url: str) -> None:
        run_process(self.cli("--db", url, "db", "upgrade"), self.env).check("db upgrade")

    def expected_ids(self) -> dict[str, int]:
        """The factdb id of each kept claim, found by its uid."""
        self.database()
        return self.expected_ids_unindexed()

    def expected_ids_unindexed(self) -> dict[str, int]:
        if self._expected_ids is None:
            dataset = self.dataset()
            found: dict[str, int] = {}
            with contextlib.closing(sqlite3.connect(self.imported())) as connection:
                for sample in dataset.samples.values():
                    key = uuid.UUID(sample.uid)
                    row = connection.execute(
                        "SELECT id FROM claims WHERE uid IN (?, ?)", (key.hex, str(key))
                    ).fetchone()
                    if row is not None:
                        found[sample.uid] = int(row[0])
            self._expected_ids = found
        return self._expected_ids

    def import_line(self) -> list[float]:
        """Process times of ``python -c "import typer, sqlalchemy.orm, pydantic"``."""
        if self._import_line is None:
            argv = [sys.executable, "-c", "import typer, sqlalchemy.orm, pydantic"]
            run_process(argv, self.env)
            self._import_line = [
                run_process(argv, self.env).seconds for _ in range(self.args.repeat)
            ]
        return self._import_line

    def baseline_queries(self) -> int:
        """How many match queries rapidfuzz runs: a full scan per query is slow on big sets."""
        if self.args.baseline_queries is not None:
            chosen: int = self.args.baseline_queries
        else:
            chosen = 200_000 // self.args.claims
        return max(10, min(MATCH_QUERIES, chosen))

    def engine(self) -> Engine:
        from factdb.db import create_db_engine

        return create_db_engine(f"sqlite:///{self.database().resolve()}")

    # -- running a figure -------------------------------------------------------------------

    def part(
        self,
        figure: str,
        metrics: Sequence[tuple[str, Target]],
        measure: Callable[[], dict[str, Measurement]],
    ) -> None:
        """Measure some rows of a figure; a failure makes just these rows "n/a"."""
        started = time.perf_counter()
        try:
            measured = measure()
        except NotAvailable as error:
            self._unavailable(figure, metrics, f"n/a (not available: {error})", "n/a")
        except Skipped as error:
            self._unavailable(figure, metrics, f"skipped: {error}", "skip")
        except Exception as error:
            reason = f"n/a (failed: {type(error).__name__}: {error})"
            self._unavailable(figure, metrics, reason, "n/a")
        else:
            for metric, target in metrics:
                if metric in measured:
                    self.rows.append(make_row(figure, metric, target, measured[metric]))
        log(f"  {figure} done in {time.perf_counter() - started:.1f} s")

    def _unavailable(
        self, figure: str, metrics: Sequence[tuple[str, Target]], reason: str, result: str
    ) -> None:
        log(f"  {figure}: {reason}")
        for number, (metric, target) in enumerate(metrics):
            note = reason if number == 0 else ""
            row = Row(figure, metric, reason, "—", None, target.text, result, note=note)
            self.rows.append(row)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The figures.
# --------------------------------------------------------------------------------------------


def executemany_baseline(dataset: Dataset, path: Path) -> float:
    """Parse the same JSON Lines and insert the claim rows into one plain table, one transaction."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "CREATE TABLE claims (id INTEGER PRIMARY KEY, text TEXT NOT NULL, claimant TEXT, "
            "claim_date TEXT, language TEXT, source_url TEXT)"
        )
        with connection:
            connection.executemany(
                "INSERT INTO claims (text, claimant, claim_date, language, source_url) "
                "VALUES (?, ?, ?, ?, ?)",
                dataset.rows(),
            )
    finally:
        connection.close()
    return time.perf_counter() - started


SQLITE_WRITER_MARK = 1717658484  # factdb.db.SQLITE_WRITER_MARK: factdb's own writes
SCHEMA_BASELINE_BATCH = 1_000


def schema_baseline(dataset: Dataset, path: Path) -> float:
    """The fair baseline: a plain ``sqlite3`` script that parses the same JSON Lines and writes the
    same rows factdb writes (claimants, sources, claims, appearances, tags, reviews, one history
    entry per claim) into factdb's own migrated schema, with every index and trigger the
    migrations leave (full text, counts, history guards) live, in one transaction.

    It skips what makes factdb an importer (validation, normalisation, merging with rows already
    there, rating maps), so the ratio to it is the price of those.
    """
    started = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    claimants: dict[str, int] = {}
    sources: dict[str, int] = {}
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"PRAGMA user_version = {SQLITE_WRITER_MARK}")
        claim_id = review_id = appearance_id = 0
        batch: dict[str, list[tuple[Any, ...]]] = {name: [] for name in SCHEMA_BASELINE_SQL}

        def flush() -> None:
            for name, statement in SCHEMA_BASELINE_SQL.items():
                if batch[name]:
                    connection.executemany(statement, batch[name])
                    batch[name].clear()

        with dataset.jsonl.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                claim_id += 1
                claimant = record.get("claimant")
                claimant_id = None
                if claimant:
                    key = claimant["name"].casefold()
                    claimant_id = claimants.get(key)
                    if claimant_id is None:
                        claimant_id = claimants[key] = len(claimants) + 1
                        batch["claimants"].append(
                            (
                                claimant_id,
                                claimant["name"],
                                key,
                                claimant.get("kind", "unknown"),
                                now,
                            )
                        )
                text = record["text"]
                batch["claims"].append(
                    (
                        claim_id,
                        uuid.UUID(record["uid"]).hex,
                        text,
                        hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest(),
                        claimant_id,
                        record.get("claim_date"),
                        record.get("language"),
                        now,
                        now,
                    )
                )
                batch["claim_tags"].extend((claim_id, tag) for tag in record.get("tags", ()))
                for appearance in record.get("appearances", ()):
                    source = appearance["source"]
                    source_id = sources.get(source["url"])
                    if source_id is None:
                        source_id = sources[source["url"]] = len(sources) + 1
                        batch["sources"].append(
                            (
                                source_id,
                                source["url"],
                                source.get("title"),
                                source.get("publisher"),
                                now,
                            )
                        )
                    appearance_id += 1
                    batch["appearances"].append((appearance_id, claim_id, source_id, now))
                for review in record.get("reviews", ()):
                    review_id += 1
                    reviewed_at = review.get("reviewed_at")
                    batch["reviews"].append(
                        (
                            review_id,
                            claim_id,
                            review.get("rating_label") or "",
                            review.get("reviewer") or "unknown",
                            reviewed_at.replace("T", " ").rstrip("Z") if reviewed_at else None,
                            review.get("url"),
                            now,
                        )
                    )
                changes = {"created": True, "tags_added": record.get("tags", [])}
                batch["claim_history"].append(
                    (claim_id, "imported", "bench", now, json.dumps(changes))
                )
                if claim_id % SCHEMA_BASELINE_BATCH == 0:
                    flush()
        flush()
        connection.execute("PRAGMA user_version = 0")
        connection.execute("COMMIT")
    finally:
        connection.close()
    return time.perf_counter() - started


SCHEMA_BASELINE_SQL = {
    "claimants": "INSERT INTO claimants (id, name, name_key, kind, created_at) "
    "VALUES (?, ?, ?, ?, ?)",
    "sources": "INSERT INTO sources (id, url, title, publisher, created_at) VALUES (?, ?, ?, ?, ?)",
    "claims": "INSERT INTO claims (id, uid, text, fingerprint, claimant_id, claim_date, language, "
    "status, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'unverified', ?, ?, 1)",
    "claim_tags": "INSERT OR IGNORE INTO claim_tags (claim_id, tag) VALUES (?, ?)",
    "appearances": "INSERT INTO appearances (id, claim_id, source_id, created_at) "
    "VALUES (?, ?, ?, ?)",
    "reviews": "INSERT INTO reviews (id, claim_id, status, status_basis, rating_label, reviewer, "
    "reviewed_at, url, created_at) VALUES (?, ?, 'false', 'given', ?, ?, ?, ?, ?)",
    "claim_history": "INSERT INTO claim_history (claim_id, action, actor, at, changes) "
    "VALUES (?, ?, ?, ?, ?)",
}


def figure_import_schema_baseline(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        target = bench.workdir / "baseline-schema.sqlite3"
        bench.prepare_schema(str(target))
        warm_file(dataset.jsonl)
        log("raw sqlite3 into factdb's schema baseline …")
        baseline = schema_baseline(dataset, target)
        result = bench.factdb_import()
        rate = f"raw script {dataset.claims / baseline:,.0f} claims/s"
        return {
            "time": Measurement(
                result.seconds, "s", baseline, "sqlite3 into factdb's schema", note=rate
            )
        }

    bench.part(
        "import vs raw sqlite3, same schema",
        [("time", Target("— (reported)"))],
        measure,
    )


def figure_import_embeddings(bench: Bench) -> None:
    """Import with sentence embeddings (the default) against --no-index, on the same records."""

    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        count = min(dataset.claims, bench.args.embedding_claims)
        subset = bench.workdir / f"claims-{count}.jsonl"
        with dataset.jsonl.open(encoding="utf-8") as source, subset.open("w") as target:
            for _, line in zip(range(count), source, strict=False):
                target.write(line)
        timings: dict[str, ProcessResult] = {}
        for name, options in (("without", ["--no-index"]), ("with", [])):
            database = bench.workdir / f"embeddings-{name}.sqlite3"
            bench.prepare_schema(str(database))
            log(f"factdb import {count:,} claims {name} embeddings …")
            argv = bench.cli("--db", str(database), "import", *options, str(subset))
            timings[name] = run_process(argv, bench.env).check("import")
        with_rate = count / timings["with"].seconds
        without_rate = count / timings["without"].seconds
        note = (
            f"{count:,} claims: {with_rate:,.0f} claims/s with embeddings, "
            f"{without_rate:,.0f} without"
        )
        return {
            "time": Measurement(
                timings["with"].seconds,
                "s",
                timings["without"].seconds,
                "import --no-index",
                note=note,
            ),
            "peak RSS": Measurement(timings["with"].peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "import with embeddings",
        [
            ("time", Target("— (reported)")),
            ("peak RSS", Target("— (reported)")),
        ],
        measure,
    )


def figure_import(bench: Bench) -> None:
    figure = "import JSONL, SQLite"

    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        warm_file(dataset.jsonl)
        log("executemany baseline …")
        baseline = executemany_baseline(dataset, bench.workdir / "baseline-executemany.sqlite3")
        result = bench.factdb_import()
        rate = f"{dataset.claims / result.seconds:,.0f} claims/s"
        return {
            "time": Measurement(
                result.seconds, "s", baseline, "executemany", note=f"factdb imports {rate}"
            ),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        figure,
        [
            ("time", Target("≤ 5x", "ratio", "<=", 5.0)),
            ("peak RSS", Target("≤ 250 MB", "value", "<=", 250)),
        ],
        measure,
    )


def figure_import_sqlite_utils(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        dataset = bench.dataset()
        executable = Path(sys.executable).parent / "sqlite-utils"
        if not executable.exists():
            found = shutil.which("sqlite-utils")
            if found is None:
                raise NotAvailable("sqlite-utils is not installed (pip install sqlite-utils)")
            executable = Path(found)
        warm_file(dataset.csv)
        log("sqlite-utils insert baseline …")
        target = bench.workdir / "baseline-sqlite-utils.sqlite3"
        argv = [str(executable), "insert", str(target), "claims", str(dataset.csv), "--csv"]
        baseline = run_process(argv, bench.env)
        if baseline.returncode != 0:
            raise RuntimeError(
                f"sqlite-utils exited {baseline.returncode}: {last_line(baseline.stderr)}"
            )
        result = bench.factdb_import()
        return {
            "time": Measurement(
                result.seconds,
                "s",
                baseline.seconds,
                "sqlite-utils",
                note=f"sqlite-utils peak RSS {baseline.peak_rss_mb:.0f} MB",
            )
        }

    bench.part(
        "import vs sqlite-utils",
        [("time", Target("< 1x (faster)", "ratio", "<=", 1.0))],
        measure,
    )


EXPORT_BASELINE_SQL = """
SELECT c.id, c.uid, c.text, cl.name, c.claim_date, c.language, c.status
FROM claims AS c LEFT JOIN claimants AS cl ON cl.id = c.claimant_id
WHERE c.deleted_at IS NULL
ORDER BY c.id
"""


def export_baseline(database: Path, output: Path) -> tuple[float, int]:
    started = time.perf_counter()
    count = 0
    connection = sqlite3.connect(database)
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(("id", "uid", "text", "claimant", "claim_date", "language", "status"))
            for row in connection.execute(EXPORT_BASELINE_SQL):
                writer.writerow(row)
                count += 1
    finally:
        connection.close()
    return time.perf_counter() - started, count


def figure_export(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = bench.imported()
        warm_file(database)
        log("export baseline …")
        baseline, count = export_baseline(database, bench.workdir / "baseline-export.csv")
        log("factdb export --format csv …")
        output = bench.workdir / "factdb-export.csv"
        result = run_process(
            bench.cli("--db", str(database), "export", "--format", "csv", "--output", str(output)),
            bench.env,
        ).check("export")
        size = output.stat().st_size / MIB
        note = f"{count:,} rows; factdb's file {size:.0f} MB with all report columns"
        return {
            "time": Measurement(result.seconds, "s", baseline, "sqlite3 + csv", note=note),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "export --format csv",
        [
            ("time", Target("≤ 3x", "ratio", "<=", 3.0)),
            ("peak RSS", Target("≤ 150 MB", "value", "<=", 150)),
        ],
        measure,
    )


def figure_report(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = bench.database()
        warm_file(database)
        log("export baseline (for the report) …")
        baseline, count = export_baseline(database, bench.workdir / "baseline-report.csv")
        log("factdb report --format html …")
        output = bench.workdir / "factdb-report.html"
        result = run_process(
            bench.cli("--db", str(database), "report", "--output", str(output)), bench.env
        ).check("report")
        size = output.stat().st_size / MIB
        note = f"{count:,} claims; one self-contained page of {size:.0f} MB"
        return {
            "time": Measurement(result.seconds, "s", baseline, "sqlite3 + csv", note=note),
            "peak RSS": Measurement(result.peak_rss_mb, "MB", ratio=False),
        }

    bench.part(
        "report --format html",
        [("time", INFO), ("peak RSS", Target("≤ 150 MB", "value", "<=", 150))],
        measure,
    )


def like_baseline(database: Path, queries: Sequence[str]) -> tuple[list[float], int]:
    timings: list[float] = []
    found = 0
    connection = sqlite3.connect(database)
    try:
        for query in queries:
            words = query.split()
            where = " AND ".join("text LIKE ?" for _ in words)
            sql = f"SELECT id FROM claims WHERE {where} LIMIT {SEARCH_LIMIT}"
            started = time.perf_counter()
            rows = connection.execute(sql, [f"%{word}%" for word in words]).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            found += bool(rows)
    finally:
        connection.close()
    return timings, found


def figure_search(bench: Bench) -> None:
    figure = "search, 200 queries"
    state: dict[str, Any] = {}

    def queries() -> list[str]:
        if "queries" not in state:
            state["queries"] = search_queries(bench.dataset(), bench.args.seed)
        result: list[str] = state["queries"]
        return result

    def in_process() -> dict[str, Measurement]:
        search = service("factdb.services.matching.search", "search_claims")
        function: SearchFunction = search
        from factdb.db import transaction

        database = bench.database()
        log("search baseline (LIKE) …")
        like, like_found = like_baseline(database, queries())
        log("factdb search (in process) …")
        engine = bench.engine()
        try:
            started = time.perf_counter()
            with transaction(engine, write=False) as session:
                function(session=session, query="warm up", limit=SEARCH_LIMIT)
            first = (time.perf_counter() - started) * 1000
            timings: list[float] = []
            found = 0
            for query in queries():
                started = time.perf_counter()
                with transaction(engine, write=False) as session:
                    hits = function(session=session, query=query, limit=SEARCH_LIMIT)
                    ids = [int(hit.claim_id) for hit in hits]
                timings.append((time.perf_counter() - started) * 1000)
                found += bool(ids)
        finally:
            engine.dispose()
        total = len(queries())
        note = (
            f"queries with hits: factdb {found}/{total}, LIKE {like_found}/{total}; "
            f"first (warm-up) query {first:.0f} ms"
        )
        return {
            "median": Measurement(median(timings), "ms", median(like), "LIKE", note=note),
            "p95": Measurement(p95(timings), "ms", p95(like), "LIKE"),
        }

    def cli() -> dict[str, Measurement]:
        database = bench.database()
        timings: list[float] = []
        for query in queries()[:CLI_SAMPLES]:
            result = run_process(
                bench.cli(
                    "--db",
                    str(database),
                    "search",
                    query,
                    "--limit",
                    str(SEARCH_LIMIT),
                    "--format",
                    "json",
                ),
                bench.env,
            ).check("search")
            parsed = json.loads(result.stdout)
            if not isinstance(parsed, list):
                raise RuntimeError("factdb search --format json did not print a JSON list")
            timings.append(result.seconds)
        return {
            "CLI process": Measurement(
                median(timings),
                "s",
                median(bench.import_line()),
                "import line",
                note=f"median of {len(timings)} `factdb search` processes",
            )
        }

    bench.part(
        figure,
        [
            ("median", Target("≤ 10 ms in process", "value", "<=", 10)),
            ("p95", Target("≤ 100 ms in process", "value", "<=", 100)),
        ],
        in_process,
    )
    bench.part("search", [("CLI process", INFO)], cli)


def figure_match(bench: Bench) -> None:
    figure = "match, 100 reworded claims"
    state: dict[str, Any] = {}

    def queries() -> list[tuple[str, str]]:
        """(uid of the original, reworded text) for the 100 kept claims."""
        if "queries" not in state:
            dataset = bench.dataset()
            rng = random.Random(bench.args.seed + 3)
            state["queries"] = [
                (
                    dataset.samples[line].uid,
                    reword(
                        dataset.samples[line].text,
                        dataset.vocabularies[dataset.samples[line].language],
                        rng,
                    ),
                )
                for line in dataset.match_lines
            ]
        result: list[tuple[str, str]] = state["queries"]
        return result

    def in_process() -> dict[str, Measurement]:
        # One matcher for all queries, as a long-running process would hold it: the model and
        # the vector index load once (the CLI figures below pay for loading them every time).
        open_matcher = service("factdb.services.matching.matcher", "open_matcher")
        from factdb.db import transaction

        def function(*, session: Session, text: str, limit: int) -> Sequence[Any]:
            if "matcher" not in state:
                state["matcher"] = open_matcher(session=session)
            state["matcher"].session = session
            hits: Sequence[Any] = state["matcher"].match(text, limit=limit)
            return hits

        expected = bench.expected_ids()
        log("match baseline (rapidfuzz over all texts) …")
        baseline_queries = queries()[: bench.baseline_queries()]
        base_median, base_p95, base_recall, load = rapidfuzz_baseline(
            bench.database(), baseline_queries, expected
        )
        log("factdb match (in process) …")
        engine = bench.engine()
        try:
            warm_text = queries()[0][1]
            started = time.perf_counter()
            with transaction(engine, write=False) as session:
                function(session=session, text=warm_text[::-1], limit=MATCH_LIMIT)
            first = (time.perf_counter() - started) * 1000
            timings: list[float] = []
            hits_at_5 = 0
            for uid, text in queries():
                started = time.perf_counter()
                with transaction(engine, write=False) as session:
                    hits = function(session=session, text=text, limit=MATCH_LIMIT)
                    ids = [int(hit.claim_id) for hit in hits]
                timings.append((time.perf_counter() - started) * 1000)
                hits_at_5 += expected.get(uid) in ids[:MATCH_LIMIT]
        finally:
            engine.dispose()
        recall = hits_at_5 / len(queries())
        note = (
            f"rapidfuzz ran {len(baseline_queries)} of the queries, after loading all texts "
            f"in {load:.1f} s (excluded); "
            f"first (warm-up) factdb query {first:.0f} ms"
        )
        return {
            "median": Measurement(median(timings), "ms", base_median, "rapidfuzz", note=note),
            "p95": Measurement(p95(timings), "ms", base_p95, "rapidfuzz"),
            "recall@5": Measurement(recall, "", base_recall, "rapidfuzz", ratio=False),
        }

    def cli() -> dict[str, Measurement]:
        database = bench.database()
        timings: list[float] = []
        for _, text in queries()[:CLI_SAMPLES]:
            result = run_process(
                bench.cli(
                    "--db",
                    str(database),
                    "match",
                    text,
                    "--limit",
                    str(MATCH_LIMIT),
                    "--format",
                    "json",
                ),
                bench.env,
            ).check("match")
            parsed = json.loads(result.stdout)
            if not isinstance(parsed, list) or any("id" not in hit for hit in parsed):
                raise RuntimeError("factdb match --format json did not print a list with ids")
            timings.append(result.seconds)
        return {
            "CLI process": Measurement(
                median(timings),
                "s",
                median(bench.import_line()),
                "import line",
                note=f"median of {len(timings)} `factdb match` processes",
            )
        }

    bench.part(
        figure,
        [
            ("median", Target("≤ 150 ms in process", "value", "<=", 150)),
            ("p95", Target("≤ 400 ms in process", "value", "<=", 400)),
            ("recall@5", Target("≥ 0.95", "value", ">=", 0.95)),
        ],
        in_process,
    )

    def batch() -> dict[str, Measurement]:
        path = bench.workdir / "match-queries.jsonl"
        # Each reworded claim five times over (distinct ids): 500 queries, so that loading the
        # model and the index once is spread as a desk's stream of posts would spread it.
        with path.open("w", encoding="utf-8") as handle:
            for round_number in range(BATCH_ROUNDS):
                for uid, text in queries():
                    line = {"id": f"{uid}-{round_number}", "text": text}
                    handle.write(json.dumps(line) + "\n")
        argv = bench.cli("--db", str(bench.database()), "match", "--queries", str(path))
        result = run_process([*argv, "--format", "jsonl"], bench.env).check("match --queries")
        answered = len(result.stdout.splitlines())
        if answered != BATCH_ROUNDS * len(queries()):
            raise RuntimeError(f"match --queries answered {answered} queries")
        return {
            "queries/s": Measurement(
                answered / result.seconds,
                "/s",
                None,
                "",
                ratio=False,
                note=f"{answered} queries in one process of {result.seconds:.1f} s, "
                "model and index loading included",
            )
        }

    bench.part("match", [("CLI process", Target("≤ 1.5x", "ratio", "<=", 1.5))], cli)
    bench.part("match --queries (batch)", [("queries/s", Target("≥ 50", "value", ">=", 50))], batch)


BATCH_ROUNDS = 5


def fill_synthetic_vectors(database: Path, real: int, targets: set[int], seed: int) -> None:
    """Vectors for every claim without running the model over all of them (latency runs only:
    indexing a million claims takes hours). ``real`` claims spread over the collection, and
    every claim a match query looks for, get their true embedding; each other claim gets the
    embedding of one of those plus noise (cosine about 0.85 to it), so the vectors have the
    clustered shape of real ones. Match quality measured on such an index means nothing."""
    import numpy as np

    from factdb.services.vectors.embeddings import encode, model_id

    rng = np.random.default_rng(seed)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM claims ORDER BY id")]
        when = connection.execute("SELECT max(updated_at) FROM claims").fetchone()[0]
        chosen = sorted(set(rng.choice(ids, size=min(real, len(ids)), replace=False).tolist()))
        chosen = sorted(set(chosen) | targets)
        texts = dict(
            connection.execute(
                f"SELECT id, text FROM claims WHERE id IN ({','.join(map(str, chosen))})"
            ).fetchall()
        )
        log(f"  embedding {len(chosen):,} claims with the model …")
        bases = encode([texts[claim_id] for claim_id in chosen])
        exact = dict(zip(chosen, range(len(chosen)), strict=True))
        model = model_id()
        connection.execute("DELETE FROM claim_embeddings")
        for start in range(0, len(ids), 50_000):
            block = ids[start : start + 50_000]
            picks = rng.integers(0, len(chosen), size=len(block))
            noisy = bases[picks] + rng.normal(0, 0.03, size=(len(block), bases.shape[1]))
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            vectors = noisy.astype(np.float32)
            rows = []
            for position, claim_id in enumerate(block):
                vector = bases[exact[claim_id]] if claim_id in exact else vectors[position]
                rows.append((claim_id, model, "synthetic", vector.tobytes(), when))
            connection.executemany(
                "INSERT INTO claim_embeddings (claim_id, model, input_sha256, vector, embedded_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        connection.commit()


def figure_index(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        if bench.args.synthetic_vectors:
            raise NotAvailable("--synthetic-vectors: `factdb index` was not run")
        result = bench.factdb_index()
        rate = bench.args.claims / result.seconds
        hours = 1_000_000 / rate / 3600
        note = (
            f"{bench.args.claims:,} claims in {result.seconds:.1f} s, peak RSS "
            f"{result.peak_rss_mb:.0f} MB; 1,000,000 claims at this rate: {hours:.1f} h "
            "(extrapolated)"
        )
        return {"claims/s": Measurement(rate, "/s", None, "", ratio=False, note=note)}

    bench.part("factdb index", [("claims/s", Target("≥ 100", "value", ">=", 100))], measure)


def figure_dedupe(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        argv = bench.cli("--db", str(bench.database()), "dedupe", "--format", "json")
        result = run_process(argv, bench.env).check("dedupe")
        clusters = len(json.loads(result.stdout))
        scaled = result.seconds * 100_000 / bench.args.claims
        note = f"{clusters} clusters; per 100,000 claims: {scaled:.0f} s (scaled linearly)"
        return {"time": Measurement(result.seconds, "s", None, "", ratio=False, note=note)}

    bench.part("factdb dedupe", [("time", INFO)], measure)


def rapidfuzz_baseline(
    database: Path, queries: Sequence[tuple[str, str]], expected: dict[str, int]
) -> tuple[float, float, float, float]:
    """Median and p95 latency (ms), recall@5 and load time (s) of rapidfuzz over every text.

    The texts go through rapidfuzz's ``default_process`` (lower case, no punctuation) once, at
    load time, and each query too, so the case changes in the reworded queries do not count.
    """
    try:
        from rapidfuzz import fuzz, process, utils
    except ImportError:
        raise NotAvailable("rapidfuzz is not installed (pip install rapidfuzz)") from None
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        ids: list[int] = []
        texts: list[str] = []
        for claim_id, text in connection.execute(
            "SELECT id, text FROM claims WHERE deleted_at IS NULL"
        ):
            ids.append(claim_id)
            texts.append(utils.default_process(text))
    finally:
        connection.close()
    load = time.perf_counter() - started
    timings: list[float] = []
    hits_at_5 = 0
    for uid, text in queries:
        started = time.perf_counter()
        best = process.extract(
            utils.default_process(text), texts, scorer=fuzz.WRatio, limit=MATCH_LIMIT
        )
        timings.append((time.perf_counter() - started) * 1000)
        hits_at_5 += expected.get(uid) in {ids[index] for _, _, index in best}
    return median(timings), p95(timings), hits_at_5 / len(queries), load


def figure_help(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        argv = bench.cli("--help")
        run_process(argv, bench.env).check("--help")
        factdb = [
            run_process(argv, bench.env).check("--help").seconds for _ in range(bench.args.repeat)
        ]
        baseline = bench.import_line()
        return {
            "process": Measurement(
                median(factdb),
                "s",
                median(baseline),
                "import line",
                note=f"medians of {len(factdb)} runs each",
            )
        }

    bench.part("factdb --help", [("process", Target("≤ 0.5x", "ratio", "<=", 0.5))], measure)


def sample_ids(bench: Bench, count: int) -> list[int]:
    # The generated claims as imported: `show` and `verify` need no vector index, and building
    # one for a million claims would cost more than every other figure together.
    ids = sorted(bench.expected_ids_unindexed().values())
    if not ids:
        raise RuntimeError("no generated claim was found in the factdb database")
    return [ids[i % len(ids)] for i in range(count)]


def process_runs(bench: Bench) -> int:
    """Runs of `show` and `verify`: a third of ``--repeat``, at least 3 (each starts a process)."""
    repeat: int = bench.args.repeat
    return max(3, repeat // 3)


def paired_with_import_line(
    bench: Bench, runs: Sequence[Sequence[str]], what: str
) -> tuple[list[float], list[float]]:
    """Each command process right after an import-line process: the pairs see the same load.

    On a shared machine the load moves by several tenths of the ratio within minutes; an
    import line timed once, earlier, would compare processes that ran under different loads.
    """
    line = [sys.executable, "-c", "import typer, sqlalchemy.orm, pydantic"]
    run_process(line, bench.env)  # warm the file cache for both
    commands, lines = [], []
    for argv in runs:
        lines.append(run_process(line, bench.env).seconds)
        commands.append(run_process(argv, bench.env).check(what).seconds)
    return commands, lines


def claim_command_figure(bench: Bench, figure: str, command: str, *options: str) -> None:
    """``factdb COMMAND ID OPTIONS`` as processes on sampled claims, against the import line."""

    def measure() -> dict[str, Measurement]:
        database = str(bench.imported())
        claim_ids = sample_ids(bench, process_runs(bench))
        if command == "verify":
            # A new review re-embeds its claim; an indexed claim's text is unchanged, so verify
            # does not load the model (it would for a claim that was never indexed).
            bench.embed(claim_ids)
        runs = [
            bench.cli("--db", database, command, str(claim_id), *options) for claim_id in claim_ids
        ]
        timings, lines = paired_with_import_line(bench, runs, command)
        return {
            "process": Measurement(
                median(timings),
                "s",
                median(lines),
                "import line",
                note=f"median of {len(timings)} runs, each after an import-line run",
            )
        }

    bench.part(figure, [("process", Target("≤ 1.3x", "ratio", "<=", 1.3))], measure)


def figure_show(bench: Bench) -> None:
    claim_command_figure(bench, "factdb show ID", "show")


def figure_verify(bench: Bench) -> None:
    claim_command_figure(
        bench, "factdb verify ID", "verify", "--status", "false", "--reviewer", "bench"
    )


def figure_stats(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = str(bench.imported())
        argv = bench.cli("--db", database, "stats", "--format", "json")
        json.loads(run_process(argv, bench.env).check("stats").stdout)
        timings, lines = paired_with_import_line(bench, [argv] * process_runs(bench), "stats")
        return {
            "process": Measurement(
                median(timings),
                "s",
                median(lines),
                "import line",
                note=f"median of {len(timings)} processes, each after an import-line run",
            )
        }

    bench.part("factdb stats", [("process", Target("≤ 1.3x", "ratio", "<=", 1.3))], measure)


def figure_postgres(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        try:
            import psycopg
        except ImportError:
            raise NotAvailable("psycopg is not installed") from None
        url: str = bench.args.postgres_url
        try:
            admin = psycopg.connect(url, autocommit=True, connect_timeout=3)
        except psycopg.Error as error:
            reason = f"no PostgreSQL server answers at {mask(url)} ({last_line(str(error))})"
            raise Skipped(reason) from None
        suffix = f"{os.getpid()}_{int(time.time())}"
        factdb_db, copy_db = f"factdb_bench_{suffix}", f"factdb_bench_copy_{suffix}"
        created: list[str] = []
        try:
            for name in (factdb_db, copy_db):
                admin.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
            dataset = bench.dataset()
            factdb_url = with_database(url, factdb_db)
            bench.prepare_schema(factdb_url)
            warm_file(dataset.jsonl)
            log("PostgreSQL COPY baseline …")
            baseline = copy_baseline(with_database(url, copy_db), dataset)
            log("factdb import (PostgreSQL) …")
            server_before = postgres_cpu_seconds()
            result = run_process(
                bench.cli("--db", factdb_url, "import", "--no-index", str(dataset.jsonl)),
                bench.env,
            ).check("import")
            server_after = postgres_cpu_seconds()
        finally:
            for name in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
        return {
            "time": Measurement(
                result.seconds,
                "s",
                baseline,
                "COPY",
                note=f"factdb CPU {result.cpu_seconds:.0f} s, "
                f"peak RSS {result.peak_rss_mb:.0f} MB; "
                + (
                    f"server CPU {server_after - server_before:.0f} s during the import"
                    if server_before is not None and server_after is not None
                    else "server CPU unknown"
                ),
            )
        }

    bench.part("import JSONL, PostgreSQL", [("time", Target("≤ 8x", "ratio", "<=", 8))], measure)


def postgres_cpu_seconds() -> float | None:
    """CPU seconds (user + system) used so far by this machine's PostgreSQL server processes,
    read from /proc; None where there is no /proc. A shared server's other work counts too.

    A connection's backend exits when the import ends, so its CPU is no longer its own: the
    kernel adds it to the postmaster's reaped-children fields (cutime, cstime), which are
    counted here beside each live process's own time."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return None
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rfind(")") + 2 :].split()
            own, reaped_children = fields[11:13], fields[13:15]  # utime stime, cutime cstime
            total += sum(int(value) for value in (*own, *reaped_children))
    return total / ticks


def copy_baseline(url: str, dataset: Dataset) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE claims (id bigserial PRIMARY KEY, text text NOT NULL, claimant text, "
            "claim_date date, language text, source_url text)"
        )
        with cursor.copy(
            "COPY claims (text, claimant, claim_date, language, source_url) FROM STDIN"
        ) as copy:
            for row in dataset.rows():
                copy.write_row(row)
        connection.commit()
    return time.perf_counter() - started


FIGURES: dict[str, Callable[[Bench], None]] = {
    "import": figure_import,
    "import-sqlite-utils": figure_import_sqlite_utils,
    "import-schema": figure_import_schema_baseline,
    "import-embeddings": figure_import_embeddings,
    "export": figure_export,
    "report": figure_report,
    "search": figure_search,
    "match": figure_match,
    "index": figure_index,
    "dedupe": figure_dedupe,
    "stats": figure_stats,
    "show": figure_show,
    "verify": figure_verify,
    "help": figure_help,
    "postgres": figure_postgres,
}


# --------------------------------------------------------------------------------------------
# The command line.
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure factdb against baselines on a synthetic collection of claims.",
    )
    parser.add_argument(
        "--claims",
        type=int,
        default=DEFAULT_CLAIMS,
        help="claims to generate (default: %(default)s)",
    )
    parser.add_argument(
        "--only",
        type=figure_list,
        default=list(FIGURES),
        metavar="NAME,...",
        help=f"run only these figures: {', '.join(FIGURES)}",
    )
    parser.add_argument(
        "--json-output",
        type=Path,
        help="write the results here (default: a new factdb-bench-*.json in the system temp dir)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument(
        "--tmp-dir", type=Path, help="where to create the working directory (default: system temp)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("FACTDB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server for the PostgreSQL import (default: %(default)s; "
        "env FACTDB_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--repeat", type=int, default=10, help="runs per process timing (default: %(default)s)"
    )
    parser.add_argument(
        "--baseline-queries",
        type=int,
        metavar="N",
        help="match queries the rapidfuzz baseline runs, 10-100 "
        "(default: 200000 / claims within those bounds)",
    )
    parser.add_argument(
        "--embedding-claims",
        type=int,
        default=20_000,
        metavar="N",
        help="claims (the first N) of the import with embeddings against --no-index "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--synthetic-vectors",
        type=int,
        metavar="N",
        help="latency runs at large sizes: embed N claims (and the match targets) with the "
        "model and give the others noisy copies of those vectors instead of `factdb index`",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="generator seed (default: %(default)s)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a figure could not be measured (n/a or skipped); default: exit 0",
    )
    args = parser.parse_args(argv)
    if args.claims < 1:
        parser.error("--claims must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def figure_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FIGURES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown figure {', '.join(unknown) or '(none)'}; choose from {', '.join(FIGURES)}"
        )
    return names


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb: float | None = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    try:
        from factdb import __version__ as factdb_version
    except ImportError:
        factdb_version = "unknown"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": round(memory_gb, 1) if memory_gb else None,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "factdb": factdb_version,
    }


def load_average() -> float | None:
    """The one-minute load average: other work on the machine makes every timing noisy."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def factdb_executable() -> str:
    beside = Path(sys.executable).parent / "factdb"
    if beside.exists():
        return str(beside)
    found = shutil.which("factdb")
    return found if found else str(beside)


def compile_factdb_bytecode() -> bool:
    """Write factdb's bytecode, as ``pip install`` does for an installed package.

    The import line's packages were compiled when pip installed them. An editable checkout run
    with PYTHONDONTWRITEBYTECODE set would otherwise compile every factdb module from source in
    every timed process (about 0.1 s a start here), a cost no installed factdb pays."""
    import factdb

    return compileall.compile_dir(Path(factdb.__file__).parent, quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    compile_factdb_bytecode()
    if args.tmp_dir is not None:
        args.tmp_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="factdb-bench-", dir=args.tmp_dir))
    if args.json_output is None:
        handle, name = tempfile.mkstemp(prefix="factdb-bench-", suffix=".json")
        os.close(handle)
        args.json_output = Path(name)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FACTDB_") or key == "FACTDB_BENCH_POSTGRES_URL"
    }
    env.update({"FACTDB_HOME": str(workdir / "home"), "FACTDB_REVIEWER": "bench", "NO_COLOR": "1"})
    bench = Bench(args=args, workdir=workdir, factdb=factdb_executable(), env=env)
    started = time.perf_counter()
    load_at_start = load_average()
    dataset: dict[str, Any] | None = None
    try:
        for name in FIGURES:
            if name in args.only:
                log(f"[{name}]")
                FIGURES[name](bench)
        if bench.generated is not None:
            dataset = bench.generated.describe()
    finally:
        if args.keep:
            log(f"kept the working directory {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "claims": args.claims,
        "seed": args.seed,
        "figures": args.only,
        "machine": machine(),
        "dataset": dataset,
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": {"start": load_at_start, "end": load_average()},
        "rows": [asdict(row) for row in bench.rows],
    }
    print_report(report, bench.rows)
    args.json_output.parent.mkdir(parents=True, exist_ok=True)
    args.json_output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults written to {args.json_output}")
    # --strict: a figure that could not be measured fails the run (a target missed is reported).
    unmeasured = [row for row in bench.rows if row.result in ("n/a", "skip")]
    if args.strict and unmeasured:
        names = ", ".join(sorted({row.figure for row in unmeasured}))
        print(f"--strict: not measured: {names}", file=sys.stderr)
        return 1
    return 0


def print_report(report: dict[str, Any], rows: Sequence[Row]) -> None:
    info = report["machine"]
    print(
        f"\nfactdb {info['factdb']} benchmarks: {report['claims']:,} claims, seed {report['seed']}"
    )
    print(
        f"machine: {info['platform']}; {info['cpu']}; {info['cpu_count']} CPUs; "
        f"{info['memory_gb']} GB; Python {info['python']}; SQLite {info['sqlite']}"
    )
    if report["dataset"]:
        data = report["dataset"]
        print(
            f"data: {data['claims']:,} claims, {data['claimants']:,} claimants, "
            f"{data['sources']:,} sources, {data['reviewed_claims']:,} reviewed claims with "
            f"{data['reviews']:,} reviews; generated in {data['generation_seconds']} s"
        )
    load = report["load_average"]
    print(
        f"run: {report['seconds']} s; load average {load['start']} at start, {load['end']} at end"
    )
    busy = [
        value
        for value in load.values()
        if value is not None and value > (info["cpu_count"] or 1) / 2
    ]
    if busy:
        print("warning: other work was running on this machine; the timings are noisy")
    print()
    print_table(rows, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
