"""Printing off the request path: ask for a document, and a job makes it while the user watches.

`request_document` checks who asks and what for, serves a kept document whose key is unchanged
(store.py), joins a job already making the same one, or keeps a new row and queues its job.
`run` is the job: it builds the context and its data version in one snapshot of the database,
renders it with progress written to the row, and stores the file. Nothing here is HTTP.
"""

import logging
import time
from datetime import UTC, date, datetime, timedelta

from flask import current_app

from server.core import queue
from server.core.database import is_sqlite
from server.core.errors import ApiError
from server.domain.workflow import STATES
from server.extensions import db
from server.models import ReportDocument, User
from server.reports import access, people, people_render, render, store, tasks
from server.reports.catalog import DOCUMENTS
from server.reports.context import build, check, check_format
from server.reports.render import FORMATS

log = logging.getLogger(__name__)
STATUSES = ("queued", "running", "done", "failed")  # of a job (the document's row)
PROGRESS_SECONDS = 1.0  # at most one progress write a second: each is a small write transaction


def request_document(
    user: User | None,
    name: str,
    campaign_id: int,
    area_code: str,
    states,
    fmt: str,
    options,
    inline: bool = False,
) -> tuple[ReportDocument, bool]:
    """(the document, whether a new job was started). `user` None: the county's own scripts;
    `inline`: the job runs here and now (a command line has no consumer to wait for)."""
    wanted = access.entry(name)
    if wanted is None:
        raise ApiError(422, "参数有误", "invalid", {"report": ["没有这张报表"]})
    if fmt not in FORMATS:
        raise ApiError(422, "参数有误", "invalid", {"format": ["格式只能是 PDF 或 Excel"]})
    if name in DOCUMENTS:
        people.check_format(name, fmt)
        options = people.dated(name, options)
    if user is not None:
        access.require_role(user, wanted)
    if states and set(states) <= set(STATES):  # one order, so one set of states is one key
        states = [s for s in STATES if s in states]
    request = check(name, campaign_id, area_code, states)
    if name not in DOCUMENTS:
        check_format(request, fmt)
    if user is not None:
        access.require_may_print(user, request.table, request.area)
    params = store.parameters(request, fmt, options)
    key = (store.params_hash(params), store.code_version(), store.data_version(request))
    found = store.find(key, current_app.config["RUHU_REPORT_STALE_SECONDS"])
    if found is not None:
        if found.ahead:
            store.claim(found.id, user.id if user else None)  # made ahead: now someone's
        return found, False
    document_id = store.create(request, params, key, user.id if user else None)
    if inline:
        run(document_id)
    else:
        queue.of().enqueue(tasks.RENDER, document_id)
    db.session.rollback()  # the job may have run already (immediate mode): read it afresh
    return store.get(document_id), True


# The data version each watched document had at the last look, in this worker process.
_seen: dict[str, str] = {}


def prerender() -> int:
    """Make anew, ahead of time, the documents people printed lately whose data has moved and
    then stayed still for one interval (the refresh runs every few minutes in the consumer):
    asked for again, such a table is served from the kept file instead of being waited for.
    A table made ahead of time that nobody asked for is replaced by the next; how many were
    queued is returned."""
    config = current_app.config
    since = datetime.now(UTC) - timedelta(days=config["RUHU_PRERENDER_DAYS"])
    queued = 0
    for params_hash, params in store.watched(since):
        try:
            request = check(
                params["report"], params["campaign_id"], params["area"], params["states"]
            )
        except ApiError:  # the campaign's line or the area is gone: nothing to make
            continue
        key = (params_hash, store.code_version(), store.data_version(request))
        moving = _seen.get(params_hash) != key[2]
        _seen[params_hash] = key[2]
        if moving or store.find(key, config["RUHU_REPORT_STALE_SECONDS"]) is not None:
            db.session.rollback()
            continue
        store.drop_unclaimed(params_hash)
        queue.of().enqueue(tasks.RENDER, store.create(request, params, key, None, ahead=True))
        queued += 1
    db.session.rollback()
    return queued


def visible(user: User, document_id: str) -> ReportDocument:
    """A kept document this user may fetch; 404 for one that does not exist or is not theirs."""
    document = store.get(document_id)
    if document is None or not access.may_see(user, document):
        raise ApiError(404, "未找到该报表", "not_found")
    return document


def file_of(user: User, document_id: str) -> tuple[ReportDocument, bytes]:
    document = visible(user, document_id)
    if document.status == "failed":
        raise ApiError(409, f"报表生成失败：{document.error}", "report_failed")
    if document.status != "done":
        raise ApiError(409, "报表尚未生成完成，请稍候", "not_ready", progress=document.progress)
    return document, store.file_bytes(document.id)


def run(document_id: str) -> None:
    """The job: never raises; a failure is kept on the row, in words the user can act on."""
    document = store.get(document_id)
    if document is None or document.status not in store.IN_FLIGHT:
        return  # deleted, or run already (a queue may deliver a job twice)
    params = dict(document.params)
    db.session.rollback()
    try:
        store.started(document_id)
        context, version = _snapshot(params)
        store.progressed(document_id, 30, "已统计，正在排版")
        if params["report"] in DOCUMENTS:
            data = people_render.render(context, params["format"])
        else:
            data = render.render(context, params["format"], _reporter(document_id))
        name = store.file_name(context["title"], params["format"], datetime.now(UTC))
        store.finished(document_id, data, name, version)
    except ApiError as e:  # the parameters no longer hold (a campaign's line removed, say)
        db.session.rollback()
        detail = "；".join("，".join(v) for v in (e.fields or {}).values())
        store.failed(document_id, f"{e.message}：{detail}" if detail else e.message)
    except Exception as e:  # noqa: BLE001  (kept on the row; the log names no person)
        db.session.rollback()
        log.exception("report %s failed: %s", document_id, type(e).__name__)
        store.failed(document_id, "生成报表时出错，请稍后重试；仍不成功请联系管理员")


def _snapshot(params: dict) -> tuple[dict, str]:
    """The context and the data version it was built from, read in one snapshot (SQLite's read
    transaction is one; PostgreSQL needs REPEATABLE READ for several statements to agree). A
    workbook's household list is the exception: its rows are read as the workbook is written
    (a county's 100,000 would not fit the memory a job may take), a moment after the version."""
    if not is_sqlite():
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        request = check(params["report"], params["campaign_id"], params["area"], params["states"])
        version = store.data_version(request)
        options = _options(params)
        if params["report"] in DOCUMENTS:
            make = people.build
        else:
            make, options["stream"] = build, params["format"] == "xlsx"
        context = make(
            params["report"], params["campaign_id"], params["area"], params["states"], **options
        )
        return context, version
    finally:
        db.session.rollback()


def _options(params: dict) -> dict:
    """The document's own options as its builder takes them (a notice's first day is kept as
    text, so that the parameters hash the same however they were given)."""
    options = dict(params["options"])
    if options.get("start"):
        options["start"] = date.fromisoformat(str(options["start"])[:10])
    return options


def _reporter(document_id: str):
    """A progress callback for render: 30 % when counted, the rest by rows written or pages laid
    out, at most one write a second."""
    last = [0.0]

    def report(done: int, total: int | None, unit: str) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_SECONDS and (total is None or done < total):
            return
        last[0] = now
        if total is None:  # pages laid out so far, of a count not known yet: creep towards 90
            share = 0.9 * done / (done + 10)
        else:
            share = done / total if total else 1
        note = f"已排版 {done} {unit}" if unit == "页" else f"已写入 {done}/{total} {unit}"
        store.progressed(document_id, 30 + int(65 * share), note)

    return report
