"""The HTML report in a real browser: headless Chromium, offline, every request watched.

Needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``FACTDB_CHROMIUM``) and the ``playwright``
package, which drives it without downloading a browser of its own. Without them the tests skip
with the reason, unless ``FACTDB_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
Screenshots go to ``tests/artifacts/`` (or ``FACTDB_TEST_ARTIFACTS``) for a person to look at.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from factdb.db import create_db_engine, transaction
from factdb.services.admin.schema import upgrade
from tests.helpers.cli import make_cli
from tests.helpers.paths import REPO_ROOT
from tests.helpers.report_data import live_review_count, live_status_counts, seed_with_reviews

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, Route

CHROMIUM = Path(os.environ.get("FACTDB_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER_ENV = "FACTDB_REQUIRE_BROWSER"
ARTIFACTS = Path(os.environ.get("FACTDB_TEST_ARTIFACTS", REPO_ROOT / "tests" / "artifacts"))
HOSTILE = "<script>alert(1)</script>"


def _browser_unavailable_reason() -> str | None:
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = _browser_unavailable_reason()
    if reason is not None:
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_BROWSER_ENV}=1 forbids skipping", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A report opened in the browser, with everything the page asked for or complained about."""

    page: Page
    url: str
    database_url: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.problems == []
        assert self.dialogs == []
        assert set(self.requests) == {self.url}, "the report must request nothing but itself"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=path, full_page=False)
        assert path.stat().st_size > 0
        return path


Open = Callable[..., Visit]


@pytest.fixture
def open_report(browser: Browser, tmp_path: Path) -> Iterator[Open]:
    contexts = []

    def open_it(fill: Callable[[str], None] | None = None, *arguments: str) -> Visit:
        database_url = f"sqlite:///{tmp_path / 'report.sqlite3'}"
        engine = create_db_engine(database_url)
        upgrade(engine=engine)
        engine.dispose()
        if fill is not None:
            fill(database_url)
        output = tmp_path / "report.html"
        result = make_cli(database_url)("report", "--output", str(output), *arguments)
        assert result.exit_code == 0, result.stderr
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        visit = Visit(page=context.new_page(), url=output.as_uri(), database_url=database_url)
        context.route("**/*", lambda route: _only_the_report(route, visit.url))
        visit.page.on("request", lambda request: _record_request(visit, request))
        visit.page.on("console", lambda message: _record_console(visit, message))
        visit.page.on("pageerror", lambda error: visit.problems.append(f"page error: {error}"))
        visit.page.on("dialog", lambda dialog: _record_dialog(visit, dialog.message, dialog))
        visit.page.goto(visit.url)
        return visit

    yield open_it
    for context in contexts:
        context.close()


def _only_the_report(route: Route, url: str) -> None:
    if route.request.url == url:
        route.continue_()
    else:
        route.abort()


def _record_request(visit: Visit, request: Request) -> None:
    visit.requests.append(request.url)


def _record_console(visit: Visit, message: ConsoleMessage) -> None:
    if message.type in {"error", "warning"}:
        visit.problems.append(f"console {message.type}: {message.text}")


def _record_dialog(visit: Visit, text: str, dialog: object) -> None:
    visit.dialogs.append(text)
    dismiss = getattr(dialog, "dismiss", None)
    if dismiss is not None:
        dismiss()


