"""Processes racing each other get exactly what one after the other would give (issue 12).

Each case starts real processes that wait for one common start time, then run the CLI.
"""

from __future__ import annotations

import csv
import multiprocessing
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.db import create_db_engine
from factdb.models import Claim, Review
from tests.helpers.cli import CliRun

WORKERS = 8
# Long enough for every spawned interpreter to import factdb before the start.
START_DELAY_S = 6.0

Outcome = tuple[int, str, str]


def _run_at(start: float, url: str, args: list[str]) -> Outcome:
    from typer.testing import CliRunner

    from tests.helpers.cli import app_for

    runner = CliRunner()
    argv = ["--db", url, *args]
    command = app_for(argv)  # built before the start, so that every process starts at once
    time.sleep(max(0.0, start - time.time()))
    result = runner.invoke(command, argv)
    return result.exit_code, result.stdout, result.stderr


def _race(url: str, commands: list[list[str]]) -> list[Outcome]:
    start = time.time() + START_DELAY_S
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(commands)) as pool:
        return pool.starmap(_run_at, [(start, url, args) for args in commands])


def _count(url: str, model: type[object]) -> int:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_eight_identical_adds_make_one_claim(db_url: str) -> None:
    text = "The bridge cost 40 million euros."
    outcomes = _race(
        db_url, [["add", text, "--source", "https://news.example/a"] for _ in range(WORKERS)]
    )
    winners = [outcome for outcome in outcomes if outcome[0] == 0]
    losers = [outcome for outcome in outcomes if outcome[0] != 0]
    assert len(winners) == 1, outcomes
    assert _count(db_url, Claim) == 1
    for exit_code, _, stderr in losers:
        assert exit_code == 1
        assert stderr.startswith("Error: claim 1 already has this text"), stderr


@pytest.mark.slow
def test_eight_edits_to_one_text_leave_one_claim_with_it(cli: CliRun, db_url: str) -> None:
    for number in range(WORKERS):
        assert cli("add", f"Claim number {number}", "--source", "https://n.example/").exit_code == 0
    outcomes = _race(
        db_url, [["edit", str(number + 1), "--text", "The same words"] for number in range(WORKERS)]
    )
    winners = [outcome for outcome in outcomes if outcome[0] == 0]
    assert len(winners) == 1, outcomes
    edited = [row for row in cli("list", "--format", "jsonl").stdout.splitlines() if "same" in row]
    assert len(edited) == 1
    for exit_code, _, stderr in (outcome for outcome in outcomes if outcome[0] != 0):
        assert exit_code == 1
        assert stderr.startswith("Error: claim "), stderr
        assert "already has this text" in stderr, stderr


def test_three_imports_of_one_file_add_it_once(db_url: str, tmp_path: Path) -> None:
    rows = 300
    path = tmp_path / "checks.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Claim", "Verdict", "Checked by", "Date"])
        for number in range(rows):
            writer.writerow([f"Imported claim {number}", "False", "Desk", "2024-03-01"])
    mapping = ["--map", "Claim=text", "--map", "Verdict=rating_label",
               "--map", "Checked by=reviewer", "--map", "Date=reviewed_at"]  # fmt: skip
    outcomes = _race(db_url, [["import", str(path), *mapping] for _ in range(3)])
    assert all(exit_code == 0 for exit_code, _, _ in outcomes), outcomes
    assert _count(db_url, Claim) == rows
    assert _count(db_url, Review) == rows


@pytest.mark.slow
def test_eight_first_commands_on_a_new_sqlite_file_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'fresh.sqlite3'}"
    outcomes = _race(url, [["list"] for _ in range(WORKERS)])
    assert [exit_code for exit_code, _, _ in outcomes] == [0] * WORKERS, outcomes
