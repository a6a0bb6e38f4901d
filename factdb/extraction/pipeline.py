"""From a text to candidate claims: parse, segment, attribute, score, type.

The English pipeline parses the whole text once (control characters read as spaces, so every
offset is the original text's). A paragraph is split into the parser's sentences; a sentence
into clauses, or, when it only frames a quotation ("'…,' Lee added."), into the quoted words
themselves, since those are what can be checked. Every unit gets the claimant of its sentence:
the subject of its speech verb, the speaker of the quotation it belongs to, or else the
publisher, in whose voice the article states everything nobody else is said to have said. The
score is the trained check-worthiness model's probability.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from factdb.domain import ClaimantKind
from factdb.extraction.checkworthiness import shipped_model
from factdb.extraction.features import claim_type, reasons_in
from factdb.extraction.grammar import Frame, find_frame
from factdb.extraction.languages import is_english
from factdb.extraction.lexicon import PRONOUNS, word_set
from factdb.extraction.names import Register, Speaker, role_mentions
from factdb.extraction.nlp import parse, token_table, without_controls
from factdb.extraction.segment import (
    QUOTE_MARKS,
    Span,
    clauses,
    masked,
    paragraphs,
    quotations,
    tokens,
    trimmed,
    word_count,
)
from factdb.extraction.speakers import PRONOUN_SPEAKER, mentions
from factdb.schemas.extraction import Attribution, ExtractedClaim, Reason

if TYPE_CHECKING:
    from spacy.tokens import Doc

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


SCORE_DECIMALS = 3


@dataclass
class _Document:
    text: str
    plain: str
    view: str
    doc: Doc
    publisher: str | None
    min_score: float = 0.0
    register: Register = field(default_factory=Register)
    last_quoted: Claimant | None = None
    # "Limbaugh added:" at a paragraph's end: the next paragraph is what was said.
    introduced: Claimant | None = None

    def candidates(self) -> Iterator[ExtractedClaim]:
        starts = sorted(sentence.start_char for sentence in self.doc.sents)
        for paragraph in paragraphs(self.plain):
            yield from self._paragraph(paragraph, starts)

    def _sentences(self, paragraph: Span, starts: list[int]) -> list[Span]:
        """The parser's sentences within the paragraph (a paragraph always ends one)."""
        cuts = [paragraph.start, *(s for s in starts if paragraph.start < s < paragraph.end)]
        spans = [
            trimmed(self.plain, start, end)
            for start, end in zip(cuts, [*cuts[1:], paragraph.end], strict=True)
        ]
        return [span for span in spans if span.end > span.start]

    def _paragraph(self, paragraph: Span, starts: list[int]) -> Iterator[ExtractedClaim]:
        quotes = quotations(self.plain, paragraph)
        units = self._sentences(paragraph, starts)
        carried, self.introduced = self.introduced, None
        if _is_heading(self.plain, units):
            return
        frames = [find_frame(self.doc, sentence, quotes) for sentence in units]
        introduces = frames[-1] is not None and units[-1].of(self.plain).endswith(":")
        for index, sentence in enumerate(units):
            inside = [quote for quote in quotes if quote.overlap(sentence)]
            frame = frames[index] or _frame_of_quotation(index, units, frames, inside)
            if frame is not None and frame.speaker.name == PRONOUN_SPEAKER:
                # "Soon after Ms. Price was elected, she said …": who the sentence names before
                # the pronoun is who it may stand for.
                self._introduce_all(sentence, quotes, before=frame.words.start)
            pieces = self._units(sentence, inside, frame)
            for unit in pieces:
                # A clause may have a speaker of its own: "…, but critics say …".
                own = find_frame(self.doc, unit.span, quotes) if len(pieces) > 1 else None
                unit_frame = own if own is not None and not unit.direct_quote else frame
                if own is None and not unit.direct_quote and len(pieces) > 1 and frame:
                    # The sentence's speech verb stands in another clause: not this one's frame.
                    unit_frame = frame if frame.words.overlap(unit.span) else None
                if unit_frame is None and carried is not None:
                    claimant = carried
                else:
                    claimant = self._claimant(unit_frame, sentence, inside)
                if introduces and index == len(units) - 1 and unit_frame is not None:
                    self.introduced = claimant
                candidate = self._candidate(
                    unit, claimant, attributed=unit_frame is not None, quoted=inside, in_=sentence
                )
                if candidate is not None:
                    yield candidate
            self._introduce_all(sentence, quotes)

    def _claimant(self, frame: Frame | None, sentence: Span, inside: list[Span]) -> Claimant:
        if frame is not None:
            claimant = self._resolve(frame)
            if inside:
                self.last_quoted = claimant
            return claimant
        if self.last_quoted is not None and _wholly_quoted(self.plain, sentence, inside):
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
        """ "He" and "she" are the latest person of agreeing (or unknown) gender, who then has
        that gender; "it" and "they" the latest organisation or group."""
        if speaker.role in PRONOUNS:
            entity = self.register.last_person(speaker.gender)
            if entity is not None and entity.gender is None:
                entity.gender = speaker.gender
        else:
            entity = self.register.last_organisation()
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
        self.register.introduce(
            Speaker(name=full, role=speaker.role, kind=kind, gender=speaker.gender)
        )
        entity = self.register.named(full)
        if entity is not None:
            kind, role = entity.kind, entity.role
        return Claimant(full, kind, role if entity is not None else speaker.role, how)

    def _units(self, sentence: Span, inside: list[Span], frame: Frame | None) -> list[_Unit]:
        if inside and self._only_frames_quotes(sentence, inside, frame):
            quoted = [self._quoted_part(quote, sentence) for quote in inside]
            kept = [span for span in quoted if word_count(span.of(self.plain)) >= MIN_QUOTE_WORDS]
            if kept:
                return [_Unit(span, direct_quote=True) for span in kept]
        return [_Unit(part, direct_quote=False) for part in clauses(self.plain, sentence, inside)]

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
        return trimmed(self.plain, start, end, QUOTE_MARKS + ",")

    def _candidate(
        self,
        unit: _Unit,
        claimant: Claimant,
        *,
        attributed: bool,
        quoted: list[Span],
        in_: Span,
    ) -> ExtractedClaim | None:
        """The unit as a candidate; None when it scores below the minimum (its reasons, which
        take most of the time after the parse, are then never worked out)."""
        parsed = self.doc.char_span(unit.span.start, unit.span.end, alignment_mode="expand")
        score = round(shipped_model().probability(parsed), SCORE_DECIMALS) if parsed else 0.0
        if score < self.min_score:
            return None
        words = unit.span.of(self.text)
        in_quotes = unit.direct_quote or any(quote.overlap(unit.span) for quote in quoted)
        named = self._has_name(unit.span)
        own = reasons_in(words, attributed=attributed, quoted=in_quotes, named=named)
        # A clause is read in its sentence: "On October 7, …, while its fighters breached …"
        # dates and names the second clause too.
        context = self._context_reasons(in_) if in_ != unit.span else set()
        reasons = [reason for reason in Reason if reason in own or reason in context]
        how = Attribution.QUOTATION if unit.direct_quote and attributed else claimant.how
        return ExtractedClaim(
            text=words,
            start=unit.span.start,
            end=unit.span.end,
            score=score,
            type=claim_type(reasons, direct_quote=unit.direct_quote),
            reasons=reasons,
            claimant=claimant.name,
            claimant_kind=claimant.kind,
            claimant_role=claimant.role,
            attribution=how,
        )

    def _has_name(self, span: Span) -> bool:
        parsed = self.doc.char_span(span.start, span.end, alignment_mode="expand")
        if parsed is None:
            return False
        table = token_table(self.doc)
        return bool(table.among(table.proper_nouns, parsed.start, parsed.end))

    def _context_reasons(self, sentence: Span) -> set[Reason]:
        found = reasons_in(
            sentence.of(self.plain), attributed=False, quoted=False, named=self._has_name(sentence)
        )
        return {reason for reason in found if reason in (Reason.DATE, Reason.NAMED_ENTITY)}

    def _full(self, speaker: Speaker) -> Speaker:
        """A later mention by more words ("Mr. Trump" after "Donald Trump") keeps the full name."""
        known = self.register.full_name(speaker.name or "")
        if known is None:
            return speaker
        return Speaker(known.name, speaker.role, speaker.kind, gender=speaker.gender)

    def _introduce_all(self, sentence: Span, quotes: list[Span], before: int | None = None) -> None:
        end = sentence.end if before is None else before
        words = tokens(self.view, sentence.start, end)
        for speaker in mentions(self.doc, sentence, quotes, before):
            if speaker.name is not None and (speaker.role is not None or " " in speaker.name):
                self.register.introduce(self._full(speaker))
        for speaker in role_mentions(words, self.view):
            # "The mayor rejected it." makes the mayor the latest person a "she" can refer to.
            entity = self.register.by_role(speaker.role_head or "")
            if entity is not None:
                self.register.introduce(Speaker(entity.name, entity.role, entity.kind))


