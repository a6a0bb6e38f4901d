"""From a text to candidate claims: segment, attribute, score, type.

A paragraph is split into sentences; a sentence into clauses, or, when it only frames a
quotation ("'…,' Lee added."), into the quoted words themselves, since those are what can be
checked. Every unit gets the claimant of its sentence: the speaker of its reported-speech frame,
the speaker of the quotation it belongs to, or else the publisher, in whose voice the article
states everything nobody else is said to have said.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from factdb.domain import ClaimantKind
from factdb.extraction.attribution import PRONOUN_SPEAKER, Frame, find_frame
from factdb.extraction.features import claim_type, reasons_in, score
from factdb.extraction.lexicon import PRONOUNS, word_set
from factdb.extraction.names import Register, Speaker, introductions, role_mentions
from factdb.extraction.segment import (
    QUOTE_MARKS,
    Span,
    clauses,
    masked,
    paragraphs,
    quotations,
    sentences,
    tokens,
    trimmed,
    word_count,
)
from factdb.schemas.extraction import Attribution, ExtractedClaim, Reason

HEADING_MAX_WORDS = 20
MIN_QUOTE_WORDS = 4
MAX_PERSON_NAME_WORDS = 3
# Words a frame may have besides its speaker and verb and still only frame a quotation:
# "'…,' Lee told reporters on Monday."
_FRAME_FILLER = word_set(
    """
    that on in at a an the to told reporters statement interview also later earlier then
    monday tuesday wednesday thursday friday saturday sunday today yesterday tweet post
    conference press briefing speech
    """
)
_MAX_FRAME_EXTRA_WORDS = 2


@dataclass(frozen=True)
class Claimant:
    name: str | None
    kind: ClaimantKind
    role: str | None
    how: Attribution


@dataclass
class _Unit:
    span: Span
    direct_quote: bool


@dataclass
class _Document:
    text: str
    view: str
    publisher: str | None
    register: Register = field(default_factory=Register)
    last_quoted: Claimant | None = None

    def candidates(self) -> Iterator[ExtractedClaim]:
        for paragraph in paragraphs(self.text):
            yield from self._paragraph(paragraph)

    def _paragraph(self, paragraph: Span) -> Iterator[ExtractedClaim]:
        quotes = quotations(self.text, paragraph)
        units = list(sentences(self.text, paragraph))
        if _is_heading(self.text, units):
            return
        frames = [find_frame(self.view, sentence) for sentence in units]
        for index, sentence in enumerate(units):
            inside = [quote for quote in quotes if quote.overlap(sentence)]
            frame = frames[index] or _frame_of_quotation(index, units, frames, inside)
            context = _context_reasons(sentence.of(self.text))
            pieces = self._units(sentence, inside, frame)
            for unit in pieces:
                # A clause may have a speaker of its own: "…, but critics say …".
                own = find_frame(self.view, unit.span) if len(pieces) > 1 else None
                unit_frame = own if own is not None and not unit.direct_quote else frame
                claimant = self._claimant(unit_frame, sentence, inside)
                yield self._candidate(
                    unit,
                    claimant,
                    attributed=unit_frame is not None,
                    quoted=inside,
                    context=context,
                )
            self._introduce_all(sentence)

    def _claimant(self, frame: Frame | None, sentence: Span, inside: list[Span]) -> Claimant:
        if frame is not None:
            claimant = self._resolve(frame)
            if inside:
                self.last_quoted = claimant
            return claimant
        if self.last_quoted is not None and _wholly_quoted(self.text, sentence, inside):
            # A paragraph that only continues a quotation keeps its speaker.
            return self.last_quoted
        if self.publisher is None:
            return Claimant(None, ClaimantKind.UNKNOWN, None, Attribution.NONE)
        return Claimant(self.publisher, ClaimantKind.ORGANIZATION, None, Attribution.PUBLISHER)

    def _resolve(self, frame: Frame) -> Claimant:
        speaker = frame.speaker
        how = Attribution.ACCORDING_TO if frame.according_to else Attribution.REPORTED_SPEECH
        if speaker.name == PRONOUN_SPEAKER:
            return self._pronoun(speaker)
        if speaker.name is not None:
            return self._named(speaker, how)
        entity = self.register.by_role(speaker.role_head or "")
        if entity is not None:
            return Claimant(entity.name, entity.kind, entity.role, Attribution.ROLE_REFERENCE)
        role = speaker.role or ""
        described = role[:1].upper() + role[1:]
        # "The agency said …. It added …": a speaker known only by its role is still the one a
        # later pronoun or role refers to.
        self.register.introduce(Speaker(name=described, role=speaker.role, kind=speaker.kind))
        return Claimant(described, speaker.kind, speaker.role, how)

    def _pronoun(self, speaker: Speaker) -> Claimant:
        entity = (
            self.register.last_person()
            if speaker.role in PRONOUNS
            else self.register.last_organisation()
        )
        if entity is None:
            return Claimant(None, ClaimantKind.UNKNOWN, None, Attribution.PRONOUN)
        return Claimant(entity.name, entity.kind, entity.role, Attribution.PRONOUN)

    def _named(self, speaker: Speaker, how: Attribution) -> Claimant:
        name = speaker.name or ""
        shorter = self.register.full_name(name)
        full = shorter.name if shorter is not None else name
        kind = speaker.kind
        if kind is ClaimantKind.UNKNOWN and 1 < len(full.split()) <= MAX_PERSON_NAME_WORDS:
            # Someone quoted by a full name with no organisation word in it is a person.
            kind = ClaimantKind.PERSON
        self.register.introduce(Speaker(name=full, role=speaker.role, kind=kind))
        entity = self.register.named(full)
        if entity is not None:
            kind, role = entity.kind, entity.role
        return Claimant(full, kind, role if entity is not None else speaker.role, how)

    def _units(self, sentence: Span, inside: list[Span], frame: Frame | None) -> list[_Unit]:
        if inside and self._only_frames_quotes(sentence, inside, frame):
            quoted = [self._quoted_part(quote, sentence) for quote in inside]
            kept = [span for span in quoted if word_count(span.of(self.text)) >= MIN_QUOTE_WORDS]
            if kept:
                return [_Unit(span, direct_quote=True) for span in kept]
        return [_Unit(part, direct_quote=False) for part in clauses(self.text, sentence, inside)]

    def _only_frames_quotes(self, sentence: Span, inside: list[Span], frame: Frame | None) -> bool:
        # Words set off by a comma after the speaker describe the speaker, not a claim:
        # "…," said Amina Diallo, Senegal's environment minister.
        described_until = self._appositive_end(frame, sentence)
        outside = [
            token
            for token in tokens(self.view, sentence.start, sentence.end)
            if not any(quote.overlap(Span(token.start, token.end)) for quote in inside)
            and not (frame is not None and frame.words.start <= token.start < described_until)
        ]
        extra = [token for token in outside if token.lower not in _FRAME_FILLER]
        return len(extra) <= _MAX_FRAME_EXTRA_WORDS

    def _appositive_end(self, frame: Frame | None, sentence: Span) -> int:
        if frame is None:
            return 0
        after = self.view[frame.words.end : sentence.end]
        if not after.lstrip().startswith(","):
            return frame.words.end
        closing = [after.find(mark, 1) for mark in ",.;" if after.find(mark, 1) > 0]
        return frame.words.end + (min(closing) if closing else len(after))

    def _quoted_part(self, quote: Span, sentence: Span) -> Span:
        start, end = max(quote.start, sentence.start), min(quote.end, sentence.end)
        return trimmed(self.text, start, end, QUOTE_MARKS + ",")

    def _candidate(
        self,
        unit: _Unit,
        claimant: Claimant,
        *,
        attributed: bool,
        quoted: list[Span],
        context: set[Reason],
    ) -> ExtractedClaim:
        words = unit.span.of(self.text)
        in_quotes = unit.direct_quote or any(quote.overlap(unit.span) for quote in quoted)
        own = reasons_in(words, attributed=attributed, quoted=in_quotes)
        # A clause is read in its sentence: "On October 7, …, while its fighters breached …"
        # dates and names the second clause too.
        reasons = [reason for reason in Reason if reason in own or reason in context]
        how = Attribution.QUOTATION if unit.direct_quote and attributed else claimant.how
        return ExtractedClaim(
            text=words,
            start=unit.span.start,
            end=unit.span.end,
            score=score(words, reasons),
            type=claim_type(reasons, direct_quote=unit.direct_quote),
            reasons=reasons,
            claimant=claimant.name,
            claimant_kind=claimant.kind,
            claimant_role=claimant.role,
            attribution=how,
        )

    def _introduce_all(self, sentence: Span) -> None:
        words = tokens(self.view, sentence.start, sentence.end)
        for speaker in introductions(words, self.view):
            self.register.introduce(speaker)
        for speaker in role_mentions(words, self.view):
            # "The mayor rejected it." makes the mayor the latest person a "she" can refer to.
            entity = self.register.by_role(speaker.role_head or "")
            if entity is not None:
                self.register.introduce(Speaker(entity.name, entity.role, entity.kind))


def extract_claims(
    text: str, *, publisher: str | None = None, min_score: float = 0.0
) -> list[ExtractedClaim]:
    """Candidate claims in ``text``, in reading order, scoring at least ``min_score``.

    ``publisher`` is the claimant of what the article states in its own voice.
    """
    all_quotes = [quote for paragraph in paragraphs(text) for quote in quotations(text, paragraph)]
    document = _Document(text=text, view=masked(text, all_quotes), publisher=publisher)
    return [claim for claim in document.candidates() if claim.score >= min_score]


def _context_reasons(sentence: str) -> set[Reason]:
    found = reasons_in(sentence, attributed=False, quoted=False)
    return {reason for reason in found if reason in (Reason.DATE, Reason.NAMED_ENTITY)}


def _is_heading(text: str, units: list[Span]) -> bool:
    """A headline or byline: one unpunctuated line of a few words."""
    if len(units) != 1:
        return False
    line = units[0].of(text).rstrip(QUOTE_MARKS + "')\u2019")
    return not line.endswith((".", "!", "?", "\u2026")) and word_count(line) <= HEADING_MAX_WORDS


def _frame_of_quotation(
    index: int, units: list[Span], frames: list[Frame | None], inside: list[Span]
) -> Frame | None:
    """A sentence inside a quotation takes the frame of another sentence of that quotation."""
    for quote in inside:
        for other, frame in sorted(
            zip(range(len(units)), frames, strict=True), key=lambda pair: abs(pair[0] - index)
        ):
            if frame is not None and quote.overlap(units[other]):
                return frame
    return None


def _wholly_quoted(text: str, sentence: Span, inside: list[Span]) -> bool:
    covered = sum(quote.overlap(sentence) for quote in inside)
    return bool(inside) and covered >= len(sentence.of(text).strip()) - 1
