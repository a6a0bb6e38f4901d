"""JSON Lines records are validated from their text in one pass; anything that pass refuses is
decoded and validated the usual way, so the records, the rejections and their messages are the
same as from decoded dicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from factdb.schemas.interchange import ClaimRecord
from tests.helpers.cli import CliRun

SOURCE_TEXT = "The minister said unemployment fell to 4% in March."


def _write_lines(path: Path, records: list[Any]) -> None:
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )


def test_rejected_lines_are_written_out_as_given(cli: CliRun, tmp_path: Path) -> None:
    good = {"text": "Unemployment fell to 4% in March", "claimant": {"name": "Министр"}}
    invalid = {"text": "   ", "tags": ["x"]}
    # Valid as a record; refused once its quote is looked for in the source text.
    misquoted = {
        "text": "Unemployment fell to 3% 🙂",
        "appearances": [
            {
                "source": {"url": "https://news.example/a", "text": SOURCE_TEXT},
                "quote": "fell to 3%",
            }
        ],
    }
    records = tmp_path / "claims.jsonl"
    _write_lines(records, [good, invalid, misquoted])
    rejects = tmp_path / "rejects.jsonl"
    result = cli("import", str(records), "--on-error", "skip", "--rejects", str(rejects))
    assert result.exit_code == 0, result.stderr
    rejected = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [item["location"] for item in rejected] == [
        "claims.jsonl: line 2",
        "claims.jsonl: line 3",
    ]
    assert [item["record"] for item in rejected] == [invalid, misquoted]
    assert rejected[0]["reason"] == "text: must not be empty"
    assert "quote" in rejected[1]["reason"]
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert [claim["text"] for claim in listed] == [good["text"]]


def test_a_broken_line_stops_the_import_and_changes_nothing(cli: CliRun, tmp_path: Path) -> None:
    records = tmp_path / "claims.jsonl"
    records.write_text('{"text": "A first claim"}\n{"text": "cut off\n', encoding="utf-8")
    result = cli("import", str(records))
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: claims.jsonl: line 2, column 18: invalid JSON")
    assert json.loads(cli("list", "--format", "json").stdout) == []


# Strings that stress both paths: whitespace of every kind, escapes, every script, controls,
# surrogates, and values of the wrong type.
_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),
    max_size=30,
) | st.sampled_from(["", " ", "\t a  b \n", "ß", "İ", "Ω", "🙂", "\u200b", "\x00", "\ud800"])
_SCALAR = st.none() | st.booleans() | st.integers() | st.floats() | _TEXT
_DATE = st.dates().map(str) | st.datetimes().map(lambda moment: moment.isoformat() + "Z")
_URL = st.sampled_from(
    ["https://Example.org/a?b=1#frag", "http://example.org", "ftp://x.org", "https://", "x"]
)
_REVIEW = st.fixed_dictionaries(
    {},
    optional={
        "rating_label": _TEXT,
        "rating_value": _SCALAR,
        "reviewer": _TEXT,
        "reviewed_at": _DATE | _SCALAR,
        "url": _URL | _SCALAR,
        "status": st.sampled_from(["false", "Mostly true", "bogus"]) | _SCALAR,
        "evidence": st.lists(st.fixed_dictionaries({"url": _URL, "stance": _TEXT}), max_size=2),
    },
)
_RECORD = st.fixed_dictionaries(
    {"text": _TEXT | _SCALAR},
    optional={
        "uid": st.uuids().map(str) | _SCALAR,
        "claimant": st.fixed_dictionaries({"name": _TEXT}) | _SCALAR,
        "claim_date": _DATE | _SCALAR,
        "language": st.sampled_from(["en", "pt-BR", "xx-invalid-tag", ""]) | _SCALAR,
        "tags": st.lists(_TEXT, max_size=3) | _SCALAR,
        "appearances": st.lists(
            st.fixed_dictionaries(
                {"source": st.fixed_dictionaries({"url": _URL})},
                optional={"quote": _TEXT, "start": _SCALAR, "end": _SCALAR},
            ),
            max_size=2,
        ),
        "reviews": st.lists(_REVIEW, max_size=2) | _SCALAR,
        "extra": _SCALAR,
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RECORD, st.booleans())
def test_one_pass_validation_accepts_only_what_decoding_first_accepts(
    record: dict[str, Any], ascii_only: bool
) -> None:
    line = json.dumps(record, ensure_ascii=ascii_only)
    try:
        fast = ClaimRecord.model_validate_json(line)
    except ValidationError:
        return  # the importer then decodes the line and validates the dict: the usual path
    assert ClaimRecord.model_validate(json.loads(line)) == fast
