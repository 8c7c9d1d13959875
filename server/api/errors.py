"""One JSON shape for every API error: {"error": {"code", "message", "fields"?}}."""

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import MESSAGES, ApiError, flatten_messages
from ..extensions import jwt


def error_response(status: int, message: str, code: str, fields: dict | None = None, **extra):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return jsonify({"error": body}), status


def fields_from_messages(messages: list[dict]) -> dict:
    """Domain validation messages → {path: [message, ...]} for the UI."""
    out: dict[str, list[str]] = {}
    for m in messages:
        out.setdefault(m["path"], []).append(m["message"])
    return out


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return error_response(e.status, e.message, e.code, e.fields, **e.extra)

    @app.errorhandler(ValidationError)
    def _schema_error(e: ValidationError):
        fields = e.messages if isinstance(e.messages, dict) else {"_": e.messages}
        return error_response(422, "填写有误", "invalid", flatten_messages(fields))

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        if not request.path.startswith("/api/"):
            return e
        status = e.code or 500
        body, status = error_response(
            status, MESSAGES.get(status, e.name), e.name.lower().replace(" ", "_")
        )
        for name, value in e.get_headers():  # a 405's Allow, a 401's WWW-Authenticate
            if name.lower() != "content-type":
                body.headers[name] = value
        return body, status

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, MESSAGES[500], "server_error")

    @jwt.unauthorized_loader
    def _no_token(reason):
        return error_response(401, "请先登录", "unauthorized")

    @jwt.invalid_token_loader
    def _bad_token(reason):
        return error_response(401, "登录信息无效，请重新登录", "invalid_token")

    @jwt.expired_token_loader
    def _expired(header, payload):
        return error_response(401, "登录已过期", "token_expired")

    @jwt.revoked_token_loader
    def _revoked(header, payload):
        return error_response(401, "登录已失效，请重新登录", "token_revoked")

    @jwt.user_lookup_error_loader
    def _no_user(header, payload):
        return error_response(401, "账号不存在或已停用", "user_inactive")
