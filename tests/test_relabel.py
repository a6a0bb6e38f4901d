"""factdb relabel: a corrected rating map applies to the reviews already stored, logged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, IntegrityError, InternalError, OperationalError

from factdb.db import create_db_engine
from factdb.ratings.mapper import RatingMapper
from factdb.services.reviews.relabel import relabel_reviews
from tests.helpers.cli import CliRun

ROWS = """text,rating_label,reviewer,review_url,reviewed_at
The bridge cost twice the budget,Meia-boca,Agência Exemplo,https://check.example/1,2024-03-01
Unemployment fell by half,Falso,Agência Exemplo,https://check.example/2,2024-03-02
Exports doubled last year,Meia-boca,Agência Exemplo,https://check.example/3,2024-03-03
"""
IMPORT_MAP = ["--map", "text=text", "--map", "rating_label=rating_label",
              "--map", "reviewer=reviewer", "--map", "review_url=review_url",
              "--map", "reviewed_at=reviewed_at"]  # fmt: skip
REFUSED = (IntegrityError, OperationalError, InternalError, DatabaseError)


@pytest.fixture
def imported(cli: CliRun, tmp_path: Path) -> Path:
    data = tmp_path / "checks.csv"
    data.write_text(ROWS, encoding="utf-8")
    result = cli("import", str(data), *IMPORT_MAP)
    assert result.exit_code == 0, result.stderr
    return data


@pytest.fixture
def rating_map(tmp_path: Path) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text("label,status\nMeia-boca,mixed\n", encoding="utf-8")
    return path


def _claims(cli: CliRun) -> dict[str, dict[str, Any]]:
    listed = json.loads(cli("list", "--format", "json").stdout)
    return {claim["text"]: claim for claim in listed}


def _history(cli: CliRun, claim_id: int) -> list[dict[str, Any]]:
    result = cli("history", str(claim_id), "--format", "json")
    assert result.exit_code == 0, result.stderr
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


def test_relabel_applies_a_corrected_map_and_logs_it(
    cli: CliRun, imported: Path, rating_map: Path
) -> None:
    before = _claims(cli)
    bridge = before["The bridge cost twice the budget"]
    assert bridge["status"] == "other"
    assert bridge["reviews"][0]["status_basis"] == "unmapped"

    result = cli("relabel", "--rating-map", str(rating_map))
    assert result.exit_code == 0, result.stderr
    assert "reviews examined: 3; changed: 2" in result.stdout
    assert "claims relabeled: 2; whose status changed: 2" in result.stdout
    assert "other -> mixed: 2" in result.stdout

    after = _claims(cli)
    review = after["The bridge cost twice the budget"]["reviews"][0]
    assert (review["status"], review["status_basis"]) == ("mixed", "custom")
    assert review["rating_label"] == "Meia-boca"  # what was published never changes
    assert after["The bridge cost twice the budget"]["status"] == "mixed"
    assert after["Unemployment fell by half"] == before["Unemployment fell by half"]

    entry = _history(cli, bridge["id"])[-1]
    assert entry["action"] == "relabeled"
    assert entry["changes"]["status"] == {"before": "other", "after": "mixed"}
    assert entry["changes"]["reviews"] == [
        {
            "review_id": review["id"],
            "rating_label": "Meia-boca",
            "status": {"before": "other", "after": "mixed"},
            "status_basis": {"before": "unmapped", "after": "custom"},
        }
    ]

    again = cli("relabel", "--rating-map", str(rating_map))
    assert "reviews examined: 3; changed: 0" in again.stdout
    # Without the map the built-in table applies again, and that is logged too.
    back = cli("relabel")
    assert "mixed -> other: 2" in back.stdout
    assert _claims(cli)["The bridge cost twice the budget"]["status"] == "other"
    assert [e["action"] for e in _history(cli, bridge["id"])][-2:] == ["relabeled", "relabeled"]


def test_dry_run_writes_nothing(cli: CliRun, imported: Path, rating_map: Path, counts: Any) -> None:
    before_claims, before_counts = _claims(cli), counts()
    result = cli("relabel", "--rating-map", str(rating_map), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "changed: 2" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert _claims(cli) == before_claims
    assert counts() == before_counts


def test_reimport_after_relabel_still_adds_nothing(
    cli: CliRun, imported: Path, rating_map: Path
) -> None:
    assert cli("relabel", "--rating-map", str(rating_map)).exit_code == 0
    again = cli("import", str(imported), *IMPORT_MAP, "--rating-map", str(rating_map))
    assert again.exit_code == 0, again.stderr
    assert "0 created, 0 merged, 3 already present" in again.stdout
    assert "reviews added: 0" in again.stdout


def test_reviewers_own_verdicts_are_never_relabeled(cli: CliRun, imported: Path) -> None:
    claim = _claims(cli)["Exports doubled last year"]
    verified = cli("verify", str(claim["id"]), "--status", "true", "--rating-label", "Meia-boca")
    assert verified.exit_code == 0, verified.stderr
    map_file = imported.parent / "false.csv"
    map_file.write_text("Meia-boca,false\n", encoding="utf-8")
    assert cli("relabel", "--rating-map", str(map_file)).exit_code == 0
    reviews = _claims(cli)["Exports doubled last year"]["reviews"]
    statuses = {(r["status"], r["status_basis"]) for r in reviews}
    assert statuses == {("false", "custom"), ("true", "given")}
    assert _claims(cli)["Exports doubled last year"]["status"] == "true"


def test_deleted_claims_are_left_alone(cli: CliRun, imported: Path, rating_map: Path) -> None:
    claim = _claims(cli)["Exports doubled last year"]
    assert cli("delete", str(claim["id"]), "--reason", "duplicate").exit_code == 0
    result = cli("relabel", "--rating-map", str(rating_map))
    assert "reviews examined: 2; changed: 1" in result.stdout


def test_relabel_service_reports_without_a_cli(session: Any) -> None:
    summary = relabel_reviews(session=session, mapper=RatingMapper(), actor="tester")
    assert (summary.reviews_examined, summary.reviews_changed) == (0, 0)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE reviews SET rating_label = 'Verdadeiro'",
        "UPDATE reviews SET reviewer = 'Someone else'",
        "UPDATE reviews SET note = 'rewritten'",
        "UPDATE reviews SET url = 'https://forged.example/'",
        "UPDATE reviews SET rating_value = 5",
        "UPDATE reviews SET claim_id = claim_id + 1",
        "UPDATE reviews SET status = 'true', rating_label = 'Verdadeiro'",
        # a derived status may not be passed off as a reviewer's own verdict
        "UPDATE reviews SET status = 'true', status_basis = 'given'",
        "DELETE FROM reviews",
    ],
)
def test_only_the_derived_status_of_a_review_can_change(
    cli: CliRun, imported: Path, db_url: str, statement: str
) -> None:
    engine = create_db_engine(db_url)
    try:
        with pytest.raises(REFUSED) as raised, engine.begin() as connection:
            connection.execute(text(statement))
        assert "append-only" in str(raised.value)
        # The one change relabel makes goes through, on both dialects.
        with engine.begin() as connection:
            changed = connection.execute(
                text("UPDATE reviews SET status = 'mixed', status_basis = 'custom'")
            )
            assert changed.rowcount == 3
    finally:
        engine.dispose()


def test_a_reviewers_verdict_cannot_be_rewritten(cli: CliRun, imported: Path, db_url: str) -> None:
    claim = _claims(cli)["Exports doubled last year"]
    assert cli("verify", str(claim["id"]), "--status", "true").exit_code == 0
    engine = create_db_engine(db_url)
    try:
        with pytest.raises(REFUSED), engine.begin() as connection:
            connection.execute(
                text("UPDATE reviews SET status = 'false' WHERE status_basis = 'given'")
            )
    finally:
        engine.dispose()


def test_history_reads_a_relabel(cli: CliRun, imported: Path, rating_map: Path) -> None:
    assert cli("relabel", "--rating-map", str(rating_map)).exit_code == 0
    claim = _claims(cli)["The bridge cost twice the budget"]
    shown = cli("history", str(claim["id"]))
    assert shown.exit_code == 0, shown.stderr
    flat = " ".join(shown.stdout.split())
    assert "relabeled" in flat
    assert "other → mixed" in flat


def test_a_bad_rating_map_changes_nothing(
    cli: CliRun, imported: Path, tmp_path: Path, counts: Any
) -> None:
    before = counts()
    bad = tmp_path / "bad.csv"
    bad.write_text("Meia-boca,half-right\n", encoding="utf-8")
    result = cli("relabel", "--rating-map", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: rating map")
    assert "line 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("relabel", "--rating-map", str(tmp_path / "missing.csv")).exit_code == 2
    assert counts() == before


PUBLISHED = """text,rating_label,review_url
A photo shows last week's flood,False context,https://correctiv.org/faktencheck/2021/05/flood/
A video shows yesterday's march,False context,https://www.cekfakta.com/focus/march
"""


def test_a_publishers_own_scale_decides_on_import_and_on_relabel(
    cli: CliRun, tmp_path: Path
) -> None:
    """Correctiv rates "False context" apart from "False"; on its reviews the label is
    misleading, elsewhere false, and relabel reads each review on its publisher's scale."""
    data = tmp_path / "published.csv"
    data.write_text(PUBLISHED, encoding="utf-8")
    mapping = ["--map", "text=text", "--map", "rating_label=rating_label"]
    result = cli("import", str(data), *mapping, "--map", "review_url=review_url")
    assert result.exit_code == 0, result.stderr
    statuses = {text: claim["status"] for text, claim in _claims(cli).items()}
    assert statuses == {
        "A photo shows last week's flood": "misleading",
        "A video shows yesterday's march": "false",
    }

    rating_map = tmp_path / "ratings.csv"
    rating_map.write_text("label,status\nFalse context,mixed\n", encoding="utf-8")
    assert cli("relabel", "--rating-map", str(rating_map)).exit_code == 0
    assert {claim["status"] for claim in _claims(cli).values()} == {"mixed"}

    result = cli("relabel")
    assert result.exit_code == 0, result.stderr
    statuses = {text: claim["status"] for text, claim in _claims(cli).items()}
    assert statuses == {
        "A photo shows last week's flood": "misleading",
        "A video shows yesterday's march": "false",
    }
