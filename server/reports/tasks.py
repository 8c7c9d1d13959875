"""The printed documents' jobs on the app's queue: make a kept document's file, and the
consumer's periodic pre-rendering of tables people print often (jobs.py does the work; it is
imported when a job runs, so the queue alone does not load the renderers)."""

from server.core import queue

RENDER = "render_document"


def register(jobs: queue.Queue, prerender_minutes: int) -> None:
    jobs.add(RENDER, _render)
    jobs.add_periodic("prerender_documents", prerender_minutes, _prerender)


def _render(document_id: str) -> None:
    from server.reports import jobs

    jobs.run(document_id)


def _prerender() -> None:
    from server.reports import jobs

    jobs.prerender()
