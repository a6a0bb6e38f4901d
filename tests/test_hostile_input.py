"""Hostile input: the CLI and the importers given arbitrary Unicode, bytes, dates, URLs, numbers.

The requirement: never a traceback, never a partial write, every accepted text round-trips exactly
(as factdb documents its normalisation), and size limits are enforced with a clear message.

Hypothesis drives ``add``, ``verify``, ``source add``, ``list --limit`` and ``import`` (JSON Lines,
CSV, ClaimReview, Google Fact Check, raw bytes). A refused command must exit 1 or 2 with exactly
one ``Error: …`` line, which is not factdb's fallback for exceptions it did not anticipate
("unexpected …") nor a raw database refusal, and must leave every table's row count unchanged.

The tests at the end pin down the bugs these properties found (out-of-range dates, huge spans
and ids, deep nesting, lone surrogates in rejects, one uid twice, truncated standard input,
names and URLs that grow when case-folded); each failed before its fix.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from typer.testing import Result

import factdb.cli.commands.interchange
from factdb.domain import Status, parse_status
from factdb.formats.readers.csv_records import MAX_FIELD_CHARS
from factdb.formats.readers.jsonl_records import MAX_LINE_BYTES
from factdb.formats.readers.records import text_value
from factdb.schemas.types import (
    MAX_CLAIM_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_SOURCE_TEXT_LENGTH,
    collapse_whitespace,
    fingerprint,
    normalize_url,
)
from tests.helpers.cli import CliRun

Counts = Callable[[], dict[str, int]]

# Few examples per property: every test runs on SQLite and on PostgreSQL, and each example is a
# handful of CLI invocations.
HOSTILE = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Messages that mean an input reached code that did not expect it: factdb's fallback for an
# unanticipated exception, or the database refusing what validation should have caught.
UNANTICIPATED = ("Error: unexpected ", "Error: database error", "Error: the database refused")

# ---------------------------------------------------------------------------------------------
# Strategies

# What factdb must refuse wherever it appears: NUL (PostgreSQL cannot store it) and lone
# surrogates (UTF-8 cannot encode them). Other control characters are data (LIAR has U+0090).
REFUSED_PIECES = ["\x00", "\ud800", "\udc80"]
# What it must store exactly: every script, bidi controls, combining marks, odd whitespace,
# control characters other than NUL.
STORABLE_PIECES = [
    "\x90",
    "\x1b[31m",
    "\x7f",
    "\u200f",
    "\u200e",
    "\u202e",
    "\u202b\u202c",
    "\u2066\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "e\u0301\u0302\u0303",
    "\u0308\u20dd",
    "👩🏽‍💻",
    "📉",
    "🇺🇦",
    "\U0010ffff",
    "\uffff",
    "قال الوزير إن البطالة انخفضت",
    "הממשלה הודיעה",
    "Министр заявил",
    "ß",
    "İ",
    "ﬃ",
    "Ǆ",
    "  \t  ",
    "\n\r\n\r",
    "\u2028\u2029",
    "\u3000\u00a0\u2003",
    "=1+1",
    "-x",
    "@SUM(A1)",
    "'",
    '"',
    "\\",
    "--help",
    ";",
    ",",
]
OVER_THE_LIMIT = "ق" * (MAX_CLAIM_LENGTH + 1)  # not among the pieces: it would fill reprs

printable_text: st.SearchStrategy[str] = st.text(
    alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40
)
"""Text without a character factdb refuses, never empty (it may still be blank)."""

storable_text: st.SearchStrategy[str] = st.lists(
    st.one_of(
        st.text(
            alphabet=st.characters(exclude_categories=["Cc", "Cs"], include_characters="\t\n\r"),
            max_size=20,
        ),
        st.sampled_from(STORABLE_PIECES),
    ),
    max_size=6,
).map("".join)
"""Hostile text that factdb can store: it must round-trip (or be refused as blank)."""

any_text: st.SearchStrategy[str] = st.tuples(
    st.lists(st.one_of(st.text(max_size=20), st.sampled_from(REFUSED_PIECES + STORABLE_PIECES))),
    st.integers(0, 9),
).map(lambda drawn: "".join(drawn[0]) + (OVER_THE_LIMIT if drawn[1] == 0 else ""))
"""Anything: control characters, NUL, lone surrogates, sometimes over the claim text limit."""


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], one_in: int = 4) -> Any:
    """``bad`` about once in ``one_in`` draws, else ``good``.

    Not one_of(good, good, bad): one_of flattens nested one_ofs, which skews the odds. And the
    rare pick is the last value, because Hypothesis favours drawing 0.
    """
    return st.integers(0, one_in - 1).flatmap(lambda pick: bad if pick == one_in - 1 else good)


# Mostly storable values, so that every property sees both outcomes often.
hostile_text: st.SearchStrategy[str] = mostly(storable_text, any_text)

claim_text: st.SearchStrategy[str] = mostly(
    st.builds(
        "{}{}{}".format,
        storable_text,
        st.characters(exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"]),
        storable_text,
    ),
    hostile_text,
)
"""Mostly storable text with at least one visible character: a claim that should be accepted."""

short_text: st.SearchStrategy[str] = mostly(
    st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=30),
    hostile_text,
)
"""A name, a tag or a label: short, mostly storable."""

MALFORMED_DATES = [
    "",
    " ",
    "2023-02-30",
    "2023-13-01",
    "0000-01-01",
    "10000-01-01",
    "2023-1-1",
    "01/02/2023",
    "29.12.2023",
    "2023-02-29",
    "2024-02-29",
    " 2023-12-29 ",
    "2023-12-29T25:00",
    "2023-12-29T10:00:00+24:00",
    "2023-12-29T10:00:00+05:30",
    "2023-12-29T10:00:00Z",
    "2023-12-29Z",
    "2023-12-29T10:00:00.123456789",
    "2023-W01-1",
    "20231229",
    "2023-12-29 10:00",
    "２０２３-１２-２９",
    "٢٠٢٣-١٢-٢٩",
    "2023\u201012\u201029",
    "-2023-12-29",
    "2023-12-29\x00",
    "2023-12-29\u200f",
    "\u202e92-21-3202",
    "NaN",
    "1e10",
    "1703808000",
    "9999-12-31",
    "0001-01-01",
    "yesterday",
]

offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# Years kept well inside datetime's range: an offset moves a moment near year 1 or 9999 out of
# it, which is the bug test_out_of_range_moment_is_invalid_input below documents.
moments = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.one_of(st.none(), offsets),
)
valid_dates: st.SearchStrategy[str] = st.one_of(
    st.dates().map(date.isoformat), moments.map(datetime.isoformat)
)
date_strings: st.SearchStrategy[str] = mostly(
    valid_dates, st.one_of(st.sampled_from(MALFORMED_DATES), st.text(max_size=12)), one_in=2
)
day_strings: st.SearchStrategy[str] = mostly(st.dates().map(date.isoformat), date_strings, 2)

hosts = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?(\.[A-Za-z]{2,6}){1,2}\Z")
URL_HOSTS = [
    "[::1]",
    "[2001:db8::1]",
    "127.0.0.1",
    "münchen.example",
    "пример.рф",
    "مثال.مصر",
    "xn--mnchen-3ya.example",
    "user:secret@Host.Example",
]
paths = st.from_regex(r"\A(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,8}){0,3}\Z")
valid_urls: st.SearchStrategy[str] = st.builds(
    "{}://{}{}{}{}{}".format,
    st.sampled_from(["http", "https", "HTTPS", "HtTp"]),
    st.one_of(hosts, st.sampled_from(URL_HOSTS)),
    st.sampled_from(["", ":80", ":8080", ":65535"]),
    paths,
    st.sampled_from(["", "?q=1", "?q=ü&r=ש"]),
    st.sampled_from(["", "#", "#frag", "#ünï"]),
)
"""URLs that normalise: schemes and hosts in any case, IPv6, IDN, ports, fragments."""

malformed_urls: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=30),
    st.builds(
        "{}{}{}{}{}".format,
        st.sampled_from(["ftp://", "javascript:", "http:/", "http:", "//", "", " https://"]),
        st.one_of(
            hosts,
            st.sampled_from(["[::1", "[zz::1]", "exa mple.com", "a..b", ".example.com", "@", ""]),
            st.text(max_size=10),
        ),
        st.sampled_from(["", ":65536", ":99999", ":-1", ":abc", ":"]),
        st.one_of(paths, st.text(max_size=10).map(lambda path: "/" + path)),
        st.sampled_from(["", "?\x00", "#a b", "\u200f"]),
    ),
)
url_strings: st.SearchStrategy[str] = mostly(valid_urls, malformed_urls, one_in=3)

json_junk: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | hostile_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
"""Any JSON value: wrong types, NaN and infinities, nested arrays and objects."""

STATUS_SPELLINGS = ["false", "True", "mostly-true", " MOSTLY_TRUE ", "Mostly true", "in review",
                    "in-review", "MISLEADING", "other"]  # fmt: skip
BAD_STATUSES = ["unverified", "pants on fire", "fałse", "ＴＲＵＥ", "true\x00", "", "mostly__true"]
status_strings = mostly(
    st.sampled_from(STATUS_SPELLINGS), st.one_of(st.sampled_from(BAD_STATUSES), hostile_text)
)

# ---------------------------------------------------------------------------------------------
# Helpers


def note_outcome(result: Result) -> None:
    """Count accepted and refused examples (pytest --hypothesis-show-statistics shows them)."""
    if currently_in_test_context():
        event("accepted" if result.exit_code == 0 else f"refused with exit {result.exit_code}")


def assert_no_crash(result: Result) -> None:
    """A documented exit code and no traceback, whatever happened."""
    if result.exit_code == 0:
        note_outcome(result)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def assert_refused(result: Result, before: dict[str, int], counts: Counts, name: str = "") -> None:
    """Exit 1 or 2, exactly one ``Error:`` line (naming ``name``), and nothing written."""
    note_outcome(result)
    assert_no_crash(result)
    assert result.exit_code in (1, 2), result.output
    assert result.stderr.endswith("\n"), repr(result.stderr)
    lines = result.stderr.split("\n")[:-1]
    assert len(lines) == 1, repr(result.stderr)
    assert lines[0].startswith("Error: "), repr(result.stderr)
    assert not lines[0].startswith(UNANTICIPATED), lines[0]
    assert name in lines[0]
    assert counts() == before


def refusable(*values: str | None) -> bool:
    """Whether any value holds what factdb must refuse outright: NUL or a lone surrogate."""
    return any(
        value is not None and ("\x00" in value or re.search("[\ud800-\udfff]", value))
        for value in values
    )


def show_json(cli: CliRun, claim_id: str) -> dict[str, Any]:
    shown = cli("show", claim_id, "--format", "json")
    assert shown.exit_code == 0, shown.output
    value: dict[str, Any] = json.loads(shown.stdout)
    return value


def exported(cli: CliRun) -> dict[str, dict[str, Any]]:
    """The JSON Lines backup, by claim uid."""
    result = cli("export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = (json.loads(line) for line in result.stdout.split("\n") if line)
    return {record["uid"]: record for record in records}


def as_utc(value: str) -> datetime:
    """A moment as factdb reads it: ISO 8601, without offset taken as UTC, in UTC."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def write_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_imported_texts(
    cli: CliRun, known_ids: set[int], texts: list[str], *, by_fingerprint: list[str]
) -> None:
    """After a successful import: new claims carry exactly the normalised text of a record,
    and every record's text is stored (possibly merged into a claim with the same wording)."""
    listed = json.loads(cli("list", "--format", "json").stdout)
    new = [claim for claim in listed if claim["id"] not in known_ids]
    # Remembered first: should an assertion fail, Hypothesis replays the example on the same
    # database, and must not take this example's claims for the replay's.
    known_ids.update(claim["id"] for claim in listed)
    expected = {collapse_whitespace(text) for text in texts}
    for claim in new:
        assert claim["text"] in expected, claim["text"]
    stored = {claim["fingerprint"] for claim in listed}
    for text in by_fingerprint:
        assert fingerprint(collapse_whitespace(text)) in stored, text


