"""The township dashboard: per village, households by review state, conflicts, warnings, the
households below each line, and the campaign's running stage with the days left to it."""

from flask import g, request, url_for

from server.api.review_schemas import DashboardQuery
from server.campaigns.queries import active_campaigns
from server.core import clock
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.desk.queue import desk_args
from server.domain.roles import COUNTY, REVIEWER
from server.domain.stages import GOAL_LABELS
from server.review.dashboard import dashboard as build
from server.review.filters import QUEUE_STATE_LABELS, QUEUE_STATES

add_menu("进度总览", "desk.dashboard", (REVIEWER, COUNTY), 10)


@bp.get("/dashboard")
@page(REVIEWER, COUNTY)
def dashboard():
    args = desk_args(DashboardQuery(), request.args)
    board = build(g.user, args["campaign"], clock.today())
    return render(
        "desk/dashboard.html",
        board=board,
        campaigns=active_campaigns(),
        states=QUEUE_STATES,
        state_labels=QUEUE_STATE_LABELS,
        goal_labels=GOAL_LABELS,
        queue_url=url_for("desk.queue"),
    )
