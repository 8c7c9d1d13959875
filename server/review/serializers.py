"""The review desk's answers as the JSON API gives them: the dashboard, the queue, a campaign."""

from server.domain.stages import Timing
from server.review.dashboard import Dashboard, Row
from server.review.queue import Page


def campaign_brief(campaign) -> dict | None:
    if campaign is None:
        return None
    return {"id": campaign.id, "name": campaign.name, "kind": campaign.kind, "year": campaign.year}


def lines_out(lines: list[dict]) -> list[dict]:
    keys = ("key", "label", "purpose", "amount", "comparison")
    return [{k: line.get(k) for k in keys} for line in lines]


def timing_out(timing: Timing) -> dict | None:
    if timing.stage is None:
        return None
    return {
        "name": timing.stage.name,
        "due": timing.stage.due.isoformat(),
        "goal": timing.stage.goal,
        "days_left": timing.days_left,
        "overdue": timing.overdue,
    }


def row_out(row: Row) -> dict:
    return {
        "id": row.area_id,
        "name": row.name,
        "total": row.total,
        "counts": dict(row.counts),
        "below": dict(row.below),
        "overdue": row.overdue,
        "progress": row.progress,
    }


def dashboard_out(board: Dashboard) -> dict:
    return {
        "campaign": campaign_brief(board.campaign),
        "lines": lines_out(board.lines),
        "today": board.today.isoformat(),
        "stage": timing_out(board.timing),
        "townships": [
            row_out(t.row) | {"villages": [row_out(v) for v in t.villages]} for t in board.townships
        ],
        "total": row_out(board.total),
    }


def queue_out(result: Page, per_page: int) -> dict:
    return {
        "campaign": campaign_brief(result.campaign),
        "lines": lines_out(result.lines),
        "items": result.rows,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "per_page": per_page,
    }
