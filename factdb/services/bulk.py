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
from sqlalchemy.types import TypeEngine

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
        values = [_converted(row, columns, converters) for row in rows]
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
        if convert is not None and column_type.python_type in (datetime, date):
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


def _converted(
    row: Mapping[str, Any], columns: tuple[str, ...], converters: list[Converter]
) -> list[Any]:
    values = [row[name] for name in columns]
    for position, convert in enumerate(converters):
        if convert is not None and values[position] is not None:
            values[position] = convert(values[position])
    return values
