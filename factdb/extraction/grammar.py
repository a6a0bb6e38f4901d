"""Who says a sentence, from its dependency parse: the subject of a speech verb, the object of
"according to", the speaker of a quotation's frame.

The verb is a speech verb by its lemma (VerbNet's reporting and communication classes, see the
lexicon); the speaker is the verb's grammatical subject, whatever words it is made of ("the Trump
campaign", "Local authorities in Gaza", "Rep. Jerry Nadler", "critics"). Words inside quotation
marks never frame a sentence: "I said no," she said. has the frame "she said".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factdb.domain import ClaimantKind
from factdb.extraction.lexicon import (
    DEMONYMS,
    FEMININE_WORDS,
    GROUP_PRONOUNS,
    GROUP_ROLES,
    MASCULINE_WORDS,
    MONTHS,
    OBJECT_SPEECH_LEMMAS,
    ORGANISATION_WORDS,
    PERSON_ROLES,
    PHRASAL_SPEECH_VERBS,
    PRONOUNS,
    REPORTING_LEMMAS,
    ROLES,
    SPEECH_LEMMAS,
    TITLES,
    WEEKDAYS,
)
from factdb.extraction.names import Speaker
from factdb.extraction.nlp import (
    is_noun,
    is_plural,
    is_pronoun,
    is_proper_noun,
    is_verb,
    token_table,
    verb_lemmas,
)
from factdb.extraction.segment import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PRONOUN_SPEAKER = "<pronoun>"
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
# Pronouns of quantity that stand for a group of people when they are a subject (English
# grammar's closed class, not words of any text).
QUANTIFIER_PRONOUNS = frozenset(
    {"those", "some", "many", "others", "several", "most", "both", "all", "each", "none", "few"}
)
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# What may stand in a speaker's phrase besides its head: determiners, owners, modifiers, names,
# and a short prepositional phrase ("authorities in Gaza", "Secretary of State John Kerry").
PHRASE_DEPS = frozenset(
    {
        "det",
        "poss",
        "compound",
        "amod",
        "nmod",
        "nummod",
        "case",
        "prep",
        "pobj",
        "quantmod",
        "cc",
        "conj",
    }
)
NAME_PREPOSITIONS = frozenset({"in", "of", "for", "at", "from", "on", "to", "by"})
# Where a speech verb frames the whole sentence: the root, or a verb hanging on it directly
# ("…, Lee said, adding …", "Lee refused to say …"). One deeper down ("the data that
# investigators said they found") frames only its own clause, or a sentence that has no other.
FRAMING_DEPS = frozenset({"ROOT", "conj", "parataxis", "ccomp", "advcl", "xcomp"})
MAX_FRAME_DEPTH = 1
MAX_PREPOSITION_WORDS = 6
TIME_WORDS = (
    MONTHS
    | WEEKDAYS
    | frozenset({"year", "years", "month", "week", "day", "today", "yesterday", "morning"})
    | frozenset({"evening", "night", "time", "interview", "statement"})
)
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these"})
MAX_NAME_WORDS = 4


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
    outside = [token for token in candidates if not _inside(token, nearby)]
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


def tokens_of(doc: Doc, span: Span, among: list[int] | None = None) -> list[Token]:
    """The tokens that start within the span; only those of ``among`` (token indices, ascending)
    when given."""
    parsed = doc.char_span(span.start, span.end, alignment_mode="expand")
    if parsed is None:
        return []
    if among is None:
        return [token for token in parsed if span.start <= token.idx < span.end]
    table = token_table(doc)
    return [
        doc[i]
        for i in table.among(among, parsed.start, parsed.end)
        if span.start <= table.starts[i] < span.end
    ]


def _inside(token: Token, quoted: list[Span]) -> bool:
    return any(quote.start < token.idx < quote.end - 1 for quote in quoted)


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
    start = min(_phrase_start(subject), verb.idx)
    end = max(verb.idx + len(verb.text), _phrase_end(subject))
    return Frame(speaker, Span(start, end))


def _subject(verb: Token) -> Token | None:
    """The verb's subject; a verb joined to another ("said … and added …") or a participle
    ("…, saying …") shares the subject of the verb it hangs on."""
    for _ in range(3):
        subjects = [child for child in verb.children if child.dep_ == "nsubj"]
        # "Sens. Warren and Sanders argued": a title the parser made a subject of its own.
        named = [child for child in subjects if _bare(child) not in TITLES]
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
    return Frame(speaker, Span(token.idx, _phrase_end(target)), according_to=True)


def speaker_of(head: Token) -> Speaker | None:
    """The speaker a subject names: a name, a role, or a pronoun to resolve."""
    lower = head.lower_
    if is_pronoun(head) or lower in PRONOUNS | GROUP_PRONOUNS:
        if lower in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            # "Barkley, who said …": the relative pronoun stands for the noun the clause describes.
            return speaker_of(head.head.head)
        if lower in PRONOUNS | GROUP_PRONOUNS:
            gender = "m" if lower == "he" else "f" if lower == "she" else None
            return Speaker(PRONOUN_SPEAKER, lower, ClaimantKind.PERSON, gender=gender)
        return None
    if (lower in QUANTIFIER_PRONOUNS or head.tag_ == "CD") and head.dep_ in SUBJECTS:
        # "Those close to him say", "Some note that", "Many of them argued", "About one in five
        # say", "39 have said": a group described by its number.
        text = _joined(phrase(head))
        return Speaker(
            None, text[:1].upper() + text[1:], ClaimantKind.ORGANIZATION, head=lower, plural=True
        )
    words = phrase(head)
    appositive = next((child for child in head.children if child.dep_ == "appos"), None)
    own = _named_or_described(words, head)
    if appositive is None:
        return own
    other = _named_or_described(phrase(appositive), appositive)
    if own is None or other is None:
        # "One of the family's attorneys, Justin Bamberg, said": the apposition names them.
        return own or (other if other is not None and other.name is not None else None)
    if own.name is not None and other.name is not None and _runs_into_verb(appositive):
        # "To understand the real Dred Scott, Chief Justice Roberts said, …": a name that runs
        # into the verb with no comma is its subject, not an apposition to the name before.
        return other
    # "Amina Diallo, Senegal's environment minister," / "The envoy, Pieter de Vries,": the name
    # from one side, the role from the other.
    if own.name is not None and other.name is None:
        return Speaker(own.name, other.role, ClaimantKind.PERSON, gender=own.gender or other.gender)
    if own.name is None and other.name is not None:
        return Speaker(other.name, own.role, ClaimantKind.PERSON, gender=own.gender or other.gender)
    return own


def _runs_into_verb(appositive: Token) -> bool:
    verb = appositive.head.head
    last = max(phrase(appositive), key=lambda token: token.i)
    return verb.i == last.i + 1 and is_verb(verb)


def phrase(head: Token) -> list[Token]:
    """The head and the words of its noun phrase that name or describe it, in order."""
    kept = [head]
    for child in head.children:
        if child.dep_ not in PHRASE_DEPS:
            continue
        if child.dep_ == "prep":
            if child.lower_ not in NAME_PREPOSITIONS or child.i < head.i:
                continue
            words = list(child.subtree)
            if len(words) > MAX_PREPOSITION_WORDS or any(
                is_verb(w) or w.like_num or w.lower_ in TIME_WORDS for w in words
            ):
                continue  # "Microsoft in 2017", "officials on Monday" name no one else
            kept.extend(w for w in words if w.dep_ not in ("punct", "cc", "conj") or w is child)
            continue
        kept.extend(phrase(child))
    return sorted(set(kept), key=lambda token: token.i)


def _phrase_start(head: Token) -> int:
    return min(token.idx for token in phrase(head))


def _phrase_end(head: Token) -> int:
    last = max(phrase(head), key=lambda token: token.i)
    return last.idx + len(last.text)


def _bare(token: Token) -> str:
    return token.lower_.rstrip(".").replace("\u2019", "'")


def _named_or_described(words: list[Token], head: Token) -> Speaker | None:
    gender = _gender(w for w in words if w.dep_ not in ("poss", "det"))
    body = [w for w in words if _bare(w) not in DETERMINERS or w.i == head.i]
    if not body:
        return None
    if is_proper_noun(head) or (head.text[:1].isupper() and head.text.isupper()):
        determined = any(_bare(w) in DETERMINERS and w.i < head.i for w in words)
        return _named(body, head, gender, determined=determined)
    if not is_noun(head):
        return None
    text = _joined(body)
    described = text[:1].upper() + text[1:]
    plural = is_plural(head)
    lemma = head.lower_ if not plural else head.lower_.removesuffix("s")
    if lemma in PERSON_ROLES and not plural:
        kind = ClaimantKind.PERSON
    elif plural or lemma in GROUP_ROLES or lemma in ORGANISATION_WORDS:
        kind = ClaimantKind.ORGANIZATION
    else:
        kind = ClaimantKind.UNKNOWN
    definite = bool(words) and _bare(words[0]) in DETERMINERS
    return Speaker(
        None, described, kind, definite=definite, head=head.lower_, gender=gender, plural=plural
    )


def _named(
    body: list[Token], head: Token, gender: str | None, *, determined: bool
) -> Speaker | None:
    """ "Russian Foreign Minister Sergey Lavrov": the name is the run of proper nouns after the
    last title, role word or nationality; what comes before is the role."""
    upto = [w for w in body if w.i <= head.i]
    after = [w for w in body if w.i > head.i]
    cut = 0
    for index, word in enumerate(upto):
        bare = _bare(word)
        if (
            bare in TITLES
            # "Mr. King": after a title, a role word is a surname.
            or (bare in ROLES and not (index > 0 and _bare(upto[index - 1]) in TITLES))
            or bare in DEMONYMS
            or word.dep_ == "poss"
            or word.tag_ == "POS"
            or not any(char.isalnum() for char in word.text)
            or (not is_proper_noun(word) and index < len(upto) - 1)
        ):
            cut = index + 1
    name_words = [w for w in upto[cut:] if w.tag_ != "POS"]
    if not name_words:
        # "The President said", "King says": a role (or a name that is also a role word) that
        # an earlier full name may explain.
        if not determined:
            # "King says": with no determiner, a role word standing alone is a name.
            return Speaker(head.text, None, ClaimantKind.UNKNOWN, gender=gender)
        text = _joined(body)
        described = text[:1].upper() + text[1:]
        kind = ClaimantKind.PERSON if _bare(head) in PERSON_ROLES else ClaimantKind.UNKNOWN
        return Speaker(None, described, kind, definite=True, head=head.lower_, gender=gender)
    if len(name_words) > MAX_NAME_WORDS:
        name_words = name_words[-MAX_NAME_WORDS:]
    name = _joined(name_words)
    role_words = [w for w in upto[:cut] if _bare(w) not in DETERMINERS]
    role = _joined(role_words) or None
    # "Police in Leeds", "Hamas in Gaza": a body's (or a one-word name's) place is part of it.
    # Two speakers joined ("Elizabeth Warren and Bernie Sanders") speak as one group.
    if after and (
        any(_bare(w) in ORGANISATION_WORDS for w in name_words)
        or len(name_words) == 1
        or any(w.dep_ == "conj" for w in after)
    ):
        name = _joined([*name_words, *after])
    kind = _kind(name_words, role_words)
    return Speaker(name, role, kind, gender=gender, plural=head.tag_ == "NNPS")


def _kind(name_words: list[Token], role_words: list[Token]) -> ClaimantKind:
    if any(_bare(w) in ORGANISATION_WORDS for w in name_words):
        return ClaimantKind.ORGANIZATION
    if len(name_words) == 1 and name_words[0].text.isupper() and len(name_words[0].text) > 1:
        return ClaimantKind.ORGANIZATION
    heads = [_bare(w) for w in role_words]
    if any(h in TITLES or h in PERSON_ROLES for h in heads):
        return ClaimantKind.PERSON
    if any(h in GROUP_ROLES for h in heads):
        return ClaimantKind.ORGANIZATION
    if 1 < len(name_words) <= 3:
        return ClaimantKind.PERSON
    return ClaimantKind.UNKNOWN


def _gender(words: Iterable[Token]) -> str | None:
    bare = {_bare(w) for w in words}
    if bare & MASCULINE_WORDS:
        return "m"
    if bare & FEMININE_WORDS:
        return "f"
    return None


def _joined(words: list[Token]) -> str:
    """The words as the text has them, spaces included, without a trailing possessive."""
    if not words:
        return ""
    last = words[-1] if words[-1].tag_ != "POS" else words[-1].nbor(-1)
    if last.i < words[0].i:
        return ""
    return " ".join(words[0].doc[words[0].i : last.i + 1].text.split())


def mentions(
    doc: Doc, sentence: Span, quoted: list[Span], before: int | None = None
) -> list[Speaker]:
    """The people and organisations a sentence names (runs of proper nouns, with the role words
    before them), for later surnames, roles and pronouns to refer to; not the titles in quotation
    marks ("“Marriage Story”"), and only those before ``before`` when given."""
    found: list[Speaker] = []
    nearby = [quote for quote in quoted if quote.overlap(sentence)]
    for token in tokens_of(doc, sentence, among=token_table(doc).proper_nouns):
        if not is_proper_noun(token) or _inside(token, nearby):
            continue
        if before is not None and token.idx >= before:
            break
        if token.dep_ == "compound" and is_proper_noun(token.head) and token.head.i > token.i:
            continue  # not the last word of its name
        speaker = _named_or_described([*_name_run(token), token], token)
        if speaker is not None and speaker.name is not None:
            found.append(speaker)
    return found


def _name_run(head: Token) -> list[Token]:
    """The words before a proper noun that belong to its name or describe it: compounds,
    titles, role words and owners, in order."""
    run: list[Token] = []
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "poss", "nmod", "det", "case", "punct"):
            run.extend(w for w in child.subtree if w.i < head.i)
    return sorted(set(run), key=lambda token: token.i)
