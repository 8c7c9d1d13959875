"""The kept documents: their cache key, and the rows a job moves from queued to done.

A document is found again by three things: its parameters (`params_hash`), the code that
prints it (`code_version`: this package, its templates and the form definitions) and the data
it read (`data_version`). The data version is the scope's (max change_seq, count) over the
households the document may read (campaign, area, review states: queries.document_version),
with a digest of what else appears on its face (the campaign's name and lines, the names of the
scope's areas). A household written elsewhere changes none of the three.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import delete, func, select, update

from server.core import clock
from server.core.database import write_transaction
from server.extensions import db
from server.models import Area, ReportDocument, User
from server.reports import access, queries
from server.reports.context import Request

ROOT = Path(__file__).resolve().parents[2]
# What a printed document depends on besides its data: change one, and every document is new.
CODE = (
    ROOT / "server" / "reports",
    ROOT / "web" / "templates" / "reports",
    ROOT / "server" / "domain" / "forms",
)
IN_FLIGHT = ("queued", "running")


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css", ".json"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def parameters(request: Request, fmt: str, options: dict) -> dict:
    """Every parameter of one document, in one canonical form: its hash is the cache key."""
    return {
        "report": request.table.name,
        "campaign_id": request.campaign.id,
        "area": request.area.code,
        "states": list(request.states),
        "format": fmt,
        "options": dict(sorted(options.items())),
    }


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def params_hash(params: dict) -> str:
    return hashlib.sha256(_canonical(params).encode()).hexdigest()


def data_version(request: Request) -> str:
    """What the document read, as one short string; see the module's docstring."""
    top, count = queries.document_version(request.campaign.id, request.area, request.states)
    campaign = request.campaign
    faces = [campaign.name, campaign.lines, str(campaign.period_start), str(campaign.period_end)]
    named = select(Area.code, Area.name).where(Area.path.startswith(request.area.path))
    faces += [list(row) for row in db.session.execute(named.order_by(Area.code))]
    face = hashlib.sha256(_canonical(faces).encode()).hexdigest()[:12]
    return f"{top}-{count}-{face}"


def find(key: tuple[str, str, str], stale_after: int) -> ReportDocument | None:
    """A finished document of this key, else one still being made (and alive lately)."""
    params, code, data = key
    query = select(ReportDocument).where(
        ReportDocument.params_hash == params,
        ReportDocument.code_version == code,
        ReportDocument.data_version == data,
    )
    done = db.session.scalar(
        query.where(ReportDocument.status == "done").order_by(ReportDocument.finished_at.desc())
    )
    if done is not None:
        return done
    alive = datetime.now(UTC) - timedelta(seconds=stale_after)
    return db.session.scalar(
        query.where(
            ReportDocument.status.in_(IN_FLIGHT), ReportDocument.touched_at >= alive
        ).order_by(ReportDocument.requested_at.desc())
    )


def create(
    request: Request, params: dict, key: tuple[str, str, str], user_id, ahead: bool = False
) -> str:
    """A queued document, committed before its job is sent (the job reads it by id)."""
    document_id = str(uuid.uuid4())
    with write_transaction() as session:
        now = datetime.now(UTC)
        session.add(
            ReportDocument(
                id=document_id,
                report=request.table.name,
                title=request.table.title.format(area=request.area.name, subject=""),
                campaign_id=request.campaign.id,
                area_id=request.area.id,
                states=list(request.states),
                format=params["format"],
                params=params,
                params_hash=key[0],
                code_version=key[1],
                data_version=key[2],
                requested_by=user_id,
                ahead=ahead,
                requested_at=now,
                touched_at=now,
                status="queued",
                progress=0,
            )
        )
    return document_id


def get(document_id: str) -> ReportDocument | None:
    try:
        document_id = str(uuid.UUID(document_id))
    except (ValueError, AttributeError, TypeError):
        return None
    return db.session.get(ReportDocument, document_id)


