"""Bad input fails with one ``Error:`` line, a non-zero exit, no traceback, and no change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from factdb.cli.errors import phrase, with_hints
from factdb.errors import Action, Hint, Setting
from tests.helpers.cli import CliRun


@pytest.fixture
def seeded(cli: CliRun, article_file: Path) -> CliRun:
    assert (
        cli("source", "add", "https://news.example/a", "--text-file", str(article_file)).exit_code
        == 0
    )
    assert cli("add", "Unemployment fell to 4.1% in March.", "--source", "1").exit_code == 0
    assert cli("verify", "1", "--status", "false").exit_code == 0
    return cli


BAD_COMMANDS: list[tuple[str, list[str], int, str]] = [
    ("unknown claim id", ["verify", "999", "--status", "false"], 1, "no claim with id 999"),
    ("unknown claim for show", ["show", "42"], 1, "no claim with id 42"),
    ("unknown claim for history", ["history", "42"], 1, "no claim with id 42"),
    ("unknown source id", ["add", "New claim", "--source", "77"], 1, "no source with id 77"),
    ("unknown source for show", ["source", "show", "https://nowhere.example/"], 1, "no source"),
    ("invalid status", ["verify", "1", "--status", "pants"], 2, "status:"),
    ("unverified is no verdict", ["verify", "1", "--status", "unverified"], 2, "unverified"),
    ("invalid status filter", ["list", "--status", "bogus"], 2, "status:"),
    ("malformed source URL", ["add", "New claim", "--source", "ftp://x.example/"], 2, "http"),
    ("URL without host", ["source", "add", "https:///path"], 2, "host"),
    ("URL with spaces", ["source", "add", "https://a b.example/"], 2, "URL"),
    (
        "malformed evidence URL",
        ["verify", "1", "--status", "true", "-e", "not a url"],
        2,
        "evidence",
    ),
    (
        "malformed claim date",
        ["add", "New", "--source", "1", "--claim-date", "29/12/2023"],
        2,
        "claim_date",
    ),
    (
        "impossible date",
        ["add", "New", "--source", "1", "--claim-date", "2023-02-30"],
        2,
        "claim_date",
    ),
    (
        "malformed review time",
        ["verify", "1", "--status", "true", "--reviewed-at", "yesterday"],
        2,
        "reviewed_at",
    ),
    (
        "malformed published",
        ["source", "add", "https://b.example/", "--published", "soon"],
        2,
        "published_at",
    ),
    (
        "invalid language",
        ["add", "New", "--source", "1", "--language", "klingonese"],
        2,
        "language",
    ),
    ("quote not in text", ["add", "New", "--source", "1", "--quote", "not there"], 2, "quote"),
    ("empty claim", ["add", "   ", "--source", "1"], 2, "text"),
    ("NUL in claim", ["add", "bad\x00claim", "--source", "1"], 2, "control character"),
    ("huge claim", ["add", "x" * 20_001, "--source", "1"], 2, "20,000"),
    ("tag with separator", ["add", "New", "--source", "1", "--tag", "a;b"], 2, "tag"),
    (
        "duplicate claim",
        ["add", "unemployment FELL to 4.1% in March.", "--source", "1"],
        1,
        "already",
    ),
    ("duplicate source", ["source", "add", "https://NEWS.example/a#x"], 1, "already exists"),
    ("duplicate appearance", ["appearance", "add", "1", "--source", "1"], 1, "already attributed"),
    ("missing argument", ["add"], 2, "Missing argument"),
    ("unknown option", ["list", "--colour"], 2, "No such option"),
    ("negative limit", ["list", "--limit", "0"], 2, "limit"),
    ("non-numeric id", ["show", "abc"], 2, "valid integer"),
    ("bad revision", ["db", "upgrade", "nonexistent"], 2, "nonexistent"),
    ("bad seed folder", ["seed", "/nonexistent/seeds"], 1, "no seed folders"),
]


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [pytest.param(args, code, message, id=name) for name, args, code, message in BAD_COMMANDS],
)
def test_bad_input_fails_cleanly(
    seeded: CliRun,
    counts: Callable[[], dict[str, int]],
    args: list[str],
    exit_code: int,
    message: str,
) -> None:
    before = counts()
    result = seeded(*args)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error: "), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert counts() == before


def test_text_file_that_is_not_utf8(
    seeded: CliRun, counts: Callable[[], dict[str, int]], tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Ministério da Saúde".encode("latin-1"))
    before = counts()
    result = seeded("source", "add", "https://c.example/", "--text-file", str(latin1))
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr
    assert counts() == before


def test_missing_text_file(seeded: CliRun, counts: Callable[[], dict[str, int]]) -> None:
    before = counts()
    result = seeded("source", "add", "https://c.example/", "--text-file", "/no/such/file.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert counts() == before


def test_failed_export_leaves_no_file(seeded: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = seeded("export", "--output", str(target), "--source", "https://missing.example/")
    assert result.exit_code == 1
    assert not target.exists()
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    from tests.helpers.cli import make_cli

    cli = make_cli("postgresql://desk:s3cret-pw@127.0.0.1:1/factdb")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "s3cret-pw" not in result.output


def test_unsupported_database_scheme() -> None:
    from tests.helpers.cli import make_cli

    result = make_cli("mysql://root@localhost/db")("list")
    assert result.exit_code == 2
    assert "unsupported database URL scheme" in result.stderr


@pytest.mark.parametrize(
    "action", [action for action in Action if action is not Action.GIVE_SETTING]
)
def test_every_action_a_hint_asks_for_is_a_command(action: Action) -> None:
    worded = phrase(Hint.about_claim(action, 7))
    assert "`factdb " in worded
    if action is not Action.UPGRADE_SCHEMA:
        assert " 7" in worded


@pytest.mark.parametrize("setting", list(Setting))
def test_every_setting_a_hint_names_is_an_option(setting: Setting) -> None:
    worded = phrase(Hint.give(setting, "x=1"))
    assert worded.startswith(("give --", "pass --")), worded


def test_hints_follow_the_message_as_alternatives() -> None:
    hints = (Hint.about_claim(Action.ADD_APPEARANCE, 3), Hint.give(Setting.ALLOW_DUPLICATE))
    assert with_hints("claim 3 already has this text", hints) == (
        "claim 3 already has this text; add this source to it with "
        "`factdb appearance add 3 --source …`, or pass --allow-duplicate"
    )
    assert with_hints("no hint", ()) == "no hint"
    assert phrase(Hint.give(Setting.QUOTE, '"')) == "give --quote (e.g. --quote '\"')"


def test_a_deleted_claim_says_how_to_restore_it(seeded: CliRun) -> None:
    assert seeded("delete", "1", "--reason", "test").exit_code == 0
    result = seeded("verify", "1", "--status", "true")
    assert result.exit_code == 1
    assert result.stderr == "Error: claim 1 is deleted; restore it first with `factdb restore 1`\n"


def test_a_file_of_unknown_format_names_the_option(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "claims.data"
    path.write_text("something\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: claims.data: cannot tell its format (csv, tsv")
    assert result.stderr.rstrip().endswith("; give --format")
