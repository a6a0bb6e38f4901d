"""Map fact-checkers' own rating labels ("Falso", "Pants on Fire", "Trompeur"…) to a factdb status.

Every organisation publishes its verdicts in its own words and language, and Google's API even
returns whole sentences or truncated HTML. factdb keeps the label exactly as published and stores
next to it the normalised status and *how* that status was reached (`StatusBasis`, which the
ratings never set to `given`), so that a doubtful mapping can be found and corrected later.

Resolution order in `RatingMapper.map`, most trusted first:

1. the user's own map (``--rating-map``), whole label;
2. the publisher's own scale, when the review's publisher has one (``rating_labels/publishers/``),
   then the built-in table (the lists below and the vocabulary files in ``rating_labels/``),
   whole label;
3. the verdicts a label opens with ("False. No such policy exists", "This is misleading
   because…", "правда и манипуляция"): filler such as "this is" is skipped, the longest known
   label wins at each step, and several verdicts joined by "and" or punctuation are combined by
   the compound rule (`combine_verdicts`); in a label of a few words, a word one typing slip
   from a known label counts as that label;
4. verdict words anywhere in a summary sentence that does not open with one, combined alike;
5. the numeric rating, scaled onto factdb's 1..5;
6. nothing: `Status.OTHER`, basis `UNMAPPED`.

A label found by rules 2-4 gives way to the publisher's own number when the number refines it
(both on the five-step scale, one step apart: "Partiellement faux" rated 2 of 5 is
mostly false); a number further from the label contradicts it and is ignored, because published
numbers are often wrong or category indices (FACTCK.BR has "Falso" rated 4 of 6, and
"verdadeiro" rated 6 of 5). The user's own map is never overridden.
"""

# The tables hold Cyrillic and Arabic labels on purpose; none of them is a look-alike trick.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import html
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from factdb.domain import Status, StatusBasis
from factdb.errors import InvalidInputError


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


def _label_key(label: str) -> str:
    """Normalise a label as published: unescape entities, drop HTML tags, then normalise."""
    return normalize_label(_TAG.sub(" ", html.unescape(label)))


# --- The built-in table ----------------------------------------------------------------------
# Readable source lists, one per scale or language, grouped by status. Spelling variants that
# differ only in case, accents or punctuation need not be listed: normalisation merges them.
# Negations are listed explicitly ("Not true", "Stimmt nicht", "غير صحيح") because the
# longest-prefix rule must find them before the bare "true"/"stimmt"/"صحيح".

LabelList = Mapping[Status, tuple[str, ...]]

# The lists are packed several labels a line for reading; one per line would run to 500 lines.
# fmt: off

_FACTDB: LabelList = {
    status: (status.display_name,) for status in Status if status is not Status.UNVERIFIED
}
"""factdb's own display names, so exported ratings read back; "Unverified" is not a verdict."""

_POLITIFACT: LabelList = {
    Status.TRUE: ("True",),
    Status.MOSTLY_TRUE: ("Mostly True",),
    Status.MIXED: ("Half True",),
    Status.MOSTLY_FALSE: ("Mostly False", "Barely True"),
    Status.FALSE: ("False", "Pants on Fire", "Pants on Fire!"),
    Status.OTHER: ("Full Flop", "Half Flip", "No Flip"),  # Flip-O-Meter: consistency, not truth
}

_SNOPES: LabelList = {
    Status.TRUE: ("True", "Correct Attribution"),
    Status.MOSTLY_TRUE: ("Mostly True",),
    Status.MIXED: ("Mixture",),
    Status.MOSTLY_FALSE: ("Mostly False",),
    Status.FALSE: ("False", "Misattributed", "Legend", "Lost Legend", "Scam", "Fake"),
    Status.MISLEADING: ("Miscaptioned",),
    Status.UNPROVEN: ("Unproven", "Unfounded"),
    Status.IN_REVIEW: ("Research In Progress",),
    Status.OTHER: ("Outdated", "Satire", "Labeled Satire"),
}

_WASHINGTON_POST: LabelList = {
    Status.TRUE: ("Geppetto Checkmark",),
    Status.MOSTLY_TRUE: ("One Pinocchio", "1 Pinocchio"),
    Status.MIXED: ("Two Pinocchios", "2 Pinocchios"),
    Status.MOSTLY_FALSE: ("Three Pinocchios", "3 Pinocchios"),
    Status.FALSE: ("Four Pinocchios", "4 Pinocchios", "Bottomless Pinocchio"),
}