# ---------------------------------------------------------------------------------------------
# Fixtures

SOURCE_TEXT = (
    "Minister Jane Roe said on Monday that unemployment fell to 4.1% in March.\r\n"
    "\tCritics said the figure ignores part-time work.\r"
    "قال الوزير إن البطالة انخفضت.\u200f Министр заявил, что безработица снизилась. 📉\n"
    "Cafe\u0301 owners e\u0301le\u0300ve \u202bנص\u202c 👩🏽‍💻 \u2028line\u2029 =SUM(A1) "
    "unemployment fell to 4.1% in March.  \n"
)


@pytest.fixture
def source_with_text(cli: CliRun, tmp_path: Path) -> str:
    article = write_file(tmp_path, "article.txt", SOURCE_TEXT.encode("utf-8"))
    added = cli("source", "add", "https://news.example/hostile", "--text-file", str(article))
    assert added.exit_code == 0, added.output
    return added.stdout.strip()


@pytest.fixture
def claim_id(cli: CliRun) -> str:
    added = cli("add", "A claim to review", "--source", "https://news.example/review")
    assert added.exit_code == 0, added.output
    return added.stdout.strip()


@pytest.fixture
def three_claims(cli: CliRun) -> None:
    for number in range(3):
        added = cli("add", f"Claim number {number}", "--source", "https://news.example/3")
        assert added.exit_code == 0, added.output


