"""Wire schemas: what the API accepts and returns, validated at the edge."""

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.workflow import ACTIONS
from ..errors import ApiError


def load_json(schema: Schema) -> dict:
    """The request's JSON body through `schema`; malformed JSON is a 400, not missing fields."""
    data = request.get_json(silent=True)
    if data is None and request.get_data(cache=True):
        raise ApiError(400, "请求不是有效的 JSON", "bad_json")
    return schema.load(data if data is not None else {})


class Login(Schema):
    class Meta:
        unknown = EXCLUDE

    username = fields.String(required=True, validate=validate.Length(min=1, max=60))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_id = fields.String(load_default=None, validate=validate.Length(max=64))
    device_label = fields.String(load_default=None, validate=validate.Length(max=120))


class HouseholdCreate(Schema):
    id = fields.UUID(load_default=None)
    village_id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    document = fields.Dict(required=True)


class HouseholdUpdate(Schema):
    base_version = fields.Integer(load_default=None, validate=validate.Range(min=1))
    document = fields.Dict(required=True)


class Paging(Schema):
    class Meta:
        unknown = EXCLUDE

    village = fields.Integer(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1))
    state = fields.String(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=40))


class Push(Schema):
    # Stored with every revision the batch writes: letters, digits and . _ : - (a UUID, as phones
    # make it), so no NUL or half of a UTF-16 pair reaches the database.
    device_id = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(r"^[0-9A-Za-z._:-]+$", error="设备编号只能包含字母、数字和 . _ : -"),
        ],
    )
    # Each operation is checked on its own (sync/push.py): one that is not even an object is
    # rejected alone, and the rest of the batch still applies.
    ops = fields.List(fields.Raw(allow_none=True), required=True)


class Pull(Schema):
    class Meta:
        unknown = EXCLUDE

    since = fields.String(load_default=None)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1))


class Resolve(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(["server", "device", "value"]))
    value = fields.Raw(load_default=None, allow_none=True)


class ResolveMany(Schema):
    resolutions = fields.Dict(keys=fields.String(), values=fields.Nested(Resolve), required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class ReviewAction(Schema):
    action = fields.String(required=True, validate=validate.OneOf(list(ACTIONS)))
    note = fields.String(load_default=None, validate=validate.Length(max=1000))


class UserCreate(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,60}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    role = fields.String(
        required=True, validate=validate.OneOf(["surveyor", "reviewer", "county", "admin"])
    )
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    area_ids = fields.List(fields.Integer(), load_default=list)


class Revoke(Schema):
    device_id = fields.String(load_default=None)


def household_out(hh, *, full: bool = True) -> dict:
    out = {
        "id": hh.id,
        "village_id": hh.village_id,
        "campaign_id": hh.campaign_id,
        "version": hh.version,
        "review_state": hh.review_state,
        "review_note": hh.review_note,
        "conflict_open": hh.conflict_open,
        "parallel_note": hh.parallel_note,
        "household_no": hh.household_no,
        "head_name": hh.head_name,
        "household_size": hh.household_size,
        "per_capita_net_income": hh.summary.get("per_capita_net_income") if hh.summary else None,
        "monitoring_type": hh.monitoring_type,
        "exit_eligible": hh.exit_eligible,
        "lines": hh.line_flags,
        "updated_at": hh.updated_at.isoformat() if hh.updated_at else None,
    }
    if full:
        out["document"] = hh.document
        out["summary"] = hh.summary
    return out


def user_out(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "areas": [
            {"id": a.id, "code": a.code, "name": a.name, "level": a.level} for a in user.areas
        ],
    }
