"""Initial schema: sources, claimants, claims, appearances, reviews, evidence, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 09:24:58.896713
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claimants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("name_key", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("same_as", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('person', 'organization', 'group', 'unknown')", name=op.f("ck_claimants_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claimants")),
        sa.UniqueConstraint("name_key", name=op.f("uq_claimants_name_key")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("publisher", sa.String(length=500), nullable=True),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("claimant_id", sa.Integer(), nullable=True),
        sa.Column("claim_date", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('unverified', 'in_review', 'true', 'mostly_true', 'mixed', 'mostly_false', 'false', 'misleading', 'unproven', 'other')",
            name=op.f("ck_claims_status"),
        ),
        sa.ForeignKeyConstraint(
            ["claimant_id"],
            ["claimants.id"],
            name=op.f("fk_claims_claimant_id_claimants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("uid", name=op.f("uq_claims_uid")),
    )
    op.create_index("ix_claims_claimant_id", "claims", ["claimant_id"], unique=False)
    op.create_index("ix_claims_created_at", "claims", ["created_at"], unique=False)
    op.create_index(op.f("ix_claims_fingerprint"), "claims", ["fingerprint"], unique=False)
    op.create_index("ix_claims_status", "claims", ["status"], unique=False)

    op.create_table(
        "appearances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("quote_start", sa.Integer(), nullable=True),
        sa.Column("quote_end", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(quote_start IS NULL AND quote_end IS NULL) OR (quote_start >= 0 AND quote_end > quote_start)",
            name=op.f("ck_appearances_span"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_appearances_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_appearances_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appearances")),
        sa.UniqueConstraint(
            "claim_id", "source_id", name=op.f("uq_appearances_claim_id_source_id")
        ),
    )
    op.create_index("ix_appearances_source_id", "appearances", ["source_id"], unique=False)

    op.create_table(
        "claim_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "action IN ('created', 'appearance_added', 'reviewed')",
            name=op.f("ck_claim_history_action"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_history_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_history")),
    )
    op.create_index("ix_claim_history_claim_id", "claim_history", ["claim_id"], unique=False)

    op.create_table(
        "claim_tags",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_tags_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "tag", name=op.f("pk_claim_tags")),
    )
    op.create_index("ix_claim_tags_tag", "claim_tags", ["tag"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rating_label", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=500), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('unverified', 'in_review', 'true', 'mostly_true', 'mixed', 'mostly_false', 'false', 'misleading', 'unproven', 'other')",
            name=op.f("ck_reviews_status"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_reviews_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index(
        "ix_reviews_claim_id_reviewed_at", "reviews", ["claim_id", "reviewed_at"], unique=False
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "stance IN ('supports', 'refutes', 'context')", name=op.f("ck_evidence_stance")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_evidence_review_id_reviews"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index("ix_evidence_review_id", "evidence", ["review_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_evidence_review_id", table_name="evidence")

    op.drop_table("evidence")
    op.drop_index("ix_reviews_claim_id_reviewed_at", table_name="reviews")

    op.drop_table("reviews")
    op.drop_index("ix_claim_tags_tag", table_name="claim_tags")

    op.drop_table("claim_tags")
    op.drop_index("ix_claim_history_claim_id", table_name="claim_history")

    op.drop_table("claim_history")
    op.drop_index("ix_appearances_source_id", table_name="appearances")

    op.drop_table("appearances")
    op.drop_index("ix_claims_status", table_name="claims")
    op.drop_index(op.f("ix_claims_fingerprint"), table_name="claims")
    op.drop_index("ix_claims_created_at", table_name="claims")
    op.drop_index("ix_claims_claimant_id", table_name="claims")

    op.drop_table("claims")
    op.drop_table("sources")
    op.drop_table("claimants")
