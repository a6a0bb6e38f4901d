"""Google Fact Check Tools ``claims:search`` responses: saved pages of the API's JSON.

A download is one response object, an array of them, or JSON Lines with one page per line. The
API has no numeric ratings, often lacks claimant and dates, and sometimes carries placeholder
claim texts and textual ratings that are whole sentences or cut-off HTML: such values are passed
on unchanged, with notes, for the rating mapper and the importer's validation to judge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from factdb.errors import ImportFormatError
from factdb.formats.readers.records import (
    RawRecord,
    decode_utf8,
    json_error,
    json_kind,
    parse_json,
    put,
    read_date,
    repair_url,
    text_value,
)

# Texts that stand in for a claim rather than state one, compared stripped and case-folded.
_PLACEHOLDER_TEXTS = frozenset(
    {"", "claim", "claims", "n/a", "na", "none", "null", "unknown", "-", "..."}
)
_MIN_CLAIM_TEXT = 3


def read_google_factcheck(data: bytes, *, name: str) -> Iterator[RawRecord]:
    """One RawRecord per entry of ``claims[]``, located by page and position in the page.

    The whole file is parsed and its structure checked before the first record is returned, so
    a file that cannot be read raises ImportFormatError here, at the call.
    """
    text = decode_utf8(data, name=name)
    if not text.strip():
        raise ImportFormatError(f"{name}: the file is empty")
    pages = _pages(_documents(text, name=name), name=name)
    if not any("claims" in page for page in pages):
        raise ImportFormatError(
            f'{name}: no "claims" found: not a Google Fact Check Tools claims:search response'
        )
    for number, page in enumerate(pages, start=1):
        _check_page(page, where=f"{name}: page {number}")
    return _records(pages, name=name)


def _documents(text: str, *, name: str) -> list[Any]:
    """The file as one JSON document or, when more follows the first, as JSON Lines."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise json_error(error, where=name) from None
    except RecursionError:
        raise ImportFormatError(f"{name}: JSON nested too deeply to read") from None
    # split("\n"), not splitlines(): a JSON string may hold U+2028 and other breaks verbatim.
    return [
        parse_json(line, where=f"{name} (read as JSON Lines)", line=number)
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def _pages(documents: list[Any], *, name: str) -> list[dict[str, Any]]:
    """Response objects in file order: each document is one, or an array of them."""
    pages: list[dict[str, Any]] = []
    for document in documents:
        for page in document if isinstance(document, list) else [document]:
            if not isinstance(page, dict):
                raise ImportFormatError(
                    f"{name}: page {len(pages) + 1} is {json_kind(page)}, not a "
                    "claims:search response object"
                )
            pages.append(page)
    return pages


def _check_page(page: dict[str, Any], *, where: str) -> None:
    # A page without "claims" is the API's answer when nothing matched: it holds no records.
    claims = page.get("claims", [])
    if not isinstance(claims, list):
        raise ImportFormatError(f'{where}: "claims" is {json_kind(claims)}, not an array')
    for number, claim in enumerate(claims, start=1):
        if not isinstance(claim, dict):
            raise ImportFormatError(f"{where} claim {number} is {json_kind(claim)}, not an object")


def _records(pages: list[dict[str, Any]], *, name: str) -> Iterator[RawRecord]:
    for page_number, page in enumerate(pages, start=1):
        for number, claim in enumerate(page.get("claims", []), start=1):
            yield _record(claim, location=f"{name}: page {page_number} claim {number}")


def _record(claim: dict[str, Any], *, location: str) -> RawRecord:
    notes: list[str] = []
    text = text_value(claim.get("text")) or ""
    if _is_placeholder(text):
        notes.append(f"placeholder claim text {text!r}")
    data: dict[str, Any] = {"text": text}
    claimant = text_value(claim.get("claimant"))
    if claimant is not None:
        data["claimant"] = {"name": claimant, "kind": "unknown"}
    claim_date, note = read_date(claim.get("claimDate"), date_only=True)
    put(data, "claim_date", claim_date)
    notes.extend(filter(None, [note]))
    data["reviews"] = _reviews(claim.get("claimReview"), notes)
    return RawRecord(location=location, data=data, notes=tuple(notes))


def _is_placeholder(text: str) -> bool:
    folded = text.strip().casefold()
    return folded in _PLACEHOLDER_TEXTS or len(folded) < _MIN_CLAIM_TEXT


def _reviews(entries: Any, notes: list[str]) -> list[dict[str, Any]]:
    if entries is None:
        return []
    reviews = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [entries], 1):
        if not isinstance(entry, dict):
            notes.append(f"claimReview {number} is {json_kind(entry)}, not an object; skipped")
            continue
        reviews.append(_review(entry, number, notes))
    return reviews


def _review(entry: dict[str, Any], number: int, notes: list[str]) -> dict[str, Any]:
    """A claimReview entry as ReviewRecord fields; the publisher is also the reviewer."""
    publisher = entry.get("publisher")
    publisher = publisher if isinstance(publisher, dict) else {}
    publisher_name = text_value(publisher.get("name"))
    site = text_value(publisher.get("site"))
    review: dict[str, Any] = {}
    put(review, "publisher", publisher_name)
    put(review, "publisher_url", _site_url(site) if site is not None else None)
    put(review, "reviewer", publisher_name or site)
    put(review, "url", _url(entry.get("url")))
    put(review, "title", text_value(entry.get("title")))
    reviewed_at, note = read_date(entry.get("reviewDate"))
    put(review, "reviewed_at", reviewed_at)
    notes.extend(filter(None, [note]))
    label = text_value(entry.get("textualRating"))
    if label is None:
        # Without a label there is no verdict: validation rejects the record and says why.
        notes.append(f"review {number} without textual rating")
    put(review, "rating_label", label)
    put(review, "language", text_value(entry.get("languageCode")))
    return review


def _site_url(site: str) -> str:
    """``publisher.site`` is usually a bare host name ("politifact.com"): make it a URL."""
    site = repair_url(site.strip())
    return site if "://" in site else f"https://{site}"


def _url(value: Any) -> str | None:
    url = text_value(value)
    return repair_url(url.strip()) if url is not None else None
