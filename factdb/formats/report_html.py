"""The HTML report: one self-contained page (inline CSS, script and SVG), written as it renders.

Jinja2 escapes every value it writes (autoescape), so no text from the database can become markup;
links are written only for http(s) URLs. A Content-Security-Policy with a per-report nonce lets
the page run its own script and style and nothing else: it makes no request of any kind.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from factdb.domain import INLINE_CARDS, CardLayout, Status

if TYPE_CHECKING:
    from jinja2 import Environment

    from factdb.schemas.report import ReportClaim, ReportSource, ReportSpan, ReportSummary

PAGE_SIZE = 500
TEMPLATES = "report_templates"
SAFE_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class Segment:
    """A stretch of an article's text and the spans that cover all of it (none: plain text)."""

    start: int
    text: str
    spans: tuple[ReportSpan, ...]

    @property
    def starting(self) -> tuple[ReportSpan, ...]:
        """The spans that begin here: each gets an anchor a claim can link back to."""
        return tuple(span for span in self.spans if span.start == self.start)

    @property
    def target(self) -> ReportSpan | None:
        """The span a click goes to: the innermost one, the one that starts last."""
        if not self.spans:
            return None
        return max(self.spans, key=lambda span: (span.start, -span.end, span.claim_id))


@dataclass(frozen=True)
class ClaimPage:
    claims: list[ReportClaim]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The in-page table's data for these claims (the full records are the cards)."""
        return [
            {
                "id": claim.id,
                "status": claim.status.value,
                "label": claim.rating_label,
                "claimant": claim.claimant or "",
                "text": claim.text,
                "tags": claim.tags,
                "reviews": len(claim.reviews),
            }
            for claim in self.claims
        ]


def write_report_html(
    summary: ReportSummary,
    claims: Iterable[ReportClaim],
    sources: Iterable[ReportSource],
    stream: TextIO,
    *,
    page_size: int = PAGE_SIZE,
    cards: CardLayout = CardLayout.AUTO,
) -> None:
    """Render the page into the stream chunk by chunk; claims and sources are read as needed."""
    template = _environment().get_template("report.html.jinja")
    chunks = template.generate(
        summary=summary,
        fold_cards=_folds_cards(cards, summary.claims),
        pages=(ClaimPage(page) for page in _chunks(claims, page_size)),
        sources=sources,
        statuses=list(Status),
        status_names={status.value: status.display_name for status in Status},
        nonce=secrets.token_urlsafe(18),
        css=_asset("report.css"),
        js=_asset("report.js"),
    )
    stream.writelines(chunks)


def _folds_cards(cards: CardLayout, claims: int) -> bool:
    if cards is CardLayout.AUTO:
        return claims > INLINE_CARDS
    return cards is CardLayout.FOLDED


def segments(text: str, spans: Iterable[ReportSpan]) -> list[Segment]:
    """The text cut at every span boundary; overlapping spans share the segments they cover."""
    usable = [span for span in spans if 0 <= span.start < span.end <= len(text)]
    cuts = sorted({0, len(text), *(span.start for span in usable), *(span.end for span in usable)})
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for index, span in enumerate(usable):
        opening[span.start].append(index)
        closing[span.end].append(index)
    # One sweep over the cuts with the set of open spans: an article with thousands of claims
    # must not cost the number of spans times the number of cuts.
    open_spans: set[int] = set()
    found: list[Segment] = []
    for start, end in pairwise(cuts):
        open_spans.difference_update(closing.get(start, ()))
        open_spans.update(opening.get(start, ()))
        covering = tuple(usable[index] for index in sorted(open_spans))
        found.append(Segment(start=start, text=text[start:end], spans=covering))
    return found


def safe_href(url: str | None) -> str | None:
    """The URL if a reader may follow it (http or https only), else None: shown as text."""
    if not url or any(char.isspace() or ord(char) < 32 for char in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def _chunks(items: Iterable[ReportClaim], size: int) -> Iterator[list[ReportClaim]]:
    iterator = iter(items)
    while page := list(islice(iterator, size)):
        yield page


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("factdb.formats", TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(segments=segments, safe_href=safe_href, percent=_percent)
    return environment


def _asset(name: str) -> Any:
    from markupsafe import Markup

    text = resources.files("factdb.formats").joinpath(TEMPLATES, name).read_text(encoding="utf-8")
    # Our own stylesheet and script, inlined as they are; nothing from the database is in them.
    return Markup(text)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"
