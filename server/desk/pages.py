"""What every desk page shares: the guard that checks the session, the menu, and rendering.

`page(*roles)` is the desk's `roles_required`: the access token comes from the session cookie (a
POST must also carry its CSRF token), the sign-in must still be open, and the role one of those
named. A visitor without a session is sent to the login page and back; a wrong role gets a page
saying so, never a JSON error.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps

import jwt as pyjwt
from flask import current_app, g, redirect, render_template, request, url_for
from flask_jwt_extended import (
    create_access_token,
    current_user,
    get_jwt,
    set_access_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import CSRFError, JWTExtendedException
from marshmallow import Schema, ValidationError

from server.core import clock
from server.core.errors import flatten_messages
from server.domain import workflow
from server.domain.roles import ADMIN, COUNTY, REVIEWER

DESK_ROLES = (REVIEWER, COUNTY, ADMIN)
# Where `page()` leaves the id of the user whose desk session this request carried.
SESSION_KEY = "ruhu.desk_user"


@dataclass(frozen=True)
class MenuEntry:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    order: int


MENU: list[MenuEntry] = []


def add_menu(label: str, endpoint: str, roles: tuple[str, ...], order: int) -> None:
    """Put a page in the desk's menu, for the roles that may open it."""
    MENU.append(MenuEntry(label, endpoint, roles, order))
    MENU.sort(key=lambda e: e.order)


def menu_for(role: str) -> list[MenuEntry]:
    return [e for e in MENU if role in e.roles]


class DeskRefusal(Exception):
    """A request the desk answers with a page of its own (login, wrong role, stale form)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def _to_login():
    target = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("desk.login", next=target.rstrip("?")), 303)


def page(*roles: str):
    """A desk page for `roles` (every desk role when none are named)."""
    allowed = roles or DESK_ROLES

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                verify_jwt_in_request(locations=["cookies"])
            except CSRFError:
                raise DeskRefusal(
                    (render_template("desk/refused.html", reason="stale_form"), 400)
                ) from None
            except (JWTExtendedException, pyjwt.PyJWTError):
                raise DeskRefusal(_to_login()) from None
            user = current_user
            if user is None:
                raise DeskRefusal(_to_login())
            g.user = user
            request.environ[SESSION_KEY] = user.id
            if user.role not in allowed:
                raise DeskRefusal((render_template("desk/refused.html", reason="role"), 403))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def csrf_token() -> str:
    """The CSRF token of this session, for a form's hidden `csrf_token` field."""
    return get_jwt().get("csrf", "") if getattr(g, "user", None) else ""


def access_token(user_id: int, sign_in_id: str) -> str:
    """A desk access token of the sign-in, good for the desk's idle time."""
    idle = timedelta(minutes=current_app.config["RUHU_DESK_IDLE_MINUTES"])
    return create_access_token(
        identity=user_id, additional_claims={"sid": sign_in_id}, expires_delta=idle
    )


def renew(response):
    """Give an active session a fresh access token once half of its idle time has passed."""
    user_id = request.environ.get(SESSION_KEY)  # this request's, checked by `page()`
    if user_id is None or response.status_code >= 400 or request.endpoint == "desk.logout":
        return response
    claims = get_jwt()
    idle = timedelta(minutes=current_app.config["RUHU_DESK_IDLE_MINUTES"])
    left = datetime.fromtimestamp(claims["exp"], UTC) - datetime.now(UTC)
    if left < idle / 2:
        set_access_cookies(response, access_token(user_id, claims["sid"]), max_age=None)
    return response


def render(template: str, **context):
    return render_template(template, **context)


def load_form(schema: Schema, data: dict) -> tuple[dict | None, dict]:
    """A form's values through a marshmallow schema: (values, {}) or (None, {field: [message]})
    in Chinese, for the page to show beside what the user typed."""
    try:
        return schema.load(data), {}
    except ValidationError as e:
        messages = e.messages if isinstance(e.messages, dict) else {"_": e.messages}
        return None, flatten_messages(messages)


def when(stamp, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment (UTC; SQLite gives it back without its zone) as the county's clock shows
    it: Beijing time unless `RUHU_TIMEZONE` names another."""
    if not stamp:
        return ""
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return clock.local(stamp).strftime(pattern)


def template_globals() -> dict:
    user = getattr(g, "user", None)
    return {
        "user": user,
        "menu": menu_for(user.role) if user is not None else [],
        "csrf_token": csrf_token,
        "STATE_LABELS": workflow.STATE_LABELS,
        "ROLE_LABELS": workflow.ROLE_LABELS,
        "ACTION_LABELS": workflow.ACTION_LABELS,
    }
