"""Running and timing processes, targets and the rows of the report table, and the ``Bench``
that holds one run's working directory, data set, environment and rows.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import importlib
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

from bench.data import Dataset, generate
from bench.settings import MATCH_QUERIES, MIB, log
from bench.vectors import fill_synthetic_vectors


class NotAvailable(Exception):
    """The feature is missing: the figure's rows read "n/a (not available: ...)"."""


class Skipped(Exception):
    """The figure cannot run here (e.g. no PostgreSQL server); not a failure."""


@dataclass(frozen=True)
class ProcessResult:
    argv: tuple[str, ...]
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system of exactly that child

    def check(self, what: str) -> ProcessResult:
        if self.returncode == 0:
            return self
        message = self.stderr.strip() or self.stdout.strip()
        if "No such command" in message:
            raise NotAvailable(f"factdb has no '{what}' command")
        if "No such option" in message:
            raise NotAvailable(f"'factdb {what}': {last_line(message)}")
        raise RuntimeError(f"'factdb {what}' exited {self.returncode}: {last_line(message)}")


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> ProcessResult:
    """Run a process; its wall time, its CPU time (with the processes it waited for) and its
    peak RSS: the larger of what ``os.wait4`` reports for that child (the largest of it and the
    processes it waited for) and the sum over it and its child processes, sampled every 10 ms
    (a command that runs a second process at once uses the memory of both)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env
        )
        tree = _TreeRss(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        tree.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ProcessResult(
            argv=tuple(argv),
            seconds=seconds,
            peak_rss_mb=max(usage.ru_maxrss / 1024, tree.peak_mb),  # KiB on Linux
            returncode=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
        )


class _TreeRss:
    """Samples the resident memory of a process and all its descendants, summed."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            total = sum(_rss_kib(pid) for pid in _process_tree(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)


def _process_tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        pending.extend(int(child) for child in children.split())
    return found


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def warm_file(path: Path) -> None:
    """Read a file once so that every contender finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(16 * MIB):
            pass


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class SearchFunction(Protocol):
    def __call__(self, *, session: Session, query: str, limit: int = ...) -> Sequence[Any]: ...


class MatchFunction(Protocol):
    def __call__(
        self, *, session: Session, text: str, limit: int = ..., min_score: float = ...
    ) -> Sequence[Any]: ...


def service(module_name: str, function: str) -> Any:
    """A factdb service function, or NotAvailable naming what is missing."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise NotAvailable(f"{module_name} cannot be imported: {error}") from None
    if not hasattr(module, function):
        raise NotAvailable(f"{module_name} has no {function}()")
    return getattr(module, function)


@dataclass(frozen=True)
class Target:
    text: str
    on: str = ""  # "ratio", "value" or "" (informational)
    op: str = "<="
    limit: float = 0.0

    def result(self, value: float | None, ratio: float | None) -> str:
        if not self.on:
            return "info"
        measured = ratio if self.on == "ratio" else value
        if measured is None:
            return "n/a"
        ok = measured <= self.limit if self.op == "<=" else measured >= self.limit
        return "pass" if ok else "FAIL"


INFO = Target("—")


@dataclass
class Measurement:
    value: float | None
    unit: str  # "s", "ms", "MB", "" (a fraction or a count)
    baseline: float | None = None
    baseline_label: str = ""
    ratio: bool = True
    note: str = ""


@dataclass
class Row:
    figure: str
    metric: str
    factdb: str
    baseline: str
    ratio: float | None
    target: str
    result: str
    unit: str = ""
    factdb_value: float | None = None
    baseline_value: float | None = None
    baseline_label: str = ""
    note: str = ""


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "/s":
        return f"{value:.0f}/s"
    return f"{value:.2f}"


def make_row(figure: str, metric: str, target: Target, measured: Measurement) -> Row:
    ratio = None
    if measured.ratio and measured.value is not None and measured.baseline:
        ratio = measured.value / measured.baseline
    baseline = fmt(measured.baseline, measured.unit) if measured.baseline is not None else "—"
    if measured.baseline_label and measured.baseline is not None:
        baseline = f"{baseline} ({measured.baseline_label})"
    return Row(
        figure=figure,
        metric=metric,
        factdb=fmt(measured.value, measured.unit),
        baseline=baseline,
        ratio=ratio,
        target=target.text,
        result=target.result(measured.value, ratio),
        unit=measured.unit,
        factdb_value=measured.value,
        baseline_value=measured.baseline,
        baseline_label=measured.baseline_label,
        note=measured.note,
    )


