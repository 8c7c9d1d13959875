"""Printing at the desk: pick a table or a document for people, follow its job, fetch the file.

The page is a form over the same catalog and job path as the JSON API (`server/reports/jobs.py`):
a document whose data has not moved comes back at once from what was kept; a new one is a job,
whose page refreshes itself (a meta refresh: no script) while the bar fills, then offers the file.
"""

from flask import flash, g, redirect, request, url_for
from marshmallow import ValidationError

from server.api.schemas import ReportDocuments, ReportJobStart
from server.campaigns.queries import all_campaigns
from server.core.errors import ApiError, flatten_messages
from server.desk import bp
from server.desk.pages import add_menu, page, render
from server.domain.areacodes import LEVEL_WORDS
from server.domain.roles import COUNTY, REVIEWER
from server.reports import jobs, store
from server.reports.serializers import catalog_out, document_out

add_menu("打印报表", "desk.reports", (REVIEWER, COUNTY), 70)
FIELDS = ("report", "campaign_id", "area", "format", "start", "days", "subject", "copies")


def _form_data() -> dict:
    data = {k: request.form.get(k, "").strip() for k in FIELDS if request.form.get(k, "").strip()}
    for number in ("campaign_id", "days", "copies"):
        if data.get(number, "").isdigit():
            data[number] = int(data[number])
    states = request.form.getlist("states")
    if states:
        data["states"] = states
    data["total_first"] = request.form.get("total_first") == "1"
    data["all_households"] = request.form.get("all_households") == "1"
    return data


def _index(values: dict, errors: dict, status: int = 200):
    catalog = catalog_out(g.user)
    kept, _ = store.documents(g.user, 1, 20, ReportDocuments().load({}))
    return render(
        "desk/reports.html",
        catalog=catalog,
        campaigns=sorted(all_campaigns(), key=lambda c: (not c.active, -c.year)),
        values=values,
        errors=errors,
        kept=[document_out(d) for d in kept],
        level_words=LEVEL_WORDS,
    ), status


@bp.get("/reports")
@page(REVIEWER, COUNTY)
def reports():
    return _index({"format": "pdf"}, {})


@bp.post("/reports")
@page(REVIEWER, COUNTY)
def report_start():
    values = _form_data()
    schema = ReportJobStart()
    try:
        data = schema.load(values)
    except ValidationError as e:
        return _index(values, flatten_messages(e.messages), 422)
    try:
        document, _ = jobs.request_document(
            g.user,
            data["report"],
            data["campaign_id"],
            data["area"],
            data["states"],
            data["format"],
            schema.options(data),
        )
    except ApiError as e:
        return _index(values, e.fields or {"_": [e.message]}, e.status)
    return redirect(url_for("desk.report_job", job_id=document.id), 303)


@bp.get("/reports/<job_id>")
@page(REVIEWER, COUNTY)
def report_job(job_id: str):
    document = document_out(jobs.visible(g.user, job_id[:64]))
    if document["status"] == "failed":
        flash(document["error"] or "生成失败", "error")
    return render("desk/report_job.html", document=document)