_ENGLISH: LabelList = {
    Status.TRUE: ("True", "Correct", "Accurate", "Verified", "Confirmed"),
    Status.MOSTLY_TRUE: (
        "Mostly true", "Mostly correct", "Mostly accurate", "Largely true", "Largely accurate",
        "True, but", "Correct, but", "Accurate, but",
    ),
    Status.MIXED: (
        "Half true", "Half false", "Mixed", "Mixture", "Partly true", "Partially true",
        "Partly false", "Partially false", "Partly correct", "Partially correct",
        "Not entirely true", "Not quite true", "Disputed", "Imprecise", "Exaggerated",
        "Exaggeration", "Overstated",
    ),
    Status.MOSTLY_FALSE: ("Mostly false", "Mostly incorrect", "Mostly inaccurate", "Largely false"),
    Status.FALSE: (
        "False", "Not true", "Untrue", "Not correct", "Incorrect", "Wrong", "Inaccurate",
        "Not accurate", "Fabricated", "Hoax", "Altered", "Doctored", "Fake",
        "Fake news", "Debunked", "Scam",
    ),
    Status.MISLEADING: (
        "Misleading", "Needs context", "Missing context", "Out of context",
        "Taken out of context", "Lacks context", "Lacking context", "No context",
        "Distorted", "Misrepresented", "Cherry-picked", "Spin", "Deceptive", "Manipulated",
    ),
    Status.UNPROVEN: (
        "Unproven", "Not proven", "Unsupported", "Unsubstantiated", "Unfounded", "No evidence",
        "Lacks evidence", "Insufficient evidence", "Not enough evidence", "Cannot be verified",
        "Can't be verified", "Unverifiable", "Unconfirmed", "Too early to tell",
        "Too early to say",
    ),
    Status.IN_REVIEW: ("In review", "Under review", "In progress", "Pending"),
    Status.OTHER: ("Other", "Satire", "Parody", "Humor", "Humour", "Opinion", "Not rated"),
}

_PORTUGUESE: LabelList = {
    Status.TRUE: (
        "Verdadeiro", "Verdadeira", "Verdadeiros", "Verdadeiras", "Verdade", "É verdade",
        "Correto", "Correta", "Verídico", "Verídica", "Comprovado", "Comprovada",
    ),
    Status.MOSTLY_TRUE: (
        "Verdadeiro, mas", "Verdadeira, mas", "Verdade, mas", "Correto, mas", "Correta, mas",
        "Verdadeiro, porém", "Verdadeira, porém",
    ),
    Status.MIXED: (
        "Discutível", "Contraditório", "Contraditória", "Subestimado", "Subestimada",
        "Subestimados", "Subestimadas", "Impreciso", "Imprecisa", "Imprecisos", "Imprecisas",
        "Parcialmente verdadeiro", "Parcialmente verdadeira", "Parcialmente falso",
        "Parcialmente falsa", "Meia verdade", "Exagerado", "Exagerada", "Exagerados",
        "Exageradas", "Exagero",
    ),
    Status.FALSE: (
        "Falso", "Falsa", "Falsos", "Falsas", "Não é verdade", "Não procede", "Mentira",
        "Boato", "Montagem", "Incorreto", "Incorreta", "Errado", "Errada", "Adulterado",
        "Adulterada", "Golpe",
    ),
    Status.MISLEADING: (
        "Enganoso", "Enganosa", "Enganosos", "Enganosas", "Sem contexto", "Fora de contexto",
        "Falta contexto", "Falta de contexto", "Tirado de contexto", "Contexto errado",
        "Descontextualizado", "Descontextualizada", "Distorcido", "Distorcida", "Distorcidos",
        "Distorcidas", "Manipulado", "Manipulada",
    ),
    Status.UNPROVEN: (
        "Impossível provar", "Não é possível provar", "Insustentável", "Insustentáveis",
        "Ainda é cedo para dizer", "Sem provas", "Sem evidências", "Sem comprovação",
        "Não comprovado", "Não comprovada", "Inconclusivo", "Inconclusiva", "Infundado",
        "Infundada",
    ),
    Status.IN_REVIEW: ("Em análise", "Em apuração"),
    Status.OTHER: ("Sátira", "Outros", "Outro", "Outra", "Opinião", "Humor"),
}

