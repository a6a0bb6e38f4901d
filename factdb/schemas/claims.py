"""Claims, their attributions (appearances) and the filters that select them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from factdb.domain import Status
from factdb.schemas.base import InputModel, ReadModel
from factdb.schemas.reviews import ReviewRead
from factdb.schemas.sources import ClaimantCreate, ClaimantRead, SourceBrief
from factdb.schemas.types import (
    MAX_SOURCE_TEXT_LENGTH,
    ClaimText,
    IsoDate,
    LanguageTag,
    Name,
    Note,
    Quote,
    StatusValue,
    Tag,
    UtcDatetime,
)

MAX_TAGS_PER_CLAIM = 50
MAX_LIST_LIMIT = 1_000_000


class AppearanceCreate(InputModel):
    """Where a claim appeared. ``source`` is a source id or URL; the span is located by factdb."""

    source: str = Field(min_length=1, max_length=2048)
    quote: Quote | None = None
    start: int | None = Field(default=None, ge=0, le=MAX_SOURCE_TEXT_LENGTH)

    @model_validator(mode="after")
    def _start_needs_quote(self) -> AppearanceCreate:
        if self.start is not None and self.quote is None:
            raise ValueError("a quote start needs the quote")
        return self


class ClaimCreate(InputModel):
    text: ClaimText
    claimant: ClaimantCreate | None = None
    claim_date: IsoDate | None = None
    language: LanguageTag | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS_PER_CLAIM)
    appearance: AppearanceCreate

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(tags))


class AppearanceRead(ReadModel):
    id: int
    source: SourceBrief
    quote: str | None
    start: int | None = Field(validation_alias=AliasChoices("start", "quote_start"))
    end: int | None = Field(validation_alias=AliasChoices("end", "quote_end"))


class ExternalIdRead(ReadModel):
    """The claim's id in a data set it was imported from."""

    dataset: str
    id: str = Field(validation_alias=AliasChoices("id", "external_id"))


class ClaimRead(ReadModel):
    id: int
    uid: uuid.UUID
    external_ids: list[ExternalIdRead] = Field(default_factory=list)
    text: str
    status: Status
    claimant: ClaimantRead | None
    claim_date: date | None
    language: str | None
    tags: list[str]
    fingerprint: str
    appearances: list[AppearanceRead]
    reviews: list[ReviewRead]
    created_at: datetime
    updated_at: datetime
    version: int
    deleted_at: datetime | None

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_names(cls, value: Any) -> Any:
        # Sorted here, not by the database, whose collation differs between servers.
        return sorted(getattr(item, "tag", item) for item in value)

    @property
    def latest_review(self) -> ReviewRead | None:
        return self.reviews[-1] if self.reviews else None


class ClaimFilter(InputModel):
    """Which claims a listing or export selects; every criterion narrows the selection."""

    status: StatusValue | None = None
    claimant: Name | None = None
    source: str | None = None
    tag: Tag | None = None
    since: UtcDatetime | None = None
    limit: int | None = Field(default=None, ge=1, le=MAX_LIST_LIMIT)
    include_deleted: bool = False


class ClaimUpdate(InputModel):
    """A correction: only the fields given change; tags are added and removed by name."""

    text: ClaimText | None = None
    claimant: ClaimantCreate | None = None
    claim_date: IsoDate | None = None
    add_tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS_PER_CLAIM)
    remove_tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS_PER_CLAIM)
    reason: Note | None = None
    expect_version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _changes_something(self) -> ClaimUpdate:
        fields = (self.text, self.claimant, self.claim_date)
        if all(value is None for value in fields) and not (self.add_tags or self.remove_tags):
            raise ValueError("give at least one change (--text, --claimant, --claim-date, --tag…)")
        if set(self.add_tags) & set(self.remove_tags):
            raise ValueError("a tag cannot be added and removed at once")
        return self
