"""Settings from the environment, so one build runs a laptop demo and a province's server."""

import os
from datetime import timedelta
from pathlib import Path

from server.core.jsontext import dumps as json_dumps
from server.core.jsontext import loads_stored

ROOT = Path(__file__).resolve().parent.parent


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'ruhu.db'}"
    # Heroku-style and plain postgres URLs mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _owner_only(instance_path: Path) -> None:
    """The instance folder (the default database, the secret key) is the server user's alone."""
    if instance_path.is_dir():
        stat = instance_path.stat()
        if stat.st_mode & 0o077 and stat.st_uid == os.getuid():
            instance_path.chmod(0o700)


def _secret(instance_path: Path) -> str:
    """A secret from the environment, else one made once and kept in the instance folder."""
    secret = os.environ.get("RUHU_SECRET_KEY")
    if secret:
        return secret
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    _owner_only(instance_path)
    settings = {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SECRET_KEY": None,
        "JWT_SECRET_KEY": None,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(
            minutes=int(os.environ.get("RUHU_ACCESS_MINUTES", 15))
        ),
        # Long enough to keep a phone working through a week or more without signal.
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=int(os.environ.get("RUHU_REFRESH_DAYS", 30))),
        # Phones send a bearer header; the desk's browser session rides in cookies, with the CSRF
        # token of flask-jwt-extended's double submit in every form and every script's request.
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_CHECK_FORM": True,
        "JWT_ACCESS_COOKIE_PATH": "/",
        "JWT_COOKIE_SAMESITE": "Lax",
        "JWT_SESSION_COOKIE": True,
        # Behind TLS (the nginx example) set RUHU_SECURE_COOKIES=1 so the cookies never go in clear.
        "JWT_COOKIE_SECURE": os.environ.get("RUHU_SECURE_COOKIES") == "1",
        "SESSION_COOKIE_SECURE": os.environ.get("RUHU_SECURE_COOKIES") == "1",
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The clock the desk shows times in (stored times are UTC).
        "RUHU_TIMEZONE": os.environ.get("RUHU_TIMEZONE", "Asia/Shanghai"),
        # How long a desk session lasts without a request; each page renews it.
        "RUHU_DESK_IDLE_MINUTES": int(os.environ.get("RUHU_DESK_IDLE_MINUTES", 60)),
        "JSON_SORT_KEYS": False,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "json_serializer": json_dumps,
            "json_deserializer": loads_stored,
            # A database error's message would list the statement's parameters: documents, ID
            # numbers, phone numbers. It names the statement only; the error log stays clean.
            "hide_parameters": True,
        },
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "RUHU_PAGE_SIZE_MAX": 500,
        "RUHU_PUSH_MAX_OPS": 500,
        "RUHU_PUSH_MAX_BYTES": 5 * 1024 * 1024,
        "RUHU_ATTACHMENT_MAX_BYTES": 2 * 1024 * 1024,
        # Failed logins within the window: one account from one address, one address over all
        # accounts, one account over all addresses (server/logins.py).
        "RUHU_LOGIN_MAX_FAILURES": 5,
        "RUHU_LOGIN_MAX_ADDRESS_FAILURES": 20,
        "RUHU_LOGIN_MAX_ACCOUNT_FAILURES": 50,
        "RUHU_LOGIN_WINDOW_SECONDS": 15 * 60,
        # How long the refresh token just replaced still gets the current one (two tabs at once).
        "RUHU_REFRESH_REUSE_SECONDS": 30,
        # Reverse proxies in front of gunicorn whose X-Forwarded-For is believed (nginx: 1).
        "RUHU_TRUSTED_PROXIES": int(os.environ.get("RUHU_TRUSTED_PROXIES", 0)),
        "RUHU_PASSWORD_MIN_LENGTH": 8,
        # Printed on every public notice and announcement beside 12317: the county's own
        # complaint telephone and address (the demo county's telephone by default: set yours).
        "RUHU_COUNTY_COMPLAINT_PHONE": os.environ.get(
            "RUHU_COUNTY_COMPLAINT_PHONE", "0913-6123456"
        ),
        "RUHU_COUNTY_COMPLAINT_ADDRESS": os.environ.get("RUHU_COUNTY_COMPLAINT_ADDRESS", ""),
        # Long work runs as jobs (server/core/queue.py): on a SQLite file of the
        # instance folder, or on Redis when a URL is given; immediate runs them in the request.
        "RUHU_QUEUE_FILE": os.environ.get("RUHU_QUEUE_FILE") or str(instance_path / "queue.db"),
        "RUHU_REDIS_URL": os.environ.get("RUHU_REDIS_URL") or None,
        "RUHU_QUEUE_IMMEDIATE": os.environ.get("RUHU_QUEUE_IMMEDIATE") == "1",
        # A queued or running document not heard of for this long is given up: asked again, it
        # is made anew (a worker killed mid-job leaves its row "running").
        "RUHU_REPORT_STALE_SECONDS": 900,
        # Every so many minutes the consumer makes anew the documents printed in the last days
        # whose data moved and then stayed still, so that asking again is answered at once.
        "RUHU_PRERENDER_MINUTES": int(os.environ.get("RUHU_PRERENDER_MINUTES", 5)),
        "RUHU_PRERENDER_DAYS": 30,
    }
    if overrides:
        settings.update(overrides)
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _secret(instance_path)
    if not settings["JWT_SECRET_KEY"]:
        settings["JWT_SECRET_KEY"] = settings["SECRET_KEY"]
    return settings
