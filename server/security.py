"""Security headers on every response: the phone's shell, the service worker, the manifest, static
files, the API, errors, and any page added later (the desk).

The Content-Security-Policy lets a page run only the app's own script files: no inline script, no
event-handler attribute, no eval, no plugin, no framing, no inline style either (the screens style
with classes; setting `el.style` from a script stays allowed). Where the browser has Trusted Types
(Chromium), innerHTML and its kin take only what `web/static/shared/html.js` made, so text that
was not escaped cannot become markup even through a forgotten call site; other browsers ignore
those two directives and keep the rest. A route that needs another policy sets its own header:
this hook only fills in the headers a response does not have.
"""

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",  # photos and signatures are shown from IndexedDB as blob: URLs
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types ruhu",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for the browsers that predate it
    "Referrer-Policy": "no-referrer",
}


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
