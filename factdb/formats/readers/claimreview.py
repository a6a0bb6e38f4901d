"""schema.org ClaimReview read in every shape it travels in.

Fact-checkers publish ClaimReview as a single object, an array, an ``@graph``, a ``DataFeed``
(``dataFeedElement[].item[]``) or inside ``<script type="application/ld+json">`` blocks of their
article pages, and mix these freely. The reader therefore walks whatever JSON it is given and takes
every node typed ClaimReview, in document order, instead of insisting on one container shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from factdb.domain import ClaimantKind
from factdb.errors import ImportFormatError
from factdb.formats.claimreview import CLAIMANT_KIND_TYPE
from factdb.formats.readers.records import (
    RawRecord,
    decode_utf8,
    json_kind,
    number_value,
    parse_json,
    put,
    read_date,
    repair_url,
    text_value,
)

_SCHEMA_PREFIXES = ("schema:", "http://schema.org/", "https://schema.org/")

# schema.org's Organization and its subtypes that plausibly make public claims.
_ORGANIZATION_TYPES = frozenset(
    {
        "Organization",
        "Airline",
        "Consortium",
        "Corporation",
        "EducationalOrganization",
        "FundingScheme",
        "GovernmentOrganization",
        "LibrarySystem",
        "LocalBusiness",
        "MedicalOrganization",
        "MediaOrganization",
        "NewsMediaOrganization",
        "NGO",
        "OnlineBusiness",
        "PerformingGroup",
        "PoliticalParty",
        "Project",
        "ResearchOrganization",
        "SearchRescueOrganization",
        "SportsOrganization",
        "WorkersUnion",
    }
)


def read_claimreview(data: bytes, *, name: str) -> Iterator[RawRecord]:
    """One RawRecord per ClaimReview in a JSON(-LD) file or an HTML page.

    The whole file is decoded and searched before the first record is returned, so a file that
    cannot be read raises ImportFormatError here, at the call, and never halfway through.
    """
    text = decode_utf8(data, name=name)
    if not text.strip():
        raise ImportFormatError(f"{name}: the file is empty")
    if text.lstrip().startswith("<"):
        documents = _page_documents(text, name=name)
    else:
        documents = [_file_document(text, name=name)]
    nodes = [node for document in documents for node in _claim_review_nodes(document)]
    if not nodes:
        raise ImportFormatError(f"{name}: no ClaimReview found")
    return _records(nodes, name=name)


def _file_document(text: str, *, name: str) -> Any:
    document = parse_json(text, where=name)
    if not isinstance(document, dict | list):
        raise ImportFormatError(
            f"{name}: expected a JSON object or array of ClaimReview markup, "
            f"found {json_kind(document)}"
        )
    return document


def _page_documents(text: str, *, name: str) -> list[Any]:
    """The JSON of every ld+json script block of an HTML page, located by page line."""
    parser = _LdJsonScripts()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        raise ImportFormatError(
            f"{name}: no ClaimReview found (the page has no application/ld+json script)"
        )
    return [
        parse_json(block, where=f"{name}: ld+json block {number}", line=line, column=column)
        for number, (line, column, block) in enumerate(parser.blocks, start=1)
        if block.strip()
    ]


class _LdJsonScripts(HTMLParser):
    """Collects the text of ``<script type="application/ld+json">`` blocks with their positions."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[int, int, str]] = []  # (line, column, text), both 1-based
        self._pieces: list[str] | None = None
        self._start = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and any(key == "type" and _is_ld_json(value) for key, value in attrs):
            self._pieces = []

    def handle_data(self, data: str) -> None:
        if self._pieces is not None:
            if not self._pieces:
                line, offset = self.getpos()
                self._start = (line, offset + 1)
            self._pieces.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._pieces is not None:
            self._finish_block()

    def close(self) -> None:
        super().close()
        if self._pieces is not None:
            # A page cut off inside the script: HTMLParser keeps that text unparsed. Reading it
            # lets the JSON error say where the block breaks off instead of losing it silently.
            if not self._pieces:
                line, offset = self.getpos()
                self._start = (line, offset + 1)
                self._pieces.append(self.rawdata)
            self._finish_block()

    def _finish_block(self) -> None:
        assert self._pieces is not None
        self.blocks.append((*self._start, "".join(self._pieces)))
        self._pieces = None


def _is_ld_json(value: str | None) -> bool:
    # Pages write the type in any case and sometimes add parameters ("; charset=utf-8").
    return (value or "").split(";")[0].strip().lower() == "application/ld+json"


