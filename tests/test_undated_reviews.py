"""Reviews without a date keep none, and "newest" has one meaning everywhere, on both dialects.

The rule (factdb.models.NEWEST_REVIEW_FIRST): dated reviews by date, newest first; undated
reviews after every dated one, the one recorded last first. verify, import, the CSV export, the
report and `show` must all agree with it, although SQLite and PostgreSQL sort NULL differently.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from factdb.schemas.claims import ClaimFilter
from factdb.services.reporting.report import report_summary
from tests.helpers.cli import CliRun
from tests.helpers.paths import REPO_ROOT

GOOGLE = REPO_ROOT / "tests" / "data" / "google_factcheck.json"


def _review(status: str, label: str, when: str | None, url: str) -> dict[str, Any]:
    review = {"status": status, "rating_label": label, "reviewer": "Checker", "url": url}
    if when is not None:
        review["reviewed_at"] = when
    return review


# claim text -> its reviews in file order -> the label that must set its status
CASES: dict[str, tuple[list[dict[str, Any]], str]] = {
    "A dated review beats an undated one recorded after it.": (
        [
            _review("false", "dated false", "2020-05-01", "https://c.example/a1"),
            _review("true", "undated true", None, "https://c.example/a2"),
        ],
        "dated false",
    ),
    "Among undated reviews the one recorded last wins.": (
        [
            _review("true", "first undated", None, "https://c.example/b1"),
            _review("false", "second undated", None, "https://c.example/b2"),
        ],
        "second undated",
    ),
    "The newest date wins whatever the file order.": (
        [
            _review("true", "2021", "2021-01-01", "https://c.example/c1"),
            _review("mixed", "undated", None, "https://c.example/c2"),
            _review("false", "2020", "2020-01-01", "https://c.example/c3"),
        ],
        "2021",
    ),
}


def _write_cases(path: Path) -> None:
    lines = [json.dumps({"text": text, "reviews": reviews}) for text, (reviews, _) in CASES.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _claims(cli: CliRun) -> dict[str, dict[str, Any]]:
    result = cli("list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {claim["text"]: claim for claim in json.loads(result.stdout)}


def test_newest_review_rule_is_the_same_everywhere(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    _write_cases(path)
    assert cli("import", str(path)).exit_code == 0
    claims = _claims(cli)
    labels = {
        review["rating_label"]: review["status"]
        for reviews, _ in CASES.values()
        for review in reviews
    }
    exported = cli("export", "--format", "csv")
    assert exported.exit_code == 0, exported.stderr
    rows = {row["text"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    for text, (reviews, winner) in CASES.items():
        claim = claims[text]
        # import set the status from the newest review
        assert claim["status"] == labels[winner], text
        # show/list: oldest first, so the newest is last
        assert claim["reviews"][-1]["rating_label"] == winner
        assert len(claim["reviews"]) == len(reviews)
        # the CSV report's review columns describe the same review
        assert rows[text]["rating_label"] == winner
        undated = [review for review in claim["reviews"] if review["reviewed_at"] is None]
        assert len(undated) == sum(1 for review in reviews if "reviewed_at" not in review)
        shown = cli("show", str(claim["id"]))
        assert shown.exit_code == 0
        if undated:
            assert "date unknown" in shown.stdout


def test_verify_after_undated_reviews_sets_the_status(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    _write_cases(path)
    assert cli("import", str(path)).exit_code == 0
    claim = _claims(cli)["Among undated reviews the one recorded last wins."]
    # A review given now is dated, so it is newer than every undated one.
    result = cli("verify", str(claim["id"]), "--status", "mixed", "--reviewer", "Desk")
    assert result.exit_code == 0, result.stderr
    after = _claims(cli)["Among undated reviews the one recorded last wins."]
    assert after["status"] == "mixed"
    assert after["reviews"][-1]["reviewer"] == "Desk"


def test_claimreview_export_omits_unknown_dates(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    _write_cases(path)
    assert cli("import", str(path)).exit_code == 0
    result = cli("export", "--format", "claimreview")
    assert result.exit_code == 0, result.stderr
    feed = json.loads(result.stdout)
    reviews = {item["url"]: item for element in feed["dataFeedElement"] for item in element["item"]}
    assert "datePublished" not in reviews["https://c.example/a2"]
    assert reviews["https://c.example/a1"]["datePublished"] == "2020-05-01"


def test_report_counts_no_undated_review_in_any_month(
    cli: CliRun, session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "cases.jsonl"
    _write_cases(path)
    assert cli("import", str(path)).exit_code == 0
    summary = report_summary(session=session, claim_filter=ClaimFilter(), title="t")
    months = dict(summary.reviews_by_month)
    dated = [r for reviews, _ in CASES.values() for r in reviews if "reviewed_at" in r]
    assert sum(months.values()) == len(dated)
    assert set(months) >= {"2020-01", "2020-05", "2021-01"}
    assert max(months) == "2021-01"  # not this month: undated reviews are in no month


def test_google_undated_review_stays_undated(cli: CliRun) -> None:
    result = cli("import", str(GOOGLE), "--on-error", "skip")
    assert result.exit_code == 0, result.stderr
    claim = _claims(cli)["شرب الماء الساخن يقتل الفيروس"]
    assert [review["reviewed_at"] for review in claim["reviews"]] == [None]
