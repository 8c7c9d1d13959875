"""The queries of review: open conflicts. Nothing here commits."""

from collections.abc import Iterable

from sqlalchemy import func, select

from server.extensions import db
from server.models import Conflict, Household


def open_conflicts(
    *,
    household_id: str | None = None,
    township_ids: Iterable[int] | None = None,
    village_ids: Iterable[int] | None = None,
    limit: int = 500,
) -> list[Conflict]:
    query = select(Conflict).where(Conflict.resolved_at.is_(None))
    if household_id is not None:
        query = query.where(Conflict.household_id == household_id)
    if township_ids is not None:
        query = query.where(Conflict.township_id.in_(list(township_ids)))
    if village_ids is not None:  # a surveyor's township holds villages not assigned to them
        query = query.join(Household, Household.id == Conflict.household_id).where(
            Household.village_id.in_(list(village_ids))
        )
    return list(db.session.scalars(query.order_by(Conflict.id).limit(limit)))


def count_open_conflicts(household_id: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Conflict)
        .where(Conflict.household_id == household_id, Conflict.resolved_at.is_(None))
    )
