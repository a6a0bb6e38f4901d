"""The desk's everyday path through the CLI: add, verify, verify again, show, list, export."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

from tests.helpers.cli import CliRun


def _add_claim(cli: CliRun, article_file: Path) -> str:
    source = cli(
        "source",
        "add",
        "https://news.example/jobs",
        "--title",
        "Jobs report",
        "--publisher",
        "Example News",
        "--published",
        "2024-04-02T09:30:00+02:00",
        "--language",
        "en",
        "--text-file",
        str(article_file),
    )
    assert source.exit_code == 0, source.stderr
    added = cli(
        "add",
        "Unemployment fell to 4.1% in March.",
        "--source",
        source.stdout.strip(),
        "--claimant",
        "Jane Roe",
        "--claimant-kind",
        "person",
        "--quote",
        "unemployment fell to 4.1% in March",
        "--claim-date",
        "2024-04-01",
        "--tag",
        "economy",
        "--tag",
        "Jobs",
    )
    assert added.exit_code == 0, added.stderr
    return added.stdout.strip()


def test_add_prints_only_the_new_id(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    assert claim_id == "1"


def test_add_verify_verify_show_export(cli: CliRun, article_file: Path, tmp_path: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    first = cli(
        "verify",
        claim_id,
        "--status",
        "false",
        "--note",
        "The bureau says 4.4%.",
        "--refutes",
        "https://stats.example/march",
        "--reviewer",
        "Ana",
        "--reviewed-at",
        "2024-04-03T10:00:00Z",
    )
    assert first.exit_code == 0, first.stderr
    second = cli(
        "verify",
        claim_id,
        "--status",
        "mostly_true",
        "--rating-label",
        "Mostly True",
        "--note",
        "Revised figures: 4.2%.",
        "--evidence",
        "https://stats.example/revised",
        "--reviewer",
        "Ben",
        "--reviewed-at",
        "2024-04-10T10:00:00Z",
    )
    assert second.exit_code == 0, second.stderr

    shown = json.loads(cli("show", claim_id, "--format", "json").stdout)
    assert shown["status"] == "mostly_true"
    assert [r["reviewer"] for r in shown["reviews"]] == ["Ana", "Ben"]
    assert [r["status"] for r in shown["reviews"]] == ["false", "mostly_true"]
    assert shown["reviews"][0]["evidence"] == [
        {"url": "https://stats.example/march", "title": None, "stance": "refutes"}
    ]
    assert shown["reviews"][1]["rating_label"] == "Mostly True"
    assert shown["claimant"]["name"] == "Jane Roe"
    assert shown["tags"] == ["economy", "jobs"]
    appearance = shown["appearances"][0]
    assert appearance["quote"] == "unemployment fell to 4.1% in March"
    text = article_file.read_text(encoding="utf-8")
    assert text[appearance["start"] : appearance["end"]] == appearance["quote"]
    assert appearance["source"]["published_at"] == "2024-04-02T07:30:00Z"

    report = tmp_path / "report.csv"
    exported = cli("export", "--output", str(report))
    assert exported.exit_code == 0, exported.stderr
    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "mostly_true"
    assert row["rating_label"] == "Mostly True"
    assert row["reviewer"] == "Ben"
    assert row["note"] == "Revised figures: 4.2%."
    assert row["evidence_urls"].split() == [
        "https://stats.example/march",
        "https://stats.example/revised",
    ]
    assert row["quote"] == "unemployment fell to 4.1% in March"
    assert row["review_count"] == "2"
    assert row["source_url"] == "https://news.example/jobs"
    assert row["tags"] == "economy;jobs"


def test_show_text_lists_reviews_oldest_first(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    cli("verify", claim_id, "--status", "false", "--reviewed-at", "2024-04-03")
    cli("verify", claim_id, "--status", "true", "--reviewed-at", "2024-04-04")
    shown = cli("show", claim_id)
    assert shown.exit_code == 0
    assert "Status:    True" in shown.stdout
    assert shown.stdout.index("1. 2024-04-03") < shown.stdout.index("2. 2024-04-04")
    assert "quote [" in shown.stdout


def test_list_formats(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    cli("add", "Second claim", "--source", "https://other.example/")
    table = cli("list")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["id", "status", "claimant"]
    assert len(lines) == 3
    as_json = json.loads(cli("list", "--format", "json").stdout)
    assert [item["id"] for item in as_json] == [1, 2]
    assert as_json[0] == json.loads(cli("show", claim_id, "--format", "json").stdout)
    jsonl = cli("list", "--format", "jsonl", "--claimant", "jane roe").stdout.splitlines()
    assert [json.loads(line)["id"] for line in jsonl] == [1]
    as_csv = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert [row["id"] for row in as_csv] == ["1", "2"]
    assert json.loads(cli("list", "--format", "json", "--status", "true").stdout) == []


def test_export_filters_and_header_on_empty(cli: CliRun, article_file: Path) -> None:
    _add_claim(cli, article_file)
    cli("add", "Second claim", "--source", "https://other.example/", "--tag", "health")
    only_health = list(csv.DictReader(io.StringIO(cli("export", "--tag", "health").stdout)))
    assert [row["text"] for row in only_health] == ["Second claim"]
    empty = cli("export", "--status", "false")
    assert empty.exit_code == 0
    assert empty.stdout.startswith("id,uid,text,claimant,")
    assert len(empty.stdout.splitlines()) == 1


def test_appearance_add_records_a_second_source(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    added = cli("appearance", "add", claim_id, "--source", "https://radio.example/show")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(cli("show", claim_id, "--format", "json").stdout)
    assert [a["source"]["url"] for a in shown["appearances"]] == [
        "https://news.example/jobs",
        "https://radio.example/show",
    ]


def test_duplicate_add_names_the_existing_claim(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    again = cli("add", "unemployment fell to 4.1% in march.", "--source", "https://x.example/")
    assert again.exit_code == 1
    assert f"claim {claim_id} already has this text" in again.stderr
    allowed = cli(
        "add",
        "unemployment fell to 4.1% in march.",
        "--source",
        "https://x.example/",
        "--allow-duplicate",
    )
    assert allowed.exit_code == 0
    assert allowed.stdout.strip() == "2"


def test_history_shows_every_change(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    cli("verify", claim_id, "--status", "false", "--reviewer", "Ana")
    entries = json.loads(cli("history", claim_id, "--format", "json").stdout)
    assert [entry["action"] for entry in entries] == ["created", "reviewed"]
    assert entries[0]["actor"] == "Test Reviewer"
    assert entries[1]["actor"] == "Ana"
    table = cli("history", claim_id)
    assert "reviewed" in table.stdout


def test_reviewer_defaults_to_the_environment(cli: CliRun, article_file: Path) -> None:
    claim_id = _add_claim(cli, article_file)
    cli("verify", claim_id, "--status", "misleading", env={"FACTDB_REVIEWER": "Desk Lead"})
    shown = json.loads(cli("show", claim_id, "--format", "json").stdout)
    assert shown["reviews"][0]["reviewer"] == "Desk Lead"
    assert shown["reviews"][0]["rating_label"] == "Misleading"


def test_sources_list_and_show(cli: CliRun, article_file: Path) -> None:
    _add_claim(cli, article_file)
    listed = cli("source", "list")
    assert "https://news.example/jobs" in listed.stdout
    shown = json.loads(
        cli("source", "show", "https://NEWS.example/jobs", "--format", "json").stdout
    )
    assert shown["title"] == "Jobs report"
    assert shown["claim_count"] == 1
    assert shown["text_length"] == len(article_file.read_text(encoding="utf-8"))
    full_text = cli("source", "show", "1", "--text")
    assert full_text.stdout == article_file.read_text(encoding="utf-8")
    items = json.loads(cli("source", "list", "--format", "json").stdout)
    assert [item["url"] for item in items] == ["https://news.example/jobs"]


def test_info_reports_counts_and_revision(cli: CliRun, article_file: Path) -> None:
    _add_claim(cli, article_file)
    info = json.loads(cli("info", "--format", "json").stdout)
    assert info["counts"]["claims"] == 1
    assert info["revision"] == info["head"]
    assert info["statuses"] == {"unverified": 1}
    assert "Schema:" in cli("info").stdout


def test_output_files_get_ordinary_permissions(cli: CliRun, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        report = tmp_path / "claims.csv"
        assert cli("export", "--output", str(report)).exit_code == 0
        assert stat.S_IMODE(report.stat().st_mode) == 0o644
        report.chmod(0o600)
        assert cli("export", "--output", str(report)).exit_code == 0
        assert stat.S_IMODE(report.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)
