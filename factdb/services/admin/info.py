"""What a database holds, for ``factdb info``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.db import mask_url
from factdb.models import Appearance, Base, Claim, Claimant, Review, Source
from factdb.schemas.report import DatabaseInfo
from factdb.services.admin.schema import schema_head, stored_revision

_COUNTED: dict[str, type[Base]] = {
    "claims": Claim,
    "sources": Source,
    "claimants": Claimant,
    "appearances": Appearance,
    "reviews": Review,
}


def database_info(*, session: Session) -> DatabaseInfo:
    engine = session.connection().engine
    url = engine.url.render_as_string(hide_password=False)
    counts = {
        name: session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in _COUNTED.items()
    }
    status_counts = session.execute(
        select(Claim.status, func.count().label("claims"))
        .group_by(Claim.status)
        .order_by(Claim.status)
    )
    statuses = {str(row.status): int(row.claims) for row in status_counts}
    return DatabaseInfo(
        database=mask_url(url),
        dialect=engine.dialect.name,
        revision=stored_revision(engine=engine),
        head=schema_head(),
        counts=counts,
        statuses=statuses,
    )