_SPANISH: LabelList = {
    Status.TRUE: (
        "Verdadero", "Verdadera", "Verdaderos", "Verdaderas", "Verdad", "Es verdad", "Cierto",
        "Cierta", "Correcto", "Correcta",
    ),
    Status.MOSTLY_TRUE: (
        "Verdadero, pero", "Verdadera, pero", "Cierto, pero", "Cierta, pero", "Correcto, pero",
        "Mayormente verdadero", "Mayormente verdadera", "Mayormente cierto", "Mayormente cierta",
    ),
    Status.MIXED: (
        "Parcialmente falso", "Parcialmente falsa", "Parcialmente verdadero",
        "Parcialmente verdadera", "Parcialmente cierto", "Parcialmente cierta",
        "Verdad a medias", "Media verdad", "Discutible", "Cuestionable", "Impreciso",
        "Imprecisa", "Imprecisos", "Imprecisas", "Exagerado", "Exagerada", "Exagerados",
        "Exageradas", "Exageración",
    ),
    Status.MOSTLY_FALSE: ("Mayormente falso", "Mayormente falsa"),
    Status.FALSE: (
        "Falso", "Falsa", "Falsos", "Falsas", "No es cierto", "No es verdad", "Incorrecto",
        "Incorrecta", "Inexacto", "Inexacta", "Mentira", "Bulo", "Montaje", "Estafa",
    ),
    Status.MISLEADING: (
        "Engañoso", "Engañosa", "Engañosos", "Engañosas", "Sin contexto", "Falta contexto",
        "Falta de contexto", "Fuera de contexto", "Sacado de contexto", "Descontextualizado",
        "Descontextualizada", "Distorsionado", "Distorsionada", "Manipulado", "Manipulada",
    ),
    Status.UNPROVEN: (
        "Inchequeable", "No verificable", "Inverificable", "Insostenible", "Apresurado",
        "Apresurada", "Dudoso", "Dudosa", "Sin pruebas", "Sin evidencia", "Sin evidencias",
        "No comprobado", "No comprobada", "Infundado", "Infundada",
    ),
    Status.IN_REVIEW: ("En revisión", "En verificación"),
    Status.OTHER: ("Sátira", "Otro", "Otros", "Opinión", "Humor"),
}

_FRENCH: LabelList = {
    Status.TRUE: ("Vrai", "Vraie", "Vrais", "Vraies", "Exact", "Exacte", "Correct", "Confirmé"),
    Status.MOSTLY_TRUE: (
        "Plutôt vrai", "Plutôt vraie", "Globalement vrai", "Vrai, mais", "Vraie, mais",
    ),
    Status.MIXED: (
        "Partiellement faux", "Partiellement fausse", "Partiellement vrai",
        "Partiellement vraie", "À moitié vrai", "Imprécis", "Imprécise", "Mitigé", "Exagéré",
        "Exagérée", "Exagérés", "Exagérées", "Exagération",
    ),
    Status.MOSTLY_FALSE: ("Plutôt faux", "Plutôt fausse", "Globalement faux"),
    Status.FALSE: (
        "Faux", "Fausse", "Fausses", "Pas vrai", "Ce n'est pas vrai", "Inexact", "Inexacte",
        "Inexacts", "Inexactes", "Montage", "Photomontage", "Infox", "Intox", "Canular",
        "Arnaque", "Truqué", "Truquée",
    ),
    Status.MISLEADING: (
        "Trompeur", "Trompeuse", "Trompeurs", "Trompeuses", "Manque de contexte",
        "Contexte manquant", "Hors contexte", "Sorti de son contexte", "Sortie de son contexte",
        "Détourné", "Détournée", "Manipulé", "Manipulée",
    ),
    Status.UNPROVEN: (
        "Infondé", "Infondée", "Infondés", "Infondées", "Invérifiable", "Invérifiables",
        "Non vérifiable", "Non prouvé", "Non démontré", "Sans preuve", "Aucune preuve",
    ),
    Status.IN_REVIEW: ("En cours de vérification",),
    Status.OTHER: ("Satire", "Satirique", "Parodie", "Humour", "Autre", "Opinion"),
}

_GERMAN: LabelList = {
    Status.TRUE: ("Richtig", "Wahr", "Korrekt", "Stimmt", "Zutreffend", "Bestätigt"),
    Status.MOSTLY_TRUE: (
        "Größtenteils richtig", "Größtenteils wahr", "Überwiegend richtig", "Überwiegend wahr",
        "Weitgehend richtig", "Richtig, aber", "Wahr, aber", "Stimmt, aber",
    ),
    Status.MIXED: (
        "Teilweise falsch", "Teilweise richtig", "Teilweise wahr", "Halb wahr", "Halbwahr",
        "Halbwahrheit", "Stimmt nicht ganz", "Nicht ganz richtig", "Umstritten", "Ungenau",
        "Übertrieben",
    ),
    Status.MOSTLY_FALSE: ("Größtenteils falsch", "Überwiegend falsch", "Weitgehend falsch"),
    Status.FALSE: (
        "Falsch", "Stimmt nicht", "Nicht wahr", "Unwahr", "Nicht richtig", "Nicht korrekt",
        "Frei erfunden", "Erfunden", "Gefälscht", "Fälschung", "Falschmeldung",
    ),
    Status.MISLEADING: (
        "Irreführend", "Fehlender Kontext", "Falscher Kontext", "Ohne Kontext",
        "Aus dem Kontext gerissen", "Verzerrt", "Missverständlich", "Manipuliert",
    ),
    Status.UNPROVEN: (
        "Unbelegt", "Nicht belegt", "Unbewiesen", "Nicht bewiesen", "Nicht überprüfbar",
        "Keine Belege",
    ),
    Status.IN_REVIEW: ("In Prüfung", "Wird geprüft"),
    Status.OTHER: ("Satire", "Sonstiges", "Meinung"),
}

