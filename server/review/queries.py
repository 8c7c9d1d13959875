"""The queries of review: open conflicts, what a bulk decision reads, a household's history and
its versions' documents. Nothing here commits."""

from collections.abc import Iterable

from sqlalchemy import false, func, select

from server.core.bulk import Parsed, among
from server.extensions import db
from server.models import Area, Conflict, Household, Revision, SignIn, User


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


def history(household_id: str) -> list:
    """Every revision of a household, oldest first, without its document: version, kind, when,
    who (name and role), which device (and the label its sign-in gave it), what changed, note."""
    device_label = (
        select(SignIn.device_label)
        .where(SignIn.user_id == Revision.author_id, SignIn.device_id == Revision.device_id)
        .order_by(SignIn.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Revision.version,
            Revision.base_version,
            Revision.kind,
            Revision.author_id,
            Revision.device_id,
            Revision.changes,
            Revision.note,
            Revision.created_at,
            User.name.label("author_name"),
            User.role.label("author_role"),
            device_label.label("device_label"),
        )
        .outerjoin(User, User.id == Revision.author_id)
        .where(Revision.household_id == household_id)
        .order_by(Revision.version)
    )
    return list(db.session.execute(query))


def documents(household_id: str, low: int, high: int) -> list[tuple[int, dict]]:
    """[(version, document), ...] of the versions low..high of a household, oldest first."""
    query = (
        select(Revision.version, Parsed(Revision.document).label("document"))
        .where(
            Revision.household_id == household_id,
            Revision.version >= low,
            Revision.version <= high,
        )
        .order_by(Revision.version)
    )
    return [(row.version, row.document) for row in db.session.execute(query)]


def review_rows(household_ids: list[str], village_ids) -> list:
    """(id, review state, open conflict, error count) of the live households among
    `household_ids` in these villages: what a bulk decision classifies."""
    hh = Household.__table__
    query = select(hh.c.id, hh.c.review_state, hh.c.conflict_open, hh.c.error_count).where(
        among(hh.c.id, household_ids),
        hh.c.village_id.in_(sorted(village_ids)),
        hh.c.deleted.is_(false()),
    )
    return list(db.session.execute(query))


def quality_counts(household_ids: list[str]) -> dict[str, tuple[int, int]]:
    """{id: (the stored error count, warning count)} of these households."""
    hh = Household.__table__
    query = select(hh.c.id, hh.c.error_count, hh.c.warning_count).where(
        among(hh.c.id, household_ids)
    )
    return {row.id: (row.error_count, row.warning_count) for row in db.session.execute(query)}


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
