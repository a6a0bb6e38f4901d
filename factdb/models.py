"""The ORM models: how claims, sources, attributions and reviews are stored.

Validation lives in the Pydantic schemas; the database still enforces what must never be
violated (uniqueness, foreign keys, the vocabularies) so no code path can bypass it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from factdb.db import UTCDateTime as UTCDateTime  # re-exported: migrations use it
from factdb.domain import ClaimantKind, HistoryAction, Stance, Status, StatusBasis

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

URL_LENGTH = 2048
NAME_LENGTH = 500
TAG_LENGTH = 100
LANGUAGE_LENGTH = 35


# Full-text search lives outside the models: SQLite's FTS5 table (and its shadow tables) and
# PostgreSQL's generated tsvector column are made by migration 0004 in each dialect's own way.
SEARCH_OBJECT_PREFIXES = (
    "claims_fts",
    "search_vector",
    "ix_claims_search_vector",
    # Fact-check titles, searchable since migration 0009.
    "reviews_fts",
    "title_vector",
    "ix_reviews_title_vector",
)


def is_search_object(name: str) -> bool:
    """Whether a table, column or index belongs to full-text search (so not to the models)."""
    return name.startswith(SEARCH_OBJECT_PREFIXES)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _check_in(
    column: str, vocabulary: type[Status | ClaimantKind | Stance | HistoryAction | StatusBasis]
) -> str:
    values = ", ".join(f"'{member.value}'" for member in vocabulary)
    return f"{column} IN ({values})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Source(Base):
    """A document in which claims appear: an article, a post, a transcript."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    author: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    published_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    appearances: Mapped[list[Appearance]] = relationship(back_populates="source")


