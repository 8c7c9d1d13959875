"""Signing in to the desk and out of it, and what every desk response gets on its way out.

A desk login is checked exactly like a phone's (the same login limit, the same stand-in hash for
unknown names) and opens a sign-in of its own, so an administrator sees it among the user's
devices and can end it. Its access token lives in an HttpOnly cookie for the desk's idle time and
is renewed while the user keeps working; the sign-in's row decides on every request whether it
still counts. Surveyors work on the phone: the desk sends them there rather than open a session.
"""

from flask import redirect, render_template, request, url_for
from flask_jwt_extended import (
    decode_token,
    get_jwt,
    set_access_cookies,
    unset_jwt_cookies,
)

from server.core.database import write_transaction
from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import DeskRefusal, access_token, page, renew, template_globals, when
from server.domain.roles import SURVEYOR
from server.identity.logins import client_address, count_attempt, forget_failures
from server.identity.tokens import check_credentials, end_sign_in, open_sign_in

DEVICE_LABEL = "电脑浏览器（工作台）"
MAX_USERNAME, MAX_PASSWORD = 60, 200

bp.context_processor(template_globals)
bp.add_app_template_filter(when, "when")
bp.after_request(renew)


@bp.errorhandler(DeskRefusal)
def _refused(e: DeskRefusal):
    return e.response


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    """A service's refusal, as a page: its message and, field by field, what to correct."""
    return render_template("desk/refused.html", reason="error", error=e), e.status


@bp.after_request
def _private(response):
    """Desk pages show personal data: no cache keeps them, and the login page is never stored."""
    response.headers.setdefault("Cache-Control", "no-store")
    # The browser sends its Origin on the desk's own form posts (with no-referrer it says "null"),
    # which the login checks; other sites still learn nothing of the desk's addresses.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _next_page() -> str:
    """Where to go after login: a desk page only, never another site."""
    target = request.values.get("next", "")
    if target.startswith("/desk/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("desk.home")


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


@bp.get("/login")
def login():
    return render_template("desk/login.html", next=_next_page(), username="")


@bp.post("/login")
def login_submit():
    username = (request.form.get("username") or "").strip()[:MAX_USERNAME]
    password = (request.form.get("password") or "")[:MAX_PASSWORD]

    def again(message: str, status: int):
        html = render_template(
            "desk/login.html", next=_next_page(), username=username, message=message
        )
        return html, status

    if not _same_origin():
        return again("请求来源不正确，请从工作台登录页登录", 400)
    if not username or not password:
        return again("请输入用户名和密码", 422)
    try:
        count_attempt(username, client_address())
    except ApiError as e:
        return again(e.message, e.status)
    user = check_credentials(username, password)
    if user is None:
        return again("用户名或密码错误", 401)
    with write_transaction():
        forget_failures(username, client_address())
        if user.role == SURVEYOR:
            tokens = None
        else:
            tokens = open_sign_in(user.id, None, DEVICE_LABEL)
    if tokens is None:
        return render_template("desk/login.html", next="", username="", surveyor=True), 403
    sid = decode_token(tokens["access_token"])["sid"]
    response = redirect(_next_page(), 303)
    set_access_cookies(response, access_token(user.id, sid), max_age=None)
    return response


@bp.post("/logout")
@page()
def logout():
    end_sign_in(get_jwt())
    response = redirect(url_for("desk.login"), 303)
    unset_jwt_cookies(response)
    return response