@pytest.fixture
def known_ids() -> set[int]:
    """Claim ids already seen by a property: the database lives across its examples."""
    return set()


# ---------------------------------------------------------------------------------------------
# 1. The CLI with generated arguments


def _quotes() -> st.SearchStrategy[tuple[str | None, int | None]]:
    """No quote, a slice of SOURCE_TEXT (sometimes with its start), or arbitrary text."""
    size = len(SOURCE_TEXT)
    bounds = st.tuples(st.integers(0, size), st.integers(0, size)).map(sorted)
    sliced = st.tuples(bounds, st.booleans()).map(
        lambda pick: (SOURCE_TEXT[pick[0][0] : pick[0][1]], pick[0][0] if pick[1] else None)
    )
    return st.one_of(
        st.just((None, None)), sliced, sliced, hostile_text.map(lambda quote: (quote, None))
    )


@HOSTILE
@given(
    text=claim_text,
    claimant=st.none() | short_text,
    tags=st.lists(short_text, max_size=3),
    claim_date=st.none() | day_strings,
    quote=_quotes(),
)
def test_add_refuses_cleanly_or_round_trips(
    cli: CliRun,
    counts: Counts,
    source_with_text: str,
    text: str,
    claimant: str | None,
    tags: list[str],
    claim_date: str | None,
    quote: tuple[str | None, int | None],
) -> None:
    quote_text, quote_start = quote
    # "--option=value" and "--" keep values that look like options ("-x", "--help") values.
    args = ["add", f"--source={source_with_text}", "--allow-duplicate"]
    args += [f"--claimant={claimant}"] if claimant is not None else []
    args += [f"--tag={tag}" for tag in tags]
    args += [f"--claim-date={claim_date}"] if claim_date is not None else []
    args += [f"--quote={quote_text}"] if quote_text is not None else []
    args += [f"--quote-start={quote_start}"] if quote_start is not None else []
    before = counts()
    result = cli(*args, "--", text)
    if result.exit_code != 0:
        assert_refused(result, before, counts)
        return
    assert_no_crash(result)
    assert not refusable(text, claimant, quote_text, *tags), "NUL or a lone surrogate was stored"
    shown = show_json(cli, result.stdout.strip())
    assert shown["text"] == collapse_whitespace(text)
    assert 1 <= len(shown["text"]) <= MAX_CLAIM_LENGTH
    if claimant:
        assert shown["claimant"]["name"] == collapse_whitespace(claimant)
    else:
        assert shown["claimant"] is None  # an empty --claimant= means none
    # Tags are a set, listed in code point order (the test server's collation is C.UTF-8).
    assert shown["tags"] == sorted({collapse_whitespace(tag).lower() for tag in tags})
    assert shown["claim_date"] == (iso_date(claim_date) if claim_date is not None else None)
    [appearance] = shown["appearances"]
    if quote_text is None and shown["text"] in SOURCE_TEXT:
        quote_text = shown["text"]  # documented: the claim's own words, when the source has them
    assert appearance["quote"] == quote_text
    if quote_text is not None:
        start = SOURCE_TEXT.find(quote_text) if quote_start is None else quote_start
        assert (appearance["start"], appearance["end"]) == (start, start + len(quote_text))
    backup = exported(cli)[shown["uid"]]
    assert backup["text"] == shown["text"]
    assert backup["tags"] == shown["tags"]
    assert backup["appearances"][0]["quote"] == quote_text
    assert (backup["claimant"] or {}).get("name") == (shown["claimant"] or {}).get("name")


@HOSTILE
@given(
    status=status_strings,
    note=st.none() | claim_text,
    rating_label=st.none() | short_text,
    evidence=st.lists(url_strings, max_size=2),
    reviewed_at=st.none() | date_strings,
)
def test_verify_refuses_cleanly_or_round_trips(
    cli: CliRun,
    counts: Counts,
    claim_id: str,
    status: str,
    note: str | None,
    rating_label: str | None,
    evidence: list[str],
    reviewed_at: str | None,
) -> None:
    args = ["verify", claim_id, f"--status={status}"]
    args += [f"--note={note}"] if note is not None else []
    args += [f"--rating-label={rating_label}"] if rating_label is not None else []
    args += [f"--evidence={url}" for url in evidence]
    args += [f"--reviewed-at={reviewed_at}"] if reviewed_at is not None else []
    before = counts()
    result = cli(*args)
    if result.exit_code != 0:
        assert_refused(result, before, counts)
        return
    assert_no_crash(result)
    assert not refusable(note, rating_label, *evidence), "NUL or a lone surrogate was stored"
    match = re.search(r"review (\d+)\n\Z", result.stdout)
    assert match is not None, result.stdout
    shown = show_json(cli, claim_id)
    [review] = [item for item in shown["reviews"] if item["id"] == int(match.group(1))]
    expected_status = Status(str(parse_status(status)))
    assert review["status"] == expected_status.value
    assert review["note"] == (note.strip() if note is not None else None)
    assert review["rating_label"] == (
        collapse_whitespace(rating_label)
        if rating_label is not None
        else expected_status.display_name
    )
    assert [item["url"] for item in review["evidence"]] == [normalize_url(url) for url in evidence]
    if reviewed_at is not None:
        assert as_utc(review["reviewed_at"]) == as_utc(reviewed_at)
    # The backup carries every review of the claim, oldest first, with the exact same text.
    backup = exported(cli)[shown["uid"]]
    assert [(r["note"], r["rating_label"]) for r in backup["reviews"]] == [
        (r["note"], r["rating_label"]) for r in shown["reviews"]
    ]


