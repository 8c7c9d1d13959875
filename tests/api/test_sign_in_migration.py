"""Upgrading to sign-ins keeps the phones in the field signed in, and revoked ones revoked."""

from datetime import UTC, datetime, timedelta

from flask_jwt_extended import create_refresh_token
from flask_migrate import upgrade
from sqlalchemy import text

from server.extensions import db

from .test_migrations import empty_app  # noqa: F401  (the fixture)


def test_refresh_tokens_issued_before_the_upgrade_still_refresh(empty_app):  # noqa: F811
    app = empty_app
    upgrade(revision="d7e8f9a0b1c2")
    now = datetime.now(UTC)
    db.session.execute(
        text(
            "INSERT INTO user_account (id, username, name, role, password_hash, active,"
            " scope_version, created_at) VALUES (1, 'old-phone', '老用户', 'surveyor', 'x', :t,"
            " 1, :now)"
        ),
        {"t": True, "now": now},
    )
    for jti, revoked in (("kept-jti", None), ("lost-jti", now)):
        db.session.execute(
            text(
                "INSERT INTO refresh_token (jti, user_id, device_id, created_at, expires_at,"
                " revoked_at) VALUES (:jti, 1, :jti, :now, :exp, :revoked)"
            ),
            {"jti": jti, "now": now, "exp": now + timedelta(days=20), "revoked": revoked},
        )
    db.session.execute(
        text(
            "INSERT INTO login_attempt (username, remote_addr, success, at) VALUES (:u, :a, :s, :t)"
        ),
        [
            {"u": "old-phone", "a": "10.0.0.1", "s": True, "t": now},
            {"u": "old-phone", "a": "10.0.0.1", "s": False, "t": now},
        ],
    )
    db.session.commit()
    upgrade()
    assert db.session.execute(text("SELECT count(*) FROM login_attempt")).scalar() == 1
    db.session.rollback()

    with app.test_request_context():  # tokens of the old kind: no sign-in id in them
        kept = create_refresh_token(identity=1, additional_claims={"jti": "kept-jti"})
        lost = create_refresh_token(identity=1, additional_claims={"jti": "lost-jti"})
    client = app.test_client()
    r = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {kept}"})
    assert r.status_code == 200, r.get_json()
    new = r.get_json()
    assert (
        client.get(
            "/api/me", headers={"Authorization": f"Bearer {new['access_token']}"}
        ).status_code
        == 200
    )
    assert (
        client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {lost}"}).status_code
        == 401
    )
