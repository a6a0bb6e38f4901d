"""The benchmark harness's own measurements, where a wrong figure would go unnoticed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PostgresServer

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