@HOSTILE
@given(
    url=url_strings,
    title=st.none() | claim_text,
    publisher=st.none() | short_text,
    published=st.none() | date_strings,
)
def test_source_add_refuses_cleanly_or_round_trips(
    cli: CliRun,
    counts: Counts,
    url: str,
    title: str | None,
    publisher: str | None,
    published: str | None,
) -> None:
    args = ["source", "add"]
    args += [f"--title={title}"] if title is not None else []
    args += [f"--publisher={publisher}"] if publisher is not None else []
    args += [f"--published={published}"] if published is not None else []
    before = counts()
    result = cli(*args, "--", url)
    try:
        normalised = normalize_url(url)
    except ValueError:
        normalised = None
    if result.exit_code != 0:
        assert_refused(result, before, counts)
        if normalised is None:
            assert result.exit_code == 2
        return
    assert_no_crash(result)
    assert normalised is not None, f"{url!r} was accepted though it is no valid http(s) URL"
    shown = cli("source", "show", result.stdout.strip(), "--format", "json")
    assert shown.exit_code == 0, shown.output
    source = json.loads(shown.stdout)
    assert source["url"] == normalised
    assert source["title"] == (collapse_whitespace(title) if title is not None else None)
    assert source["publisher"] == (
        collapse_whitespace(publisher) if publisher is not None else None
    )
    if published is not None:
        assert as_utc(source["published_at"]) == as_utc(published)
    # The stored URL finds the source again.
    again = cli("source", "show", source["url"], "--format", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["id"] == source["id"]


@HOSTILE
@given(
    limit=st.one_of(
        st.integers().map(str),
        st.integers(min_value=-3, max_value=5).map(str),
        st.sampled_from(["1_000", " 2 ", "２", "٣", "1e3", "0x10", "+1", "9" * 5000, "", "-"]),
        st.text(max_size=8),
    )
)
def test_list_limit_takes_any_integer_string(cli: CliRun, three_claims: None, limit: str) -> None:
    result = cli("list", "--format", "json", f"--limit={limit}")
    assert_no_crash(result)
    plain = re.fullmatch(r"\s*[+-]?[0-9]{1,4000}\s*", limit) is not None
    if result.exit_code != 0:
        # Refused before anything is listed: usage (not an integer) or out of range.
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ")
        assert result.stderr.count("\n") == 1
        assert not plain or not 1 <= int(limit) <= 1_000_000, f"{limit!r} was refused"
        return
    # Accepted: an integer in 1..1,000,000 (typer also reads "1_000" and "1.0", not fullwidth
    # digits or "1e3").
    wanted = int(float(limit)) if not plain and "_" not in limit else int(limit)
    assert 1 <= wanted <= 1_000_000, f"{limit!r} was accepted"
    assert len(json.loads(result.stdout)) == min(wanted, 3)


# ---------------------------------------------------------------------------------------------
# 2. The importers with generated files

IMPORT_FORMATS = ["jsonl", "csv", "claimreview", "google-factcheck", "auto"]


@HOSTILE
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=100).map(lambda junk: b'{"text": "' + junk + b'"}\n'),
        st.binary(max_size=100).map(lambda junk: b"\xef\xbb\xbfclaim\n" + junk),
        st.binary(max_size=100).map(lambda junk: b'{"@type": "ClaimReview", ' + junk),
        st.binary(max_size=100).map(lambda junk: b'{"claims": [{"claimReview": [' + junk),
    ),
    input_format=st.sampled_from(IMPORT_FORMATS),
)
def test_import_of_arbitrary_bytes(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    known_ids: set[int],
    data: bytes,
    input_format: str,
) -> None:
    path = write_file(tmp_path, "input.dat", data)
    options = ["--map", "claim=text"] if input_format == "csv" else []
    before = counts()
    result = cli("import", str(path), "--format", input_format, *options)
    if result.exit_code != 0:
        assert_refused(result, before, counts, name="input.dat")
        return
    assert_no_crash(result)
    assert_imported_texts(cli, known_ids, _texts_in(data, input_format), by_fingerprint=[])


def _texts_in(data: bytes, input_format: str) -> list[str]:
    """The candidate claim texts a file that imported holds, read with Python's own parsers."""
    text = data.decode("utf-8-sig")
    if input_format == "csv":
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for line in text.split("\n"):
        try:
            walk(json.loads(line))
        except ValueError:
            continue
    with contextlib.suppress(ValueError):
        walk(json.loads(text))
    return texts


@st.composite
def appearances(draw: st.DrawFn, *, clean: bool = False) -> Any:
    """An appearance; its quote often a slice of its source's text, sometimes with the span."""
    urls = st.sampled_from(["https://a.example/1", "https://a.example/2"])
    source: dict[str, Any] = {"url": draw(urls | (valid_urls if clean else url_strings))}
    if draw(st.booleans()):
        source["text"] = draw(storable_text if clean else hostile_text)
    appearance: dict[str, Any] = {"source": source}
    text = source.get("text") or ""
    if text and draw(st.booleans()):
        start, end = sorted(draw(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))))
        appearance["quote"] = text[start:end]
        if draw(st.booleans()):
            appearance |= {"start": start, "end": end}
    elif not clean and draw(st.booleans()):
        appearance["quote"] = draw(hostile_text)
    if not clean and draw(st.integers(0, 9)) == 0:
        # Spans within the database's integer range (larger ones: see the tests at the end).
        appearance |= draw(
            st.fixed_dictionaries({"start": st.integers(-5, 2**31 - 2), "end": json_junk})
        )
    return appearance


hostile_reviews = st.fixed_dictionaries(
    {},
    optional={
        "status": status_strings,
        "rating_label": hostile_text | printable_text,
        "rating_value": st.floats() | st.integers(-(10**400), 10**400) | json_junk,
        "best_rating": st.floats() | st.integers(-10, 10),
        "worst_rating": st.floats() | st.integers(-10, 10),
        "note": hostile_text,
        "reviewer": hostile_text,
        "reviewed_at": date_strings | json_junk,
        "url": url_strings,
        "evidence": st.lists(st.fixed_dictionaries({"url": url_strings}), max_size=2) | json_junk,
    },
)
clean_reviews = st.fixed_dictionaries(
    {"rating_label": printable_text},
    optional={
        "rating_value": st.floats() | st.integers(-10, 10),
        "note": claim_text,
        "reviewer": printable_text,
        "reviewed_at": valid_dates,
        "url": valid_urls,
        "evidence": st.lists(st.fixed_dictionaries({"url": valid_urls}), max_size=2),
    },
)

