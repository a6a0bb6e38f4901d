"""Sources (where claims appear) and claimants (who makes them), and the on-disk shape of
``seeds/``: one folder per source with its text and attributed claims."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from factdb.domain import ClaimantKind
from factdb.schemas.base import InputModel, ReadModel
from factdb.schemas.claim_read import ClaimantRead as ClaimantRead
from factdb.schemas.claim_read import SourceBrief as SourceBrief
from factdb.schemas.types import (
    ClaimText,
    IsoDate,
    LanguageTag,
    Name,
    Note,
    Quote,
    SourceText,
    Tag,
    Title,
    Url,
    UtcDatetime,
)


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


class SeedSource(InputModel):
    url: Url
    title: Title | None = None
    publisher: Name | None = None
    author: Name | None = None
    published_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
    language: LanguageTag | None = None
    section: str | None = None
    tags: list[Tag] = Field(default_factory=list)
    text_file: str
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    provenance: str | None = None


class SeedClaim(InputModel):
    text: ClaimText
    claimant: Name
    quote: Quote
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    claim_date: IsoDate | None = None
    language: LanguageTag | None = None
    tags: list[Tag] = Field(default_factory=list)
    # The kind of claim (statistic, quote, event, …) annotates the seeds as a gold standard for
    # claim extraction; it is not a property factdb stores on a claim.
    kind: str | None = None


class SeedClaims(InputModel):
    claimants: list[ClaimantCreate]
    claims: list[SeedClaim]
