"""Campaigns as the API shows them."""

from server.core.serialize import iso, pick

FIELDS = ("id", "name", "kind", "year", "area_id", "period_start", "period_end", "lines")
DETAILS = ("stages", "form_id", "active", "report_states", "source_campaign_id", "carried_at")


def campaign_out(c) -> dict:
    return pick(c, (*FIELDS, *DETAILS, "progress"))


def draft_out(draft: dict) -> dict:
    """A campaign not yet saved (a copy to be checked), dates as ISO text."""
    return {k: iso(v) if hasattr(v, "isoformat") else v for k, v in draft.items()}
