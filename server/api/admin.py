"""Users and devices: create accounts, assign areas, revoke a lost phone's sign-in.

An administrator manages accounts, not records: these routes are all an administrator sees.
"""

from flask import g, jsonify

from server.api import api
from server.api.schemas import Revoke, UserCreate, load_json
from server.domain.roles import ADMIN
from server.identity import accounts
from server.identity.access import whole_tree
from server.identity.serializers import user_out
from server.identity.tokens import roles_required


@api.get("/admin/users")
@roles_required(ADMIN)
def list_users():
    return jsonify([user_out(u) for u in accounts.all_users()])


@api.get("/admin/areas")
@roles_required(ADMIN)
def list_all_areas():
    """Every area, to assign to accounts (the households in them stay out of sight)."""
    return jsonify(whole_tree())


@api.post("/admin/users")
@roles_required(ADMIN)
def create_user():
    data = load_json(UserCreate())
    user = accounts.create_user(
        data["username"], data["name"], data["role"], data["password"], data["area_ids"]
    )
    return jsonify(user_out(user)), 201


@api.get("/admin/users/<int:user_id>/devices")
@roles_required(ADMIN)
def list_devices(user_id: int):
    return jsonify(accounts.devices(user_id))


@api.post("/admin/users/<int:user_id>/revoke")
@roles_required(ADMIN)
def revoke_devices(user_id: int):
    data = load_json(Revoke())
    admin = g.user.username
    return jsonify({"revoked": accounts.revoke(user_id, data["device_id"]), "by": admin})
