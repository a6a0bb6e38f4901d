"""Unknown review dates stay unknown; records keep their own id in the data set they came from.

``reviews.reviewed_at`` becomes nullable: research data sets (LIAR, FEVER, AVeriTeC) and some
Google Fact Check reviews carry no review date, and the import time is not one. The new table
``claim_external_ids`` holds a record's id in its data set (scoped by the data set's name, so two
data sets' ``1`` never collide) and lets a re-import recognise the record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 05:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SQLITE_EVENTS = ("update", "delete")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_sqlite_guards() -> None:
    """SQLite changes a column by rebuilding the table, which loses the append-only triggers."""
    for event in SQLITE_EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS reviews_no_{event}")


def _restore_sqlite_guards() -> None:
    # The same triggers as revision 0003 made.
    for event in SQLITE_EVENTS:
        op.execute(
            f"CREATE TRIGGER reviews_no_{event} BEFORE {event.upper()} ON reviews "
            "BEGIN SELECT RAISE(ABORT, 'reviews is append-only: rows cannot be "
            "changed or removed'); END"
        )


def _set_reviewed_at_nullable(nullable: bool) -> None:
    if _sqlite():
        _drop_sqlite_guards()
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column(
            "reviewed_at", existing_type=sa.DateTime(timezone=True), nullable=nullable
        )
    if _sqlite():
        _restore_sqlite_guards()


def upgrade() -> None:
    _set_reviewed_at_nullable(True)
    op.create_table(
        "claim_external_ids",
        sa.Column("dataset", sa.String(length=500), nullable=False),
        sa.Column("external_id", sa.String(length=500), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_external_ids_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("dataset", "external_id", name=op.f("pk_claim_external_ids")),
    )
    op.create_index(
        op.f("ix_claim_external_ids_claim_id"), "claim_external_ids", ["claim_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_external_ids_claim_id"), table_name="claim_external_ids")
    op.drop_table("claim_external_ids")
    # The older schema needs a date: the time a review was recorded is the closest it can hold.
    fill = "UPDATE reviews SET reviewed_at = created_at WHERE reviewed_at IS NULL"
    if _sqlite():
        _drop_sqlite_guards()
        op.execute(fill)
    else:
        op.execute("ALTER TABLE reviews DISABLE TRIGGER reviews_append_only")
        op.execute(fill)
        op.execute("ALTER TABLE reviews ENABLE TRIGGER reviews_append_only")
    _set_reviewed_at_nullable(False)
