"""Log in, refresh, log out, who am I."""

from flask import g, jsonify, request
from flask_jwt_extended import get_jwt, jwt_required

from server.api import api
from server.api.errors import ApiError
from server.api.schemas import Login, load_json
from server.core.database import write_transaction
from server.identity.logins import client_address, count_attempt, forget_failures
from server.identity.serializers import user_out
from server.identity.tokens import (
    check_credentials,
    end_sign_in,
    login_required,
    open_sign_in,
    rotate,
)

TOKEN_ENDPOINTS = frozenset({"api.login", "api.refresh", "api.logout"})


@api.after_request
def _never_store_tokens(response):
    """Answers that carry tokens (or refuse them) stay out of every cache."""
    if request.endpoint in TOKEN_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/auth/login")
def login():
    data = load_json(Login())
    username, address = data["username"].strip(), client_address()
    count_attempt(username, address)  # 429 here, before any password is checked
    user = check_credentials(username, data["password"])
    if user is None:
        raise ApiError(401, "用户名或密码错误", "bad_credentials")
    user_id = user.id
    with write_transaction():
        forget_failures(username, address)
        tokens = open_sign_in(user_id, data["device_id"], data["device_label"])
    return jsonify(tokens | {"user": user_out(user)})


@api.post("/auth/refresh")
@jwt_required(refresh=True)
def refresh():
    return jsonify(rotate(get_jwt()))


@api.post("/auth/logout")
@jwt_required(refresh=True)
def logout():
    end_sign_in(get_jwt())
    return "", 204


@api.get("/me")
@login_required
def me():
    return jsonify(user_out(g.user))
