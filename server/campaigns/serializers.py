"""Campaigns as the API shows them."""

from server.core.serialize import pick

FIELDS = ("id", "name", "kind", "year", "area_id", "period_start", "period_end", "lines")


def campaign_out(c) -> dict:
    return pick(c, (*FIELDS, "stages", "form_id", "active"))
