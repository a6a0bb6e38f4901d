"""The on-disk shape of ``seeds/``: one folder per source with its text and attributed claims."""

from __future__ import annotations

from pydantic import Field

from factdb.schemas.base import InputModel
from factdb.schemas.sources import ClaimantCreate
from factdb.schemas.types import (
    ClaimText,
    IsoDate,
    LanguageTag,
    Name,
    Quote,
    Tag,
    Title,
    Url,
    UtcDatetime,
)


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
