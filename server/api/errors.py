"""One JSON shape for every API error: {"error": {"code", "message", "fields"?}}."""

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import MESSAGES, ApiError
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
        return error_response(422, "填写有误", "invalid", _flatten(fields))

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        if not request.path.startswith("/api/"):
            return e
        status = e.code or 500
        return error_response(
            status, MESSAGES.get(status, e.name), e.name.lower().replace(" ", "_")
        )

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


def _flatten(messages: dict, prefix: str = "") -> dict:
    """marshmallow's nested messages → flat dotted paths with lists of Chinese messages."""
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = [_chinese(v) for v in (value if isinstance(value, list) else [value])]
    return out


_TRANSLATE = {
    "Missing data for required field.": "必填",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为文字",
    "Not a valid number.": "应为数字",
    "Not a valid UUID.": "编号格式不正确",
    "Not a valid boolean.": "应为是或否",
    "Not a valid date.": "日期格式不正确",
    "Not a valid mapping type.": "格式不正确",
    "Not a valid list.": "应为列表",
    "Unknown field.": "未知字段",
    "Field may not be null.": "不能为空",
    "Invalid input type.": "格式不正确",
}


def _chinese(message) -> str:
    if not isinstance(message, str):
        return str(message)
    if message in _TRANSLATE:
        return _TRANSLATE[message]
    if message.startswith("Length must be") or message.startswith("Shorter than"):
        return "长度不符合要求"
    if message.startswith("Must be one of"):
        return "不在可选范围内"
    if message.startswith("Must be greater") or message.startswith("Must be less"):
        return "超出允许范围"
    return message
