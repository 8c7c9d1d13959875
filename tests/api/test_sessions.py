"""Sign-in sessions: revocation that takes effect on the next request, and refresh tokens that
rotate, so a stolen one is found out the moment it and the phone's copy are both used."""

import uuid

from sqlalchemy import event

from server.extensions import db

from .conftest import bearer, login, logout, me, refresh, user_id


def revoke(client, admin_access: str, username: str, device_id: str | None = None):
    body = {"device_id": device_id} if device_id else {}
    return client.post(
        f"/api/admin/users/{user_id(username)}/revoke", json=body, headers=bearer(admin_access)
    )


def test_logout_stops_the_access_token_at_once(client):
    tokens = login(client, "demo-surveyor", device_id="phone-1").get_json()
    assert me(client, tokens["access_token"]) == 200
    assert logout(client, tokens["refresh_token"]).status_code == 204
    r = client.get("/api/me", headers=bearer(tokens["access_token"]))
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "token_revoked"


def test_revoke_all_stops_every_access_token_of_the_user_at_once(client):
    phone = login(client, "demo-surveyor", device_id="phone-1").get_json()
    tablet = login(client, "demo-surveyor", device_id="tablet-1").get_json()
    other = login(client, "demo-reviewer", device_id="office").get_json()
    admin = login(client, "demo-admin").get_json()["access_token"]
    assert revoke(client, admin, "demo-surveyor").get_json()["revoked"] == 2
    assert me(client, phone["access_token"]) == 401
    assert me(client, tablet["access_token"]) == 401
    assert me(client, other["access_token"]) == 200


def test_a_revoked_phone_can_no_longer_push(client):
    lost = login(client, "demo-surveyor", device_id="lost-phone").get_json()
    kept = login(client, "demo-surveyor", device_id="new-phone").get_json()
    admin = login(client, "demo-admin").get_json()["access_token"]
    assert revoke(client, admin, "demo-surveyor", "lost-phone").get_json()["revoked"] == 1

    def push(access):
        body = {"device_id": "lost-phone", "ops": []}
        return client.post("/api/sync/push", json=body, headers=bearer(access))

    r = push(lost["access_token"])
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "token_revoked"
    assert refresh(client, lost["refresh_token"]).status_code == 401
    assert push(kept["access_token"]).status_code == 200
    assert refresh(client, kept["refresh_token"]).status_code == 200


def test_sessions_carry_the_device_and_when_it_was_last_seen(client):
    tokens = login(
        client, "demo-surveyor", device_id="phone-9", device_label="赵敏的手机"
    ).get_json()
    refresh(client, tokens["refresh_token"])
    admin = login(client, "demo-admin").get_json()["access_token"]
    [device] = client.get(
        f"/api/admin/users/{user_id('demo-surveyor')}/devices", headers=bearer(admin)
    ).get_json()
    assert device["device_id"] == "phone-9"
    assert device["device_label"] == "赵敏的手机"
    assert device["revoked"] is False
    assert device["last_used_at"] is not None


def test_refresh_returns_a_new_refresh_token_and_the_phone_keeps_working(client):
    first = login(client, "demo-surveyor", device_id="phone-1").get_json()
    r = refresh(client, first["refresh_token"])
    assert r.status_code == 200
    second = r.get_json()
    assert set(second) == {"access_token", "refresh_token"}
    assert second["refresh_token"] != first["refresh_token"]
    assert me(client, second["access_token"]) == 200
    third = refresh(client, second["refresh_token"]).get_json()
    assert me(client, third["access_token"]) == 200


def test_a_reused_old_refresh_token_revokes_its_whole_family(client):
    """The thief and the phone both hold the same refresh token: whoever comes second, the
    session ends for both, and everything issued from it stops working."""
    stolen = login(client, "demo-surveyor", device_id="phone-1").get_json()
    thief = refresh(client, stolen["refresh_token"]).get_json()
    thief = refresh(client, thief["refresh_token"]).get_json()  # the thief keeps rotating
    other = login(client, "demo-surveyor", device_id="phone-2").get_json()

    r = refresh(client, stolen["refresh_token"])  # the phone's copy, rotated away long ago
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "token_revoked"
    assert refresh(client, thief["refresh_token"]).status_code == 401
    assert me(client, thief["access_token"]) == 401
    assert me(client, stolen["access_token"]) == 401
    # Another sign-in of the same user is another family.
    assert me(client, other["access_token"]) == 200


def test_the_token_just_replaced_is_honoured_for_a_moment_then_revokes(client, app, monkeypatch):
    """Two tabs refreshing at once, or an answer lost on a bad line: the token replaced a moment
    ago gives the current one again instead of ending the session; later it is a reuse."""
    first = login(client, "demo-surveyor", device_id="phone-1").get_json()
    second = refresh(client, first["refresh_token"]).get_json()
    again = refresh(client, first["refresh_token"])
    assert again.status_code == 200
    assert me(client, again.get_json()["access_token"]) == 200
    assert refresh(client, second["refresh_token"]).status_code == 200

    monkeypatch.setitem(app.config, "RUHU_REFRESH_REUSE_SECONDS", 0)
    latest = login(client, "demo-surveyor", device_id="phone-2").get_json()
    rotated = refresh(client, latest["refresh_token"]).get_json()
    assert refresh(client, latest["refresh_token"]).status_code == 401
    assert me(client, rotated["access_token"]) == 401


def test_logout_with_a_rotated_away_token_still_ends_the_session(client):
    first = login(client, "demo-surveyor", device_id="phone-1").get_json()
    second = refresh(client, first["refresh_token"]).get_json()
    assert logout(client, first["refresh_token"]).status_code in (
        204,
        401,
    )
    assert me(client, second["access_token"]) == 401
    assert refresh(client, second["refresh_token"]).status_code == 401


def test_an_access_token_without_a_session_is_refused(client, app):
    from flask_jwt_extended import create_access_token

    from server.models import User

    with app.test_request_context():
        user = db.session.get(User, user_id("demo-surveyor"))
        bare = create_access_token(identity=user)
        forged = create_access_token(identity=user, additional_claims={"sid": uuid.uuid4().hex})
        db.session.rollback()
    assert me(client, bare) == 401
    assert me(client, forged) == 401


def test_the_revocation_check_is_one_primary_key_lookup(client, app):
    tokens = login(client, "demo-surveyor", device_id="phone-1").get_json()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert me(client, tokens["access_token"]) == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    session_reads = [s for s in statements if "sign_in" in s]
    assert len(session_reads) == 1, statements
    assert "sign_in.id = " in session_reads[0].replace('"', "")
