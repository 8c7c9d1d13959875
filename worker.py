"""The job worker's entry point: `huey_consumer worker.huey` (started beside gunicorn by
`make run`, see gunicorn.conf.py), running this app's jobs (printed documents, a
campaign's recompute and carry-forward)."""

from server.app import create_app
from server.core import queue

app = create_app()
huey = queue.of(app).huey
