"""Integrity: claim versions and soft deletion, more history actions, append-only triggers.

Reviews, their evidence and the claim history can be added to but never changed or removed, and
the database itself enforces it, so no code path (or hand-written SQL) can rewrite the record.
A later migration that rebuilds one of these tables on SQLite (batch mode) must re-create its
triggers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("reviews", "evidence", "claim_history")
OLD_ACTIONS = "action IN ('created', 'appearance_added', 'reviewed', 'imported')"
NEW_ACTIONS = (
    "action IN ('created', 'edited', 'tagged', 'appearance_added', 'reviewed', 'imported', "
    "'deleted', 'restored')"
)

POSTGRES_FUNCTION = """
CREATE FUNCTION factdb_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: rows cannot be changed or removed', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), NEW_ACTIONS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION factdb_append_only()"
            )
    else:
        for table in APPEND_ONLY_TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be "
                    "changed or removed'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION factdb_append_only()")
    else:
        for table in APPEND_ONLY_TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{event}")
    op.execute(
        "DELETE FROM claim_history WHERE action IN ('edited', 'tagged', 'deleted', 'restored')"
    )
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), OLD_ACTIONS)
    with op.batch_alter_table("claims") as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("version")
