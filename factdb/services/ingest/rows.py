"""The rows a batch writes, built from prepared records: sources, reviews, their keys for
matching what is already recorded, and external ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Table,
)

from factdb.domain import Status, StatusBasis
from factdb.models import (
    Base,
)
from factdb.schemas.interchange import ClaimRecord, ReviewRecord
from factdb.schemas.types import sha256_text


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def source_row(wanted: Any, now: datetime) -> dict[str, Any]:
    return {
        "url": wanted.url,
        "title": wanted.title,
        "publisher": wanted.publisher,
        "author": wanted.author,
        "published_at": wanted.published_at,
        "language": wanted.language,
        "text": wanted.text,
        "text_sha256": sha256_text(wanted.text) if wanted.text is not None else None,
        "created_at": now,
    }


def review_row(
    claim_id: int,
    record: ReviewRecord,
    status: Status,
    basis: StatusBasis,
    reviewer: str,
    label: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "status": status.value,
        "status_basis": basis.value,
        "rating_label": label,
        "note": record.note,
        "reviewer": reviewer,
        "reviewed_at": record.reviewed_at,  # unknown stays unknown
        "url": record.url,
        "rating_value": record.rating_value,
        "best_rating": record.best_rating,
        "worst_rating": record.worst_rating,
        "publisher": record.publisher,
        "publisher_url": record.publisher_url,
        "title": record.title,
        "language": record.language,
        "created_at": now,
    }


def review_key(
    claim_id: int, url: str | None, reviewer: str, label: str, reviewed_at: datetime | None
) -> tuple[Any, ...]:
    if url is not None:
        return (claim_id, url)
    return (claim_id, None, reviewer, label, reviewed_at)


def external_keys(record: ClaimRecord) -> list[tuple[str, str]]:
    return [(item.dataset, item.id) for item in record.external_ids]
