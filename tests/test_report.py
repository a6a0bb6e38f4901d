"""factdb report: figures equal the database's, every text is escaped, big reports stream."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from factdb.db import create_db_engine, transaction
from factdb.domain import CardLayout, Stance, Status
from factdb.formats.report_html import safe_href, segments, write_report_html
from factdb.formats.report_markdown import escape_cell, write_report_markdown
from factdb.models import Claim, Claimant
from factdb.schemas.claims import AppearanceCreate, ClaimCreate, ClaimFilter
from factdb.schemas.report import (
    ReportAppearance,
    ReportClaim,
    ReportEvidence,
    ReportReview,
    ReportSource,
    ReportSpan,
    ReportSummary,
)
from factdb.schemas.reviews import EvidenceCreate, ReviewCreate
from factdb.schemas.sources import ClaimantCreate, SourceCreate
from factdb.services.claims.query import iter_claims
from factdb.services.claims.recording import add_appearance, create_claim
from factdb.services.claims.sources import create_source
from factdb.services.reporting.report import (
    build_report,
    iter_report_claims,
    iter_report_sources,
    report_summary,
)
from factdb.services.reviews.verdicts import add_review
from tests.helpers.cli import CliRun, make_cli
from tests.helpers.report_data import (
    DELETED_CLAIM,
    REVIEWS,
    live_review_count,
    live_status_counts,
    seed_with_reviews,
)

HOSTILE = "<script>alert(1)</script>"


@dataclass
class Page(HTMLParser):
    """What a browser would see as markup: elements, their attributes, scripts and links."""

    tags: Counter[str] = field(default_factory=Counter)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    _open_script: dict[str, str | None] | None = None
    _open_id: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == "script":
            self._open_script = dict(attrs)
            self.scripts.append((self._open_script, ""))
        identifier = dict(attrs).get("id")
        if identifier and tag in {"dd", "p"}:
            self.ids[identifier] = ""
            self._open_id.append(identifier)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open_script = None
        if tag in {"dd", "p"} and self._open_id:
            self._open_id.pop()

    def handle_data(self, data: str) -> None:
        if self._open_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        for identifier in self._open_id:
            self.ids[identifier] += data

    @property
    def hrefs(self) -> list[str]:
        return [value or "" for tag, name, value in self.attributes if name == "href"]

    def json_blocks(self, css_class: str) -> list[Any]:
        return [
            json.loads(text)
            for attrs, text in self.scripts
            if attrs.get("type") == "application/json" and attrs.get("class") == css_class
        ]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def _seeded_engine(db_url: str) -> Engine:
    engine = create_db_engine(db_url)
    with transaction(engine) as session:
        seed_with_reviews(session)
    return engine


@pytest.fixture
def seeded(db_url: str) -> Iterator[Engine]:
    engine = _seeded_engine(db_url)
    yield engine
    engine.dispose()


def _summary(engine: Engine, claim_filter: ClaimFilter | None = None) -> ReportSummary:
    with transaction(engine, write=False) as session:
        return report_summary(
            session=session, claim_filter=claim_filter or ClaimFilter(), title="Desk"
        )


def test_summary_figures_equal_the_database_counts(seeded: Engine) -> None:
    summary = _summary(seeded)
    with transaction(seeded, write=False) as session:
        expected = live_status_counts(session)
        reviews = live_review_count(session)
        claims = list(iter_claims(session=session, claim_filter=ClaimFilter()))
    assert {item.status.value: item.count for item in summary.by_status} == expected
    assert summary.claims == sum(expected.values()) == len(claims)
    assert summary.reviewed == len([claim for claim in claims if claim.reviews])
    assert summary.unreviewed == expected["unverified"]
    assert sum(count for _, count in summary.reviews_by_month) == reviews == len(REVIEWS)
    assert summary.reviews_by_month == [("2024-01", 2), ("2024-02", 2), ("2024-03", 1)]
    by_claimant = Counter(claim.claimant.name for claim in claims if claim.claimant)
    assert {mix.name: mix.claims for mix in summary.by_claimant} == by_claimant
    lavrov = next(mix for mix in summary.by_claimant if mix.name == "Sergey Lavrov")
    assert lavrov.by_status == Counter(
        claim.status for claim in claims if claim.claimant and claim.claimant.name == lavrov.name
    )
    assert [mix.claims for mix in summary.by_source] == [len(claims)]
    assert summary.by_source[0].url is not None


def test_filters_narrow_every_figure(seeded: Engine) -> None:
    only_false = _summary(seeded, ClaimFilter(status=Status.FALSE))
    assert only_false.claims == 1
    assert only_false.reviews_by_month == [("2024-01", 1), ("2024-02", 1)]
    assert only_false.filters == "status false"
    first_five = _summary(seeded, ClaimFilter(limit=5))
    assert first_five.claims == 5
    assert first_five.reviews_by_month == [("2024-02", 1)]
    with_deleted = _summary(seeded, ClaimFilter(include_deleted=True))
    assert with_deleted.claims == _summary(seeded).claims + 1


def test_claims_carry_reviews_evidence_and_appearances_like_show(seeded: Engine) -> None:
    with transaction(seeded, write=False) as session:
        reported = list(iter_report_claims(session=session, claim_filter=ClaimFilter()))
        shown = list(iter_claims(session=session, claim_filter=ClaimFilter()))
    assert [claim.id for claim in reported] == [claim.id for claim in shown]
    assert DELETED_CLAIM not in {claim.id for claim in reported}
    for mine, theirs in zip(reported, shown, strict=True):
        assert mine.text == theirs.text
        assert mine.status == theirs.status
        assert mine.tags == theirs.tags
        assert [(r.status, r.rating_label, r.reviewer, r.note) for r in mine.reviews] == [
            (r.status, r.rating_label, r.reviewer, r.note) for r in theirs.reviews
        ]
        assert [[e.url for e in r.evidence] for r in mine.reviews] == [
            [e.url for e in r.evidence] for r in theirs.reviews
        ]
        assert [(a.source_id, a.start, a.end) for a in mine.appearances] == [
            (a.source.id, a.start, a.end) for a in theirs.appearances
        ]
    eight = next(claim for claim in reported if claim.id == 8)
    assert eight.rating_label == "Pants on Fire"
    assert [review.status for review in eight.reviews] == [Status.IN_REVIEW, Status.FALSE]


def test_sources_bring_their_text_and_every_selected_span(seeded: Engine) -> None:
    with transaction(seeded, write=False) as session:
        (source,) = iter_report_sources(session=session, claim_filter=ClaimFilter())
        claims = list(iter_report_claims(session=session, claim_filter=ClaimFilter()))
        (only_false,) = iter_report_sources(
            session=session, claim_filter=ClaimFilter(status=Status.FALSE)
        )
    assert {span.claim_id for span in source.spans} == {claim.id for claim in claims}
    for span in source.spans:
        claim = next(claim for claim in claims if claim.id == span.claim_id)
        assert source.text[span.start : span.end] == claim.appearances[0].quote
    assert [span.claim_id for span in only_false.spans] == [8]


def test_html_shows_the_database_figures_and_links_highlights_to_claims(seeded: Engine) -> None:
    html = _html(seeded)
    page = parse(html)
    with transaction(seeded, write=False) as session:
        expected = live_status_counts(session)
    assert page.ids["count-claims"] == str(sum(expected.values()))
    assert page.ids["count-unreviewed"] == str(expected["unverified"])
    assert page.ids["count-reviews"] == str(len(REVIEWS))
    rows = [row for block in page.json_blocks("claims-page") for row in block]
    assert Counter(row["status"] for row in rows) == expected
    highlight_targets = {href for href in page.hrefs if href.startswith("#claim-")}
    assert {f"#claim-{row['id']}" for row in rows} <= highlight_targets
    anchors = {value for tag, name, value in page.attributes if name == "id"}
    back_links = {href[1:] for href in page.hrefs if href.startswith("#at-")}
    assert back_links
    assert back_links <= anchors
    assert {f"claim-{row['id']}" for row in rows} <= anchors


SECOND_SOURCE = "https://second.example/briefing"


def _attach_claim_to_a_second_source(engine: Engine, claim_id: int) -> None:
    with transaction(engine) as session:
        create_source(
            session=session,
            source_in=SourceCreate(url=SECOND_SOURCE, title="Briefing", text="A short briefing."),
        )
        add_appearance(
            session=session,
            claim_id=claim_id,
            appearance_in=AppearanceCreate(source=SECOND_SOURCE),
            actor="tester",
        )


@pytest.mark.parametrize("output_format", ["html", "markdown", "text"])
def test_a_source_filter_reports_the_claims_of_that_source(
    seeded: Engine, db_url: str, output_format: str
) -> None:
    _attach_claim_to_a_second_source(seeded, claim_id=6)
    result = make_cli(db_url)("report", "--format", output_format, "--source", SECOND_SOURCE)
    assert result.exit_code == 0, result.stderr
    summary = _summary(seeded, ClaimFilter(source=SECOND_SOURCE))
    assert summary.claims == 1
    # The claim's other source (the seed article) still counts in the by-source table.
    assert sorted(mix.claims for mix in summary.by_source) == [1, 1]
    if output_format == "html":
        rows = [row for block in parse(result.stdout).json_blocks("claims-page") for row in block]
        assert [row["id"] for row in rows] == [6]
    elif output_format == "markdown":
        claim_rows = result.stdout.split("## Claims", 1)[1].strip().splitlines()[2:]
        assert [row.split("|")[1].strip() for row in claim_rows] == ["6"]
    else:
        assert "1 claim: 1 reviewed, 0 unreviewed" in result.stdout


def test_a_tag_filter_reports_only_tagged_claims(seeded: Engine, db_url: str) -> None:
    with transaction(seeded, write=False) as session:
        tagged = [
            claim.id for claim in iter_claims(session=session, claim_filter=ClaimFilter(tag="gaza"))
        ]
    assert tagged
    result = make_cli(db_url)("report", "--format", "html", "--tag", "gaza")
    assert result.exit_code == 0, result.stderr
    rows = [row for block in parse(result.stdout).json_blocks("claims-page") for row in block]
    assert [row["id"] for row in rows] == tagged


def test_reviews_over_time_include_months_without_reviews(seeded: Engine) -> None:
    with transaction(seeded) as session:
        add_review(
            session=session,
            claim_id=5,
            review_in=ReviewCreate(
                status=Status.TRUE, reviewer="Ana", reviewed_at=datetime(2024, 6, 1, tzinfo=UTC)
            ),
        )
    months = _summary(seeded).reviews_by_month
    assert [month for month, _ in months] == [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
        "2024-06",
    ]
    assert dict(months)["2024-04"] == 0
    assert dict(months)["2024-06"] == 1


def test_html_has_no_external_reference_and_a_strict_policy(seeded: Engine) -> None:
    page = parse(_html(seeded))
    policy = next(
        value
        for tag, name, value in page.attributes
        if tag == "meta" and name == "content" and value and "default-src" in value
    )
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert not [name for _, name, _ in page.attributes if name in {"src", "srcset", "action"}]
    assert page.tags["link"] == 0
    nonces = {attrs.get("nonce") for attrs, _ in page.scripts if attrs.get("type") is None}
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in policy


def _hostile_claim() -> ReportClaim:
    review = ReportReview(
        status=Status.FALSE,
        rating_label="<i>Pants</i>",
        note="</script><script>alert(2)</script><!--",
        reviewer="<b>Eve</b>",
        reviewed_at=datetime(2024, 1, 1, tzinfo=UTC),
        url="javascript:alert(3)",
        evidence=[
            ReportEvidence(url="javascript:alert(1)", title=None, stance=Stance.REFUTES),
            ReportEvidence(
                url="https://ok.example/a?b=1&c=<2>", title="ok", stance=Stance.SUPPORTS
            ),
        ],
    )
    appearance = ReportAppearance(
        source_id=1,
        source_url="data:text/html,<script>alert(4)</script>",
        source_title='"><img src=x onerror=alert(5)>',
        quote=HOSTILE,
        start=0,
        end=len(HOSTILE),
        in_report=True,
    )
    return ReportClaim(
        id=1,
        text=HOSTILE + " </script><!-- <script>",
        claimant="<img src=x onerror=alert(6)>",
        status=Status.FALSE,
        claim_date=None,
        tags=["<svg onload=alert(7)>"],
        reviews=[review],
        appearances=[appearance],
    )


def _hostile_summary() -> ReportSummary:
    return ReportSummary.model_validate(
        {
            "title": "<title></title><script>alert(8)</script>",
            "generated_at": datetime(2024, 1, 1, tzinfo=UTC),
            "filters": "claimant <b>x</b>",
            "claims": 1,
            "reviewed": 1,
            "by_status": [{"status": "false", "count": 1}],
            "reviews_by_month": [("2024-01", 1)],
            "by_claimant": [
                {"name": "<img src=x onerror=alert(9)>", "claims": 1, "by_status": {"false": 1}}
            ],
            "claimant_count": 1,
            "by_source": [
                {"name": "<b>s</b>", "url": "javascript:alert(10)", "claims": 1, "by_status": {}}
            ],
            "source_count": 1,
        }
    )


def test_every_user_text_is_escaped_and_only_http_links_are_live() -> None:
    source = ReportSource(
        id=1,
        url="javascript:alert(11)",
        title="<h1>title</h1>",
        publisher="<b>pub</b>",
        published_at=None,
        text=HOSTILE + " and more <b>text</b>",
        spans=[ReportSpan(claim_id=1, status=Status.FALSE, start=0, end=len(HOSTILE))],
    )
    stream = io.StringIO()
    write_report_html(_hostile_summary(), [_hostile_claim()], [source], stream)
    html = stream.getvalue()
    page = parse(html)
    ours = [attrs for attrs, _ in page.scripts]
    assert ours == [
        {"type": "application/json", "id": "status-names"},
        {"type": "application/json", "class": "claims-page"},
        {"nonce": ours[-1]["nonce"]},
    ]
    assert page.tags["img"] == page.tags["i"] == 0
    assert page.tags["h1"] == 1  # the report's own heading; the source's title is text
    assert page.tags["svg"] == 3  # the report's own charts; the tag's <svg> is text
    assert not [name for _, name, _ in page.attributes if name.startswith("on")]
    assert all(href.startswith(("#", "https://")) for href in page.hrefs)
    assert "https://ok.example/a?b=1&amp;c=&lt;2&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (rows,) = page.json_blocks("claims-page")
    assert rows[0]["text"] == HOSTILE + " </script><!-- <script>"
    assert rows[0]["claimant"] == "<img src=x onerror=alert(6)>"


def test_hostile_text_through_the_cli_stays_text(cli: CliRun, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f"Intro. {HOSTILE} said <b>Eve</b>.", encoding="utf-8")
    source = cli(
        "source", "add", "https://x.example/a", "--title", "<i>T</i>", "--text-file", str(article)
    )
    assert source.exit_code == 0, source.stderr
    added = cli("add", HOSTILE, "--source", "1", "--claimant", "<img src=x onerror=alert(1)>")
    assert added.exit_code == 0, added.stderr
    reviewed = cli(
        "verify", "1", "--status", "false", "--note", "</script><script>alert(2)</script>"
    )
    assert reviewed.exit_code == 0, reviewed.stderr
    result = cli("report")
    assert result.exit_code == 0, result.stderr
    page = parse(result.stdout)
    assert page.tags["img"] == page.tags["i"] == 0
    assert len(page.scripts) == 3
    assert result.stdout.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_segments_cut_at_every_boundary_and_share_overlaps() -> None:
    outer = ReportSpan(claim_id=1, status=Status.TRUE, start=0, end=10)
    inner = ReportSpan(claim_id=2, status=Status.FALSE, start=4, end=6)
    beyond = ReportSpan(claim_id=3, status=Status.FALSE, start=8, end=99)
    found = segments("0123456789abc", [outer, inner, beyond])
    assert [(s.start, s.text, [span.claim_id for span in s.spans]) for s in found] == [
        (0, "0123", [1]),
        (4, "45", [1, 2]),
        (6, "6789", [1]),
        (10, "abc", []),
    ]
    assert found[1].target == inner
    assert found[0].starting == (outer,)
    assert found[1].starting == (inner,)
    assert found[2].starting == ()


@given(
    st.text(max_size=40),
    st.lists(st.tuples(st.integers(0, 45), st.integers(1, 20)), max_size=6),
)
def test_segments_always_give_back_the_text(text: str, bounds: list[tuple[int, int]]) -> None:
    spans = [
        ReportSpan(claim_id=number, status=Status.MIXED, start=start, end=start + length)
        for number, (start, length) in enumerate(bounds, start=1)
    ]
    found = segments(text, spans)
    assert "".join(segment.text for segment in found) == text
    for segment in found:
        end = segment.start + len(segment.text)
        covering = [
            span for span in spans if span.start <= segment.start and end <= span.end <= len(text)
        ]
        assert list(segment.spans) == covering


@pytest.mark.parametrize(
    ("url", "live"),
    [
        ("https://e.example/x", True),
        ("HTTP://e.example/x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//e.example/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: str | None, live: bool) -> None:
    assert (safe_href(url) is not None) is live


def test_markdown_cells_stay_in_their_column() -> None:
    assert escape_cell("a | b\nc") == r"a \| b c"
    assert escape_cell("[x](javascript:y) <b>") == r"\[x\]\(javascript:y\) \<b\>"
    stream = io.StringIO()
    claim = _hostile_claim().model_copy(update={"text": "one | two\nthree\r\n| four"})
    assert write_report_markdown(_hostile_summary(), [claim], stream) == 1
    table = stream.getvalue().split("## Claims\n\n", 1)[1].splitlines()
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in table]
    assert unescaped_pipes == [8, 8, 8]
    assert "one \\| two three \\| four" in table[2]


def test_markdown_report_through_the_cli(seeded: Engine, db_url: str) -> None:
    result = make_cli(db_url)("report", "--format", "markdown", "--title", "Weekly | desk")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Weekly \\| desk\n")
    assert "| Pants on Fire |" in text
    assert "| False | 1 | 6% |" in text
    claim_rows = text.split("## Claims", 1)[1].strip().splitlines()[2:]
    assert len(claim_rows) == _summary(seeded).claims


def test_text_report_prints_the_summary_with_bars(seeded: Engine, db_url: str) -> None:
    result = make_cli(db_url)("report", "--format", "text")
    assert result.exit_code == 0, result.stderr
    summary = _summary(seeded)
    assert f"{summary.claims} claims: {summary.reviewed} reviewed" in result.stdout
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if "█" in line}
    assert lines.keys() >= {"Unverified", "False", "Misleading", "Reviewed", "2024-02"}
    assert lines["Unverified"].count("█") > lines["False"].count("█") >= 1


@pytest.mark.parametrize("output_format", ["html", "markdown", "text"])
def test_an_empty_database_says_so(cli: CliRun, output_format: str, tmp_path: Path) -> None:
    output = tmp_path / f"report.{output_format}"
    result = cli("report", "--format", output_format, "--output", str(output))
    assert result.exit_code == 0, result.stderr
    assert "No claims recorded yet" in output.read_text(encoding="utf-8")
    cli("add", "A claim", "--source", "https://x.example/")
    filtered = cli("report", "--format", output_format, "--status", "false")
    assert filtered.exit_code == 0, filtered.stderr
    assert "No claims match these filters" in filtered.stdout


def test_html_report_streams_in_pages(session: Session) -> None:
    # 1,200 claims read 100 at a time: the queries grow with the pages, and claims are read only
    # as the page is written, not all before the first byte.
    _many_claims(session, 1_199)
    statements: list[str] = []
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    report = build_report(session=session, claim_filter=ClaimFilter(), title="Big", page_size=100)
    after_summary = len(statements)
    first = next(report.claims)
    assert first.id == 1
    first_page_queries = len(statements) - after_summary
    assert first_page_queries == 5  # claims, reviews, evidence, appearances, tags
    stream = io.StringIO()
    write_report_html(report.summary, report.claims, report.sources, stream, page_size=250)
    claim_queries = [sql for sql in statements if "FROM claims LEFT OUTER JOIN claimants" in sql]
    assert len(claim_queries) == 13  # 12 pages and the empty one that ends them
    rows = [row for block in parse(stream.getvalue()).json_blocks("claims-page") for row in block]
    assert [row["id"] for row in rows] == list(range(2, 1_201))


def _many_claims(session: Session, count: int) -> None:
    source = create_source(session=session, source_in=SourceCreate(url="https://big.example/"))
    claimant = Claimant(name="Many", name_key="many")
    session.add(claimant)
    session.flush()
    session.add_all(
        Claim(text=f"Claim number {n}", fingerprint=f"f{n}", claimant_id=claimant.id)
        for n in range(count)
    )
    session.flush()
    add_review(
        session=session,
        claim_id=1,
        review_in=ReviewCreate(
            status=Status.FALSE,
            reviewer="Ana",
            evidence=[EvidenceCreate(url="https://e.example/")],
        ),
    )
    claim_in = ClaimCreate(
        text="One with a source",
        claimant=ClaimantCreate(name="Many"),
        appearance=AppearanceCreate(source=str(source.id)),
    )
    create_claim(session=session, claim_in=claim_in, actor="tester")


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (("--status", "sideways"), 2, "Error: status: "),
        (("--source", "999"), 1, "Error: no source"),
        (("--since", "yesterday"), 2, "Error: since: "),
        (("--title", "   "), 2, "Error: title: must not be empty"),
        (("--format", "pdf"), 2, "Error: "),
        (("--output", "missing-dir/report.html"), 1, "Error: No such file or directory"),
    ],
)
def test_bad_input_is_one_error_line(
    cli: CliRun, arguments: tuple[str, ...], code: int, message: str, tmp_path: Path
) -> None:
    result = cli(
        "report", *(str(tmp_path / a) if a.startswith("missing") else a for a in arguments)
    )
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not list(tmp_path.glob("**/*.html"))


def _html(engine: Engine, cards: CardLayout = CardLayout.AUTO) -> str:
    stream = io.StringIO()
    with transaction(engine, write=False) as session:
        report = build_report(session=session, claim_filter=ClaimFilter(), title="Desk")
        write_report_html(report.summary, report.claims, report.sources, stream, cards=cards)
    return stream.getvalue()


FOLDED_MARK = '<template class="claim-cards">'


def _card_ids(html: str) -> list[str]:
    return re.findall(r'<article class="claim" id="(claim-\d+)"', html)


def test_cards_are_inline_in_small_reports_and_folded_on_request(seeded: Engine) -> None:
    inline = _html(seeded)
    folded = _html(seeded, CardLayout.FOLDED)
    assert FOLDED_MARK not in inline
    assert _card_ids(inline) == _card_ids(folded)
    templates = re.findall(r'<template class="claim-cards">(.*?)</template>', folded, re.S)
    assert [card for block in templates for card in _card_ids(block)] == _card_ids(folded)
    assert 'id="shown-cards"' in folded
    assert 'id="shown-cards"' not in inline
    assert FOLDED_MARK not in _html(seeded, CardLayout.INLINE)


def test_auto_folds_cards_above_the_inline_limit(
    monkeypatch: pytest.MonkeyPatch, seeded: Engine
) -> None:
    monkeypatch.setattr("factdb.formats.report_html.INLINE_CARDS", 3)
    assert FOLDED_MARK in _html(seeded)
    assert FOLDED_MARK not in _html(seeded, CardLayout.INLINE)


def test_only_the_leading_claimants_and_sources_are_listed_with_the_full_counts(
    session: Session,
) -> None:
    # Speaker n makes n claims, all of them in source n.
    for number in range(1, 8):
        for copy in range(number):
            create_claim(
                session=session,
                claim_in=ClaimCreate(
                    text=f"Claim {copy} of speaker {number}.",
                    claimant=ClaimantCreate(name=f"Speaker {number}"),
                    appearance=AppearanceCreate(source=f"https://s{number}.example/a"),
                ),
                actor="tester",
            )
    summary = report_summary(session=session, claim_filter=ClaimFilter(), title="Desk", top=3)
    assert [(mix.name, mix.claims) for mix in summary.by_claimant] == [
        ("Speaker 7", 7),
        ("Speaker 6", 6),
        ("Speaker 5", 5),
    ]
    assert summary.claimant_count == 7
    assert [mix.claims for mix in summary.by_source] == [7, 6, 5]
    assert summary.source_count == 7
    assert all(mix.by_status == {Status.UNVERIFIED: mix.claims} for mix in summary.by_claimant)
