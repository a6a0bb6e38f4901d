"""Commands on claims: add, verify, list, show, history, export, appearance add."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from factdb.cli.context import output_stream, unit_of_work
from factdb.cli.options import (
    FROM_OPTIONS,
    DetailFormat,
    ListFormat,
    RawOption,
    claim_filter_options,
)
from factdb.domain import MAX_ID, ClaimantKind, Stance, Status, choices

appearance_app = typer.Typer(
    help="Record where known claims appeared.", no_args_is_help=True, rich_markup_mode=None
)

if TYPE_CHECKING:
    from factdb.schemas.claims import ClaimFilter

ClaimId = Annotated[
    int,
    typer.Argument(metavar="ID", help="The claim's id.", min=1, max=MAX_ID, show_default=False),
]


def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The claim, as a checkable statement.")],
    source: Annotated[
        str, typer.Option("--source", "-s", help="Source id or URL; a new URL is recorded.")
    ],
    claimant: Annotated[
        str | None, typer.Option("--claimant", "-c", help="Who made the claim.")
    ] = None,
    claimant_kind: Annotated[
        ClaimantKind, typer.Option(help="What the claimant is, when new.")
    ] = ClaimantKind.UNKNOWN,
    quote: Annotated[
        str | None,
        typer.Option("--quote", "-q", help="The exact words in the source; its span is located."),
    ] = None,
    quote_start: Annotated[
        int | None,
        typer.Option(help="Where the quote starts, when the source has it more than once."),
    ] = None,
    claim_date: Annotated[
        str | None, typer.Option("--claim-date", help="When the claim was made (YYYY-MM-DD).")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="BCP 47 language tag; default: the source's.")
    ] = None,
    tags: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A topic tag; repeat for more.")
    ] = None,
    allow_duplicate: Annotated[
        bool, typer.Option(help="Record it even if a claim with the same text exists.")
    ] = False,
) -> None:
    """Record a claim with its source attribution; prints the new claim's id."""
    from factdb.config import current_actor
    from factdb.schemas.claims import ClaimCreate
    from factdb.services.claims.recording import create_claim
    from factdb.services.matching.duplicates import similar_to

    claim_in = ClaimCreate.model_validate(
        {
            "text": text,
            "claimant": {"name": claimant, "kind": claimant_kind} if claimant else None,
            "claim_date": claim_date,
            "language": language,
            "tags": tags or [],
            "appearance": {"source": source, "quote": quote, "start": quote_start},
        }
    )
    with unit_of_work(ctx) as session:
        claim = create_claim(
            session=session,
            claim_in=claim_in,
            actor=current_actor(),
            allow_duplicate=allow_duplicate,
        )
        claim_id = claim.id
        near = similar_to(session=session, claim_ids=[claim_id]).get(claim_id, [])
    for hit in near:
        typer.echo(
            f"warning: claim {claim_id} reads like claim {hit.claim_id} (similarity "
            f"{hit.score:.0f}): {hit.text[:80]}",
            err=True,
        )
    typer.echo(claim_id)


