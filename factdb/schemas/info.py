"""What ``factdb info`` reports about a database."""

from __future__ import annotations

from pydantic import BaseModel


class DatabaseInfo(BaseModel):
    database: str
    dialect: str
    revision: str | None
    head: str
    counts: dict[str, int]
    statuses: dict[str, int]
