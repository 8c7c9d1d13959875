"""Who sees what: every household belongs to a village, and every user to some areas.

A surveyor sees the villages assigned (or every village under an assigned township); a township
reviewer the villages of the township; the county office the county it is assigned. Scope fails
closed: an account assigned no area sees nothing, and an administrator, who manages accounts and
not records, sees no household at all.
"""

from flask import g
from sqlalchemy import or_, select

from server.core.errors import ApiError
from server.domain.roles import ADMIN
from server.extensions import db
from server.models import Area, Household, User


def scope_areas(user: User) -> list[Area]:
    """The roots of what `user` sees: the assigned areas; none for an administrator."""
    if user.role == ADMIN:
        return []
    return list(user.areas)


def visible_village_ids(user: User) -> frozenset[int]:
    """The villages a user may see and edit; computed once per request."""
    cache = g.setdefault("_villages", {})
    if user.id in cache:
        return cache[user.id]
    roots = scope_areas(user)
    if not roots:
        ids: frozenset[int] = frozenset()
    else:
        ids = frozenset(
            db.session.scalars(
                select(Area.id).where(
                    Area.level == "village",
                    or_(*[Area.path.startswith(root.path) for root in roots]),
                )
            )
        )
    cache[user.id] = ids
    return ids


def visible_township_ids(user: User) -> frozenset[int]:
    villages = visible_village_ids(user)
    if not villages:
        return frozenset()
    return frozenset(
        db.session.scalars(select(Area.parent_id).where(Area.id.in_(villages)).distinct())
    )


def require_village(user: User, village_id: int) -> None:
    if village_id not in visible_village_ids(user):
        raise ApiError(403, "该村不在您的负责范围内", "forbidden_area")


def require_household(user: User, household: Household | None) -> Household:
    """404 for a household that does not exist or that this user may not know exists."""
    if household is None or household.village_id not in visible_village_ids(user):
        raise ApiError(404, "未找到该户", "not_found")
    return household


def area_tree(user: User) -> list[dict]:
    """The areas `user` sees, as a tree under its assigned roots."""
    roots = scope_areas(user)
    if not roots:
        return []
    return _tree(
        db.session.scalars(
            select(Area)
            .where(or_(*[Area.path.startswith(root.path) for root in roots]))
            .order_by(Area.code)
        ).all()
    )


def whole_tree() -> list[dict]:
    """Every area: what an administrator assigns accounts to."""
    return _tree(db.session.scalars(select(Area).order_by(Area.code)).all())


def _tree(rows: list[Area]) -> list[dict]:
    nodes = {
        a.id: {"id": a.id, "code": a.code, "name": a.name, "level": a.level, "children": []}
        for a in rows
    }
    tops = []
    for a in rows:
        if a.parent_id in nodes:
            nodes[a.parent_id]["children"].append(nodes[a.id])
        else:
            tops.append(nodes[a.id])
    # A surveyor assigned a village also needs its township's name and the village's groups.
    return tops
