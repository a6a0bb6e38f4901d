"""The benchmark harness's own measurements, where a wrong figure would go unnoticed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.databases import PostgresServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench.figures_postgres import postgres_cpu_seconds
from bench.harness import compile_factdb_bytecode


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_server_cpu_counts_a_backend_that_has_already_exited(
    postgres_server: PostgresServer,
) -> None:
    """An import's backend exits before the harness reads the server's CPU; its work must count."""
    before = postgres_cpu_seconds()
    engine = create_engine(postgres_server.admin.url)
    with engine.connect() as connection:
        started = time.process_time()
        connection.execute(text("SELECT count(*) FROM generate_series(1, 20000000)")).scalar()
        assert time.process_time() - started < 0.5, "the work must be the server's, not ours"
    engine.dispose()  # closes the connection: the backend exits and the postmaster reaps it
    time.sleep(0.3)
    after = postgres_cpu_seconds()
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
    assert compile_factdb_bytecode()
    for module in ("__init__.py", "cli.py"):
        assert Path(importlib.util.cache_from_source(str(copy / module))).is_file()


def test_a_target_passes_fails_or_is_unmeasured_by_its_ratio() -> None:
    from bench.harness import Measurement, Target, make_row

    target = Target("≤ 1.3×", on="ratio", op="<=", limit=1.3)
    fast = make_row("show", "median", target, Measurement(1.2, "s", baseline=1.0))
    slow = make_row("show", "median", target, Measurement(1.4, "s", baseline=1.0))
    blind = make_row("show", "median", target, Measurement(None, "s", baseline=1.0))
    assert (fast.result, slow.result, blind.result) == ("pass", "FAIL", "n/a")
    assert fast.ratio == pytest.approx(1.2)
    rate = Target("≥ 50/s", on="value", op=">=", limit=50)
    assert make_row("match", "batch", rate, Measurement(49.0, "/s", ratio=False)).result == "FAIL"


def test_a_failing_part_makes_only_its_rows_unmeasured(tmp_path: Path) -> None:
    from bench.harness import INFO, Bench, Measurement, NotAvailable

    bench = Bench(args=None, workdir=tmp_path, factdb="factdb", env={})  # type: ignore[arg-type]

    def broken() -> dict[str, Measurement]:
        raise NotAvailable("no such command")

    bench.part("one", [("a", INFO), ("b", INFO)], broken)
    bench.part("two", [("c", INFO)], lambda: {"c": Measurement(1.0, "s")})
    assert [(row.figure, row.result) for row in bench.rows] == [
        ("one", "n/a"),
        ("one", "n/a"),
        ("two", "info"),
    ]
    assert "no such command" in bench.rows[0].note


def test_the_generated_collection_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    from bench.data import generate

    folders = [tmp_path / name for name in "abc"]
    for folder in folders:
        folder.mkdir()
    first = generate(folders[0], 300, 7)
    again = generate(folders[1], 300, 7)
    other = generate(folders[2], 300, 8)
    text = first.jsonl.read_text(encoding="utf-8")
    assert text == again.jsonl.read_text(encoding="utf-8")
    assert text != other.jsonl.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 300


def test_strict_fails_a_run_with_a_figure_it_could_not_measure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bench.main as bench_main
    from bench.harness import INFO, Bench, Measurement, NotAvailable

    def unmeasurable(bench: Bench) -> None:
        def fail() -> dict[str, Measurement]:
            raise NotAvailable("missing")

        bench.part("help", [("start-up", INFO)], fail)

    monkeypatch.setitem(bench_main.FIGURES, "help", unmeasurable)
    arguments = ["--only", "help", "--json-output", str(tmp_path / "out.json")]
    assert bench_main.main([*arguments, "--tmp-dir", str(tmp_path)]) == 0
    assert bench_main.main([*arguments, "--tmp-dir", str(tmp_path), "--strict"]) == 1
