"""The shape of one sync operation, checked before anything else is done with it."""

from marshmallow import Schema, fields, validate


class Operation(Schema):
    op_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    household_id = fields.UUID(required=True)
    base_version = fields.Integer(required=True, validate=validate.Range(min=0))
    village_id = fields.Integer(load_default=None)
    campaign_id = fields.Integer(load_default=None)
    changes = fields.Dict(keys=fields.String(), required=True)
    submit = fields.Boolean(load_default=False)
