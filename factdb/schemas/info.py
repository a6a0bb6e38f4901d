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


class Stats(BaseModel):
    """What ``factdb stats`` reports: live (not deleted) claims, counted several ways."""

    claims: int
    reviewed: int
    deleted: int
    by_status: dict[str, int]
    by_language: dict[str, int]
    by_month: dict[str, int]
    top_claimants: list[tuple[str, int]]
    top_sources: list[tuple[str, int]]
