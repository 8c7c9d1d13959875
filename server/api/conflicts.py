"""Conflicts kept as data: list them, and resolve them with a value per field."""

from flask import g, jsonify, request

from server import store
from server.api import api
from server.api.errors import ApiError
from server.api.schemas import ResolveMany, household_out, load_json
from server.identity.access import require_household, visible_township_ids, visible_village_ids
from server.identity.tokens import login_required, roles_required
from server.sync.resolve import resolve_conflicts


def conflict_out(c) -> dict:
    return {
        "id": c.id,
        "household_id": c.household_id,
        "path": c.path,
        "base": c.base_value,
        "server": c.server_value,
        "device": c.device_value,
        "version": c.version,
        "device_id": c.device_id,
        "device_user_id": c.device_user_id,
        "created_at": c.created_at.isoformat(),
    }


@api.get("/conflicts")
@login_required
def list_conflicts():
    household_id = request.args.get("household")
    if household_id:
        require_household(g.user, store.get_household(household_id))
        rows = store.open_conflicts(household_id=household_id)
    else:
        townships = visible_township_ids(g.user)
        wanted = request.args.get("township", type=int)
        if wanted is not None:
            if wanted not in townships:
                raise ApiError(403, "该乡镇不在您的负责范围内", "forbidden_area")
            townships = {wanted}
        rows = store.open_conflicts(township_ids=townships, village_ids=visible_village_ids(g.user))
    return jsonify([conflict_out(c) for c in rows])


@api.post("/households/<household_id>/resolve")
@roles_required("reviewer", "county")
def resolve(household_id: str):
    data = load_json(ResolveMany())
    hh = resolve_conflicts(g.user, household_id, data["resolutions"], data["note"])
    return jsonify(household_out(hh))
