"""A non-editable install carries its migrations, seeds and models and works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT

# An HTML page the way news sites serve one: navigation, article, footer.
NEWS_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Council approves budget</title>
<meta property="og:site_name" content="City Herald"></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | Subscribe for $1 a week</nav>
<article><h1>Council approves budget</h1>
<p>Mayor Ann Lee said on Monday that the city would spend $4 million on a new park in 2025.</p>
<p>"It is the biggest investment in green space in 20 years," Lee told reporters.</p>
<p>Critics argued that the park would cost 30 percent more than the council had planned.</p>
</article><footer>Copyright 2024 City Herald. All rights reserved.</footer></body></html>
"""

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_wheel_installs_and_runs_the_quick_start(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, REPO_ROOT, cwd=tmp_path)
    wheel = next(wheels.glob("factdb-*.whl"))
    environment = tmp_path / "venv"
    venv.create(environment)
    python = environment / "bin" / "python"
    # This interpreter's pip installs into the new environment (no pip of its own to set up
    # there); without compiling bytecode, which the first run writes for what it imports.
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile",
         wheel, cwd=tmp_path)  # fmt: skip

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("FACTDB_", "PYTHON"))
    }
    env["FACTDB_HOME"] = str(tmp_path / "home")
    factdb = environment / "bin" / "factdb"
    assert "factdb" in _run(factdb, "--version", cwd=elsewhere, env=env)
    _run(factdb, "db", "upgrade", cwd=elsewhere, env=env)
    assert "new claims" in _run(factdb, "seed", cwd=elsewhere, env=env)
    claims = json.loads(_run(factdb, "list", "--format", "json", cwd=elsewhere, env=env))
    assert len(claims) >= 12
    # The report's template, stylesheet and script are package data: the wheel must carry them.
    _run(factdb, "report", "--output", "report.html", cwd=elsewhere, env=env)
    page = (elsewhere / "report.html").read_text(encoding="utf-8")
    assert 'id="claim-1"' in page
    assert "script.claims-page" in page
    # The HTML path (trafilatura, lxml_html_clean), the English pipeline and the check-worthiness
    # model all come with the installed package and its declared dependencies.
    (elsewhere / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    extracted = json.loads(
        _run(factdb, "extract", "page.html", "--format", "json", cwd=elsewhere, env=env)
    )
    by_claimant = {item["claimant"]: item for item in extracted}
    assert "Ann Lee" in by_claimant
    assert "City Herald" not in json.dumps([item["text"] for item in extracted])
    location = _run(python, "-c", "import factdb, sys; print(factdb.__file__)", cwd=elsewhere)
    assert str(REPO_ROOT) not in location
