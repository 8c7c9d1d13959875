"""Township review and county acceptance: decisions, corrections, what changed, spot checks."""

from flask import g, jsonify, request

from server.api import api
from server.api.review_schemas import (
    Correction,
    DiffRange,
    SpotCheckDraw,
    SpotCheckQuery,
    SpotCheckResult,
)
from server.api.schemas import ReviewAction, load_json
from server.domain.roles import COUNTY, REVIEWER
from server.households.queries import get_household
from server.households.serializers import household_out
from server.identity.access import require_household
from server.identity.tokens import login_required, roles_required
from server.review import history, spotchecks
from server.review import queries as review_queries
from server.review.service import correct, decide


@api.post("/households/<household_id>/review")
@login_required
def review_household(household_id: str):
    """Decide on a household: submit, approve, return (with a reason and field comments), hold,
    accept, reopen, or undo one's last decision."""
    data = load_json(ReviewAction())
    decide(
        g.user, household_id, data["action"], data["note"], data["comments"], data["base_version"]
    )
    return jsonify(household_out(get_household(household_id)))


@api.post("/households/<household_id>/corrections")
@roles_required(REVIEWER, COUNTY)
def correct_household(household_id: str):
    """A reviewer corrects values of a household under review (a revision of kind correct)."""
    data = load_json(Correction())
    warnings = correct(g.user, household_id, data["changes"], data["note"], data["base_version"])
    return jsonify(household_out(get_household(household_id)) | {"warnings": warnings})


@api.get("/households/<household_id>/diff")
@login_required
def household_diff(household_id: str):
    """What changed between two versions (by default since the last review decision)."""
    args = DiffRange().load(request.args)
    hh = require_household(g.user, get_household(household_id))
    revisions = review_queries.history(hh.id)
    return jsonify(history.what_changed(hh.id, revisions, hh.document, args["start"], args["end"]))


@api.get("/spotchecks")
@roles_required(REVIEWER, COUNTY)
def spot_checks():
    """Where a village's spot checks stand at the caller's level (township 20%, county 10%)."""
    args = SpotCheckQuery().load(request.args)
    return jsonify(spotchecks.status(g.user, args["campaign"], args["village"]).as_dict())


@api.post("/spotchecks")
@roles_required(REVIEWER, COUNTY)
def draw_spot_checks():
    """Draw a village's sample (reproducible: drawing again gives the same households)."""
    data = load_json(SpotCheckDraw())
    return jsonify(
        spotchecks.draw_sample(g.user, data["campaign_id"], data["village_id"]).as_dict()
    )


@api.put("/households/<household_id>/spotcheck")
@roles_required(REVIEWER, COUNTY)
def record_spot_check(household_id: str):
    """Record the result of checking a household (符合 / 不符合, with a note)."""
    data = load_json(SpotCheckResult())
    return jsonify(spotchecks.record(g.user, household_id, data["result"], data["note"]))
