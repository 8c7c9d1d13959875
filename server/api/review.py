"""Township review and county acceptance: moving a record between review states."""

from flask import g, jsonify

from server.api import api
from server.api.schemas import ReviewAction, load_json
from server.households.queries import get_household
from server.households.serializers import household_out
from server.identity.tokens import login_required
from server.review.service import decide


@api.post("/households/<household_id>/review")
@login_required
def review_household(household_id: str):
    data = load_json(ReviewAction())
    decide(g.user, household_id, data["action"], data["note"])
    return jsonify(household_out(get_household(household_id)))
