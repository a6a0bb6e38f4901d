"""An import killed with SIGKILL midway leaves a consistent database and none of that import;
running it again completes it without duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from factdb.db import create_db_engine, is_sqlite, sqlite_path
from factdb.models import Appearance, Claim, HistoryEntry, Review
from tests.helpers.paths import REPO_ROOT

RECORDS = 100_000
STARTUP_TIMEOUT = 60.0


def _write_records(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(RECORDS):
            record = {
                "text": f"Claim number {number} says prices rose {number % 97} percent",
                "claimant": {"name": f"Speaker {number % 300}"},
                "tags": [f"topic-{number % 11}"],
                "appearances": [{"source": {"url": f"https://news.example/{number % 5000}"}}],
            }
            if number % 4 == 0:
                record["reviews"] = [{"rating_label": "Falso", "reviewer": "Desk",
                                      "url": f"https://desk.example/{number}"}]  # fmt: skip
            handle.write(json.dumps(record) + "\n")


def _import(url: str, path: Path, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "factdb", "--db", url, "import", str(path), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_until_writing(process: subprocess.Popen[str], url: str) -> None:
    """Until the import has written for a while, and is still running."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    wal = sqlite_path(url) if is_sqlite(url) else None
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if wal is not None:
            journal = wal.with_name(wal.name + "-wal")
            if journal.exists() and journal.stat().st_size > 4 * 1024 * 1024:
                return
        elif _server_import_writing(url):
            return
        time.sleep(0.05)
    raise AssertionError("the import did not start writing in time")


def _server_import_writing(url: str) -> bool:
    """Whether another session's open transaction has written rows (it has a transaction id)."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            writing = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar_one()
        return bool(writing)
    finally:
        engine.dispose()


def _check_consistency(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        with Session(engine) as session:
            counts = {
                "claims": session.scalar(select(func.count()).select_from(Claim)) or 0,
                "distinct": session.scalar(select(func.count(func.distinct(Claim.fingerprint))))
                or 0,
                "appearances": session.scalar(select(func.count()).select_from(Appearance)) or 0,
                "reviews": session.scalar(select(func.count()).select_from(Review)) or 0,
                "history": session.scalar(select(func.count()).select_from(HistoryEntry)) or 0,
            }
            unverified_with_reviews = session.scalar(
                select(func.count())
                .select_from(Claim)
                .where(Claim.status == "unverified", Claim.reviews.any())
            )
            assert unverified_with_reviews == 0
        return counts
    finally:
        engine.dispose()


@pytest.mark.slow
def test_killed_import_leaves_nothing_and_a_rerun_completes(db_url: str, tmp_path: Path) -> None:
    records = tmp_path / "big.jsonl"
    _write_records(records)
    process = _import(db_url, records)
    _wait_until_writing(process, db_url)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    after_kill = _check_consistency(db_url)
    assert after_kill == {"claims": 0, "distinct": 0, "appearances": 0, "reviews": 0, "history": 0}

    # The killed import embedded as it wrote (the default); the rerun need not spend minutes
    # embedding 100,000 claims to show that it completes without duplicates.
    rerun = _import(db_url, records, "--no-index")
    stdout, stderr = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, stderr
    assert f"{RECORDS:,} created" in stdout
    done = _check_consistency(db_url)
    assert done["claims"] == done["distinct"] == done["appearances"] == RECORDS
    assert done["reviews"] == RECORDS // 4
    assert done["history"] == RECORDS
