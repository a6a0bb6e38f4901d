"""The record enforced by the database: REPLACE and TRUNCATE refused, direct changes recorded.

- Reviews, evidence and history: SQLite refuses an INSERT that reuses an existing id (``REPLACE
  INTO`` deletes the old row without firing DELETE triggers); PostgreSQL refuses ``TRUNCATE``.
- A review dated more than a day in the future is refused (it would pin the claim's status).
- A source's text and its SHA-256, once stored, cannot be rewritten.
- Changes made outside factdb (hand-written SQL) are recorded in the claim history by triggers:
  claim updates (text, claimant, date, language, status, deletion), tags added or removed, and
  reviews inserted directly, which also recompute the claim's status. The actor is the database
  user on PostgreSQL and ``(direct SQL)`` on SQLite, which has no users.
- factdb marks its own write transactions (PostgreSQL: the transaction-local setting
  ``factdb.writer``; SQLite: ``PRAGMA user_version`` set during the transaction and reset before
  it commits) because factdb writes its own, richer history entries; the triggers then stay quiet
  so each change has exactly one entry.

A later migration that rebuilds one of these tables on SQLite (batch mode) must re-create its
triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("reviews", "evidence", "claim_history")
# Must equal factdb.db.SQLITE_WRITER_MARK (revisions do not import factdb's code).
SQLITE_WRITER_MARK = 1717658484
SQLITE_NOT_FACTDB = f"(SELECT user_version FROM pragma_user_version) != {SQLITE_WRITER_MARK}"
SQLITE_ACTOR = "'(direct SQL)'"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
FUTURE_TOLERANCE = "1 day"
# The status the newest review sets, ordered as factdb.models.NEWEST_REVIEW_FIRST (a review
# without a date, should one exist, counts as the oldest on both dialects).
NEWEST_STATUS = (
    "coalesce((SELECT r.status FROM reviews r WHERE r.claim_id = {claim} "
    "ORDER BY r.reviewed_at DESC NULLS LAST, r.id DESC LIMIT 1), 'unverified')"
)
CLAIMANT_NAME = "(SELECT name FROM claimants WHERE id = {ref})"
# A source's fields have no history of their own (the history is per claim), so a change that
# bypasses factdb is refused rather than left unrecorded.
SOURCES_THROUGH_FACTDB = (
    "sources can be changed only through factdb: a direct change would leave no history"
)
CHANGED_ACTION = (
    "CASE WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'deleted' "
    "WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restored' "
    "ELSE 'edited' END"
)


def _claim_changes(distinct: str, as_text: str) -> str:
    """Rows (column, before, after) for each recorded column the update changed."""
    columns = [
        ("text", "OLD.text", "NEW.text"),
        (
            "claimant",
            CLAIMANT_NAME.format(ref="OLD.claimant_id"),
            CLAIMANT_NAME.format(ref="NEW.claimant_id"),
        ),
        ("claim_date", "OLD.claim_date", "NEW.claim_date"),
        ("language", "OLD.language", "NEW.language"),
        ("deleted_at", "OLD.deleted_at", "NEW.deleted_at"),
    ]
    rows = [
        f"SELECT '{name}' AS col, {as_text.format(old)} AS before, {as_text.format(new)} AS after "
        f"WHERE OLD.{_column(name)} {distinct} NEW.{_column(name)}"
        for name, old, new in columns
    ]
    # A status that follows the newest review was set by a review, which is its own record.
    rows.append(
        "SELECT 'status', OLD.status, NEW.status "
        f"WHERE OLD.status {distinct} NEW.status "
        f"AND NEW.status {distinct} {NEWEST_STATUS.format(claim='NEW.id')}"
    )
    return " UNION ALL ".join(rows)


def _column(name: str) -> str:
    return "claimant_id" if name == "claimant" else name


# -- SQLite -----------------------------------------------------------------------------------

SQLITE_UPGRADE = [
    *(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or "
        "removed'); END"
        for table in APPEND_ONLY_TABLES
    ),
    "CREATE TRIGGER reviews_not_in_future BEFORE INSERT ON reviews "
    f"WHEN NEW.reviewed_at > datetime('now', '+{FUTURE_TOLERANCE}') "
    "BEGIN SELECT RAISE(ABORT, 'reviews.reviewed_at is in the future (more than a day ahead)'); "
    "END",
    "CREATE TRIGGER sources_text_is_kept BEFORE UPDATE ON sources "
    "WHEN (OLD.text IS NOT NULL AND NEW.text IS NOT OLD.text) "
    "OR (OLD.text_sha256 IS NOT NULL AND NEW.text_sha256 IS NOT OLD.text_sha256) "
    "BEGIN SELECT RAISE(ABORT, 'sources: a stored text and its SHA-256 cannot be rewritten'); "
    "END",
    "CREATE TRIGGER sources_change_through_factdb BEFORE UPDATE ON sources "
    f"WHEN {SQLITE_NOT_FACTDB} "
    f"BEGIN SELECT RAISE(ABORT, '{SOURCES_THROUGH_FACTDB}'); END",
    "CREATE TRIGGER claims_record_direct_insert AFTER INSERT ON claims "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) VALUES (NEW.id, "
    f"'created', {SQLITE_ACTOR}, {SQLITE_NOW}, "
    "json_object('text', NEW.text, 'status', NEW.status, 'via', 'direct SQL')); END",
    "CREATE TRIGGER appearances_record_direct_insert AFTER INSERT ON appearances "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) VALUES (NEW.claim_id, "
    f"'appearance_added', {SQLITE_ACTOR}, {SQLITE_NOW}, "
    "json_object('source_id', NEW.source_id, 'quote', NEW.quote, 'via', 'direct SQL')); END",
    "CREATE TRIGGER claims_record_direct_change AFTER UPDATE ON claims "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) "
    f"SELECT NEW.id, {CHANGED_ACTION}, {SQLITE_ACTOR}, {SQLITE_NOW}, "
    "json_insert(changes, '$.via', 'direct SQL') FROM ("
    "SELECT json_group_object(col, json_object('before', before, 'after', after)) AS changes, "
    f"count(*) AS changed FROM ({_claim_changes('IS NOT', '{}')})"
    ") WHERE changed > 0; END",
    "CREATE TRIGGER claim_tags_record_direct_insert AFTER INSERT ON claim_tags "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) VALUES (NEW.claim_id, "
    f"'tagged', {SQLITE_ACTOR}, {SQLITE_NOW}, "
    "json_object('added', json_array(NEW.tag), 'via', 'direct SQL')); END",
    "CREATE TRIGGER claim_tags_record_direct_delete AFTER DELETE ON claim_tags "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) VALUES (OLD.claim_id, "
    f"'tagged', {SQLITE_ACTOR}, {SQLITE_NOW}, "
    "json_object('removed', json_array(OLD.tag), 'via', 'direct SQL')); END",
    "CREATE TRIGGER reviews_record_direct_insert AFTER INSERT ON reviews "
    f"WHEN {SQLITE_NOT_FACTDB} BEGIN "
    "INSERT INTO claim_history (claim_id, action, actor, at, changes) "
    f"SELECT NEW.claim_id, 'reviewed', {SQLITE_ACTOR}, {SQLITE_NOW}, json_object("
    "'review_id', NEW.id, 'reviewer', NEW.reviewer, 'review_status', NEW.status, "
    "'rating_label', NEW.rating_label, 'reviewed_at', NEW.reviewed_at, "
    "'status', json_object('before', status, 'after', "
    f"{NEWEST_STATUS.format(claim='NEW.claim_id')}), 'via', 'direct SQL') "
    "FROM claims WHERE id = NEW.claim_id; "
    f"UPDATE claims SET status = {NEWEST_STATUS.format(claim='NEW.claim_id')} "
    f"WHERE id = NEW.claim_id AND status IS NOT {NEWEST_STATUS.format(claim='NEW.claim_id')}; "
    "END",
]
SQLITE_TRIGGERS = [
    *(f"{table}_no_replace" for table in APPEND_ONLY_TABLES),
    "reviews_not_in_future",
    "sources_text_is_kept",
    "sources_change_through_factdb",
    "claims_record_direct_insert",
    "appearances_record_direct_insert",
    "claims_record_direct_change",
    "claim_tags_record_direct_insert",
    "claim_tags_record_direct_delete",
    "reviews_record_direct_insert",
]

# -- PostgreSQL -------------------------------------------------------------------------------

POSTGRES_NOT_FACTDB = "coalesce(current_setting('factdb.writer', true), '') <> 'on'"
POSTGRES_FUNCTIONS = {
    "factdb_review_not_in_future": f"""
