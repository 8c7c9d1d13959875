"""Users and devices: create accounts, assign areas, revoke a lost phone's sign-in."""

from flask import g, jsonify
from sqlalchemy import select

from ..auth import hash_password, revoke_user_tokens, roles_required
from ..extensions import db
from ..models import Area, RefreshToken, User
from . import api
from .errors import ApiError
from .schemas import Revoke, UserCreate, load_json, user_out


@api.get("/admin/users")
@roles_required("admin")
def list_users():
    return jsonify([user_out(u) for u in db.session.scalars(select(User).order_by(User.username))])


@api.post("/admin/users")
@roles_required("admin")
def create_user():
    data = load_json(UserCreate())
    if db.session.scalar(select(User).where(User.username == data["username"])):
        raise ApiError(422, "用户名已存在", "invalid", {"username": ["用户名已存在"]})
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(data["area_ids"]))))
    if len(areas) != len(set(data["area_ids"])):
        raise ApiError(422, "所选区域不存在", "invalid", {"area_ids": ["所选区域不存在"]})
    user = User(
        username=data["username"],
        name=data["name"],
        role=data["role"],
        password_hash=hash_password(data["password"]),
        areas=areas,
    )
    db.session.add(user)
    db.session.commit()
    return jsonify(user_out(user)), 201


@api.get("/admin/users/<int:user_id>/devices")
@roles_required("admin")
def list_devices(user_id: int):
    tokens = db.session.scalars(
        select(RefreshToken)
        .where(RefreshToken.user_id == user_id)
        .order_by(RefreshToken.created_at)
    )
    return jsonify(
        [
            {
                "device_id": t.device_id,
                "device_label": t.device_label,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "revoked": t.revoked_at is not None,
            }
            for t in tokens
        ]
    )


@api.post("/admin/users/<int:user_id>/revoke")
@roles_required("admin")
def revoke_devices(user_id: int):
    data = load_json(Revoke())
    if db.session.get(User, user_id) is None:
        raise ApiError(404, "用户不存在", "not_found")
    count = revoke_user_tokens(user_id, data["device_id"])
    db.session.commit()
    return jsonify({"revoked": count, "by": g.user.username})
