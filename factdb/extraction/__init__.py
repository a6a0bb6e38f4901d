"""Claim extraction: from an article's text to attributed, check-worthy candidate claims.

Rule-based and pure: no database, no network, no model files. Everything here works on the
exact source text and reports character spans into it, so every candidate stays verifiable.

Importing the package is cheap (the command line reads ``DEFAULT_MIN_SCORE`` at start-up); the
rules load with the first use of ``extract_claims``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

DEFAULT_MIN_SCORE = 0.5

if TYPE_CHECKING:
    from factdb.extraction.pipeline import extract_claims

__all__ = ["DEFAULT_MIN_SCORE", "extract_claims"]


def __getattr__(name: str) -> object:
    if name == "extract_claims":
        from factdb.extraction.pipeline import extract_claims

        return extract_claims
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
