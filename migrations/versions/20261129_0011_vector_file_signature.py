"""Indexes that let `match` tell in a few look-ups whether its vector file is current.

The vector file (the claims' embeddings laid out for search, kept in the user cache) records
the newest claim id, the newest claim change and the newest embedding of the model it was made
from. Reading those three maxima must not scan a million rows: ``claims.updated_at`` and
``claim_embeddings (model, embedded_at)`` get an index each.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_claims_updated_at", "claims", ["updated_at"])
    op.create_index(
        "ix_claim_embeddings_model_embedded_at", "claim_embeddings", ["model", "embedded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_claim_embeddings_model_embedded_at", table_name="claim_embeddings")
    op.drop_index("ix_claims_updated_at", table_name="claims")
