"""Compressed answers: the API's JSON and the phone shell's files travel gzipped, or brotli'd when
the browser offers it (Chromium does over HTTPS only).

On a rural "slow 3G" link (400 kbit/s) a kilobyte costs 20 ms, while compressing one costs a few
microseconds: a village's download is a megabyte of JSON and a tenth of that compressed, and the
shell's scripts a third of their size. So JSON is compressed at gzip's best level, and each static
file once per version, at the best level of either, kept in memory (the shell is a few dozen
files). A compressed static file keeps its validator as a weak ETag (as nginx does), so a phone's
conditional request (the service worker revalidates the files the page already has) is still
answered 304 with no body.
"""

import gzip
import re

import brotli
from flask import Flask, Response, request

MIN_BYTES = 1024
GZIP_LEVEL = 9  # best: ~1 ms more per 100 KB of JSON, ~10% fewer bytes than level 5
BROTLI_QUALITY = 6  # of 11: smaller than gzip 9 and faster; 7 and up cost 50% more for 2%
TEXT = re.compile(r"^(application/(.+\+)?json|text/(javascript|css|html)|application/javascript)$")
_static: dict[tuple[str, str, str], bytes] = {}


def negotiate(accept_encoding: str) -> str | None:
    """ "br" or "gzip" when the request accepts it (brotli first), else None."""
    offered = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = re.search(r"q=([0-9.]+)", params)
        offered[name.strip()] = float(q.group(1)) if q else 1.0
    for name in ("br", "gzip"):
        if offered.get(name, 0) > 0:
            return name
    return None


def compress(body: bytes, encoding: str, *, best: bool = False) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=11 if best else BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def _static_body(response: Response, encoding: str) -> bytes:
    """A static file compressed once per version (path and ETag) and encoding."""
    etag, _ = response.get_etag()
    key = (request.path, etag or "", encoding)
    if key not in _static:
        response.direct_passthrough = False  # read the file through the response
        _static[key] = compress(response.get_data(), encoding, best=True)
    elif hasattr(response.response, "close"):
        response.response.close()  # the open file, not read this time
    return _static[key]


def compress_response(response: Response) -> Response:
    if (
        request.method == "HEAD"
        or not (200 <= response.status_code < 300 or response.status_code == 304)
        or response.status_code in (204, 206)
        or "Content-Encoding" in response.headers
        or not TEXT.match(response.mimetype or "")
    ):
        return response
    encoding = negotiate(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        return response
    static = request.endpoint == "static"
    etag, weak = response.get_etag()
    if response.status_code == 304 or (not static and response.direct_passthrough):
        if static and etag and not weak:
            response.set_etag(etag, weak=True)
        return response
    if static:
        body = _static_body(response, encoding)
        if etag:
            response.set_etag(etag, weak=True)
        response.headers.pop("Accept-Ranges", None)
    else:
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        body = compress(body, encoding)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_response)
