"""The CSV report's fast paths give exactly the bytes of the reference row builders (issue 15).

SQLite writes the report with one statement that spells out every cell, neutralises formulas and
quotes as ``csv.writer`` does; the other path assembles cells in Python. Both are compared with
the oracle of ``tests/helpers/csv_oracle.py`` (cells worked out claim by claim from the read
schema) on data chosen to hit every rule.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from factdb.db import transaction
from factdb.domain import Status
from factdb.formats.csv_report import neutralized
from factdb.schemas.claims import ClaimFilter
from factdb.schemas.rows import CSV_COLUMNS
from factdb.services.claims.query import iter_claims
from factdb.services.reporting.csv_export import csv_report_rows, sqlite_report_rows
from tests.helpers.cli import CliRun
from tests.helpers.csv_oracle import expected_csv_cells

AWKWARD = [
    '=HYPERLINK("http://evil.example","x")',
    "'=already quoted",
    "''+two apostrophes",
    "'just an apostrophe",
    "-1 is not the figure",
    "+44 calls",
    "@handle said so",
    'Commas, "quotes" and more',
    "A line\nbreak and a\r\ncarriage return",
    "\ttab first",
    "Plain text with ünïcödé and 中文",
]


def _record(number: int, text: str) -> dict[str, object]:
    evidence = [
        {"url": "https://e.example/b", "stance": "refutes"},
        {"url": "https://e.example/a", "stance": "context"},
    ]
    return {
        "text": text,
        "claimant": {"name": AWKWARD[(number + 1) % len(AWKWARD)], "kind": "person"},
        "claim_date": "2023-12-0" + str(1 + number % 9),
        "language": "en",
        "tags": ["b-tag", "a, tag", "=z"] if number % 2 else [],
        "external_ids": [
            {"dataset": "liar", "id": f"=L{number}"},
            {"dataset": "fever", "id": f'{number}, "x"'},
            {"dataset": "fever", "id": f"1{number}"},
        ]
        if number % 3
        else [],
        "created_at": "2024-01-02T03:04:05Z",  # no fraction: isoformat leaves it out
        "updated_at": "2024-01-02T03:04:05.123456Z",
        "appearances": [
            {
                "source": {
                    "url": f"https://news.example/{number}",
                    "title": AWKWARD[number % len(AWKWARD)],
                    "publisher": "=Publisher, Inc.",
                    "published_at": "2023-12-01T10:00:00Z" if number % 2 else None,
                    "text": f"Before. {text} After.",
                },
                "quote": text,
            },
            {"source": {"url": "https://second.example/"}},
        ],
        "reviews": (
            [
                {
                    "status": "false",
                    "rating_label": "@False",
                    "note": AWKWARD[(number + 2) % len(AWKWARD)],
                    "reviewer": "-desk",
                    "reviewed_at": "2023-12-05T00:00:00Z",
                    "url": "https://desk.example/1",
                    "evidence": evidence,
                },
                {
                    "status": "mostly_true",
                    "rating_label": 'Mostly "true", mostly',
                    "reviewer": "desk",
                    # Undated, so the oldest: its links come first, each link once.
                    "evidence": [{"url": "https://e.example/c"}, *evidence],
                },
            ]
            if number % 4
            else []
        ),
    }


@pytest.fixture
def awkward(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "awkward.jsonl"
    records = [_record(number, text) for number, text in enumerate(AWKWARD)]
    path.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.stderr
    cli("verify", "2", "--status", "true", "--note", "=1+1", "--url", "https://desk.example/2")
    cli("delete", "3")


def _written(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _oracle(engine: Engine, claim_filter: ClaimFilter, neutralize: bool) -> str:
    with transaction(engine, write=False) as session:
        rows = [
            expected_csv_cells(claim)
            for claim in iter_claims(session=session, claim_filter=claim_filter)
        ]
    return _written(neutralized(rows) if neutralize else rows)


FILTERS = [
    ClaimFilter(),
    ClaimFilter(include_deleted=True),
    ClaimFilter(status=Status.TRUE),
    ClaimFilter(tag="=z"),
    ClaimFilter(limit=4),
    ClaimFilter(source="https://second.example/", limit=5),
    ClaimFilter(claimant="@handle said so"),
    ClaimFilter(since=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ClaimFilter(since=datetime(2024, 1, 3, tzinfo=UTC)),
]


def _exported(cli: CliRun, path: Path, *args: str) -> str:
    result = cli("export", "--output", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return path.read_bytes().decode("utf-8")


@pytest.mark.usefixtures("awkward")
@pytest.mark.parametrize("neutralize", [True, False])
def test_export_bytes_equal_the_schema_rows(
    cli: CliRun, engine: Engine, neutralize: bool, tmp_path: Path
) -> None:
    raw = [] if neutralize else ["--raw"]
    report = tmp_path / "report.csv"
    assert _exported(cli, report, *raw) == _oracle(engine, ClaimFilter(), neutralize)
    selected = _exported(cli, report, "--include-deleted", "--tag", "=z", "--limit", "3", *raw)
    expected = _oracle(engine, ClaimFilter(include_deleted=True, tag="=z", limit=3), neutralize)
    assert selected == expected
    listed = cli("list", "--format", "csv", *raw).stdout
    assert listed == _oracle(engine, ClaimFilter(), neutralize).replace("\r\n", "\n")


@pytest.mark.usefixtures("awkward")
@pytest.mark.parametrize("dialect", ["sqlite"])
@pytest.mark.parametrize("neutralize", [True, False])
@pytest.mark.parametrize("claim_filter", FILTERS)
def test_the_sqlite_statement_writes_the_python_rows(
    engine: Engine, claim_filter: ClaimFilter, neutralize: bool
) -> None:
    with transaction(engine, write=False) as session:
        cells = list(
            sqlite_report_rows(session=session, claim_filter=claim_filter, neutralize=neutralize)
        )
        rows = list(csv_report_rows(session=session, claim_filter=claim_filter, page_size=3))
    expected = _written(neutralized(rows) if neutralize else rows)
    assert _written(cells) == expected
    assert expected == _oracle(engine, claim_filter, neutralize)


@pytest.mark.usefixtures("awkward")
@pytest.mark.parametrize("dialect", ["sqlite"])
def test_dates_not_in_the_stored_form_are_read_as_the_orm_reads_them(
    cli: CliRun, engine: Engine, tmp_path: Path
) -> None:
    # Written by hand (the triggers record no history for these columns): Python's parser
    # reads them, as the ORM would.
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE claims SET created_at = '2024-01-02 03:04:05+02:00', "
            "updated_at = '2024-01-02 03:04:05', claim_date = '2024-W01-5' WHERE id = 1"
        )
    exported = _exported(cli, tmp_path / "report.csv")
    assert exported == _oracle(engine, ClaimFilter(), neutralize=True)
    first = next(csv.DictReader(io.StringIO(exported, newline="")))
    assert (first["created_at"], first["updated_at"], first["claim_date"]) == (
        "2024-01-02T01:04:05+00:00",
        "2024-01-02T03:04:05+00:00",
        "2024-01-05",
    )