_RUSSIAN: LabelList = {
    Status.TRUE: ("Правда", "Верно", "Правдиво", "Достоверно", "Подтверждено"),
    Status.MOSTLY_TRUE: (
        "Скорее правда", "В основном правда", "Почти правда", "Скорее верно",
        "В основном верно", "Правда, но", "Верно, но",
    ),
    Status.MIXED: (
        "Частично правда", "Полуправда", "Наполовину правда", "Частично верно",
        "Частично ложь", "Частично неверно", "Спорно", "Неточно", "Преувеличение",
        "Преувеличено",
    ),
    Status.MOSTLY_FALSE: (
        "Скорее ложь", "Скорее неправда", "Скорее неверно", "В основном ложь",
        "В основном неверно",
    ),
    Status.FALSE: (
        "Ложь", "Ложно", "Неправда", "Не правда", "Неверно", "Не верно", "Фейк", "Фальшивка",
        "Подделка", "Выдумка", "Монтаж", "Мошенничество", "Не соответствует действительности",
    ),
    Status.MISLEADING: (
        "Манипуляция", "Вводит в заблуждение", "Вводящий в заблуждение", "Искажение",
        "Искажено", "Вырвано из контекста", "Без контекста", "Недостаточно контекста",
    ),
    Status.UNPROVEN: (
        "Нет доказательств", "Недостаточно доказательств", "Не доказано", "Недоказуемо",
        "Невозможно проверить", "Не подтверждено",
    ),
    Status.IN_REVIEW: ("На проверке", "Проверяется"),
    Status.OTHER: ("Сатира", "Другое", "Мнение"),
}

_ARABIC: LabelList = {
    Status.TRUE: ("صحيح", "صحيحة", "حقيقي", "حقيقية", "مؤكد"),
    Status.MOSTLY_TRUE: ("صحيح في الغالب", "صحيح إلى حد كبير", "صحيح لكن"),
    Status.MIXED: (
        "صحيح جزئيا", "خطأ جزئيا", "زائف جزئيا", "نصف حقيقة", "غير دقيق", "مبالغ فيه", "مبالغة",
    ),
    Status.MOSTLY_FALSE: ("خطأ في الغالب",),
    Status.FALSE: (
        "زائف", "زائفة", "خطأ", "خاطئ", "خاطئة", "كاذب", "كاذبة", "كذب", "غير صحيح",
        "ليس صحيحا", "مفبرك", "مفبركة", "ملفق", "ملفقة", "مزيف", "مزيفة", "شائعة", "احتيال",
    ),
    Status.MISLEADING: (
        "مضلل", "مضللة", "عنوان مضلل", "بلا سياق", "يفتقر للسياق", "يفتقر إلى السياق",
        "خارج السياق", "منزوع السياق", "مجتزأ",
    ),
    Status.UNPROVEN: ("غير مثبت", "غير مؤكد", "بلا دليل", "لا دليل", "لا يمكن التحقق"),
    Status.IN_REVIEW: ("قيد التحقق", "قيد المراجعة"),
    Status.OTHER: ("ساخر", "ساخرة", "سخرية", "رأي", "أخرى"),
}

# fmt: on

# More vocabularies, one data file per scale or language (factdb/rating_labels/*.tsv, lines of
# ``status<TAB>label``): the scales of data sets (FEVER, AVeriTeC, LIAR, ClaimsKG), of single
# publishers (Snopes, Demagog, Istinomer, Pagella Politica…) and the verdict words of languages
# the lists above do not cover. Each file says where its labels come from.
LABEL_FILES = Path(__file__).resolve().parent / "rating_labels"


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


LABEL_SOURCES: Mapping[str, LabelList] = MappingProxyType(
    {
        "factdb": _FACTDB,
        "politifact": _POLITIFACT,
        "snopes": _SNOPES,
        "washington_post": _WASHINGTON_POST,
        "en": _ENGLISH,
        "pt": _PORTUGUESE,
        "es": _SPANISH,
        "fr": _FRENCH,
        "de": _GERMAN,
        "ru": _RUSSIAN,
        "ar": _ARABIC,
        # A file named like a list above adds to it ("ru" → "ru.tsv").
        **{f"{name}.tsv": labels for name, labels in _label_files().items()},
    }
)
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
# ``rating_labels/publishers/`` named after a publisher's domain holds that publisher's scale;
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