def verify(
    ctx: typer.Context,
    claim_id: ClaimId,
    status: Annotated[
        str, typer.Option("--status", help=f"The verdict: {choices(Status)}.", show_default=False)
    ],
    note: Annotated[str | None, typer.Option("--note", "-n", help="The explanation.")] = None,
    rating_label: Annotated[
        str | None,
        typer.Option(help="The rating as published (e.g. 'Pants on Fire'); default: the status."),
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", "-e", help="A link giving context; repeat for more."),
    ] = None,
    supports: Annotated[
        list[str] | None, typer.Option("--supports", help="A link supporting the claim.")
    ] = None,
    refutes: Annotated[
        list[str] | None, typer.Option("--refutes", help="A link refuting the claim.")
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="Who reviewed it; default: FACTDB_REVIEWER or the login name."),
    ] = None,
    reviewed_at: Annotated[
        str | None, typer.Option(help="When it was reviewed (ISO date or time); default: now.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Where the fact-check is published.")] = None,
) -> None:
    """Add a review with its evidence; the newest review sets the claim's status."""
    from factdb.config import current_actor
    from factdb.schemas.reviews import ReviewCreate
    from factdb.services.reviews.verdicts import add_review

    links = [
        {"url": link, "stance": stance}
        for stance, given in (
            (Stance.CONTEXT, evidence),
            (Stance.SUPPORTS, supports),
            (Stance.REFUTES, refutes),
        )
        for link in given or []
    ]
    review_in = ReviewCreate.model_validate(
        {
            "status": status,
            "rating_label": rating_label,
            "note": note,
            "reviewer": reviewer if reviewer is not None else current_actor(),
            "reviewed_at": reviewed_at,
            "url": url,
            "evidence": links,
        }
    )
    with unit_of_work(ctx) as session:
        review = add_review(session=session, claim_id=claim_id, review_in=review_in)
        message = (
            f"claim {claim_id} is now {review.claim.status} "
            f'("{review.rating_label}"), review {review.id}'
        )
    typer.echo(message)


@claim_filter_options()
def list_claims(
    ctx: typer.Context,
    selection: ClaimFilter = FROM_OPTIONS,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.TABLE,
    raw: RawOption = False,
) -> None:
    """List claims, oldest first, with optional filters."""
    from factdb.cli.render import claims_table
    from factdb.services.claims.query import iter_claims
    from factdb.services.reporting.export import ListingFormat, list_claims

    with unit_of_work(ctx, write=False) as session:
        if output_format is ListFormat.TABLE:
            claims_table(iter_claims(session=session, claim_filter=selection))
            return
        with output_stream(None) as stream:
            list_claims(
                session=session,
                claim_filter=selection,
                listing_format=ListingFormat(output_format.value),
                stream=stream,
                raw_csv=raw,
            )


