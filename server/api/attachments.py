"""Signatures and photos: uploaded alone, by a client-made id, before a record points at them."""

import uuid

from flask import Response, current_app, g, request

from server.api import api
from server.api.errors import ApiError
from server.domain.roles import EDITORS
from server.households import attachments
from server.identity.tokens import login_required, roles_required


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
        raise attachments.too_large(limit)
    if not attachments.store(g.user, attachment_id, request.get_data(cache=False), limit):
        return "", 200
    return "", 201, {"Location": f"/api/attachments/{attachment_id}"}


@api.get("/attachments/<attachment_id>")
@login_required
def get_attachment(attachment_id: str):
    attachment = attachments.visible(g.user, _check_id(attachment_id))
    response = Response(attachment.data, mimetype=attachment.content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.set_etag(attachment.sha256)
    return response
