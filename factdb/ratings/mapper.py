"""Mapping a published rating to a status: the user's map, the publisher's scale and the
built-in table (``labels``), leading verdicts, verdicts in a sentence, compound verdicts and
numeric ratings, in the order the package docstring gives."""

# The tables hold Cyrillic and Arabic labels on purpose; none of them is a look-alike trick.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from factdb.domain import Status, StatusBasis
from factdb.errors import InvalidInputError
from factdb.ratings.labels import (
    BUILTIN_LABELS,
    PUBLISHER_LABELS,
    RatingMatch,
    label_key,
    normalize_label,
    publisher_scale,
)

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
                key = label_key(label)
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
        key = label_key(label) if label else ""
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
        key = label_key(label)
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
    if not label_key(label):
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
