"""Every response carries the security headers: the shell, the worker, the manifest, static files,
the API (answers and errors), pages that do not exist; and the policy forbids inline script."""

import pytest

from server import security, webapp
from server.app import create_app

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

ROUTES = [
    ("GET", "/", 200),
    ("GET", "/sw.js", 200),
    ("GET", "/manifest.webmanifest", 200),
    ("GET", "/static/phone/js/app.js", 200),
    ("GET", "/static/shared/html.js", 200),
    ("GET", "/static/shared/labels.js", 200),
    ("GET", "/static/phone/css/app.css", 200),
    ("GET", "/static/phone/icons/icon-192.png", 200),
    ("GET", "/api/me", 200),
    ("GET", "/api/forms/annex1", 200),
    ("GET", "/api/households", 401),
    ("POST", "/api/auth/login", 422),
    ("GET", "/no-such-page", 404),
    ("GET", "/api/no-such-thing", 404),
    ("GET", "/static/phone/js/no-such-file.js", 404),
    ("DELETE", "/", 405),
    ("DELETE", "/api/households", 405),
]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize(("method", "url", "status"), ROUTES)
def test_every_kind_of_response_has_the_headers(client, auth, method, url, status):
    token = auth.headers("demo-surveyor") if url in ("/api/me", "/api/forms/annex1") else {}
    response = client.open(url, method=method, headers=token, json={} if method == "POST" else None)
    response.close()  # a static file is a stream
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_the_policy_allows_only_the_apps_own_files(client):
    csp = policy(client.get("/"))
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src", "connect-src", "worker-src", "manifest-src"):
        assert csp[directive] == ["'self'"], directive  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["img-src"] == ["'self'", "blob:"]
    assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["require-trusted-types-for"] == ["'script'"]
    assert csp["trusted-types"] == ["ruhu"]  # the one policy, in web/static/shared/html.js


def test_a_route_keeps_a_policy_of_its_own_and_a_crash_gets_the_headers(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.db'}",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        }
    )

    @app.get("/own-policy")
    def own_policy():
        return "ok", 200, {"Content-Security-Policy": "default-src 'none'"}

    @app.get("/api/crash")
    def crash():
        raise RuntimeError("boom")

    client = app.test_client()
    own = client.get("/own-policy")
    assert own.headers["Content-Security-Policy"] == "default-src 'none'"
    assert own.headers["X-Frame-Options"] == "DENY"
    crashed = client.get("/api/crash")
    assert crashed.status_code == 500
    assert crashed.headers["Content-Security-Policy"] == security.CSP
    assert crashed.headers["X-Content-Type-Options"] == "nosniff"


def test_a_new_policy_is_a_new_worker_version(monkeypatch):
    """The worker caches the shell with its headers: a phone must fetch the shell again when the
    headers change, even if no file did."""
    _, before = webapp.precache()
    monkeypatch.setitem(webapp.HEADERS, "Referrer-Policy", "same-origin")
    _, after = webapp.precache()
    assert before != after
