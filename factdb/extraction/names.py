"""Who a phrase names: a speaker's name and role, and the full form a later mention refers to.

News introduces a speaker once in full ("Russian Foreign Minister Sergey Lavrov") and then by
surname ("Lavrov"), role ("the minister") or pronoun ("he"). The ``Register`` remembers who was
introduced, in order, so each later form resolves to the most recent fitting full name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factdb.domain import ClaimantKind
from factdb.extraction.lexicon import (
    DEMONYMS,
    FUNCTION_WORDS,
    GROUP_ROLES,
    MONTHS,
    ORGANISATION_WORDS,
    PERSON_ROLES,
    POSSESSIVE_DETERMINERS,
    ROLE_MODIFIERS,
    ROLES,
    WEEKDAYS,
)
from factdb.extraction.segment import Token

NAME_JOINERS = frozenset({"of", "for", "de", "al", "van", "von", "bin", "and"})
NAME_PREPOSITIONS = frozenset({"of", "for", "in", "on", "at"})
DETERMINERS = frozenset({"the", "a", "an"}) | POSSESSIVE_DETERMINERS
MAX_PHRASE_TOKENS = 10
PERSON = ClaimantKind.PERSON


@dataclass(frozen=True)
class Speaker:
    """A phrase that names who speaks: a name, a role, or both."""

    name: str | None
    role: str | None
    kind: ClaimantKind
    definite: bool = False
    head: str | None = None
    gender: str | None = None
    plural: bool = False

    @property
    def role_head(self) -> str | None:
        if self.head is not None:
            return self.head
        return self.role.split()[-1].casefold() if self.role else None


@dataclass
class Entity:
    name: str
    role: str | None
    kind: ClaimantKind
    gender: str | None = None


def _name_head(name: str) -> str | None:
    """The head word of a name: its last word before a preposition ("Department of Justice")."""
    head: str | None = None
    for word in name.casefold().split():
        if word in NAME_PREPOSITIONS and head is not None:
            break
        head = word
    return head


@dataclass
class Register:
    """The people and organisations introduced so far, most recent last."""

    entities: list[Entity] = field(default_factory=list)

    def introduce(self, speaker: Speaker) -> None:
        if speaker.name is None:
            return
        for entity in self.entities:
            if entity.name == speaker.name:
                self.entities.remove(entity)
                entity.role = entity.role or speaker.role
                entity.gender = entity.gender or speaker.gender
                if entity.kind is ClaimantKind.UNKNOWN:
                    entity.kind = speaker.kind
                self.entities.append(entity)
                return
        self.entities.append(Entity(speaker.name, speaker.role, speaker.kind, speaker.gender))

    def full_name(self, name: str) -> Entity | None:
        """The entity a shorter mention refers to: "Lavrov" → "Sergey Lavrov", "De Vries" →
        "Pieter de Vries"."""
        words = name.casefold().split()
        for entity in reversed(self.entities):
            full = entity.name.casefold().split()
            if len(full) > len(words) and full[-len(words) :] == words and _proper(entity.name):
                return entity
        return None

    def named(self, name: str) -> Entity | None:
        return next((entity for entity in self.entities if entity.name == name), None)

    def by_role(self, role_head: str) -> Entity | None:
        """The most recent entity introduced with this role ("the spokeswoman").

        The role must be the last word of its description ("spokeswoman" in "Foreign Ministry
        spokeswoman"), or the head of its name ("the ministry" for "the Health Ministry", "the
        department" for "the Department of Justice"); another word of a name is no role ("the
        poll" is not "Poll Numbers", "the state" not "State Senator Jon Husted").
        """
        for entity in reversed(self.entities):
            role_words = (entity.role or "").casefold().split()
            if (role_words and role_words[-1] == role_head) or _name_head(entity.name) == role_head:
                return entity
        return None

    def last_person(self, gender: str | None = None) -> Entity | None:
        """The most recent person whose gender, when known, agrees with the pronoun's."""
        for entity in reversed(self.entities):
            if entity.kind is not ClaimantKind.PERSON:
                continue
            if gender is None or entity.gender in (None, gender):
                return entity
        return None

    def last_organisation(self) -> Entity | None:
        """The most recent entity that is not a person: "it" and "they" refer to it."""
        return next(
            (
                entity
                for entity in reversed(self.entities)
                if entity.kind is not ClaimantKind.PERSON
            ),
            None,
        )


def _proper(name: str) -> bool:
    """A proper name: every word but joiners capitalised ("Pieter de Vries", not "Support for
    Mr. Trump", which describes)."""
    return all(word[:1].isupper() or word in NAME_JOINERS for word in name.split())


def is_name_word(token: Token) -> bool:
    if _is_acronym(token.text):
        # "WHO" is the organisation even though "who" is a function word.
        return True
    return (
        token.capitalised
        and token.lower not in FUNCTION_WORDS
        and token.lower not in MONTHS
        and token.lower not in WEEKDAYS
        and not token.text.isdigit()
    )


def can_stand_in_phrase(token: Token) -> bool:
    return (
        is_name_word(token)
        or token.lower in ROLES
        or token.lower in ROLE_MODIFIERS
        or token.lower in DEMONYMS
        or is_possessive(token)
    )


def is_possessive(token: Token) -> bool:
    """ "the city's auditor", "China's delegation": an owner describes the speaker."""
    return token.lower.endswith(("'s", "\u2019s")) and len(token.text) > 2


def phrase_after(words: list[Token], text: str) -> list[Token]:
    """The speaker phrase starting with the first of ``words``."""
    phrase: list[Token] = []
    for token in words:
        if phrase and not _adjacent(text, phrase[-1], token):
            break
        leading_determiner = not phrase and token.lower in DETERMINERS
        joins_name = bool(phrase) and token.lower in NAME_JOINERS
        if leading_determiner or joins_name or can_stand_in_phrase(token):
            phrase.append(token)
        else:
            break
        if len(phrase) >= MAX_PHRASE_TOKENS:
            break
    while phrase and phrase[-1].lower in NAME_JOINERS | DETERMINERS:
        phrase.pop()
    return phrase


def _adjacent(text: str, left: Token, right: Token) -> bool:
    between = text[left.end : right.start]
    return between.strip() == "" and "\n" not in between


def speaker_of(phrase: list[Token]) -> Speaker | None:
    """Split a phrase into a role and a name: the name is what follows the last role word."""
    definite = bool(phrase) and phrase[0].lower in DETERMINERS
    words = [token for token in phrase if token.lower not in DETERMINERS]
    if not words:
        return None
    role_end = max(
        (
            index + 1
            for index, token in enumerate(words)
            if token.lower in ROLES or is_possessive(token)
        ),
        default=0,
    )
    role_words, name_words = words[:role_end], words[role_end:]
    while len(name_words) > 1 and name_words[0].lower in DEMONYMS:
        # "Ukrainian Olena Zelenska": a nationality describes the speaker, like a role.
        name_words = name_words[1:]
    if name_words and not all(
        is_name_word(token) or token.lower in NAME_JOINERS for token in name_words
    ):
        return None
    role = " ".join(token.text for token in role_words) or None
    name = " ".join(token.text for token in name_words) or None
    if name is None and role is None:
        return None
    return Speaker(name=name, role=role, kind=_kind(role_words, name_words), definite=definite)


def _kind(role_words: list[Token], name_words: list[Token]) -> ClaimantKind:
    if any(token.lower in ORGANISATION_WORDS for token in name_words):
        return ClaimantKind.ORGANIZATION
    if len(name_words) == 1 and _is_acronym(name_words[0].text):
        # "The WHO", "NATO", "the IMF": an acronym names a body, not a person.
        return ClaimantKind.ORGANIZATION
    head = role_words[-1].lower if role_words else None
    if head in PERSON_ROLES:
        return ClaimantKind.PERSON
    if head in GROUP_ROLES:
        return ClaimantKind.ORGANIZATION
    return ClaimantKind.UNKNOWN


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def role_mentions(words: list[Token], text: str) -> list[Speaker]:
    """Definite role phrases with no name: "the mayor", "the envoy"."""
    found: list[Speaker] = []
    for index, token in enumerate(words):
        if token.lower != "the" or index + 1 >= len(words):
            continue
        phrase = phrase_after(words[index:], text)
        speaker = speaker_of(phrase) if phrase else None
        if speaker is not None and speaker.name is None and speaker.role is not None:
            found.append(speaker)
    return found
