"""Households: list a village, read one, create, update with its base version, history."""

from flask import current_app, g, jsonify, request, url_for

from server.api import api
from server.api.errors import ApiError
from server.api.schemas import HouseholdCreate, HouseholdUpdate, Paging, load_json
from server.domain.roles import EDITORS
from server.households import queries, service
from server.households.serializers import household_out, revision_out
from server.identity.access import require_household, require_village, visible_village_ids
from server.identity.tokens import login_required, roles_required


@api.get("/households")
@login_required
def list_households():
    args = Paging().load(request.args)
    per_page = min(args["per_page"], current_app.config["RUHU_PAGE_SIZE_MAX"])
    villages = visible_village_ids(g.user)
    if args["village"] is not None:
        require_village(g.user, args["village"])
        villages = [args["village"]]
    rows, total = queries.households_page(
        villages, args["page"], per_page, review_state=args["state"], search=args["q"]
    )
    items = [household_out(h, full=False) for h in rows]
    return jsonify({"items": items, "page": args["page"], "per_page": per_page, "total": total})


@api.get("/households/<household_id>")
@login_required
def get_household(household_id: str):
    hh = require_household(g.user, queries.get_household(household_id))
    if hh.deleted:
        raise ApiError(404, "该户已删除", "deleted")
    return jsonify(household_out(hh)), {"ETag": f'"{hh.version}"'}


@api.post("/households")
@roles_required(*EDITORS)
def create_household():
    data = load_json(HouseholdCreate())
    household_id, warnings = service.create(
        g.user, data["village_id"], data["campaign_id"], data["document"], data["id"]
    )
    hh = queries.get_household(household_id)
    location = url_for("api.get_household", household_id=hh.id)
    headers = {"Location": location, "ETag": f'"{hh.version}"'}
    return jsonify(household_out(hh) | {"warnings": warnings}), 201, headers


def _base_version(data: dict) -> int:
    header = request.headers.get("If-Match", "").strip().strip('"')
    if header.isdigit():
        return int(header)
    if data.get("base_version"):
        return data["base_version"]
    raise ApiError(428, "请提供所依据的版本号（If-Match 或 base_version）", "version_required")


@api.put("/households/<household_id>")
@roles_required(*EDITORS)
def update_household(household_id: str):
    data = load_json(HouseholdUpdate())
    warnings = service.update(g.user, household_id, data["document"], _base_version(data))
    hh = queries.get_household(household_id)
    return jsonify(household_out(hh) | {"warnings": warnings}), {"ETag": f'"{hh.version}"'}


@api.get("/households/<household_id>/revisions")
@login_required
def household_revisions(household_id: str):
    require_household(g.user, queries.get_household(household_id))
    return jsonify([revision_out(r) for r in queries.revisions(household_id)])
