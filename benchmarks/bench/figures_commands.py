"""Short commands (help, show, verify, stats) against the import line: the cost of starting
Python with typer, SQLAlchemy's ORM and pydantic, measured alternately in the same run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from bench.harness import Bench, Measurement, Target, median, run_process


def figure_help(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        argv = bench.cli("--help")
        run_process(argv, bench.env).check("--help")
        factdb = [
            run_process(argv, bench.env).check("--help").seconds for _ in range(bench.args.repeat)
        ]
        baseline = bench.import_line()
        return {
            "process": Measurement(
                median(factdb),
                "s",
                median(baseline),
                "import line",
                note=f"medians of {len(factdb)} runs each",
            )
        }

    bench.part("factdb --help", [("process", Target("≤ 0.5x", "ratio", "<=", 0.5))], measure)


def sample_ids(bench: Bench, count: int) -> list[int]:
    # The generated claims as imported: `show` and `verify` need no vector index, and building
    # one for a million claims would cost more than every other figure together.
    ids = sorted(bench.expected_ids_unindexed().values())
    if not ids:
        raise RuntimeError("no generated claim was found in the factdb database")
    return [ids[i % len(ids)] for i in range(count)]


def process_runs(bench: Bench) -> int:
    """Runs of `show` and `verify`: a third of ``--repeat``, at least 3 (each starts a process)."""
    repeat: int = bench.args.repeat
    return max(3, repeat // 3)


def paired_with_import_line(
    bench: Bench, runs: Sequence[Sequence[str]], what: str
) -> tuple[list[float], list[float]]:
    """Each command process right after an import-line process: the pairs see the same load.

    On a shared machine the load moves by several tenths of the ratio within minutes; an
    import line timed once, earlier, would compare processes that ran under different loads.
    """
    line = [sys.executable, "-c", "import typer, sqlalchemy.orm, pydantic"]
    run_process(line, bench.env)  # warm the file cache for both
    commands, lines = [], []
    for argv in runs:
        lines.append(run_process(line, bench.env).seconds)
        commands.append(run_process(argv, bench.env).check(what).seconds)
    return commands, lines


def claim_command_figure(bench: Bench, figure: str, command: str, *options: str) -> None:
    """``factdb COMMAND ID OPTIONS`` as processes on sampled claims, against the import line."""

    def measure() -> dict[str, Measurement]:
        database = str(bench.imported())
        claim_ids = sample_ids(bench, process_runs(bench))
        if command == "verify":
            # A new review re-embeds its claim; an indexed claim's text is unchanged, so verify
            # does not load the model (it would for a claim that was never indexed).
            bench.embed(claim_ids)
        runs = [
            bench.cli("--db", database, command, str(claim_id), *options) for claim_id in claim_ids
        ]
        timings, lines = paired_with_import_line(bench, runs, command)
        return {
            "process": Measurement(
                median(timings),
                "s",
                median(lines),
                "import line",
                note=f"median of {len(timings)} runs, each after an import-line run",
            )
        }

    bench.part(figure, [("process", Target("≤ 1.3x", "ratio", "<=", 1.3))], measure)


def figure_show(bench: Bench) -> None:
    claim_command_figure(bench, "factdb show ID", "show")


def figure_verify(bench: Bench) -> None:
    claim_command_figure(
        bench, "factdb verify ID", "verify", "--status", "false", "--reviewer", "bench"
    )


def figure_stats(bench: Bench) -> None:
    def measure() -> dict[str, Measurement]:
        database = str(bench.imported())
        argv = bench.cli("--db", database, "stats", "--format", "json")
        json.loads(run_process(argv, bench.env).check("stats").stdout)
        timings, lines = paired_with_import_line(bench, [argv] * process_runs(bench), "stats")
        return {
            "process": Measurement(
                median(timings),
                "s",
                median(lines),
                "import line",
                note=f"median of {len(timings)} processes, each after an import-line run",
            )
        }

    bench.part("factdb stats", [("process", Target("≤ 1.3x", "ratio", "<=", 1.3))], measure)
