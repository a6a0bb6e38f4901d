"""The maintained counts of migration 0010: recounting them, and suspending the triggers.

Triggers keep ``claim_counts`` current row by row. A bulk import would pay for that a million
times, so it suspends the counting and recounts once, in its own transaction, before it commits
(``suspend_counting`` then ``recount``): the counts are never visible out of step with the rows.
"""

from __future__ import annotations

from sqlalchemy import Connection

# Must count as migration 0010's SQL does. The released revision keeps its own copy (it must
# never change when this module does); tests/test_bulk_import.py checks that a recount gives
# what the triggers keep.
MONTH = {
    "sqlite": "substr(claim_date, 1, 7)",
    "postgresql": "to_char(claim_date, 'YYYY-MM')",
}
POSTGRES_SUSPEND = "SELECT set_config('factdb.bulk', 'on', true)"
POSTGRES_RESUME = "SELECT set_config('factdb.bulk', '', true)"
SQLITE_COUNT_TRIGGERS = (
    "claims_count_insert",
    "claims_count_delete",
    "claims_count_update",
    "appearances_count_insert",
    "appearances_count_delete",
    "appearances_count_update",
)


def recount_statements(dialect: str) -> list[str]:
    month = MONTH[dialect]
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


def recount(connection: Connection) -> None:
    """Count everything again from the rows, in the caller's transaction.

    On PostgreSQL, other transactions' changes to claims and appearances wait until this one
    commits (they would otherwise change counts this recount has already replaced).
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql(
            "LOCK TABLE claims, appearances, claim_counts IN SHARE ROW EXCLUSIVE MODE"
        )
    for statement in recount_statements(dialect):
        connection.exec_driver_sql(statement)


def counts(connection: Connection) -> set[tuple[str, str, int]]:
    """The stored counts that are not zero (a test compares them with a recount)."""
    rows = connection.exec_driver_sql(
        "SELECT dimension, key, total FROM claim_counts WHERE total <> 0"
    )
    return {(str(dimension), str(key), int(total)) for dimension, key, total in rows}
