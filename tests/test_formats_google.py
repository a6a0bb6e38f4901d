"""The Google Fact Check Tools reader: saved claims:search pages, with the API's real mess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from factdb.errors import ImportFormatError
from factdb.formats.google_factcheck import read_google_factcheck
from factdb.formats.readers.records import RawRecord
from factdb.schemas.interchange import ClaimRecord

DATA = Path(__file__).parent / "data"
FIXTURE = "google_factcheck.json"


def read_fixture() -> list[RawRecord]:
    return list(read_google_factcheck((DATA / FIXTURE).read_bytes(), name=FIXTURE))


def read_text(text: str, name: str = "search.json") -> list[RawRecord]:
    return list(read_google_factcheck(text.encode("utf-8"), name=name))


def page(*claims: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"claims": list(claims)}
    if token is not None:
        response["nextPageToken"] = token
    return response


def search_claim(text: str = "A checkable claim", **fields: Any) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "text": text,
        "claimReview": [
            {
                "publisher": {"name": "Checker", "site": "checker.example"},
                "url": "https://checker.example/r/1",
                "textualRating": "False",
            }
        ],
    }
    claim.update(fields)
    return claim


# ---------------------------------------------------------------------------------------------
# The fixture: two pages as an array


def test_fixture_records_and_locations() -> None:
    records = read_fixture()
    assert [record.location for record in records] == [
        "google_factcheck.json: page 1 claim 1",
        "google_factcheck.json: page 1 claim 2",
        "google_factcheck.json: page 1 claim 3",
        "google_factcheck.json: page 2 claim 1",
    ]
    for record in records:
        ClaimRecord.model_validate(record.data)


def test_complete_claim_with_a_sentence_as_rating() -> None:
    record = read_fixture()[0]
    assert record.notes == ()
    assert record.data == {
        "text": "Covid-19 vaccines contain microchips that track people",
        "claimant": {"name": "Social media users", "kind": "unknown"},
        "claim_date": "2021-01-10",  # the API's date-time, cut to the date the field holds
        "reviews": [
            {
                "publisher": "Example Checker",
                "publisher_url": "https://checker.example",
                "reviewer": "Example Checker",
                "url": "https://checker.example/reviews/microchips",
                "title": "No, Covid-19 vaccines do not contain microchips",
                "reviewed_at": "2021-01-12T00:00:00Z",
                # Passed unchanged: the rating mapper decides what a sentence means.
                "rating_label": (
                    "False. There is no evidence that any vaccine contains a microchip."
                ),
                "language": "en",
            }
        ],
    }


def test_placeholder_text_missing_fields_and_html_fragment_rating() -> None:
    record = read_fixture()[1]
    assert record.notes == ("placeholder claim text 'CLAIM'",)
    # No claimant, no claimDate, no reviewDate, no title: the keys are simply absent.
    assert record.data == {
        "text": "CLAIM",
        "reviews": [
            {
                # A publisher with only a site: it names the reviewer and becomes a URL.
                "publisher_url": "https://factcheck.example.org",
                "reviewer": "factcheck.example.org",
                "url": "https://factcheck.example.org/2021/02/photo",
                "rating_label": "<b>Misleading</b> - The ph",
                "language": "en",
            }
        ],
    }


def test_two_reviews_of_one_claim_in_portuguese() -> None:
    record = read_fixture()[2]
    assert record.data["text"] == "O Brasil é o maior produtor de café do mundo há mais de 150 anos"
    assert record.data["claimant"] == {"name": "Ministro da Agricultura", "kind": "unknown"}
    first, second = record.data["reviews"]
    assert first["publisher_url"] == "https://checagem.example.br"  # already had a scheme
    assert first["rating_label"] == "Verdadeiro"
    assert second["publisher"] == "Outra Agência"
    assert second["publisher_url"] == "https://outra.example.com"
    assert second["rating_label"] == "Verdadeiro, mas"
    assert [review["language"] for review in record.data["reviews"]] == ["pt", "pt"]


def test_arabic_claim_without_dates() -> None:
    record = read_fixture()[3]
    assert record.data["text"] == "شرب الماء الساخن يقتل الفيروس"
    assert record.data["claimant"] == {"name": "منشورات على فيسبوك", "kind": "unknown"}
    assert "claim_date" not in record.data
    [review] = record.data["reviews"]
    assert "reviewed_at" not in review
    assert review["rating_label"] == "زائف"
    assert review["reviewer"] == "مدقق المثال"


# ---------------------------------------------------------------------------------------------
# Document shapes


def test_single_response_object() -> None:
    text = json.dumps(page(search_claim("one"), search_claim("two"), token="CAI"))
    records = read_text(text)
    assert [(r.location, r.data["text"]) for r in records] == [
        ("search.json: page 1 claim 1", "one"),
        ("search.json: page 1 claim 2", "two"),
    ]


def test_json_lines_one_page_per_line() -> None:
    lines = [
        json.dumps(page(search_claim("one"))),
        "",
        json.dumps(page(search_claim("two"), search_claim("three"))),
    ]
    records = read_text("\r\n".join(lines) + "\n", name="pages.jsonl")
    assert [(r.location, r.data["text"]) for r in records] == [
        ("pages.jsonl: page 1 claim 1", "one"),
        ("pages.jsonl: page 2 claim 1", "two"),
        ("pages.jsonl: page 2 claim 2", "three"),
    ]


def test_json_lines_keep_line_separators_inside_strings() -> None:
    text = json.dumps(page(search_claim("line\u2028separator")), ensure_ascii=False)
    records = read_text(text + "\n" + text)
    assert [r.data["text"] for r in records] == ["line\u2028separator"] * 2


def test_empty_page_counts_but_yields_nothing() -> None:
    text = json.dumps([{}, page(search_claim("found"))])
    [record] = read_text(text)
    assert record.location == "search.json: page 2 claim 1"


def test_utf8_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + json.dumps(page(search_claim("café"))).encode("utf-8")
    [record] = read_google_factcheck(data, name="bom.json")
    assert record.data["text"] == "café"


# ---------------------------------------------------------------------------------------------
# Field handling


@pytest.mark.parametrize(
    "text",
    ["CLAIM", " claims ", "N/A", "na", "None", "null", "Unknown", "-", "...", "", "  ", "ab"],
)
def test_placeholder_texts_are_noted(text: str) -> None:
    [record] = read_text(json.dumps(page(search_claim(text))))
    assert record.notes[0].startswith("placeholder claim text")
    assert isinstance(record.data["text"], str)


@pytest.mark.parametrize("text", ["abc", "Claimed", "None of it is true", "٣٤٥"])
def test_real_texts_are_not_placeholders(text: str) -> None:
    [record] = read_text(json.dumps(page(search_claim(text))))
    assert record.notes == ()


def test_missing_text_yields_an_empty_text_that_validation_rejects() -> None:
    claim = search_claim()
    del claim["text"]
    [record] = read_text(json.dumps(page(claim)))
    assert record.data["text"] == ""
    assert record.notes == ("placeholder claim text ''",)
    with pytest.raises(ValidationError, match="text"):
        ClaimRecord.model_validate(record.data)


def test_review_without_textual_rating_is_noted() -> None:
    claim = search_claim(claimReview=[{"publisher": {"name": "Checker"}}])
    [record] = read_text(json.dumps(page(claim)))
    assert record.data["reviews"] == [{"publisher": "Checker", "reviewer": "Checker"}]
    assert record.notes == ("review 1 without textual rating",)
    with pytest.raises(ValidationError, match="a review needs"):
        ClaimRecord.model_validate(record.data)


def test_claim_without_reviews() -> None:
    claim = search_claim()
    del claim["claimReview"]
    [record] = read_text(json.dumps(page(claim)))
    assert record.data == {"text": "A checkable claim", "reviews": []}


def test_malformed_site_is_repaired() -> None:
    review = {"publisher": {"site": "https:www.aosfatos.example"}, "textualRating": "Falso"}
    [record] = read_text(json.dumps(page(search_claim(claimReview=[review]))))
    assert record.data["reviews"][0]["publisher_url"] == "https://www.aosfatos.example"


def test_non_object_review_entries_are_skipped_with_a_note() -> None:
    claim = search_claim(claimReview=["https://checker.example/r/1"])
    [record] = read_text(json.dumps(page(claim)))
    assert record.data["reviews"] == []
    assert record.notes == ("claimReview 1 is a string, not an object; skipped",)


# ---------------------------------------------------------------------------------------------
# Errors


def test_truncated_json_names_file_line_and_column() -> None:
    data = (DATA / FIXTURE).read_bytes()
    with pytest.raises(
        ImportFormatError, match=r"^cut\.json: invalid JSON at line \d+, column \d+"
    ):
        list(read_google_factcheck(data[: len(data) // 2], name="cut.json"))


def test_broken_json_line_names_its_line() -> None:
    text = json.dumps(page(search_claim())) + "\n" + '{"claims": [\n'
    with pytest.raises(
        ImportFormatError, match=r"^pages\.jsonl \(read as JSON Lines\): invalid JSON at line 2"
    ):
        read_text(text, name="pages.jsonl")


def test_invalid_utf8_names_the_byte() -> None:
    data = b'{"claims": [{"text": "caf\xe9"}]}'
    with pytest.raises(ImportFormatError, match=r"^latin\.json: not valid UTF-8 at byte 25"):
        list(read_google_factcheck(data, name="latin.json"))


@pytest.mark.parametrize(
    "document",
    [{}, [], [{}, {}], {"nextPageToken": "x"}, {"@type": "ClaimReview", "claimReviewed": "x"}],
)
def test_no_claims_anywhere(document: Any) -> None:
    with pytest.raises(ImportFormatError, match=r'^none\.json: no "claims" found'):
        read_text(json.dumps(document), name="none.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("42", "page 1 is a number, not a claims:search response object"),
        ('"claims"', "page 1 is a string"),
        ('[{"claims": []}, 7]', "page 2 is a number"),
        ('{"claims": {"text": "x"}}', 'page 1: "claims" is an object, not an array'),
        ('{"claims": ["x"]}', "page 1 claim 1 is a string, not an object"),
    ],
)
def test_wrong_structure(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"^wrong\.json: {message}"):
        read_text(text, name="wrong.json")


def test_empty_file() -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        read_text("\n", name="empty.json")


def test_errors_raise_at_the_call() -> None:
    with pytest.raises(ImportFormatError):
        read_google_factcheck(b"[", name="bad.json")  # no list(): the call itself raises


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_read_or_raise_import_format_error(data: bytes) -> None:
    try:
        records = list(read_google_factcheck(data, name="fuzz.json"))
    except ImportFormatError:
        return
    assert all(isinstance(record.data["text"], str) for record in records)


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
claim_like = st.dictionaries(
    st.sampled_from(["text", "claimant", "claimDate", "claimReview"]),
    json_scalars
    | st.lists(
        st.dictionaries(
            st.sampled_from(["publisher", "url", "title", "reviewDate", "textualRating"]),
            json_scalars | st.dictionaries(st.sampled_from(["name", "site"]), json_scalars),
        )
        | json_scalars,
        max_size=3,
    ),
)


@given(st.lists(st.dictionaries(st.just("claims"), st.lists(claim_like, max_size=3)), max_size=3))
def test_any_claims_shape_reads_or_raises_import_format_error(pages: list[Any]) -> None:
    try:
        records = list(read_google_factcheck(json.dumps(pages).encode(), name="fuzz.json"))
    except ImportFormatError:
        return
    assert len(records) == sum(len(p.get("claims", [])) for p in pages)
