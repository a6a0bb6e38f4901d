"""Check-worthiness: the features a unit has, the score they add up to, and its claim type.

The score is a noisy-or of feature weights, so each feature raises it with diminishing returns
and it stays within 0-1; questions, fragments and feelings lower it. The weights follow what
ClaimBuster's annotators found check-worthy: numbers, named actors, dates, causes, comparisons.
"""

from __future__ import annotations

import re

from factdb.extraction.lexicon import (
    CAUSE_PATTERN,
    COMPARISON_PATTERN,
    DATE_PATTERN,
    EVENT_PATTERN,
    FUNCTION_WORDS,
    NUMBER_PATTERN,
    POSITION_PATTERN,
    SUBJECTIVE_PATTERN,
)
from factdb.extraction.segment import word_count
from factdb.schemas.extraction import ClaimType, Reason

WEIGHTS: dict[Reason, float] = {
    Reason.NUMBER: 0.4,
    Reason.DATE: 0.25,
    Reason.NAMED_ENTITY: 0.3,
    Reason.ATTRIBUTION: 0.25,
    Reason.QUOTATION: 0.2,
    Reason.COMPARISON: 0.3,
    Reason.CAUSE: 0.3,
    Reason.EVENT: 0.35,
    Reason.POSITION: 0.3,
}
QUESTION_FACTOR = 0.3
FRAGMENT_FACTOR = 0.4
SUBJECTIVE_FACTOR = 0.5
MIN_WORDS = 5
SCORE_DECIMALS = 3

_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019\-]*")


def reasons_in(text: str, *, attributed: bool, quoted: bool) -> list[Reason]:
    """The features present in a unit, in a fixed order."""
    without_dates = DATE_PATTERN.sub(" ", text)
    found = {
        Reason.NUMBER: NUMBER_PATTERN.search(without_dates) is not None,
        Reason.DATE: DATE_PATTERN.search(text) is not None,
        Reason.NAMED_ENTITY: _has_entity(without_dates),
        Reason.ATTRIBUTION: attributed,
        Reason.QUOTATION: quoted,
        Reason.COMPARISON: COMPARISON_PATTERN.search(text) is not None,
        Reason.CAUSE: CAUSE_PATTERN.search(text) is not None,
        Reason.EVENT: EVENT_PATTERN.search(text) is not None,
        Reason.POSITION: POSITION_PATTERN.search(text) is not None,
    }
    return [reason for reason, present in found.items() if present]


def _has_entity(text: str) -> bool:
    # A capital at the very start only marks the sentence, unless the word is an acronym.
    for match in _CAPITALISED.finditer(text.strip()):
        word = match.group()
        acronym = word.isupper() and len(word) > 1
        if acronym or (match.start() > 1 and word.casefold() not in FUNCTION_WORDS):
            return True
    return False


def score(text: str, reasons: list[Reason]) -> float:
    remaining = 1.0
    for reason in reasons:
        remaining *= 1.0 - WEIGHTS[reason]
    value = 1.0 - remaining
    stripped = text.rstrip("\"\u201d\u2019') ")
    if stripped.endswith("?"):
        value *= QUESTION_FACTOR
    if word_count(text) < MIN_WORDS:
        value *= FRAGMENT_FACTOR
    if SUBJECTIVE_PATTERN.search(text):
        value *= SUBJECTIVE_FACTOR
    return round(value, SCORE_DECIMALS)


def claim_type(reasons: list[Reason], *, direct_quote: bool) -> ClaimType:
    """The most specific type the features support."""
    present = set(reasons)
    if Reason.NUMBER in present:
        return ClaimType.STATISTIC
    if Reason.COMPARISON in present:
        return ClaimType.COMPARATIVE
    if Reason.CAUSE in present:
        return ClaimType.CAUSAL
    if direct_quote or Reason.QUOTATION in present:
        return ClaimType.QUOTE
    if Reason.POSITION in present:
        return ClaimType.POSITION
    if Reason.EVENT in present:
        return ClaimType.EVENT
    return ClaimType.OTHER
