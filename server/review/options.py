"""What the review queue's filter form offers a user: campaigns, villages, groups, surveyors,
lines."""

from sqlalchemy import or_, select

from server.campaigns import queries as campaigns
from server.domain.roles import SURVEYOR
from server.extensions import db
from server.identity.access import visible_village_ids
from server.models import Area, User, UserArea
from server.review.filters import HH, Filters, Scope, scope_of


def options(user: User, filters: Filters) -> dict:
    """The choices of the queue's filters for this user: campaigns, villages, groups, surveyors,
    lines."""
    scope = scope_of(user, Filters(campaign=filters.campaign))
    villages = visible_village_ids(user)
    village_rows = []
    if villages:
        township = Area.__table__.alias("township")
        village_rows = db.session.execute(
            select(Area.id, Area.name, township.c.name.label("township"))
            .join(township, township.c.id == Area.parent_id)
            .where(Area.id.in_(sorted(villages)))
            .order_by(township.c.code, Area.code)
        ).all()
    return {
        "campaigns": campaigns.active_campaigns(),
        "campaign": scope.campaign,
        "villages": [{"id": v.id, "name": v.name, "township": v.township} for v in village_rows],
        "groups": list(
            dict.fromkeys(
                [
                    *groups(scope, filters.village if filters.village in villages else None),
                    *([filters.group] if filters.group else []),
                ]
            )
        ),
        "surveyors": surveyors(villages),
        "lines": scope.lines,
    }


def groups(scope: Scope, village: int | None) -> list[str]:
    """The group names to filter by: the groups of the area tree under the villages, and, for
    one village, also those its households name (a group is typed on the phone)."""
    villages = [village] if village is not None else sorted(scope.villages)
    if not villages:
        return []
    names = list(
        db.session.scalars(
            select(Area.name)
            .where(Area.level == "group", Area.parent_id.in_(villages))
            .order_by(Area.code)
        )
    )
    if village is not None and scope.campaign is not None:
        typed = db.session.scalars(
            select(HH.c.group_name)
            .where(
                HH.c.campaign_id == scope.campaign.id,
                HH.c.village_id == village,
                HH.c.group_name.is_not(None),
            )
            .distinct()
            .order_by(HH.c.group_name)
        )
        names += list(typed)
    return list(dict.fromkeys(names))


def surveyors(villages: frozenset[int]) -> list[dict]:
    """The surveyors assigned to any of these villages or to their townships."""
    if not villages:
        return []
    townships = select(Area.parent_id).where(Area.id.in_(sorted(villages)))
    rows = db.session.execute(
        select(User.id, User.name, User.username)
        .join(UserArea, UserArea.user_id == User.id)
        .where(
            User.role == SURVEYOR,
            or_(UserArea.area_id.in_(sorted(villages)), UserArea.area_id.in_(townships)),
        )
        .distinct()
        .order_by(User.name, User.id)
    ).all()
    return [{"id": r.id, "name": r.name, "username": r.username} for r in rows]
