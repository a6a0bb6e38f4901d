"""Reported-speech frames: who a sentence says is speaking, in the forms English news uses.

"X said …", "… , X said.", "… , said X.", "according to X", "X added", "X called for …",
"X, the city's finance chief, said …", "he said". Words inside quotation marks are masked out
beforehand, so a verb or name inside a quotation never counts as the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.domain import ClaimantKind
from factdb.extraction.lexicon import (
    ACCORDING_TO,
    GROUP_PRONOUNS,
    MONTHS,
    PRONOUNS,
    SKIPPABLE_BEFORE_VERB,
    SPEECH_VERB_PATTERN,
    SPEECH_VERBS,
    WEEKDAYS,
)
from factdb.extraction.names import Speaker, phrase_after, phrase_before, speaker_of
from factdb.extraction.segment import Span, Token, tokens

PRONOUN_SPEAKER = "<pronoun>"
_TIME_PREPOSITIONS = frozenset({"on", "in", "last", "this", "late", "early"})
_APPOSITIVE = re.compile(
    r"(?P<name>(?:[A-Z][\w'\u2019\-]+\s+){0,3}[A-Z][\w'\u2019\-]+),\s+"
    r"(?P<role>(?:the|a|an)\s+[^,;:\"\u201c\u201d\n]{2,80}?),\s+"
    r"(?P<verb>" + "|".join(re.escape(verb) for verb in SPEECH_VERBS) + r")\b"
)


# ", which employs 5,000 people," just before the verb; a comma inside a number is no boundary.
_RELATIVE_CLAUSE = re.compile(
    r",\s+(?:which|who|whose|whom|that)\b(?:[^,;:\"\u201c\u201d\n]|(?<=\d),(?=\d))*,\s*$"
)


@dataclass(frozen=True)
class Frame:
    """A speaker and the span of the words that attribute (speaker and verb)."""

    speaker: Speaker
    words: Span
    according_to: bool = False


def find_frame(view: str, sentence: Span) -> Frame | None:
    """The first reported-speech frame in the sentence; ``view`` has quotations masked."""
    appositive = _appositive_frame(view, sentence)
    if appositive is not None:
        return appositive
    for match in SPEECH_VERB_PATTERN.finditer(view, sentence.start, sentence.end):
        verb = Span(match.start(), match.end())
        if match.group().casefold() == ACCORDING_TO:
            frame = _after_verb(view, sentence, verb, according_to=True)
        else:
            frame = _before_verb(view, sentence, verb) or _inverted(view, sentence, verb)
        if frame is not None:
            return frame
        if match.group().casefold() != ACCORDING_TO and _frames_the_subject(view, sentence, verb):
            # "The report added that 12 countries reported outbreaks.": the first speech verb
            # after the sentence's subject frames it; later ones are inside what was reported.
            return None
    return None


def _frames_the_subject(view: str, sentence: Span, verb: Span) -> bool:
    """The verb follows the sentence's subject directly: nothing but words (after an opening
    adverbial set off by a comma, and skipping relative clauses) stands before it."""
    before = _without_relative_clause(view, sentence.start, verb.start)
    opening = view[sentence.start : before].split(",", 1)
    subject = opening[-1] if len(opening) == 2 else opening[0]
    return bool(subject.strip()) and not _punctuated(subject, 0, len(subject))


def _appositive_frame(view: str, sentence: Span) -> Frame | None:
    match = _APPOSITIVE.search(view, sentence.start, sentence.end)
    if match is None:
        return None
    words = tokens(view, match.start("name"), match.end("name"))
    speaker = speaker_of(phrase_before(words, view))
    if speaker is None or speaker.name is None:
        return None
    role = " ".join(match.group("role").split()[1:])
    described = Speaker(name=speaker.name, role=role, kind=ClaimantKind.PERSON)
    return Frame(described, Span(match.start(), match.end()))


def _before_verb(view: str, sentence: Span, verb: Span) -> Frame | None:
    subject_end = _without_relative_clause(view, sentence.start, verb.start)
    words = _without_time_words(tokens(view, sentence.start, subject_end))
    if subject_end != verb.start:
        verb = Span(subject_end, verb.end)
    if not words:
        return None
    if _punctuated(view, words[-1].end, verb.start):
        if view[words[-1].end : verb.start].strip() == ",":
            return _role_then_name(view, sentence, words, verb)
        return None
    last = words[-1]
    if last.lower in PRONOUNS | GROUP_PRONOUNS:
        pronoun = Speaker(name=PRONOUN_SPEAKER, role=last.lower, kind=ClaimantKind.PERSON)
        return Frame(pronoun, Span(last.start, verb.end))
    phrase = phrase_before(words, view)
    speaker = speaker_of(phrase) if phrase else None
    if speaker is None:
        return None
    return Frame(speaker, Span(phrase[0].start, verb.end))


def _role_then_name(view: str, sentence: Span, words: list[Token], verb: Span) -> Frame | None:
    """ "The bloc's climate envoy, Pieter de Vries, told reporters …": a name set off by commas
    after the role it holds."""
    phrase = phrase_before(words, view)
    speaker = speaker_of(phrase) if phrase else None
    if speaker is None or speaker.name is None or speaker.role is not None:
        return None
    if not view[sentence.start : phrase[0].start].rstrip().endswith(","):
        return None
    comma = view.rindex(",", sentence.start, phrase[0].start)
    described = phrase_before(tokens(view, sentence.start, comma), view)
    holder = speaker_of(described) if described else None
    if holder is None or holder.name is not None or holder.role is None:
        return None
    named = Speaker(name=speaker.name, role=holder.role, kind=holder.kind)
    return Frame(named, Span(described[0].start, verb.end))


def _inverted(view: str, sentence: Span, verb: Span) -> Frame | None:
    """ ", said the minister." and ", said Lee.": the speaker follows the verb."""
    before = view[sentence.start : verb.start].rstrip()
    if not before.endswith((",", '"', "\u201d")):
        return None
    return _after_verb(view, sentence, verb, according_to=False)


def _after_verb(view: str, sentence: Span, verb: Span, *, according_to: bool) -> Frame | None:
    words = tokens(view, verb.end, sentence.end)
    if not words or _punctuated(view, verb.end, words[0].start):
        return None
    phrase = phrase_after(words, view)
    speaker = speaker_of(phrase) if phrase else None
    if speaker is None:
        return None
    end = phrase[-1].end
    if speaker.name is None:
        # "according to its lead negotiator, Wang Lei, …": the name follows the role.
        named = _name_after_comma(view, end, sentence.end)
        if named is not None:
            speaker = Speaker(name=named.name, role=speaker.role, kind=speaker.kind)
    return Frame(speaker, Span(verb.start, end), according_to=according_to)


def _name_after_comma(view: str, start: int, end: int) -> Speaker | None:
    if not view[start:end].lstrip().startswith(","):
        return None
    comma = view.index(",", start, end)
    phrase = phrase_after(tokens(view, comma + 1, end), view)
    if not phrase or not view[phrase[-1].end : end].lstrip().startswith((",", ".")):
        return None
    speaker = speaker_of(phrase)
    if speaker is None or speaker.name is None or speaker.role is not None:
        return None
    return speaker


def _without_time_words(words: list[Token]) -> list[Token]:
    """Drop "on Friday", "also", "has" and the like between a speaker and the verb."""
    words = list(words)
    while words:
        last = words[-1].lower
        if last in SKIPPABLE_BEFORE_VERB:
            words.pop()
        elif last in WEEKDAYS or last in MONTHS or last.isdigit():
            words.pop()
            while words and (words[-1].lower in MONTHS or words[-1].lower.isdigit()):
                words.pop()
            if words and words[-1].lower in _TIME_PREPOSITIONS:
                words.pop()
        else:
            break
    return words


def _without_relative_clause(view: str, start: int, end: int) -> int:
    """Where the subject ends when a relative clause stands between it and the verb: "The
    company, which employs 5,000 people, said …" ends at "company"."""
    match = _RELATIVE_CLAUSE.search(view, start, end)
    return match.start() if match is not None else end


def _punctuated(view: str, start: int, end: int) -> bool:
    return any(char in ",;:()[]\u2014\u2013" for char in view[start:end])