def print_table(rows: Sequence[Row], stream: IO[str]) -> None:
    headers = ("figure", "factdb", "baseline", "ratio", "target", "result")
    cells = [
        (
            f"{row.figure}: {row.metric}",
            shorten(row.factdb, 64),
            row.baseline,
            "—" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            row.result,
        )
        for row in rows
    ]
    widths = [max(len(headers[i]), *(len(cell[i]) for cell in cells)) for i in range(6)]
    line = "  ".join(header.ljust(widths[i]) for i, header in enumerate(headers))
    print(line, file=stream)
    print("  ".join("-" * width for width in widths), file=stream)
    for cell in cells:
        print("  ".join(value.ljust(widths[i]) for i, value in enumerate(cell)), file=stream)
    notes = [row for row in rows if row.note]
    if notes:
        print("\nnotes:", file=stream)
        for row in notes:
            print(f"  {row.figure}: {row.metric}: {row.note}", file=stream)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Bench:
    args: argparse.Namespace
    workdir: Path
    factdb: str
    env: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    generated: Dataset | None = None
    _database: Path | None = None
    _import: ProcessResult | None = None
    _import_error: BaseException | None = None
    _index: ProcessResult | None = None
    _import_line: list[float] | None = None
    _expected_ids: dict[str, int] | None = None

    # -- shared prerequisites ---------------------------------------------------------------

    def dataset(self) -> Dataset:
        if self.generated is None:
            log(f"generating {self.args.claims:,} claims in {self.workdir} …")
            self.generated = generate(self.workdir, self.args.claims, self.args.seed)
            log(f"  generated in {self.generated.seconds:.1f} s")
        return self.generated

    def cli(self, *arguments: str) -> list[str]:
        return [self.factdb, *arguments]

    def factdb_import(self) -> ProcessResult:
        """The factdb SQLite database of the whole collection, imported (and timed) once."""
        if self._import_error is not None:
            raise NotAvailable(f"the factdb import failed: {self._import_error}")
        if self._import is None:
            dataset = self.dataset()
            database = self.workdir / "factdb.sqlite3"
            try:
                self.prepare_schema(str(database))
                warm_file(dataset.jsonl)
                log("factdb import (SQLite) …")
                # The vector index is built (and timed) separately, by `factdb index`.
                result = run_process(
                    self.cli("--db", str(database), "import", "--no-index", str(dataset.jsonl)),
                    self.env,
                ).check("import")
            except Exception as error:
                self._import_error = error
                raise
            self._import = result
            self._database = database
            log(f"  {result.seconds:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB")
        return self._import

    def imported(self) -> Path:
        """The imported database as the import left it (no vector index: at a million claims
        embedding everything takes longer than all other figures together)."""
        self.factdb_import()
        assert self._database is not None
        return self._database

    def embed(self, claim_ids: Sequence[int]) -> None:
        """Embed just these claims, as `factdb index` would (so `verify` finds them indexed)."""
        from factdb.db import create_db_engine, transaction
        from factdb.services.vectors.embeddings import index_claims

        engine = create_db_engine(f"sqlite:///{self.imported().resolve()}")
        try:
            with transaction(engine) as session:
                index_claims(session=session, claim_ids=list(claim_ids))
        finally:
            engine.dispose()

    def database(self) -> Path:
        """The imported database, with its vector index built (``match`` and ``dedupe`` use it)."""
        self.factdb_index()
        assert self._database is not None
        return self._database

    def factdb_index(self) -> ProcessResult:
        """``factdb index`` over the imported collection, run (and timed) once."""
        if self._index is None:
            self.factdb_import()
            assert self._database is not None
            if self.args.synthetic_vectors:
                log("synthetic vectors (not `factdb index`) …")
                started = time.perf_counter()
                fill_synthetic_vectors(
                    self._database,
                    self.args.synthetic_vectors,
                    set(self.expected_ids_unindexed().values()),
                    self.args.seed,
                )
                self._index = ProcessResult(
                    argv=("synthetic",),
                    returncode=0,
                    stdout="",
                    stderr="",
                    seconds=time.perf_counter() - started,
                    peak_rss_mb=0.0,
                )
                return self._index
            log("factdb index …")
            self._index = run_process(
                self.cli("--db", str(self._database), "index"), self.env
            ).check("index")
            log(f"  {self._index.seconds:.1f} s, peak RSS {self._index.peak_rss_mb:.0f} MB")
        return self._index

    def prepare_schema(self, url: str) -> None:
        run_process(self.cli("--db", url, "db", "upgrade"), self.env).check("db upgrade")

    def expected_ids(self) -> dict[str, int]:
        """The factdb id of each kept claim, found by its uid."""
        self.database()
        return self.expected_ids_unindexed()

    def expected_ids_unindexed(self) -> dict[str, int]:
        if self._expected_ids is None:
            dataset = self.dataset()
            found: dict[str, int] = {}
            with contextlib.closing(sqlite3.connect(self.imported())) as connection:
                for sample in dataset.samples.values():
                    key = uuid.UUID(sample.uid)
                    row = connection.execute(
                        "SELECT id FROM claims WHERE uid IN (?, ?)", (key.hex, str(key))
                    ).fetchone()
                    if row is not None:
                        found[sample.uid] = int(row[0])
            self._expected_ids = found
        return self._expected_ids

    def import_line(self) -> list[float]:
        """Process times of ``python -c "import typer, sqlalchemy.orm, pydantic"``."""
        if self._import_line is None:
            argv = [sys.executable, "-c", "import typer, sqlalchemy.orm, pydantic"]
            run_process(argv, self.env)
            self._import_line = [
                run_process(argv, self.env).seconds for _ in range(self.args.repeat)
            ]
        return self._import_line

    def baseline_queries(self) -> int:
        """How many match queries rapidfuzz runs: a full scan per query is slow on big sets."""
        if self.args.baseline_queries is not None:
            chosen: int = self.args.baseline_queries
        else:
            chosen = 200_000 // self.args.claims
        return max(10, min(MATCH_QUERIES, chosen))

    def engine(self) -> Engine:
        from factdb.db import create_db_engine

        return create_db_engine(f"sqlite:///{self.database().resolve()}")

    # -- running a figure -------------------------------------------------------------------

    def part(
        self,
        figure: str,
        metrics: Sequence[tuple[str, Target]],
        measure: Callable[[], dict[str, Measurement]],
    ) -> None:
        """Measure some rows of a figure; a failure makes just these rows "n/a"."""
        started = time.perf_counter()
        try:
            measured = measure()
        except NotAvailable as error:
            self._unavailable(figure, metrics, f"n/a (not available: {error})", "n/a")
        except Skipped as error:
            self._unavailable(figure, metrics, f"skipped: {error}", "skip")
        except Exception as error:
            reason = f"n/a (failed: {type(error).__name__}: {error})"
            self._unavailable(figure, metrics, reason, "n/a")
        else:
            for metric, target in metrics:
                if metric in measured:
                    self.rows.append(make_row(figure, metric, target, measured[metric]))
        log(f"  {figure} done in {time.perf_counter() - started:.1f} s")

    def _unavailable(
        self, figure: str, metrics: Sequence[tuple[str, Target]], reason: str, result: str
    ) -> None:
        log(f"  {figure}: {reason}")
        for number, (metric, target) in enumerate(metrics):
            note = reason if number == 0 else ""
            row = Row(figure, metric, reason, "—", None, target.text, result, note=note)
            self.rows.append(row)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb: float | None = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    try:
        from factdb import __version__ as factdb_version
    except ImportError:
        factdb_version = "unknown"
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": round(memory_gb, 1) if memory_gb else None,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "factdb": factdb_version,
    }


def load_average() -> float | None:
    """The one-minute load average: other work on the machine makes every timing noisy."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def factdb_executable() -> str:
    beside = Path(sys.executable).parent / "factdb"
    if beside.exists():
        return str(beside)
    found = shutil.which("factdb")
    return found if found else str(beside)


def compile_factdb_bytecode() -> bool:
    """Write factdb's bytecode, as ``pip install`` does for an installed package.

    The import line's packages were compiled when pip installed them. An editable checkout run
    with PYTHONDONTWRITEBYTECODE set would otherwise compile every factdb module from source in
    every timed process (about 0.1 s a start here), a cost no installed factdb pays."""
    import factdb

    return compileall.compile_dir(Path(factdb.__file__).parent, quiet=1)
