"""The desk role of the README: it adds and reviews, and cannot touch the audit trail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from factdb.services.admin.schema import schema_head
from tests.helpers.cli import make_cli
from tests.helpers.databases import PostgresServer
from tests.helpers.paths import REPO_ROOT
from tests.test_tampering import direct_sql_is_recorded_or_refused

GRANTS_MARKER = "<!-- desk-role-grants:"


def _readme_grants() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(GRANTS_MARKER) :]
    match = re.search(r"```sql\n(.*?)```", after, re.S)
    assert match is not None, "the README lost its desk-role GRANTs"
    return match.group(1)


@pytest.fixture
def desk(postgres_server: PostgresServer) -> Iterator[tuple[str, str]]:
    """A migrated database, its owner's URL and the URL of a desk role set up as documented."""
    owner_url = postgres_server.create_database(migrated=True)
    role = f"factdb_desk_{uuid.uuid4().hex[:8]}"
    grants = _readme_grants().replace("factdb_desk", role)
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        for statement in filter(str.strip, grants.split(";")):
            connection.execute(text(re.sub(r"--[^\n]*", "", statement)))
    owner.dispose()
    desk_url = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
    yield owner_url, desk_url
    postgres_server.drop_database(owner_url)
    with postgres_server.admin.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {role}"))


def test_desk_role_adds_and_reviews_but_cannot_rewrite(desk: tuple[str, str]) -> None:
    owner_url, desk_url = desk
    cli = make_cli(desk_url)
    assert cli("seed").exit_code == 0
    assert cli("add", "A new claim", "--source", "https://news.example/x").exit_code == 0
    assert (
        cli("verify", "1", "--status", "false", "--evidence", "https://e.example/").exit_code == 0
    )
    assert cli("edit", "1", "--tag", "checked", "--untag", "russia").exit_code == 0
    assert cli("delete", "2", "--reason", "duplicate").exit_code == 0
    assert cli("restore", "2").exit_code == 0
    assert cli("export", "--format", "jsonl").exit_code == 0

    engine = create_engine(desk_url)
    try:
        for statement in (
            "UPDATE claim_history SET actor = 'someone else'",
            "DELETE FROM reviews",
            "UPDATE reviews SET status = 'true'",
            "DELETE FROM claims",
            "DROP TABLE claim_history",
        ):
            with (
                pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
                engine.begin() as connection,
            ):
                connection.execute(text(statement))
    finally:
        engine.dispose()
    downgrade = cli("db", "downgrade", "base", "--yes")
    assert downgrade.exit_code == 1
    assert downgrade.stderr.startswith("Error: ")
    assert make_cli(owner_url)("db", "current").stdout.startswith(schema_head())


def test_desk_runs_relabel_with_the_two_column_grant(desk: tuple[str, str], tmp_path: Path) -> None:
    """The README's column grant lets the desk relabel, and nothing more on reviews."""
    owner_url, desk_url = desk
    cli = make_cli(desk_url)
    data = tmp_path / "checks.csv"
    data.write_text("text,rating_label\nThe bridge cost twice,Meia-boca\n", encoding="utf-8")
    imported = cli("import", str(data), "--map", "text=text", "--map", "rating_label=rating_label")
    assert imported.exit_code == 0, imported.stderr
    rating_map = tmp_path / "map.csv"
    rating_map.write_text("Meia-boca,mixed\n", encoding="utf-8")
    refused = cli("relabel", "--rating-map", str(rating_map))
    assert refused.exit_code != 0
    assert refused.stderr.startswith("Error: ")
    desk_role = make_url(desk_url).username
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text(f"GRANT UPDATE (status, status_basis) ON reviews TO {desk_role}"))
    owner.dispose()
    relabeled = cli("relabel", "--rating-map", str(rating_map))
    assert relabeled.exit_code == 0, relabeled.stderr
    assert "changed: 1" in relabeled.stdout
    engine = create_engine(desk_url)
    try:
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            engine.begin() as connection,
        ):
            connection.execute(text("UPDATE reviews SET note = 'rewritten'"))
    finally:
        engine.dispose()


def test_desk_role_direct_sql_is_recorded_under_its_name_or_refused(
    desk: tuple[str, str],
) -> None:
    _, desk_url = desk
    engine = create_engine(desk_url)
    try:
        role = make_url(desk_url).username
        direct_sql_is_recorded_or_refused(make_cli(desk_url), engine, str(role))
    finally:
        engine.dispose()
