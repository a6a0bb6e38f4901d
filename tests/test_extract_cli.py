"""`factdb extract`: output formats, --add and its idempotence, --interactive, inputs, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from factdb.resources import seeds_dir
from factdb.schemas.sources import ClaimantCreate
from factdb.services.claims.claimants import get_or_create_claimant
from factdb.services.ingest.extraction import match_claimant
from tests.helpers.cli import CliRun, make_cli

SEED = seeds_dir() / "sputnik-2023-12-29-middle-east-quartet"
URL = "https://news.example/budget"
ARTICLE = (
    "Mayor Ann Lee said the city would spend $4 million on a new park in 2025.\n"
    "Councillor Tom Brandt said the park would cost 30 percent more than planned.\n"
    '"We have cut crime by 12 percent since 2019," Lee added.\n'
)
PAGE = """<!DOCTYPE html><html><head><title>Mayor pledges park</title>
<meta property="og:site_name" content="City Herald"></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | Subscribe for $1 a week</nav>
<article><h1>Mayor pledges park</h1>
<p>Mayor Ann Lee said on Monday that the city would spend $4 million on a new park.</p>
<p>"It is the biggest investment in green space in 20 years," Lee added.</p></article>
<footer>Copyright 2024 City Herald. All rights reserved.</footer></body></html>
"""


def _json(cli: CliRun, *args: str, input: str | None = None) -> list[dict[str, object]]:
    result = cli("extract", *args, "--format", "json", input=input)
    assert result.exit_code == 0, result.stderr
    items: list[dict[str, object]] = json.loads(result.stdout)
    return items


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "budget.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_seed_article_claims_and_claimants(cli: CliRun) -> None:
    items = _json(cli, str(SEED))
    by_text = {str(item["text"]): item for item in items}
    for item in items:
        assert {"text", "start", "end", "score", "type", "reasons", "claimant"} <= item.keys()
    call = next(text for text in by_text if "called for leveraging" in text)
    assert by_text[call]["claimant"] == "Maria Zakharova"
    stalled = next(text for text in by_text if "has stalled" in text)
    assert by_text[stalled]["claimant"] == "Sergey Lavrov"
    toll = next(text for text in by_text if "21,300" in text)
    assert by_text[toll]["claimant"] == "Local authorities"
    assert by_text[toll]["type"] == "statistic"
    quartet = next(text for text in by_text if text.startswith("The Middle East Quartet"))
    assert by_text[quartet]["claimant"] == "Sputnik International"
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    assert all(text[int(str(i["start"])) : int(str(i["end"]))] == i["text"] for i in items)


def test_add_records_quotes_at_their_spans_and_a_second_run_adds_nothing(
    cli: CliRun, counts: Callable[[], dict[str, int]]
) -> None:
    first = cli("extract", str(SEED), "--add", "--format", "json")
    assert first.exit_code == 0, first.stderr
    proposed = json.loads(first.stdout)
    after_first = counts()
    assert after_first["claims"] == len(proposed) > 0
    assert after_first["sources"] == 1
    source_text = cli("source", "show", "1", "--text").stdout
    for claim_id in range(1, after_first["claims"] + 1):
        shown = json.loads(cli("show", str(claim_id), "--format", "json").stdout)
        assert shown["status"] == "unverified"
        appearance = shown["appearances"][0]
        assert source_text[appearance["start"] : appearance["end"]] == appearance["quote"]
    lavrov = json.loads(cli("list", "--claimant", "Sergey Lavrov", "--format", "json").stdout)
    assert len(lavrov) >= 2

    second = cli("extract", str(SEED), "--add")
    assert second.exit_code == 0, second.stderr
    assert "0 claims recorded" in second.stderr
    assert counts() == after_first


def test_add_matches_existing_claimants(cli: CliRun, counts: Callable[[], dict[str, int]]) -> None:
    assert cli("seed").exit_code == 0
    claimants_before = counts()["claimants"]
    added = cli("extract", str(SEED), "--add")
    assert added.exit_code == 0, added.stderr
    assert counts()["claimants"] == claimants_before
    local = json.loads(
        cli("list", "--claimant", "Local authorities in Gaza", "--format", "json").stdout
    )
    assert any("21,300" in claim["text"] for claim in local)


def test_interactive_keep_skip_edit(
    cli: CliRun, article: Path, counts: Callable[[], dict[str, int]]
) -> None:
    answers = "k\ns\ne\nLee said crime fell by 12 percent since 2019.\nAnn Lee\n"
    result = cli("extract", str(article), "--source-url", URL, "--interactive", input=answers)
    assert result.exit_code == 0, result.stderr
    assert "keep, skip or edit" in result.stdout
    claims = json.loads(cli("list", "--format", "json").stdout)
    assert [claim["text"] for claim in claims] == [
        "Mayor Ann Lee said the city would spend $4 million on a new park in 2025.",
        "Lee said crime fell by 12 percent since 2019.",
    ]
    assert [claim["claimant"]["name"] for claim in claims] == ["Ann Lee", "Ann Lee"]
    edited = claims[1]["appearances"][0]
    assert edited["quote"] == "We have cut crime by 12 percent since 2019"
    assert ARTICLE[edited["start"] : edited["end"]] == edited["quote"]
    assert counts()["claimants"] == 1


def test_standard_input_and_jsonl(cli: CliRun) -> None:
    result = cli("extract", "-", "--format", "jsonl", "--publisher", "City Herald", input=ARTICLE)
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["claimant"] for line in lines] == ["Ann Lee", "Tom Brandt", "Ann Lee"]
    assert lines[2]["text"] == "We have cut crime by 12 percent since 2019"


def test_table_output(cli: CliRun, article: Path) -> None:
    result = cli("extract", str(article))
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == ["span", "score", "type", "claimant", "text"]
    assert len(rows) == 3


def test_html_main_text_is_extracted_and_stored(
    cli: CliRun, tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    items = _json(cli, str(page))
    texts = [str(item["text"]) for item in items]
    assert any("$4 million" in text for text in texts)
    assert not any("Subscribe" in text or "Copyright" in text for text in texts)
    added = cli("extract", str(page), "--source-url", URL, "--add")
    assert added.exit_code == 0, added.stderr
    source = json.loads(cli("source", "show", "1", "--format", "json").stdout)
    assert source["publisher"] == "City Herald"
    stored = cli("source", "show", "1", "--text").stdout
    shown = json.loads(cli("show", "1", "--format", "json").stdout)
    appearance = shown["appearances"][0]
    assert stored[appearance["start"] : appearance["end"]] == appearance["quote"]
    assert counts()["claims"] == len(items)


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda tmp: [str(tmp / "missing.txt")], "No such file"),
        (lambda tmp: [_write(tmp / "garbage.bin", b"\xff\xfe\x00\x81binary")], "not UTF-8"),
        # Extraction reads a control character as a space; recording cannot store it.
        (
            lambda tmp: [_write(tmp / "nul.txt", b"Ann Lee said\x00 hi."), "--source-url", URL],
            "control character",
        ),
        (
            lambda tmp: [_write(tmp / "a.txt", ARTICLE.encode()), "--published", "last week"],
            "not an ISO 8601",
        ),
        (
            lambda tmp: [_write(tmp / "a.txt", ARTICLE.encode()), "--source-url", "ftp://x/a"],
            "http",
        ),
        (lambda tmp: [_write(tmp / "a.txt", ARTICLE.encode()), "--add"], "--source-url"),
        (lambda tmp: ["-", "--source-url", URL, "--interactive"], "standard input"),
        (lambda tmp: [str(tmp), "--add"], "article.txt"),
    ],
)
def test_bad_input_is_one_error_line_and_changes_nothing(
    cli: CliRun,
    tmp_path: Path,
    counts: Callable[[], dict[str, int]],
    make_args: Callable[[Path], list[str]],
    message: str,
) -> None:
    before = counts()
    result = cli("extract", *make_args(tmp_path), "--add", input=ARTICLE)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert counts() == before


def test_a_changed_text_under_a_known_url_is_refused(
    cli: CliRun, article: Path, tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    assert cli("extract", str(article), "--source-url", URL, "--add").exit_code == 0
    before = counts()
    changed = _write(tmp_path / "changed.txt", ARTICLE.replace("$4", "$5").encode())
    result = cli("extract", changed, "--source-url", URL, "--add", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""  # recorded first, rendered after: no partial output
    assert result.stderr.startswith("Error: source 1 has the same URL but another text")
    assert counts() == before


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_deleted_claim_is_not_reused_the_article_gets_a_new_claim(
    cli: CliRun, article: Path, tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    assert cli("extract", str(article), "--source-url", URL, "--add").exit_code == 0
    assert cli("delete", "1", "--reason", "wrong article").exit_code == 0
    again = _write(tmp_path / "again.txt", ARTICLE.encode())
    result = cli("extract", again, "--source-url", URL + "-2", "--add")
    assert result.exit_code == 0, result.stderr
    assert "1 claims recorded, 2 known claims attributed" in result.stderr
    assert counts()["claims"] == 4
    new = json.loads(cli("show", "4", "--format", "json").stdout)
    assert new["text"].startswith("Mayor Ann Lee said")
    # The deleted claim stays deleted, and a rerun of the first article does not revive it.
    assert cli("extract", str(article), "--source-url", URL, "--add").exit_code == 0
    assert counts()["claims"] == 4


def test_names_are_resolved_read_only_against_an_existing_database(cli: CliRun) -> None:
    assert cli("seed").exit_code == 0
    items = _json(cli, str(SEED))
    toll = next(item for item in items if "21,300" in str(item["text"]))
    assert toll["claimant"] == "Local authorities in Gaza"


def test_without_a_database_names_stay_as_extracted_and_none_is_created(tmp_path: Path) -> None:
    run = make_cli(None)
    missing = tmp_path / "none.sqlite3"
    result = run("extract", str(SEED), "--format", "json", env={"FACTDB_DB": str(missing)})
    assert result.exit_code == 0, result.stderr
    toll = next(item for item in json.loads(result.stdout) if "21,300" in item["text"])
    assert toll["claimant"] == "Local authorities"
    assert not missing.exists()
    assert not any(tmp_path.rglob("*.sqlite3*"))


def test_interactive_rejects_format(cli: CliRun, article: Path) -> None:
    result = cli("extract", str(article), "--source-url", URL, "-i", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --interactive")
    assert "--format" in result.stderr


def test_the_default_minimum_score_is_the_library_constant() -> None:
    import inspect

    from factdb.cli.commands import extraction as command
    from factdb.extraction import DEFAULT_MIN_SCORE

    assert vars(command)["DEFAULT_MIN_SCORE"] is DEFAULT_MIN_SCORE
    default = inspect.signature(command.extract).parameters["min_score"].default
    assert default == DEFAULT_MIN_SCORE


def test_a_bare_name_matches_one_qualified_claimant_only(session: Session) -> None:
    for name in ("Police in Leeds", "Bank of England", "Sergey Lavrov"):
        get_or_create_claimant(session=session, claimant_in=ClaimantCreate(name=name))
    session.flush()
    found = match_claimant(session=session, name="police")
    assert found is not None
    assert found.name == "Police in Leeds"
    found = match_claimant(session=session, name="Lavrov")
    assert found is not None
    assert found.name == "Sergey Lavrov"
    assert match_claimant(session=session, name="Bank") is None
    get_or_create_claimant(session=session, claimant_in=ClaimantCreate(name="Police in York"))
    session.flush()
    assert match_claimant(session=session, name="Police") is None


def test_an_article_in_another_language_gets_a_notice_and_no_candidates(
    cli: CliRun, tmp_path: Path
) -> None:
    path = tmp_path / "artikel.txt"
    path.write_text(
        "Die Bundesregierung hat am Montag angekündigt, dass die Steuern im nächsten Jahr um "
        "3 Prozent steigen werden. Der Finanzminister sagte, das sei notwendig.\n",
        encoding="utf-8",
    )
    result = cli("extract", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert result.stderr.startswith("Notice: ")
    assert "'de'" in result.stderr
    assert "English only" in result.stderr
    english = cli("extract", str(path), "--language", "en", "--format", "json")
    assert english.exit_code == 0
    assert "Notice" not in english.stderr


def test_control_characters_are_no_reason_to_refuse_an_article(cli: CliRun, tmp_path: Path) -> None:
    text = ARTICLE.replace("the city would", "the city\x07 would").replace("crime", "cri\x1bme")
    path = tmp_path / "controls.txt"
    path.write_text(text, encoding="utf-8")
    items = _json(cli, str(path), "--min-score", "0")
    assert items
    assert all(text[int(str(i["start"])) : int(str(i["end"]))] == i["text"] for i in items)
    assert any(item["claimant"] == "Ann Lee" for item in items)
