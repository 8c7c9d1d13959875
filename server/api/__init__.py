"""The HTTP API: one blueprint under /api; each module holds the routes of one resource."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api")

from server.api.limits import register as register_limits  # noqa: E402

register_limits(api)  # before the routes: it bounds the ids their URLs take

from server.api import (  # noqa: E402,F401  (the modules register their routes on `api`)
    admin,
    attachments,
    auth,
    campaigns,
    catalog,
    conflicts,
    households,
    openapi,
    reports,
    review,
    review_desk,
    sync,
    villages,
)
