"""Signatures and photos: uploaded alone, by a client-made id, before a record points at them."""

import hashlib
import uuid

from flask import Response, current_app, g, request

from server.api import api
from server.api.errors import ApiError
from server.core.database import write_transaction
from server.domain.roles import EDITORS
from server.extensions import db
from server.identity.access import visible_village_ids
from server.identity.tokens import login_required, roles_required
from server.models import Attachment

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff(data: bytes) -> str | None:
    """The image type from the bytes themselves, never from what the client says."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check_id(attachment_id: str) -> str:
    try:
        return str(uuid.UUID(attachment_id))
    except ValueError:
        raise ApiError(400, "附件编号格式不正确", "bad_id") from None


@api.put("/attachments/<attachment_id>")
@roles_required(*EDITORS)
def put_attachment(attachment_id: str):
    attachment_id = _check_id(attachment_id)
    limit = current_app.config["RUHU_ATTACHMENT_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        raise ApiError(
            413, f"附件不能超过 {limit // (1024 * 1024)} MB", "too_large", limit_bytes=limit
        )
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise ApiError(
            413, f"附件不能超过 {limit // (1024 * 1024)} MB", "too_large", limit_bytes=limit
        )
    kind = sniff(data)
    if kind is None:
        raise ApiError(415, "只能上传 PNG、JPEG 或 WebP 图片", "unsupported_type")
    digest = hashlib.sha256(data).hexdigest()
    with write_transaction():
        existing = db.session.get(Attachment, attachment_id)
        if existing is not None:
            if existing.sha256 != digest:
                raise ApiError(409, "该附件编号已用于另一份内容", "attachment_exists")
            return "", 200
        db.session.add(
            Attachment(
                id=attachment_id,
                content_type=kind,
                size=len(data),
                sha256=digest,
                data=data,
                uploaded_by=g.user.id,
            )
        )
    return "", 201, {"Location": f"/api/attachments/{attachment_id}"}


@api.get("/attachments/<attachment_id>")
@login_required
def get_attachment(attachment_id: str):
    attachment = db.session.get(Attachment, _check_id(attachment_id))
    allowed = attachment is not None and (
        attachment.village_id in visible_village_ids(g.user)
        if attachment.village_id is not None
        else attachment.uploaded_by == g.user.id
    )
    if not allowed:
        raise ApiError(404, "未找到该附件", "not_found")
    response = Response(attachment.data, mimetype=attachment.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.set_etag(attachment.sha256)
    return response
