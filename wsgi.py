"""The WSGI entry point: `gunicorn wsgi:app`."""

import gc

from server.app import create_app

app = create_app()

# What is loaded by now (modules, the app, form definitions) lives as long as the worker: move it
# out of the cycle collector's sight, so that a full collection does not walk it again and again
# while a sync push allocates (measured: about a tenth of a push's CPU time otherwise).
gc.freeze()