def _seeded(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with transaction(engine) as session:
        seed_with_reviews(session)
    engine.dispose()


def _database_counts(database_url: str) -> tuple[dict[str, int], int]:
    engine = create_db_engine(database_url)
    try:
        with transaction(engine, write=False) as session:
            return live_status_counts(session), live_review_count(session)
    finally:
        engine.dispose()


def test_counts_shown_equal_the_database(open_report: Open) -> None:
    visit = open_report(_seeded)
    page = visit.page
    statuses, reviews = _database_counts(visit.database_url)
    assert page.inner_text("#count-claims") == str(sum(statuses.values()))
    assert page.inner_text("#count-unreviewed") == str(statuses["unverified"])
    assert page.inner_text("#count-reviewed") == str(
        sum(statuses.values()) - statuses["unverified"]
    )
    assert page.inner_text("#count-reviews") == str(reviews)
    shown = {
        row.get_attribute("data-status"): int(row.inner_text().split()[-1])
        for row in page.query_selector_all("#status-counts tbody tr")
    }
    assert shown == statuses
    chart = page.inner_text("#status-chart")
    assert "False" in chart
    assert "Misleading" in chart
    assert page.locator("#claims-table tbody tr").count() == sum(statuses.values())
    assert page.inner_text("#articles h3").startswith("Moscow Calls for Leveraging")
    visit.screenshot("report-summary")
    visit.assert_clean()


def test_the_claims_table_filters_and_sorts_in_the_page(open_report: Open) -> None:
    visit = open_report(_seeded)
    page = visit.page
    statuses, _ = _database_counts(visit.database_url)
    rows = page.locator("#claims-table tbody tr")
    page.select_option("#filter-status", "unverified")
    assert rows.count() == statuses["unverified"]
    assert {row.get_attribute("data-status") for row in rows.all()} == {"unverified"}
    page.select_option("#filter-status", "false")
    assert rows.count() == statuses["false"] == 1
    assert "Pants on Fire" in rows.first.inner_text()
    page.select_option("#filter-status", "")
    page.select_option("#filter-claimant", "Sergey Lavrov")
    assert rows.count() == 4
    page.select_option("#filter-claimant", "")
    page.fill("#filter-text", "madrid 2002")
    assert [row.inner_text().split()[0] for row in rows.all()] == ["6"]
    page.fill("#filter-text", "")
    page.select_option("#filter-tag", "hamas")
    assert rows.count() >= 1
    assert all("hamas" in row.inner_text() for row in rows.all())
    page.select_option("#filter-tag", "")
    page.click("button[data-sort='id']")
    assert rows.first.inner_text().split()[0] == str(max(_ids(page)))
    visit.screenshot("report-table")
    visit.assert_clean()


def _ids(page: Page) -> list[int]:
    return [
        int(cell.inner_text())
        for cell in page.locator("#claims-table tbody tr td:first-child").all()
    ]


def test_a_highlight_leads_to_its_claim_and_back(open_report: Open) -> None:
    visit = open_report(_seeded)
    page = visit.page
    highlight = page.locator("#articles a.hl[data-claim='8']").first
    highlight.scroll_into_view_if_needed()
    visit.screenshot("report-article")
    highlight.click()
    assert page.url.endswith("#claim-8")
    card = page.locator("#claim-8")
    assert _shown(card)
    assert _in_viewport(page, "#claim-8")
    assert "Pants on Fire" in card.inner_text()
    assert "https://e.example/un" in card.inner_text()
    visit.screenshot("report-claim")
    card.locator("a.in-article").click()
    assert page.url.endswith("#at-8-1")
    assert _in_viewport(page, "#at-8-1")
    visit.assert_clean()


def test_folded_cards_open_when_a_link_leads_to_them(open_report: Open) -> None:
    visit = open_report(_seeded, "--cards", "folded")
    page = visit.page
    assert page.locator("article.claim").count() == 0, "folded cards are not laid out"
    assert page.locator("#folded-note").is_visible()
    page.locator("#claims-table tbody tr a[href='#claim-6']").click()
    card = page.locator("#shown-cards #claim-6")
    assert _shown(card)
    assert _in_viewport(page, "#claim-6")
    assert "Correct" in card.inner_text()
    assert "https://e.example/quartet" in card.inner_text()
    highlight = page.locator("#articles a.hl[data-claim='8']").first
    highlight.scroll_into_view_if_needed()
    highlight.click()
    assert page.url.endswith("#claim-8")
    assert _in_viewport(page, "#claim-8")
    assert "Pants on Fire" in page.locator("#claim-8").inner_text()
    assert page.locator("#shown-cards article.claim").count() == 2
    page.locator("#claim-8 a.in-article").click()
    assert _in_viewport(page, "#at-8-1")
    visit.screenshot("report-folded-claim")
    visit.assert_clean()


def test_a_folded_card_opens_from_the_address(open_report: Open) -> None:
    visit = open_report(_seeded, "--cards", "folded")
    page = visit.page
    page.goto(visit.url + "#claim-12")
    assert _shown(page.locator("#claim-12"))
    assert "Mostly True" in page.locator("#claim-12").inner_text()
    assert _in_viewport(page, "#claim-12")
    assert {request.split("#")[0] for request in visit.requests} == {visit.url}
    assert visit.problems == []


# The page opens a folded card and scrolls to it in its hash-change handler, which may run
# after the click that changed the address has returned: checks wait this long for it.
SETTLE_MS = 5_000


def _in_viewport(page: Page, selector: str) -> bool:
    """Whether the element is in the viewport, or comes into it within ``SETTLE_MS``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "(s) => { const e = document.querySelector(s); if (!e) return false;"
            " const r = e.getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }",
            arg=selector,
            timeout=SETTLE_MS,
        )
    except PlaywrightTimeout:
        return False
    return True


def _shown(locator: Locator) -> bool:
    """Whether the element is visible, or becomes visible within ``SETTLE_MS``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(state="visible", timeout=SETTLE_MS)
    except PlaywrightTimeout:
        return False
    return True


def test_hostile_text_runs_nothing(open_report: Open, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"Intro. {HOSTILE} said <b>Eve</b>.", encoding="utf-8")

    def fill(database_url: str) -> None:
        cli = make_cli(database_url)
        cli("source", "add", "https://x.example/a", "--text-file", str(article))
        cli("add", HOSTILE, "--source", "1", "--claimant", "<img src=x onerror=alert(2)>")
        cli("verify", "1", "--status", "false", "--note", "</script><script>alert(3)</script>")

    visit = open_report(fill, "--title", "<b>alert(4)</b>")
    page = visit.page
    assert page.inner_text("#claim-1 .claim-text") == HOSTILE
    assert page.inner_text("h1") == "<b>alert(4)</b>"
    assert page.inner_text("#claims-table tbody tr td.text") == HOSTILE
    assert page.locator("img").count() == 0
    visit.assert_clean()


def test_an_empty_database_says_so(open_report: Open) -> None:
    visit = open_report()
    assert visit.page.inner_text("#empty") == "No claims recorded yet."
    visit.assert_clean()