BEGIN
    IF NEW.reviewed_at > now() + interval '{FUTURE_TOLERANCE}' THEN
        RAISE EXCEPTION 'reviews.reviewed_at is in the future (more than a day ahead): %',
            NEW.reviewed_at USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END""",
    "factdb_source_text_is_kept": """
BEGIN
    IF (OLD.text IS NOT NULL AND NEW.text IS DISTINCT FROM OLD.text)
        OR (OLD.text_sha256 IS NOT NULL AND NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256) THEN
        RAISE EXCEPTION 'sources: a stored text and its SHA-256 cannot be rewritten'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END""",
    "factdb_source_through_factdb": f"""
BEGIN
    RAISE EXCEPTION '{SOURCES_THROUGH_FACTDB}' USING ERRCODE = 'insufficient_privilege';
END""",
    "factdb_record_claim_insert": """
BEGIN
    INSERT INTO claim_history (claim_id, action, actor, at, changes)
    VALUES (NEW.id, 'created', current_user, now(), json_build_object(
        'text', NEW.text, 'status', NEW.status, 'via', 'direct SQL'));
    RETURN NULL;
END""",
    "factdb_record_appearance_insert": """
BEGIN
    INSERT INTO claim_history (claim_id, action, actor, at, changes)
    VALUES (NEW.claim_id, 'appearance_added', current_user, now(), json_build_object(
        'source_id', NEW.source_id, 'quote', NEW.quote, 'via', 'direct SQL'));
    RETURN NULL;
