"""The job worker's entry point: `huey_consumer worker.huey` (started beside gunicorn by
`make run`, see gunicorn.conf.py), running the printed documents' jobs in this app."""

from server.app import create_app
from server.reports import queue

app = create_app()
huey = queue.of(app).huey
