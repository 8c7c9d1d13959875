"""Users and devices: create accounts, assign areas, revoke a lost phone's sign-in.

An administrator manages accounts, not records: these routes are all an administrator sees.
"""

from flask import g, jsonify
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.api import api
from server.api.errors import ApiError
from server.api.schemas import Revoke, UserCreate, load_json, user_out
from server.core.database import write_transaction
from server.extensions import db
from server.identity.access import whole_tree
from server.identity.tokens import hash_password, revoke_user_tokens, roles_required
from server.models import Area, SignIn, User


def _taken() -> ApiError:
    return ApiError(422, "用户名已存在", "invalid", {"username": ["用户名已存在"]})


@api.get("/admin/users")
@roles_required("admin")
def list_users():
    return jsonify([user_out(u) for u in db.session.scalars(select(User).order_by(User.username))])


@api.get("/admin/areas")
@roles_required("admin")
def list_all_areas():
    """Every area, to assign to accounts (the households in them stay out of sight)."""
    return jsonify(whole_tree())


@api.post("/admin/users")
@roles_required("admin")
def create_user():
    data = load_json(UserCreate())
    password_hash = hash_password(data["password"])  # scrypt is slow: outside the write lock
    try:
        with write_transaction():
            if db.session.scalar(select(User.id).where(User.username == data["username"])):
                raise _taken()
            areas = list(db.session.scalars(select(Area).where(Area.id.in_(data["area_ids"]))))
            if len(areas) != len(set(data["area_ids"])):
                raise ApiError(422, "所选区域不存在", "invalid", {"area_ids": ["所选区域不存在"]})
            user = User(
                username=data["username"],
                name=data["name"],
                role=data["role"],
                password_hash=password_hash,
                areas=areas,
            )
            db.session.add(user)
    except IntegrityError:  # the same username created by a parallel request
        raise _taken() from None
    return jsonify(user_out(user)), 201


@api.get("/admin/users/<int:user_id>/devices")
@roles_required("admin")
def list_devices(user_id: int):
    sign_ins = db.session.scalars(
        select(SignIn).where(SignIn.user_id == user_id).order_by(SignIn.created_at)
    )
    return jsonify(
        [
            {
                "device_id": s.device_id,
                "device_label": s.device_label,
                "created_at": s.created_at.isoformat(),
                "last_used_at": s.last_used_at.isoformat() if s.last_used_at else None,
                "expires_at": s.expires_at.isoformat(),
                "revoked": s.revoked_at is not None,
            }
            for s in sign_ins
        ]
    )


@api.post("/admin/users/<int:user_id>/revoke")
@roles_required("admin")
def revoke_devices(user_id: int):
    data = load_json(Revoke())
    admin = g.user.username
    with write_transaction():
        if db.session.get(User, user_id) is None:
            raise ApiError(404, "用户不存在", "not_found")
        count = revoke_user_tokens(user_id, data["device_id"])
    return jsonify({"revoked": count, "by": admin})
