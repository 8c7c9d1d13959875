"""Users and devices: create accounts, assign areas, revoke a lost phone's sign-in.

An administrator manages accounts, not records: these routes are all an administrator sees.
"""

from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request

from server.api import api
from server.api.admin_schemas import AreaImport, AuditQuery, PasswordReset, UserUpdate
from server.api.schemas import Revoke, UserCreate, load_json
from server.domain.roles import ADMIN
from server.identity import accounts, areas, audit
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


@api.post("/admin/areas/import")
@roles_required(ADMIN)
def import_areas():
    """Add and rename areas from a list of {code, name}: each row is checked on its own, the
    faulty ones reported by line and field, the others applied together."""
    data = load_json(AreaImport())
    rows = [(r["code"], r["name"]) for r in data["rows"]]
    return jsonify(areas.import_areas(rows, g.user.id).as_dict())


@api.post("/admin/users")
@roles_required(ADMIN)
def create_user():
    data = load_json(UserCreate())
    user = accounts.create_user(
        data["username"],
        data["name"],
        data["role"],
        data["password"],
        data["area_ids"],
        phone=data["phone"],
        actor_id=g.user.id,
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
    revoked = accounts.revoke(user_id, data["device_id"], g.user.id)
    return jsonify({"revoked": revoked, "by": g.user.username})


@api.patch("/admin/users/<int:user_id>")
@roles_required(ADMIN)
def update_user(user_id: int):
    data = load_json(UserUpdate())
    accounts.update_user(
        g.user.id,
        user_id,
        name=data["name"],
        role=data["role"],
        phone=data["phone"],
        area_ids=data["area_ids"],
    )
    if data.get("active") is not None:
        accounts.set_active(g.user.id, user_id, data["active"])
    return jsonify(user_out(accounts.get_user(user_id)))


@api.post("/admin/users/<int:user_id>/password")
@roles_required(ADMIN)
def reset_password(user_id: int):
    data = load_json(PasswordReset())
    accounts.reset_password(g.user.id, user_id, data["password"])
    return "", 204


@api.post("/admin/sign-ins/<sign_in_id>/revoke")
@roles_required(ADMIN)
def revoke_sign_in(sign_in_id: str):
    sign_in = accounts.revoke_sign_in(g.user.id, sign_in_id)
    return jsonify({"id": sign_in.id, "revoked": True})


@api.get("/admin/audit")
@roles_required(ADMIN)
def audit_log():
    args = AuditQuery().load(request.args)
    zone = ZoneInfo(current_app.config["RUHU_TIMEZONE"])
    filters = audit.Filters(args["user_id"], args["since"], args["until"], args["kind"], zone)
    items, total = audit.events(filters, args["page"], args["per_page"])
    for item in items:
        item["at"] = item["at"].isoformat()
    return jsonify({"items": items, "total": total, "page": args["page"]})
