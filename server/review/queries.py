"""The queries of review: open conflicts. Nothing here commits."""

from collections.abc import Iterable

from sqlalchemy import func, select

from server.extensions import db
from server.models import Area, Conflict, Household, SignIn, User


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


def households_with_open_conflicts(
    township_ids: Iterable[int], village_ids: Iterable[int], *, offset: int, limit: int
) -> tuple[int, list[str]]:
    """(how many households in these townships and villages have an open conflict, the ids of
    one page of them, the longest waiting first)."""
    waiting = (
        select(Conflict.household_id, func.min(Conflict.id).label("first"))
        .join(Household, Household.id == Conflict.household_id)
        .where(
            Conflict.resolved_at.is_(None),
            Conflict.township_id.in_(list(township_ids)),
            Household.village_id.in_(list(village_ids)),
        )
        .group_by(Conflict.household_id)
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(waiting))
    ids = db.session.scalars(
        select(waiting.c.household_id).order_by(waiting.c.first).offset(offset).limit(limit)
    )
    return total, list(ids)


def open_conflicts_of(household_ids: list[str]) -> list[Conflict]:
    if not household_ids:
        return []
    return list(
        db.session.scalars(
            select(Conflict)
            .where(Conflict.resolved_at.is_(None), Conflict.household_id.in_(household_ids))
            .order_by(Conflict.household_id, Conflict.id)
        )
    )


def households_for_conflicts(household_ids: Iterable[str]) -> dict[str, Household]:
    """The households (document, version, names, village) the conflicts belong to, by id."""
    ids = list(set(household_ids))
    if not ids:
        return {}
    return {h.id: h for h in db.session.scalars(select(Household).where(Household.id.in_(ids)))}


def user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in set(user_ids) if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def device_labels(device_ids: Iterable[str | None]) -> dict[str, str]:
    """What each device called itself when it last signed in ("Android · Chrome")."""
    ids = [i for i in set(device_ids) if i]
    if not ids:
        return {}
    rows = db.session.execute(
        select(SignIn.device_id, SignIn.device_label)
        .where(SignIn.device_id.in_(ids), SignIn.device_label.is_not(None))
        .order_by(SignIn.created_at)
    )
    return {device_id: label for device_id, label in rows}  # the latest sign-in's label wins


def area_names(area_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(area_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(ids))).all())
