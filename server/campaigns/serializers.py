"""Campaigns as the API shows them."""


def campaign_out(c) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "year": c.year,
        "area_id": c.area_id,
        "period_start": c.period_start.isoformat(),
        "period_end": c.period_end.isoformat(),
        "lines": c.lines,
        "stages": c.stages,
        "form_id": c.form_id,
        "active": c.active,
    }
