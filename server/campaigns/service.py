"""What the county office does with campaigns: create one, edit it, copy last year's.

Every write is checked whole by the domain's rules (server/domain/campaigns.py) before anything is
written, and a campaign's area must lie inside the county's own. Changing a campaign's lines
recomputes its households' verdicts: `update` says so, and the caller queues the job
(tasks.start_recompute) once the campaign is saved.
"""

from sqlalchemy import func, select

from server.campaigns import queries
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.domain import campaigns as rules
from server.domain.roles import COUNTY
from server.extensions import db
from server.identity.access import scope_areas
from server.models import Area, Campaign, Household, User

EDITABLE = (
    "name",
    "kind",
    "year",
    "area_id",
    "period_start",
    "period_end",
    "lines",
    "stages",
    "report_states",
    "active",
)


def _county(user: User) -> None:
    if user.role != COUNTY:
        raise ApiError(403, "只有县级管理员可以管理调查轮次", "forbidden_role")


def in_scope(user: User, area: Area | None) -> bool:
    """Whether `area` lies inside one of the areas the user is assigned."""
    return area is not None and any(area.path.startswith(r.path) for r in scope_areas(user))


def area_choices(user: User) -> list[Area]:
    """The areas a county user may give a campaign: its own and the townships under them."""
    roots = scope_areas(user)
    if not roots:
        return []
    query = select(Area).where(
        Area.level.in_(("county", "township")),
        db.or_(*[Area.path.startswith(r.path) for r in roots]),
    )
    return list(db.session.scalars(query.order_by(Area.code)))


def visible(user: User) -> list[Campaign]:
    """The campaigns of the user's areas (and those whose area holds them), newest first."""
    roots = scope_areas(user)
    out = []
    for c in queries.all_campaigns():
        area = db.session.get(Area, c.area_id)
        if area and any(
            area.path.startswith(r.path) or r.path.startswith(area.path) for r in roots
        ):
            out.append(c)
    return sorted(out, key=lambda c: (-c.year, -c.id))


def require(user: User, campaign_id: int) -> Campaign:
    """The campaign, if the county user may manage it (404 otherwise)."""
    _county(user)
    campaign = queries.get_campaign(campaign_id)
    if campaign is None or not in_scope(user, db.session.get(Area, campaign.area_id)):
        raise ApiError(404, "未找到该调查轮次", "not_found")
    return campaign


def _checked(user: User, raw: dict) -> dict:
    try:
        values = rules.validate(raw)
    except rules.CampaignInvalid as e:
        raise ApiError(422, "调查轮次填写有误", "invalid", e.fields) from None
    if not in_scope(user, db.session.get(Area, values["area_id"])):
        fields = {"area_id": ["该地区不在您的管理范围内"]}
        raise ApiError(422, "调查轮次填写有误", "invalid", fields)
    return values


def create(user: User, raw: dict) -> int:
    """The new campaign's id. `raw` may name the campaign it copies (`source_campaign_id`)."""
    _county(user)
    values = _checked(user, raw)
    source = raw.get("source_campaign_id")
    if source not in (None, ""):
        source_id = rules.integer(source)
        if source_id is None or queries.get_campaign(source_id) is None:
            fields = {"source_campaign_id": ["所复制的调查轮次不存在"]}
            raise ApiError(422, "调查轮次填写有误", "invalid", fields)
        source = require(user, source_id).id
    else:
        source = None
    with write_transaction():
        campaign = Campaign(form_id="annex1", source_campaign_id=source, **values)
        db.session.add(campaign)
        db.session.flush()
        campaign_id = campaign.id
    return campaign_id


def update(user: User, campaign_id: int, raw: dict) -> bool:
    """Save the campaign; whether its lines changed (then its verdicts are to be recomputed:
    tasks.start_recompute)."""
    require(user, campaign_id)
    values = _checked(user, raw)
    with write_transaction():
        campaign = db.session.get(Campaign, campaign_id)
        lines_before = campaign.lines or []
        for name in EDITABLE:
            setattr(campaign, name, values[name])
    return values["lines"] != lines_before


def next_year_draft(user: User, campaign_id: int) -> dict:
    """ "Copy last year's": the chosen campaign a year on, for the county to check and save."""
    c = require(user, campaign_id)
    return rules.next_year(
        {name: getattr(c, name) for name in ("id", *EDITABLE)} | {"report_states": c.report_states}
    )


def household_counts(campaign_ids: list[int]) -> dict[int, int]:
    """{campaign id: its live households}, in one query."""
    if not campaign_ids:
        return {}
    query = (
        select(Household.campaign_id, func.count())
        .where(Household.campaign_id.in_(campaign_ids), Household.deleted.is_(False))
        .group_by(Household.campaign_id)
    )
    return dict(db.session.execute(query).all())
