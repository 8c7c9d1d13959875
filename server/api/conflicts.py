"""Conflicts kept as data: list them, and resolve them with a value per field."""

from flask import g, jsonify, request

from server.api import api
from server.api.schemas import ResolveMany, load_json
from server.domain.roles import DECIDERS
from server.households.queries import get_household
from server.households.serializers import household_out
from server.identity.tokens import login_required, roles_required
from server.review.conflicts import conflict_out, resolve_conflicts, visible_open_conflicts


@api.get("/conflicts")
@login_required
def list_conflicts():
    township = request.args.get("township", type=int)
    rows = visible_open_conflicts(g.user, request.args.get("household"), township)
    return jsonify([conflict_out(c) for c in rows])


@api.post("/households/<household_id>/resolve")
@roles_required(*DECIDERS)
def resolve(household_id: str):
    data = load_json(ResolveMany())
    resolve_conflicts(g.user, household_id, data["resolutions"], data["note"])
    return jsonify(household_out(get_household(household_id)))
