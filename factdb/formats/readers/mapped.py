"""Mapped records: a table's columns or a JSON object's members, assigned to factdb's fields.

CSV, TSV, JSON and JSON Lines files that are not factdb's own shape all arrive here as a
field -> value dict (``--map COLUMN=FIELD``, plus ``--set FIELD=VALUE`` constants) and leave as
a ``ClaimRecord``-shaped dict. Dates are read here, with ``--date-format``, so that validation
downstream stays strict ISO 8601.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from factdb.errors import HintedValueError
from factdb.formats.readers.dates import DateProblem, read_date_text

MAPPABLE_FIELDS: dict[str, str] = {
    "uid": "the claim's UUID",
    "external_id": "the record's own id in its data set (scoped by --dataset)",
    "text": "the claim (required)",
    "claimant": "who made it",
    "claimant_kind": "person, organization, group or unknown",
    "claim_date": "when it was made",
    "language": "BCP 47 tag of the claim",
    "tags": "tags separated by ';' or ','",
    "source_url": "where the claim appeared",
    "source_title": "that source's title",
    "publisher": "that source's publisher",
    "published_at": "that source's publication time",
    "quote": "the exact words in that source",
    "status": "a factdb status",
    "rating_label": "the rating as published",
    "rating_value": "the numeric rating",
    "best_rating": "the best value of its scale (default 5)",
    "worst_rating": "the worst value of its scale (default 1)",
    "review_url": "where the fact-check is published",
    "review_title": "the fact-check's headline",
    "reviewer": "who made the fact-check",
    "reviewer_url": "the fact-checker's site",
    "reviewed_at": "when it was published",
    "note": "its explanation",
    "evidence_urls": "evidence links separated by spaces",
}

# Fields that take several values: a JSON array maps to them as a list.
LIST_FIELDS = frozenset({"tags", "evidence_urls"})
# Fields read as dates (date_only: the field holds a calendar date, not a moment).
DATE_FIELDS = {"claim_date": True, "reviewed_at": False, "published_at": False}

FieldValue = str | list[str]


class MappingProblem(HintedValueError):
    """A mapped value that cannot become part of a record; the message names the field."""


@dataclass(frozen=True)
class MapOptions:
    """How a file's columns or members become fields."""

    columns: Mapping[str, str]  # column name, 1-based column number or dotted path -> field
    constants: Mapping[str, str] = field(default_factory=dict)  # --set FIELD=VALUE
    date_format: str | None = None
    dataset: str | None = None  # scope of external_id; None: the file's name


def mapped_record(
    fields: Mapping[str, FieldValue], options: MapOptions, *, name: str
) -> dict[str, Any]:
    """A ClaimRecord-shaped dict from mapped values; MappingProblem names a bad field."""
    values: dict[str, FieldValue] = {**options.constants, **fields}
    for field_name, date_only in DATE_FIELDS.items():
        value = values.get(field_name)
        if isinstance(value, str) and value.strip():
            try:
                values[field_name] = read_date_text(
                    value, date_format=options.date_format, date_only=date_only
                )
            except DateProblem as error:
                raise MappingProblem(f"{field_name}: {error}", hints=error.hints) from None
    data = claim_part(values, tag_separators=";,")
    external_id = _single(values, "external_id")
    if external_id:
        data["external_ids"] = [{"dataset": options.dataset or name, "id": external_id}]
    review = review_part(values)
    if status := _single(values, "status"):
        review["status"] = status
    # A reviewer or a note alone is no review; a verdict or a published fact-check is.
    if review.keys() & {"status", "rating_label", "rating_value", "url"}:
        data["reviews"] = [review]
    return data


def claim_part(fields: Mapping[str, FieldValue], *, tag_separators: str) -> dict[str, Any]:
    data: dict[str, Any] = {"text": _single(fields, "text")}
    _copy(fields, data, ("uid", "claim_date", "language"))
    if claimant := _single(fields, "claimant"):
        data["claimant"] = {"name": claimant}
        if kind := _single(fields, "claimant_kind"):
            data["claimant"]["kind"] = kind
    tags = fields.get("tags")
    if tags:
        items = tags if isinstance(tags, list) else _split(tags, tag_separators)
        data["tags"] = [tag for tag in items if tag.strip()]
    if source_url := _single(fields, "source_url"):
        source: dict[str, Any] = {"url": source_url}
        _copy(fields, source, ("publisher", "published_at"))
        if title := _single(fields, "source_title"):
            source["title"] = title
        appearance: dict[str, Any] = {"source": source}
        if quote := _single(fields, "quote"):
            appearance["quote"] = quote
        data["appearances"] = [appearance]
    return data


def review_part(fields: Mapping[str, FieldValue]) -> dict[str, Any]:
    review: dict[str, Any] = {}
    _copy(fields, review, ("rating_label", "note", "reviewer", "reviewed_at"))
    _copy(fields, review, ("rating_value", "best_rating", "worst_rating"))
    renamed = {"review_url": "url", "review_title": "title", "reviewer_url": "publisher_url"}
    for column, target in renamed.items():
        if value := _single(fields, column):
            review[target] = value
    links = fields.get("evidence_urls")
    if links:
        # The report separates evidence links with spaces, which a URL cannot contain.
        urls = links if isinstance(links, list) else links.split()
        review["evidence"] = [{"url": url} for url in dict.fromkeys(urls) if url.strip()]
    return review


def _single(fields: Mapping[str, FieldValue], name: str) -> str:
    value = fields.get(name, "")
    if isinstance(value, list):
        distinct = list(dict.fromkeys(value))
        if len(distinct) > 1:
            raise MappingProblem(f"{name}: {len(distinct)} values where one is expected")
        return distinct[0] if distinct else ""
    return value


def _copy(source: Mapping[str, FieldValue], target: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if value := _single(source, name):
            target[name] = value


def _split(value: str, separators: str) -> list[str]:
    for separator in separators[1:]:
        value = value.replace(separator, separators[0])
    return value.split(separators[0])