hostile_records = st.fixed_dictionaries(
    {"text": st.one_of(hostile_text, printable_text, json_junk)},
    optional={
        "uid": st.uuids().map(str) | json_junk,
        "claimant": st.fixed_dictionaries(
            {"name": hostile_text | printable_text},
            optional={"kind": st.sampled_from(["person", "organization", "martian", ""])},
        )
        | json_junk,
        "tags": st.lists(hostile_text | printable_text, max_size=3) | json_junk,
        "claim_date": date_strings | json_junk,
        "language": st.sampled_from(["en", "pt-BR", "EN_us", "ar", "xx-yy-zz-12345", ""])
        | json_junk,
        "reviews": st.lists(hostile_reviews, max_size=2) | json_junk,
        "appearances": st.lists(appearances(), max_size=2) | json_junk,
        "created_at": date_strings,
    },
)
clean_records = st.fixed_dictionaries(
    {"text": claim_text},
    optional={
        "uid": st.uuids().map(str),
        "claimant": st.fixed_dictionaries(
            {"name": printable_text},
            optional={"kind": st.sampled_from(["person", "organization", "group", "unknown"])},
        ),
        "tags": st.lists(printable_text, max_size=3),
        "claim_date": st.dates().map(date.isoformat),
        "language": st.sampled_from(["en", "pt-BR", "EN_us", "ar"]),
        "reviews": st.lists(clean_reviews, max_size=2),
        "appearances": st.lists(appearances(clean=True), max_size=1),
    },
)
records = mostly(clean_records, hostile_records, one_in=5)
# Now and then a field no record has.
extra_fields = mostly(
    st.just({}), st.dictionaries(st.text(max_size=6), json_junk, min_size=1, max_size=2), 8
)


@HOSTILE
@given(
    lines=st.lists(st.tuples(records, extra_fields), min_size=1, max_size=4),
    ascii_only=st.booleans(),
    blank_lines=st.booleans(),
)
def test_import_of_hostile_json_lines(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    known_ids: set[int],
    lines: list[tuple[dict[str, Any], dict[str, Any]]],
    ascii_only: bool,
    blank_lines: bool,
) -> None:
    # Lone surrogates become "\ud800" escapes (ascii_only) or raw invalid UTF-8 bytes.
    uids: set[str] = set()
    content = b""
    for record, extra in lines:
        # One uid per file (one uid twice: see the tests at the end).
        uid = record.get("uid")
        if isinstance(uid, str):
            if uid in uids:
                record = {key: value for key, value in record.items() if key != "uid"}
            uids.add(uid)
        line = json.dumps(extra | record, ensure_ascii=ascii_only)
        content += line.encode("utf-8", "surrogatepass") + (b"\n\n \n" if blank_lines else b"\n")
    path = write_file(tmp_path, "hostile.jsonl", content)
    before = counts()
    result = cli("import", str(path))
    if result.exit_code != 0:
        assert_refused(result, before, counts, name="hostile.jsonl")
        return
    assert_no_crash(result)
    # What the file says, read by Python: "\ud800\udc80" escapes are one valid character.
    # split("\n"): with ensure_ascii=False a line may hold U+2028 or U+0085 verbatim.
    parsed = [json.loads(line) for line in content.decode("utf-8").split("\n") if line.strip()]
    assert all(isinstance(record["text"], str) for record in parsed)
    texts = [record["text"] for record in parsed]
    without_uid = [record["text"] for record in parsed if "uid" not in record]
    assert_imported_texts(cli, known_ids, texts, by_fingerprint=without_uid)
    assert not refusable(*texts)


csv_cells = mostly(claim_text, st.just(""), one_in=5)


@HOSTILE
@given(
    rows=st.lists(
        st.tuples(
            csv_cells,
            mostly(st.just(""), short_text, one_in=2),
            mostly(st.just(""), date_strings, one_in=2),
        ),
        min_size=1,
        max_size=4,
    ),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_import_of_hostile_csv(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    known_ids: set[int],
    rows: list[tuple[str, str, str]],
    line_end: str,
) -> None:
    table = io.StringIO()
    writer = csv.writer(table, lineterminator=line_end)
    writer.writerow(["claim", "verdict", "when"])
    writer.writerows(rows)
    path = write_file(tmp_path, "sheet.csv", table.getvalue().encode("utf-8", "surrogatepass"))
    options = ["--map", "claim=text", "--map", "verdict=rating_label", "--map", "when=reviewed_at"]
    before = counts()
    result = cli("import", str(path), *options)
    if result.exit_code != 0:
        assert_refused(result, before, counts, name="sheet.csv")
        return
    assert_no_crash(result)
    # Rows whose cells are all blank are skipped; every other row is a claim.
    texts = [row[0] for row in rows if any(cell.strip() for cell in row)]
    assert_imported_texts(cli, known_ids, texts, by_fingerprint=texts)
    # A row without a verdict has no review, and its date is not read (see the report).
    read = [
        cell
        for text, verdict, when in rows
        for cell in (text, verdict, when * bool(verdict.strip()))
    ]
    assert not refusable(*read)


@st.composite
def fact_check_documents(draw: st.DrawFn) -> tuple[str, Any]:
    """A ClaimReview feed or a Google Fact Check page with hostile texts, labels and dates."""
    kind = draw(st.sampled_from(["claimreview", "google-factcheck"]))
    items = draw(
        st.lists(
            st.tuples(
                mostly(claim_text, json_junk, one_in=8),
                short_text,
                st.none() | date_strings,
                st.none() | url_strings,
            ),
            min_size=1,
            max_size=3,
        )
    )
    if kind == "google-factcheck":
        claims = []
        for text, label, when, url in items:
            review = {"textualRating": label, "publisher": {"name": "Desk", "site": "desk.example"}}
            review |= {"reviewDate": when} if when is not None else {}
            review |= {"url": url} if url is not None else {}
            claims.append({"text": text, "claimReview": [review]})
        return kind, {"claims": claims}
    nodes = []
    for text, label, when, url in items:
        node: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": text,
            "reviewRating": {"@type": "Rating", "alternateName": label},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": label}},
        }
        node |= {"datePublished": when} if when is not None else {}
        node |= {"url": url} if url is not None else {}
        nodes.append(node)
    return kind, draw(st.sampled_from([nodes, {"@graph": nodes}, nodes[0]]))


