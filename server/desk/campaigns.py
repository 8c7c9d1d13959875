"""The campaigns pages (county): the list, a campaign's form (new, copied from last year's, or
edited), recomputing its verdicts and starting it by carrying its families forward.

The form is plain HTML: each line and stage is a row of inputs named `lines-<n>-<field>`, with
empty rows to add more and a box to remove one. What the county typed comes back with the
domain's messages beside the fields when the rules refuse it (422), and nothing is written.
"""

from datetime import UTC, datetime, timedelta

from flask import flash, g, redirect, request, url_for

from server.campaigns import service, tasks
from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.campaigns import (
    COMPARISON_WORDS,
    DEFAULT_REPORT_STATES,
    KINDS,
    MAX_LINES,
    MAX_STAGES,
    PURPOSES,
)
from server.domain.roles import COUNTY
from server.domain.workflow import STATES
from server.extensions import db
from server.models import Campaign

add_menu("调查轮次", "desk.campaigns", (COUNTY,), 60)

BLANK_ROWS = 2
TASK_LABELS = {"recompute": "重算裁定", "carry": "结转农户"}


@bp.get("/campaigns")
@page(COUNTY)
def campaigns():
    rows = service.visible(g.user)
    areas = {a.id: a.name for a in service.area_choices(g.user)}
    return render(
        "desk/campaigns.html",
        campaigns=rows,
        areas=areas,
        counts=service.household_counts([c.id for c in rows]),
        purposes=PURPOSES,
        tasks=TASK_LABELS,
    )


def _form_values(campaign=None) -> dict:
    """A campaign (or a draft dict) as the form shows it."""
    if campaign is None:
        return {
            "lines": [],
            "stages": [],
            "report_states": list(DEFAULT_REPORT_STATES),
            "active": True,
        }
    get = campaign.get if isinstance(campaign, dict) else lambda k: getattr(campaign, k)
    values = {k: get(k) for k in service.EDITABLE}
    values["report_states"] = values["report_states"] or list(DEFAULT_REPORT_STATES)
    for key in ("period_start", "period_end"):
        value = values[key]
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def _rows(prefix: str, names: tuple[str, ...], limit: int) -> list[dict]:
    """The rows of a repeated part of the form, without the empty ones and those ticked off."""
    out = []
    for i in range(limit + BLANK_ROWS + 20):
        row = {n: (request.form.get(f"{prefix}-{i}-{n}") or "").strip() for n in names}
        if request.form.get(f"{prefix}-{i}-remove") or not any(row.values()):
            continue
        out.append(row)
    return out


def _typed() -> dict:
    """What the form sent, in the shape the campaign's rules read."""
    lines = _rows("lines", ("label", "amount", "comparison", "purpose", "key"), MAX_LINES)
    for line in lines:
        if not (line["label"] or line["amount"]) and line["purpose"] == "statistic":
            line.clear()
    return {
        "name": request.form.get("name", "")[:200],
        "kind": request.form.get("kind", ""),
        "year": request.form.get("year", ""),
        "area_id": request.form.get("area_id", ""),
        "period_start": request.form.get("period_start", ""),
        "period_end": request.form.get("period_end", ""),
        "lines": [line for line in lines if line],
        "stages": _rows("stages", ("name", "due"), MAX_STAGES),
        "report_states": request.form.getlist("report_states"),
        "active": request.form.get("active") == "1",
        "source_campaign_id": request.form.get("source_campaign_id") or None,
    }


def _form(values: dict, campaign=None, errors=None, status=200):
    others = [c for c in service.visible(g.user) if campaign is None or c.id != campaign.id]
    progress = campaign.progress if campaign is not None else None
    html = render(
        "desk/campaign_form.html",
        campaign=campaign,
        values=values,
        errors=errors or {},
        kinds=KINDS,
        comparisons=COMPARISON_WORDS,
        purposes=PURPOSES,
        states=STATES,
        areas=service.area_choices(g.user),
        blank=BLANK_ROWS,
        others=others,
        default_source=_default_source(campaign, others),
        households=service.household_counts([campaign.id]).get(campaign.id, 0) if campaign else 0,
        progress=progress,
        tasks=TASK_LABELS,
        running=_running(progress),
    )
    return html, status


