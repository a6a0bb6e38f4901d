"""The benchmark harness's own measurements, where a wrong figure would go unnoticed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.databases import PostgresServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import run as benchmark_run


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_server_cpu_counts_a_backend_that_has_already_exited(
    postgres_server: PostgresServer,
) -> None:
    """An import's backend exits before the harness reads the server's CPU; its work must count."""
    before = benchmark_run.postgres_cpu_seconds()
    engine = create_engine(postgres_server.admin.url)
    with engine.connect() as connection:
        started = time.process_time()
        connection.execute(text("SELECT count(*) FROM generate_series(1, 20000000)")).scalar()
        assert time.process_time() - started < 0.5, "the work must be the server's, not ours"
    engine.dispose()  # closes the connection: the backend exits and the postmaster reaps it
    time.sleep(0.3)
    after = benchmark_run.postgres_cpu_seconds()
    assert before is not None
    assert after is not None
    assert after - before >= 0.5


def test_timed_processes_start_from_bytecode_as_an_installed_factdb_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing a checkout that compiles its source on every start would misstate the CLI."""
    import importlib.util

    import factdb

    copy = tmp_path / "factdb"
    copy.mkdir()
    (copy / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (copy / "cli.py").write_text("def main() -> None: ...\n", encoding="utf-8")
    monkeypatch.setattr(factdb, "__file__", str(copy / "__init__.py"))
    assert benchmark_run.compile_factdb_bytecode()
    for module in ("__init__.py", "cli.py"):
        assert Path(importlib.util.cache_from_source(str(copy / module))).is_file()
