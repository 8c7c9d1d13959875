"""The job queue: huey, on a SQLite file in the instance folder by default (nothing more to run
than `huey_consumer`), on Redis when `RUHU_REDIS_URL` names one (a province's several workers).

Features add their jobs by name (`add`, `add_periodic`, from app.py); each runs in an app
context of the app that made the queue. The queue is made on first use, so an app that never
starts a job opens no queue file. Tests set `RUHU_QUEUE_IMMEDIATE`: a job then runs inside the
request that starts it, on huey's in-memory storage. `worker.py` (beside wsgi.py) is what
`huey_consumer` loads.
"""

from collections.abc import Callable

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

NAME = "ruhu-reports"  # the queue's name in its storage: kept, so queued jobs survive an upgrade


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
    """One app's queue and the jobs the features gave it."""

    def __init__(self, app: Flask):
        self.app = app
        self._jobs: dict[str, Callable] = {}
        self._periodic: dict[str, tuple[int, Callable]] = {}
        self._huey: Huey | None = None
        self._tasks: dict = {}

    def add(self, name: str, job: Callable) -> None:
        """A job the app can start: `job(*args)` with plain arguments (ids, not rows)."""
        self._jobs[name] = job

    def add_periodic(self, name: str, minutes: int, job: Callable) -> None:
        """A job the consumer's scheduler runs every `minutes` (0: never)."""
        if minutes:
            self._periodic[name] = (minutes, job)

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            self._huey = make_huey(self.app.config)
            for name, job in self._jobs.items():
                self._tasks[name] = self._huey.task(name=name)(self._in_app(job))
            for name, (minutes, job) in self._periodic.items():
                every = crontab(minute=f"*/{minutes}")  # one consumer runs it: see the README
                self._huey.periodic_task(every, name=name)(self._in_app(job))
        return self._huey

    def _in_app(self, job: Callable) -> Callable:
        def run(*args):
            with self.app.app_context():
                job(*args)

        return run

    def enqueue(self, name: str, *args) -> None:
        self.huey  # noqa: B018  (makes the tasks)
        self._tasks[name](*args)


def init_app(app: Flask) -> Queue:
    queue = app.extensions["ruhu_queue"] = Queue(app)
    return queue


def of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["ruhu_queue"]
