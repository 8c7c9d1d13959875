"""Gzip for JSON answers: a village's download is a megabyte of JSON and a tenth of that gzipped,
which is what decides whether it arrives on a weak rural signal."""

import gzip

from flask import Response, request

MIN_BYTES = 1024


def gzip_response(response: Response) -> Response:
    if (
        response.direct_passthrough
        or response.status_code < 200
        or response.status_code >= 300
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").endswith("json")
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=5, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response
