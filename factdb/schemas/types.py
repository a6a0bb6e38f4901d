"""Reusable validated types: every schema cleans text, URLs, tags, languages and dates alike."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, BeforeValidator

from factdb.domain import Status, parse_status

MAX_CLAIM_LENGTH = 20_000
MAX_NOTE_LENGTH = 50_000
MAX_NAME_LENGTH = 500
# Some sites publish a whole summary paragraph in their rating field (X-Fact holds labels of
# 2,792 characters); it is kept as published, so the limit only stops absurd input.
MAX_LABEL_LENGTH = 10_000
MAX_TAG_LENGTH = 100
MAX_URL_LENGTH = 2048
MAX_SOURCE_TEXT_LENGTH = 5_000_000
TAG_SEPARATOR = ";"

# What no database can store is refused rather than silently dropped: NUL (PostgreSQL's text
# cannot hold it) and lone surrogates (UTF-8 cannot encode them). Every other control character
# is data as published (LIAR's statements carry U+0090) and is stored exactly; the terminal
# output escapes them instead.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def reject_unstorable(value: str) -> str:
    # One regular-expression scan, in C: this runs on every text of every imported record.
    found = _UNSTORABLE.search(value)
    if found is None:
        return value
    char, position = found.group(), found.start()
    if unicodedata.category(char) == "Cs":
        raise ValueError(f"contains a lone surrogate at character {position}")
    raise ValueError(f"contains control character U+{ord(char):04X} at character {position}")


def collapse_whitespace(value: str) -> str:
    return " ".join(value.split())


def _bounded(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if len(value) > max_length:
            raise ValueError(f"is {len(value):,} characters long; the limit is {max_length:,}")
        return value

    return AfterValidator(check)


ClaimText = Annotated[
    str,
    AfterValidator(reject_unstorable),
    AfterValidator(collapse_whitespace),
    _bounded(MAX_CLAIM_LENGTH),
]
"""A claim's statement: trimmed, inner whitespace collapsed, 1 to 20,000 characters."""


def _folds_within_limit(value: str) -> str:
    # Names are unique in any case through their case-folded form, which can be longer
    # ("ß" folds to "ss"); that form must fit the same limit.
    if len(value.casefold()) > MAX_NAME_LENGTH:
        raise ValueError(f"is too long once case-folded; the limit is {MAX_NAME_LENGTH:,}")
    return value


Name = Annotated[
    str,
    AfterValidator(reject_unstorable),
    AfterValidator(collapse_whitespace),
    _bounded(MAX_NAME_LENGTH),
    AfterValidator(_folds_within_limit),
]
"""A person's, organisation's or reviewer's name, on one line."""

Label = Annotated[
    str,
    AfterValidator(reject_unstorable),
    AfterValidator(collapse_whitespace),
    _bounded(MAX_LABEL_LENGTH),
]
"""A rating label as the fact-checker published it."""

Title = Annotated[
    str,
    AfterValidator(reject_unstorable),
    AfterValidator(collapse_whitespace),
    _bounded(MAX_NOTE_LENGTH),
]

Note = Annotated[
    str,
    AfterValidator(reject_unstorable),
    AfterValidator(str.strip),
    _bounded(MAX_NOTE_LENGTH),
]
"""An explanation: paragraphs kept, outer whitespace trimmed."""

Quote = Annotated[str, AfterValidator(reject_unstorable), _bounded(MAX_CLAIM_LENGTH)]
"""The exact words as they stand in the source: never altered, so the span stays checkable."""

SourceText = Annotated[str, AfterValidator(reject_unstorable), _bounded(MAX_SOURCE_TEXT_LENGTH)]


# Imports repeat the same tags, URLs and language tags thousands of times: the normalisers are
# pure functions, so their results are cached.
_CACHE_SIZE = 65_536


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_tag(value: str) -> str:
    tag = collapse_whitespace(reject_unstorable(value)).lower()
    if not tag:
        raise ValueError("a tag must not be empty")
    if TAG_SEPARATOR in tag:
        raise ValueError(f"a tag must not contain {TAG_SEPARATOR!r} (it separates tags in CSV)")
    if len(tag) > MAX_TAG_LENGTH:
        raise ValueError(f"a tag is limited to {MAX_TAG_LENGTH} characters")
    return tag


