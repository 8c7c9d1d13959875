"""The county office's campaigns: create, edit (a line changed recomputes the verdicts), copy last
year's, recompute, and carry every family forward into a new campaign."""

from flask import g, jsonify

from server.api import api
from server.api.county_schemas import CampaignCreate, CampaignIn, CarryForward
from server.api.schemas import load_json
from server.campaigns import service, tasks
from server.campaigns.queries import get_campaign
from server.campaigns.serializers import campaign_out, draft_out
from server.core.errors import ApiError
from server.domain.roles import COUNTY
from server.identity.tokens import login_required, roles_required


@api.post("/campaigns")
@roles_required(COUNTY)
def create_campaign():
    """Create a campaign (its lines, stages and the review states its tables count)."""
    campaign_id = service.create(g.user, load_json(CampaignCreate()))
    response = jsonify(campaign_out(get_campaign(campaign_id)))
    return response, 201, {"Location": f"/api/campaigns/{campaign_id}"}


@api.get("/campaigns/<int:campaign_id>")
@login_required
def get_one_campaign(campaign_id: int):
    """One campaign, with the progress of its last long task."""
    campaign = get_campaign(campaign_id)
    if campaign is None:
        raise ApiError(404, "未找到该调查轮次", "not_found")
    return jsonify(campaign_out(campaign))


@api.put("/campaigns/<int:campaign_id>")
@roles_required(COUNTY)
def update_campaign(campaign_id: int):
    """Edit a campaign; when its lines change, a job recomputes its households' verdicts
    (`recompute`: its progress, as on the campaign; null when the lines stayed)."""
    changed = service.update(g.user, campaign_id, load_json(CampaignIn()))
    progress = tasks.start_recompute(campaign_id) if changed else None
    return jsonify({"campaign": campaign_out(get_campaign(campaign_id)), "recompute": progress})


@api.get("/campaigns/<int:campaign_id>/next-year")
@roles_required(COUNTY)
def next_year_campaign(campaign_id: int):
    """ "Copy last year's": the campaign a year on, to be checked and created (not saved)."""
    return jsonify(draft_out(service.next_year_draft(g.user, campaign_id)))


@api.post("/campaigns/<int:campaign_id>/recompute")
@roles_required(COUNTY)
def recompute_campaign(campaign_id: int):
    """Queue the recompute of every household's verdicts from the campaign's lines; 202 with
    its progress (the campaign's `progress`, which `GET /campaigns/<id>` follows)."""
    service.require(g.user, campaign_id)
    return jsonify({"progress": tasks.start_recompute(campaign_id)}), 202


@api.post("/campaigns/<int:campaign_id>/carry-forward")
@roles_required(COUNTY)
def carry_forward_campaign(campaign_id: int):
    """Start the campaign: queue carrying every family of its area forward from the campaign
    before; 202 with its progress (done: `carried`, and `skipped` for documents the rules now
    refuse)."""
    data = load_json(CarryForward())
    progress = tasks.start_carry(g.user, campaign_id, data["source_campaign_id"])
    return jsonify({"progress": progress}), 202
