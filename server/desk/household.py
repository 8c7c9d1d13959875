"""The household page: the questionnaire as the reviewer reads it, what changed, and the decision.

`/desk/households/<id>` shows sections A–G in the form's order and words, the income worked out
with each line's comparison, warnings beside their fields, the signature, photo and position, the
history, and what changed since the last decision; `?from=<the queue's query string>` links the
previous and next households of that queue. The decisions (通过, 退回修改 with a reason and field
comments, 存疑待核实, undo) and a reviewer's correction are forms posted here, done by the same
services as the JSON API; a refused form comes back with its messages where they were typed.
"""

from flask import flash, g, redirect, request, url_for

from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import page, render, when
from server.desk.queue import place_in_queue
from server.domain import display
from server.domain.roles import COUNTY, REVIEWER
from server.households import checks
from server.households.queries import household_row
from server.review import household as reading
from server.review import service, spotchecks

FROM_MAX = 2000  # the queue's query string carried along: filters, sort, page
COMMENT_SLOTS = 3  # shown at first; the page's script adds more, up to COMMENT_MOST
COMMENT_MOST = 20
DONE = {
    "approve": "已审核通过",
    "return": "已退回修改",
    "hold": "已标记为存疑待核实",
    "accept": "已确认",
    "reopen": "已重新打开",
    "reopen_review": "已退回乡镇重审",
    "undo": "已撤销上一审核决定",
}


def _queue_query() -> str:
    text = request.values.get("from", "")
    return text if len(text) <= FROM_MAX else ""


def _queue_links(household_id: str, queue: str) -> dict:
    """Previous and next in the queue the reviewer came from, and the way back to it."""
    place = place_in_queue(household_id, queue)
    return {
        "previous": place["previous"],
        "next": place["next"],
        "back": place["queue"],
        "from": queue,
    }


def _page(household_id: str, status: int = 200, **form):
    data = reading.load(g.user, household_id)
    spot = None
    if g.user.role in (REVIEWER, COUNTY):
        spot = spotchecks.check_of(g.user, data["household"])
    error = form.get("error")
    html = render(
        "desk/household.html",
        **data,
        error_names=_error_names(error, data["household"].document) if error else {},
        queue=_queue_links(household_id, _queue_query()),
        spot=spot,
        local_time=when,
        comment_slots=COMMENT_SLOTS,
        comment_most=COMMENT_MOST,
        form=form,
    )
    return html, status


FIELD_NAMES = {
    "note": "原因",
    "comments": "字段批注",
    "comment": "字段批注",
    "path": "字段",
    "value": "新值",
    "changes": "更正",
    "result": "抽查结果",
    "action": "操作",
}


def _error_names(error: ApiError, document: dict) -> dict:
    """The names of a refused form's fields as the reviewer knows them: a comment or a
    correction by the label of its field ("批注：B. 家庭成员 › 王芳 › 身份证号")."""
    definition = checks.definition("annex1")
    names = {}
    for key in error.fields or {}:
        if key in FIELD_NAMES:
            names[key] = FIELD_NAMES[key]
        elif key.startswith(("comments.", "changes.")):
            kind, path = key.split(".", 1)
            label = display.path_label(definition, path, document)
            names[key] = f"{'批注' if kind == 'comments' else '更正'}：{label}"
        else:
            names[key] = display.path_label(definition, key, document)
    return names


@bp.get("/households/<household_id>")
@page(REVIEWER, COUNTY)
def household(household_id: str):
    return _page(household_id)


@bp.get("/households/<household_id>/diff")
@page(REVIEWER, COUNTY)
def household_diff(household_id: str):
    low, high = _version_arg("from"), _version_arg("to")
    data = reading.load(g.user, household_id, low, high)
    return render("desk/diff.html", **data, local_time=when)


def _version_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise ApiError(422, "版本号应为正整数", "invalid", {name: ["版本号应为正整数"]})
    return int(value)


def _back(household_id: str):
    queue = _queue_query()
    extra = {"from": queue} if queue else {}
    return redirect(url_for("desk.household", household_id=household_id, **extra), 303)


def _base_version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _comments() -> dict:
    """The return form's comment slots: a field picked and a comment typed, pair by pair."""
    paths = request.form.getlist("comment_path")[:COMMENT_MOST]
    texts = request.form.getlist("comment_text")[:COMMENT_MOST]
    out, missing = {}, False
    for path, text in zip(paths, texts, strict=False):
        path, text = path.strip(), text.strip()
        if text and not path:
            missing = True
        elif path:
            out[path] = text
    if missing:
        raise ApiError(422, "批注有误", "invalid", {"comments": ["请为每条批注选择字段"]})
    return out


@bp.post("/households/<household_id>/decide")
@page(REVIEWER, COUNTY)
def decide(household_id: str):
    action = request.form.get("action", "")
    if action not in DONE:
        raise ApiError(422, "未知的审核操作", "invalid", {"action": ["未知的审核操作"]})
    note = request.form.get("note", "")[:1000]
    typed = {
        "action": action,
        "note": note,
        "comments": list(
            zip(
                request.form.getlist("comment_path")[:COMMENT_MOST],
                request.form.getlist("comment_text")[:COMMENT_MOST],
                strict=False,
            )
        ),
    }
    try:
        comments = _comments() if action == "return" else {}
        service.decide(g.user, household_id, action, note, comments, _base_version())
    except ApiError as e:
        if e.status in (404, 403):
            raise
        return _page(household_id, e.status, error=e, **typed)
    flash(DONE[action], "success")
    return _back(household_id)


@bp.post("/households/<household_id>/correct")
@page(REVIEWER, COUNTY)
def correct(household_id: str):
    path = request.form.get("path", "").strip()
    text = request.form.get("value", "")[:2000]
    note = request.form.get("note", "")[:500]
    typed = {"action": "correct", "path": path, "value": text, "note": note}
    try:
        if not path:
            raise ApiError(422, "请选择要更正的字段", "invalid", {"path": ["请选择要更正的字段"]})
        value = _typed_value(household_id, path, text)
        warnings = service.correct(g.user, household_id, {path: value}, note, _base_version())
    except ApiError as e:
        if e.status in (404, 403):
            raise
        return _page(household_id, e.status, error=e, **typed)
    flash("已更正" + (f"（提示：{warnings[0]['message']}）" if warnings else ""), "success")
    return _back(household_id)


def _typed_value(household_id: str, path: str, text: str):
    """What the reviewer typed, as the field's type holds it (the service checks the rest)."""
    row = household_row(household_id)
    document = row.document if row is not None else {}
    f = display.field_at(checks.definition("annex1"), document, path)
    return display.typed_value(f, text) if f else text


@bp.post("/households/<household_id>/spotcheck")
@page(REVIEWER, COUNTY)
def spot_check(household_id: str):
    try:
        spotchecks.record(
            g.user, household_id, request.form.get("result", ""), request.form.get("note", "")[:200]
        )
    except ApiError as e:
        if e.status in (404, 403):
            raise
        return _page(household_id, e.status, error=e, action="spotcheck")
    flash("已记录抽查结果", "success")
    return _back(household_id)
