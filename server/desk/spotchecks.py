"""Spot checks (抽查): pick a village, draw its sample, record each check, see the share done.

The township checks at least 20% of a village's households, the county at least 10%. The sample
is drawn by `server.review.spotchecks`, reproducibly; this page lists the villages of the user's
area with where each stands, and one village's checks with a form per household.
"""

from flask import flash, g, redirect, request, url_for

from server.campaigns import queries as campaigns
from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.roles import COUNTY, REVIEWER
from server.identity.access import area_tree
from server.review import spotchecks

add_menu("抽查", "desk.spot_checks", (REVIEWER, COUNTY), 50)


def _villages() -> list[dict]:
    """The user's villages under their townships: [{name, villages: [{id, name}]}]."""
    out = []

    def walk(nodes, township=None):
        for node in nodes:
            if node["level"] == "township":
                out.append({"name": node["name"], "villages": []})
                walk(node["children"], out[-1])
            elif node["level"] == "village" and township is not None:
                township["villages"].append({"id": node["id"], "name": node["name"]})
            else:
                walk(node["children"], township)

    walk(area_tree(g.user))
    return out


def _int_arg(name: str) -> int | None:
    value = request.values.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _campaign_id(choices) -> int | None:
    wanted = _int_arg("campaign")
    ids = [c.id for c in choices]
    return wanted if wanted in ids else (ids[0] if ids else None)


def _page(status: int = 200, error: ApiError | None = None):
    choices = campaigns.active_campaigns()
    campaign_id = _campaign_id(choices)
    townships = _villages()
    village_ids = [v["id"] for t in townships for v in t["villages"]]
    village_id = _int_arg("village")
    if village_id not in village_ids:
        village_id = None
    overview = {}
    if campaign_id and village_id is None:
        overview = spotchecks.overview(g.user, campaign_id, village_ids)
    current = spotchecks.status(g.user, campaign_id, village_id) if village_id else None
    html = render(
        "desk/spotchecks.html",
        campaigns=choices,
        campaign_id=campaign_id,
        townships=townships,
        village_id=village_id,
        overview=overview,
        current=current.as_dict() if current else None,
        level=spotchecks.level_of(g.user),
        level_label=spotchecks.LEVEL_LABELS[spotchecks.level_of(g.user)],
        share=spotchecks.LEVELS[spotchecks.level_of(g.user)][1],
        results=spotchecks.RESULTS,
        error=error,
    )
    return html, status


@bp.get("/spotchecks")
@page(REVIEWER, COUNTY)
def spot_checks():
    return _page()


def _here():
    return redirect(
        url_for("desk.spot_checks", campaign=_int_arg("campaign"), village=_int_arg("village")), 303
    )


@bp.post("/spotchecks/draw")
@page(REVIEWER, COUNTY)
def draw_spot_checks():
    campaign_id, village_id = _int_arg("campaign"), _int_arg("village")
    if campaign_id is None or village_id is None:
        raise ApiError(422, "请选择调查轮次和村", "invalid", {"village": ["请选择村"]})
    drawn = spotchecks.draw_sample(g.user, campaign_id, village_id)
    flash(f"已抽取 {drawn.as_dict()['drawn']} 户", "success")
    return _here()


@bp.post("/spotchecks/result")
@page(REVIEWER, COUNTY)
def record_spot_check():
    try:
        spotchecks.record(
            g.user,
            request.form.get("household_id", "")[:36],
            request.form.get("result", ""),
            request.form.get("note", "")[:200],
        )
    except ApiError as e:
        if e.status in (403, 404):
            raise
        return _page(e.status, e)
    flash("已记录抽查结果", "success")
    return _here()
