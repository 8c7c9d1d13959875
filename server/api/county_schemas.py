"""Wire schemas of the county office's work: village submission and acceptance, campaigns.

They check each field's type, size and allowed values at the edge (and the OpenAPI document lists
them as enums); what holds across fields (a period's order, one exit line, stages near the
period) is the domain's (server/domain/campaigns.py), with the same field paths.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from server.api.schemas import ID
from server.domain.campaigns import COMPARISON_WORDS, KINDS, MAX_LINES, MAX_STAGES, PURPOSES
from server.domain.workflow import STATES
from server.review.villages import SHOW
from server.sync.schema import Whole

MONEY = validate.Regexp(r"^[0-9]{1,7}(\.[0-9]{1,2})?$", error="金额应为数字，最多两位小数")
YEAR = validate.Range(min=2000, max=2100)


class VillageList(Schema):
    """The villages of a campaign the caller sees, with their review progress and submission."""

    class Meta:
        unknown = EXCLUDE

    campaign = fields.Integer(required=True, validate=ID)
    township = fields.Integer(load_default=None, validate=ID)
    # waiting: the county has to decide; ready: the township can submit; blocked: households
    # undecided; accepted; returned.
    show = fields.String(load_default=None, validate=validate.OneOf(list(SHOW)))


class VillageAction(Schema):
    """A village of a campaign: submit it (township) or accept it (county)."""

    campaign_id = Whole(required=True, validate=ID)
    village_id = Whole(required=True, validate=ID)


class VillageReturn(VillageAction):
    """Send a submitted village back to the township, with the reason."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class LineIn(Schema):
    key = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,29}$"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=40))
    amount = fields.String(required=True, validate=MONEY)
    comparison = fields.String(required=True, validate=validate.OneOf(COMPARISON_WORDS))
    purpose = fields.String(load_default="statistic", validate=validate.OneOf(list(PURPOSES)))


class StageIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    due = fields.Date(required=True)


class CampaignIn(Schema):
    """A campaign as the county office creates or edits it."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    year = Whole(required=True, validate=YEAR)
    area_id = Whole(required=True, validate=ID)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    lines = fields.List(
        fields.Nested(LineIn), required=True, validate=validate.Length(min=1, max=MAX_LINES)
    )
    stages = fields.List(
        fields.Nested(StageIn), load_default=list, validate=validate.Length(max=MAX_STAGES)
    )
    report_states = fields.List(
        fields.String(validate=validate.OneOf(STATES)),
        load_default=None,
        validate=validate.Length(min=1, max=len(STATES)),
    )
    active = fields.Boolean(load_default=True)


class CampaignCreate(CampaignIn):
    """A new campaign; `source_campaign_id` names the one it copies ("copy last year's")."""

    source_campaign_id = Whole(load_default=None, validate=ID)


class CarryForward(Schema):
    """Carry every family of the campaign's area forward from the campaign before."""

    source_campaign_id = Whole(required=True, validate=ID)
