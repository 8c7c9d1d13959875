"""What an administrator's requests carry: accounts, passwords and the audit log's filters."""

from marshmallow import EXCLUDE, Schema, fields, validate

from server.api.schemas import COUNT, ID
from server.domain.roles import ROLES
from server.identity.areas import ROWS_MAX
from server.identity.audit import KIND_LABELS
from server.sync.schema import Whole

PHONE = validate.Regexp(r"^[0-9+\- ]{5,20}$", error="电话号码格式不正确")
PASSWORD = validate.Length(min=8, max=200, error="密码长度应为 8 至 200 个字符")


class UserUpdate(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    area_ids = fields.List(
        Whole(validate=ID), load_default=list, validate=validate.Length(max=1000)
    )
    active = fields.Boolean(load_default=None, allow_none=True)


class PasswordReset(Schema):
    password = fields.String(required=True, validate=PASSWORD)


class AuditQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    user_id = fields.Integer(load_default=None, validate=ID)
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(tuple(KIND_LABELS)))
    page = fields.Integer(load_default=1, validate=COUNT)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AreaRow(Schema):
    """One line of a list of areas: its content is checked row by row (a faulty row is reported
    and the others applied); here only that both are text of a bounded length."""

    code = fields.String(required=True, validate=validate.Length(max=40))
    name = fields.String(required=True, validate=validate.Length(max=200))


class AreaImport(Schema):
    rows = fields.List(
        fields.Nested(AreaRow),
        required=True,
        validate=validate.Length(min=1, max=ROWS_MAX, error=f"应有 1 至 {ROWS_MAX} 行"),
    )
