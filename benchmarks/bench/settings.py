"""What every benchmark module shares: default sizes, seeds and limits, the progress log, and
URL masking.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    pass


DEFAULT_CLAIMS = 20_000


DEFAULT_SEED = 20_240_501


DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


SEARCH_QUERIES = 200


MATCH_QUERIES = 100


CLI_SAMPLES = 3


SEARCH_LIMIT = 10


MATCH_LIMIT = 5


MIB = 1024 * 1024


def mask(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