def _running(progress: dict | None) -> bool:
    """Whether a task is queued or running now: a batch was recorded in the last two minutes (a
    run whose worker was stopped stays "running" in the record, and is shown as stopped)."""
    if not progress or progress.get("state") not in ("queued", "running"):
        return False
    if progress["state"] == "queued":
        return True
    at = datetime.fromisoformat(progress["at"])
    return datetime.now(UTC) - at < timedelta(minutes=2)


def _default_source(campaign, others) -> int | None:
    """The campaign to carry families from: the one it was copied from, else the latest before."""
    if campaign is None:
        return None
    if campaign.source_campaign_id:
        return campaign.source_campaign_id
    earlier = [c for c in others if c.year < campaign.year]
    return earlier[0].id if earlier else None


@bp.get("/campaigns/new")
@page(COUNTY)
def campaign_new():
    copy_of = request.args.get("copy", type=int)
    values = _form_values(service.next_year_draft(g.user, copy_of) if copy_of else None)
    if copy_of:
        values["source_campaign_id"] = copy_of
    return _form(values)


@bp.post("/campaigns/new")
@page(COUNTY)
def campaign_create():
    typed = _typed()
    try:
        campaign_id = service.create(g.user, typed)
    except ApiError as e:
        if e.status != 422:
            raise
        return _form(typed, errors=e.fields, status=422)
    flash("已创建调查轮次。开始本轮前，可从上一轮结转农户。", "success")
    return redirect(url_for("desk.campaign_edit", campaign_id=campaign_id), 303)


@bp.get("/campaigns/<int:campaign_id>")
@page(COUNTY)
def campaign_edit(campaign_id: int):
    campaign = service.require(g.user, campaign_id)
    return _form(_form_values(campaign), campaign)


@bp.post("/campaigns/<int:campaign_id>")
@page(COUNTY)
def campaign_update(campaign_id: int):
    typed = _typed()
    try:
        changed = service.update(g.user, campaign_id, typed)
    except ApiError as e:
        if e.status != 422:
            raise
        return _form(typed, db.session.get(Campaign, campaign_id), errors=e.fields, status=422)
    if not changed:
        flash("已保存", "success")
    else:
        _flash_task(tasks.start_recompute(campaign_id), "已保存。收入线有变化，")
    return redirect(url_for("desk.campaign_edit", campaign_id=campaign_id), 303)


@bp.post("/campaigns/<int:campaign_id>/recompute")
@page(COUNTY)
def campaign_recompute(campaign_id: int):
    service.require(g.user, campaign_id)
    _flash_task(tasks.start_recompute(campaign_id))
    return redirect(url_for("desk.campaign_edit", campaign_id=campaign_id), 303)


@bp.post("/campaigns/<int:campaign_id>/carry-forward")
@page(COUNTY)
def campaign_carry(campaign_id: int):
    source = request.form.get("source_campaign_id", type=int)
    if source is None:
        flash("请选择从哪一轮结转", "error")
        return redirect(url_for("desk.campaign_edit", campaign_id=campaign_id), 303)
    try:
        progress = tasks.start_carry(g.user, campaign_id, source)
    except ApiError as e:
        flash(e.message if not e.fields else "；".join(sum(e.fields.values(), [])), "error")
    else:
        _flash_task(progress)
    return redirect(url_for("desk.campaign_edit", campaign_id=campaign_id), 303)


def _flash_task(progress: dict, before: str = "") -> None:
    """What the county is told once a task is queued: its outcome when it is done already (a
    small campaign, or an immediate queue), else that it runs and the page shows its progress."""
    state, task = progress["state"], progress["task"]
    if state == "failed":
        flash(f"{before}{TASK_LABELS[task]}未能完成：{progress.get('error', '')}", "error")
    elif state != "done":
        flash(f"{before}正在后台{TASK_LABELS[task]}，进度见下，完成前可离开本页", "success")
    elif task == "recompute":
        total, changed = progress["done"], progress.get("changed", 0)
        flash(f"{before}已重算 {total} 户的裁定，其中 {changed} 户结果改变", "success")
    else:
        message = f"已结转 {progress.get('carried', 0)} 户，手机同步后即可入户调查"
        if progress.get("skipped"):
            message += f"；{progress['skipped']} 户问卷不符合现行规则，未结转"
        flash(message, "warning" if progress.get("skipped") else "success")