@HOSTILE
@given(document=fact_check_documents(), ascii_only=st.booleans())
def test_import_of_hostile_fact_check_feeds(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    known_ids: set[int],
    document: tuple[str, Any],
    ascii_only: bool,
) -> None:
    input_format, value = document
    content = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    path = write_file(tmp_path, "feed.json", content)
    before = counts()
    result = cli("import", str(path), "--format", input_format)
    if result.exit_code != 0:
        assert_refused(result, before, counts, name="feed.json")
        return
    assert_no_crash(result)
    parsed = json.loads(content.decode("utf-8"))
    if input_format == "google-factcheck":
        texts = [claim["text"] for claim in parsed["claims"]]
    else:
        nodes = parsed if isinstance(parsed, list) else parsed.get("@graph", [parsed])
        texts = [node["claimReviewed"] for node in nodes]
    # A property's text as the readers take it: a string, an {"@value": …}, or a list's first.
    texts = [text_value(text) or "" for text in texts]
    assert_imported_texts(cli, known_ids, texts, by_fingerprint=texts)
    assert not refusable(*texts)


# ---------------------------------------------------------------------------------------------
# 3. Size limits, with a clear message


def test_claim_text_limit(cli: CliRun, counts: Counts) -> None:
    before = counts()
    for size in (MAX_CLAIM_LENGTH + 1, 1_000_000):
        result = cli("add", "—" * size, "--source", "https://news.example/big")
        assert result.exit_code == 2, result.output
        assert_refused(result, before, counts, name=f"the limit is {MAX_CLAIM_LENGTH:,}")
        assert f"{size:,} characters" in result.stderr
    at_limit = "ж" * (MAX_CLAIM_LENGTH - 2) + " 📉"
    added = cli("add", at_limit, "--source", "https://news.example/big")
    assert added.exit_code == 0, added.output
    assert show_json(cli, added.stdout.strip())["text"] == at_limit


def test_note_limit(cli: CliRun, counts: Counts, claim_id: str) -> None:
    before = counts()
    for size in (MAX_NOTE_LENGTH + 1, 1_000_000):
        result = cli("verify", claim_id, "--status", "false", "--note", "n" * size)
        assert result.exit_code == 2, result.output
        assert_refused(result, before, counts, name=f"the limit is {MAX_NOTE_LENGTH:,}")
    note = "\u200f" + "ن" * (MAX_NOTE_LENGTH - 3) + "\n\u0301"
    result = cli("verify", claim_id, "--status", "false", "--note", f"  {note}\n")
    assert result.exit_code == 0, result.output
    assert show_json(cli, claim_id)["reviews"][-1]["note"] == note


def test_megabyte_text_in_a_json_lines_record(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    good = json.dumps({"text": "A fine claim"})
    big = json.dumps({"text": "x" * 1_000_000, "tags": ["big"]})
    path = write_file(tmp_path, "big.jsonl", f"{good}\n{big}\n".encode())
    before = counts()
    result = cli("import", str(path))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="big.jsonl: line 2: text:")
    assert f"the limit is {MAX_CLAIM_LENGTH:,}" in result.stderr


def test_json_lines_line_limit(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    good = json.dumps({"text": "A fine claim"}).encode()
    path = tmp_path / "long.jsonl"
    with path.open("wb") as stream:
        stream.write(good + b"\n" + b'{"text": "')
        stream.write(b"y" * MAX_LINE_BYTES)
        stream.write(b'"}\n' + good + b"\n")
    before = counts()
    result = cli("import", str(path))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="long.jsonl: line 2: longer than 16 MiB")


def test_csv_field_limit(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    with path.open("wb") as stream:
        stream.write(b'claim\nA fine claim\n"')
        stream.write(b"z" * (MAX_FIELD_CHARS + 1))
        stream.write(b'"\n')
    before = counts()
    result = cli("import", str(path), "--map", "claim=text")
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="wide.csv: line 3: field larger than field limit")


@pytest.mark.parametrize("input_format", ["claimreview", "google-factcheck"])
def test_document_limit(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    input_format: str,
) -> None:
    # The real limit is 256 MiB; the check is the same with a smaller one.
    limit = 1024 * 1024
    monkeypatch.setattr(factdb.cli.commands.interchange, "MAX_DOCUMENT_BYTES", limit)
    claim_review = {
        "@type": "ClaimReview",
        "claimReviewed": "A fine claim",
        "url": "https://d.example/",
        "reviewRating": {"alternateName": "False"},
    }
    google_claim = {"text": "A fine claim", "claimReview": [{"textualRating": "False"}]}
    google = input_format == "google-factcheck"
    body: dict[str, Any] = {"claims": [google_claim]} if google else {"@graph": [claim_review]}
    over = json.dumps(body | {"padding": "p" * limit}).encode()
    before = counts()
    result = cli("import", str(write_file(tmp_path, "huge.json", over)), "--format", input_format)
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="huge.json: larger than 1 MiB")
    # The same document under the limit is read.
    fits = json.dumps(body | {"padding": "p" * (limit - 1000)}).encode()
    accepted = cli("import", str(write_file(tmp_path, "fits.json", fits)), "--format", input_format)
    assert accepted.exit_code == 0, accepted.output
    assert counts()["claims"] == before["claims"] + 1


