"""Village submission (township) and acceptance (county): the desk's villages page as JSON."""

from flask import g, jsonify, request

from server.api import api
from server.api.county_schemas import VillageAction, VillageList, VillageReturn
from server.api.schemas import load_json
from server.core.errors import ApiError
from server.domain.roles import COUNTY, REVIEWER
from server.identity.access import visible_township_ids
from server.identity.tokens import roles_required
from server.review import villages


@api.get("/villages/submissions")
@roles_required(REVIEWER, COUNTY)
def list_village_submissions():
    """Every village of a campaign the caller sees: its review progress, what blocks it, and
    its submission."""
    query = VillageList().load(request.args)
    township = query["township"]
    if township is not None and township not in visible_township_ids(g.user):
        raise ApiError(403, "该乡镇不在您的负责范围内", "forbidden_area")
    items = villages.overview(g.user, query["campaign"], township, query["show"])
    return jsonify({"items": items})


@api.post("/villages/submissions/submit")
@roles_required(REVIEWER, COUNTY)
def submit_village():
    """The township submits a village whose every household is decided (村级汇总上报)."""
    data = load_json(VillageAction())
    return jsonify(villages.submit(g.user, data["campaign_id"], data["village_id"]))


@api.post("/villages/submissions/accept")
@roles_required(REVIEWER, COUNTY)
def accept_village():
    """The county accepts a submitted village: its records and totals lock."""
    data = load_json(VillageAction())
    return jsonify(villages.accept(g.user, data["campaign_id"], data["village_id"]))


@api.post("/villages/submissions/return")
@roles_required(REVIEWER, COUNTY)
def return_village():
    """The county sends a submitted village back to the township with a reason."""
    data = load_json(VillageReturn())
    return jsonify(
        villages.send_back(g.user, data["campaign_id"], data["village_id"], data["note"])
    )
