"""Progress bars on a terminal, and nothing at all when output goes to a file or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The services' callback type; only for the type checker, so start-up loads no service.
    from factdb.services.reporting.csv_export import Tick


def _nothing(count: int = 1, /) -> None:
    pass


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Tick]:
    """Yield a function to call as items are done; a bar shows on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = [BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def tick(count: int = 1, /) -> None:
            bar.advance(task, count)

        yield tick
