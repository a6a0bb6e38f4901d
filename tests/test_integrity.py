"""The record cannot be quietly rewritten: versions, soft deletion, history, triggers, escaping."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError, InternalError, OperationalError

from factdb.db import create_db_engine
from factdb.formats.csv_report import neutralize_cell, restore_cell
from tests.helpers.cli import CliRun, make_cli


@pytest.fixture
def claim(cli: CliRun) -> str:
    added = cli("add", "Unemployment fell to 4.1% in March.", "--source", "https://news.example/a",
                "--claimant", "Jane Roe", "--tag", "economy")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return added.stdout.strip()


def _show(cli: CliRun, claim_id: str) -> dict[str, object]:
    shown = cli("show", claim_id, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


def test_history_shows_every_kind_of_change_with_actors(cli: CliRun, claim: str) -> None:
    ana, ben = {"FACTDB_REVIEWER": "Ana"}, {"FACTDB_REVIEWER": "Ben"}
    assert cli("verify", claim, "--status", "false", env=ana).exit_code == 0
    assert cli("verify", claim, "--status", "mostly_false", env=ben).exit_code == 0
    edited = cli("edit", claim, "--text", "Unemployment fell to 4.2% in March.",
                 "--reason", "typo", env=ana)  # fmt: skip
    assert edited.exit_code == 0, edited.stderr
    assert cli("delete", claim, "--reason", "duplicate", env=ben).exit_code == 0
    assert cli("restore", claim, "--reason", "not a duplicate", env=ana).exit_code == 0

    entries = json.loads(cli("history", claim, "--format", "json").stdout)
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("created", "Test Reviewer"),
        ("reviewed", "Ana"),
        ("reviewed", "Ben"),
        ("edited", "Ana"),
        ("deleted", "Ben"),
        ("restored", "Ana"),
    ]
    assert entries[2]["changes"]["status"] == {"before": "false", "after": "mostly_false"}
    assert entries[3]["changes"]["text"] == {
        "before": "Unemployment fell to 4.1% in March.",
        "after": "Unemployment fell to 4.2% in March.",
    }
    assert entries[3]["changes"]["reason"] == "typo"
    assert entries[4]["changes"]["reason"] == "duplicate"
    table = cli("history", claim).stdout
    assert "4.1% in March. → Unemployment fell to 4.2%" in table


def test_edit_changes_only_what_is_given_and_bumps_the_version(cli: CliRun, claim: str) -> None:
    before = _show(cli, claim)
    assert before["version"] == 1
    result = cli("edit", claim, "--tag", "jobs", "--untag", "economy", "--claim-date", "2024-04-01")
    assert result.exit_code == 0, result.stderr
    after = _show(cli, claim)
    assert after["version"] == 2
    assert after["tags"] == ["jobs"]
    assert after["claim_date"] == "2024-04-01"
    assert after["text"] == before["text"]
    unchanged = cli("edit", claim, "--claim-date", "2024-04-01")
    assert "nothing" in unchanged.stdout
    assert _show(cli, claim)["version"] == 2
    assert cli("edit", claim, "--tag", "x").exit_code == 0
    history = json.loads(cli("history", claim, "--format", "json").stdout)
    assert history[-1]["action"] == "tagged"


def test_expect_version_refuses_a_stale_edit(
    cli: CliRun, claim: str, counts: Callable[[], dict[str, int]]
) -> None:
    assert cli("verify", claim, "--status", "false").exit_code == 0  # version 1 → 2
    before = counts()
    stale = cli("edit", claim, "--text", "Something else entirely", "--expect-version", "1")
    assert stale.exit_code == 1
    assert "version 2, not 1" in stale.stderr
    assert counts() == before
    assert _show(cli, claim)["text"] == "Unemployment fell to 4.1% in March."
    fresh = cli("edit", claim, "--text", "Something else entirely", "--expect-version", "2")
    assert fresh.exit_code == 0, fresh.stderr


def test_edit_refuses_a_duplicate_text(cli: CliRun, claim: str) -> None:
    cli("add", "Another claim", "--source", "https://news.example/b")
    refused = cli("edit", "2", "--text", "unemployment fell to 4.1% in march.")
    assert refused.exit_code == 1
    assert f"claim {claim} already has this text" in refused.stderr
    assert cli("edit", "2", "--text", "unemployment fell to 4.1% in march.",
               "--allow-duplicate").exit_code == 0  # fmt: skip


def test_edit_needs_a_change() -> None:
    from pydantic import ValidationError

    from factdb.schemas.claims import ClaimUpdate

    with pytest.raises(ValidationError, match="at least one change"):
        ClaimUpdate(reason="nothing")


def test_soft_delete_hides_and_restore_brings_back(cli: CliRun, claim: str, tmp_path: Path) -> None:
    cli("add", "Second claim", "--source", "https://news.example/b")
    assert cli("delete", claim, "--reason", "retracted").exit_code == 0
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert [item["text"] for item in listed] == ["Second claim"]
    exported = list(csv.DictReader(io.StringIO(cli("export").stdout)))
    assert [row["text"] for row in exported] == ["Second claim"]
    assert len(json.loads(cli("list", "-f", "json", "--include-deleted").stdout)) == 2
    shown = _show(cli, claim)
    assert shown["deleted_at"] is not None
    assert "DELETED" in cli("show", claim).stdout
    refused = cli("verify", claim, "--status", "true")
    assert refused.exit_code == 1
    assert "is deleted" in refused.stderr
    assert cli("delete", claim, "--reason", "again").exit_code == 1
    assert cli("restore", claim).exit_code == 0
    assert cli("restore", claim).exit_code == 1
    assert len(json.loads(cli("list", "--format", "json").stdout)) == 2


def test_delete_needs_a_reason(cli: CliRun, claim: str) -> None:
    result = cli("delete", claim)
    assert result.exit_code == 2
    assert "reason" in result.stderr


APPEND_ONLY = [
    "UPDATE reviews SET status = 'true'",
    "DELETE FROM reviews",
    "UPDATE evidence SET url = 'https://forged.example/'",
    "DELETE FROM evidence",
    "UPDATE claim_history SET actor = 'someone else'",
    "DELETE FROM claim_history",
]


@pytest.mark.parametrize("statement", APPEND_ONLY)
def test_raw_sql_cannot_rewrite_reviews_or_history(
    cli: CliRun, claim: str, db_url: str, statement: str
) -> None:
    assert (
        cli("verify", claim, "--status", "false", "--evidence", "https://e.example/1").exit_code
        == 0
    )
    engine = create_db_engine(db_url)
    try:
        with (
            pytest.raises(
                (IntegrityError, OperationalError, InternalError, DatabaseError)
            ) as raised,
            engine.begin() as connection,
        ):
            connection.execute(text(statement))
        assert "append-only" in str(raised.value)
    finally:
        engine.dispose()
    shown = _show(cli, claim)
    assert shown["status"] == "false"


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "'=already quoted",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_neutralising_is_exactly_reversible(formula: str) -> None:
    assert restore_cell(neutralize_cell(formula)) == formula
    assert not neutralize_cell(formula).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_neutralises_formulas_and_raw_keeps_them(cli: CliRun, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example","x")'
    assert (
        cli("add", formula, "--source", "https://news.example/f", "--claimant", "@handle").exit_code
        == 0
    )
    cli("verify", "1", "--status", "false", "--note", "-1 is not the figure")
    row = next(csv.DictReader(io.StringIO(cli("export").stdout)))
    assert row["text"] == "'" + formula
    assert row["claimant"] == "'@handle"
    assert row["note"] == "'-1 is not the figure"
    raw = next(csv.DictReader(io.StringIO(cli("export", "--raw").stdout)))
    assert raw["text"] == formula
    listed = next(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert listed["text"] == "'" + formula
    backup = json.loads(cli("export", "--format", "jsonl").stdout)
    assert backup["text"] == formula

    report = tmp_path / "report.csv"
    report.write_text(cli("export").stdout, encoding="utf-8")
    target = make_cli(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    assert target("import", str(report)).exit_code == 0
    copied = json.loads(target("list", "-f", "json").stdout)[0]
    assert copied["text"] == formula
    assert copied["claimant"]["name"] == "@handle"


WRITER = """
import sys
from pathlib import Path
from factdb.db import create_db_engine, transaction
from factdb.schemas.claims import AppearanceCreate, ClaimCreate
from factdb.services.claims.recording import create_claim

