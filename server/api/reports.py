"""Printed tables: what can be printed, a job to print one, its progress, its file, and the
documents kept for the user's areas."""

from urllib.parse import quote

from flask import Response, current_app, g, jsonify, request, url_for

from server.api import api
from server.api.schemas import ReportDocuments, ReportJobStart, load_json
from server.identity.tokens import login_required
from server.reports import jobs, store
from server.reports.render import FORMATS
from server.reports.serializers import catalog_out, document_out


@api.get("/reports")
@login_required
def list_reports():
    """What this user may print: tables, areas of their levels, formats and review states."""
    return jsonify(catalog_out(g.user))


@api.post("/reports/jobs")
@login_required
def start_report_job():
    """Start printing a document (202), or get the kept one whose data has not changed (200)."""
    schema = ReportJobStart()
    data = load_json(schema)
    document, started = jobs.request_document(
        g.user,
        data["report"],
        data["campaign_id"],
        data["area"],
        data["states"],
        data["format"],
        schema.options(data),
    )
    location = url_for("api.get_report_job", job_id=document.id)
    return jsonify(document_out(document)), 202 if started else 200, {"Location": location}


@api.get("/reports/jobs/<job_id>")
@login_required
def get_report_job(job_id: str):
    """A job's status and progress (0–100), its error in words, and its file once done."""
    return jsonify(document_out(jobs.visible(g.user, job_id)))


@api.get("/reports/jobs/<job_id>/file")
@login_required
def get_report_file(job_id: str):
    """The document's file, under its Chinese name (RFC 5987) with an ASCII one beside it."""
    document, data = jobs.file_of(g.user, job_id)
    response = Response(data, mimetype=FORMATS[document.format])
    chinese = quote(document.file_name, safe="")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{store.ascii_file_name(document)}\"; filename*=UTF-8''{chinese}"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(document.sha256)
    return response.make_conditional(request)


@api.get("/reports/documents")
@login_required
def list_report_documents():
    """The documents kept for the user's areas, newest first, to fetch again."""
    args = ReportDocuments().load(request.args)
    per_page = min(args["per_page"], current_app.config["RUHU_PAGE_SIZE_MAX"])
    rows, total = store.documents(g.user, args["page"], per_page, args)
    items = [document_out(d) for d in rows]
    return jsonify({"items": items, "page": args["page"], "per_page": per_page, "total": total})
