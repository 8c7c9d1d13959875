"""Push a batch of device operations; pull the changes since a cursor."""

from flask import current_app, g, request
from flask_jwt_extended import get_jwt

from server.api import api
from server.api.errors import ApiError
from server.api.schemas import Pull, Push
from server.core import jsontext
from server.domain.roles import EDITORS
from server.identity.tokens import login_required, note_sync, roles_required
from server.sync.pull import pull as pull_changes
from server.sync.push import push as push_ops


@api.post("/sync/push")
@roles_required(*EDITORS)
def push():
    cfg = current_app.config
    if (request.content_length or 0) > cfg["RUHU_PUSH_MAX_BYTES"]:
        raise ApiError(
            413,
            f"一次同步的数据不能超过 {cfg['RUHU_PUSH_MAX_BYTES'] // (1024 * 1024)} MB，请分批同步",
            "batch_too_large",
            limit_bytes=cfg["RUHU_PUSH_MAX_BYTES"],
        )
    try:
        body = jsontext.loads(request.get_data(cache=False) or b"{}")
    except ValueError:
        raise ApiError(400, "请求不是有效的 JSON", "bad_json") from None
    except RecursionError:  # nested deeper than the parser goes
        raise ApiError(400, "请求的 JSON 嵌套过深", "bad_json") from None
    data = Push().load(body if isinstance(body, dict) else {})
    if len(data["ops"]) > cfg["RUHU_PUSH_MAX_OPS"]:
        raise ApiError(
            413,
            f"一次最多同步 {cfg['RUHU_PUSH_MAX_OPS']} 条操作，请分批同步",
            "batch_too_large",
            limit_ops=cfg["RUHU_PUSH_MAX_OPS"],
        )
    results = push_ops(g.user, data["device_id"], data["ops"])
    note_sync(get_jwt())
    return current_app.response_class(
        jsontext.dumps({"results": results}), mimetype="application/json"
    )


@api.get("/sync/pull")
@login_required
def pull():
    args = Pull().load(request.args)
    body = pull_changes(g.user, args["since"], min(args["limit"], 500), args["v"])
    note_sync(get_jwt())
    return current_app.response_class(body, mimetype="application/json")
