"""Wire schemas: what the API accepts and returns, validated at the edge."""

import re

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from server.core.errors import ApiError
from server.domain.roles import ROLES
from server.domain.workflow import ACTIONS, STATES
from server.models import INT_MAX
from server.sync.pull import FORMATS as PULL_FORMATS
from server.sync.schema import DEVICE_WORD, Whole

# Every integer the API takes fits the database's (an id, a version, a page): a larger one is a
# 422 with its field named, never an overflow in the driver.
ID = validate.Range(min=1, max=INT_MAX)
COUNT = validate.Range(min=1, max=INT_MAX)


def load_json(schema: Schema) -> dict:
    """The request's JSON body through `schema`; malformed JSON is a 400, not missing fields."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes: no form is anything like it
        raise ApiError(400, "请求的 JSON 嵌套过深", "bad_json") from None
    if data is None and request.get_data(cache=True):
        raise ApiError(400, "请求不是有效的 JSON", "bad_json")
    # A questionnaire is checked field by field by the domain's validation, which names the
    # field in the form's terms; everything else in a body is checked here.
    bad = _unstorable_text(
        {k: v for k, v in data.items() if k != "document"} if isinstance(data, dict) else data
    )
    if bad is not None:
        raise ApiError(422, "填写有误", "invalid", {bad or "_": ["含有不允许的字符"]})
    return schema.load(data if data is not None else {})


# No text holds a NUL (PostgreSQL refuses it) or half of a UTF-16 pair (no encoding can store it).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable_text(value, path: str = "") -> str | None:
    """The dotted path of the first key or string in `value` that no database can store."""
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                if _UNSTORABLE.search(key):
                    return path or "_"
                stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value))
    return None


class Login(Schema):
    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True, validate=validate.Length(min=1, max=60))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_id = fields.String(load_default=None, validate=validate.Length(max=64))
    device_label = fields.String(load_default=None, validate=validate.Length(max=120))


class HouseholdCreate(Schema):
    id = fields.UUID(load_default=None)
    village_id = Whole(required=True, validate=ID)
    campaign_id = Whole(required=True, validate=ID)
    document = fields.Dict(required=True)


class HouseholdUpdate(Schema):
    base_version = Whole(load_default=None, validate=COUNT)
    document = fields.Dict(required=True)


class Paging(Schema):
    class Meta:
        unknown = EXCLUDE

    village = fields.Integer(load_default=None, validate=ID)
    page = fields.Integer(load_default=1, validate=COUNT)
    per_page = fields.Integer(load_default=50, validate=COUNT)  # more than 500 is served as 500
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    q = fields.String(load_default=None, validate=validate.Length(max=40))


class Push(Schema):
    device_id = fields.String(required=True, validate=[validate.Length(min=1, max=64), DEVICE_WORD])
    # Each operation is checked on its own (sync/push.py): one that is not even an object is
    # rejected alone, and the rest of the batch still applies.
    ops = fields.List(fields.Raw(allow_none=True), required=True)


class Pull(Schema):
    class Meta:
        unknown = EXCLUDE

    since = fields.String(load_default=None, validate=validate.Length(max=64))
    limit = fields.Integer(load_default=200, validate=COUNT)  # more than 500 is served as 500
    v = fields.Integer(load_default=1, validate=validate.OneOf(PULL_FORMATS))


class Resolve(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(["server", "device", "value"]))
    value = fields.Raw(load_default=None, allow_none=True)


class ResolveMany(Schema):
    # Keyed by the conflict's id, as GET /api/conflicts lists it.
    resolutions = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$", error="冲突编号不正确")),
        values=fields.Nested(Resolve),
        required=True,
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ReviewAction(Schema):
    action = fields.String(required=True, validate=validate.OneOf(list(ACTIONS)))
    note = fields.String(load_default=None, validate=validate.Length(max=1000))


class UserCreate(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,60}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    area_ids = fields.List(
        Whole(validate=ID),
        load_default=list,
        validate=validate.Length(max=1000),
    )


class Revoke(Schema):
    device_id = fields.String(
        load_default=None, validate=[validate.Length(min=1, max=64), DEVICE_WORD]
    )
