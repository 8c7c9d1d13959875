"""Signatures and photos: uploaded alone, by a client-made id, before a record points at them;
linked to a household by the writer when a version names them."""

import hashlib

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.extensions import db
from server.identity.access import visible_village_ids
from server.models import Attachment, User

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


def too_large(limit: int) -> ApiError:
    return ApiError(
        413, f"附件不能超过 {limit // (1024 * 1024)} MB", "too_large", limit_bytes=limit
    )


def store(user: User, attachment_id: str, data: bytes, limit: int) -> bool:
    """Keep an uploaded image; True when it is new. The same id again with the same bytes is a
    retry (nothing changes); with other bytes it is refused."""
    if len(data) > limit:
        raise too_large(limit)
    kind = sniff(data)
    if kind is None:
        raise ApiError(415, "只能上传 PNG、JPEG 或 WebP 图片", "unsupported_type")
    digest = hashlib.sha256(data).hexdigest()
    uploader = user.id
    with write_transaction():
        existing = db.session.get(Attachment, attachment_id)
        if existing is not None:
            if existing.sha256 != digest:
                raise ApiError(409, "该附件编号已用于另一份内容", "attachment_exists")
            return False
        db.session.add(
            Attachment(
                id=attachment_id,
                content_type=kind,
                size=len(data),
                sha256=digest,
                data=data,
                uploaded_by=uploader,
            )
        )
    return True


def visible(user: User, attachment_id: str) -> Attachment:
    """The attachment, if the user may see it: one of their villages' households', or their own
    upload not yet linked."""
    attachment = db.session.get(Attachment, attachment_id)
    allowed = attachment is not None and (
        attachment.village_id in visible_village_ids(user)
        if attachment.village_id is not None
        else attachment.uploaded_by == user.id
    )
    if not allowed:
        raise ApiError(404, "未找到该附件", "not_found")
    return attachment
