"""Claim extraction: from an article's text to attributed, check-worthy candidate claims.

Rule-based and pure: no database, no network, no model files. Everything here works on the
exact source text and reports character spans into it, so every candidate stays verifiable.
"""

from __future__ import annotations

from factdb.extraction.pipeline import DEFAULT_MIN_SCORE, extract_claims

__all__ = ["DEFAULT_MIN_SCORE", "extract_claims"]
