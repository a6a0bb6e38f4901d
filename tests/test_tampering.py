"""Hand-written SQL against the record: refused, or recorded in the history (issue 12).

The statements are the probe's. On SQLite they run as whoever can write the file, on PostgreSQL
as the owner here; tests/test_postgres_roles.py runs them as the README's desk role.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from factdb.db import create_db_engine
from tests.helpers.cli import CliRun

REPLACES = {
    "reviews": "REPLACE INTO reviews (id, claim_id, status, status_basis, rating_label, "
    "reviewer, reviewed_at, created_at) VALUES (1, 1, 'true', 'given', 'True', 'Mallory', "
    "'2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')",
    "evidence": "REPLACE INTO evidence (id, review_id, url, stance) "
    "VALUES (1, 1, 'https://forged.example/', 'supports')",
    "claim_history": "REPLACE INTO claim_history (id, claim_id, action, actor, at, changes) "
    "VALUES (1, 1, 'created', 'Mallory', '2024-01-01 00:00:00.000000', '{}')",
}
TRUNCATES = [f"TRUNCATE {table} CASCADE" for table in ("reviews", "evidence", "claim_history")]


def reviewed_claim(cli: CliRun) -> None:
    """Claim 1, tagged, reviewed 'false' with one evidence link; its source has a text."""
    added = cli(
        "add",
        "Unemployment fell to 4.1% in March.",
        "--source",
        "https://news.example/a",
        "--tag",
        "economy",
    )
    assert added.exit_code == 0, added.stderr
    verified = cli(
        "verify",
        "1",
        "--status",
        "false",
        "--evidence",
        "https://e.example/1",
        "--reviewed-at",
        "2024-03-02",
    )
    assert verified.exit_code == 0, verified.stderr


def run(engine: Engine, statement: str, **params: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def refused(engine: Engine, statement: str, **params: Any) -> str:
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        connection.execute(text(statement), params)
    return str(raised.value.orig)


def claim_id(engine: Engine, text_of_claim: str) -> int:
    with engine.connect() as connection:
        found: int = connection.execute(
            text("SELECT id FROM claims WHERE text = :text"), {"text": text_of_claim}
        ).scalar_one()
    return found


def history(cli: CliRun, claim: str = "1") -> list[dict[str, Any]]:
    shown = cli("history", claim, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    entries: list[dict[str, Any]] = json.loads(shown.stdout)
    return entries


def show(cli: CliRun, claim: str = "1") -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(cli("show", claim, "--format", "json").stdout)
    return shown


def direct_sql_is_recorded_or_refused(cli: CliRun, engine: Engine, actor: str) -> None:
    """The probe's direct changes, by ``engine``'s user; ``actor`` is what history must name."""
    reviewed_claim(cli)
    before = len(history(cli))

    run(
        engine,
        "UPDATE claims SET status = 'true', text = 'Rewritten.', deleted_at = :now WHERE id = 1",
        now="2024-05-01 00:00:00",
    )
    entries = history(cli)
    assert len(entries) == before + 1
    forged = entries[-1]
    assert (forged["action"], forged["actor"]) == ("deleted", actor)
    assert forged["changes"]["status"] == {"before": "false", "after": "true"}
    assert forged["changes"]["text"]["after"] == "Rewritten."
    assert forged["changes"]["via"] == "direct SQL"

    run(engine, "DELETE FROM claim_tags WHERE claim_id = 1")
    tagged = history(cli)[-1]
    assert (tagged["action"], tagged["actor"]) == ("tagged", actor)
    assert tagged["changes"]["removed"] == ["economy"]

    # A source has no history of its own: outside factdb, none of its fields may change.
    for rewrite in (
        "text = 'Forged.', text_sha256 = :sha",
        "text_sha256 = :sha",
        "title = 'Forged title', publisher = :sha",
        "url = 'https://forged.example/'",
    ):
        message = refused(engine, f"UPDATE sources SET {rewrite} WHERE id = 1", sha="0" * 64)
        assert "only through factdb" in message or "cannot be rewritten" in message

    # Rows added by hand are recorded as factdb would record them.
    run(
        engine,
        "INSERT INTO sources (url, created_at) VALUES ('https://hand.example/', :now)",
        now="2024-05-01 00:00:00",
    )
    run(
        engine,
        "INSERT INTO appearances (claim_id, source_id, quote, created_at) "
        "SELECT 1, id, 'fell to 4.1%', :now FROM sources WHERE url = 'https://hand.example/'",
        now="2024-05-01 00:00:00",
    )
    appeared = history(cli)[-1]
    assert (appeared["action"], appeared["actor"]) == ("appearance_added", actor)
    assert appeared["changes"]["quote"] == "fell to 4.1%"
    run(
        engine,
        "INSERT INTO claims (uid, text, fingerprint, status, created_at, updated_at, version) "
        "VALUES (:uid, 'Typed in by hand.', :fingerprint, 'unverified', :now, :now, 1)",
        uid="0" * 32,
        fingerprint="f" * 64,
        now="2024-05-01 00:00:00",
    )
    created = history(cli, str(claim_id(engine, "Typed in by hand.")))
    assert [(entry["action"], entry["actor"]) for entry in created] == [("created", actor)]
    assert created[0]["changes"]["via"] == "direct SQL"

    message = refused(
        engine,
        "INSERT INTO reviews (claim_id, status, status_basis, "
        "rating_label, reviewer, reviewed_at, created_at) VALUES (1, 'true', 'given', "
        "'True', 'Mallory', '2030-01-01 00:00:00', '2024-01-01 00:00:00')",
    )
    assert "in the future" in message

    run(
        engine,
        "INSERT INTO reviews (claim_id, status, status_basis, rating_label, reviewer, "
        "reviewed_at, created_at) VALUES (1, 'mixed', 'given', 'Mixed', 'Mallory', "
        "'2024-06-01 00:00:00', '2024-06-01 00:00:00')",
    )
    assert show(cli)["status"] == "mixed"
    review = history(cli)[-1]
    assert (review["action"], review["actor"]) == ("reviewed", actor)
    assert review["changes"]["reviewer"] == "Mallory"
    assert review["changes"]["status"] == {"before": "true", "after": "mixed"}


def test_direct_sql_is_recorded_or_refused(cli: CliRun, db_url: str, dialect: str) -> None:
    engine = create_db_engine(db_url)
    try:
        actor = "(direct SQL)" if dialect == "sqlite" else "postgres"
        direct_sql_is_recorded_or_refused(cli, engine, actor)
    finally:
        engine.dispose()


def test_factdb_changes_have_exactly_one_entry_each(cli: CliRun) -> None:
    reviewed_claim(cli)
    assert cli("edit", "1", "--text", "New words.", "--untag", "economy").exit_code == 0
    assert cli("edit", "1", "--tag", "jobs").exit_code == 0
    assert cli("delete", "1", "--reason", "test").exit_code == 0
    assert cli("restore", "1").exit_code == 0
    entries = history(cli)
    assert [entry["action"] for entry in entries] == [
        "created",
        "reviewed",
        "edited",
        "tagged",
        "deleted",
        "restored",
    ]
    assert {entry["actor"] for entry in entries} == {"Test Reviewer"}


@pytest.mark.parametrize("dialect", ["sqlite"])  # REPLACE INTO is SQLite's own statement
@pytest.mark.parametrize("table", sorted(REPLACES))
def test_replace_cannot_rewrite_the_record_on_sqlite(cli: CliRun, db_url: str, table: str) -> None:
    reviewed_claim(cli)
    engine = create_db_engine(db_url)
    try:
        assert "append-only" in refused(engine, REPLACES[table])
        assert "append-only" in refused(
            engine, REPLACES[table].replace("REPLACE", "INSERT OR REPLACE", 1)
        )
    finally:
        engine.dispose()
    assert show(cli)["status"] == "false"
    assert history(cli)[0]["action"] == "created"


@pytest.mark.parametrize("dialect", ["postgresql"])  # SQLite has no TRUNCATE (DELETE is refused)
@pytest.mark.parametrize("statement", TRUNCATES)
def test_owner_cannot_truncate_the_record_on_postgresql(
    cli: CliRun, db_url: str, statement: str
) -> None:
    reviewed_claim(cli)
    engine = create_db_engine(db_url)
    try:
        assert "append-only" in refused(engine, statement)
        assert "append-only" in refused(engine, "TRUNCATE claims CASCADE")
    finally:
        engine.dispose()
    assert len(history(cli)) == 2
