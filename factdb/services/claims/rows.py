"""A claim's row by id, plain or locked for a change.

Apart from ``claims_query`` so that the commands that change one claim (``verify`` above all)
load neither the claim schemas nor the query builders they have no use for.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.errors import Action, ConflictError, Hint, NotFoundError
from factdb.models import Claim


def get_claim_row(*, session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    return claim


def lock_claim_for_change(*, session: Session, claim_id: int) -> Claim:
    """The claim, locked until the transaction ends, so concurrent changes queue up behind it.

    PostgreSQL takes a row lock (SELECT … FOR UPDATE); a SQLite write transaction is already
    exclusive. A deleted claim is refused: it must be restored before it changes again.
    """
    claim = session.scalar(
        select(Claim)
        .where(Claim.id == claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if claim is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    if claim.deleted_at is not None:
        raise ConflictError(
            f"claim {claim_id} is deleted",
            hints=[Hint.about_claim(Action.RESTORE_CLAIM, claim_id)],
        )
    return claim
