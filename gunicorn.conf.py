"""Gunicorn's settings for every start from this folder (`make run`, tests/live.py): gunicorn
reads this file itself.

Its logs must not hold personal data. A search is a query string (`?q=<an ID number>`), and so
can be a Referer: the access log prints the names of the query's parameters and hides their
values, but for a few that are never personal; the error log (which prints the request's URI
when a request fails) is masked the same way.
"""

import logging
import re
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
