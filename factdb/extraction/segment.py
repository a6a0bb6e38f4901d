"""Splitting a text into paragraphs, clauses and quotations, keeping exact spans.

Sentences come from the English pipeline's parser (see ``pipeline``).

Every unit is a ``Span`` of character offsets into the original text, never a copy that could
drift from it: ``text[span.start:span.end]`` is always the unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

OPENING_QUOTES = "\u201c"
CLOSING_QUOTES = "\u201d"
STRAIGHT_QUOTE = '"'
QUOTE_MARKS = OPENING_QUOTES + CLOSING_QUOTES + STRAIGHT_QUOTE
TRAILING_CLOSERS = QUOTE_MARKS + ")]\u2019'"
MIN_CLAUSE_WORDS = 4

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_WORD = re.compile(r"\w+(?:['\u2019.&\-]\w+)*", re.UNICODE)
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?=(?:while|whereas|but)\s)")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    def contains(self, position: int) -> bool:
        return self.start <= position < self.end


def trimmed(text: str, start: int, end: int, strip: str = "") -> Span:
    """The span without surrounding whitespace (and any of ``strip``)."""
    chars = strip + " \t\n\r\f\v\u00a0\u2028\u2029"
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return Span(start, end)


def paragraphs(text: str) -> Iterator[Span]:
    """Each non-blank line: news text puts one paragraph on a line."""
    for line in _LINE.finditer(text):
        span = trimmed(text, line.start(), line.end())
        if span.end > span.start:
            yield span


def quotations(text: str, paragraph: Span) -> list[Span]:
    """Quoted passages, marks included; one left open runs to the end of its paragraph."""
    found: list[Span] = []
    open_at: int | None = None
    for index in range(paragraph.start, paragraph.end):
        char = text[index]
        if char not in QUOTE_MARKS:
            continue
        opens = char in OPENING_QUOTES or (char == STRAIGHT_QUOTE and open_at is None)
        if open_at is None and opens:
            open_at = index
        elif open_at is not None and char not in OPENING_QUOTES:
            found.append(Span(open_at, index + 1))
            open_at = None
    if open_at is not None:
        found.append(Span(open_at, paragraph.end))
    return found


def clauses(text: str, sentence: Span, protected: list[Span]) -> list[Span]:
    """Independent clauses: split at semicolons and before ", while/whereas/but".

    A split inside a quotation, or one that leaves a part shorter than a few words, is not made:
    such a part is rarely checkable on its own.
    """
    parts: list[Span] = []
    start = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if any(quote.contains(match.start()) for quote in protected):
            continue
        head = trimmed(text, start, match.start(), ",;")
        tail = trimmed(text, match.end(), sentence.end)
        if word_count(head.of(text)) < MIN_CLAUSE_WORDS:
            continue
        if word_count(tail.of(text)) < MIN_CLAUSE_WORDS:
            break
        parts.append(head)
        start = match.end()
    parts.append(trimmed(text, start, sentence.end))
    return [part for part in parts if part.end > part.start]


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.casefold()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str, start: int, end: int) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def masked(text: str, quoted: list[Span]) -> str:
    """The text with quoted words blanked out, so that words inside a quotation never count as
    the frame's speaker or verb; offsets are unchanged."""
    if not quoted:
        return text
    chars = list(text)
    for span in quoted:
        for index in range(span.start + 1, max(span.start + 1, span.end - 1)):
            if not chars[index].isspace():
                chars[index] = " "
    return "".join(chars)
