"""Validators and normalisers, tried with generated input (Hypothesis)."""

from __future__ import annotations

import contextlib
import json
import unicodedata
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from factdb.domain import Status
from factdb.schemas.claims import ClaimCreate
from factdb.schemas.reviews import ReviewCreate
from factdb.schemas.types import (
    MAX_CLAIM_LENGTH,
    ClaimText,
    IsoDate,
    LanguageTag,
    StatusValue,
    Tag,
    UtcDatetime,
    collapse_whitespace,
    fingerprint,
    normalize_url,
)
from tests.helpers.cli import CliRun

claim_text = TypeAdapter(ClaimText)
language = TypeAdapter(LanguageTag)
moment = TypeAdapter(UtcDatetime)
day = TypeAdapter(IsoDate)
status = TypeAdapter(StatusValue)
tag = TypeAdapter(Tag)


@given(st.text())
def test_claim_text_is_trimmed_collapsed_or_rejected(raw: str) -> None:
    try:
        cleaned = claim_text.validate_python(raw)
    except ValidationError:
        return
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert 1 <= len(cleaned) <= MAX_CLAIM_LENGTH
    assert claim_text.validate_python(cleaned) == cleaned
    assert "\x00" not in cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), min_size=1))
def test_printable_text_is_accepted_unless_blank(raw: str) -> None:
    if not raw.split():
        with pytest.raises(ValidationError):
            claim_text.validate_python(raw)
    else:
        assert claim_text.validate_python(raw) == collapse_whitespace(raw)


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b", "x" * (MAX_CLAIM_LENGTH + 1)])
def test_unstorable_or_oversized_text_is_rejected(bad: str) -> None:
    with pytest.raises(ValidationError):
        claim_text.validate_python(bad)


@pytest.mark.parametrize("kept", ["Trump\x90s tax plan", "\x1b[31mred", "a\x7fb", "\x01\x02"])
def test_control_characters_other_than_nul_are_stored_exactly(kept: str) -> None:
    assert claim_text.validate_python(kept) == kept


@given(st.text(), st.sampled_from([str.upper, str.lower, str.title]))
def test_fingerprint_ignores_case_and_spacing(text: str, change_case: object) -> None:
    assert callable(change_case)
    spaced = "  " + "   ".join(text.split()) + "\n"
    assert fingerprint(text) == fingerprint(spaced)
    if change_case(text).casefold() == text.casefold():
        assert fingerprint(change_case(text)) == fingerprint(text)


hosts = st.from_regex(r"\A[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?(\.[a-zA-Z]{2,6}){1,2}\Z")
paths = st.from_regex(r"\A(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}){0,4}\Z")


@given(st.sampled_from(["http", "HTTPS", "Http"]), hosts, paths, st.text(max_size=10))
def test_url_normalisation(scheme: str, host: str, path: str, fragment: str) -> None:
    raw = f"{scheme}://{host}{path}#{fragment}"
    try:
        url = normalize_url(raw)
    except ValueError:
        assert any(
            char.isspace() or unicodedata.category(char) in {"Cc", "Cs"} for char in fragment
        )
        return
    assert url == f"{scheme.lower()}://{host.lower()}{path}"
    assert normalize_url(url) == url


@given(st.characters(codec=None))
def test_url_rejects_exactly_spaces_and_control_characters(char: str) -> None:
    raw = f"https://example.com/a{char}b"
    if char.isspace() or unicodedata.category(char) in {"Cc", "Cs"}:
        with pytest.raises(ValueError, match="spaces or control"):
            normalize_url(raw)
    else:
        assert normalize_url(raw).startswith("https://example.com/a")


@given(st.text(max_size=200))
def test_url_validator_only_raises_value_errors(raw: str) -> None:
    try:
        url = normalize_url(raw)
    except ValueError:
        return
    assert url.startswith(("http://", "https://"))
    assert "#" not in url
    assert normalize_url(url) == url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/Path?Q=1#frag", "https://example.com/Path?Q=1"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://[::1]/x", "https://[::1]/x"),
        ("https://user@Example.com/", "https://user@example.com/"),
    ],
)
def test_url_examples(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "example.com",
        "ftp://example.com",
        "https://",
        "https://exa mple.com",
        "https://a..b/",
        "javascript:alert(1)",
        "https://example.com:99999/",
    ],
)
def test_bad_urls(bad: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        normalize_url(bad)


@pytest.mark.parametrize(
    ("raw", "expected"), [("en", "en"), ("EN-us", "en-US"), ("pt_BR", "pt-BR"), ("ar", "ar")]
)
def test_language_tags(raw: str, expected: str) -> None:
    assert language.validate_python(raw) == expected


@given(st.text(max_size=20))
def test_language_validator_never_crashes(raw: str) -> None:
    with contextlib.suppress(ValidationError):
        language.validate_python(raw)


def test_datetimes_become_utc() -> None:
    assert moment.validate_python("2023-12-29T16:45:00+03:00") == datetime(
        2023, 12, 29, 13, 45, tzinfo=UTC
    )
    assert moment.validate_python("2023-12-29") == datetime(2023, 12, 29, tzinfo=UTC)
    assert moment.validate_python("2023-12-29T16:45:00Z").tzinfo == UTC
    assert day.validate_python("2023-12-29") == date(2023, 12, 29)


@given(st.text(max_size=40))
def test_date_parsers_never_crash(raw: str) -> None:
    for adapter in (moment, day):
        with contextlib.suppress(ValidationError):
            adapter.validate_python(raw)


@pytest.mark.parametrize("raw", ["Mostly True", "mostly-true", " MOSTLY_TRUE "])
def test_status_spellings(raw: str) -> None:
    assert status.validate_python(raw) is Status.MOSTLY_TRUE


def test_status_scale_numbers() -> None:
    assert [s.rating_value for s in Status] == [None, None, 5, 4, 3, 2, 1, None, None, None]
    assert Status.MOSTLY_TRUE.display_name == "Mostly true"


def test_tags_are_normalised() -> None:
    assert tag.validate_python("  Middle   East ") == "middle east"
    with pytest.raises(ValidationError):
        tag.validate_python("a;b")


def test_input_models_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        ClaimCreate.model_validate({"text": "x", "appearance": {"source": "1"}, "bogus": 1})
    with pytest.raises(ValidationError):
        ReviewCreate.model_validate({"status": "unverified", "reviewer": "a"})


cli_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=300,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=cli_text)
def test_cli_add_round_trips_or_refuses_cleanly(cli: CliRun, text: str) -> None:
    before = cli("info", "--format", "json").stdout
    added = cli("add", text, "--source", "https://news.example/p", "--allow-duplicate")
    if added.exit_code != 0:
        assert added.exit_code == 2
        assert added.stderr.startswith("Error: ")
        assert "Traceback" not in added.output
        assert cli("info", "--format", "json").stdout == before
        return
    shown = json.loads(cli("show", added.stdout.strip(), "--format", "json").stdout)
    assert shown["text"] == collapse_whitespace(text)
