"""Relabel: a review's normalised status may be re-derived from its published label, logged.

Also, ``reviews.rating_label`` becomes TEXT (it was VARCHAR(500)): some sites publish a summary
paragraph in their rating field, and a label is kept exactly as published.

Reviews stay append-only: what the fact-checker published (label, number, reviewer, date, URL,
note…) can never change, and a verdict a person chose (status_basis 'given') neither. The one
change the database now lets through is to (status, status_basis) of a review whose status was
derived from its label or number, which is what ``factdb relabel`` does after a corrected
rating map; every such change is written to the claim history under the new action
'relabeled'.

On SQLite the trigger lists the other columns of reviews as they are when this revision runs; a
later migration that adds a column to reviews (or rebuilds the table in batch mode, which drops
its triggers) must re-create the trigger. On PostgreSQL the row is compared whole, minus the two
columns, so new columns are covered.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = (
    "action IN ('created', 'edited', 'tagged', 'appearance_added', 'reviewed', 'imported', "
    "'deleted', 'restored')"
)
NEW_ACTIONS = (
    "action IN ('created', 'edited', 'tagged', 'appearance_added', 'reviewed', 'imported', "
    "'deleted', 'restored', 'relabeled')"
)
DERIVED = ("status", "status_basis")
REFUSAL = "reviews is append-only: rows cannot be changed or removed"

POSTGRES_RELABEL_ONLY = f"""
CREATE FUNCTION factdb_reviews_relabel_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.status_basis <> 'given' AND NEW.status_basis <> 'given'
        AND (to_jsonb(OLD) - 'status' - 'status_basis')
            = (to_jsonb(NEW) - 'status' - 'status_basis')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL} (only the status derived from a published label may be re-derived)'
        USING ERRCODE = 'restrict_violation';
END;
$$
"""

SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER IF NOT EXISTS {table}_no_{event} BEFORE {EVENT} ON {table} "
    "BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or removed'); END"
)


def _sqlite_relabel_only() -> str:
    columns = [
        column["name"]
        for column in sa.inspect(op.get_bind()).get_columns("reviews")
        if column["name"] not in DERIVED
    ]
    unchanged = " AND ".join(f"NEW.{name} IS OLD.{name}" for name in columns)
    return (
        "CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews "
        "WHEN NOT (OLD.status_basis <> 'given' AND NEW.status_basis <> 'given' "
        f"AND {unchanged}) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL} (only the status derived from a published "
        "label may be re-derived)'); END"
    )


def _sqlite_history_triggers() -> None:
    """Batch mode rebuilds claim_history on SQLite, which drops its triggers: put them back."""
    for event in ("update", "delete"):
        op.execute(
            SQLITE_APPEND_ONLY.format(table="claim_history", event=event, EVENT=event.upper())
        )


def _widen_labels(to: sa.types.TypeEngine[str], was: sa.types.TypeEngine[str]) -> None:
    """Change rating_label's type; on SQLite the rebuild drops the table's triggers first."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS reviews_no_update")
        op.execute("DROP TRIGGER IF EXISTS reviews_no_delete")
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column("rating_label", type_=to, existing_type=was, existing_nullable=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_APPEND_ONLY.format(table="reviews", event="delete", EVENT="DELETE"))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _widen_labels(to=sa.Text(), was=sa.String(500))
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), NEW_ACTIONS)
    if sqlite:
        _sqlite_history_triggers()
        op.execute(_sqlite_relabel_only())
    else:
        op.execute(POSTGRES_RELABEL_ONLY)
        op.execute("DROP TRIGGER reviews_append_only ON reviews")
        op.execute(
            "CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews "
            "FOR EACH ROW EXECUTE FUNCTION factdb_reviews_relabel_only()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # The older vocabulary has no 'relabeled': those entries go, as 0003's downgrade did.
        op.execute("DROP TRIGGER claim_history_no_delete")
        op.execute("DELETE FROM claim_history WHERE action = 'relabeled'")
    else:
        op.execute("DROP TRIGGER reviews_append_only ON reviews")
        op.execute(
            "CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews "
            "FOR EACH ROW EXECUTE FUNCTION factdb_append_only()"
        )
        op.execute("DROP FUNCTION factdb_reviews_relabel_only()")
        op.execute("ALTER TABLE claim_history DISABLE TRIGGER claim_history_append_only")
        op.execute("DELETE FROM claim_history WHERE action = 'relabeled'")
        op.execute("ALTER TABLE claim_history ENABLE TRIGGER claim_history_append_only")
    with op.batch_alter_table("claim_history") as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_history_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_claim_history_action"), OLD_ACTIONS)
    if sqlite:
        # The rebuild dropped claim_history_no_update; no_delete was dropped above.
        _sqlite_history_triggers()
    if not sqlite:
        # VARCHAR(500) would cut longer labels (SQLite does not enforce the length): refuse
        # rather than lose what a fact-checker published.
        too_long = op.get_bind().exec_driver_sql(
            "SELECT count(*) FROM reviews WHERE length(rating_label) > 500"
        )
        count = too_long.scalar_one()
        if count:
            raise RuntimeError(
                f"cannot downgrade below 0007: {count} review labels are longer than 500 "
                "characters, which the older schema cannot hold"
            )
    _widen_labels(to=sa.String(500), was=sa.Text())
    if sqlite:
        op.execute(SQLITE_APPEND_ONLY.format(table="reviews", event="update", EVENT="UPDATE"))
