#!/usr/bin/env python3
"""factdb benchmarks: every figure measured next to its baseline, in one run.

Generates a deterministic synthetic collection of claims (JSON Lines for factdb, CSV for
sqlite-utils) in a temporary directory, then measures import, export, search, matching, start-up
and statistics, each against a baseline doing comparable work in the same run, and prints a table
with the ratios and pass/fail against the targets. The same goes to a JSON file.

    .venv/bin/python benchmarks/run.py                    # 20,000 claims: the CI smoke test
    .venv/bin/python benchmarks/run.py --claims 1000000   # the real figures
    .venv/bin/python benchmarks/run.py --only search,match --claims 100000 --keep

Every figure is measured independently: a missing feature or a failing command gives its rows
"n/a" with the reason, and the run goes on. The exit status is 0 whatever the figures (targets are
printed, not asserted) unless ``--strict`` is given.
"""

from __future__ import annotations

import sys

from bench.main import main

if __name__ == "__main__":
    sys.exit(main())
