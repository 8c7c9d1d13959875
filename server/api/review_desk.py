"""The review desk's JSON twins: the dashboard, the queue, bulk approval."""

from flask import g, jsonify

from server.api import api
from server.api.review_schemas import (
    BulkApprove,
    DashboardQuery,
    QueueQuery,
    filters_of,
    query_args,
)
from server.api.schemas import load_json
from server.core import clock
from server.domain.roles import COUNTY, REVIEWER
from server.identity.tokens import roles_required
from server.review import bulk, queue
from server.review.dashboard import dashboard
from server.review.serializers import dashboard_out, queue_out


@api.get("/review/dashboard")
@roles_required(REVIEWER, COUNTY)
def review_dashboard():
    """The dashboard: per village of the caller's area, households by review state and more."""
    args = query_args(DashboardQuery())
    return jsonify(dashboard_out(dashboard(g.user, args["campaign"], clock.today())))


@api.get("/review/queue")
@roles_required(REVIEWER, COUNTY)
def review_queue():
    """One page (50 households) of the review queue, filtered and sorted."""
    args = query_args(QueueQuery())
    result = queue.page(g.user, filters_of(args), args["sort"], args["page"])
    return jsonify(queue_out(result, queue.PER_PAGE))


@api.post("/review/bulk-approve")
@roles_required(REVIEWER)
def bulk_approve():
    """Approve many households: the ids given, or every one a filter matches."""
    data = load_json(BulkApprove())
    ids = None if data["ids"] is None else [str(i) for i in data["ids"]]
    filters = None if data["filter"] is None else filters_of(data["filter"])
    return jsonify(bulk.approve(g.user, ids=ids, filters=filters).out())
