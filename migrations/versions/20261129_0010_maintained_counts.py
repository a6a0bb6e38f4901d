"""Maintained counts: ``factdb stats`` reads a small table instead of counting a million rows.

``claim_counts`` holds, per (dimension, key), the number of live claims by status, language ('' when
unknown), month of the claim date and claimant id, of deleted claims (dimension 'deleted', key ''),
and of appearances by source id. Row triggers on claims and appearances change the counts inside
the writing transaction, so they commit, roll back and stay isolated with the rows they count; a
soft delete or restore moves a claim between the live counts and 'deleted'.

On PostgreSQL the counting functions run with their owner's rights (SECURITY DEFINER, with the
search path fixed at creation), so a role that may change claims needs no right on the counts.

A bulk import (factdb's own, large) suspends the counting and recounts once before it commits:
on PostgreSQL the triggers are skipped while the transaction-local setting ``factdb.bulk`` is on;
on SQLite, which has no such setting, the import drops and re-creates them in its transaction.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must equal factdb.services.counts (revisions do not import factdb's code).
MONTH = {
    "sqlite": "substr({row}.claim_date, 1, 7)",
    "postgresql": "to_char({row}.claim_date, 'YYYY-MM')",
}
UPSERT = (
    "INSERT INTO claim_counts (dimension, key, total) "
    "SELECT dimension, key, sum(delta) FROM ({rows}) AS d WHERE true GROUP BY dimension, key "
    "HAVING sum(delta) <> 0 "
    "ON CONFLICT (dimension, key) DO UPDATE SET total = claim_counts.total + excluded.total"
)
POSTGRES_COUNTING = "coalesce(current_setting('factdb.bulk', true), '') <> 'on'"


def _claim_rows(dialect: str, row: str, delta: str) -> str:
    live = f"{row}.deleted_at IS NULL"
    month = MONTH[dialect].format(row=row)
    parts = [
        f"SELECT 'status' AS dimension, {row}.status AS key, {delta} AS delta WHERE {live}",
        f"SELECT 'deleted', '', {delta} WHERE {row}.deleted_at IS NOT NULL",
        f"SELECT 'language', coalesce({row}.language, ''), {delta} WHERE {live}",
        f"SELECT 'month', {month}, {delta} WHERE {live} AND {row}.claim_date IS NOT NULL",
        f"SELECT 'claimant', CAST({row}.claimant_id AS TEXT), {delta} "
        f"WHERE {live} AND {row}.claimant_id IS NOT NULL",
    ]
    return " UNION ALL ".join(parts)


def _source_rows(row: str, delta: str) -> str:
    return f"SELECT 'source' AS dimension, CAST({row}.source_id AS TEXT) AS key, {delta} AS delta"


def recount(dialect: str) -> list[str]:
    month = MONTH[dialect].format(row="claims")
    return [
        "DELETE FROM claim_counts",
        "INSERT INTO claim_counts (dimension, key, total) "
        "SELECT 'status', status, count(*) FROM claims WHERE deleted_at IS NULL GROUP BY status "
        "UNION ALL SELECT 'deleted', '', count(*) FROM claims WHERE deleted_at IS NOT NULL "
        "HAVING count(*) > 0 "
        "UNION ALL SELECT 'language', coalesce(language, ''), count(*) FROM claims "
        "WHERE deleted_at IS NULL GROUP BY coalesce(language, '') "
        f"UNION ALL SELECT 'month', {month}, count(*) FROM claims "
        f"WHERE deleted_at IS NULL AND claim_date IS NOT NULL GROUP BY {month} "
        "UNION ALL SELECT 'claimant', CAST(claimant_id AS TEXT), count(*) FROM claims "
        "WHERE deleted_at IS NULL AND claimant_id IS NOT NULL GROUP BY claimant_id "
        "UNION ALL SELECT 'source', CAST(source_id AS TEXT), count(*) FROM appearances "
        "GROUP BY source_id",
    ]


CLAIM_COLUMNS = "status, language, claim_date, claimant_id, deleted_at"
SQLITE_TRIGGERS = {
    "claims_count_insert": "AFTER INSERT ON claims BEGIN "
    + UPSERT.format(rows=_claim_rows("sqlite", "NEW", "1"))
    + "; END",
    "claims_count_delete": "AFTER DELETE ON claims BEGIN "
    + UPSERT.format(rows=_claim_rows("sqlite", "OLD", "-1"))
    + "; END",
    "claims_count_update": f"AFTER UPDATE OF {CLAIM_COLUMNS} ON claims BEGIN "
    + UPSERT.format(
        rows=_claim_rows("sqlite", "OLD", "-1") + " UNION ALL " + _claim_rows("sqlite", "NEW", "1")
    )
    + "; END",
    "appearances_count_insert": "AFTER INSERT ON appearances BEGIN "
    + UPSERT.format(rows=_source_rows("NEW", "1"))
    + "; END",
    "appearances_count_delete": "AFTER DELETE ON appearances BEGIN "
    + UPSERT.format(rows=_source_rows("OLD", "-1"))
    + "; END",
    "appearances_count_update": "AFTER UPDATE OF source_id ON appearances BEGIN "
    + UPSERT.format(rows=_source_rows("OLD", "-1") + " UNION ALL " + _source_rows("NEW", "1"))
    + "; END",
}

POSTGRES_FUNCTIONS = {
    "factdb_count_claims": f"""
BEGIN
    IF TG_OP = 'INSERT' THEN
        {UPSERT.format(rows=_claim_rows("postgresql", "NEW", "1"))};
    ELSIF TG_OP = 'DELETE' THEN
        {UPSERT.format(rows=_claim_rows("postgresql", "OLD", "-1"))};
    ELSE
        {UPSERT.format(rows=_claim_rows("postgresql", "OLD", "-1") + " UNION ALL " + _claim_rows("postgresql", "NEW", "1"))};
    END IF;
    RETURN NULL;
END""",
    "factdb_count_appearances": f"""
BEGIN
    IF TG_OP = 'INSERT' THEN
        {UPSERT.format(rows=_source_rows("NEW", "1"))};
    ELSIF TG_OP = 'DELETE' THEN
        {UPSERT.format(rows=_source_rows("OLD", "-1"))};
    ELSE
        {UPSERT.format(rows=_source_rows("OLD", "-1") + " UNION ALL " + _source_rows("NEW", "1"))};
    END IF;
    RETURN NULL;
END""",
}
POSTGRES_TRIGGERS = [
    (
        "claims_count",
        "claims",
        f"AFTER INSERT OR DELETE OR UPDATE OF {CLAIM_COLUMNS}",
        "factdb_count_claims",
    ),
    (
        "appearances_count",
        "appearances",
        "AFTER INSERT OR DELETE OR UPDATE OF source_id",
        "factdb_count_appearances",
    ),
]


def upgrade() -> None:
    op.create_table(
        "claim_counts",
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=2048), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "key", name=op.f("pk_claim_counts")),
    )
    op.create_index("ix_claim_counts_dimension_total", "claim_counts", ["dimension", "total"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, body in POSTGRES_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                f"SECURITY DEFINER SET search_path FROM CURRENT AS $${body}\n$$"
            )
        for trigger, table, events, function in POSTGRES_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {trigger} {events} ON {table} FOR EACH ROW "
                f"WHEN ({POSTGRES_COUNTING}) EXECUTE FUNCTION {function}()"
            )
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    for statement in recount(dialect):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table, _, _ in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_claim_counts_dimension_total", table_name="claim_counts")
    op.drop_table("claim_counts")