# --- Leading verdicts ------------------------------------------------------------------------
# Words that introduce a verdict without being one ("This claim is false", "Rating: Falso",
# "C'est faux"). Articles are included so "This is a hoax" reaches "hoax".
# fmt: off
_FILLER_PHRASES = (
    # English
    "this is", "this claim is", "the claim is", "claim is", "claim", "that's", "that is",
    "it's", "it is", "this statement is", "the statement is", "statement is", "this post is",
    "rating", "our rating", "verdict", "our verdict", "the verdict is", "conclusion", "a", "an",
    "the",
    # Portuguese
    "é", "isso é", "isto é", "a afirmação é", "afirmação é", "a alegação é", "o post é",
    "classificação", "veredito", "selo", "etiqueta", "um", "uma", "o",
    # Spanish
    "es", "esto es", "la afirmación es", "el dato es", "calificación", "veredicto", "un",
    "una", "el", "la",
    # French
    "c'est", "ceci est", "cette affirmation est", "l'affirmation est", "note", "une", "le",
    # German
    "das ist", "dies ist", "es ist", "ist", "bewertung", "urteil", "fazit", "ein", "eine",
    # Russian
    "это", "вердикт", "оценка", "утверждение",
    # Arabic
    "هذا", "هذه", "هذا الخبر", "الخبر", "الادعاء", "الحكم", "التقييم", "النتيجة",
)
# fmt: on
_FILLERS = frozenset(tuple(normalize_label(phrase).split()) for phrase in _FILLER_PHRASES)
_MAX_FILLER_WORDS = max(len(filler) for filler in _FILLERS)


def _strip_one_filler(words: list[str]) -> list[str] | None:
    """The words after the longest leading filler, or None if there is none to strip.

    A filler is only stripped when something follows it, so "Claim" alone is left as it is.
    """
    for size in range(min(_MAX_FILLER_WORDS, len(words) - 1), 0, -1):
        if tuple(words[:size]) in _FILLERS:
            return words[size:]
    return None


# A verdict opens the label; looking past this many words only costs time on long texts
# (a pathological "the the the …" would otherwise be stripped word by word).
_VERDICT_WINDOW = 24


def _verdict_candidates(key: str) -> list[list[str]]:
    """The label's opening words as given, then again after each leading filler is stripped."""
    words = key.split(maxsplit=_VERDICT_WINDOW)[:_VERDICT_WINDOW]
    candidates = [words]
    while (stripped := _strip_one_filler(words)) is not None:
        candidates.append(stripped)
        words = stripped
    return candidates


# --- Numeric ratings -------------------------------------------------------------------------

DEFAULT_BEST_RATING = 5.0
DEFAULT_WORST_RATING = 1.0
_STATUS_BY_RATING = {
    status.rating_value: status for status in Status if status.rating_value is not None
}


def _status_from_number(
    value: float | None, best: float | None, worst: float | None
) -> Status | None:
    """Scale a rating linearly onto factdb's 1..5 and round half up; None if it cannot be used.

    A value outside worst..best, an empty or inverted scale, or NaN/infinity means the number
    says nothing reliable, so it is ignored rather than clamped.
    """
    if value is None:
        return None
    best = DEFAULT_BEST_RATING if best is None else best
    worst = DEFAULT_WORST_RATING if worst is None else worst
    span = best - worst
    if not all(math.isfinite(x) for x in (value, best, worst, span)):
        return None
    if span <= 0 or not worst <= value <= best:
        return None
    position = min(1.0, (value - worst) / span)  # 0 worst .. 1 best
    return _STATUS_BY_RATING[1 + math.floor(position * 4 + 0.5)]


# --- Compound ratings ------------------------------------------------------------------------
# Some publishers give two verdicts at once ("правда и манипуляция", "false/fabricated",
# "ложь и полуправда"). Mapping such a label by its first word would call a manipulation true,
# so every verdict of the label is read and the parts are combined by one rule, the most
# cautious single status that is honest about all of them (`combine_verdicts`).

# Words that join verdicts; punctuation ("/", ",", "&") is already a word break.
_CONJUNCTIONS = frozenset(
    normalize_label(word)
    for word in ("and", "и", "і", "та", "e", "y", "et", "und", "i", "ve", "dan", "en", "og", "și")
)

# Words that negate the verdict word after them in a sentence ("is not misleading"). Negated
# labels that are verdicts themselves ("Not true", "Não é verdade") are listed in the table.
_NEGATIONS = frozenset(
    normalize_label(word)
    for word in (
        "not", "no", "never", "não", "nunca", "ni", "ne", "pas", "nicht", "kein", "keine", "не",
        "нет", "ні", "nie", "non", "tidak", "bukan", "niet", "geen", "ikke", "nu", "nije", "nuk",
        "لا", "ليس", "ليست", "नहीं", "नाही", "નથી", "નહીં",
    )
)  # fmt: skip

