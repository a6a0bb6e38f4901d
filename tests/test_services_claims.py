"""Services for claims, attributions and reviews, called directly (no CLI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from factdb.domain import ClaimantKind, HistoryAction, Stance, Status
from factdb.errors import (
    Action,
    ConflictError,
    DuplicateClaimError,
    Hint,
    NotFoundError,
    QuoteNotFoundError,
    Setting,
)
from factdb.schemas.claims import AppearanceCreate, ClaimCreate, ClaimFilter
from factdb.schemas.reviews import EvidenceCreate, ReviewCreate
from factdb.schemas.sources import ClaimantCreate, SourceCreate
from factdb.services.claims.history import claim_history
from factdb.services.claims.query import get_claim, iter_claims
from factdb.services.claims.recording import add_appearance, create_claim, locate_quote
from factdb.services.claims.sources import create_source, get_source
from factdb.services.reviews.verdicts import add_review

ARTICLE = (
    "The minister said unemployment fell to 4.1% in March. Unemployment fell to 4.1% in March."
)


DEFAULT_URL = "https://news.example/a"


def _source(session: Session, url: str = DEFAULT_URL, text: str | None = ARTICLE) -> int:
    return create_source(session=session, source_in=SourceCreate(url=url, text=text)).id


def _claim(
    session: Session,
    text: str = "Unemployment fell to 4.1% in March.",
    *,
    source: int | None = None,
    quote: str | None = None,
    start: int | None = None,
) -> int:
    if source is None:
        existing = get_source_or_none(session, DEFAULT_URL)
        source = existing if existing is not None else _source(session)
    claim_in = ClaimCreate(
        text=text,
        claimant=ClaimantCreate(name="Jane Roe", kind=ClaimantKind.PERSON),
        appearance=AppearanceCreate(source=str(source), quote=quote, start=start),
    )
    return create_claim(session=session, claim_in=claim_in, actor="tester").id


def get_source_or_none(session: Session, url: str) -> int | None:
    try:
        return get_source(session=session, ref=url).id
    except NotFoundError:
        return None


def test_quote_is_located_and_stored_with_its_span(session: Session) -> None:
    claim_id = _claim(session, quote="unemployment fell to 4.1% in March")
    claim = get_claim(session=session, claim_id=claim_id)
    appearance = claim.appearances[0]
    assert (appearance.start, appearance.end) == (18, 52)
    assert ARTICLE[appearance.start : appearance.end] == appearance.quote


def test_quote_start_picks_a_later_occurrence(session: Session) -> None:
    second = ARTICLE.rindex("Unemployment fell")
    claim_id = _claim(session, quote="Unemployment fell", start=second)
    appearance = get_claim(session=session, claim_id=claim_id).appearances[0]
    assert appearance.start == second


def test_quote_not_in_the_source_text_is_an_error(session: Session) -> None:
    with pytest.raises(QuoteNotFoundError):
        _claim(session, quote="unemployment rose")


def test_quote_start_that_does_not_match_is_an_error(session: Session) -> None:
    with pytest.raises(QuoteNotFoundError):
        _claim(session, quote="Unemployment fell", start=3)


def test_claim_text_found_verbatim_becomes_the_quote(session: Session) -> None:
    claim_id = _claim(session)
    appearance = get_claim(session=session, claim_id=claim_id).appearances[0]
    assert appearance.quote == "Unemployment fell to 4.1% in March."
    assert appearance.start == ARTICLE.index("Unemployment fell")


def test_source_without_text_keeps_the_quote_without_span(session: Session) -> None:
    source_id = _source(session, url="https://video.example/1", text=None)
    claim_id = _claim(session, source=source_id, quote="whatever was said")
    appearance = get_claim(session=session, claim_id=claim_id).appearances[0]
    assert appearance.quote == "whatever was said"
    assert (appearance.start, appearance.end) == (None, None)


def test_exact_duplicate_is_refused_naming_the_existing_claim(session: Session) -> None:
    first = _claim(session)
    with pytest.raises(DuplicateClaimError) as raised:
        _claim(session, text="  UNEMPLOYMENT   fell to 4.1% in march. ")
    assert raised.value.existing_id == first
    assert str(first) in str(raised.value)
    # What to do travels as data; the service does not speak the CLI's language.
    assert raised.value.hints == (
        Hint.about_claim(Action.ADD_APPEARANCE, first),
        Hint.give(Setting.ALLOW_DUPLICATE),
    )
    assert "--" not in str(raised.value)
    assert "factdb " not in str(raised.value)


def test_duplicate_allowed_on_request(session: Session) -> None:
    first = _claim(session)
    claim_in = ClaimCreate(
        text="Unemployment fell to 4.1% in March.",
        appearance=AppearanceCreate(source="https://other.example/b"),
    )
    second = create_claim(session=session, claim_in=claim_in, actor="t", allow_duplicate=True)
    assert second.id != first
    assert second.fingerprint == get_claim(session=session, claim_id=first).fingerprint


def test_unknown_source_url_is_created_normalised(session: Session) -> None:
    claim_in = ClaimCreate(
        text="A claim", appearance=AppearanceCreate(source="HTTPS://News.Example/Path?q=1#top")
    )
    create_claim(session=session, claim_in=claim_in, actor="t")
    source = get_source(session=session, ref="https://news.example/Path?q=1")
    assert source.url == "https://news.example/Path?q=1"


def test_claimant_names_are_case_insensitive(session: Session) -> None:
    _claim(session)
    claim_in = ClaimCreate(
        text="Another statement",
        claimant=ClaimantCreate(name="JANE ROE"),
        appearance=AppearanceCreate(source="https://news.example/a"),
    )
    claim = create_claim(session=session, claim_in=claim_in, actor="t")
    assert claim.claimant is not None
    assert claim.claimant.name == "Jane Roe"


def test_appearance_in_second_source(session: Session) -> None:
    claim_id = _claim(session)
    other = _source(
        session, url="https://other.example/x", text="Roe: unemployment fell to 4.1% in March"
    )
    add_appearance(
        session=session,
        claim_id=claim_id,
        appearance_in=AppearanceCreate(source=str(other), quote="unemployment fell"),
        actor="t",
    )
    claim = get_claim(session=session, claim_id=claim_id)
    assert [a.source.id for a in claim.appearances] == [1, other]
    assert claim.appearances[1].start == 5
    with pytest.raises(ConflictError):
        add_appearance(
            session=session,
            claim_id=claim_id,
            appearance_in=AppearanceCreate(source=str(other)),
            actor="t",
        )


def test_reviews_accumulate_and_the_newest_sets_the_status(session: Session) -> None:
    claim_id = _claim(session)
    now = datetime.now(UTC)
    add_review(
        session=session,
        claim_id=claim_id,
        review_in=ReviewCreate(status=Status.FALSE, reviewer="a", reviewed_at=now),
    )
    # Recorded later but dated earlier: it does not override the newer verdict.
    add_review(
        session=session,
        claim_id=claim_id,
        review_in=ReviewCreate(
            status=Status.TRUE, reviewer="b", reviewed_at=now - timedelta(days=3)
        ),
    )
    claim = get_claim(session=session, claim_id=claim_id)
    assert claim.status is Status.FALSE
    assert [review.status for review in claim.reviews] == [Status.TRUE, Status.FALSE]
    add_review(
        session=session,
        claim_id=claim_id,
        review_in=ReviewCreate(
            status="mostly true",
            rating_label="Pants on Fire",
            reviewer="c",
            evidence=[EvidenceCreate(url="https://e.example/1", stance=Stance.REFUTES)],
        ),
    )
    claim = get_claim(session=session, claim_id=claim_id)
    assert claim.status is Status.MOSTLY_TRUE
    latest = claim.reviews[-1]
    assert latest.rating_label == "Pants on Fire"
    assert latest.evidence[0].stance is Stance.REFUTES


def test_review_label_defaults_to_the_status_display_name(session: Session) -> None:
    claim_id = _claim(session)
    review = add_review(
        session=session,
        claim_id=claim_id,
        review_in=ReviewCreate(status=Status.MOSTLY_FALSE, reviewer="a"),
    )
    assert review.rating_label == "Mostly false"


def test_unknown_claim_is_not_found(session: Session) -> None:
    with pytest.raises(NotFoundError):
        get_claim(session=session, claim_id=999)
    with pytest.raises(NotFoundError):
        add_review(
            session=session, claim_id=999, review_in=ReviewCreate(status=Status.TRUE, reviewer="a")
        )


def test_history_records_creation_appearances_and_reviews(session: Session) -> None:
    claim_id = _claim(session)
    add_appearance(
        session=session,
        claim_id=claim_id,
        appearance_in=AppearanceCreate(source="https://third.example/"),
        actor="editor",
    )
    add_review(
        session=session,
        claim_id=claim_id,
        review_in=ReviewCreate(status=Status.FALSE, reviewer="r"),
    )
    entries = list(claim_history(session=session, claim_id=claim_id))
    assert [entry.action for entry in entries] == [
        HistoryAction.CREATED,
        HistoryAction.APPEARANCE_ADDED,
        HistoryAction.REVIEWED,
    ]
    assert [entry.actor for entry in entries] == ["tester", "editor", "r"]
    assert entries[2].changes["status"] == {"before": "unverified", "after": "false"}


def test_filters_select_claims(session: Session, tmp_path: Path) -> None:
    first = _claim(session)
    other_source = _source(session, url="https://other.example/", text=None)
    claim_in = ClaimCreate(
        text="Something else entirely",
        claimant=ClaimantCreate(name="John Doe"),
        tags=["Economy", "economy ", "jobs"],
        appearance=AppearanceCreate(source=str(other_source)),
    )
    second = create_claim(session=session, claim_in=claim_in, actor="t").id
    add_review(
        session=session, claim_id=second, review_in=ReviewCreate(status=Status.FALSE, reviewer="r")
    )

    def ids(**criteria: object) -> list[int]:
        claim_filter = ClaimFilter.model_validate(criteria)
        return [
            claim.id
            for claim in iter_claims(session=session, claim_filter=claim_filter, page_size=1)
        ]

    assert ids() == [first, second]
    assert ids(status="false") == [second]
    assert ids(claimant="jane roe") == [first]
    assert ids(source="https://other.example/") == [second]
    assert ids(tag="ECONOMY") == [second]
    assert ids(limit=1) == [first]
    assert ids(since="2999-01-01") == []
    assert get_claim(session=session, claim_id=second).tags == ["economy", "jobs"]


def test_locate_quote_first_occurrence() -> None:
    assert locate_quote("abcabc", "bc") == (1, 3)
    assert locate_quote("abcabc", "bc", 4) == (4, 6)
    with pytest.raises(QuoteNotFoundError):
        locate_quote("abc", "x")


def test_show_reader_gives_what_the_orm_gives(session: Session) -> None:
    # ``show`` reads with plain SQL; the claim must come out as the ORM's relationships give it:
    # every field, the rows' order (undated reviews first, evidence by id), a deleted claim too.
    from factdb.models import Claim, ExternalId, Review
    from factdb.services.claims.detail import read_claim

    claim_id = _claim(session, quote="unemployment fell to 4.1% in March")
    other = _source(session, url="https://other.example/x", text="Roe: unemployment fell")
    add_appearance(
        session=session,
        claim_id=claim_id,
        appearance_in=AppearanceCreate(source=str(other), quote="unemployment fell"),
        actor="t",
    )
    now = datetime.now(UTC)
    for status, when in ((Status.FALSE, now), (Status.TRUE, now - timedelta(days=3))):
        add_review(
            session=session,
            claim_id=claim_id,
            review_in=ReviewCreate(
                status=status,
                reviewer="a",
                reviewed_at=when,
                note="why",
                evidence=[
                    EvidenceCreate(url="https://e.example/2", stance=Stance.REFUTES),
                    EvidenceCreate(url="https://e.example/1", title="One"),
                ],
            ),
        )
    session.add(
        Review(claim_id=claim_id, status="true", rating_label="Right", reviewer="b", rating_value=4)
    )
    session.add_all(
        ExternalId(dataset=dataset, external_id=key, claim_id=claim_id)
        for dataset, key in (("zeta", "1"), ("alpha", "9"), ("alpha", "10"))
    )
    claim = session.get(Claim, claim_id)
    assert claim is not None
    claim.deleted_at = now
    session.flush()
    session.expire_all()

    expected = get_claim(session=session, claim_id=claim_id)
    assert [review.reviewed_at is None for review in expected.reviews] == [True, False, False]
    assert len(expected.external_ids) == 3
    assert read_claim(session=session, claim_id=claim_id) == expected
    assert read_claim(session=session, claim_id=claim_id).model_dump_json(
        indent=2
    ) == expected.model_dump_json(indent=2)
    bare = _claim(session, "A claim without a claimant's reviews.")
    assert read_claim(session=session, claim_id=bare) == get_claim(session=session, claim_id=bare)
    with pytest.raises(NotFoundError, match="no claim with id 999"):
        read_claim(session=session, claim_id=999)
