"""Reviews dated in the future are refused; one already stored does not stall the report."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from factdb.db import create_db_engine
from factdb.services.admin.schema import downgrade, schema_head, upgrade
from factdb.services.reporting.report import _every_month
from tests.helpers.cli import CliRun

FAR_FUTURE = "9999-12-31"


def test_verify_refuses_a_review_dated_ahead(cli: CliRun) -> None:
    assert cli("add", "A claim to check.", "--source", "https://news.example/").exit_code == 0
    refused = cli("verify", "1", "--status", "false", "--reviewed-at", FAR_FUTURE)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "Error: reviewed_at: 9999-12-31T00:00:00+00:00 is in the future "
        "(a review may be dated at most a day ahead)"
    ]
    tomorrow = (datetime.now(UTC) + timedelta(hours=20)).isoformat()
    assert cli("verify", "1", "--status", "false", "--reviewed-at", tomorrow).exit_code == 0


def test_import_refuses_a_review_dated_ahead_with_its_line(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "checks.jsonl"
    records = [
        {"text": "First claim.", "reviews": [{"status": "false", "reviewed_at": "2024-01-01"}]},
        {"text": "Second claim.", "reviews": [{"status": "false", "reviewed_at": "2031-05-01"}]},
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    refused = cli("import", str(path))
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "Error: checks.jsonl: line 2: reviews.0.reviewed_at: 2031-05-01T00:00:00+00:00 is in "
        "the future (a review may be dated at most a day ahead)"
    ]
    assert json.loads(cli("list", "--format", "json").stdout) == []


def test_months_are_compared_as_numbers() -> None:
    assert _every_month({"2024-11": 1, "2025-02": 3}) == [
        ("2024-11", 1), ("2024-12", 0), ("2025-01", 0), ("2025-02", 3)
    ]  # fmt: skip
    assert _every_month({"2024-01": 1, "9999-12": 2}) == [("2024-01", 1), ("9999-12", 2)]


@pytest.mark.parametrize("report_format", ["html", "markdown", "text"])
def test_report_with_a_review_dated_9999_already_stored(
    cli: CliRun, db_url: str, report_format: str
) -> None:
    """A database from before migration 0008 may hold such a review; it is reported as is."""
    for number in range(3):
        added = cli("add", f"Claim {number}.", "--source", "https://news.example/")
        assert added.exit_code == 0
        reviewed = cli(
            "verify", str(number + 1), "--status", "false", "--reviewed-at", "2024-02-01"
        )
        assert reviewed.exit_code == 0
    engine = create_db_engine(db_url)
    try:
        downgrade(engine=engine, revision="0005")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO reviews (claim_id, status, status_basis, rating_label, reviewer, "
                    "reviewed_at, created_at) VALUES (1, 'true', 'given', 'True', 'Mallory', "
                    f"'{FAR_FUTURE} 00:00:00', '2024-01-01 00:00:00')"
                )
            )
        assert upgrade(engine=engine) == schema_head()
    finally:
        engine.dispose()
    started = time.monotonic()
    report = cli("report", "--format", report_format)
    assert report.exit_code == 0, report.stderr
    assert time.monotonic() - started < 20
    assert "9999-12" in report.stdout
    assert "2024-02" in report.stdout
    assert "5000-01" not in report.stdout