# Statuses that say nothing about truth: dropped from a compound that has a verdict.
_NOT_VERDICTS = frozenset({Status.OTHER, Status.IN_REVIEW})


def combine_verdicts(parts: Iterable[RatingMatch]) -> RatingMatch:
    """One status for the verdicts of a compound label.

    - parts that agree: that status;
    - tags that are not verdicts (satire, clickbait, in review) give way to a verdict beside them;
    - a withheld verdict ("no verdict, technical error") stays withheld: unproven;
    - a part that says misleading/manipulation makes the whole misleading: true-and-manipulative
      and false-and-manipulative are both, first of all, manipulation;
    - parts on the true..false scale on the same side ("true, technical error") give the less
      true of them; parts on both sides ("ложь и полуправда", "true and half-true") give mixed.
    """
    matches = list(parts)
    basis = (
        StatusBasis.CUSTOM
        if any(m.basis is StatusBasis.CUSTOM for m in matches)
        else StatusBasis.LABEL
    )
    statuses = {m.status for m in matches}
    if len(statuses) > 1 and statuses - _NOT_VERDICTS:
        statuses -= _NOT_VERDICTS
    if len(statuses) == 1:
        return RatingMatch(statuses.pop(), basis)
    if Status.UNPROVEN in statuses:
        return RatingMatch(Status.UNPROVEN, basis)
    if Status.MISLEADING in statuses:
        return RatingMatch(Status.MISLEADING, basis)
    if Status.OTHER in statuses:  # only other and in_review are left
        return RatingMatch(Status.OTHER, basis)
    values = [status.rating_value or 0 for status in statuses]
    # Mostly true (4) and up, or mostly false (2) and down, on the ClaimReview scale.
    true_side, false_side = min(values) >= 4, max(values) <= 2
    if true_side or false_side:
        return RatingMatch(_STATUS_BY_RATING[min(values)], basis)
    return RatingMatch(Status.MIXED, basis)


# A label of this many words or fewer is a rating, not a sentence: its words may carry typos.
_FUZZY_MAX_WORDS = 4
_FUZZY_MIN_CHARS = 5
# How many distinct labels a mapper remembers (summary sentences make most of them distinct).
_RESOLVED_LABELS = 50_000
# How far into a summary sentence verdict words are looked for.
_SENTENCE_WINDOW = 200


def _number_refines(*, label_status: Status, number_status: Status) -> bool:
    """Whether the publisher's own number should replace the status its label maps to.

    A number on a valid scale is the publisher's finest statement of its verdict ("Partiellement
    faux", 2 of 5, is mostly false), so it wins when it refines the label: both on factdb's
    five-step scale, one step apart (when both agree the label stays the basis). A number
    further away contradicts the label ("False" rated 5 of 5; FACTCK.BR's "Falso" rated 4 of 6,
    category numbers rather than positions on a scale) and is taken for a data error; labels
    off the scale (misleading, unproven) are more specific than any number.
    """
    label_value, number_value = label_status.rating_value, number_status.rating_value
    if label_value is None or number_value is None:
        return False
    # Equal: the label already says it, and stays the recorded basis.
    return abs(label_value - number_value) == 1


# --- The mapper ------------------------------------------------------------------------------