def test_text_file_limits_and_encoding(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    before = counts()
    latin1 = write_file(tmp_path, "latin1.txt", "Ministério da Saúde".encode("latin-1"))
    result = cli("source", "add", "https://news.example/l", "--text-file", str(latin1))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="latin1.txt is not UTF-8 (byte 6")

    surrogate = write_file(tmp_path, "cesu.txt", b"ok \xed\xa0\x80 not ok")
    result = cli("source", "add", "https://news.example/s", "--text-file", str(surrogate))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="cesu.txt is not UTF-8 (byte 3")

    # Over four bytes per allowed character: refused from its size, before it is read.
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as stream:
        stream.truncate(MAX_SOURCE_TEXT_LENGTH * 4 + 1)
    result = cli("source", "add", "https://news.example/t", "--text-file", str(sparse))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name="sparse.txt is too large")

    # Small enough in bytes, too many characters.
    long_text = write_file(tmp_path, "long.txt", b"a" * (MAX_SOURCE_TEXT_LENGTH + 1))
    result = cli("source", "add", "https://news.example/u", "--text-file", str(long_text))
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name=f"the limit is {MAX_SOURCE_TEXT_LENGTH:,}")


# ---------------------------------------------------------------------------------------------
# 4. Lone surrogates in files: refused with their location, nothing written


GOOD_LINE = json.dumps({"text": "A fine claim", "tags": ["ok"]})
GOOGLE_PAGE = (
    b'{"claims": [{"text": "A fine claim", "claimReview": [{"textualRating": "False"}]},'
    b'\n{"text": "bad \xed\xb2\x80", "claimReview": [{"textualRating": "False"}]}]}'
)
GOOGLE_BAD_BYTE = GOOGLE_PAGE.index(b"\xed")


@pytest.mark.parametrize(
    ("name", "content", "options", "where"),
    [
        (
            "escaped.jsonl",
            f'{GOOD_LINE}\n{{"text": "bad \\udc80 text"}}\n'.encode(),
            [],
            "escaped.jsonl: line 2: text: contains a lone surrogate at character 4",
        ),
        (
            "raw.jsonl",
            GOOD_LINE.encode() + b'\n{"text": "bad \xed\xa0\x80 text"}\n',
            [],
            "raw.jsonl: line 2: not UTF-8 (byte 14",
        ),
        (
            "raw.csv",
            b"claim,verdict\nA fine claim,False\nbad \xed\xa0\x80 text,False\n",
            ["--map", "claim=text", "--map", "verdict=rating_label"],
            "raw.csv: line 3: not UTF-8 (byte 4",
        ),
        (
            "escaped.csv",
            # In CSV a "\udc80" is six characters of text, not an escape: it imports as such.
            b"claim\nA fine claim\nbad \\udc80 text\n\x00\n",
            ["--map", "claim=text"],
            "escaped.csv: line 4: text: contains control character U+0000",
        ),
        (
            "feed.json",
            b'[{"@type": "ClaimReview", "claimReviewed": "A fine claim", "url": "https://d.ex/1"},'
            b' {"@type": "ClaimReview", "claimReviewed": "bad \\ud800", "url": "https://d.ex/2"}]',
            ["--format", "claimreview"],
            "feed.json: ClaimReview 2: text: contains a lone surrogate at character 4",
        ),
        (
            "google.json",
            GOOGLE_PAGE,
            ["--format", "google-factcheck"],
            f"google.json: not valid UTF-8 at byte {GOOGLE_BAD_BYTE} (line 2)",
        ),
    ],
    ids=[
        "jsonl-escape",
        "jsonl-bytes",
        "csv-bytes",
        "csv-nul",
        "claimreview-escape",
        "google-bytes",
    ],
)
def test_lone_surrogate_in_a_file_is_located_and_nothing_written(
    cli: CliRun,
    counts: Counts,
    tmp_path: Path,
    name: str,
    content: bytes,
    options: list[str],
    where: str,
) -> None:
    assert cli("add", "Already here", "--source", "https://news.example/p").exit_code == 0
    before = counts()
    result = cli("import", str(write_file(tmp_path, name, content)), *options)
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name=where)


# ---------------------------------------------------------------------------------------------
# 5. A megabyte of mixed-script source text, byte for byte


MIXED_SCRIPT = (
    "Zakharova: «Ближний Восток» — الشرق الأوسط — מזרח תיכון ✔︎ 👩🏽‍💻🇺🇦\r\n"
    "Cafe\u0301 \u200fقال\u200e Lavrov \u202bنص\u202c\t\u2028e\u0301le\u0300ve\r"
    "=SUM(A1) ünïcödé\u00a0\u3000 fell to 4.1%\n"
)


def test_megabyte_source_text_round_trips_and_quotes_locate(cli: CliRun, tmp_path: Path) -> None:
    repeats = 1024 * 1024 // len(MIXED_SCRIPT.encode("utf-8")) + 1
    marker = "Единственный маркер — علامة فريدة — סמן 🧭\r\nend"
    text = MIXED_SCRIPT * (repeats - 3) + marker + MIXED_SCRIPT * 3
    data = text.encode("utf-8")
    assert len(data) > 1024 * 1024
    article = write_file(tmp_path, "mixed.txt", data)
    added = cli("source", "add", "https://news.example/mb", "--text-file", str(article))
    assert added.exit_code == 0, added.output
    source_id = added.stdout.strip()

    shown = cli("source", "show", source_id, "--text")
    assert shown.exit_code == 0
    assert shown.stdout_bytes == data
    details = json.loads(cli("source", "show", source_id, "--format", "json").stdout)
    assert details["text_sha256"] == hashlib.sha256(data).hexdigest()
    assert details["text_length"] == len(text)

    # A quote that occurs once, near the end: its span, in Python characters.
    unique = cli("add", "The unique marker", "--source", source_id, "--quote", marker)
    assert unique.exit_code == 0, unique.output
    [appearance] = show_json(cli, unique.stdout.strip())["appearances"]
    start = text.index(marker)
    assert start > len(text) - 4 * len(MIXED_SCRIPT)
    assert (appearance["start"], appearance["end"]) == (start, start + len(marker))
    assert text[appearance["start"] : appearance["end"]] == marker

    # A quote that occurs in every repeat: the first by default, the last one on request.
    phrase = "\u200fقال\u200e Lavrov \u202bنص\u202c\t\u2028e\u0301"
    last = text.rindex(phrase)
    for options, expected in (([], text.index(phrase)), ([f"--quote-start={last}"], last)):
        claim = cli("add", "Lavrov said it", "--source", source_id, "--allow-duplicate",
                    "--quote", phrase, *options)  # fmt: skip
        assert claim.exit_code == 0, claim.output
        [appearance] = show_json(cli, claim.stdout.strip())["appearances"]
        assert (appearance["start"], appearance["end"]) == (expected, expected + len(phrase))
        assert appearance["quote"] == phrase

    # The backup carries the text once, exactly.
    backup = exported(cli)
    texts = [a["source"]["text"] for c in backup.values() for a in c["appearances"]]
    assert [t for t in texts if t is not None] == [text]


