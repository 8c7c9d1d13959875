"""Log in, refresh, log out, who am I."""

from flask import g, jsonify, request
from flask_jwt_extended import create_access_token, current_user, jwt_required
from sqlalchemy import select

from ..auth import (
    check_password,
    issue_tokens,
    login_blocked,
    login_required,
    record_attempt,
    revoke_current_refresh,
)
from ..extensions import db
from ..models import User
from . import api
from .errors import ApiError
from .schemas import Login, load_json, user_out


@api.post("/auth/login")
def login():
    data = load_json(Login())
    username = data["username"].strip()
    if login_blocked(username):
        raise ApiError(429, "密码错误次数过多，请 15 分钟后再试", "too_many_attempts")
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and check_password(user, data["password"])
    record_attempt(username, request.remote_addr, ok)
    if not ok:
        db.session.commit()
        raise ApiError(401, "用户名或密码错误", "bad_credentials")
    tokens = issue_tokens(user, data["device_id"], data["device_label"])
    db.session.commit()
    return jsonify(tokens | {"user": user_out(user)})


@api.post("/auth/refresh")
@jwt_required(refresh=True)
def refresh():
    if current_user is None:
        raise ApiError(401, "账号不存在或已停用", "user_inactive")
    return jsonify({"access_token": create_access_token(identity=current_user)})


@api.post("/auth/logout")
@jwt_required(refresh=True)
def logout():
    revoke_current_refresh()
    db.session.commit()
    return "", 204


@api.get("/me")
@login_required
def me():
    return jsonify(user_out(g.user))
