"""Full-text search over claim texts, and indexes for the statistics.

SQLite: an FTS5 table with the claims as external content, kept in sync by triggers.
PostgreSQL: a generated tsvector column with a GIN index. Both use the 'simple' configuration
(no stemming) with accents folded, because claims come in many languages.
A later migration that rebuilds ``claims`` on SQLite (batch mode) must re-create the triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE claims_fts USING fts5("
    "text, content='claims', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')",
    "CREATE TRIGGER claims_fts_after_insert AFTER INSERT ON claims BEGIN "
    "INSERT INTO claims_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER claims_fts_after_delete AFTER DELETE ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER claims_fts_after_update AFTER UPDATE OF text ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO claims_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER claims_fts_after_update",
    "DROP TRIGGER claims_fts_after_delete",
    "DROP TRIGGER claims_fts_after_insert",
    "DROP TABLE claims_fts",
]
POSTGRES_UPGRADE = [
    # unaccent is STABLE; a generated column needs an IMMUTABLE function. Naming the
    # dictionary explicitly makes the wrapper's result fixed, which is the documented way.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE FUNCTION factdb_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE claims ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', factdb_unaccent(text))) STORED",
    "CREATE INDEX ix_claims_search_vector ON claims USING gin (search_vector)",
]
POSTGRES_DOWNGRADE = [
    "DROP INDEX ix_claims_search_vector",
    "ALTER TABLE claims DROP COLUMN search_vector",
    "DROP FUNCTION factdb_unaccent(text)",
]


def upgrade() -> None:
    op.create_index("ix_claims_language", "claims", ["language"], unique=False)
    op.create_index("ix_claims_claim_date", "claims", ["claim_date"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_UPGRADE if postgres else SQLITE_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_DOWNGRADE if postgres else SQLITE_DOWNGRADE:
        op.execute(statement)
    op.drop_index("ix_claims_claim_date", table_name="claims")
    op.drop_index("ix_claims_language", table_name="claims")
