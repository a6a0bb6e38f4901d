"""Matching: a vector index of claim embeddings, and full-text search over fact-check titles.

``claim_embeddings`` holds one float32 vector per claim and model (the model's name and version
are stored with it, so a change of model shows as a stale index instead of silently mixing
vector spaces). Vectors are plain bytes on both dialects and searched exactly in numpy, so no
server extension is needed and SQLite and PostgreSQL give the same answers.

Review titles (a fact-check's headline says what was checked, often in other words than the
claim) become searchable like claim texts: SQLite gets an FTS5 table with the reviews as external
content (reviews are append-only, so insert and delete triggers suffice); PostgreSQL a generated
tsvector column with a GIN index, in the 'simple' configuration with accents folded as in 0004.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 05:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE reviews_fts USING fts5("
    "title, content='reviews', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO reviews_fts(reviews_fts) VALUES ('rebuild')",
    "CREATE TRIGGER reviews_fts_after_insert AFTER INSERT ON reviews BEGIN "
    "INSERT INTO reviews_fts(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER reviews_fts_after_delete AFTER DELETE ON reviews BEGIN "
    "INSERT INTO reviews_fts(reviews_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER reviews_fts_after_delete",
    "DROP TRIGGER reviews_fts_after_insert",
    "DROP TABLE reviews_fts",
]
POSTGRES_UPGRADE = [
    "ALTER TABLE reviews ADD COLUMN title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', factdb_unaccent(coalesce(title, '')))) STORED",
    "CREATE INDEX ix_reviews_title_vector ON reviews USING gin (title_vector)",
]
POSTGRES_DOWNGRADE = [
    "DROP INDEX ix_reviews_title_vector",
    "ALTER TABLE reviews DROP COLUMN title_vector",
]
# 0007's trigger lets relabel change a review's derived status only when every other column is
# unchanged. A generated column is still NULL in a BEFORE trigger's NEW row, so title_vector
# must be left out of that comparison, or every relabel would be refused.
RELABEL_ONLY = """
CREATE OR REPLACE FUNCTION factdb_reviews_relabel_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.status_basis <> 'given' AND NEW.status_basis <> 'given'
        AND (to_jsonb(OLD) - 'status' - 'status_basis'{ignored})
            = (to_jsonb(NEW) - 'status' - 'status_basis'{ignored})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'reviews is append-only: rows cannot be changed or removed (only the status derived from a published label may be re-derived)'
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "claim_embeddings",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("embedded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_embeddings_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_embeddings")),
    )
    op.create_index(op.f("ix_claim_embeddings_model"), "claim_embeddings", ["model"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_UPGRADE if postgres else SQLITE_UPGRADE:
        op.execute(statement)
    if postgres:
        op.execute(RELABEL_ONLY.format(ignored=" - 'title_vector'"))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(RELABEL_ONLY.format(ignored=""))
    for statement in POSTGRES_DOWNGRADE if postgres else SQLITE_DOWNGRADE:
        op.execute(statement)
    op.drop_index(op.f("ix_claim_embeddings_model"), table_name="claim_embeddings")
    op.drop_table("claim_embeddings")
