"""What can be printed, and a kept document, as the API shows them."""

from sqlalchemy import select

from server.core.serialize import pick
from server.domain.areacodes import LEVEL_WORDS
from server.domain.workflow import STATE_LABELS, STATES
from server.extensions import db
from server.models import Area, Campaign, ReportDocument, User
from server.reports import access
from server.reports.catalog import DEFAULT_STATES, line_for
from server.reports.render import FORMATS

STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "生成失败"}
FORMAT_LABELS = {"pdf": "PDF（打印、盖章）", "xlsx": "Excel 工作簿"}


def catalog_out(user: User) -> dict:
    """The tables this user may print, each with its levels and the campaigns that carry its
    line; the areas of those levels inside the user's own (one list, a table names levels)."""
    tables = access.printable_tables(user)
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.id)))
    reports = []
    for table in tables:
        amount = getattr(table, "amount", None)  # a document for people compares with no line
        usable = [c.id for c in campaigns if amount is None or line_for(table, c.lines)]
        reports.append(
            {
                "name": table.name,
                "title": table.title.format(area="", subject="").strip(),
                "kind": table.kind,
                "levels": list(access.levels(table)),
                "formats": list(getattr(table, "formats", FORMATS)),
                "campaigns": usable,
            }
        )
    levels = {level for table in tables for level in access.levels(table)}
    parents = dict(db.session.execute(select(Area.id, Area.code)).all()) if levels else {}
    areas = [
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "level_label": LEVEL_WORDS.get(a.level, a.level),
            "parent": parents.get(a.parent_id),
        }
        for a in access.areas(user, levels)
    ]
    return {
        "reports": reports,
        "areas": areas,
        "formats": [{"value": f, "label": FORMAT_LABELS.get(f, f)} for f in FORMATS],
        "states": [{"value": s, "label": STATE_LABELS[s]} for s in STATES],
        "default_states": list(DEFAULT_STATES),
    }


def document_out(document: ReportDocument) -> dict:
    area = db.session.get(Area, document.area_id)
    asker = db.session.get(User, document.requested_by) if document.requested_by else None
    out = pick(
        document,
        (
            "id",
            "report",
            "title",
            "campaign_id",
            "states",
            "format",
            "status",
            "progress",
            "progress_note",
            "error",
            "file_name",
            "size",
            "data_version",
            "ahead",
            "requested_at",
            "started_at",
            "finished_at",
        ),
    )
    out["status_label"] = STATUS_LABELS.get(document.status, document.status)
    out["options"] = (document.params or {}).get("options", {})
    out["area"] = {"code": area.code, "name": area.name, "level": area.level}
    out["requested_by"] = {"id": asker.id, "name": asker.name} if asker else None
    out["file_url"] = f"/api/reports/jobs/{document.id}/file" if document.status == "done" else None
    return out
