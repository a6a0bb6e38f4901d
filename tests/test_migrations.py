"""The same Alembic revisions build, tear down and rebuild the schema on both dialects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from factdb.db import create_db_engine, writer
from factdb.errors import DatabaseError
from factdb.models import Base, is_search_object
from factdb.resources import migrations_dir
from factdb.services.admin.schema import (
    alembic_config,
    current_revision,
    downgrade,
    schema_head,
    script_head,
    upgrade,
)
from tests.helpers.cli import make_cli
from tests.helpers.databases import PostgresServer
from tests.helpers.paths import REPO_ROOT

TABLES = {
    "sources",
    "claimants",
    "claims",
    "claim_tags",
    "appearances",
    "reviews",
    "evidence",
    "claim_history",
    "claim_embeddings",
}


def test_schema_head_constant_matches_the_scripts() -> None:
    assert script_head() == schema_head()


def _revision_file(directory: Path, revision: str, parent: str | None) -> None:
    down = "None" if parent is None else f'"{parent}"'
    (directory / f"2026_{revision}.py").write_text(
        f'"""A revision."""\nrevision: str = "{revision}"\n'
        f"down_revision: str | Sequence[str] | None = {down}\n",
        encoding="utf-8",
    )


def test_the_head_is_read_from_the_revision_files_without_alembic(tmp_path: Path) -> None:
    for revision, parent in (("0002", "0001"), ("0001", None), ("0010", "0002")):
        _revision_file(tmp_path, revision, parent)
    (tmp_path / "helpers.py").write_text("VALUE = 1\n", encoding="utf-8")
    assert schema_head(tmp_path) == "0010"


def test_two_heads_in_the_revision_files_are_an_error(tmp_path: Path) -> None:
    for revision, parent in (("0001", None), ("0002", "0001"), ("0003", "0001")):
        _revision_file(tmp_path, revision, parent)
    with pytest.raises(DatabaseError, match="2 heads"):
        schema_head(tmp_path)


def test_one_linear_history_with_dated_file_names() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    for script in scripts.walk_revisions():
        assert script.path is not None
        name = script.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit(), f"{name} should start with its date"
        assert script.doc, f"{name} should say what it does"


def test_alembic_ini_and_the_package_use_the_same_scripts() -> None:
    ini = (REPO_ROOT / "alembic.ini").read_text(encoding="utf-8")
    assert "script_location = %(here)s/migrations" in ini
    packaged = sorted(path.name for path in (migrations_dir() / "versions").glob("*.py"))
    checkout = sorted(path.name for path in (REPO_ROOT / "migrations" / "versions").glob("*.py"))
    assert packaged == checkout


def test_upgrade_downgrade_upgrade(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        assert current_revision(engine=engine) is None
        assert upgrade(engine=engine) == schema_head()
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert downgrade(engine=engine, revision="base") is None
        assert not TABLES & set(inspect(engine).get_table_names())
        assert upgrade(engine=engine) == schema_head()
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_no_drift_between_models_and_migrations(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine=engine)
        with engine.connect() as connection:
            options = {
                "compare_type": True,
                "include_name": lambda name, *_: name is None or not is_search_object(name),
            }
            context = MigrationContext.configure(connection, opts=options)
            assert compare_metadata(context, Base.metadata) == []
            config = alembic_config(connection)
            command.check(config)  # raises when autogenerate would produce operations
    finally:
        engine.dispose()


def test_constraint_names_follow_the_naming_convention(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        inspector = inspect(engine)
        claims_fks = inspector.get_foreign_keys("claims")
        assert [fk["name"] for fk in claims_fks] == ["fk_claims_claimant_id_claimants"]
        assert {uq["name"] for uq in inspector.get_unique_constraints("sources")} == {
            "uq_sources_url"
        }
        assert inspector.get_pk_constraint("claims")["name"] in {"pk_claims", None}
    finally:
        engine.dispose()


def test_new_sqlite_database_is_created_on_first_command() -> None:
    result = make_cli(None)("list")  # the default database in FACTDB_HOME
    assert result.exit_code == 0, result.stderr
    info = json.loads(make_cli(None)("info", "--format", "json").stdout)
    assert info["revision"] == schema_head()
    assert info["dialect"] == "sqlite"


def test_sqlite_behind_head_is_upgraded_without_asking(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine=engine)
    downgrade(engine=engine, revision="base")
    engine.dispose()
    result = make_cli(url)("list")
    assert result.exit_code == 0, result.stderr
    assert make_cli(url)("db", "current").stdout.startswith(schema_head())


def test_server_database_behind_head_names_the_upgrade_command(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database(migrated=False)
    try:
        cli = make_cli(url)
        result = cli("list")
        assert result.exit_code == 1
        assert "factdb db upgrade" in result.stderr
        assert "has no factdb schema yet" in result.stderr
        assert cli("db", "upgrade").exit_code == 0
        assert cli("db", "current").stdout.startswith(schema_head())
        assert cli("list").exit_code == 0
    finally:
        postgres_server.drop_database(url)


def test_db_commands(empty_db_url: str) -> None:
    cli = make_cli(empty_db_url)
    assert cli("db", "current").stdout.startswith("base")
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0
    assert schema_head() in upgraded.stdout
    refused = cli("db", "downgrade", "base", input="n\n")
    assert refused.exit_code == 1
    assert cli("db", "current").stdout.startswith(schema_head())
    assert cli("db", "downgrade", "base", "--yes").exit_code == 0
    assert cli("db", "current").stdout.startswith("base")


ROWS_AT_0001 = [
    "INSERT INTO claimants (id, name, name_key, kind, created_at) "
    "VALUES (1, 'Jane Roe', 'jane roe', 'person', '2024-01-01 00:00:00')",
    "INSERT INTO sources (id, url, text, text_sha256, created_at) "
    "VALUES (1, 'https://news.example/a', 'Jane said x.', NULL, '2024-01-01 00:00:00')",
    "INSERT INTO claims (id, uid, text, fingerprint, claimant_id, status, created_at, updated_at) "
    "VALUES (1, '0123456789abcdef0123456789abcdef', 'x', 'f', 1, 'false', "
    "'2024-01-01 00:00:00', '2024-01-02 00:00:00')",
    "INSERT INTO claim_tags (claim_id, tag) VALUES (1, 'economy')",
    "INSERT INTO appearances (id, claim_id, source_id, quote, quote_start, quote_end, created_at) "
    "VALUES (1, 1, 1, 'x', 10, 11, '2024-01-01 00:00:00')",
    "INSERT INTO reviews (id, claim_id, status, rating_label, reviewer, reviewed_at, created_at) "
    "VALUES (1, 1, 'false', 'Pants on Fire', 'Ana', '2024-01-02 00:00:00', '2024-01-02 00:00:00')",
    "INSERT INTO evidence (id, review_id, url, stance) "
    "VALUES (1, 1, 'https://stats.example/', 'refutes')",
    "INSERT INTO claim_history (id, claim_id, action, actor, at, changes) "
    "VALUES (1, 1, 'reviewed', 'Ana', '2024-01-02 00:00:00', '{}')",
]


def test_upgrades_and_downgrades_keep_existing_rows(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine=engine, revision="0001")
        with engine.begin() as connection:
            for statement in ROWS_AT_0001:
                connection.execute(text(statement))
        assert upgrade(engine=engine) == schema_head()
        with engine.connect() as connection:
            review = connection.execute(
                text("SELECT rating_label, status_basis, publisher FROM reviews")
            ).one()
            assert tuple(review) == ("Pants on Fire", "given", None)
            evidence = connection.execute(text("SELECT count(*) FROM evidence")).scalar_one()
            assert evidence == 1
        assert downgrade(engine=engine, revision="0001") == "0001"
        with engine.connect() as connection:
            counts = [
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("claims", "reviews", "evidence", "appearances", "claim_history")
            ]
        assert counts == [1, 1, 1, 1, 1]
    finally:
        engine.dispose()


def test_0006_undated_reviews_and_external_ids_survive_down_and_up(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine=engine, revision="0001")
        with engine.begin() as connection:
            for statement in ROWS_AT_0001:
                connection.execute(text(statement))
        assert upgrade(engine=engine) == schema_head()
        # As factdb writes (so the triggers that record direct SQL stay out of it).
        with writer(engine).begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO reviews (id, claim_id, status, status_basis, rating_label, "
                    "reviewer, reviewed_at, created_at) VALUES (2, 1, 'true', 'label', 'TRUE', "
                    "'FEVER', NULL, '2024-03-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO claim_external_ids (dataset, external_id, claim_id) "
                    "VALUES ('fever', '69612', 1)"
                )
            )
        assert downgrade(engine=engine, revision="0005") == "0005"
        with engine.connect() as connection:
            filled = connection.execute(
                text("SELECT reviewed_at = created_at FROM reviews WHERE id = 2")
            ).scalar_one()
            assert filled
        assert "claim_external_ids" not in inspect(engine).get_table_names()
        assert upgrade(engine=engine) == schema_head()
        # The rebuilt reviews table is still append-only.
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE reviews SET note = 'changed'"))
    finally:
        engine.dispose()


def test_long_labels_and_relabels_across_0007(empty_db_url: str, tmp_path: Path) -> None:
    """0007 widens rating_label and admits 'relabeled'; going back below it never cuts a label:
    PostgreSQL refuses while a label is too long for VARCHAR(500), SQLite keeps it whole."""
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine=engine)
        cli = make_cli(empty_db_url)
        label = "Falso. " + "x" * 600
        data = tmp_path / "long.csv"
        data.write_text(f'text,rating_label\nA long one,"{label}"\n', encoding="utf-8")
        imported = cli(
            "import", str(data), "--map", "text=text", "--map", "rating_label=rating_label"
        )
        assert imported.exit_code == 0, imported.stderr
        rating_map = tmp_path / "map.csv"
        rating_map.write_text(f'"{label}",mixed\n', encoding="utf-8")
        assert cli("relabel", "--rating-map", str(rating_map)).exit_code == 0
        if engine.dialect.name == "postgresql":
            with pytest.raises(RuntimeError, match="1 review labels are longer than 500"):
                downgrade(engine=engine, revision="0005")
            assert current_revision(engine=engine) == schema_head()
        else:
            assert downgrade(engine=engine, revision="0005") == "0005"
            with engine.connect() as connection:
                kept = connection.execute(text("SELECT rating_label FROM reviews")).scalar_one()
                actions = connection.execute(text("SELECT action FROM claim_history")).scalars()
                assert kept == label
                assert "relabeled" not in set(actions)
            assert upgrade(engine=engine) == schema_head()
    finally:
        engine.dispose()