class RatingMapper:
    """Maps a published rating (label, optional number) to a status, with the rule that did it.

    `overrides` (raw label → status) come from the user's ``--rating-map`` and beat the
    built-in table, so a team can follow its own editorial policy.
    """

    def __init__(
        self, overrides: Mapping[str, Status] | None = None, *, publisher: str | None = None
    ) -> None:
        """`publisher`: the domain of a scale in `PUBLISHER_LABELS` this mapper reads labels
        on (see `for_publisher`); None for the general table alone."""
        self._overrides = _normalise_overrides(overrides or {})
        self._scale: Mapping[str, Status] = PUBLISHER_LABELS[publisher] if publisher else {}
        # Prefix search never needs to look further than the longest key.
        self._max_words = max(
            len(key.split()) for key in (*BUILTIN_LABELS, *self._overrides, *self._scale)
        )
        self._typo_keys: list[str] | None = None
        # Data sets repeat a handful of labels thousands of times; each is resolved once.
        self._resolved: dict[str, RatingMatch | None] = {}
        self._publishers: dict[str, RatingMapper] = {}

    @classmethod
    def from_csv(cls, path: Path) -> RatingMapper:
        """Read a ``label,status`` CSV (UTF-8, optional header row ``label,status``).

        Status may be written as "mostly_true", "Mostly true" or "mostly-true". Any problem is
        an `InvalidInputError` naming the file and, for a bad row, its line.
        """
        text = _read_utf8(path)
        overrides: dict[str, Status] = {}
        seen: dict[str, tuple[Status, int]] = {}  # key → status and the line that set it
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            for row in reader:
                line = reader.line_num
                if _is_blank(row) or (line == 1 and _is_header(row)):
                    continue
                label, status = _parse_row(row, where=f"rating map {path}: line {line}")
                key = _label_key(label)
                if key in seen and seen[key][0] is not status:
                    raise InvalidInputError(
                        f"rating map {path}: line {line}: {label!r} is already mapped to "
                        f"{seen[key][0].value} on line {seen[key][1]}"
                    )
                seen.setdefault(key, (status, line))
                overrides[label] = status
        except csv.Error as error:
            raise InvalidInputError(f"rating map {path}: line {reader.line_num}: {error}") from None
        return cls(overrides)

    def for_publisher(self, *publishers: str | None) -> RatingMapper:
        """This mapper reading labels on the scale of the first of `publishers` (URLs or
        names) that has one; itself when none has."""
        domain = publisher_scale(*publishers)
        if domain is None or self._scale:
            return self
        if domain not in self._publishers:
            mapper = RatingMapper(publisher=domain)
            mapper._overrides = self._overrides  # already normalised and checked
            mapper._max_words = max(mapper._max_words, self._max_words)
            self._publishers[domain] = mapper
        return self._publishers[domain]

    def map(
        self,
        label: str | None,
        rating_value: float | None = None,
        best_rating: float | None = None,
        worst_rating: float | None = None,
        *,
        publisher: Sequence[str | None] = (),
    ) -> RatingMatch:
        """The status for a published rating; see the module docstring for the order of rules.

        `publisher`: what is known of who published the review (its publisher's URL, its own
        URL, the reviewer's name), most specific first, so that a publisher's own scale applies.
        """
        if publisher:
            mapper = self.for_publisher(*publisher)
            if mapper is not self:
                return mapper.map(label, rating_value, best_rating, worst_rating)
        key = _label_key(label) if label else ""
        match = self._resolve(key) if key else None
        number = _status_from_number(rating_value, best_rating, worst_rating)
        if match is None:
            if number is not None:
                return RatingMatch(number, StatusBasis.RATING)
            return RatingMatch(Status.OTHER, StatusBasis.UNMAPPED)
        if (
            match.basis is StatusBasis.LABEL
            and number is not None
            and _number_refines(label_status=match.status, number_status=number)
        ):
            return RatingMatch(number, StatusBasis.RATING)
        return match

    def _resolve(self, key: str) -> RatingMatch | None:
        """`_match_label`, remembered for the most recent distinct labels."""
        if key in self._resolved:
            return self._resolved[key]
        if len(self._resolved) >= _RESOLVED_LABELS:
            self._resolved.clear()
        match = self._resolved[key] = self._match_label(key)
        return match

    def _match_label(self, key: str) -> RatingMatch | None:
        """Whole label, then the verdicts that open it, then verdict words anywhere in it."""
        whole = self._lookup(key)
        if whole is not None:
            return whole
        candidates = _verdict_candidates(key)
        # Typos are looked for only in short labels, where a word is a verdict or nothing.
        fuzzy = len(candidates[0]) <= _FUZZY_MAX_WORDS
        for words in candidates:
            parts = self._leading_verdicts(words, fuzzy=fuzzy)
            if parts:
                return combine_verdicts(parts)
        parts = self._verdicts_anywhere(key.split()[:_SENTENCE_WINDOW])
        return combine_verdicts(parts) if parts else None

    def _leading_verdicts(self, words: list[str], *, fuzzy: bool) -> list[RatingMatch]:
        """The verdicts the label opens with: one ("Falso. O vídeo…"), or several joined by
        "and" or punctuation ("правда и манипуляция", "false/fabricated")."""
        parts: list[RatingMatch] = []
        position = 0
        while position < len(words):
            found = self._longest_at(words, position, fuzzy=fuzzy)
            if found is None:
                break
            match, size = found
            parts.append(match)
            position += size
            while position < len(words) and words[position] in _CONJUNCTIONS:
                position += 1
        return parts

    def _verdicts_anywhere(self, words: list[str]) -> list[RatingMatch]:
        """Every verdict in a label that does not open with one: a publisher's summary
        sentence ("…the viral claim is misleading…") in place of a rating."""
        parts: list[RatingMatch] = []
        position = 0
        while position < len(words):
            found = self._longest_at(words, position, fuzzy=False)
            if found is None:
                position += 1
                continue
            # "это не фейк", "is not misleading": a negated verdict word says nothing usable.
            if position == 0 or words[position - 1] not in _NEGATIONS:
                parts.append(found[0])
            position += found[1]
        return parts

    def _longest_at(
        self, words: list[str], position: int, *, fuzzy: bool
    ) -> tuple[RatingMatch, int] | None:
        """The longest known label starting at `position` (the most specific verdict wins, so
        "Verdadeiro, mas…" is mostly_true rather than true), with the words it spans."""
        longest = min(self._max_words, len(words) - position)
        for size in range(longest, 0, -1):
            match = self._lookup(" ".join(words[position : position + size]))
            if match is not None:
                return match, size
        if fuzzy:
            for size in range(min(longest, _FUZZY_MAX_WORDS), 0, -1):
                match = self._lookup_typo(" ".join(words[position : position + size]))
                if match is not None:
                    return match, size
        return None

    def _lookup_typo(self, key: str) -> RatingMatch | None:
        """A known label one typing slip away ("Fałśz", "pradwa", "misleaiding"), if every
        label that close agrees on the status. Short keys are left alone: one letter turns
        "vero" into "zero"."""
        if len(key) < _FUZZY_MIN_CHARS:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        keys = self._fuzzy_keys()
        close = process.extract(key, keys, scorer=OSA.distance, score_cutoff=1, limit=None)
        matches = {self._lookup(keys[index]) for _, _, index in close}
        if len(matches) != 1:
            return None
        return matches.pop()

    def _fuzzy_keys(self) -> list[str]:
        if self._typo_keys is None:
            self._typo_keys = [
                key
                for key in (*self._overrides, *self._scale, *BUILTIN_LABELS)
                if len(key) >= _FUZZY_MIN_CHARS
            ]
        return self._typo_keys

    def _lookup(self, key: str) -> RatingMatch | None:
        """One normalised key: the user's map first, then the publisher's scale, then the
        built-in table."""
        if key in self._overrides:
            return RatingMatch(self._overrides[key], StatusBasis.CUSTOM)
        if key in self._scale:
            return RatingMatch(self._scale[key], StatusBasis.LABEL)
        if key in BUILTIN_LABELS:
            return RatingMatch(BUILTIN_LABELS[key], StatusBasis.LABEL)
        return None


