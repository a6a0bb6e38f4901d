"""Sources (where claims appear) and claimants (who makes them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from factdb.domain import ClaimantKind
from factdb.schemas.base import InputModel, ReadModel
from factdb.schemas.claim_read import ClaimantRead as ClaimantRead
from factdb.schemas.claim_read import SourceBrief as SourceBrief
from factdb.schemas.types import LanguageTag, Name, Note, SourceText, Title, Url, UtcDatetime


class SourceCreate(InputModel):
    url: Url
    title: Title | None = None
    publisher: Name | None = None
    author: Name | None = None
    published_at: UtcDatetime | None = None
    language: LanguageTag | None = None
    text: SourceText | None = None


class SourceRead(SourceBrief):
    author: str | None
    language: str | None
    text_sha256: str | None
    text_length: int | None = None
    claim_count: int = 0
    created_at: datetime


class ClaimantCreate(InputModel):
    name: Name
    kind: ClaimantKind = ClaimantKind.UNKNOWN
    role: Note | None = None
    same_as: Url | None = None


class SourceList(ReadModel):
    """A page of sources, for listings."""

    items: list[SourceRead] = Field(default_factory=list)
