"""Why a unit may be check-worthy, and its claim type: the features a reader can see.

The score itself is the trained model's (``checkworthiness``); these reasons explain it in words
(a number, a date, a name, a comparison, a cause…) and decide the claim type.
"""

from __future__ import annotations

from factdb.extraction.lexicon import (
    CAUSE_PATTERN,
    COMPARISON_PATTERN,
    DATE_PATTERN,
    EVENT_PATTERN,
    NUMBER_PATTERN,
    POSITION_PATTERN,
)
from factdb.schemas.extraction import ClaimType, Reason


def reasons_in(text: str, *, attributed: bool, quoted: bool, named: bool) -> list[Reason]:
    """The features present in a unit, in a fixed order; ``named``: the parser found a proper
    noun in it."""
    without_dates = DATE_PATTERN.sub(" ", text)
    found = {
        Reason.NUMBER: NUMBER_PATTERN.search(without_dates) is not None,
        Reason.DATE: DATE_PATTERN.search(text) is not None,
        Reason.NAMED_ENTITY: named,
        Reason.ATTRIBUTION: attributed,
        Reason.QUOTATION: quoted,
        Reason.COMPARISON: COMPARISON_PATTERN.search(text) is not None,
        Reason.CAUSE: CAUSE_PATTERN.search(text) is not None,
        Reason.EVENT: EVENT_PATTERN.search(text) is not None,
        Reason.POSITION: POSITION_PATTERN.search(text) is not None,
    }
    return [reason for reason, present in found.items() if present]


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
