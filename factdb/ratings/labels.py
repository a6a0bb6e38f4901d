"""The rating vocabularies: how a label is normalised, the built-in table read from the
vocabulary files (``vocabularies/*.tsv``), and the publishers' own scales."""

# The tables hold Cyrillic and Arabic labels on purpose; none of them is a look-alike trick.
# ruff: noqa: RUF001

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from factdb.domain import Status, StatusBasis


class RatingMatch(NamedTuple):
    """The status a rating maps to, and which rule decided it."""

    status: Status
    basis: StatusBasis


# --- Normalisation ---------------------------------------------------------------------------

# Arabic letters that writers use interchangeably at the end of words (ta marbuta / ha, alef
# maksura / ya) and Persian look-alikes; tatweel is a purely visual stretch. Alef with hamza or
# madda needs no entry: NFKD splits off the hamza as a combining mark, which is then dropped.
_LETTER_FOLDS = str.maketrans({"ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ـ": None})

# Nonspacing and enclosing marks: accents, Arabic harakat, Hebrew points, keycap frames.
_DROPPED_CATEGORIES = frozenset({"Mn", "Me"})


def normalize_label(label: str) -> str:
    """The comparison key of a label: casefolded, accent-free, punctuation as single spaces.

    "FALSO!", " fálso ", "Falso." and "falso" all become "falso"; "mostly_true" and "Mostly
    true" become "mostly true". NFKD runs before and after casefolding because either step can
    produce characters the other would change (e.g. "ᴬ" decomposes to "A"), and the function
    must be idempotent: table keys are stored normalised and inputs are normalised again.
    """
    decomposed = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", label).casefold()
    ).translate(_LETTER_FOLDS)
    kept: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        # Letters, digits and spacing vowel signs (Indic scripts) carry meaning; everything
        # else (punctuation, symbols such as ❌, controls, bidi marks) only separates words.
        kept.append(char if category[0] in "LN" or category == "Mc" else " ")
    return " ".join("".join(kept).split())


# Google's API returns labels such as "<b>False</b>. The video…" or a fragment cut mid-tag.
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*(?:>|$)", re.DOTALL)


def label_key(label: str) -> str:
    """Normalise a label as published: unescape entities, drop HTML tags, then normalise."""
    return normalize_label(_TAG.sub(" ", html.unescape(label)))


# --- The built-in table ----------------------------------------------------------------------
# Built from vocabularies, one per scale or language. Spelling variants that differ only in
# case, accents or punctuation need not be listed: normalisation merges them. Negations are
# listed explicitly ("Not true", "Stimmt nicht", "غير صحيح") because the longest-prefix rule
# must find them before the bare "true"/"stimmt"/"صحيح".

LabelList = Mapping[Status, tuple[str, ...]]

_FACTDB: LabelList = {
    status: (status.display_name,) for status in Status if status is not Status.UNVERIFIED
}
"""factdb's own display names, so exported ratings read back; "Unverified" is not a verdict."""

# The vocabularies, one data file per scale or language (factdb/ratings/vocabularies/*.tsv, lines of
# ``status<TAB>label``): the verdict words of languages, the scales of publishers (PolitiFact,
# Snopes, Demagog, Pagella Politica…) and of data sets (FEVER, AVeriTeC, LIAR, ClaimsKG). Each
# file says where its labels come from.
LABEL_FILES = Path(__file__).resolve().parent / "vocabularies"


def _read_label_file(path: Path) -> LabelList:
    """One vocabulary file; a malformed line is a packaging bug, so it fails loudly."""
    labels: dict[Status, list[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        status, separator, label = line.partition("\t")
        if not separator or not label.strip():
            raise ValueError(f"{path.name}: line {number}: expected status<TAB>label")
        labels.setdefault(Status(status), []).append(label)
    return {status: tuple(names) for status, names in labels.items()}


def _label_files() -> dict[str, LabelList]:
    return {path.stem: _read_label_file(path) for path in sorted(LABEL_FILES.glob("*.tsv"))}


LABEL_SOURCES: Mapping[str, LabelList] = MappingProxyType({"factdb": _FACTDB, **_label_files()})
"""The readable lists the table is built from, by scale or language (ISO 639-1)."""


def _build_table(sources: Iterable[LabelList]) -> dict[str, Status]:
    """Normalise every listed label. The first listing of a key wins; a test checks that no key
    is listed with two different statuses, so the order never matters in practice."""
    table: dict[str, Status] = {}
    for labels in sources:
        for status, names in labels.items():
            for name in names:
                table.setdefault(normalize_label(name), status)
    return table


BUILTIN_LABELS: Mapping[str, Status] = MappingProxyType(_build_table(LABEL_SOURCES.values()))
"""Normalised label → status, for every label in `LABEL_SOURCES`."""


# --- Publishers' own scales ------------------------------------------------------------------
# The same words can sit at different places on different publishers' scales: Correctiv rates
# "Falsch" and, separately and more mildly, "Falscher Kontext", while newsrooms that rate with
# First Draft's types use "False context" for content whose context is false. A file in
# ``vocabularies/publishers/`` named after a publisher's domain holds that publisher's scale;
# it applies only to reviews whose publisher is that domain (or one of its subdomains), after
# the user's own map and before the general table.
PUBLISHER_LABEL_FILES = LABEL_FILES / "publishers"

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*:/{0,2}(?:[^@/?#]*@)?([^/?#:]+)", re.IGNORECASE)


def _publisher_tables() -> dict[str, dict[str, Status]]:
    return {
        path.stem.lower(): _build_table([_read_label_file(path)])
        for path in sorted(PUBLISHER_LABEL_FILES.glob("*.tsv"))
    }


PUBLISHER_LABELS: Mapping[str, Mapping[str, Status]] = MappingProxyType(_publisher_tables())
"""Publisher domain → its own scale (normalised label → status)."""


def publisher_domain(publisher: str | None) -> str | None:
    """The host a review's publisher is known by: a URL's host or a bare domain name
    ("https://www.correctiv.org/faktencheck/…", "correctiv.org"), without "www."; None for a
    plain name ("PolitiFact"), which no scale file is keyed by."""
    if not publisher:
        return None
    candidate = publisher.strip().lower()
    url = _URL_HOST.match(candidate)
    host = url.group(1) if url else candidate
    host = host.rstrip(".").removeprefix("www.")
    return host if _DOMAIN.match(host) else None


def publisher_scale(*publishers: str | None) -> str | None:
    """The domain of the first of `publishers` (URLs or names, most specific first) that has a
    scale of its own, matching subdomains ("hindi.example.in" uses "example.in")."""
    for publisher in publishers:
        host = publisher_domain(publisher)
        while host:
            if host in PUBLISHER_LABELS:
                return host
            _, _, host = host.partition(".")
            if "." not in host:
                break
    return None
