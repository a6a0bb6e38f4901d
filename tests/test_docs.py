"""The manual keeps up with the code: every command has help, a README entry and a reference."""

from __future__ import annotations

import subprocess
import sys

from typer.main import get_command

from factdb.cli.app import app
from factdb.domain import Status
from factdb.schemas.rows import CSV_COLUMNS
from tests.helpers.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths() -> list[tuple[str, str | None]]:
    root = get_command(app)
    found: list[tuple[str, str | None]] = []

    def walk(command: object, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}")
        else:
            found.append((path, getattr(command, "help", None)))

    walk(root, "factdb")
    return found


def test_every_command_has_help_and_a_readme_example() -> None:
    for path, help_text in _command_paths():
        assert help_text, f"{path} has no help text"
        assert f"{path} " in README or f"{path}\n" in README, f"README does not show `{path}`"


def test_readme_documents_every_csv_column_and_status() -> None:
    for column in CSV_COLUMNS:
        assert f"| `{column}` |" in README, f"README does not document the CSV column {column}"
    for status in Status:
        assert f"`{status.value}`" in README


def test_readme_starts_with_the_two_commands() -> None:
    blocks = README.split("```")
    assert "pip install ." in blocks[1]
    assert "factdb seed" in blocks[1]
    assert "bash .ci/test" in blocks[3]
    assert "bash .ci/test" in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_cli_reference_is_current() -> None:
    generated = subprocess.run(
        [sys.executable, "-m", "typer", "factdb.cli.app", "utils", "docs", "--name", "factdb"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert generated.strip() == committed.strip(), (
        "docs/cli.md is stale: run `typer factdb.cli.app utils docs --name factdb "
        "--output docs/cli.md`"
    )
