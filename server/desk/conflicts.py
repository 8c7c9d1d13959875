"""The conflicts desk: every open conflict of the township (the county: of the county), grouped by
household, base / value in force / device value side by side; keep, take or type a new value per
field, or keep all / take all for a household. Decisions go through server/review/conflicts.py,
as the JSON API's do."""

import re

from flask import flash, g, redirect, request, url_for
from werkzeug.routing import BuildError

from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.roles import COUNTY, REVIEWER
from server.review.conflict_board import board
from server.review.conflicts import BULK_CHOICES, CHOICES, resolve_conflicts, resolve_household

add_menu("冲突处理", "desk.conflicts", (REVIEWER, COUNTY), 30)

_FIELD_KEY = re.compile(r"^resolutions\.([0-9]+)")
MAX_NOTE = 500


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 10 else None


@bp.get("/conflicts")
@page(REVIEWER, COUNTY)
def conflicts():
    return _show()


def _show(refused: ApiError | None = None, household_id: str | None = None, status: int = 200):
    view = board(g.user, _int_arg("township"), _int_arg("page") or 1)
    by_conflict, general = _messages(refused)
    html = render(
        "desk/conflicts.html",
        board=view,
        refused=refused,
        refused_household=household_id,
        by_conflict=by_conflict,
        general=general,
        typed=request.form if refused else {},
        household_url=household_url,
    )
    return html, status


def household_url(household_id: str) -> str | None:
    """The household's desk page, where the desk has one."""
    try:
        return url_for("desk.household", household_id=household_id)
    except BuildError:
        return None


def _messages(refused: ApiError | None) -> tuple[dict[int, list[str]], list[str]]:
    """A refusal's field messages, by conflict where one is named, the rest for the household."""
    by_conflict: dict[int, list[str]] = {}
    general: list[str] = []
    if refused is None:
        return by_conflict, general
    for key, messages in (refused.fields or {}).items():
        match = _FIELD_KEY.match(key)
        if match:
            by_conflict.setdefault(int(match[1]), []).extend(messages)
        else:
            general.extend(messages)
    return by_conflict, general


@bp.post("/conflicts/<household_id>")
@page(REVIEWER, COUNTY)
def decide_conflicts(household_id: str):
    form = request.form
    note = (form.get("note") or "").strip()[:MAX_NOTE] or None
    version = int(form["version"]) if form.get("version", "").isdecimal() else None
    try:
        if form.get("all"):
            if form["all"] not in BULK_CHOICES:
                raise ApiError(422, "处理办法不正确", "invalid", {"all": ["处理办法不正确"]})
            count = resolve_household(g.user, household_id, form["all"], note, version)
        else:
            resolutions = _resolutions(form)
            resolve_conflicts(g.user, household_id, resolutions, note, version)
            count = len(resolutions)
    except ApiError as e:
        if e.status == 404:
            raise
        return _show(e, household_id, e.status)
    flash(f"已处理 {count} 项冲突", "success")
    args = {k: v for k, v in request.args.items() if k in ("township", "page")}
    return redirect(url_for("desk.conflicts", **args), 303)


def _resolutions(form) -> dict:
    """{conflict id: decision} from the form: a choice per conflict, a typed value picks "value"."""
    resolutions, fields = {}, {}
    ids = sorted({m[1] for k in form if (m := re.fullmatch(r"(?:choice|value)-([0-9]{1,10})", k))})
    for key in ids:
        choice = form.get(f"choice-{key}", "")
        typed = form.get(f"value-{key}", "")
        if not choice and typed.strip():
            choice = "value"
        if not choice:
            continue
        if choice not in CHOICES:
            fields[f"resolutions.{key}"] = ["处理办法不正确"]
            continue
        decision = {"choice": choice, "value": None}
        if choice == "value":
            if not typed.strip():
                fields[f"resolutions.{key}.value"] = ["请填写新的值"]
                continue
            decision["text"] = typed[:1000]
        resolutions[key] = decision
    if fields:
        raise ApiError(422, "有的处理办法填写有误", "invalid", fields)
    if not resolutions:
        raise ApiError(
            422, "请至少为一项冲突选择处理办法", "invalid", {"resolutions": ["请至少处理一项"]}
        )
    return resolutions
