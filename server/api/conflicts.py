"""Conflicts kept as data: list them, and resolve them with a value per field or a household at
a time."""

from flask import g, jsonify, request

from server.api import api
from server.api.schemas import ConflictQuery, ResolveAll, ResolveMany, load_json
from server.domain.roles import DECIDERS
from server.households.queries import get_household
from server.households.serializers import household_out
from server.identity.tokens import login_required, roles_required
from server.review.conflicts import listed_conflicts, resolve_conflicts, resolve_household


@api.get("/conflicts")
@login_required
def list_conflicts():
    """The open conflicts the caller sees, each with the value in force now (current)."""
    query = ConflictQuery().load(request.args)
    return jsonify(listed_conflicts(g.user, query["household"], query["township"]))


@api.post("/households/<household_id>/resolve")
@roles_required(*DECIDERS)
def resolve(household_id: str):
    """Decide some of a household's open conflicts, each by its conflict id."""
    data = load_json(ResolveMany())
    resolve_conflicts(g.user, household_id, data["resolutions"], data["note"], data["version"])
    return jsonify(household_out(get_household(household_id)))


@api.post("/households/<household_id>/resolve-all")
@roles_required(*DECIDERS)
def resolve_all(household_id: str):
    """Decide every open conflict of a household the same way (keep all / take all)."""
    data = load_json(ResolveAll())
    resolve_household(g.user, household_id, data["choice"], data["note"], data["version"])
    return jsonify(household_out(get_household(household_id)))
