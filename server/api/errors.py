"""One JSON shape for every API error: {"error": {"code", "message", "fields"?}}."""

import re
import traceback

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, StatementError
from werkzeug.exceptions import HTTPException

from server.core.errors import MESSAGES, ApiError, fields_from_messages, flatten_messages
from server.extensions import jwt
from server.households.writer import Refused


def error_response(status: int, message: str, code: str, fields: dict | None = None, **extra):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return jsonify({"error": body}), status


_REFUSED = {
    "missing_attachment": "附件尚未上传",
    "invalid_attachment": "附件有误",
    "invalid_document": "问卷填写有误",
    "incomplete": "问卷尚未填写完整",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(Refused)
    def _refused(e: Refused):  # a write the household's rules refuse: the field messages
        message = _REFUSED.get(e.code, "填写有误")
        return error_response(422, message, e.code, fields_from_messages(e.errors))

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
        app.logger.error("%s", unexpected_error_report(e))
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


# What an error message may quote of a record: ID numbers, phone and account numbers (runs of six
# digits or more), names and addresses (Chinese text), the values of a key PostgreSQL reports.
_PERSONAL = re.compile(r"[0-9]{6,}[0-9Xx]*|[\u3400-\u9fff\uf900-\ufaff]+|=\(.*?\)")


def masked(text: str) -> str:
    return _PERSONAL.sub("***", text)


def unexpected_error_report(e: BaseException) -> str:
    """Where an unhandled error happened and what kind it was, for the developer: the request's
    method and path (no query), the error's type, the first line of its message with anything
    that may be a person's data masked, the SQL statement without its parameters (the engine
    hides them too), and the stack. Never the body, the query or the values."""
    kind = type(e).__name__
    message = str(e)
    if isinstance(e, DBAPIError) and e.orig is not None:
        kind = f"{kind} ({type(e.orig).__module__}.{type(e.orig).__name__})"
        message = str(e.orig)
    lines = [
        f"unhandled {kind} on {request.method} {request.path}: "
        f"{masked(message.strip().splitlines()[0] if message.strip() else '')}"
    ]
    if isinstance(e, StatementError) and e.statement:
        lines.append(f"SQL: {masked(' '.join(e.statement.split()))[:2000]}")
    lines += traceback.format_list(traceback.extract_tb(e.__traceback__))
    return "\n".join(line.rstrip() for line in lines)
