"""What every command shares: the chosen database, its unit of work, the output consoles."""

from __future__ import annotations

import atexit
import gc
import glob
import os
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


_collection_paused = False


def collect_garbage_from_now() -> None:
    """The command's own work begins: collect its garbage from here on (see ``startup_gc``).

    What start-up made (modules, classes, the ORM's and Pydantic's tables) lives until exit,
    so it is frozen first: later collections never scan it again."""
    global _collection_paused
    if _collection_paused:
        _collection_paused = False
        gc.freeze()
        gc.enable()


@contextmanager
def startup_gc() -> Iterator[None]:
    """No garbage collection while the command starts, and none of start-up's objects at exit.

    Importing SQLAlchemy, Pydantic and NumPy makes about 130,000 objects that live until the
    process ends; the collector scans them again and again while they are made, and again at
    exit: about 0.05 s and 0.15 s of a ``match`` process that otherwise takes 0.4 s (measured
    at a million claims, 2026-11-29). Commands switch collection back on when their work begins
    (``collect_garbage_from_now``), so a long import or batch still frees its cyclic garbage.
    """
    global _collection_paused
    was_enabled = gc.isenabled()
    _collection_paused = was_enabled
    gc.disable()
    # At exit, files and connections are closed: everything left lives until the process ends,
    # so the interpreter's last collections need not scan it.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        yield
    finally:
        _collection_paused = False
        if was_enabled:
            gc.enable()


@dataclass
class AppState:
    """The options given before the command name."""

    database: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        from factdb.config import resolve_database_url

        if self.database is not None and not self.database.strip():
            from factdb.errors import InvalidInputError

            raise InvalidInputError(
                "--db is empty: give a file path or a database URL, or leave the option out for "
                "the default database"
            )
        return resolve_database_url(self.database)

    def engine(self, *, check_schema: bool = True) -> Engine:
        collect_garbage_from_now()
        if self._engine is None:
            from factdb.db import create_db_engine

            self._engine = create_db_engine(self.url)
        if check_schema:
            from factdb.services.admin.schema import ensure_current

            ensure_current(engine=self._engine)
        return self._engine

    def existing_engine(self) -> Engine | None:
        """A read-only engine on the database if it exists (None for a missing SQLite file):
        nothing is created, upgraded or written."""
        from factdb.db import create_db_engine, is_sqlite, sqlite_path

        url = self.url
        path = sqlite_path(url) if is_sqlite(url) else None
        if is_sqlite(url) and (path is None or not path.is_file()):
            return None
        return create_db_engine(url, read_only=True)

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


# Temporary files are named after the file they become, and carry the writer's process id: a
# file left behind by a killed writer is found, and removed by the next write to the same path.
TEMP_MARK = ".factdb-tmp-"


def guarded_paths(ctx: typer.Context, *inputs: Path | None) -> dict[Path, str]:
    """Files an output must never replace, with what they are: the SQLite database (and its
    journal files) and the command's own inputs."""
    from factdb.db import is_sqlite, sqlite_path

    guarded = {
        path: "one of this command's input files"
        for path in inputs
        if path is not None and str(path) != "-"
    }
    url = state(ctx).url
    database = sqlite_path(url) if is_sqlite(url) else None
    if database is not None:
        for end in ("", "-wal", "-shm", "-journal"):
            guarded[database.with_name(database.name + end)] = "the database (or one of its files)"
    return guarded


@contextmanager
def output_stream(
    path: Path | None, *, guarded: Mapping[Path, str] | None = None
) -> Iterator[TextIO]:
    """Standard output, or a file that appears only once it is completely written.

    A symbolic link stays and the file it points to is replaced; a device or a FIFO is written
    in place (it cannot be replaced). Errors name ``path``, never a temporary file.
    """
    if path is None or str(path) == "-":
        yield typer.get_text_stream("stdout")
        return
    target = path.expanduser()
    _refuse_guarded(target, path, guarded or {})
    try:
        # exists() and is_file() follow links: /dev/stdout, a device or a FIFO is written in place.
        if target.exists() and not target.is_file():
            with target.open("w", encoding="utf-8", newline="") as in_place:
                yield in_place
            return
        with _replacing(target.resolve() if target.is_symlink() else target) as handle:
            yield handle
    except OSError as error:
        if error.filename is None or TEMP_MARK in str(error.filename):
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


@contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    directory = target.parent if str(target.parent) else Path()
    _sweep_stale_temporaries(directory, target.name)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed and renamed below
        "w",
        encoding="utf-8",
        newline="",
        dir=directory,
        prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-",
        delete=False,
    )
    try:
        with handle:
            # The file itself, not tempfile's wrapper: its attribute look-up on every write
            # was a tenth of writing a million-row CSV report.
            yield cast(TextIO, handle.file)
        # A temporary file is private (0600); the finished file gets the permissions any new
        # file would, since reports and exports are meant to be shared.
        os.chmod(handle.name, _new_file_mode(target))
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _refuse_guarded(target: Path, given: Path, guarded: Mapping[Path, str]) -> None:
    from factdb.errors import InvalidInputError

    for kept, what in guarded.items():
        if _same_file(target, kept.expanduser()):
            raise InvalidInputError(
                f"{given}: is {what}; writing there would destroy it, so choose another file"
            )


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return first.resolve() == second.resolve()


def _sweep_stale_temporaries(directory: Path, name: str) -> None:
    """Remove what killed writers of this file left behind (a live writer's file stays)."""
    for leftover in directory.glob(f".{glob.escape(name)}{TEMP_MARK}*"):
        pid = leftover.name.removeprefix(f".{name}{TEMP_MARK}").partition("-")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