END""",
    "factdb_record_claim_change": f"""
DECLARE
    changed jsonb;
BEGIN
    SELECT jsonb_object_agg(col, jsonb_build_object('before', before, 'after', after))
        INTO changed FROM ({_claim_changes("IS DISTINCT FROM", "({})::text")}) AS c;
    IF changed IS NOT NULL THEN
        INSERT INTO claim_history (claim_id, action, actor, at, changes)
        VALUES (NEW.id, {CHANGED_ACTION}, current_user, now(),
                (changed || jsonb_build_object('via', 'direct SQL'))::json);
    END IF;
    RETURN NULL;
END""",
    "factdb_record_tag_change": """
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO claim_history (claim_id, action, actor, at, changes)
        VALUES (NEW.claim_id, 'tagged', current_user, now(),
                json_build_object('added', json_build_array(NEW.tag), 'via', 'direct SQL'));
    ELSE
        INSERT INTO claim_history (claim_id, action, actor, at, changes)
        VALUES (OLD.claim_id, 'tagged', current_user, now(),
                json_build_object('removed', json_build_array(OLD.tag), 'via', 'direct SQL'));
    END IF;
    RETURN NULL;
END""",
    "factdb_record_direct_review": f"""
DECLARE
    before_status text;
    after_status text;
BEGIN
    SELECT status INTO before_status FROM claims WHERE id = NEW.claim_id;
    after_status := {NEWEST_STATUS.format(claim="NEW.claim_id")};
    INSERT INTO claim_history (claim_id, action, actor, at, changes)
    VALUES (NEW.claim_id, 'reviewed', current_user, now(), json_build_object(
        'review_id', NEW.id, 'reviewer', NEW.reviewer, 'review_status', NEW.status,
        'rating_label', NEW.rating_label, 'reviewed_at', NEW.reviewed_at,
        'status', json_build_object('before', before_status, 'after', after_status),
        'via', 'direct SQL'));
    UPDATE claims SET status = after_status
        WHERE id = NEW.claim_id AND status IS DISTINCT FROM after_status;
    RETURN NULL;
END""",
}
# In the trigger's WHEN, so that inside factdb's own transactions (a million-row import) no
# event is even queued.
RECORD_WHEN = f"WHEN ({POSTGRES_NOT_FACTDB})"
POSTGRES_TRIGGERS: list[tuple[str, ...]] = [
    *(
        (
            f"{table}_no_truncate",
            table,
            "BEFORE TRUNCATE",
            "FOR EACH STATEMENT",
            "factdb_append_only",
            "",
        )
        for table in APPEND_ONLY_TABLES
    ),
    (
        "reviews_not_in_future",
        "reviews",
        "BEFORE INSERT",
        "FOR EACH ROW",
        "factdb_review_not_in_future",
        "",
    ),
    (
        "sources_text_is_kept",
        "sources",
        "BEFORE UPDATE",
        "FOR EACH ROW",
        "factdb_source_text_is_kept",
        "",
    ),
    (
        "sources_change_through_factdb",
        "sources",
        "BEFORE UPDATE",
        "FOR EACH ROW",
        "factdb_source_through_factdb",
        RECORD_WHEN,
    ),
    (
        "claims_record_direct_insert",
        "claims",
        "AFTER INSERT",
        "FOR EACH ROW",
        "factdb_record_claim_insert",
        RECORD_WHEN,
    ),
    (
        "appearances_record_direct_insert",
        "appearances",
        "AFTER INSERT",
        "FOR EACH ROW",
        "factdb_record_appearance_insert",
        RECORD_WHEN,
    ),
    (
        "claims_record_direct_change",
        "claims",
        "AFTER UPDATE",
        "FOR EACH ROW",
        "factdb_record_claim_change",
        RECORD_WHEN,
    ),
    (
        "claim_tags_record_direct_change",
        "claim_tags",
        "AFTER INSERT OR DELETE",
        "FOR EACH ROW",
        "factdb_record_tag_change",
        RECORD_WHEN,
    ),
    (
        "reviews_record_direct_insert",
        "reviews",
        "AFTER INSERT",
        "FOR EACH ROW",
        "factdb_record_direct_review",
        RECORD_WHEN,
    ),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, body in POSTGRES_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$")
        for trigger, table, timing, each, function, when in POSTGRES_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {trigger} {timing} ON {table} {each} {when} "
                f"EXECUTE FUNCTION {function}()"
            )
    else:
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table, *_ in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger}")
