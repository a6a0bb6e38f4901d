"""An HTML page's main text and metadata, through trafilatura (offline: it is given the HTML).

The extracted text is what factdb stores as the source's text, so every span the extractor
reports points into exactly that text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str | None
    publisher: str | None
    published: str | None
    language: str | None
    url: str | None


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:1000].casefold()
    return start.startswith("<") and any(tag in start for tag in ("<html", "<body", "<p", "<!doc"))


def html_article(html: str) -> HtmlArticle | None:
    """The page's main text (boilerplate removed) and its metadata; None when it has none."""
    from trafilatura import bare_extraction

    document = bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    text = getattr(document, "text", None)
    if not isinstance(text, str) or not text.strip():
        return None
    return HtmlArticle(
        text=text,
        title=_field(document, "title"),
        publisher=_field(document, "sitename"),
        published=_field(document, "date"),
        language=_field(document, "language"),
        url=_field(document, "url"),
    )


def _field(document: object, name: str) -> str | None:
    value = getattr(document, name, None)
    return value.strip() or None if isinstance(value, str) else None
