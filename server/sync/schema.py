"""The shape of one sync operation, checked before anything else is done with it."""

from marshmallow import Schema, fields, validate

from ..models import INT_MAX


class Whole(fields.Integer):
    """An integer as JSON writes one: 12, or 12.0 (JSON has one kind of number), never "12"
    or true. What JSON Schema calls an integer, so the OpenAPI document says what is taken."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


ID = validate.Range(min=1, max=INT_MAX)
# An id a device makes (a UUID, or any word of printable ASCII): no NUL, no control character,
# nothing a database column or a log line would choke on.
DEVICE_WORD = validate.Regexp(r"^[!-~]+$", error="只能含英文字母、数字和符号")


class Operation(Schema):
    op_id = fields.String(required=True, validate=[validate.Length(min=8, max=64), DEVICE_WORD])
    household_id = fields.UUID(required=True)
    base_version = Whole(required=True, validate=validate.Range(min=0, max=INT_MAX))
    village_id = Whole(load_default=None, validate=ID)
    campaign_id = Whole(load_default=None, validate=ID)
    changes = fields.Dict(keys=fields.String(), required=True)
    submit = fields.Boolean(load_default=False)
