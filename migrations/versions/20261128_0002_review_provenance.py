"""Review provenance: the published rating, its scale and publisher; 'imported' history entries.

Imported fact-checks keep what their publisher published (label, number and scale, headline,
language, organisation) and how factdb normalised it (status_basis).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = "action IN ('created', 'appearance_added', 'reviewed')"
NEW_ACTIONS = "action IN ('created', 'appearance_added', 'reviewed', 'imported')"
BASES = "status_basis IN ('given', 'custom', 'label', 'rating', 'unmapped')"


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.add_column(
            sa.Column("status_basis", sa.String(length=20), nullable=False, server_default="given")
        )
        batch_op.add_column(sa.Column("rating_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("best_rating", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("worst_rating", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("publisher", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("publisher_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
        batch_op.create_check_constraint(op.f("ck_reviews_status_basis"), BASES)
    # The default only filled the existing rows; new rows get theirs from factdb.
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column("status_basis", server_default=None)
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), NEW_ACTIONS)


def downgrade() -> None:
    op.execute("DELETE FROM claim_history WHERE action = 'imported'")
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), OLD_ACTIONS)
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.drop_constraint(op.f("ck_reviews_status_basis"), type_="check")
        batch_op.drop_column("language")
        batch_op.drop_column("title")
        batch_op.drop_column("publisher_url")
        batch_op.drop_column("publisher")
        batch_op.drop_column("worst_rating")
        batch_op.drop_column("best_rating")
        batch_op.drop_column("rating_value")
        batch_op.drop_column("status_basis")
