"""What every command shares: the chosen database, its unit of work, the output consoles."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


@dataclass
class AppState:
    """The options given before the command name."""

    database: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        from factdb.config import resolve_database_url

        return resolve_database_url(self.database)

    def engine(self, *, check_schema: bool = True) -> Engine:
        if self._engine is None:
            from factdb.db import create_db_engine

            self._engine = create_db_engine(self.url)
        if check_schema:
            from factdb.services.schema_check import ensure_current

            ensure_current(engine=self._engine)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


@contextmanager
def unit_of_work(
    ctx: typer.Context, *, write: bool = True, commit: bool = True
) -> Iterator[Session]:
    """A session in one transaction: committed if the command succeeds, rolled back otherwise.

    ``write=False`` for commands that only read (they then never wait for a writer on SQLite);
    ``commit=False`` rolls back even on success: a dry run does all the work and keeps none.
    """
    from factdb.db import session_factory, writer

    engine = state(ctx).engine()
    with session_factory(writer(engine) if write else engine)() as session:
        transaction = session.begin()
        try:
            yield session
        except BaseException:
            transaction.rollback()
            raise
        if commit:
            transaction.commit()
        else:
            transaction.rollback()


def _new_file_mode(target: Path) -> int:
    """The mode a new file would get under the umask, or the mode of the file it replaces."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a file that appears only once it is completely written."""
    if path is None or str(path) == "-":
        yield typer.get_text_stream("stdout")
        return
    target = path.expanduser()
    directory = target.parent if str(target.parent) else Path()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed and renamed below
        "w", encoding="utf-8", newline="", dir=directory, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            yield cast(TextIO, handle)
        # A temporary file is private (0600); the finished file gets the permissions any new
        # file would, since reports and exports are meant to be shared.
        os.chmod(handle.name, _new_file_mode(target))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
