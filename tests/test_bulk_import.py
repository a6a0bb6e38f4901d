"""The bulk import path leaves exactly the database the small path leaves, on both dialects.

The same records go through the small path (per-row triggers and indexes live) into one database
and through the bulk path (full text, counts and secondary indexes deferred and rebuilt before
commit) into another; every table's rows, the full-text answers, the maintained counts and the
schema objects must then be the same. Stats read the maintained counts, which must equal a
recount after soft deletes, restores, verifications and merges.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from factdb.db import create_db_engine, transaction
from factdb.domain import OnError
from factdb.formats.readers.records import RawRecord
from factdb.models import Base
from factdb.services.claims.counts import counts, recount
from factdb.services.ingest.importing import ImportOptions, import_records
from factdb.services.reporting.stats import claim_stats
from tests.helpers.cli import CliRun, make_cli
from tests.helpers.databases import fresh_url

TIMESTAMPS = {"created_at", "updated_at", "at", "embedded_at"}
SOURCE_TEXT = "The mayor said that crime fell by 12% last year, which the figures do not show."
WORDS = ("crime", "mayor", "record", "bananas", "velho", "titulo")


@pytest.fixture
def other_db_url(request: pytest.FixtureRequest, dialect: str, tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "other"
    folder.mkdir()
    yield from fresh_url(request, dialect, folder, migrated=True)


def _record(number: int, **extra: Any) -> RawRecord:
    data: dict[str, Any] = {
        "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/{number}")),
        "text": f"Claim number {number} says crime record {number % 7} fell",
        "claimant": {"name": f"Person {number % 5}", "kind": "person"},
        "claim_date": f"20{10 + number % 12}-0{1 + number % 9}-1{number % 10}",
        "language": ["en", "pt", None][number % 3],
        "tags": [f"tag{number % 4}", "bulk"],
        "external_ids": [{"dataset": "set", "id": str(number)}],
        "appearances": [{"source": {"url": f"https://news.example/{number % 6}"}}],
        "reviews": [
            {
                "rating_label": ["False", "True", "Mostly False"][number % 3],
                "reviewer": "Checker",
                "reviewed_at": f"2024-01-{1 + number % 28:02d}T10:00:00Z",
                "url": f"https://check.example/{number}",
                "title": f"Did crime titulo {number} fall?",
                "evidence": [{"url": f"https://data.example/{number}", "stance": "refutes"}],
            }
        ]
        if number % 2
        else [],
        **extra,
    }
    return RawRecord(location=f"test: {number}", data=data)


def _records() -> list[RawRecord]:
    records = [_record(number) for number in range(40)]
    # A quote located in a source text, a record repeating an earlier claim (a merge), an
    # undated review without URL, and a second review of a claim from the first import.
    records.append(
        _record(
            100,
            appearances=[
                {
                    "source": {"url": "https://speech.example/1", "text": SOURCE_TEXT},
                    "quote": "crime fell by 12%",
                }
            ],
        )
    )
    repeat = _record(3)
    del repeat.data["uid"]
    repeat.data["tags"] = ["again"]
    repeat.data["reviews"] = [{"rating_label": "Pants on Fire", "reviewer": "Other"}]
    records.append(repeat)
    records.append(
        RawRecord(
            location="test: old",
            data={
                "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "test/old")),
                "text": "Velho claim first imported before",
                "reviews": [{"status": "true", "url": "https://check.example/old-2"}],
            },
        )
    )
    return records


def _first_import() -> list[RawRecord]:
    return [
        RawRecord(
            location="first: 1",
            data={
                "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "test/old")),
                "text": "Velho claim first imported before",
            },
        ),
        _record(1000),
    ]


def _import(url: str, records: list[RawRecord], *, bulk: bool | None) -> None:
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            import_records(
                session=session,
                records=records,
                options=ImportOptions(
                    actor="test", on_error=OnError.ABORT, index_embeddings=False, bulk=bulk
                ),
            )
    finally:
        engine.dispose()


def _contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column.name for column in table.columns if column.name not in TIMESTAMPS]
            rows = connection.execute(table.select().with_only_columns(*table.c[*columns]))
            contents[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=str)
    return contents


def _full_text(engine: Engine) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        for word in WORDS:
            if postgres:
                claims = (
                    "SELECT id FROM claims WHERE search_vector @@ plainto_tsquery('simple', :w)"
                )
                reviews = (
                    "SELECT id FROM reviews WHERE title_vector @@ plainto_tsquery('simple', :w)"
                )
            else:
                claims = "SELECT rowid FROM claims_fts WHERE claims_fts MATCH :w"
                reviews = "SELECT rowid FROM reviews_fts WHERE reviews_fts MATCH :w"
            found[f"claims {word}"] = sorted(connection.scalars(text(claims), {"w": word}))
            found[f"reviews {word}"] = sorted(connection.scalars(text(reviews), {"w": word}))
    return found


def _schema_objects(engine: Engine) -> set[tuple[str, ...]]:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            indexes = connection.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                )
            )
            triggers = connection.execute(
                text("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal")
            )
            constraints = connection.execute(
                text(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                    "convalidated FROM pg_constraint "
                    "WHERE connamespace = current_schema()::regnamespace"
                )
            )
            # The database's own name is part of nothing compared here.
            return (
                {tuple(row) for row in indexes}
                | {tuple(row) for row in triggers}
                | {tuple(str(value) for value in row) for row in constraints}
            )
        rows = connection.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')")
        )
        return {tuple(row) for row in rows}


def _stored_and_recounted(url: str) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            stored = counts(connection)
        with engine.connect() as connection:
            recount(connection)
            fresh = counts(connection)
            connection.rollback()
        return stored, fresh
    finally:
        engine.dispose()


@pytest.mark.parametrize("onto", ["empty", "existing"])
def test_bulk_and_small_paths_leave_the_same_database(
    db_url: str, other_db_url: str, onto: str
) -> None:
    for url, bulk in ((db_url, False), (other_db_url, True)):
        if onto == "existing":
            _import(url, _first_import(), bulk=False)
        _import(url, _records(), bulk=bulk)
    small, large = create_db_engine(db_url), create_db_engine(other_db_url)
    try:
        small_contents, large_contents = _contents(small), _contents(large)
        assert small_contents["claims"], "the import wrote nothing"
        merges = 2 if onto == "existing" else 1
        assert len(small_contents["claim_history"]) == len(small_contents["claims"]) + merges
        for table in small_contents:
            assert small_contents[table] == large_contents[table], table
        assert _full_text(small) == _full_text(large)
        assert _full_text(large)["claims crime"], "the full-text index was not rebuilt"
        assert _full_text(large)["reviews titulo"], "the titles' index was not rebuilt"
        assert _schema_objects(small) == _schema_objects(large)
    finally:
        small.dispose()
        large.dispose()
    for url in (db_url, other_db_url):
        stored, fresh = _stored_and_recounted(url)
        assert stored == fresh


def test_a_failed_bulk_import_leaves_everything_as_it_was(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        before = _schema_objects(engine)
        bad = [*_records(), RawRecord(location="test: bad", data={"text": ""})]
        with pytest.raises(Exception, match="test: bad"):
            _import(db_url, bad, bulk=True)
        assert _schema_objects(engine) == before
        with Session(engine) as session:
            assert session.execute(text("SELECT count(*) FROM claims")).scalar() == 0
    finally:
        engine.dispose()


def test_a_bulk_load_that_breaks_a_reference_commits_nothing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL checks the foreign keys of an empty collection's load once, after the load;
    # SQLite row by row. Either way a dangling reference fails the import before it commits.
    from factdb.models import ClaimTag
    from factdb.services.ingest import writing
    from factdb.services.ingest.rows import table_of

    original = writing.BatchWriter._add_tags

    def add_a_dangling_tag(
        self: writing.BatchWriter, prepared: list[Any], targets: dict[int, Any]
    ) -> None:
        original(self, prepared, targets)
        self.writer.insert(table_of(ClaimTag), [{"claim_id": 10**9, "tag": "dangling"}])

    monkeypatch.setattr(writing.BatchWriter, "_add_tags", add_a_dangling_tag)
    engine = create_db_engine(db_url)
    try:
        before = _schema_objects(engine)
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            _import(db_url, _records(), bulk=True)
        assert _schema_objects(engine) == before
        with Session(engine) as session:
            assert session.execute(text("SELECT count(*) FROM claim_tags")).scalar() == 0
    finally:
        engine.dispose()


def test_stats_read_counts_that_follow_every_change(db_url: str) -> None:
    cli: CliRun = make_cli(db_url)
    _import(db_url, _first_import(), bulk=False)
    _import(db_url, _records(), bulk=None)
    assert cli("delete", "2", "--reason", "test").exit_code == 0
    assert cli("delete", "3", "--reason", "test").exit_code == 0
    assert cli("restore", "3").exit_code == 0
    result = cli("verify", "5", "--status", "false", "--reviewer", "Desk")
    assert result.exit_code == 0, result.output
    _import(db_url, [_record(7, tags=["late"]), _record(500)], bulk=False)
    stored, fresh = _stored_and_recounted(db_url)
    assert stored == fresh
    engine = create_db_engine(db_url)
    try:
        with Session(engine) as session:
            figures = claim_stats(session=session)
            live = session.execute(
                text("SELECT count(*) FROM claims WHERE deleted_at IS NULL")
            ).scalar()
            languages: dict[str, int] = dict(
                session.execute(
                    text(
                        "SELECT coalesce(language, 'unknown'), count(*) FROM claims "
                        "WHERE deleted_at IS NULL GROUP BY 1"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert figures.claims == live
    assert figures.deleted == 1
    assert figures.by_language == languages
    assert figures.top_claimants[0][1] >= figures.top_claimants[-1][1]
    assert figures.top_sources
    assert figures.top_sources[0][1] >= 2
