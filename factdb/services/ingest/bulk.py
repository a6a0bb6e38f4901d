"""Bulk inserts through each driver's fastest path: COPY on PostgreSQL, multi-row VALUES on SQLite.

A bulk load pays, per row, for nothing but converting its values: the statement is built once,
values go through the same bind processors the ORM uses (so stored formats are identical), and
ids are handed out before the insert instead of being read back with RETURNING. On SQLite that
is safe because an import holds the write lock (``BEGIN IMMEDIATE``) for its whole transaction;
on PostgreSQL the ids come from the table's own sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.types import TypeDecorator, TypeEngine

if TYPE_CHECKING:
    import psycopg

Converter = Callable[[Any], Any] | None

# SQLite's default limit on parameters per statement (since 3.32), and a row count beyond which
# longer statements stop paying off.
SQLITE_MAX_VARIABLES = 32_766
SQLITE_ROWS_PER_INSERT = 1_000
REPEATED_VALUES_CACHE = 8_192


class BulkWriter:
    """Inserts rows given as dicts of column values into tables, within the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self._next_sqlite_id: dict[str, int] = {}
        self._converters: dict[tuple[str, tuple[str, ...]], list[Converter]] = {}

    @property
    def is_postgresql(self) -> bool:
        return self.dialect.name == "postgresql"

    def allocate_ids(self, table: Table, count: int) -> list[int]:
        """``count`` fresh primary keys for ``table``, for rows this transaction inserts."""
        if count <= 0:
            return []
        if self.is_postgresql:
            sequence = func.pg_get_serial_sequence(table.name, "id")
            rows = self.connection.execute(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            )
            return [identifier for (identifier,) in rows]
        first = self._next_sqlite_id.get(table.name)
        if first is None:
            highest = self.connection.execute(select(func.max(table.c.id))).scalar()
            first = (highest or 0) + 1
        self._next_sqlite_id[table.name] = first + count
        return list(range(first, first + count))

    def insert(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows``; every row names the same columns (the first row's)."""
        if not rows:
            return
        columns = tuple(rows[0])
        converters = self._converters_for(table, columns)
        values = _all_converted(rows, columns, converters)
        if self.is_postgresql:
            self._copy(table, columns, values)
        else:
            self._insert_values(table, columns, values)

    def _converters_for(self, table: Table, columns: tuple[str, ...]) -> list[Converter]:
        key = (table.name, columns)
        if key not in self._converters:
            self._converters[key] = [self._converter(table.c[name].type) for name in columns]
        return self._converters[key]

    def _converter(self, column_type: TypeEngine[Any]) -> Converter:
        # The dialect's implementation of the type, as SQLAlchemy itself would bind it.
        convert = column_type.dialect_impl(self.dialect).bind_processor(self.dialect)
        stored = (
            column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
        )
        if convert is not None and stored.python_type in (datetime, date):
            # A batch's timestamps and a collection's dates repeat: convert each value once.
            return lru_cache(maxsize=REPEATED_VALUES_CACHE)(convert)
        return convert

    def _column_list(self, table: Table, columns: tuple[str, ...]) -> str:
        quote = self.dialect.identifier_preparer.quote
        return ", ".join(quote(name) for name in columns)

    def _table_name(self, table: Table) -> str:
        return self.dialect.identifier_preparer.format_table(table)

    def _insert_values(
        self, table: Table, columns: tuple[str, ...], values: list[list[Any]]
    ) -> None:
        # SQLite pays a fixed cost per statement (the FTS triggers' above all), so many rows go in
        # each INSERT ... VALUES: about three times faster than executemany's row per statement.
        per_statement = min(SQLITE_ROWS_PER_INSERT, SQLITE_MAX_VARIABLES // len(columns))
        head = (
            f"INSERT INTO {self._table_name(table)} ({self._column_list(table, columns)}) VALUES "
        )
        row_marks = "(" + ", ".join("?" for _ in columns) + ")"
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            statement = head + ", ".join(row_marks for _ in chunk)
            self.connection.exec_driver_sql(statement, tuple(chain.from_iterable(chunk)))

    def _copy(self, table: Table, columns: tuple[str, ...], values: list[list[Any]]) -> None:
        raw = cast("psycopg.Connection[Any]", self.connection.connection.dbapi_connection)
        statement = (
            f"COPY {self._table_name(table)} ({self._column_list(table, columns)}) FROM STDIN"
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)


def _all_converted(
    rows: Sequence[Mapping[str, Any]], columns: tuple[str, ...], converters: list[Converter]
) -> list[list[Any]]:
    """Every row's values in ``columns`` order, converted where the column's type says so: the
    loop runs per converted column, not per value."""
    values = [[row[name] for name in columns] for row in rows]
    for position, convert in enumerate(converters):
        if convert is None:
            continue
        for row_values in values:
            value = row_values[position]
            if value is not None:
                row_values[position] = convert(value)
    return values


# -- deferred maintenance for large imports ------------------------------------------------------

# Full-text triggers on inserts: their index is filled once, after the load, from the new rows.
SQLITE_FTS = (
    ("claims_fts_after_insert", "claims_fts", "claims", "text"),
    ("reviews_fts_after_insert", "reviews_fts", "reviews", "title"),
)
# Per-row guards that have nothing to guard during a bulk load: the direct-SQL recorders fire only
# for writes that are not factdb's own (the writer mark is set for the whole import) and the
# no-replace guards only for INSERT OR REPLACE, which the bulk writer never issues. The import
# holds the write lock, so no other writer runs before they are back. Evaluating them cost
# nearly half of the engine's time per imported claim. (reviews_not_in_future checks the values
# themselves and stays.)
SQLITE_INSERT_GUARDS = (
    "claims_record_direct_insert",
    "appearances_record_direct_insert",
    "claim_tags_record_direct_insert",
    "reviews_record_direct_insert",
    "claim_history_no_replace",
    "reviews_no_replace",
    "evidence_no_replace",
)
# Secondary indexes no import query reads, built once after the load instead of row by row. The
# indexes the importer looks rows up by (uids, fingerprints, source URLs, claimant keys, a
# claim's reviews, the unique pairs) stay: a batch must find what earlier batches wrote.
DEFERRED_INDEXES = (
    "ix_claims_created_at",
    "ix_claims_claimant_id_deleted_at",
    "ix_claims_status_deleted_at",
    "ix_claims_language_deleted_at",
    "ix_claims_claim_date_deleted_at",
    "ix_claim_tags_tag",
    "ix_appearances_source_id",
    "ix_evidence_review_id",
    "ix_claim_history_claim_id",
    "ix_claim_external_ids_claim_id",
    "ix_claim_counts_dimension_total",
)
# PostgreSQL's search indexes (the tsvector columns themselves are generated as rows arrive).
POSTGRES_DEFERRED_INDEXES = (
    *DEFERRED_INDEXES,
    "ix_claims_search_vector",
    "ix_reviews_title_vector",
)

# The tables whose references to each other an empty PostgreSQL collection's load checks once,
# after the load, instead of row by row.
POSTGRES_DEFERRED_FOREIGN_KEY_TABLES = (
    "claims",
    "appearances",
    "claim_tags",
    "claim_external_ids",
    "claim_history",
    "reviews",
    "evidence",
)


class DeferredMaintenance:
    """Suspends per-row upkeep (full text, counts, secondary indexes) for a bulk load and
    restores it, all in the caller's transaction: a crash or an error leaves the database as it
    was before, with every trigger and index in place, and a commit leaves it complete.

    SQLite: the triggers and indexes are dropped and re-created from their stored definitions;
    the full-text indexes get the new rows in one statement each. PostgreSQL: the counting
    triggers are skipped (transaction-local setting) and, when the collection was empty (nobody
    can be searching it), the search and secondary indexes and the foreign keys between the
    imported tables are dropped and added back after the load.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self._objects: list[tuple[str, str]] = []  # (name, definition) to re-create
        self._fts_after: dict[str, int] = {}
        # Started: asked once (the import asks no more); active: something is to be restored.
        self.started = False
        self.active = False

    def begin(self) -> None:
        from factdb.services.claims.counts import POSTGRES_SUSPEND, SQLITE_COUNT_TRIGGERS

        execute = self.connection.exec_driver_sql
        self.started = True
        if self.dialect == "postgresql":
            # Only the tables' owner may drop indexes and recount; a narrower role (the desk's)
            # imports with every trigger and index live.
            owner = execute(
                "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'claims'::regclass"
            ).scalar()
            if not owner:
                return
            execute(POSTGRES_SUSPEND)
            empty = execute("SELECT NOT EXISTS (SELECT 1 FROM claims)").scalar()
            if empty:
                self._defer_postgres_foreign_keys()
                names = list(POSTGRES_DEFERRED_INDEXES)
                rows = execute(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND indexname = ANY(%(names)s)",
                    {"names": names},
                ).all()
                indexes = [(str(name), str(definition)) for name, definition in rows]
                for name, _ in indexes:
                    execute(f'DROP INDEX "{name}"')
                self._objects.extend(indexes)
        else:
            for trigger, _, table, _ in SQLITE_FTS:
                highest = execute(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
                self._fts_after[trigger] = int(highest or 0)
            names = [trigger for trigger, *_ in SQLITE_FTS]
            names += [*SQLITE_COUNT_TRIGGERS, *SQLITE_INSERT_GUARDS, *DEFERRED_INDEXES]
            marks = ", ".join("?" for _ in names)
            rows = execute(
                "SELECT type, name, sql FROM sqlite_master "
                f"WHERE type IN ('trigger', 'index') AND name IN ({marks})",
                tuple(names),
            ).all()
            self._objects = [(str(name), str(sql)) for _, name, sql in rows]
            dropped = {name for _, name, _ in rows}
            self._fts_after = {
                trigger: after for trigger, after in self._fts_after.items() if trigger in dropped
            }
            for kind, name, _ in rows:
                execute(f'DROP {"TRIGGER" if kind == "trigger" else "INDEX"} "{name}"')
        self.active = True

    def _defer_postgres_foreign_keys(self) -> None:
        """Drop the foreign keys between the tables an import fills; ``finish`` adds them back.

        Checked row by row they cost about a quarter of the server's time per imported claim;
        added back after the load, each is validated by one join over the whole table, and a row
        that broke one would fail the import before it commits.
        """
        execute = self.connection.exec_driver_sql
        rows = execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND connamespace = current_schema()::regnamespace "
            "AND conrelid::regclass::text = ANY(%(tables)s) ORDER BY conname",
            {"tables": list(POSTGRES_DEFERRED_FOREIGN_KEY_TABLES)},
        ).all()
        for table, name, definition in rows:
            execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            self._objects.append(
                (str(name), f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            )

    def finish(self) -> None:
        """Bring everything up to date and restore the triggers, indexes and foreign keys
        (before commit)."""
        if not self.active:
            return
        from factdb.services.claims.counts import POSTGRES_RESUME, recount

        execute = self.connection.exec_driver_sql
        if self.dialect == "sqlite":
            for trigger, fts, table, column in SQLITE_FTS:
                if trigger in self._fts_after:
                    execute(
                        f"INSERT INTO {fts} (rowid, {column}) "
                        f"SELECT id, {column} FROM {table} WHERE id > ?",
                        (self._fts_after[trigger],),
                    )
        recount(self.connection)
        for _, definition in self._objects:
            execute(definition)
        if self.dialect == "postgresql":
            execute(POSTGRES_RESUME)
        self.active = False
