"""What a phone downloads before it goes out: form definitions, campaigns, the area tree."""

from flask import g, jsonify, request

from server.api import api
from server.api.errors import ApiError
from server.campaigns import queries as campaigns
from server.campaigns.serializers import campaign_out
from server.domain import forms
from server.identity.access import area_tree
from server.identity.tokens import login_required


@api.get("/forms")
@login_required
def list_forms():
    return jsonify(
        [
            {
                "id": f["id"],
                "version": f["version"],
                "title": f["title"],
                "etag": forms.etag(f["id"]),
            }
            for f in forms.all_forms()
        ]
    )


@api.get("/forms/<form_id>")
@login_required
def get_form(form_id: str):
    try:
        definition = forms.load(form_id)
    except KeyError:
        raise ApiError(404, "未找到该表单", "not_found") from None
    etag = forms.etag(form_id)
    if request.if_none_match.contains(etag):
        return "", 304, {"ETag": f'"{etag}"'}
    response = jsonify(definition)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@api.get("/campaigns")
@login_required
def list_campaigns():
    return jsonify([campaign_out(c) for c in campaigns.active_campaigns()])


@api.get("/areas")
@login_required
def list_areas():
    return jsonify(area_tree(g.user))
