"""The review queue: a township's households filtered, searched, sorted and paged on the server;
j / k / Enter / a / r from the keyboard; approval of a selection or of everything the filter
matches, with what was skipped and why."""

from urllib.parse import parse_qsl, quote, urlencode

from flask import flash, g, redirect, request, url_for
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from server.api.review_schemas import QueueQuery, filters_of
from server.core.errors import ApiError, flatten_messages
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.roles import COUNTY, REVIEWER
from server.domain.verdicts import MONITORING_TYPES
from server.domain.workflow import ACTIONS
from server.review import bulk, options, queue
from server.review.filters import FLAGS, QUEUE_STATE_LABELS, QUEUE_STATES

add_menu("审核队列", "desk.queue", (REVIEWER, COUNTY), 20)


def desk_args(schema: Schema, args) -> dict:
    """A desk form's query through an API schema: empty fields are absent, flags repeat."""
    data = {k: v for k, v in args.to_dict().items() if v.strip()}
    flags = [f for f in args.getlist("flag") if f]
    if flags:
        data["flag"] = flags
    else:
        data.pop("flag", None)
    try:
        return schema.load(data)
    except ValidationError as e:
        raise ApiError(422, "筛选条件有误", "invalid", flatten_messages(e.messages)) from None


def _query(args: dict, **changes) -> dict:
    """The queue's query-string parameters (filters, sort, page), with `changes` applied."""
    out = filters_of(args).query()
    if args.get("sort"):
        out["sort"] = args["sort"]
    out["page"] = args.get("page", 1)
    out.update(changes)
    if out["page"] == 1:
        del out["page"]
    return out


@bp.get("/queue", endpoint="queue")
@page(REVIEWER, COUNTY)
def queue_page():
    args = desk_args(QueueQuery(), request.args)
    filters = filters_of(args)
    can_approve = g.user.role == REVIEWER
    result = queue.page(g.user, filters, args["sort"], args["page"], approvable=can_approve)
    choices = options.options(g.user, filters)
    here = _query(args)
    return render(
        "desk/queue.html",
        result=result,
        filters=filters,
        sort=args["sort"] or "household_no",
        options=choices,
        townships=len({v["township"] for v in choices["villages"]}),
        approvable=result.approvable,
        here=here,
        here_text=urlencode(here, doseq=True),
        query=_query,
        args=args,
        flag_labels=FLAGS,
        state_labels=QUEUE_STATE_LABELS,
        states=QUEUE_STATES,
        monitoring_types=MONITORING_TYPES,
        can_approve=can_approve,
        approve_states=queue.APPROVE_STATES,
        return_states=ACTIONS["return"][1],
        per_page=queue.PER_PAGE,
    )


@bp.post("/queue/approve")
@page(REVIEWER)
def queue_approve():
    """Approve the row whose button was pressed (`one`), the ticked rows (`ids`), or, with
    `all`, every household the queue's filters (this URL's query) match."""
    args = desk_args(QueueQuery(), request.args)
    back = url_for("desk.queue", **_query(args))
    if request.form.get("all"):
        outcome = bulk.approve(g.user, filters=filters_of(args))
    else:
        one = request.form.get("one")
        ids = [one] if one else request.form.getlist("ids")
        ids = [i for i in ids if queue.is_household_id(i)][: bulk.MAX]
        if not ids:
            flash("请先勾选要通过的户", "warning")
            return redirect(back, 303)
        outcome = bulk.approve(g.user, ids=ids)
    skipped = "；".join(outcome.messages())
    if outcome.approved and not skipped:
        flash(f"已审核通过 {outcome.approved} 户", "success")
    elif outcome.approved:
        flash(f"已审核通过 {outcome.approved} 户；跳过：{skipped}", "warning")
    else:
        flash(f"没有户被审核通过；跳过：{skipped}", "error")
    return redirect(back, 303)


def place_in_queue(household_id: str, from_text: str | None) -> dict:
    """For the household page: the queue it was opened from (`from`, the queue's query string)
    and the previous and next households of that queue, each as the desk's address of its
    page (with the same `from`). A `from` that is not a queue's query is the whole queue."""
    args = MultiDict(parse_qsl(from_text or "", keep_blank_values=True))
    try:
        data = desk_args(QueueQuery(), args)
        filters = filters_of(data)
        previous, following = queue.neighbours(g.user, filters, data["sort"], household_id)
    except ApiError:
        data = QueueQuery().load({})
        previous, following = queue.neighbours(g.user, queue.Filters(), None, household_id)
    here = urlencode(_query(data), doseq=True)

    def page_of(other: str | None) -> str | None:
        return None if other is None else f"/desk/households/{other}?from={quote(here)}"

    return {
        "queue": url_for("desk.queue", **_query(data)),
        "previous": page_of(previous),
        "next": page_of(following),
    }
