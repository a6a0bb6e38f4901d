"""The ClaimReview reader in every shape it arrives in, and the DataFeed writer (no database)."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pyld import jsonld  # type: ignore[import-untyped]

from factdb.errors import ImportFormatError, InvalidInputError
from factdb.formats.claimreview import FeedStats, Organization, write_claimreview_feed
from factdb.formats.readers.claimreview import read_claimreview
from factdb.formats.readers.records import RawRecord
from factdb.schemas.interchange import (
    ClaimRecord,
    ExportedAppearance,
    ExportedClaim,
    ExportedClaimant,
    ExportedReview,
    ExportedSource,
)

DATA = Path(__file__).parent / "data"
SCHEMA = "https://schema.org/"


def read_fixture(name: str) -> list[RawRecord]:
    return list(read_claimreview((DATA / name).read_bytes(), name=name))


def read_text(text: str, name: str = "input.json") -> list[RawRecord]:
    return list(read_claimreview(text.encode("utf-8"), name=name))


def claim_review(**fields: Any) -> dict[str, Any]:
    """A minimal valid ClaimReview node, with ``fields`` added or replaced."""
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": "https://checker.example/r/1",
        "claimReviewed": "A claim",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    node.update(fields)
    return node


# ---------------------------------------------------------------------------------------------
# Reading: the fixtures


def test_single_object_file() -> None:
    [record] = read_fixture("claimreview_single.json")
    assert record.location == "claimreview_single.json: ClaimReview 1"
    assert record.notes == ()
    assert record.data == {
        "text": "Drinking hot water every fifteen minutes prevents infection",
        "claimant": {"name": "Viral chain message", "kind": "organization"},
        "claim_date": "2020-03-20",
        "appearances": [
            {
                "source": {
                    "url": "https://social.example/post/5551",
                    "published_at": "2020-03-20T08:12:00Z",
                }
            }
        ],
        "reviews": [
            {
                "rating_label": "False",
                "rating_value": 1,
                "best_rating": 5,
                "worst_rating": 1,
                "publisher": "Example Checker",
                "publisher_url": "https://checker.example",
                "reviewed_at": "2020-03-21T11:00:00+00:00",
                "url": "https://checker.example/reviews/77",
            }
        ],
    }
    ClaimRecord.model_validate(record.data)


def test_data_feed_items_as_list_and_as_single_object() -> None:
    records = read_fixture("claimreview_feed.json")
    assert [record.location for record in records] == [
        f"claimreview_feed.json: ClaimReview {number}" for number in (1, 2, 3)
    ]
    assert [record.data["text"] for record in records] == [
        "The Quartet was established in Madrid in 2002",
        "Unemployment fell to 2% last year",
        "O salário mínimo dobrou de valor nos últimos quatro anos",
    ]


def test_feed_claimant_appearances_and_review() -> None:
    first = read_fixture("claimreview_feed.json")[0]
    assert first.data["claimant"] == {
        "name": "Sputnik International",
        "kind": "organization",  # NewsMediaOrganization
        "same_as": "https://www.wikidata.org/wiki/Q4115189",  # first of the sameAs list
    }
    assert first.data["claim_date"] == "2023-12-29"
    # firstAppearance first; its repetition in appearance dropped; the bare URL string kept;
    # the entry without a URL skipped, with a note.
    assert first.data["appearances"] == [
        {
            "source": {
                "url": "https://news.example/article",
                "title": "Middle East Quartet meets again",
                "publisher": "Sputnik International",
                "published_at": "2023-12-29T16:45:00+00:00",
            }
        },
        {"source": {"url": "https://video.example/watch?v=q2002"}},
    ]
    assert first.notes == ("skipped an appearance without a URL",)
    assert first.data["reviews"] == [
        {
            "rating_label": "True",
            "rating_value": 5,
            "best_rating": 5,
            "worst_rating": 1,
            "publisher": "Example Checker",
            "publisher_url": "https://checker.example",
            "title": "Yes, the Quartet was founded in Madrid in 2002",
            "language": "en",
            "reviewed_at": "2024-01-03",
            "url": "https://checker.example/reviews/123",
        }
    ]
    ClaimRecord.model_validate(first.data)


def test_feed_lists_strings_and_language_objects() -> None:
    second = read_fixture("claimreview_feed.json")[1]
    assert second.data["claimant"] == {
        "name": "Jane Minister",
        "kind": "person",
        "same_as": "https://www.wikidata.org/wiki/Q13406268",
        "role": "Minister of Labour",
    }
    assert second.data["claim_date"] == "2024-01-02"  # the date of a date-time
    assert second.data["appearances"] == [
        {
            "source": {
                "url": "https://tv.example/debate",
                "title": "Evening debate",
                "publisher": "TV Example",
            }
        }
    ]
    [review] = second.data["reviews"]
    assert review["rating_value"] == 1  # from "1"
    assert review["best_rating"] == 5
    assert review["worst_rating"] == 1
    assert review["publisher"] == "Example Checker"  # the first of a list of authors
    assert review["note"] == "Official figures put it at 5.1%."  # description
    assert review["title"] == "Unemployment did not fall to 2%"  # name
    assert review["language"] == "en-GB"  # the Language object's alternateName
    ClaimRecord.model_validate(second.data)


def test_feed_mess_is_smoothed_or_left_for_validation() -> None:
    third = read_fixture("claimreview_feed.json")[2]
    [review] = third.data["reviews"]
    assert review["rating_label"] == "Falso"
    assert "rating_value" not in review  # "Falso" is no number
    assert review["publisher_url"] == "https://www.checagem.example.br"  # was https:www…
    assert review["reviewed_at"] == "2019-05-10"  # "2019-05-10 14:00 BRT"
    assert review["note"] == " alário mínimo subiu 23% no período."  # passed as published
    assert third.notes == (
        "date '10/05/2019' is not ISO 8601; left out",
        "ratingValue 'Falso' is not a number; left out",
        "date '2019-05-10 14:00 BRT' read as 2019-05-10",
    )
    # A date that is not ISO at all cannot be read without guessing the order of day and month.
    assert "claim_date" not in third.data
    ClaimRecord.model_validate(third.data)


def test_html_page_with_graph_and_older_creative_work() -> None:
    [record] = read_fixture("claimreview_page.html")
    assert record.location == "claimreview_page.html: ClaimReview 1"
    assert record.data == {
        "text": "Vídeo mostra a enchente em São Paulo nesta semana",
        "claimant": {"name": "Perfil Anônimo", "kind": "person"},
        "claim_date": "2020-02-11",
        # The reviewed CreativeWork is where the claim appeared; its sameAs repeats its url.
        "appearances": [
            {
                "source": {
                    "url": "https://social.example/videos/enchente",
                    "title": "Enchente agora em SP!!!",
                    "published_at": "2020-02-11",
                }
            },
            {"source": {"url": "https://mirror.example/v/123"}},
        ],
        "reviews": [
            {
                "rating_label": "Fora de contexto",
                "rating_value": 2,
                "best_rating": 5,
                "worst_rating": 1,
                "publisher": "Checagem Exemplo",  # author as a bare string
                "reviewed_at": "2020-02-12T18:20:00-03:00",
                "url": "https://checagem.example.br/2020/02/video-enchente/",
            }
        ],
    }
    ClaimRecord.model_validate(record.data)


# ---------------------------------------------------------------------------------------------
# Reading: shapes


def test_array_of_claim_reviews() -> None:
    text = json.dumps([claim_review(claimReviewed="one"), claim_review(claimReviewed="two")])
    records = read_text(text, name="list.json")
    assert [(r.location, r.data["text"]) for r in records] == [
        ("list.json: ClaimReview 1", "one"),
        ("list.json: ClaimReview 2", "two"),
    ]


def test_graph_and_nested_mixtures_in_document_order() -> None:
    document = [
        {"@context": "https://schema.org", "@graph": [claim_review(claimReviewed="a")]},
        {
            "@type": "DataFeed",
            "dataFeedElement": [
                # A DataFeedItem that is itself the ClaimReview.
                claim_review(claimReviewed="b"),
                {"@type": "DataFeedItem", "item": claim_review(claimReviewed="c")},
                {
                    "@type": "DataFeedItem",
                    "item": [{"@graph": [claim_review(claimReviewed="d")]}],
                },
            ],
        },
        {"@type": "WebPage", "mainEntity": claim_review(claimReviewed="e")},
    ]
    records = read_text(json.dumps(document))
    assert [r.data["text"] for r in records] == ["a", "b", "c", "d", "e"]
    assert records[-1].location == "input.json: ClaimReview 5"


@pytest.mark.parametrize(
    "type_",
    [
        "ClaimReview",
        "schema:ClaimReview",
        "http://schema.org/ClaimReview",
        "https://schema.org/ClaimReview",
        ["ClaimReview"],
        ["WebContent", "schema:ClaimReview"],
    ],
)
def test_type_as_string_or_list_with_any_prefix(type_: str | list[str]) -> None:
    [record] = read_text(json.dumps(claim_review(**{"@type": type_})))
    assert record.data["text"] == "A claim"


def test_html_blocks_in_document_order_and_type_case() -> None:
    page = (
        "<html><head>"
        '<script type="application/ld+json">'
        + json.dumps(claim_review(claimReviewed="first"))
        + "</script>"
        '<script type="APPLICATION/LD+JSON; charset=utf-8">'
        + json.dumps([claim_review(claimReviewed="second"), {"@type": "WebSite"}])
        + "</script>"
        '<script type="application/ld+json">   </script>'
        "</head><body>"
        '<script type="application/ld+json">'
        + json.dumps({"@graph": [claim_review(claimReviewed="third")]})
        + "</script></body></html>"
    )
    records = read_text(page, name="page.html")
    assert [r.data["text"] for r in records] == ["first", "second", "third"]
    assert records[2].location == "page.html: ClaimReview 3"


def test_utf8_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + json.dumps(claim_review(claimReviewed="café")).encode("utf-8")
    [record] = read_claimreview(data, name="bom.json")
    assert record.data["text"] == "café"


def test_missing_claim_reviewed_still_yields_a_record() -> None:
    node = claim_review()
    del node["claimReviewed"]
    [record] = read_text(json.dumps(node))
    assert record.data["text"] == ""
    with pytest.raises(ValidationError, match="text"):
        ClaimRecord.model_validate(record.data)


def test_absent_values_are_omitted_but_reviews_always_present() -> None:
    node = {"@type": "ClaimReview", "claimReviewed": "Bare", "itemReviewed": {"@type": "Claim"}}
    [record] = read_text(json.dumps(node))
    assert record.data == {"text": "Bare", "reviews": [{}]}


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ({"@type": "Person", "name": "P"}, {"name": "P", "kind": "person"}),
        ({"@type": "GovernmentOrganization", "name": "G"}, {"name": "G", "kind": "organization"}),
        ({"@type": "schema:PoliticalParty", "name": "Q"}, {"name": "Q", "kind": "organization"}),
        ({"@type": "Thing", "name": "T"}, {"name": "T", "kind": "unknown"}),
        ({"name": "N", "sameAs": "https://n.example"}, {"name": "N", "kind": "unknown"}),
        ("A bare name", {"name": "A bare name", "kind": "unknown"}),
        ([{"@type": "Person", "name": "First"}, "Second"], {"name": "First", "kind": "person"}),
        ({"@type": "Person"}, None),
        # factdb's own kinds, as its feeds write them; other additional types change nothing
        (
            {
                "@type": "Organization",
                "name": "G",
                "additionalType": "urn:factdb:claimant-kind:group",
            },
            {"name": "G", "kind": "group"},
        ),
        (
            {"@type": "Organization", "name": "O", "additionalType": "https://example.org/Club"},
            {"name": "O", "kind": "organization"},
        ),
        (
            {"@type": "Person", "name": "P", "additionalType": "urn:factdb:claimant-kind:alien"},
            {"name": "P", "kind": "person"},
        ),
    ],
)
def test_claimant_kinds(author: Any, expected: dict[str, str] | None) -> None:
    for item_type in ("Claim", "CreativeWork"):
        node = claim_review(itemReviewed={"@type": item_type, "author": author})
        [record] = read_text(json.dumps(node))
        claimant = record.data.get("claimant")
        if expected is None:
            assert claimant is None
        else:
            assert claimant is not None
            assert {key: claimant[key] for key in ("name", "kind")} == expected


def test_appearances_skip_non_web_urls_with_a_note() -> None:
    item = {
        "@type": "Claim",
        "appearance": ["whatsapp message", "", {"@type": "CreativeWork"}, "https://a.example"],
    }
    [record] = read_text(json.dumps(claim_review(itemReviewed=item)))
    assert record.data["appearances"] == [{"source": {"url": "https://a.example"}}]
    assert record.notes == (
        "skipped an appearance whose URL is not a web address: 'whatsapp message'",
    )


def test_claim_url_is_not_an_appearance_but_a_creative_works_is() -> None:
    claim = {"@type": "Claim", "url": "https://checker.example/claims/1"}
    [record] = read_text(json.dumps(claim_review(itemReviewed=claim)))
    assert "appearances" not in record.data
    work = {"@type": "CreativeWork", "url": "https://post.example/1"}
    [record] = read_text(json.dumps(claim_review(itemReviewed=work)))
    assert record.data["appearances"] == [{"source": {"url": "https://post.example/1"}}]


def test_rating_numbers_and_label_fallback() -> None:
    rating = {"ratingValue": "4.5", "bestRating": True, "worstRating": "NaN", "name": "Label"}
    [record] = read_text(json.dumps(claim_review(reviewRating=rating)))
    [review] = record.data["reviews"]
    assert review == {
        "rating_label": "Label",
        "rating_value": 4.5,
        "url": "https://checker.example/r/1",
    }
    assert record.notes == ("worstRating 'NaN' is not a number; left out",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-03", "2024-01-03"),
        ("2024-01-03T10:00:00Z", "2024-01-03T10:00:00Z"),
        ("2024-01-03T10:00:00.123+05:30", "2024-01-03T10:00:00.123+05:30"),
        ("2024-01-03 às 10h", "2024-01-03"),
        ("3 de janeiro de 2024", None),
    ],
)
def test_review_dates(raw: str, expected: str | None) -> None:
    [record] = read_text(json.dumps(claim_review(datePublished=raw)))
    assert record.data["reviews"][0].get("reviewed_at") == expected


def test_language_object_without_alternate_name_uses_its_name() -> None:
    node = claim_review(inLanguage={"@type": "Language", "name": "pt"})
    [record] = read_text(json.dumps(node))
    assert record.data["reviews"][0]["language"] == "pt"


def test_reading_happens_at_the_call_not_at_the_first_record() -> None:
    with pytest.raises(ImportFormatError):
        read_claimreview(b"{", name="bad.json")  # no list(): the call itself raises


# ---------------------------------------------------------------------------------------------
# Reading: errors


def test_truncated_json_names_file_line_and_column() -> None:
    data = b'{\n  "@type": "ClaimReview",\n  "claimReviewed": "abc'
    with pytest.raises(ImportFormatError, match=r"^cut\.json: invalid JSON at line 3, column 20"):
        list(read_claimreview(data, name="cut.json"))


def test_truncated_fixture_is_an_import_format_error() -> None:
    data = (DATA / "claimreview_feed.json").read_bytes()
    with pytest.raises(ImportFormatError, match=r"feed\.json: invalid JSON at line \d+"):
        list(read_claimreview(data[: len(data) // 2], name="feed.json"))


def test_import_format_error_is_invalid_input() -> None:
    assert issubclass(ImportFormatError, InvalidInputError)


@pytest.mark.parametrize(("prefix", "offset"), [(b"", 22), (b"\xef\xbb\xbf", 25)])
def test_invalid_utf8_names_the_byte(prefix: bytes, offset: int) -> None:
    data = prefix + b'{"claimReviewed": "caf\xe9"}'
    with pytest.raises(ImportFormatError, match=rf"^latin\.json: not valid UTF-8 at byte {offset}"):
        list(read_claimreview(data, name="latin.json"))


@pytest.mark.parametrize(
    "document",
    [{}, [], {"@type": "WebPage", "name": "x"}, [{"@graph": [{"@type": "Claim"}]}]],
)
def test_no_claim_review_found(document: Any) -> None:
    with pytest.raises(ImportFormatError, match=r"^none\.json: no ClaimReview found"):
        list(read_claimreview(json.dumps(document).encode(), name="none.json"))


@pytest.mark.parametrize(("text", "kind"), [("42", "number"), ('"ClaimReview"', "string")])
def test_wrong_top_level_type(text: str, kind: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"found a {kind}$"):
        read_text(text, name="scalar.json")


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        list(read_claimreview(data, name="empty.json"))


def test_html_without_ld_json() -> None:
    page = '<html><script type="application/json">{"@type": "ClaimReview"}</script></html>'
    with pytest.raises(ImportFormatError, match=r"page\.html: no ClaimReview found"):
        read_text(page, name="page.html")


def test_html_with_broken_block_is_located_in_the_page() -> None:
    page = (
        "<html>\n<head>\n"
        '<script type="application/ld+json">\n'
        '{"@type": "ClaimReview",\n'
        ' "claimReviewed": }\n'
        "</script></head></html>"
    )
    with pytest.raises(
        ImportFormatError, match=r"^page\.html: ld\+json block 1: invalid JSON at line 5, column 19"
    ):
        read_text(page, name="page.html")


def test_html_cut_off_inside_a_block() -> None:
    page = '<html><script type="application/ld+json">{"@type": "ClaimReview", "claimRe'
    with pytest.raises(ImportFormatError, match=r"ld\+json block 1: invalid JSON at line 1"):
        read_text(page, name="page.html")


def test_deep_nesting_is_an_import_format_error() -> None:
    with pytest.raises(ImportFormatError, match="nested too deeply"):
        read_text("[" * 100_000 + "]" * 100_000)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["@type", "@graph", "item", "claimReviewed", "itemReviewed", "author", "url"]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_any_input_reads_or_raises_import_format_error(data: bytes) -> None:
    try:
        records = list(read_claimreview(data, name="fuzz.json"))
    except ImportFormatError:
        return
    assert records
    assert all(isinstance(record.data["text"], str) for record in records)


@given(
    st.recursive(
        st.just(claim_review()),
        lambda inner: (
            st.lists(inner, min_size=1, max_size=3)
            | inner.map(lambda node: {"@graph": [node]})
            | inner.map(lambda node: {"@type": "DataFeed", "dataFeedElement": [{"item": node}]})
        ),
        max_leaves=6,
    )
)
def test_mixtures_find_every_claim_review(document: Any) -> None:
    records = read_text(json.dumps(document))
    assert len(records) == json.dumps(document).count('"ClaimReview"')


# ---------------------------------------------------------------------------------------------
# Writing

CREATED = datetime(2024, 1, 3, 10, 15, tzinfo=UTC)
MODIFIED = datetime(2024, 1, 5, 9, 0, tzinfo=UTC)
CHECKER = Organization(name="Feed Publisher", url="https://feed.example")

BASE_REVIEW = ExportedReview(
    status="false",
    status_basis="label",
    rating_label="False",
    rating_value=None,
    best_rating=None,
    worst_rating=None,
    note=None,
    reviewer="Editor",
    publisher="Example Checker",
    publisher_url="https://checker.example",
    title=None,
    language=None,
    reviewed_at=datetime(2024, 1, 3, 12, 0, tzinfo=UTC),
    url="https://checker.example/reviews/1",
    evidence=[],
)


def review(**changes: Any) -> ExportedReview:
    return BASE_REVIEW.model_copy(update=changes)


def source(url: str, **changes: Any) -> ExportedAppearance:
    fields: dict[str, Any] = {
        "url": url,
        "title": None,
        "publisher": None,
        "author": None,
        "published_at": None,
        "language": None,
        "text_sha256": None,
        "text": None,
    }
    fields.update(changes)
    return ExportedAppearance(
        source=ExportedSource.model_validate(fields), quote=None, start=None, end=None
    )


def claim(text: str, *, reviews: list[ExportedReview], **changes: Any) -> ExportedClaim:
    fields: dict[str, Any] = {
        "uid": uuid.uuid4(),
        "text": text,
        "claimant": None,
        "claim_date": None,
        "language": None,
        "tags": [],
        "status": reviews[0].status if reviews else "unverified",
        "created_at": CREATED,
        "updated_at": CREATED,
        "appearances": [],
        "reviews": reviews,
    }
    fields.update(changes)
    return ExportedClaim.model_validate(fields)


def sample_claims() -> list[ExportedClaim]:
    return [
        claim(
            "The Quartet was established in Madrid in 2002",
            claimant=ExportedClaimant(
                name="Jane Minister",
                kind="person",
                role=None,
                same_as="https://www.wikidata.org/wiki/Q13406268",
            ),
            claim_date=date(2023, 12, 29),
            appearances=[
                source(
                    "https://news.example/article",
                    title="Quartet meets",
                    publisher="News Example",
                    published_at=datetime(2023, 12, 29, 16, 45, tzinfo=UTC),
                ),
                source("https://video.example/watch?v=1"),
            ],
            reviews=[
                review(
                    status="true",
                    rating_label="True",
                    note="It was.",
                    title="Yes",
                    language="en",
                ),
                review(
                    status="misleading",
                    rating_label="Enganoso",
                    url="https://other.example/r/9",
                    publisher="Outra Agência",
                    publisher_url=None,
                    language="pt",
                ),
                review(url=None),
            ],
        ),
        claim("Never published", reviews=[review(url=None)]),
        claim("No reviews at all", reviews=[]),
        claim(
            "شرب الماء الساخن يقتل الفيروس",
            claimant=ExportedClaimant(
                name="منشورات على فيسبوك", kind="unknown", role=None, same_as=None
            ),
            reviews=[
                review(
                    rating_label="زائف",
                    publisher=None,
                    publisher_url=None,
                    url="https://feed.example/ar/1",
                )
            ],
        ),
    ]


def write(
    claims: list[ExportedClaim], organization: Organization | None = CHECKER
) -> tuple[dict[str, Any], FeedStats, str]:
    stream = io.StringIO()
    stats = write_claimreview_feed(
        claims, stream, organization=organization, date_modified=MODIFIED
    )
    text = stream.getvalue()
    return json.loads(text), stats, text


def claim_reviews_of(feed: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for element in feed["dataFeedElement"] for node in element["item"]]


def test_feed_envelope_and_counts() -> None:
    feed, stats, _ = write(sample_claims())
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    assert feed["dateModified"] == "2024-01-05T09:00:00+00:00"
    assert [element["@type"] for element in feed["dataFeedElement"]] == ["DataFeedItem"] * 2
    assert feed["dataFeedElement"][0]["dateCreated"] == "2024-01-03T10:15:00+00:00"
    assert stats == FeedStats(claim_reviews=3, skipped_without_url=2)
    assert len(claim_reviews_of(feed)) == 3


def test_every_claim_review_has_the_required_properties() -> None:
    feed, _, _ = write(sample_claims())
    for node in claim_reviews_of(feed):
        assert node["@type"] == "ClaimReview"
        assert node["claimReviewed"]
        assert node["url"].startswith("https://")
        assert node["reviewRating"]["@type"] == "Rating"
        assert node["reviewRating"]["alternateName"]
        assert node["datePublished"] == "2024-01-03"
        assert node["itemReviewed"]["@type"] == "Claim"


def test_rating_numbers_only_where_the_status_has_one() -> None:
    feed, _, _ = write(sample_claims())
    ratings = [node["reviewRating"] for node in claim_reviews_of(feed)]
    assert ratings == [
        {
            "@type": "Rating",
            "alternateName": "True",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
        },
        {"@type": "Rating", "alternateName": "Enganoso"},  # misleading: no number
        {
            "@type": "Rating",
            "alternateName": "زائف",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
    ]


def test_claim_review_details() -> None:
    feed, _, _ = write(sample_claims())
    first, second, arabic = claim_reviews_of(feed)
    assert first["author"] == {
        "@type": "Organization",
        "name": "Example Checker",
        "url": "https://checker.example",
    }
    assert first["reviewBody"] == "It was."
    assert first["headline"] == "Yes"
    assert first["inLanguage"] == "en"
    assert first["itemReviewed"] == {
        "@type": "Claim",
        "author": {
            "@type": "Person",
            "name": "Jane Minister",
            "sameAs": "https://www.wikidata.org/wiki/Q13406268",
        },
        "datePublished": "2023-12-29",
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": "https://news.example/article",
                "headline": "Quartet meets",
                "datePublished": "2023-12-29T16:45:00+00:00",
                "publisher": {"@type": "Organization", "name": "News Example"},
            },
            {"@type": "CreativeWork", "url": "https://video.example/watch?v=1"},
        ],
        "firstAppearance": {
            "@type": "CreativeWork",
            "url": "https://news.example/article",
            "headline": "Quartet meets",
            "datePublished": "2023-12-29T16:45:00+00:00",
            "publisher": {"@type": "Organization", "name": "News Example"},
        },
    }
    # The review's own publisher, without a URL: never paired with the feed publisher's URL.
    assert second["author"] == {"@type": "Organization", "name": "Outra Agência"}
    assert "reviewBody" not in second
    assert "headline" not in second
    # No publisher on an imported review: its reviewer (the data set's fact-checker) is the
    # author, not the feed's organisation.
    assert arabic["author"] == {"@type": "Organization", "name": "Editor"}
    # A claimant of kind unknown is not passed off as an organisation: the kind travels along.
    assert arabic["itemReviewed"] == {
        "@type": "Claim",
        "author": {
            "@type": "Organization",
            "name": "منشورات على فيسبوك",
            "additionalType": "urn:factdb:claimant-kind:unknown",
        },
    }


def test_author_omitted_when_nobody_is_known() -> None:
    nobody = review(publisher=None, publisher_url=None, reviewer="unknown")
    claims = [claim("x", reviews=[nobody])]
    feed, _, _ = write(claims, organization=None)
    [node] = claim_reviews_of(feed)
    assert "author" not in node
    feed, _, _ = write(claims, organization=Organization(name="Only a name"))
    [node] = claim_reviews_of(feed)
    assert node["author"] == {"@type": "Organization", "name": "Only a name"}


@pytest.mark.parametrize(
    ("changes", "organization", "author"),
    [
        # An imported review's reviewer, with the fact-checker's site as its pair.
        (
            {"reviewer": "PolitiFact", "publisher_url": "https://www.politifact.com"},
            CHECKER,
            {"@type": "Organization", "name": "PolitiFact", "url": "https://www.politifact.com"},
        ),
        ({"reviewer": "aosfatos.org"}, None, {"@type": "Organization", "name": "aosfatos.org"}),
        # A review made here: the desk publishes it, else the person who made it.
        (
            {"reviewer": "Ana", "status_basis": "given"},
            CHECKER,
            {"@type": "Organization", "name": "Feed Publisher", "url": "https://feed.example"},
        ),
        ({"reviewer": "Ana", "status_basis": "given"}, None, {"@type": "Person", "name": "Ana"}),
    ],
)
def test_a_review_without_publisher_is_credited_to_its_reviewer(
    changes: dict[str, Any], organization: Organization | None, author: dict[str, Any]
) -> None:
    published = review(publisher=None, publisher_url=None).model_copy(update=changes)
    feed, _, _ = write([claim("x", reviews=[published])], organization=organization)
    [node] = claim_reviews_of(feed)
    assert node["author"] == author


def test_unknown_reviewer_matches_the_importers() -> None:
    from factdb.formats.claimreview import UNKNOWN_REVIEWER
    from factdb.services.ingest.importing import UNKNOWN_REVIEWER as IMPORTERS

    assert UNKNOWN_REVIEWER == IMPORTERS


@pytest.mark.parametrize("kind", ["person", "organization", "group", "unknown"])
def test_claimant_kinds_round_trip(kind: str) -> None:
    claimant = ExportedClaimant(name="Someone", kind=kind, role=None, same_as=None)
    feed, _, _ = write([claim("x", reviews=[review()], claimant=claimant)])
    expanded = jsonld.expand(feed, {"documentLoader": offline_loader})
    [author] = [
        node
        for node in expanded_nodes(expanded)
        if node.get(f"{SCHEMA}name", [{}])[0].get("@value") == "Someone"
    ]
    extra = [item["@id"] for item in author.get(f"{SCHEMA}additionalType", [])]
    assert extra == (
        [] if kind in {"person", "organization"} else [f"urn:factdb:claimant-kind:{kind}"]
    )
    [record] = read_text(json.dumps(feed))
    assert record.data["claimant"] == {"name": "Someone", "kind": kind}


def test_non_ascii_is_written_as_is() -> None:
    _, _, text = write(sample_claims())
    assert "شرب الماء الساخن يقتل الفيروس" in text
    assert "Outra Agência" in text


@pytest.mark.parametrize(
    "claims",
    [[], [claim("Never published", reviews=[review(url=None)])], [claim("x", reviews=[])]],
)
def test_empty_feed_is_valid_json(claims: list[ExportedClaim]) -> None:
    feed, stats, _ = write(claims)
    assert feed["dataFeedElement"] == []
    assert stats.claim_reviews == 0
    assert stats.skipped_without_url == sum(len(c.reviews) for c in claims)


def test_feed_is_written_as_claims_arrive() -> None:
    stream = io.StringIO()
    claims = sample_claims()

    def arriving() -> Iterator[ExportedClaim]:
        yield claims[0]
        # Before the next claim is even produced, the first is already in the stream.
        assert claims[0].text in stream.getvalue()
        yield claims[3]

    write_claimreview_feed(arriving(), stream, organization=None, date_modified=MODIFIED)
    assert len(claim_reviews_of(json.loads(stream.getvalue()))) == 3


def test_unknown_status_gets_no_number_rather_than_a_broken_feed() -> None:
    feed, _, _ = write([claim("x", reviews=[review(status="retired")])])
    [node] = claim_reviews_of(feed)
    assert node["reviewRating"] == {"@type": "Rating", "alternateName": "False"}


def test_round_trip_through_the_reader() -> None:
    claims = sample_claims()
    _, _, text = write(claims)
    records = list(read_claimreview(text.encode("utf-8"), name="export.json"))
    published = [
        (c, r) for c in claims for r in c.reviews if r.url is not None
    ]  # one record per ClaimReview, in order
    assert len(records) == len(published)
    for record, (original, original_review) in zip(records, published, strict=True):
        assert record.data["text"] == original.text
        claimant = record.data.get("claimant")
        assert (claimant["name"] if claimant else None) == (
            original.claimant.name if original.claimant else None
        )
        [read_review] = record.data["reviews"]
        assert read_review["rating_label"] == original_review.rating_label
        assert read_review["url"] == original_review.url
        urls = [a["source"]["url"] for a in record.data.get("appearances", [])]
        assert urls == [a.source.url for a in original.appearances]
        ClaimRecord.model_validate(record.data)


# ---------------------------------------------------------------------------------------------
# JSON-LD validity, checked with a JSON-LD processor and an offline schema.org context

SCHEMA_CONTEXT_URLS = frozenset(
    {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
)


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve the shipped schema.org context; refuse everything else (tests use no network)."""
    if url not in SCHEMA_CONTEXT_URLS:
        raise ValueError(f"no network in tests: refusing to load {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads((DATA / "schemaorg-context.jsonld").read_text("utf-8")),
    }


def expanded_nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from expanded_nodes(item)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from expanded_nodes(item)


def test_written_feed_is_json_ld_with_required_claim_review_properties() -> None:
    feed, _, _ = write(sample_claims())
    expanded = jsonld.expand(feed, {"documentLoader": offline_loader})
    claim_reviews = [
        node for node in expanded_nodes(expanded) if f"{SCHEMA}ClaimReview" in node.get("@type", [])
    ]
    assert len(claim_reviews) == 3
    for node in claim_reviews:
        assert node[f"{SCHEMA}claimReviewed"][0]["@value"]
        assert node[f"{SCHEMA}url"][0]["@id"].startswith("https://")
        [rating] = node[f"{SCHEMA}reviewRating"]
        assert rating[f"{SCHEMA}alternateName"][0]["@value"]
    feeds = [node for node in expanded if f"{SCHEMA}DataFeed" in node.get("@type", [])]
    assert len(feeds) == 1


def test_offline_loader_refuses_other_urls() -> None:
    document = {"@context": "https://elsewhere.example/context.jsonld", "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, {"documentLoader": offline_loader})