engine = create_db_engine(sys.argv[1])
stop = Path(sys.argv[2])
number = 0
while not stop.exists():
    number += 1
    claim = ClaimCreate(
        text=f"Concurrent claim number {number}",
        appearance=AppearanceCreate(source="https://w.example/"),
    )
    with transaction(engine) as session:
        create_claim(session=session, claim_in=claim, actor="writer")
    if number == 1:
        print("writing", flush=True)
print(number)
"""


def test_backup_while_another_process_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    cli = make_cli(url)
    assert cli("seed").exit_code == 0
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        # A loaded machine can take seconds to start the writer: back up only once it writes.
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        copies = [tmp_path / f"backup-{n}.sqlite3" for n in range(3)]
        for copy in copies:
            time.sleep(0.3)
            result = cli("backup", str(copy))
            assert result.exit_code == 0, result.stderr
    finally:
        stop.touch()
        written, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0, written
    assert int(written) > 0
    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            claims = connection.execute("SELECT count(*) FROM claims").fetchone()[0]
            created = connection.execute(
                "SELECT count(*) FROM claim_history WHERE action = 'created'"
            ).fetchone()[0]
            assert claims == created >= 19
            counts.append(claims)
        finally:
            connection.close()
    assert counts == sorted(counts)
    assert not list(tmp_path.glob(".*.partial"))
    refused = cli("backup", str(copies[0]))
    assert refused.exit_code == 1
    assert "exists" in refused.stderr


def test_backup_of_a_server_database_points_to_pg_dump(
    cli: CliRun, dialect: str, tmp_path: Path
) -> None:
    result = cli("backup", str(tmp_path / "copy.sqlite3"))
    if dialect == "postgresql":
        assert result.exit_code == 2
        assert "pg_dump" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr


def test_password_never_appears(tmp_path: Path) -> None:
    secret = "Sup3r-s3cret"
    for command in (["list"], ["info"], ["db", "current"], ["add", "x", "--source", "1"]):
        result = make_cli(f"postgresql://desk:{secret}@127.0.0.1:1/factdb")(*command)
        assert result.exit_code == 1
        assert secret not in result.output
        assert result.stderr.startswith("Error: cannot reach the database")
    info = make_cli(f"sqlite:///{tmp_path / 'x.sqlite3'}")("info")
    assert info.exit_code == 0


def test_password_is_masked_in_messages() -> None:
    from factdb.cli.errors import _one_line
    from factdb.db import mask_url

    assert "hunter2" not in _one_line("failed for postgresql://u:hunter2@h/db here")
    assert "hunter2" not in _one_line("connection options: password=hunter2 host=x")
    assert mask_url("postgresql+psycopg://u:hunter2@h/db") == "postgresql+psycopg://u:***@h/db"
