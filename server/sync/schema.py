"""The shape of one sync operation, checked before anything else is done with it."""

from marshmallow import Schema, fields, validate

from ..models import INT_MAX

ID = validate.Range(min=1, max=INT_MAX)


class Operation(Schema):
    op_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    household_id = fields.UUID(required=True)
    base_version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=INT_MAX)
    )
    village_id = fields.Integer(load_default=None, strict=True, validate=ID)
    campaign_id = fields.Integer(load_default=None, strict=True, validate=ID)
    changes = fields.Dict(keys=fields.String(), required=True)
    submit = fields.Boolean(load_default=False)
