"""Eight processes hammer one database: every operation succeeds or says "try again", and the
record adds up afterwards."""

from __future__ import annotations

import multiprocessing
import random

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.db import create_db_engine
from factdb.models import Claim, ClaimTag, HistoryEntry, Review
from tests.helpers.cli import CliRun

WORKERS = 8
OPERATIONS_PER_WORKER = 100
BASE_CLAIMS = 10
STATUSES = ["true", "false", "mixed", "misleading", "mostly_true", "unproven"]

Outcome = tuple[str, int, str]


def _work(url: str, worker: int, operations: int) -> list[Outcome]:
    """One process: adds, verifies of the shared claims and edits, through the real CLI."""
    from typer.testing import CliRunner

    from tests.helpers.cli import invoke

    runner = CliRunner()
    chooser = random.Random(worker)
    outcomes: list[Outcome] = []
    for number in range(operations):
        kind = ("add", "verify", "edit")[number % 3]
        target = str(chooser.randint(1, BASE_CLAIMS))
        if kind == "add":
            args = ["add", f"Worker {worker} claim {number}", "--source", "https://news.example/",
                    "--claimant", f"Worker {worker}"]  # fmt: skip
        elif kind == "verify":
            args = ["verify", target, "--status", chooser.choice(STATUSES),
                    "--reviewer", f"Worker {worker}"]  # fmt: skip
        else:
            args = ["edit", target, "--tag", f"w{worker}-{number}"]
        result = invoke(runner, ["--db", url, *args])
        outcomes.append((kind, result.exit_code, result.output))
    return outcomes


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.slow
def test_eight_processes_of_adds_verifies_and_edits(cli: CliRun, db_url: str) -> None:
    for number in range(BASE_CLAIMS):
        added = cli("add", f"Shared claim {number}", "--source", "https://news.example/")
        assert added.exit_code == 0, added.stderr
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        history_before = _count(session, HistoryEntry)

    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = pool.starmap(
            _work, [(db_url, worker, OPERATIONS_PER_WORKER) for worker in range(WORKERS)]
        )
    outcomes = [outcome for worker in results for outcome in worker]
    assert len(outcomes) >= 800
    for kind, exit_code, output in outcomes:
        assert "Traceback" not in output, output
        assert exit_code in (0, 1), (kind, exit_code, output)
        if exit_code == 1:
            assert output.startswith("Error: "), (kind, output)
            assert "try again" in output, (kind, output)
    succeeded = {kind: sum(1 for k, code, _ in outcomes if k == kind and code == 0)
                 for kind in ("add", "verify", "edit")}  # fmt: skip
    assert sum(succeeded.values()) >= 0.9 * len(outcomes)

    try:
        with Session(engine) as session:
            assert _count(session, Review) == succeeded["verify"]
            assert _count(session, Claim) == BASE_CLAIMS + succeeded["add"]
            assert _count(session, ClaimTag) == succeeded["edit"]
            assert _count(session, HistoryEntry) == history_before + sum(succeeded.values())
            for claim in session.scalars(select(Claim)):
                newest = session.scalar(
                    select(Review.status)
                    .where(Review.claim_id == claim.id)
                    .order_by(Review.reviewed_at.desc(), Review.id.desc())
                    .limit(1)
                )
                assert claim.status == (newest or "unverified"), claim.id
    finally:
        engine.dispose()