class Claimant(Base):
    """A person or organisation that made claims."""

    __tablename__ = "claimants"
    __table_args__ = (CheckConstraint(_check_in("kind", ClaimantKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # The case-folded name carries the case-insensitive uniqueness, identically on every dialect.
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=ClaimantKind.UNKNOWN.value)
    role: Mapped[str | None] = mapped_column(Text)
    same_as: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Claim(Base):
    """A checkable statement and its current verification status."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(_check_in("status", Status), name="status"),
        # Each grouping column with deleted_at: statistics of live claims then read only the
        # index (a covering scan), never the wide rows with their texts.
        Index("ix_claims_claimant_id_deleted_at", "claimant_id", "deleted_at"),
        Index("ix_claims_status_deleted_at", "status", "deleted_at"),
        Index("ix_claims_created_at", "created_at"),
        Index("ix_claims_language_deleted_at", "language", "deleted_at"),
        Index("ix_claims_claim_date_deleted_at", "claim_date", "deleted_at"),
        # The newest change is one look-up: `match` checks its vector file against it.
        Index("ix_claims_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    claimant_id: Mapped[int | None] = mapped_column(ForeignKey("claimants.id", ondelete="RESTRICT"))
    claim_date: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    status: Mapped[str] = mapped_column(String(20), default=Status.UNVERIFIED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every change to the row increments it, and an UPDATE applies only to the version it read,
    # so two editors (or two processes) cannot overwrite each other without noticing.
    version: Mapped[int] = mapped_column(Integer, server_default=sql_text("1"))
    deleted_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declaration

    claimant: Mapped[Claimant | None] = relationship()
    tags: Mapped[list[ClaimTag]] = relationship(
        order_by="ClaimTag.tag", cascade="all, delete-orphan", passive_deletes=True
    )
    appearances: Mapped[list[Appearance]] = relationship(
        back_populates="claim", order_by="Appearance.id", passive_deletes=True
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="claim",
        order_by=lambda: OLDEST_REVIEW_FIRST,
        passive_deletes=True,
    )
    external_ids: Mapped[list[ExternalId]] = relationship(
        order_by="(ExternalId.dataset, ExternalId.external_id)", passive_deletes=True
    )


class ClaimTag(Base):
    """A topic label on a claim."""

    __tablename__ = "claim_tags"
    __table_args__ = (Index("ix_claim_tags_tag", "tag"),)

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), primary_key=True)


class Appearance(Base):
    """The attribution: a claim appearing in a source, with the exact quote and its span."""

    __tablename__ = "appearances"
    __table_args__ = (
        UniqueConstraint("claim_id", "source_id"),
        Index("ix_appearances_source_id", "source_id"),
        CheckConstraint(
            "(quote_start IS NULL AND quote_end IS NULL) OR "
            "(quote_start >= 0 AND quote_end > quote_start)",
            name="span",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    quote: Mapped[str | None] = mapped_column(Text)
    quote_start: Mapped[int | None] = mapped_column(Integer)
    quote_end: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="appearances")
    source: Mapped[Source] = relationship(back_populates="appearances")


class Review(Base):
    """A verdict on a claim. Reviews are only ever added; the newest sets the claim's status."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_check_in("status", Status), name="status"),
        CheckConstraint(_check_in("status_basis", StatusBasis), name="status_basis"),
        Index("ix_reviews_claim_id_reviewed_at", "claim_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20))
    # Text: some publishers put a summary paragraph in their rating field (migration 0007).
    rating_label: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # None: the fact-checker's data does not say when (many research data sets do not).
    reviewed_at: Mapped[datetime | None]
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the fact-checker published, kept as published; the status above is its normalisation.
    status_basis: Mapped[str] = mapped_column(String(20), default=StatusBasis.GIVEN.value)
    rating_value: Mapped[float | None] = mapped_column(Float)
    best_rating: Mapped[float | None] = mapped_column(Float)
    worst_rating: Mapped[float | None] = mapped_column(Float)
    publisher: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    publisher_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))

    claim: Mapped[Claim] = relationship(back_populates="reviews")
    evidence: Mapped[list[Evidence]] = relationship(order_by="Evidence.id", passive_deletes=True)


# The review that sets a claim's status: the newest by its review date, then the one recorded last
# (a review recorded today about last week comes after last week's reviews, not before them).
# An undated review cannot be shown to be newer than a dated one, so undated reviews rank below
# every dated review and among themselves by the order they were recorded (a file's order).
# NULLS LAST is spelled out: SQLite and PostgreSQL sort NULL at opposite ends by default.
_REVIEW_RECENCY = (Review.reviewed_at, Review.id)  # NULL (undated) counts as oldest
NEWEST_REVIEW_FIRST: tuple[ColumnElement[Any], ...] = tuple(
    column.desc().nulls_last() for column in _REVIEW_RECENCY
)
# The same rule read from the other end, for listings that run oldest first (show, report).
OLDEST_REVIEW_FIRST: tuple[ColumnElement[Any], ...] = tuple(
    column.asc().nulls_first() for column in _REVIEW_RECENCY
)


class Evidence(Base):
    """A link that supports, refutes or gives context to a review's verdict."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(_check_in("stance", Stance), name="stance"),
        Index("ix_evidence_review_id", "review_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="RESTRICT"))
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    title: Mapped[str | None] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(20), default=Stance.CONTEXT.value)


class ExternalId(Base):
    """A record's own id in the data set it came from (LIAR's ``12134.json``, FEVER's ``69612``).

    Ids are only unique within their data set, so the data set's name is part of the key: two
    data sets' ``1``, ``2``, ``3`` never collide. A claim merged from several data sets keeps each.
    """

    __tablename__ = "claim_external_ids"

    dataset: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"), index=True)


class HistoryEntry(Base):
    """One change to a claim: who did what, when, with the values it set. Append-only."""

    __tablename__ = "claim_history"
    __table_args__ = (
        CheckConstraint(_check_in("action", HistoryAction), name="action"),
        Index("ix_claim_history_claim_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(NAME_LENGTH))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ClaimEmbedding(Base):
    """A claim's sentence embedding (float32 bytes) for semantic matching.

    The model's name and version come with each vector: vectors of different models are not
    comparable, so a vector of another model counts as missing. ``input_sha256`` fingerprints the
    text that was embedded (the claim and its fact-check titles), so a changed text shows as stale.
    """

    __tablename__ = "claim_embeddings"
    __table_args__ = (Index("ix_claim_embeddings_model_embedded_at", "model", "embedded_at"),)

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(200), index=True)
    input_sha256: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    embedded_at: Mapped[datetime]


class ClaimCount(Base):
    """A count that ``factdb stats`` reads instead of counting: kept current by triggers.

    One row per (dimension, key): live claims by ``status``, ``language`` ('' when unknown),
    ``month`` (YYYY-MM of the claim date) and ``claimant`` (its id), deleted claims (``deleted``,
    key ''), and appearances by ``source`` (its id). Triggers of migration 0010 change the counts
    in the writing transaction, so they are exactly as current (and as isolated) as the rows; a
    bulk import recounts once instead, in its own transaction.
    """

    __tablename__ = "claim_counts"
    __table_args__ = (Index("ix_claim_counts_dimension_total", "dimension", "total"),)

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(URL_LENGTH), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
