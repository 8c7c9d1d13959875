"""The job queue: huey, on a SQLite file in the instance folder by default (nothing more to run
than `huey_consumer`), on Redis when `RUHU_REDIS_URL` names one (a province's several workers).

The queue is made on first use, so an app that never starts a job opens no queue file. Tests
set `RUHU_QUEUE_IMMEDIATE`: the job then runs inside the request that starts it, on huey's
in-memory storage. `worker.py` (beside wsgi.py) is what `huey_consumer` loads.
"""

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

NAME = "ruhu-reports"


def make_huey(config) -> Huey:
    if config.get("RUHU_QUEUE_IMMEDIATE"):
        return MemoryHuey(NAME, immediate=True, results=False)
    url = config.get("RUHU_REDIS_URL")
    if url:
        try:
            import redis  # noqa: F401  (optional: only a province's Redis queue needs it)
        except ImportError:
            raise RuntimeError(
                "RUHU_REDIS_URL is set but the redis package is not installed (pip install redis)"
            ) from None
        return RedisHuey(NAME, url=url, results=False)
    return SqliteHuey(NAME, filename=config["RUHU_QUEUE_FILE"], results=False)


class Queue:
    """One app's queue and its one task: make a kept document's file."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._task = None

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            self._huey = make_huey(self.app.config)
            self._task = self._huey.task(name="render_document")(self._run)
            minutes = self.app.config["RUHU_PRERENDER_MINUTES"]
            if minutes:  # run by the consumer's scheduler (one consumer: see the README)
                every = crontab(minute=f"*/{minutes}")
                self._huey.periodic_task(every, name="prerender_documents")(self._prerender)
        return self._huey

    def _run(self, document_id: str) -> None:
        from server.reports import jobs  # the job needs the engine; the queue does not

        with self.app.app_context():
            jobs.run(document_id)

    def _prerender(self) -> None:
        from server.reports import jobs

        with self.app.app_context():
            jobs.prerender()

    def enqueue(self, document_id: str) -> None:
        self.huey  # noqa: B018  (makes the task)
        self._task(document_id)


def init_app(app: Flask) -> None:
    app.extensions["ruhu_queue"] = Queue(app)


def of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["ruhu_queue"]
