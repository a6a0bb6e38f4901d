"""Recording and finding sources."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factdb.domain import parse_id
from factdb.errors import ConflictError, InvalidInputError, NotFoundError
from factdb.models import Appearance, Source
from factdb.schemas.sources import SourceCreate, SourceRead
from factdb.schemas.types import normalize_url, sha256_text

PAGE_SIZE = 500


def create_source(*, session: Session, source_in: SourceCreate) -> Source:
    if _find_by_url(session, source_in.url) is not None:
        raise ConflictError(f"source {source_in.url} already exists")
    source = Source(
        url=source_in.url,
        title=source_in.title,
        publisher=source_in.publisher,
        author=source_in.author,
        published_at=source_in.published_at,
        language=source_in.language,
        text=source_in.text,
        text_sha256=sha256_text(source_in.text) if source_in.text is not None else None,
    )
    session.add(source)
    session.flush()
    return source


def get_source(*, session: Session, ref: str) -> Source:
    """The source with this id or URL."""
    ref = ref.strip()
    source_id = parse_id(ref)
    if source_id is not None:
        source = session.get(Source, source_id) if source_id else None
        if source is None:
            raise NotFoundError(f"no source with id {ref}")
        return source
    source = _find_by_url(session, _url_or_invalid(ref))
    if source is None:
        raise NotFoundError(f"no source with URL {ref}")
    return source


def get_or_create_source(*, session: Session, ref: str) -> Source:
    """The source with this id or URL; an unknown URL becomes a new source with only its URL."""
    ref = ref.strip()
    if parse_id(ref) is not None:
        return get_source(session=session, ref=ref)
    url = _url_or_invalid(ref)
    existing = _find_by_url(session, url)
    if existing is not None:
        return existing
    try:
        # In a savepoint: if another writer records the same URL first, take theirs.
        with session.begin_nested():
            return create_source(session=session, source_in=SourceCreate(url=url))
    except IntegrityError:
        raced = _find_by_url(session, url)
        if raced is None:
            raise
        return raced


def read_source(*, session: Session, source: Source) -> SourceRead:
    claim_count = session.scalar(
        select(func.count()).select_from(Appearance).where(Appearance.source_id == source.id)
    )
    return SourceRead.model_validate(source).model_copy(
        update={
            "text_length": len(source.text) if source.text is not None else None,
            "claim_count": claim_count or 0,
        }
    )


def list_sources(*, session: Session, limit: int | None = None) -> Iterator[SourceRead]:
    counts = (
        select(Appearance.source_id, func.count().label("claims"))
        .group_by(Appearance.source_id)
        .subquery()
    )
    query = (
        select(Source, func.coalesce(counts.c.claims, 0))
        .outerjoin(counts, counts.c.source_id == Source.id)
        .order_by(Source.id)
        .limit(limit)
    )
    for source, claim_count in session.execute(query.execution_options(yield_per=PAGE_SIZE)):
        yield SourceRead.model_validate(source).model_copy(
            update={
                "text_length": len(source.text) if source.text is not None else None,
                "claim_count": claim_count,
            }
        )


def _find_by_url(session: Session, url: str) -> Source | None:
    return session.scalar(select(Source).where(Source.url == url))


def _url_or_invalid(ref: str) -> str:
    try:
        return normalize_url(ref)
    except ValueError as error:
        raise InvalidInputError(f"source: {error} (give a source id or an http(s) URL)") from None
