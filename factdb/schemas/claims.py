"""Claims, their attributions (appearances) and the filters that select them."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from factdb.schemas.base import InputModel
from factdb.schemas.claim_read import AppearanceRead as AppearanceRead
from factdb.schemas.claim_read import ClaimRead as ClaimRead
from factdb.schemas.claim_read import ExternalIdRead as ExternalIdRead
from factdb.schemas.sources import ClaimantCreate
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
            raise ValueError("give at least one change: text, claimant, claim date or tags")
        if set(self.add_tags) & set(self.remove_tags):
            raise ValueError("a tag cannot be added and removed at once")
        return self
