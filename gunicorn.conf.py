"""Gunicorn's settings for every start from this folder (`make run`, tests/live.py): gunicorn
reads this file itself.

Its logs must not hold personal data. A search is a query string (`?q=<an ID number>`), and so
can be a Referer: the access log prints the names of the query's parameters and hides their
values, but for a few that are never personal; the error log (which prints the request's URI
when a request fails) is masked the same way.
"""

import logging
import os
import re
import signal
import subprocess
import sys
from urllib.parse import parse_qsl, urlencode

from gunicorn.glogging import Logger

# Parameters whose values are ids, counters and states, never a person's data.
PLAIN = frozenset({"page", "per_page", "limit", "since", "state", "village", "township"})
_QUERY = re.compile(r"\?[^\s\"']*")


def masked_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v if k in PLAIN else "***") for k, v in pairs], safe="*")


def masked_uri(text: str) -> str:
    """Every query string in `text` (a URI, a log line) with its values masked."""
    return _QUERY.sub(lambda m: "?" + masked_query(m.group(0)[1:]), text)


class _MaskQueries(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = masked_uri(record.getMessage()), ()
        return True


class MaskingLogger(Logger):
    """gunicorn's logger, printing no query value but the plain ones (see PLAIN)."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_MaskQueries())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        query = masked_query(environ.get("QUERY_STRING", ""))
        uri = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        atoms["q"] = query
        atoms["r"] = f"{environ['REQUEST_METHOD']} {uri} {environ['SERVER_PROTOCOL']}"
        atoms["f"] = masked_uri(atoms["f"])
        # No request header is printed as it came: a format that names one gets it masked.
        for key in [k for k in atoms if k.endswith("}i")]:
            atoms[key] = masked_uri(atoms[key])
        return atoms


logger_class = MaskingLogger


# The job worker beside the web workers: long work (printed documents, a campaign's recompute
# and carry-forward) runs as huey jobs (server/core/queue.py). `make run` sets RUHU_CONSUMER (the
# number of job workers); the consumer is started when gunicorn is ready and stopped when it
# exits, and the kernel ends it if gunicorn dies any other way (PR_SET_PDEATHSIG). A province
# runs consumers on their own.
_consumer = None


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: on_exit still stops it
        pass


def when_ready(server) -> None:
    global _consumer
    workers = os.environ.get("RUHU_CONSUMER", "").strip()
    if not workers or workers == "0":
        return
    _consumer = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "worker.huey", "--workers", workers],
        cwd=os.path.dirname(os.path.abspath(__file__)),
        preexec_fn=_die_with_parent,  # noqa: PLW1509  (gunicorn's master has one thread)
    )
    server.log.info("Job consumer started (pid %s, %s worker(s))", _consumer.pid, workers)


def on_exit(server) -> None:
    if _consumer is None or _consumer.poll() is not None:
        return
    _consumer.send_signal(signal.SIGINT)  # huey's graceful stop: a running job is finished
    try:
        _consumer.wait(30)
    except subprocess.TimeoutExpired:
        _consumer.kill()
        _consumer.wait()
