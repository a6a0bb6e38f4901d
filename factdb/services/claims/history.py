"""The append-only history of each claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.domain import HistoryAction
from factdb.models import HistoryEntry
from factdb.schemas.history import HistoryEntryRead
from factdb.services.claims.rows import get_claim_row


def record_history(
    *, session: Session, claim_id: int, action: HistoryAction, actor: str, changes: dict[str, Any]
) -> HistoryEntry:
    entry = HistoryEntry(claim_id=claim_id, action=action.value, actor=actor, changes=changes)
    session.add(entry)
    return entry


def claim_history(*, session: Session, claim_id: int) -> Iterator[HistoryEntryRead]:
    get_claim_row(session=session, claim_id=claim_id)
    query = (
        select(HistoryEntry)
        .where(HistoryEntry.claim_id == claim_id)
        .order_by(HistoryEntry.at, HistoryEntry.id)
    )
    for entry in session.scalars(query):
        yield HistoryEntryRead.model_validate(entry)