def extract_claims(
    text: str,
    *,
    publisher: str | None = None,
    min_score: float = 0.0,
    language: str | None = None,
) -> list[ExtractedClaim]:
    """Candidate claims in ``text``, in reading order, scoring at least ``min_score``.

    ``publisher`` is the claimant of what the article states in its own voice. A text in
    another language than English (``language``, or else as detected) has no candidates: the
    model and the grammar rules are English's (see ``languages.unsupported_language``).
    """
    if not is_english(text, language):
        return []
    plain = without_controls(text)
    all_quotes = [
        quote for paragraph in paragraphs(plain) for quote in quotations(plain, paragraph)
    ]
    document = _Document(
        text=text,
        plain=plain,
        view=masked(plain, all_quotes),
        doc=parse(plain),
        publisher=publisher,
        min_score=min_score,
    )
    return list(document.candidates())


def sentences(text: str) -> list[Span]:
    """The text's sentences as the extractor reads them: the parser's, within paragraphs."""
    plain = without_controls(text)
    doc = parse(plain)
    document = _Document(text=text, plain=plain, view=plain, doc=doc, publisher=None)
    starts = sorted(sentence.start_char for sentence in doc.sents)
    return [
        unit for paragraph in paragraphs(plain) for unit in document._sentences(paragraph, starts)
    ]


def _is_heading(text: str, units: list[Span]) -> bool:
    """A headline or byline: one unpunctuated line of a few words."""
    if len(units) != 1:
        return False
    line = units[0].of(text).rstrip(QUOTE_MARKS + "')\u2019")
    # A line ending with a colon introduces what follows ("Limbaugh added:"): no heading.
    punctuated = line.endswith((".", "!", "?", "\u2026", ":"))
    return not punctuated and word_count(line) <= HEADING_MAX_WORDS


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
