"""The villages page: the township submits a village's totals, the county accepts them or sends
them back; one page per village shows the signed totals beside the live ones, and the history."""

from flask import flash, g, redirect, request, url_for
from sqlalchemy import select

from server.campaigns import service as campaigns
from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, page, render, when
from server.domain.roles import COUNTY, REVIEWER
from server.extensions import db
from server.identity.access import visible_township_ids
from server.models import Area, User
from server.review import villages
from server.review.village_totals import UNDECIDED_LABELS

add_menu("村级上报", "desk.villages_page", (REVIEWER, COUNTY), 40)

STEP_LABELS = {
    "submit": "乡镇上报",
    "accept": "县级确认",
    "reaccept": "县级重新确认",
    "return": "县级退回",
}


def _campaign_choices():
    return campaigns.visible(g.user)


def _chosen_campaign(choices) -> int | None:
    wanted = request.values.get("campaign", type=int)
    ids = [c.id for c in choices]
    if wanted in ids:
        return wanted
    active = [c for c in choices if c.active]
    return (active or choices)[0].id if choices else None


def _names(rows: list[dict]) -> dict[int, str]:
    """The names of the people who submitted and decided, read once for the page."""
    ids = set()
    for row in rows:
        s = row["submission"] or {}
        ids.update(i for i in (s.get("submitted_by"), s.get("decided_by")) if i)
        ids.update(step.get("by") for step in s.get("history", []) if step.get("by"))
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _list_page(status: int = 200, errors: dict | None = None, typed: dict | None = None):
    choices = _campaign_choices()
    campaign_id = _chosen_campaign(choices)
    townships = sorted(
        db.session.scalars(select(Area).where(Area.id.in_(visible_township_ids(g.user)))),
        key=lambda a: a.code,
    )
    township = request.values.get("township", type=int)
    if township not in {t.id for t in townships}:
        township = None
    rows = villages.overview(g.user, campaign_id, township) if campaign_id else []
    show = request.values.get("show") if request.values.get("show") in villages.SHOW else ""
    totals = {
        "villages": len(rows),
        "accepted": sum(r["state"] == "accepted" and not r["needs_reacceptance"] for r in rows),
        "waiting": sum(r["state"] == "submitted" or r["needs_reacceptance"] for r in rows),
        "ready": sum(
            r["can_submit"] or (r["state"] in (None, "returned") and not r["blocking"])
            for r in rows
        ),
        "returned": sum(r["state"] == "returned" for r in rows),
    }
    html = render(
        "desk/villages.html",
        show=show,
        shows=villages.SHOW,
        campaigns=choices,
        campaign_id=campaign_id,
        townships=townships,
        township=township,
        rows=[r for r in rows if not show or villages.SHOW[show][1](r)],
        totals=totals,
        names=_names(rows),
        errors=errors or {},
        typed=typed or {},
    )
    return html, status


@bp.get("/villages")
@page(REVIEWER, COUNTY)
def villages_page():
    return _list_page()


def _back(campaign_id: int):
    """To the list as it was filtered; its message at the top says which village was done."""
    township = request.form.get("township") or None
    show = request.form.get("show") or None
    target = url_for("desk.villages_page", campaign=campaign_id, township=township, show=show)
    return redirect(target, 303)


def _flash_or_raise(e: ApiError) -> None:
    """A village not ready (or no longer in that state) is said at the top of the list; a village
    or campaign the user may not touch gets the refusal page with its status."""
    if e.status != 409:
        raise e
    flash(e.message, "error")


def _village_name(village_id: int) -> str:
    area = db.session.get(Area, village_id)
    return area.name if area else ""


# The villages' pages name it `local_minute`: the desk's one clock (pages.when) under that name.
bp.add_app_template_filter(when, "local_minute")


@bp.post("/villages/<int:campaign_id>/<int:village_id>/submit")
@page(REVIEWER)
def village_submit(campaign_id: int, village_id: int):
    try:
        out = villages.submit(g.user, campaign_id, village_id)
    except ApiError as e:
        _flash_or_raise(e)
    else:
        flash(
            f"已上报：{out['snapshot']['households']} 户、{out['snapshot']['people']} 人", "success"
        )
    return _back(campaign_id)


@bp.post("/villages/<int:campaign_id>/<int:village_id>/accept")
@page(COUNTY)
def village_accept(campaign_id: int, village_id: int):
    try:
        out = villages.accept(g.user, campaign_id, village_id)
    except ApiError as e:
        _flash_or_raise(e)
    else:
        name, n = _village_name(village_id), out["accepted_records"]
        flash(f"{name}已确认，{n} 户记录已锁定，汇总数已签署", "success")
    return _back(campaign_id)


@bp.post("/villages/<int:campaign_id>/<int:village_id>/return")
@page(COUNTY)
def village_return(campaign_id: int, village_id: int):
    note = (request.form.get("note") or "")[:1000]
    try:
        villages.send_back(g.user, campaign_id, village_id, note)
    except ApiError as e:
        if e.status != 422:
            _flash_or_raise(e)
            return _back(campaign_id)
        message = "；".join((e.fields or {}).get("note", [e.message]))
        return _list_page(422, errors={village_id: message}, typed={village_id: note})
    flash(f"{_village_name(village_id)}已退回乡镇，原因已告知", "success")
    return _back(campaign_id)


@bp.get("/villages/<int:campaign_id>/<int:village_id>")
@page(REVIEWER, COUNTY)
def village_detail(campaign_id: int, village_id: int):
    if campaign_id not in {c.id for c in _campaign_choices()}:
        raise ApiError(404, "未找到该调查轮次", "not_found")
    row = villages.detail(g.user, campaign_id, village_id)
    signed = (row["submission"] or {}).get("snapshot") or {}
    causes = list(dict.fromkeys([*row["live"]["causes"], *signed.get("causes", {})]))
    return render(
        "desk/village.html",
        row=row,
        causes=causes,
        names=_names([row]),
        steps=STEP_LABELS,
        undecided=UNDECIDED_LABELS,
    )