def _normalise_overrides(overrides: Mapping[str, Status]) -> dict[str, Status]:
    """Key the user's map like the table; refuse entries that could never match or that
    contradict each other once normalised ("Falso" and "falso!" to different statuses)."""
    normalised: dict[str, Status] = {}
    for label, status in overrides.items():
        key = _label_key(label)
        if not key:
            raise InvalidInputError(f"rating map label {label!r} has no letters or digits")
        _check_outcome(status, where=f"rating map label {label!r}")
        if normalised.get(key, status) is not status:
            raise InvalidInputError(
                f"rating map label {label!r} is mapped to both {normalised[key].value} "
                f"and {status.value}"
            )
        normalised[key] = status
    return normalised


def _check_outcome(status: Status, *, where: str) -> None:
    """A review's verdict cannot be "unverified": that is the state of a claim nobody checked."""
    if status is Status.UNVERIFIED:
        raise InvalidInputError(
            f"{where}: unverified is not a review outcome (use in_review or unproven)"
        )


def _read_utf8(path: Path) -> str:
    """The file's text; a leading BOM (as Excel writes) is dropped."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInputError(f"rating map {path}: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidInputError(
            f"rating map {path} is not UTF-8 (line {line}, byte {error.start}: {error.reason})"
        ) from None


def _is_blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _is_header(row: list[str]) -> bool:
    return [normalize_label(cell) for cell in row] == ["label", "status"]


def _parse_row(row: list[str], *, where: str) -> tuple[str, Status]:
    """One ``label,status`` row. Trailing empty cells (spreadsheet exports) are tolerated."""
    cells = list(row)
    while len(cells) > 2 and not cells[-1].strip():
        cells.pop()
    if len(cells) != 2:
        raise InvalidInputError(f"{where}: expected 2 fields (label,status), got {len(cells)}")
    label, raw_status = cells
    if not _label_key(label):
        raise InvalidInputError(f"{where}: the label is empty")
    try:
        # "Mostly true", "mostly-true" and "mostly_true" all name Status.MOSTLY_TRUE.
        status = Status(normalize_label(raw_status).replace(" ", "_"))
    except ValueError:
        expected = ", ".join(s.value for s in Status if s is not Status.UNVERIFIED)
        raise InvalidInputError(
            f"{where}: unknown status {raw_status.strip()!r} (expected one of: {expected})"
        ) from None
    _check_outcome(status, where=where)
    return label, status