# ---------------------------------------------------------------------------------------------
# Bugs found by these properties: each states what should happen, and fails until it does.


def _expect_clean_refusal(
    result: Result, before: dict[str, int], counts: Counts, name: str
) -> None:
    assert result.exit_code == 2, result.output
    assert_refused(result, before, counts, name=name)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_out_of_range_moment_is_invalid_input(
    cli: CliRun, counts: Counts, tmp_path: Path, claim_id: str, moment: str
) -> None:
    before = counts()
    verify = cli("verify", claim_id, "--status", "false", "--reviewed-at", moment)
    _expect_clean_refusal(verify, before, counts, "reviewed_at")
    record = {"text": "x", "reviews": [{"status": "false", "reviewed_at": moment}]}
    path = write_file(tmp_path, "dates.jsonl", (json.dumps(record) + "\n").encode())
    imported = cli("import", str(path))
    _expect_clean_refusal(imported, before, counts, "dates.jsonl: line 1: reviews")


def test_huge_span_in_a_record_is_located(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    appearance = {"source": {"url": "https://x.example/"}, "quote": "a", "start": 10**20,
                  "end": 10**20 + 1}  # fmt: skip
    path = write_file(
        tmp_path,
        "span.jsonl",
        (json.dumps({"text": "x", "appearances": [appearance]}) + "\n").encode(),
    )
    before = counts()
    _expect_clean_refusal(cli("import", str(path)), before, counts, "span.jsonl: line 1")


def test_deeply_nested_json_line_is_located(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    nested = '{"text": "x", "tags": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path = write_file(tmp_path, "deep.jsonl", nested.encode())
    before = counts()
    _expect_clean_refusal(cli("import", str(path)), before, counts, "deep.jsonl: line 1")


def test_deeply_nested_claimreview_value_is_located(
    cli: CliRun, counts: Counts, tmp_path: Path
) -> None:
    document = ('{"@type": "ClaimReview", "claimReviewed": ' + "[" * 900 + '"x"' + "]" * 900
                + ', "reviewRating": {"alternateName": "False"}}')  # fmt: skip
    path = write_file(tmp_path, "deep.json", document.encode())
    result = cli("import", str(path), "--format", "claimreview")
    # The text is found however deep the lists nest, without recursion.
    assert result.exit_code == 0, result.output
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert [claim["text"] for claim in listed] == ["x"]


def test_rejecting_a_record_with_a_lone_surrogate(
    cli: CliRun, counts: Counts, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "mixed.jsonl", f'{GOOD_LINE}\n{{"text": "x\\ud800"}}\n'.encode())
    rejects = tmp_path / "rejects.jsonl"
    result = cli("import", str(path), "--on-error", "skip", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert counts()["claims"] == 1
    [rejected] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert rejected["location"] == "mixed.jsonl: line 2"


def test_one_uid_twice_in_a_file(cli: CliRun, counts: Counts, tmp_path: Path) -> None:
    uid = "7bc54e5c-c51d-4e25-9daf-dbafb2d3bb46"
    lines = [json.dumps({"uid": uid, "text": text}) for text in ("one", "two")]
    path = write_file(tmp_path, "uids.jsonl", "\n".join(lines).encode())
    before = counts()
    result = cli("import", str(path))
    if result.exit_code == 0:
        assert counts()["claims"] == before["claims"] + 1
    else:
        _expect_clean_refusal(result, before, counts, "uids.jsonl: line 2")


def test_standard_input_over_the_limit_is_not_truncated(
    cli: CliRun, counts: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factdb.cli.commands.interchange, "MAX_DOCUMENT_BYTES", 16)
    before = counts()
    result = cli("import", "-", "--map", "claim=text", input="claim\nHello world\nsecond claim\n")
    # Either all of it ("Hello world" and "second claim") or a refusal; never "Hello worl".
    if result.exit_code == 0:
        texts = [c["text"] for c in json.loads(cli("list", "--format", "json").stdout)]
        assert texts == ["Hello world", "second claim"]
    else:
        _expect_clean_refusal(result, before, counts, "stdin")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99999999999999999999"],
        ["verify", "99999999999999999999", "--status", "false"],
        ["source", "show", "99999999999999999999"],
        ["add", "x", "--source", "99999999999999999999"],
        ["add", "x", "--source", "²"],
        ["list", "--source", "²"],
    ],
    ids=["show", "verify", "source-show", "add-source", "add-source-superscript", "list-source"],
)
def test_malformed_ids_are_not_found_or_invalid(
    cli: CliRun, counts: Counts, args: list[str]
) -> None:
    before = counts()
    result = cli(*args)
    assert_refused(result, before, counts)
    assert result.stdout == ""


@pytest.mark.parametrize("output_format", ["table", "json"])
def test_refused_listing_prints_nothing(cli: CliRun, output_format: str) -> None:
    result = cli("list", "--format", output_format, "--source", "not a url")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


def test_claimant_name_whose_case_folding_grows(cli: CliRun, counts: Counts) -> None:
    # Claimant names are unique through their case-folded form, which "ß" doubles ("ss"): a
    # name is refused cleanly when that form would not fit, on both databases alike.
    before = counts()
    name = "ß" * 500
    refused = cli("add", "A claim by ß", "--source", "https://news.example/ss", "--claimant", name)
    assert refused.exit_code == 2, refused.output
    assert "case-folded" in refused.stderr
    assert counts() == before
    fits = "ß" * 250
    added = cli("add", "A claim by ß", "--source", "https://news.example/ss", "--claimant", fits)
    assert added.exit_code == 0, added.output
    assert show_json(cli, added.stdout.strip())["claimant"]["name"] == fits


def test_url_whose_lower_casing_grows(cli: CliRun, counts: Counts) -> None:
    url = "http://" + "İ" * 2037 + ".com"
    before = counts()
    added = cli("source", "add", url)
    if added.exit_code != 0:
        _expect_clean_refusal(added, before, counts, "")
        return
    stored = json.loads(cli("source", "show", added.stdout.strip(), "--format", "json").stdout)
    assert cli("source", "show", stored["url"]).exit_code == 0
