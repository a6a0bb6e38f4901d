"""Which language an article is in, and whether extraction covers it (English only).

Detection is py3langid's (a Naive Bayes model shipped inside the package, offline). A declared
language (the page's, or --language) wins over detection.
"""

from __future__ import annotations

from functools import lru_cache

SUPPORTED = "en"
SAMPLE_CHARS = 2_000
# Below this many letters detection is a guess: such a text is given the benefit of the doubt.
MIN_LETTERS = 40


def detected_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None for too little text to tell."""
    return _detected(text[:SAMPLE_CHARS])


@lru_cache(maxsize=8)
def _detected(sample: str) -> str | None:
    # Cached: the command line asks for the notice, then extraction asks again.
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return None
    code, _ = _identifier().classify(sample)
    return str(code)


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def language_of(text: str, declared: str | None = None) -> str | None:
    if declared:
        return declared.split("-")[0].split("_")[0].casefold()
    return detected_language(text)


def is_english(text: str, declared: str | None = None) -> bool:
    language = language_of(text, declared)
    return language is None or language == SUPPORTED


def unsupported_language(text: str, declared: str | None = None) -> str | None:
    """A notice for a text extraction does not cover; None for English."""
    language = language_of(text, declared)
    if language is None or language == SUPPORTED:
        return None
    how = "is declared as" if declared else "looks like"
    return (
        f"the article {how} language '{language}'; claim extraction covers English only, "
        "so no candidates are proposed"
    )
