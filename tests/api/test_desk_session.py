"""The desk's browser session: cookies, CSRF, roles, logout and revocation, on both databases."""

import gzip
import re

from sqlalchemy import select

from server.extensions import db
from server.models import SignIn
from tests.api.conftest import PASSWORD, user_id


def desk_login(client, username, password=PASSWORD, **extra):
    return client.post("/desk/login", data={"username": username, "password": password, **extra})


def csrf_of(client) -> str:
    html = client.get("/desk/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_page_without_a_session_sends_to_login_and_back(client):
    r = client.get("/desk/?x=1")
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/desk/login?next=/desk/")


def test_reviewer_logs_in_with_cookies_not_tokens_in_the_page(client):
    r = desk_login(client, "demo-reviewer", next="/desk/")
    assert r.status_code == 303 and r.headers["Location"] == "/desk/"
    cookies = r.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "SameSite=Lax" in access
    home = client.get("/desk/")
    assert home.status_code == 303 and home.headers["Location"] == "/desk/dashboard"
    page = client.get("/desk/dashboard")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "工作台" in body and "退出登录" in body
    assert "access_token_cookie" not in body
    assert page.headers["Cache-Control"] == "no-store"


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    for username in ("demo-reviewer", "nobody-at-all"):
        r = desk_login(client, username, "wrong-password")
        assert r.status_code == 401
        assert "用户名或密码错误" in r.get_data(as_text=True)
        assert "access_token_cookie=" not in " ".join(r.headers.getlist("Set-Cookie"))


def test_a_surveyor_is_sent_to_the_phone_and_gets_no_session(client):
    before = db.session.scalar(select(db.func.count()).select_from(SignIn))
    db.session.rollback()
    r = desk_login(client, "demo-surveyor")
    assert r.status_code == 403
    assert "手机" in r.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(SignIn)) == before


def test_next_never_leaves_the_desk(client):
    for target in ("https://evil.example/", "//evil.example/", "/api/me", "/desk\\..\\x"):
        r = desk_login(client, "demo-reviewer", next=target)
        assert r.headers["Location"] == "/desk/"
        client.post("/desk/logout", data={"csrf_token": csrf_of(client)})


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(client):
    desk_login(client, "demo-reviewer")
    r = client.post("/desk/logout")
    assert r.status_code == 400
    assert "页面已过期" in r.get_data(as_text=True)
    assert client.get("/desk/dashboard").status_code == 200  # still signed in
    r = client.post("/desk/logout", data={"csrf_token": "not-the-token"})
    assert r.status_code == 400


def test_logout_ends_the_sign_in(client):
    desk_login(client, "demo-county")
    r = client.post("/desk/logout", data={"csrf_token": csrf_of(client)})
    assert r.status_code == 303
    sign_in = db.session.scalar(select(SignIn).where(SignIn.user_id == user_id("demo-county")))
    assert sign_in.revoked_at is not None
    db.session.rollback()
    r = client.get("/desk/")
    assert r.status_code == 303 and r.headers["Location"].startswith("/desk/login")


def test_a_revoked_desk_session_is_refused_at_once(client):
    desk_login(client, "demo-reviewer")
    assert client.get("/desk/dashboard").status_code == 200
    from server.core.database import write_transaction
    from server.identity.tokens import revoke_user_tokens

    with write_transaction():
        revoke_user_tokens(user_id("demo-reviewer"))
    r = client.get("/desk/dashboard")
    assert r.status_code == 303 and r.headers["Location"].startswith("/desk/login")


def test_the_cookie_session_reaches_the_api_and_its_writes_need_the_csrf_header(client):
    desk_login(client, "demo-reviewer")
    assert client.get("/api/me").status_code == 200
    r = client.post("/api/auth/logout")
    assert r.status_code in (401, 422)  # a refresh token is needed there, and cookies carry none
    item = client.get("/api/households?limit=1").get_json()["items"][0]
    r = client.post(f"/api/households/{item['id']}/review", json={"action": "approve"})
    assert r.status_code == 401  # CSRF missing: nothing decided
    after = client.get(f"/api/households/{item['id']}").get_json()
    assert after["version"] == item["version"]


def test_a_desk_page_travels_compressed(client):
    desk_login(client, "demo-reviewer")
    plain = client.get("/desk/queue")
    packed = client.get("/desk/queue", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 4
