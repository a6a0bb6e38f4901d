"""Who says a sentence, from its dependency parse: the subject of a speech verb, the object of
"according to", the speaker of a quotation's frame.

The verb is a speech verb by its lemma (VerbNet's reporting and communication classes, see the
lexicon); the speaker is the verb's grammatical subject, whatever words it is made of ("the Trump
campaign", "Local authorities in Gaza", "Rep. Jerry Nadler", "critics"). Words inside quotation
marks never frame a sentence: "I said no," she said. has the frame "she said".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from factdb.extraction.lexicon import (
    OBJECT_SPEECH_LEMMAS,
    PHRASAL_SPEECH_VERBS,
    REPORTING_LEMMAS,
    SPEECH_LEMMAS,
    TITLES,
)
from factdb.extraction.names import Speaker
from factdb.extraction.nlp import (
    is_verb,
    token_table,
    verb_lemmas,
)
from factdb.extraction.segment import Span
from factdb.extraction.speakers import (
    SUBJECTS,
    TIME_WORDS,
    bare_word,
    inside_quotes,
    phrase_end,
    phrase_start,
    speaker_of,
    tokens_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
# Where a speech verb frames the whole sentence: the root, or a verb hanging on it directly
# ("…, Lee said, adding …", "Lee refused to say …"). One deeper down ("the data that
# investigators said they found") frames only its own clause, or a sentence that has no other.
FRAMING_DEPS = frozenset({"ROOT", "conj", "parataxis", "ccomp", "advcl", "xcomp"})
MAX_FRAME_DEPTH = 1


@dataclass(frozen=True)
class Frame:
    """A speaker and the span of the words that attribute (speaker and verb)."""

    speaker: Speaker
    words: Span
    according_to: bool = False


def find_frame(doc: Doc, unit: Span, quoted: list[Span]) -> Frame | None:
    """The reported-speech frame of a sentence or clause: the speech verb nearest its root."""
    nearby = [quote for quote in quoted if quote.overlap(unit)]
    # Only a verb (or "according") can frame: the other tokens are never looked at.
    candidates = tokens_of(doc, unit, among=token_table(doc).frame_words)
    outside = [token for token in candidates if not inside_quotes(token, nearby)]
    best: tuple[int, Frame] | None = None
    deeper: tuple[int, Frame] | None = None
    for token in outside:
        according = _according_to(token)
        frame = according or _speech_frame(token)
        if frame is None:
            continue
        depth = _depth(token)
        if according is None and not _frames_sentence(token, depth):
            if (
                _reports_a_clause(token)
                and _has_subject(token)
                and (deeper is None or depth < deeper[0])
            ):
                deeper = (depth, frame)
            continue
        # "According to X, Y said …" and "…, Y says, according to X": the source the
        # sentence cites is X, whatever the depth of its speech verb.
        rank = -1 if according is not None else depth
        if best is None or rank < best[0]:
            best = (rank, frame)
    if best is None and deeper is not None:
        # "…, displaying what many analysts said was a sign of …": with no speech verb near the
        # root, one deeper down that reports a clause is the only voice the sentence has.
        return deeper[1]
    return best[1] if best is not None else None


def _frames_sentence(verb: Token, depth: int) -> bool:
    """A speech verb at the root or hanging on it, or a gerund after a preposition that hangs
    on such a verb ("She answered by saying that …")."""
    if depth <= MAX_FRAME_DEPTH and verb.dep_ in FRAMING_DEPS:
        return True
    governor = verb.head.head
    return (
        verb.dep_ == "pcomp"
        and verb.tag_ == "VBG"
        and is_verb(governor)
        and depth - 2 <= MAX_FRAME_DEPTH
        and governor.dep_ in FRAMING_DEPS
    )


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 100:
        token = token.head
        depth += 1
    return depth


def is_speech_verb(token: Token) -> bool:
    """A reporting verb with something reported (a clause, a quotation or an object), a phrasal
    speech verb, or another speech verb that a clause or a quotation follows ("warned that …")."""
    if not is_verb(token) and not _verb_by_function(token):
        return False
    lemmas = verb_lemmas(token)
    if lemmas & REPORTING_LEMMAS and (
        _reports_a_clause(token)
        or any(c.dep_ == "advcl" and c.i > token.i and _has_subject(c) for c in token.children)
        or _agent(token) is not None
        or any(c.dep_ in ("dobj", "dative") for c in token.children)
        or _ends_its_clause(token)
    ):
        return True  # "The EU announced 300 new guards", "Lee said:", not "The trend continued"
    if any(
        (lemma, child.lower_) in PHRASAL_SPEECH_VERBS
        for child in token.children
        for lemma in lemmas
    ):
        return True
    if lemmas & OBJECT_SPEECH_LEMMAS and any(c.dep_ == "dobj" or _topic(c) for c in token.children):
        return True  # "The senator questioned the figures.", "She spoke of the war."
    return bool(lemmas & SPEECH_LEMMAS) and _reports_a_clause(token)


TOPIC_PREPOSITIONS = frozenset({"about", "of", "on"})


def _topic(child: Token) -> bool:
    """ "about the war", "of the legacy", "on the ruling": what talk is about; not a time ("on
    Monday")."""
    if child.dep_ != "prep" or child.lower_ not in TOPIC_PREPOSITIONS:
        return False
    target = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
    return target is not None and not target.like_num and target.lower_ not in TIME_WORDS


def _verb_by_function(token: Token) -> bool:
    """A word the tagger took for a plural noun that has a subject and a clause of its own is
    a verb: "But Trump claims that he should be the exception." """
    return (
        token.tag_ == "NNS"
        and any(child.dep_ == "nsubj" for child in token.children)
        and any(child.dep_ == "ccomp" for child in token.children)
    )


def _ends_its_clause(verb: Token) -> bool:
    """ "… , Lee said." or "Lee said:": what was said stands around the verb."""
    following = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None
    return following is None or following.text in {".", ",", ":", ";", '"', "\u201c", "\u201d"}


def _has_subject(verb: Token) -> bool:
    """ "said after the convention he would not …", "have not said when they would …": a clause
    after a reporting verb with a subject of its own is what was said."""
    return any(child.dep_ in SUBJECTS for child in verb.children)


def _reports_a_clause(verb: Token) -> bool:
    if verb.dep_ in ("parataxis", "ccomp"):
        return True  # "…, the minister warned."
    return any(child.dep_ in ("ccomp", "xcomp", "parataxis") for child in verb.children) or any(
        child.tag_ in ("``", "''") or child.text in '"\u201c\u201d' for child in verb.children
    )


def _speech_frame(verb: Token) -> Frame | None:
    if not is_speech_verb(verb):
        return None
    subject = _subject(verb)
    if subject is None:
        return None
    speaker = speaker_of(subject)
    if speaker is None:
        return None
    start = min(phrase_start(subject), verb.idx)
    end = max(verb.idx + len(verb.text), phrase_end(subject))
    return Frame(speaker, Span(start, end))


def _subject(verb: Token) -> Token | None:
    """The verb's subject; a verb joined to another ("said … and added …") or a participle
    ("…, saying …") shares the subject of the verb it hangs on."""
    for _ in range(3):
        subjects = [child for child in verb.children if child.dep_ == "nsubj"]
        # "Sens. Warren and Sanders argued": a title the parser made a subject of its own.
        named = [child for child in subjects if bare_word(child) not in TITLES]
        # "WASHINGTON -- President Obama … said": a dateline is no subject; its apposition is.
        named = [_after_dateline(child) for child in named]
        if subjects:
            return (named or subjects)[0]
        agent = _agent(verb)
        if agent is not None:
            return agent  # "The issue was first reported by The Washington Post."
        controller = _object_controller(verb)
        if controller is not None:
            return controller  # "The senator forced Stumpf to admit that …": Stumpf admits.
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
            continue
        if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and is_verb(verb.head.head):
            # "She answered by saying that …", "despite admitting that …": the gerund's doer is
            # the subject of the verb its preposition hangs on.
            verb = verb.head.head
            continue
        return None
    return None


def _object_controller(verb: Token) -> Token | None:
    """The object of the verb an infinitive hangs on, who does what the infinitive says
    ("forced Stumpf to admit", "urged them to say"); None for an infinitive whose doer is the
    subject ("seemed to show", "refused to say")."""
    if verb.dep_ != "xcomp" or verb.head.i == verb.i:
        return None
    return next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)


