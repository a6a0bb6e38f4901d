"""A claim's history as factdb reports it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from factdb.domain import HistoryAction
from factdb.schemas.base import ReadModel


class HistoryEntryRead(ReadModel):
    id: int
    claim_id: int
    action: HistoryAction
    actor: str
    at: datetime
    changes: dict[str, Any]
