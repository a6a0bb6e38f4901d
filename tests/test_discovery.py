"""Search, match, duplicates and statistics."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from factdb.db import transaction
from factdb.schemas.claims import ClaimFilter
from factdb.services.claims.query import iter_claims
from factdb.services.matching.search import search_claims
from factdb.services.reporting.csv_export import csv_report_rows
from tests.helpers.cli import CliRun
from tests.helpers.csv_oracle import expected_csv_cells

HOSTILE_QUERIES = [
    '"unbalanced (quote OR',
    "NEAR(a b) AND NOT",
    "*",
    "a:b",
    "'; DROP TABLE claims; --",
    "!!!",
    "",
    "   ",
    "^start",
    "col:text",
    "(((",
    "&|!<->",
    "\\",
    "quartet*",
    "Quartet OR",
]


@pytest.fixture
def seeded(cli: CliRun) -> CliRun:
    assert cli("seed").exit_code == 0
    return cli


def test_search_ranks_matching_claims(seeded: CliRun) -> None:
    result = seeded("search", "quartet madrid", "--format", "json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [hit["id"] for hit in hits] == [6]
    broader = json.loads(seeded("search", "quartet madrid", "--any", "-f", "json").stdout)
    assert broader[0]["id"] == 6
    assert len(broader) > 1
    assert all(a["score"] >= b["score"] for a, b in itertools.pairwise(broader))


def test_search_ignores_case_and_accents_and_honours_filters(seeded: CliRun) -> None:
    assert json.loads(seeded("search", "QUARTET", "-f", "json").stdout)
    lavrov = json.loads(
        seeded("search", "quartet", "--claimant", "sergey lavrov", "-f", "json").stdout
    )
    assert {hit["claimant"]["name"] for hit in lavrov} == {"Sergey Lavrov"}
    seeded("add", "Le café coûte 3 euros à Genève.", "--source", "https://fr.example/")
    assert json.loads(seeded("search", "cafe geneve", "-f", "json").stdout)


def test_deleted_claims_are_not_found(seeded: CliRun) -> None:
    assert seeded("delete", "6", "--reason", "test").exit_code == 0
    assert json.loads(seeded("search", "quartet madrid", "-f", "json").stdout) == []


def test_search_follows_edits(seeded: CliRun) -> None:
    assert seeded("edit", "6", "--text", "The Quartet met in Zanzibar.").exit_code == 0
    assert [h["id"] for h in json.loads(seeded("search", "zanzibar", "-f", "json").stdout)] == [6]
    assert json.loads(seeded("search", "quartet madrid", "-f", "json").stdout) == []


def test_live_only_search_skips_deleted_claims_however_many(
    seeded: CliRun, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`match`'s full-text leg ranks the index's best matches first and only then drops deleted
    claims; when those crowd out live ones it falls back to the plain query: same answers."""
    from factdb.services.matching import search

    query = "the quartet peace process in madrid"

    def ids(limit: int) -> list[int]:
        with transaction(engine, write=False) as session:
            hits = search_claims(session=session, query=query, limit=limit, any_word=True)
            return [hit.claim_id for hit in hits]

    before = ids(10)
    assert len(before) >= 4
    assert seeded("delete", str(before[0]), "--reason", "test").exit_code == 0
    assert ids(3) == before[1:4]  # the deleted best match left room: no fallback
    monkeypatch.setattr(search, "_DELETED_ROOM", 0)
    assert ids(3) == before[1:4]  # crowded out: the plain query, the same answer
    assert ids(len(before) - 1) == before[1:]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_fail(seeded: CliRun, query: str) -> None:
    result = seeded("search", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert seeded("match", query, "--format", "json").exit_code == 0


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_query_is_safe(engine: Engine, query: str) -> None:
    with transaction(engine, write=False) as session:
        hits = search_claims(session=session, query=query, limit=5)
        assert all(hit.claim_id > 0 for hit in hits)


def test_match_finds_reworded_claims(seeded: CliRun) -> None:
    reworded = "the Quartet was established in Madrid, in 2002, to mediate the peace process"
    hits = json.loads(seeded("match", reworded, "--limit", "3", "--format", "json").stdout)
    assert hits[0]["id"] == 6
    assert 60 <= hits[0]["score"] <= 100
    assert all(0 <= hit["score"] <= 100 for hit in hits)
    # The score ranks: 100 is first in every ranking, so --min-score keeps the best only.
    strict = json.loads(seeded("match", reworded, "--min-score", "99", "-f", "json").stdout)
    assert [hit["id"] for hit in strict] == [hit["id"] for hit in hits if hit["score"] >= 99]
    assert len(strict) < len(hits)
    assert "Similar claims" in seeded("match", reworded).stdout or seeded("match", reworded).stdout


def test_add_warns_of_near_duplicates(seeded: CliRun) -> None:
    near = (
        "The Middle East Quartet was set up in Madrid in 2002 "
        "to mediate the Israeli-Palestinian peace process"
    )
    result = seeded("add", near, "--source", "1")
    assert result.exit_code == 0
    assert result.stdout.strip() == "20"
    assert "reads like claim 6" in result.stderr
    quiet = seeded("add", "Completely unrelated statement about bananas", "--source", "1")
    assert "reads like" not in quiet.stderr


def test_dedupe_lists_and_merges_on_request(seeded: CliRun) -> None:
    # The same claim by the same claimant, reworded; its numbers and date are all kept, since a
    # claim that differs in one never clusters (tests/test_matching.py has those rules).
    seeded("add", "Over 1,200 people in Israel were killed in the Hamas attack of October 7, 2023.",
           "--source", "https://other.example/", "--claimant", "Sputnik International",
           "--allow-duplicate")  # fmt: skip
    listed = seeded("dedupe", "--min-score", "85", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    clusters = json.loads(listed.stdout)
    assert [(c["keep"], [d["id"] for d in c["duplicates"]]) for c in clusters] == [(12, [20])]
    assert json.loads(seeded("info", "-f", "json").stdout)["counts"]["claims"] == 20

    merged = seeded("dedupe", "--min-score", "85", "--merge", "--format", "json")
    assert merged.exit_code == 0, merged.stderr
    kept = json.loads(seeded("show", "12", "--format", "json").stdout)
    assert "https://other.example/" in [a["source"]["url"] for a in kept["appearances"]]
    gone = json.loads(seeded("show", "20", "--format", "json").stdout)
    assert gone["deleted_at"] is not None
    history = json.loads(seeded("history", "20", "--format", "json").stdout)
    assert history[-1]["changes"]["merged_into"] == 12
    assert json.loads(seeded("dedupe", "--min-score", "85", "-f", "json").stdout) == []


def test_stats(seeded: CliRun) -> None:
    seeded("verify", "1", "--status", "false")
    seeded("delete", "2", "--reason", "test")
    figures = json.loads(seeded("stats", "--format", "json").stdout)
    assert figures["claims"] == 18
    assert figures["deleted"] == 1
    assert figures["reviewed"] == 1
    assert figures["by_status"] == {"unverified": 17, "false": 1}
    assert figures["by_language"] == {"en": 18}
    assert figures["by_month"] == {"2023-12": 15}  # claims 2, 3, 8, 9 are undated
    assert figures["top_claimants"][0] == ["Sputnik International", 12]
    assert figures["top_sources"][0][1] == 19
    text = seeded("stats").stdout
    assert "By status" in text
    assert "Sputnik International" in text


def test_fast_csv_rows_equal_the_schema_rows(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    assert cli("seed").exit_code == 0
    cli("verify", "1", "--status", "false", "--evidence", "https://e.example/1",
        "--refutes", "https://e.example/2", "--url", "https://desk.example/1")  # fmt: skip
    cli("verify", "1", "--status", "true", "--note", "Revised", "--reviewed-at", "2020-01-01")
    cli("verify", "2", "--status", "misleading", "--rating-label", "Sem contexto")
    cli("appearance", "add", "3", "--source", "https://second.example/")
    cli("add", "No source text here", "--source", "https://bare.example/", "--tag", "z")
    with transaction(engine, write=False) as session:
        expected = [
            expected_csv_cells(claim)
            for claim in iter_claims(session=session, claim_filter=ClaimFilter())
        ]
        fast = list(csv_report_rows(session=session, claim_filter=ClaimFilter(), page_size=7))
    assert fast == expected