def show(
    ctx: typer.Context,
    claim_id: ClaimId,
    output_format: Annotated[
        DetailFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DetailFormat.TEXT,
) -> None:
    """Show a claim with its attributions and its reviews, oldest first."""
    from factdb.cli.render import claim_text
    from factdb.services.claims.detail import read_claim

    with unit_of_work(ctx, write=False) as session:
        claim = read_claim(session=session, claim_id=claim_id)
    if output_format is DetailFormat.JSON:
        typer.echo(claim.model_dump_json(indent=2))
    else:
        typer.echo(claim_text(claim))


def history(
    ctx: typer.Context,
    claim_id: ClaimId,
    output_format: Annotated[
        DetailFormat, typer.Option("--format", "-f", help="text (a table) or json.")
    ] = DetailFormat.TEXT,
) -> None:
    """Show everything that happened to a claim: creation, attributions, reviews."""
    from factdb.cli.render import history_table
    from factdb.formats.jsonlines import write_json_array
    from factdb.services.claims.history import claim_history

    with unit_of_work(ctx, write=False) as session:
        entries = list(claim_history(session=session, claim_id=claim_id))
    if output_format is DetailFormat.JSON:
        with output_stream(None) as stream:
            write_json_array(entries, stream)
    else:
        history_table(entries)


@appearance_app.command("add")
def appearance_add(
    ctx: typer.Context,
    claim_id: ClaimId,
    source: Annotated[
        str, typer.Option("--source", "-s", help="Source id or URL; a new URL is recorded.")
    ],
    quote: Annotated[
        str | None, typer.Option("--quote", "-q", help="The exact words in that source.")
    ] = None,
    quote_start: Annotated[
        int | None,
        typer.Option(help="Where the quote starts, when the source has it more than once."),
    ] = None,
) -> None:
    """Record that a known claim appeared in another source; prints the appearance's span."""
    from factdb.config import current_actor
    from factdb.schemas.claims import AppearanceCreate
    from factdb.services.claims.recording import add_appearance

    appearance_in = AppearanceCreate.model_validate(
        {"source": source, "quote": quote, "start": quote_start}
    )
    with unit_of_work(ctx) as session:
        appearance = add_appearance(
            session=session, claim_id=claim_id, appearance_in=appearance_in, actor=current_actor()
        )
        span = (
            f" at {appearance.quote_start}:{appearance.quote_end}"
            if appearance.quote_start is not None
            else ""
        )
        message = f"claim {claim_id} appears in source {appearance.source_id}{span}"
    typer.echo(message)


def edit(
    ctx: typer.Context,
    claim_id: ClaimId,
    text: Annotated[str | None, typer.Option(help="The corrected claim text.")] = None,
    claimant: Annotated[str | None, typer.Option(help="The corrected claimant.")] = None,
    claim_date: Annotated[
        str | None, typer.Option("--claim-date", help="The corrected claim date (YYYY-MM-DD).")
    ] = None,
    tags: Annotated[list[str] | None, typer.Option("--tag", help="Add a tag; repeatable.")] = None,
    untags: Annotated[
        list[str] | None, typer.Option("--untag", help="Remove a tag; repeatable.")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why, for the history.")] = None,
    expect_version: Annotated[
        int | None,
        typer.Option(help="Refuse unless the claim is still at this version (see `show`)."),
    ] = None,
    allow_duplicate: Annotated[
        bool, typer.Option(help="Accept a text that another claim already has.")
    ] = False,
) -> None:
    """Correct a claim; the history keeps the values before and after."""
    from factdb.config import current_actor
    from factdb.errors import InvalidInputError
    from factdb.schemas.claims import ClaimUpdate
    from factdb.services.claims.editing import edit_claim

    if text is None and claimant is None and claim_date is None and not (tags or untags):
        raise InvalidInputError(
            "give at least one change (--text, --claimant, --claim-date, --tag, --untag)"
        )
    changes = ClaimUpdate.model_validate(
        {
            "text": text,
            "claimant": {"name": claimant} if claimant is not None else None,
            "claim_date": claim_date,
            "add_tags": tags or [],
            "remove_tags": untags or [],
            "reason": reason,
            "expect_version": expect_version,
        }
    )
    with unit_of_work(ctx) as session:
        changed = edit_claim(
            session=session,
            claim_id=claim_id,
            changes=changes,
            actor=current_actor(),
            allow_duplicate=allow_duplicate,
        )
    fields = ", ".join(changed) if changed else "nothing (it already says that)"
    typer.echo(f"claim {claim_id}: changed {fields}")


def delete(
    ctx: typer.Context,
    claim_id: ClaimId,
    reason: Annotated[str, typer.Option(help="Why it is deleted, for the history.")],
    expect_version: Annotated[
        int | None, typer.Option(help="Refuse unless the claim is still at this version.")
    ] = None,
) -> None:
    """Hide a claim from listings and exports (a soft delete: it stays in the history)."""
    from factdb.config import current_actor
    from factdb.services.claims.editing import delete_claim

    why = _validated_reason(reason)
    with unit_of_work(ctx) as session:
        delete_claim(
            session=session,
            claim_id=claim_id,
            reason=why,
            actor=current_actor(),
            expect_version=expect_version,
        )
    typer.echo(f"claim {claim_id} deleted; `factdb restore {claim_id}` brings it back")


def restore(
    ctx: typer.Context,
    claim_id: ClaimId,
    reason: Annotated[str | None, typer.Option(help="Why, for the history.")] = None,
) -> None:
    """Bring a deleted claim back."""
    from factdb.config import current_actor
    from factdb.services.claims.editing import restore_claim

    why = _validated_reason(reason) if reason is not None else None
    with unit_of_work(ctx) as session:
        restore_claim(session=session, claim_id=claim_id, reason=why, actor=current_actor())
    typer.echo(f"claim {claim_id} restored")


def _validated_reason(reason: str) -> str:
    from pydantic import TypeAdapter, ValidationError

    from factdb.errors import InvalidInputError
    from factdb.schemas.types import Note

    try:
        value: str = TypeAdapter(Note).validate_python(reason)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInputError(f"reason: {message}") from None
    return value
