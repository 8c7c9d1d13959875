"""What every API request must be before a handler sees it.

Ids in a URL fit the database's integers; no NUL byte in a path or a query (PostgreSQL refuses it
in any text, and no name, id or search has one); a body sent in chunks, without Content-Length,
is no larger than MAX_CONTENT_LENGTH and is then handed on as if its length had been declared,
so that every size check a handler makes sees it.
"""

import io

from flask import Blueprint, current_app, request
from werkzeug.routing import IntegerConverter
from werkzeug.wsgi import get_content_length

from server.core.errors import ApiError
from server.models import INT_MAX


class BoundedInt(IntegerConverter):
    """`<int:...>` that matches only what an Integer column can hold (anything else is a 404)."""

    def __init__(self, map, fixed_digits=0, min=0, max=INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def register(api: Blueprint) -> None:
    """Call before the routes are added: their converters are chosen when they are."""
    api.record_once(lambda state: state.app.url_map.converters.update(int=BoundedInt))
    api.before_request(_refuse_what_no_handler_can_take)


def _refuse_what_no_handler_can_take() -> None:
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        raise ApiError(400, "请求地址中含有不允许的字符", "bad_request")
    if _chunked():
        _read_chunked_body(current_app.config["MAX_CONTENT_LENGTH"])


def _chunked() -> bool:
    """Whether the body comes without a declared length (read from the environ: the request's
    content_length is cached once read, and must see the length this module declares)."""
    return (
        get_content_length(request.environ) is None
        and "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    )


def _read_chunked_body(limit: int) -> None:
    """Read the body (at most `limit` bytes, or 413) and declare its length. The server has
    undone the chunking (it sets wsgi.input_terminated), so the stream ends with the body."""
    environ = request.environ
    stream, chunks, size = environ["wsgi.input"], [], 0
    while size <= limit:
        chunk = stream.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise ApiError(
            413, f"请求不能超过 {limit // (1024 * 1024)} MB", "too_large", limit_bytes=limit
        )
    environ["wsgi.input"] = io.BytesIO(b"".join(chunks))
    environ["CONTENT_LENGTH"] = str(size)
    del environ["HTTP_TRANSFER_ENCODING"]  # with it, the declared length would not count
