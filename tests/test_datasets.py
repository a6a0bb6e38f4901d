"""Real data sets imported as they are: FEVER, LIAR, AVeriTeC, ClaimsKG and nested JSON.

Every shape is imported twice (the second adds nothing) and once as a dry run (writes nothing),
on SQLite and PostgreSQL. Labels are asserted as published; which status a data set's label
maps to is the rating table's business (tests/test_ratings.py), not this file's.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factdb.schemas.types import fingerprint
from tests.helpers.cli import CliRun
from tests.helpers.paths import REPO_ROOT

DATASETS = REPO_ROOT / "tests" / "data" / "datasets"
FEVER = REPO_ROOT.parent / "shared" / "data" / "fever" / "fever_dev_5000_5399.json"
LIAR = DATASETS / "liar_sample.tsv"
AVERITEC = DATASETS / "averitec_sample.json"
CLAIMSKG = DATASETS / "claimskg_sample.csv"
NESTED = DATASETS / "nested_sample.json"

# The commands of the README's "Real data sets" section (tests/test_docs-style: kept in step).
FEVER_OPTIONS = [
    "--map", "id=external_id", "--map", "claim=text", "--map", "label=rating_label",
    "--set", "reviewer=FEVER", "--dataset", "fever",
]  # fmt: skip
LIAR_OPTIONS = [
    "--format", "tsv", "--no-header", "--dataset", "liar",
    "--map", "1=external_id", "--map", "2=rating_label", "--map", "3=text", "--map", "4=tags",
    "--map", "5=claimant", "--map", "14=note", "--set", "reviewer=PolitiFact",
]  # fmt: skip
AVERITEC_OPTIONS = [
    "--dataset", "averitec", "--date-format", "%d-%m-%Y",
    "--map", "claim=text", "--map", "label=rating_label", "--map", "justification=note",
    "--map", "claim_date=claim_date", "--map", "speaker=claimant",
    "--map", "original_claim_url=source_url", "--map", "reporting_source=source_title",
    "--map", "fact_checking_article=review_url", "--map", "claim_types=tags",
    "--map", "questions.answers.source_url=evidence_urls", "--set", "reviewer=AVeriTeC",
]  # fmt: skip
CLAIMSKG_OPTIONS = [
    "--delimiter", ";", "--dataset", "claimskg",
    "--map", "id=external_id", "--map", "text=text", "--map", "date=reviewed_at",
    "--map", "ratingName=rating_label", "--map", "author=claimant",
    "--map", "headline=review_title", "--map", "keywords=tags", "--map", "source=reviewer",
    "--map", "sourceURL=reviewer_url", "--map", "link=review_url",
]  # fmt: skip
NESTED_OPTIONS = [
    "--date-format", "%d/%m/%Y",
    "--map", "ref=external_id", "--map", "claim.text=text", "--map", "claim.date=claim_date",
    "--map", "meta.speaker.name=claimant", "--map", "meta.tags=tags",
    "--map", "verdict.label=rating_label", "--map", "verdict.published=reviewed_at",
    "--map", "verdict.by=reviewer", "--map", "verdict.url=review_url",
]  # fmt: skip


def _import(cli: CliRun, path: Path, options: list[str], *extra: str) -> str:
    result = cli("import", str(path), *options, *extra)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def _claims(cli: CliRun) -> list[dict[str, Any]]:
    result = cli("list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    claims: list[dict[str, Any]] = json.loads(result.stdout)
    return claims


def _by_external_id(cli: CliRun) -> dict[str, dict[str, Any]]:
    return {item["id"]: claim for claim in _claims(cli) for item in claim["external_ids"]}


def _twice_adds_nothing(
    cli: CliRun, counts: Callable[[], dict[str, int]], path: Path, options: list[str]
) -> None:
    before = counts()
    again = _import(cli, path, options, "--on-error", "skip")
    assert "0 created, 0 merged" in again
    assert "reviews added: 0; appearances added: 0" in again
    assert counts() == before


def _dry_run_writes_nothing(
    cli: CliRun, counts: Callable[[], dict[str, int]], path: Path, options: list[str]
) -> str:
    before = counts()
    summary = _import(cli, path, options, "--on-error", "skip", "--dry-run")
    assert "dry run: nothing was written" in summary
    assert counts() == before
    return summary


@pytest.mark.skipif(not FEVER.exists(), reason="the shared FEVER slice is not beside this checkout")
def test_fever_json_array(cli: CliRun, counts: Callable[[], dict[str, int]]) -> None:
    records = json.loads(FEVER.read_text(encoding="utf-8"))
    dry = _dry_run_writes_nothing(cli, counts, FEVER, FEVER_OPTIONS)
    assert f"read {len(records)} records" in dry
    summary = _import(cli, FEVER, FEVER_OPTIONS)
    texts = {fingerprint(record["claim"]) for record in records}
    assert f"read {len(records)} records from 1 file" in summary
    assert f"claims: {len(texts)} created" in summary
    assert "0 failed" in summary
    found = counts()
    assert found["claims"] == len(texts)
    assert found["reviews"] == len({(fingerprint(r["claim"]), r["label"]) for r in records})
    assert found["claim_external_ids"] == len({record["id"] for record in records})

    by_id = _by_external_id(cli)
    for record in records:
        claim = by_id[str(record["id"])]
        assert fingerprint(claim["text"]) == fingerprint(record["claim"])
        assert record["label"] in {review["rating_label"] for review in claim["reviews"]}
        assert {item["dataset"] for item in claim["external_ids"]} == {"fever"}
    reviews = [review for claim in by_id.values() for review in claim["reviews"]]
    assert {review["rating_label"] for review in reviews} == {r["label"] for r in records}
    assert all(review["reviewed_at"] is None for review in reviews)
    assert all(review["reviewer"] == "FEVER" for review in reviews)
    _twice_adds_nothing(cli, counts, FEVER, FEVER_OPTIONS)


def _liar_rows() -> list[list[str]]:
    with LIAR.open(encoding="utf-8", newline="") as handle:
        return [line.rstrip("\n").split("\t") for line in handle]


def test_liar_headerless_tsv_is_read_literally(
    cli: CliRun, counts: Callable[[], dict[str, int]], tmp_path: Path
) -> None:
    rows = _liar_rows()
    whole = [row for row in rows if len(row) == len(rows[0])]
    broken = [number for number, row in enumerate(rows, 1) if len(row) != len(rows[0])]
    assert broken  # the fixture keeps one torn row, to be rejected alone
    _dry_run_writes_nothing(cli, counts, LIAR, LIAR_OPTIONS)
    rejects = tmp_path / "rejects.jsonl"
    summary = _import(cli, LIAR, LIAR_OPTIONS, "--on-error", "skip", "--rejects", str(rejects))
    assert (
        f"claims: {len(whole)} created, 0 merged, 0 already present, {len(broken)} failed"
        in summary
    )
    rejected = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [item["location"] for item in rejected] == [
        f"liar_sample.tsv: line {number}" for number in broken
    ]
    assert "cells where the first row has 14" in rejected[0]["reason"]
    assert f"rejected: liar_sample.tsv: line {broken[0]}: " in summary

    by_id = _by_external_id(cli)
    assert set(by_id) == {row[0] for row in whole}
    for row in whole:
        claim = by_id[row[0]]
        # Quotes are characters of the statement, leading, unbalanced or not; so is U+0090.
        assert claim["text"] == " ".join(row[2].split())
        assert claim["claimant"]["name"] == row[4]
        (review,) = claim["reviews"]
        assert review["rating_label"] == row[1]
        assert review["reviewer"] == "PolitiFact"
        assert review["reviewed_at"] is None
        assert review["note"] == row[13]
        assert claim["external_ids"] == [{"dataset": "liar", "id": row[0]}]
    assert any(row[2].startswith('"') for row in whole)
    assert any("\x90" in claim["text"] for claim in by_id.values())
    _twice_adds_nothing(cli, counts, LIAR, LIAR_OPTIONS)


def test_tsv_with_quote_option_reads_quoted_cells(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "quoted.tsv"
    path.write_text('claim\tlabel\n"two\tcells in one"\tfalse\n', encoding="utf-8")
    options = ["--map", "claim=text", "--map", "label=rating_label"]
    _import(cli, path, [*options, "--quote", '"'])
    assert [claim["text"] for claim in _claims(cli)] == ["two cells in one"]


def test_averitec_json_array_drops_bad_evidence_keeps_record(
    cli: CliRun, counts: Callable[[], dict[str, int]]
) -> None:
    records = json.loads(AVERITEC.read_text(encoding="utf-8"))
    _dry_run_writes_nothing(cli, counts, AVERITEC, AVERITEC_OPTIONS)
    summary = _import(cli, AVERITEC, AVERITEC_OPTIONS)
    links = [
        answer["source_url"]
        for record in records
        for question in record["questions"]
        for answer in question["answers"]
    ]
    not_urls = [link for link in links if not link.startswith("http")]
    assert not_urls  # AVeriTeC's "Metadata" answers
    assert f"claims: {len(records)} created" in summary
    assert f"evidence links dropped: {len(not_urls)}" in summary
    claims = {claim["text"]: claim for claim in _claims(cli)}
    assert len(claims) == len(records)
    for record in records:
        claim = claims[record["claim"]]
        (review,) = claim["reviews"]
        assert review["rating_label"] == record["label"]
        assert review["reviewed_at"] is None
        if record["claim_date"]:
            day, month, year = map(int, record["claim_date"].split("-"))
            assert claim["claim_date"] == f"{year:04d}-{month:02d}-{day:02d}"
        else:
            assert claim["claim_date"] is None
        wanted = {
            answer["source_url"]
            for question in record["questions"]
            for answer in question["answers"]
            if answer["source_url"].startswith("http")
        }
        assert {link["url"] for link in review["evidence"]} == wanted
    _twice_adds_nothing(cli, counts, AVERITEC, AVERITEC_OPTIONS)


def test_claimskg_semicolon_csv(cli: CliRun, counts: Callable[[], dict[str, int]]) -> None:
    with CLAIMSKG.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    _dry_run_writes_nothing(cli, counts, CLAIMSKG, CLAIMSKG_OPTIONS)
    summary = _import(cli, CLAIMSKG, CLAIMSKG_OPTIONS)
    assert f"claims: {len(rows)} created" in summary
    by_id = _by_external_id(cli)
    assert set(by_id) == {row["id"] for row in rows}
    for row in rows:
        claim = by_id[row["id"]]
        assert claim["text"] == row["text"]  # ';' and doubled quotes inside cells survive
        (review,) = claim["reviews"]
        assert review["rating_label"] == row["ratingName"]
        assert review["url"] == row["link"]
        if row["date"]:
            year, month, day = map(int, row["date"].split("-"))  # 2019-5-12: no padding
            assert review["reviewed_at"].startswith(f"{year:04d}-{month:02d}-{day:02d}")
        else:
            assert review["reviewed_at"] is None
    _twice_adds_nothing(cli, counts, CLAIMSKG, CLAIMSKG_OPTIONS)


def test_nested_json_with_dotted_paths_and_day_first_dates(
    cli: CliRun, counts: Callable[[], dict[str, int]]
) -> None:
    document = json.loads(NESTED.read_text(encoding="utf-8"))
    _dry_run_writes_nothing(cli, counts, NESTED, NESTED_OPTIONS)
    _import(cli, NESTED, NESTED_OPTIONS)
    by_id = _by_external_id(cli)
    assert set(by_id) == {record["ref"] for record in document["records"]}
    bridges = by_id["A-1"]
    assert bridges["claimant"]["name"] == "City Radio"
    assert bridges["claim_date"] == "2022-06-17"  # 17/06/2022 with --date-format %d/%m/%Y
    assert bridges["tags"] == ["city", "transport"]
    assert bridges["reviews"][0]["reviewed_at"].startswith("2022-06-18")
    assert by_id["A-3"]["claim_date"] == "2019-05-10"  # 10/05/2019: day first, as told
    assert by_id["A-2"]["reviews"][0]["reviewed_at"] is None  # "published": null
    assert by_id["A-1"]["external_ids"] == [{"dataset": "nested_sample.json", "id": "A-1"}]
    _twice_adds_nothing(cli, counts, NESTED, NESTED_OPTIONS)


def test_ambiguous_date_is_a_located_error_that_suggests_date_format(
    cli: CliRun, counts: Callable[[], dict[str, int]]
) -> None:
    options = [option for option in NESTED_OPTIONS if option not in ("--date-format", "%d/%m/%Y")]
    before = counts()
    result = cli("import", str(NESTED), *options)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: nested_sample.json: record 1 (line 5): claim_date: ")
    assert "'17/06/2022'" in result.stderr
    assert "--date-format" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert counts() == before


def test_json_lines_take_map_too(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    lines = [
        {"n": 1, "said": "The river froze in May.", "who": {"name": "A"}, "when": "May 3, 2021"},
        {"n": 2, "said": "Bread costs twice what it did.", "who": {"name": "B"}, "when": None},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    options = ["--map", "n=external_id", "--map", "said=text", "--map", "who.name=claimant"]
    _import(cli, path, [*options, "--map", "when=claim_date"])
    by_id = _by_external_id(cli)
    assert by_id["1"]["claim_date"] == "2021-05-03"
    assert by_id["2"]["claim_date"] is None
    assert by_id["2"]["claimant"]["name"] == "B"


def test_two_data_sets_ids_never_collide(
    cli: CliRun, counts: Callable[[], dict[str, int]], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,claim\n1,Apples are red.\n2,Pears are green.\n", encoding="utf-8")
    second.write_text("id,claim\n1,Sky is blue.\n2,Grass is purple.\n", encoding="utf-8")
    options = ["--map", "id=external_id", "--map", "claim=text"]
    _import(cli, first, options)
    _import(cli, second, options)
    claims = _claims(cli)
    assert len(claims) == 4
    ids = {
        (item["dataset"], item["id"]): claim["text"]
        for claim in claims
        for item in claim["external_ids"]
    }
    assert ids[("a.csv", "1")] == "Apples are red."
    assert ids[("b.csv", "1")] == "Sky is blue."
    before = counts()
    # The same record with a corrected text is still the same record of the same data set.
    first.write_text("id,claim\n1,Apples are red!\n", encoding="utf-8")
    summary = _import(cli, first, options)
    assert "0 created" in summary
    assert counts()["claims"] == before["claims"]


def test_set_fills_every_record_and_conflicts_are_usage_errors(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("claim,verdict\nA claim.,false\n", encoding="utf-8")
    base = ["--map", "claim=text", "--map", "verdict=rating_label"]
    clash = cli("import", str(path), *base, "--set", "rating_label=true")
    assert clash.exit_code == 2
    assert "mapped from the file already" in clash.stderr
    unknown = cli("import", str(path), *base, "--set", "colour=blue")
    assert unknown.exit_code == 2
    assert "unknown field 'colour'" in unknown.stderr
    _import(cli, path, [*base, "--set", "reviewer=Checkers", "--set", "language=en"])
    (claim,) = _claims(cli)
    assert claim["language"] == "en"
    assert claim["reviews"][0]["reviewer"] == "Checkers"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--delimiter", ";;"], "delimiter: ';;' must be one character"),
        (["--encoding", "no-such-codec"], "unknown encoding"),
        (["--date-format", "day-month"], "has no % directive"),
        (["--no-header"], "columns are numbered from 1"),
    ],
)
def test_bad_table_options_are_usage_errors(
    cli: CliRun, tmp_path: Path, options: list[str], message: str
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("claim\nA claim.\n", encoding="utf-8")
    result = cli("import", str(path), "--map", "claim=text", *options)
    assert result.exit_code == 2
    assert message in result.stderr


def test_encoding_and_delimiter(cli: CliRun, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("texte|date\nLe café est fermé.|5 March 2020\n".encode("latin-1"))
    options = ["--map", "texte=text", "--map", "date=claim_date", "--delimiter", "|"]
    _import(cli, latin, [*options, "--encoding", "latin-1"])
    wide = tmp_path / "wide.csv"
    wide.write_bytes("texte|date\nÉté sans pluie.|2020-3-6\n".encode("utf-16"))
    _import(cli, wide, [*options, "--encoding", "utf-16"])
    dates = {claim["text"]: claim["claim_date"] for claim in _claims(cli)}
    assert dates == {"Le café est fermé.": "2020-03-05", "Été sans pluie.": "2020-03-06"}


def _readme_command(heading: str) -> list[str]:
    """The shell command of the README's "Real data sets" block after ``heading``."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Real data sets", 1)[1]
    block = section.split(heading, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    words = shlex.split(block.replace("\\\n", " "))
    assert words[:2] == ["factdb", "import"]
    return words[2:]


@pytest.mark.parametrize(
    ("heading", "fixture", "options"),
    [
        ("**FEVER**", FEVER, FEVER_OPTIONS),
        ("**LIAR**", LIAR, LIAR_OPTIONS),
        ("**AVeriTeC**", AVERITEC, AVERITEC_OPTIONS),
        ("**ClaimsKG**", CLAIMSKG, CLAIMSKG_OPTIONS),
    ],
)
def test_readme_commands_are_the_tested_ones(
    heading: str, fixture: Path, options: list[str]
) -> None:
    """The README's commands are exactly the options these tests import with."""
    path, *given = _readme_command(heading)
    if heading == "**FEVER**":
        assert path == "../shared/data/fever/" + fixture.name
    wanted = [*options]
    given = [
        word for word in given if word not in ("--on-error", "skip", "--rejects", "rejects.jsonl")
    ]
    assert _pairs(given) == _pairs(wanted)


def _pairs(words: list[str]) -> set[tuple[str, ...]]:
    """Options as (option, value) pairs, flags alone, in any order."""
    pairs: set[tuple[str, ...]] = set()
    index = 0
    while index < len(words):
        if words[index] == "--no-header":
            pairs.add((words[index],))
            index += 1
        else:
            pairs.add((words[index], words[index + 1]))
            index += 2
    return pairs


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (["--map", "claim=text", "--map", "claim=note"], "'claim' is mapped twice"),
        (["--map", "claim=text", "--map", "verdict=text"], "mapped from two columns"),
    ],
)
def test_a_column_or_field_mapped_twice_is_a_usage_error(
    cli: CliRun, tmp_path: Path, mapping: list[str], message: str
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("claim,verdict\nA claim.,false\n", encoding="utf-8")
    result = cli("import", str(path), *mapping)
    assert result.exit_code == 2
    assert message in result.stderr
