"""schema.org ClaimReview written as a DataFeed (the reader is ``readers.claimreview``).

What both directions share lives here: how factdb's claimant kinds travel in a ClaimReview.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from factdb.domain import BEST_RATING, WORST_RATING, ClaimantKind, Status, StatusBasis
from factdb.formats.readers.records import (
    put,
)
from factdb.schemas.interchange import (
    ExportedAppearance,
    ExportedClaim,
    ExportedClaimant,
    ExportedReview,
)

# schema.org has Person and Organization for an author, and nothing for factdb's "group" and
# "unknown". Those are written as an Organization with this additionalType (an IRI of factdb's
# own: schema.org's sanctioned way to refine a type), and read back as what they were.
CLAIMANT_KIND_TYPE = "urn:factdb:claimant-kind:"
_WRITTEN_AS_IS: dict[str, str] = {
    ClaimantKind.PERSON: "Person",
    ClaimantKind.ORGANIZATION: "Organization",
}


@dataclass(frozen=True)
class Organization:
    """The fact-checking organisation publishing the feed: the author of reviews without one."""

    name: str
    url: str | None = None


@dataclass
class FeedStats:
    claim_reviews: int = 0
    skipped_without_url: int = 0


def write_claimreview_feed(
    claims: Iterable[ExportedClaim],
    stream: TextIO,
    *,
    organization: Organization | None,
    date_modified: datetime,
) -> FeedStats:
    """Write a schema.org DataFeed with one DataFeedItem per claim that has a published review.

    ClaimReview requires a url (the review's page), so reviews without one are counted, not
    written. Claims arrive one at a time and leave as one item each: the feed is never held
    in memory whole.
    """
    stats = FeedStats()
    stream.write('{\n  "@context": "https://schema.org",\n  "@type": "DataFeed",\n')
    stream.write(f'  "dateModified": {json.dumps(date_modified.isoformat())},\n')
    stream.write('  "dataFeedElement": [')
    written = 0
    for claim in claims:
        element = _feed_item(claim, organization, stats)
        if element is None:
            continue
        stream.write(",\n" if written else "\n")
        stream.write(_indented(json.dumps(element, indent=2, ensure_ascii=False), 4))
        written += 1
    stream.write("\n  ]\n}\n" if written else "]\n}\n")
    return stats


def _indented(text: str, indent: int) -> str:
    pad = " " * indent
    # json.dumps escapes newlines inside strings, so every "\n" here is between tokens.
    return "\n".join(pad + line for line in text.split("\n"))


def _feed_item(
    claim: ExportedClaim, organization: Organization | None, stats: FeedStats
) -> dict[str, Any] | None:
    published = [review for review in claim.reviews if review.url is not None]
    stats.skipped_without_url += len(claim.reviews) - len(published)
    if not published:
        return None
    stats.claim_reviews += len(published)
    item_reviewed = _item_reviewed(claim)
    return {
        "@type": "DataFeedItem",
        "dateCreated": claim.created_at.isoformat(),
        "item": [_claim_review(claim, review, item_reviewed, organization) for review in published],
    }


def _claim_review(
    claim: ExportedClaim,
    review: ExportedReview,
    item_reviewed: dict[str, Any],
    organization: Organization | None,
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": review.url,
        "claimReviewed": claim.text,
    }
    if review.reviewed_at is not None:  # an unknown date is left out, never made up
        node["datePublished"] = review.reviewed_at.date().isoformat()
    put(node, "author", _author(review, organization))
    node["reviewRating"] = _rating(review)
    put(node, "reviewBody", review.note)
    put(node, "headline", review.title)
    put(node, "inLanguage", review.language)
    node["itemReviewed"] = item_reviewed
    return node


# The reviewer the importer stores when a source names none (the constant of the same name in
# services.ingest.importing; a test keeps them equal): never anybody's name.
UNKNOWN_REVIEWER = "unknown"


def _author(review: ExportedReview, organization: Organization | None) -> dict[str, Any] | None:
    """Who published the fact-check, most specific first:

    1. the review's own publisher;
    2. the reviewer of an imported review (a data set's ``reviewer`` column names the
       fact-checker: LIAR's PolitiFact, FACTCK.BR's aosfatos.org);
    3. the feed's publisher (``--organization``), for reviews made in this database;
    4. the reviewer of such a review, as a Person, when there is no organisation.

    Name and URL are taken as a pair from one of them, never one from each: a review published
    by another organisation must not be credited with the feed publisher's homepage.
    """
    kind = "Organization"
    reviewer = review.reviewer if review.reviewer != UNKNOWN_REVIEWER else None
    imported = review.status_basis != StatusBasis.GIVEN.value
    if review.publisher is not None:
        name, url = review.publisher, review.publisher_url
    elif imported and reviewer is not None:
        name, url = reviewer, review.publisher_url
    elif organization is not None:
        name, url = organization.name, organization.url
    elif reviewer is not None:
        name, url, kind = reviewer, review.publisher_url, "Person"
    else:
        name, url = None, review.publisher_url
    if name is None and url is None:
        return None
    author: dict[str, Any] = {"@type": kind}
    put(author, "name", name)
    put(author, "url", url)
    return author


def _rating(review: ExportedReview) -> dict[str, Any]:
    """The published label, with factdb's number on the 1-5 scale where its status has one."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": review.rating_label}
    value = _status_rating(review.status)
    if value is not None:
        rating.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return rating


def _status_rating(status: str) -> int | None:
    # An unknown status must not abort a feed half written; it simply gets no number.
    try:
        return Status(status).rating_value
    except ValueError:
        return None


def _item_reviewed(claim: ExportedClaim) -> dict[str, Any]:
    """The Claim node, shared by every ClaimReview of the claim."""
    node: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant is not None:
        node["author"] = _claimant_node(claim.claimant)
    if claim.claim_date is not None:
        node["datePublished"] = claim.claim_date.isoformat()
    appearances = [_appearance_node(appearance) for appearance in claim.appearances]
    if appearances:
        node["appearance"] = appearances
        node["firstAppearance"] = appearances[0]
    return node


def _claimant_node(claimant: ExportedClaimant) -> dict[str, Any]:
    """The claim's author; a kind schema.org has no type for travels as an additionalType."""
    as_is = _WRITTEN_AS_IS.get(claimant.kind)
    node: dict[str, Any] = {"@type": as_is or "Organization", "name": claimant.name}
    if as_is is None:
        node["additionalType"] = f"{CLAIMANT_KIND_TYPE}{claimant.kind}"
    put(node, "sameAs", claimant.same_as)
    return node


def _appearance_node(appearance: ExportedAppearance) -> dict[str, Any]:
    source = appearance.source
    node: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
    put(node, "headline", source.title)
    if source.published_at is not None:
        node["datePublished"] = source.published_at.isoformat()
    if source.publisher is not None:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    return node
