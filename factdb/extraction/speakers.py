"""Who a speaker is, from the words of a parse: the phrase around a subject's head ("the Trump
campaign", "Local authorities in Gaza", "Rep. Jerry Nadler"), the name or role in it, the kind
of claimant it makes and the gender its words show, and every mention of a speaker in a text.
``grammar`` finds the speaker's place in a sentence; this module reads the speaker from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from factdb.domain import ClaimantKind
from factdb.extraction.lexicon import (
    DEMONYMS,
    FEMININE_WORDS,
    GROUP_PRONOUNS,
    GROUP_ROLES,
    MASCULINE_WORDS,
    MONTHS,
    ORGANISATION_WORDS,
    PERSON_ROLES,
    PRONOUNS,
    ROLES,
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
MAX_PREPOSITION_WORDS = 6
TIME_WORDS = (
    MONTHS
    | WEEKDAYS
    | frozenset({"year", "years", "month", "week", "day", "today", "yesterday", "morning"})
    | frozenset({"evening", "night", "time", "interview", "statement"})
)
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these"})
MAX_NAME_WORDS = 4


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


def inside_quotes(token: Token, quoted: list[Span]) -> bool:
    return any(quote.start < token.idx < quote.end - 1 for quote in quoted)


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


def phrase_start(head: Token) -> int:
    return min(token.idx for token in phrase(head))


def phrase_end(head: Token) -> int:
    last = max(phrase(head), key=lambda token: token.i)
    return last.idx + len(last.text)


def bare_word(token: Token) -> str:
    return token.lower_.rstrip(".").replace("\u2019", "'")


def _named_or_described(words: list[Token], head: Token) -> Speaker | None:
    gender = _gender(w for w in words if w.dep_ not in ("poss", "det"))
    body = [w for w in words if bare_word(w) not in DETERMINERS or w.i == head.i]
    if not body:
        return None
    if is_proper_noun(head) or (head.text[:1].isupper() and head.text.isupper()):
        determined = any(bare_word(w) in DETERMINERS and w.i < head.i for w in words)
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
    definite = bool(words) and bare_word(words[0]) in DETERMINERS
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
        bare = bare_word(word)
        if (
            bare in TITLES
            # "Mr. King": after a title, a role word is a surname.
            or (bare in ROLES and not (index > 0 and bare_word(upto[index - 1]) in TITLES))
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
        kind = ClaimantKind.PERSON if bare_word(head) in PERSON_ROLES else ClaimantKind.UNKNOWN
        return Speaker(None, described, kind, definite=True, head=head.lower_, gender=gender)
    if len(name_words) > MAX_NAME_WORDS:
        name_words = name_words[-MAX_NAME_WORDS:]
    name = _joined(name_words)
    role_words = [w for w in upto[:cut] if bare_word(w) not in DETERMINERS]
    role = _joined(role_words) or None
    # "Police in Leeds", "Hamas in Gaza": a body's (or a one-word name's) place is part of it.
    # Two speakers joined ("Elizabeth Warren and Bernie Sanders") speak as one group.
    if after and (
        any(bare_word(w) in ORGANISATION_WORDS for w in name_words)
        or len(name_words) == 1
        or any(w.dep_ == "conj" for w in after)
    ):
        name = _joined([*name_words, *after])
    kind = _kind(name_words, role_words)
    return Speaker(name, role, kind, gender=gender, plural=head.tag_ == "NNPS")


def _kind(name_words: list[Token], role_words: list[Token]) -> ClaimantKind:
    if any(bare_word(w) in ORGANISATION_WORDS for w in name_words):
        return ClaimantKind.ORGANIZATION
    if len(name_words) == 1 and name_words[0].text.isupper() and len(name_words[0].text) > 1:
        return ClaimantKind.ORGANIZATION
    heads = [bare_word(w) for w in role_words]
    if any(h in TITLES or h in PERSON_ROLES for h in heads):
        return ClaimantKind.PERSON
    if any(h in GROUP_ROLES for h in heads):
        return ClaimantKind.ORGANIZATION
    if 1 < len(name_words) <= 3:
        return ClaimantKind.PERSON
    return ClaimantKind.UNKNOWN


def _gender(words: Iterable[Token]) -> str | None:
    bare = {bare_word(w) for w in words}
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
        if not is_proper_noun(token) or inside_quotes(token, nearby):
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