def _claim_review_nodes(document: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview node in document order, however feeds, graphs and pages nest them.

    An explicit stack rather than recursion: nesting depth is the file's choice, not ours.
    """
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "ClaimReview" in _types(node):
                yield node
            else:
                stack.extend(reversed(list(node.values())))


def _types(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` names without a schema.org prefix; a string or a list of them."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    types = set()
    for type_name in names:
        if isinstance(type_name, str):
            for prefix in _SCHEMA_PREFIXES:
                type_name = type_name.removeprefix(prefix)
            types.add(type_name.strip())
    return types


def _records(nodes: list[dict[str, Any]], *, name: str) -> Iterator[RawRecord]:
    for number, node in enumerate(nodes, start=1):
        yield _record(node, location=f"{name}: ClaimReview {number}")


def _record(node: dict[str, Any], *, location: str) -> RawRecord:
    """A ClaimReview as ClaimRecord fields: the claim, who made it, where, and this verdict."""
    notes: list[str] = []
    item = _first_object(node.get("itemReviewed")) or {}
    data: dict[str, Any] = {"text": text_value(node.get("claimReviewed")) or ""}
    put(data, "claimant", _claimant(item.get("author")))
    claim_date, note = read_date(item.get("datePublished"), date_only=True)
    put(data, "claim_date", claim_date)
    notes.extend(filter(None, [note]))
    put(data, "appearances", _appearances(item, notes))
    data["reviews"] = [_review(node, notes)]
    return RawRecord(location=location, data=data, notes=tuple(notes))


def _first(value: Any) -> Any:
    """The first element of a list, or the value itself: many properties come either way."""
    if isinstance(value, list):
        return next((item for item in value if item is not None), None)
    return value


def _first_object(value: Any) -> dict[str, Any] | None:
    first = _first(value)
    return first if isinstance(first, dict) else None


def _name(entity: Any) -> str | None:
    """An author's or publisher's name: the ``name`` of an object, or a bare string."""
    entity = _first(entity)
    if isinstance(entity, dict):
        return text_value(entity.get("name"))
    return text_value(entity)


def _url(value: Any) -> str | None:
    url = text_value(value)
    return repair_url(url.strip()) if url is not None else None


def _claimant(author: Any) -> dict[str, Any] | None:
    """The claim's author as ClaimantCreate fields; None when it has no name."""
    author = _first(author)
    name = _name(author)
    if name is None:
        return None
    claimant: dict[str, Any] = {"name": name, "kind": "unknown"}
    if isinstance(author, dict):
        claimant["kind"] = _factdb_kind(author) or _claimant_kind(_types(author))
        put(claimant, "same_as", _url(author.get("sameAs")))
        put(claimant, "role", text_value(author.get("jobTitle")))
    return claimant


def _factdb_kind(author: dict[str, Any]) -> str | None:
    """The claimant kind a factdb feed wrote as additionalType, if it wrote one."""
    for value in _as_list(author.get("additionalType")):
        kind = (text_value(value) or "").strip().removeprefix(CLAIMANT_KIND_TYPE)
        if kind != text_value(value) and kind in set(ClaimantKind):
            return kind
    return None


def _claimant_kind(types: set[str]) -> str:
    if "Person" in types:
        return "person"
    if types & _ORGANIZATION_TYPES:
        return "organization"
    return "unknown"


def _appearances(item: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    """Where the claim appeared: firstAppearance first, then appearance, de-duplicated by URL.

    The older markup reviews a CreativeWork rather than a Claim: that work is itself where the
    claim appeared, so its own url (and sameAs) count as appearances too.
    """
    entries: list[Any] = [*_as_list(item.get("firstAppearance")), *_as_list(item.get("appearance"))]
    if item and "Claim" not in _types(item):
        if text_value(item.get("url")) is not None:
            entries.append(item)
        entries.extend(_as_list(item.get("sameAs")))
    appearances: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        source = _source(entry, notes)
        if source is not None and source["url"] not in seen:
            seen.add(source["url"])
            appearances.append({"source": source})
    return appearances


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _source(entry: Any, notes: list[str]) -> dict[str, Any] | None:
    """An appearance as SourceRecord fields, or None (noted) when it has no web URL."""
    work = entry if isinstance(entry, dict) else {"url": entry}
    url = _url(work.get("url"))
    if url is None:
        if isinstance(entry, dict) and len(entry) > 1:  # more than a bare {"@type": ...}
            notes.append("skipped an appearance without a URL")
        return None
    if not url.lower().startswith(("http://", "https://")):
        notes.append(f"skipped an appearance whose URL is not a web address: {url!r}")
        return None
    source: dict[str, Any] = {"url": url}
    put(source, "title", text_value(work.get("headline")) or text_value(work.get("name")))
    put(source, "publisher", _name(work.get("publisher")))
    published_at, note = read_date(work.get("datePublished"))
    put(source, "published_at", published_at)
    notes.extend(filter(None, [note]))
    return source


def _review(node: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The ClaimReview's verdict as ReviewRecord fields."""
    rating = _first_object(node.get("reviewRating")) or {}
    # author is the fact-checking organisation; some feeds put it under publisher instead.
    author = _first(node.get("author")) or _first(node.get("publisher"))
    review: dict[str, Any] = {}
    put(
        review,
        "rating_label",
        text_value(rating.get("alternateName")) or text_value(rating.get("name")),
    )
    for key, prop in (
        ("rating_value", "ratingValue"),
        ("best_rating", "bestRating"),
        ("worst_rating", "worstRating"),
    ):
        put(review, key, _rating_number(rating.get(prop), prop, notes))
    put(review, "note", text_value(node.get("reviewBody")) or text_value(node.get("description")))
    put(review, "publisher", _name(author))
    if isinstance(author, dict):
        put(review, "publisher_url", _url(author.get("url")))
    put(review, "title", text_value(node.get("headline")) or text_value(node.get("name")))
    put(review, "language", _language(node.get("inLanguage")))
    reviewed_at, note = read_date(node.get("datePublished"))
    put(review, "reviewed_at", reviewed_at)
    notes.extend(filter(None, [note]))
    put(review, "url", _url(node.get("url")))
    return review


def _rating_number(value: Any, prop: str, notes: list[str]) -> int | float | None:
    number = number_value(value)
    if number is None and text_value(value) is not None:
        notes.append(f"{prop} {text_value(value)!r} is not a number; left out")
    return number


def _language(value: Any) -> str | None:
    """inLanguage: a tag, or a Language object whose alternateName (the tag) or name we take."""
    value = _first(value)
    if isinstance(value, dict) and "@value" not in value:
        return text_value(value.get("alternateName")) or text_value(value.get("name"))
    return text_value(value)
