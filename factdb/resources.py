"""Files factdb ships beside its code: the Alembic migrations and the seed data.

A wheel carries them inside the package (``factdb/_bundled``); a source checkout keeps them at the
top of the repository. Both layouts resolve here, so nothing else needs to know which one runs.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled_or_checkout(name: str) -> Path:
    bundled = _PACKAGE_DIR / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / name


def migrations_dir() -> Path:
    return _bundled_or_checkout("migrations")


def seeds_dir() -> Path:
    return _bundled_or_checkout("seeds")