def _agent(verb: Token) -> Token | None:
    """The doer of a passive verb: the object of its "by"."""
    if verb.tag_ != "VBN" or not any(child.dep_ == "nsubjpass" for child in verb.children):
        return None
    by = next((child for child in verb.children if child.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


DATELINE_DASHES = frozenset({"--", "-", "\u2014", "\u2013", "\u2015"})


def _after_dateline(subject: Token) -> Token:
    """The subject itself, or, for a place name in capitals before a dash at the start of a
    sentence, the noun it stands in apposition to."""
    following = subject.nbor(1) if subject.i + 1 < len(subject.doc) else None
    if (
        subject.is_sent_start
        and subject.text.isupper()
        and following is not None
        and following.text in DATELINE_DASHES
    ):
        apposition = next((c for c in subject.children if c.dep_ == "appos"), None)
        if apposition is not None:
            return apposition
    return subject


def _according_to(token: Token) -> Frame | None:
    if token.lower_ != "according":
        return None
    to = next((child for child in token.children if child.lower_ == "to"), None)
    target = next(
        (child for child in (to.children if to is not None else ()) if child.dep_ == "pobj"), None
    )
    if target is None:
        return None
    speaker = speaker_of(target)
    if speaker is None:
        return None
    return Frame(speaker, Span(token.idx, phrase_end(target)), according_to=True)