def file_bytes(document_id: str) -> bytes:
    return db.session.scalar(select(ReportDocument.data).where(ReportDocument.id == document_id))


def _set(document_id: str, **values) -> None:
    with write_transaction() as session:
        values["touched_at"] = datetime.now(UTC)
        session.execute(
            update(ReportDocument).where(ReportDocument.id == document_id).values(**values)
        )


def started(document_id: str) -> None:
    now = datetime.now(UTC)
    _set(document_id, status="running", started_at=now, progress=1, progress_note="正在统计")


def progressed(document_id: str, progress: int, note: str) -> None:
    _set(document_id, progress=max(0, min(99, progress)), progress_note=note[:80])


def finished(document_id: str, data: bytes, file_name: str, data_version: str) -> None:
    """The file and the data version it was really built from (the data may have moved on
    since the request: the key then names what the file holds)."""
    _set(
        document_id,
        status="done",
        progress=100,
        progress_note="已完成",
        finished_at=datetime.now(UTC),
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=file_name,
        data_version=data_version,
    )


def claim(document_id: str, user_id: int | None) -> None:
    """A document made ahead of time becomes the first asker's, and is kept from then on
    (once: later askers change nothing, and a cached answer writes nothing)."""
    with write_transaction() as session:
        session.execute(
            update(ReportDocument)
            .where(ReportDocument.id == document_id, ReportDocument.ahead.is_(True))
            .values(requested_by=user_id, ahead=False)
        )


def watched(since: datetime) -> list[tuple[str, dict]]:
    """(params_hash, params) of every document a person asked for since `since`."""
    query = (
        select(ReportDocument.params_hash, ReportDocument.params)
        .where(ReportDocument.requested_by.is_not(None), ReportDocument.requested_at >= since)
        .order_by(ReportDocument.requested_at.desc())
    )
    found: dict[str, dict] = {}
    for params_hash, params in db.session.execute(query):
        found.setdefault(params_hash, params)
    return list(found.items())


def drop_unclaimed(params_hash: str) -> None:
    """Tables made ahead of time that nobody asked for, superseded by the one about to be made."""
    with write_transaction() as session:
        session.execute(
            delete(ReportDocument).where(
                ReportDocument.params_hash == params_hash,
                ReportDocument.ahead.is_(True),
                ReportDocument.status.in_(("done", "failed")),
            )
        )


def failed(document_id: str, message: str) -> None:
    _set(document_id, status="failed", error=message, finished_at=datetime.now(UTC))


def file_name(title: str, fmt: str, taken_at: datetime) -> str:
    """The title and the moment, as a county files it: 青山县农户…统计表-20201012-1530.pdf."""
    safe = "".join(c for c in title if c not in '\\/:*?"<>|\r\n\t')[:150]
    return f"{safe}-{clock.local(taken_at).strftime('%Y%m%d-%H%M')}.{fmt}"


def ascii_file_name(document: ReportDocument) -> str:
    """For a client that cannot read the Chinese name: the report, the area, the moment."""
    code = db.session.scalar(select(Area.code).where(Area.id == document.area_id))
    moment = document.finished_at or document.requested_at
    moment = clock.local(moment)
    return f"{document.report}-{code}-{moment.strftime('%Y%m%d-%H%M')}.{document.format}"


def documents(user: User, page: int, per_page: int, filters: dict) -> tuple[list, int]:
    """The kept documents the user may fetch again, newest first, and how many there are."""
    where = [access.documents_filter(user)]
    if filters.get("report"):
        where.append(ReportDocument.report == filters["report"])
    if filters.get("campaign"):
        where.append(ReportDocument.campaign_id == filters["campaign"])
    if filters.get("area"):
        where.append(Area.code == filters["area"])
    base = select(ReportDocument).join(Area, Area.id == ReportDocument.area_id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.scalars(
        base.order_by(ReportDocument.requested_at.desc(), ReportDocument.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), int(total)
