"""Each claim's newest review, in one query for many claims.

The newest review sets a claim's status, and the CSV export shows its label; both ask for it
per batch of claims, so it is one window query (``NEWEST_REVIEW_FIRST`` decides) rather than
one query per claim.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import QueryableAttribute

from factdb.models import NEWEST_REVIEW_FIRST, Review


def newest_reviews(
    *columns: QueryableAttribute[Any], where: ColumnElement[bool], counted: bool = False
) -> Select[Any]:
    """Rows of ``claim_id``, the ``columns`` asked for of each claim's newest review among the
    reviews ``where`` selects, and (``counted``) ``reviews``: how many of them the claim has."""
    extra = [func.count().over(partition_by=Review.claim_id).label("reviews")] if counted else []
    ranked = (
        select(
            Review.claim_id,
            *columns,
            *extra,
            func.row_number()
            .over(partition_by=Review.claim_id, order_by=NEWEST_REVIEW_FIRST)
            .label("rank"),
        )
        .where(where)
        .subquery()
    )
    wanted = [column for column in ranked.c if column.name != "rank"]
    return select(*wanted).where(ranked.c.rank == 1)
