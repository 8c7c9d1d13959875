"""Accounts through HTTP: login, the attempt limit, refresh, logout, revoking a device."""

from datetime import UTC, datetime, timedelta

from flask_jwt_extended import decode_token
from sqlalchemy import select

from server.extensions import db
from server.models import User

from .conftest import PASSWORD, bearer, login, logout, me, refresh, user_id


def test_login_returns_tokens_and_user(client):
    r = login(client, "demo-surveyor", device_id="phone-1", device_label="赵敏的手机")
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"access_token", "refresh_token", "user"}
    assert body["user"]["username"] == "demo-surveyor"
    assert body["user"]["role"] == "surveyor"
    assert len(body["user"]["areas"]) == 2
    me = client.get("/api/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["username"] == "demo-surveyor"


def test_wrong_password_is_401_in_chinese(client):
    r = login(client, "demo-surveyor", "wrong-password")
    assert r.status_code == 401
    error = r.get_json()["error"]
    assert error["code"] == "bad_credentials"
    assert error["message"] == "用户名或密码错误"
    # An unknown user gets exactly the same answer: no hint which usernames exist.
    unknown = login(client, "nobody-here", "wrong-password")
    assert unknown.status_code == 401
    assert unknown.get_json() == r.get_json()


def test_sixth_attempt_in_the_window_is_refused_even_with_the_right_password(client, app):
    limit = app.config["RUHU_LOGIN_MAX_FAILURES"]
    assert limit == 5
    for _ in range(limit):
        assert login(client, "demo-reviewer", "wrong-password").status_code == 401
    r = login(client, "demo-reviewer", PASSWORD)
    assert r.status_code == 429
    assert "分钟" in r.get_json()["error"]["message"]
    # Other accounts are not affected.
    assert login(client, "demo-county").status_code == 200


def test_failures_outside_the_window_do_not_count(client, app, monkeypatch):
    for _ in range(5):
        login(client, "demo-reviewer", "wrong-password")
    monkeypatch.setitem(app.config, "RUHU_LOGIN_WINDOW_SECONDS", 0)
    assert login(client, "demo-reviewer").status_code == 200


def test_a_good_login_clears_earlier_failures(client):
    for _ in range(4):
        login(client, "demo-reviewer", "wrong-password")
    assert login(client, "demo-reviewer").status_code == 200
    for _ in range(4):
        login(client, "demo-reviewer", "wrong-password")
    assert login(client, "demo-reviewer").status_code == 200


def test_refresh_gives_a_new_access_token(client):
    tokens = login(client, "demo-surveyor").get_json()
    r = refresh(client, tokens["refresh_token"])
    assert r.status_code == 200
    access = r.get_json()["access_token"]
    assert access != tokens["access_token"]
    assert me(client, access) == 200


def test_tokens_are_not_interchangeable(client):
    tokens = login(client, "demo-surveyor").get_json()
    assert refresh(client, tokens["access_token"]).status_code == 401
    r = client.get("/api/me", headers=bearer(tokens["refresh_token"]))
    assert r.status_code == 401
    assert "error" in r.get_json()


def test_logout_revokes_the_refresh_token(client):
    tokens = login(client, "demo-surveyor").get_json()
    assert logout(client, tokens["refresh_token"]).status_code == 204
    r = refresh(client, tokens["refresh_token"])
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "token_revoked"


def test_admin_revoking_a_device_kills_its_refresh_token(client):
    lost = login(client, "demo-surveyor", device_id="lost-phone").get_json()
    kept = login(client, "demo-surveyor", device_id="new-phone").get_json()
    admin = login(client, "demo-admin").get_json()
    surveyor = user_id("demo-surveyor")

    devices = client.get(
        f"/api/admin/users/{surveyor}/devices", headers=bearer(admin["access_token"])
    ).get_json()
    assert {d["device_id"] for d in devices} == {"lost-phone", "new-phone"}

    r = client.post(
        f"/api/admin/users/{surveyor}/revoke",
        json={"device_id": "lost-phone"},
        headers=bearer(admin["access_token"]),
    )
    assert r.status_code == 200
    assert r.get_json()["revoked"] == 1
    assert refresh(client, lost["refresh_token"]).status_code == 401
    assert refresh(client, kept["refresh_token"]).status_code == 200

    # Without a device id every sign-in of the user goes.
    r = client.post(
        f"/api/admin/users/{surveyor}/revoke", json={}, headers=bearer(admin["access_token"])
    )
    assert r.get_json()["revoked"] == 1
    assert refresh(client, kept["refresh_token"]).status_code == 401


def test_revoking_an_unknown_user_is_404(client):
    admin = login(client, "demo-admin").get_json()
    r = client.post(
        "/api/admin/users/999999/revoke", json={}, headers=bearer(admin["access_token"])
    )
    assert r.status_code == 404


def test_an_inactive_user_is_refused(client):
    tokens = login(client, "demo-surveyor").get_json()
    db.session.get(User, user_id("demo-surveyor")).active = False
    db.session.commit()

    r = login(client, "demo-surveyor")
    assert r.status_code == 401
    assert r.get_json()["error"]["message"] == "用户名或密码错误"
    # Tokens issued before the account was switched off stop working too.
    r = client.get("/api/me", headers=bearer(tokens["access_token"]))
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "user_inactive"
    assert refresh(client, tokens["refresh_token"]).status_code == 401


def test_refresh_tokens_last_at_least_seven_days(client, app):
    tokens = login(client, "demo-surveyor").get_json()
    with app.test_request_context():
        refresh = decode_token(tokens["refresh_token"])
        access = decode_token(tokens["access_token"])
    now = datetime.now(UTC)
    assert datetime.fromtimestamp(refresh["exp"], UTC) - now >= timedelta(days=7)
    # The access token is short-lived: a stolen one is worth little.
    assert datetime.fromtimestamp(access["exp"], UTC) - now <= timedelta(hours=1)


def test_passwords_are_stored_as_scrypt_hashes(client):
    admin = login(client, "demo-admin").get_json()
    r = client.post(
        "/api/admin/users",
        json={
            "username": "new-surveyor",
            "name": "新调查员",
            "role": "surveyor",
            "password": "a-long-secret",
        },
        headers=bearer(admin["access_token"]),
    )
    assert r.status_code == 201
    db.session.rollback()
    hashes = dict(db.session.execute(select(User.username, User.password_hash)).all())
    db.session.rollback()
    for username, stored in hashes.items():
        assert stored.startswith("scrypt:"), username
        assert PASSWORD not in stored and "a-long-secret" not in stored
    assert login(client, "new-surveyor", "a-long-secret").status_code == 200


def test_admin_refuses_a_short_password(client):
    admin = login(client, "demo-admin").get_json()
    r = client.post(
        "/api/admin/users",
        json={"username": "shorty", "name": "短", "role": "surveyor", "password": "short"},
        headers=bearer(admin["access_token"]),
    )
    assert r.status_code == 422
    assert "password" in r.get_json()["error"]["fields"]


def test_login_and_refresh_answers_are_never_cached(client):
    r = login(client, "demo-surveyor")
    assert r.headers["Cache-Control"] == "no-store"
    refreshed = refresh(client, r.get_json()["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.headers["Cache-Control"] == "no-store"
    refused = login(client, "demo-surveyor", "wrong-password")
    assert refused.headers["Cache-Control"] == "no-store"


def test_a_too_long_value_is_refused_in_chinese(client):
    access = login(client, "demo-surveyor").get_json()["access_token"]
    r = client.get("/api/households", query_string={"q": "1" * 41}, headers=bearer(access))
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"q": ["长度不能超过 40"]}
    r = login(client, "x" * 61)
    assert r.get_json()["error"]["fields"] == {"username": ["长度应在 1 到 60 之间"]}