Tag = Annotated[str, AfterValidator(normalize_tag)]


# Exactly the characters for which str.isspace() holds or whose category is Cc or Cs, found in
# one C-level scan instead of a Python loop over every character of every imported URL.
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_url(value: str) -> str:
    """Validate an http(s) URL; lower-case its scheme and host and drop the fragment."""
    candidate = value.strip()
    if not candidate:
        raise ValueError("a URL must not be empty")
    if len(candidate) > MAX_URL_LENGTH:
        raise ValueError(f"a URL is limited to {MAX_URL_LENGTH} characters")
    if _URL_FORBIDDEN.search(candidate):
        raise ValueError("a URL must not contain spaces or control characters")
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"malformed URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValueError("a URL must start with http:// or https://")
    host = (parts.hostname or "").lower()
    if not host or not _looks_like_host(host):
        raise ValueError("a URL needs a valid host name")
    netloc = _netloc(parts.username, parts.password, host, port)
    normalised = urlunsplit((scheme, netloc, parts.path, parts.query, ""))
    if len(normalised) > MAX_URL_LENGTH:
        # Lower-casing can lengthen a host ("İ" becomes two characters).
        raise ValueError(f"a URL is limited to {MAX_URL_LENGTH} characters")
    return normalised


_HOST_PATTERN = re.compile(r"^[^\s/:@\[\]]+$")


def _looks_like_host(host: str) -> bool:
    if ":" in host:
        try:
            return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
        except ValueError:
            return False
    return bool(_HOST_PATTERN.match(host)) and not host.startswith(".") and ".." not in host


def _netloc(username: str | None, password: str | None, host: str, port: int | None) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    credentials = ""
    if username is not None:
        credentials = username + (f":{password}" if password is not None else "") + "@"
    return f"{credentials}{host}" + (f":{port}" if port is not None else "")


Url = Annotated[str, AfterValidator(normalize_url)]


@lru_cache(maxsize=1_024)
def normalize_language(value: str) -> str:
    import langcodes

    tag = value.strip()
    try:
        valid = bool(tag) and langcodes.tag_is_valid(tag)
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{value!r} is not a BCP 47 language tag (e.g. en, pt-BR, ar)")
    return str(langcodes.standardize_tag(tag))


LanguageTag = Annotated[str, AfterValidator(normalize_language)]


def parse_aware_datetime(value: object) -> object:
    """Accept ISO 8601 dates and datetimes; a value without offset is taken as UTC."""
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date or time (e.g. 2023-12-29 or "
                "2023-12-29T16:45:00+00:00)"
            ) from None
        value = parsed
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value.isoformat()} is out of range in UTC") from None
    return value


UtcDatetime = Annotated[datetime, BeforeValidator(parse_aware_datetime)]
"""A timezone-aware moment, normalised to UTC."""

# A review is published, so it is not dated ahead of now; a day's grace covers time zones and
# clocks. The database refuses the same (migration 0008's trigger), whoever inserts the review.
REVIEW_FUTURE_TOLERANCE = timedelta(days=1)


def not_in_future(value: datetime) -> datetime:
    if value > datetime.now(UTC) + REVIEW_FUTURE_TOLERANCE:
        raise ValueError(
            f"{value.isoformat()} is in the future (a review may be dated at most a day ahead)"
        )
    return value


ReviewMoment = Annotated[
    datetime, BeforeValidator(parse_aware_datetime), AfterValidator(not_in_future)
]
"""When a review was published: a UTC moment no later than a day from now."""


def parse_iso_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
    if isinstance(value, datetime):
        return value.date()
    return value


IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]


def fingerprint(text: str) -> str:
    """The identity of a claim's wording for exact-duplicate detection.

    Case, Unicode compatibility forms and whitespace do not make a claim new.
    """
    normalised = collapse_whitespace(unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


StatusValue = Annotated[Status, BeforeValidator(parse_status)]
"""A status, accepted as ``mostly_true``, ``Mostly true`` or ``mostly-true``."""
