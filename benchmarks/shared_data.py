"""Where the shared real data lives: ``shared/data`` beside the repository (or an ancestor's)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """``$FACTDB_SHARED_DATA``, else the first ``shared/data`` beside the repository or above it."""
    configured = os.environ.get("FACTDB_SHARED_DATA")
    if configured:
        return Path(configured)
    for folder in [REPO_ROOT.parent, *REPO_ROOT.parent.parents]:
        candidate = folder / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return REPO_ROOT.parent / "shared" / "data"
