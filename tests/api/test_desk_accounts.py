"""An administrator's desk: accounts, devices one by one, and the audit log."""

import re

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, SignIn, User
from tests.api.conftest import user_id
from tests.api.test_desk_session import csrf_of, desk_login


def _phone_login(client, username, device):
    r = client.post(
        "/api/auth/login",
        json={
            "username": username,
            "password": "demo12345",
            "device_id": device,
            "device_label": f"手机 {device}",
        },
    )
    assert r.status_code == 200
    return {"Authorization": "Bearer " + r.get_json()["access_token"]}


def _sign_in_of(device):
    sid = db.session.scalar(select(SignIn.id).where(SignIn.device_id == device))
    db.session.rollback()
    return sid


def test_revoking_one_of_two_phones_stops_that_one_only(app, client):
    phone_a = _phone_login(app.test_client(), "demo-surveyor", "phone-a")
    phone_b = _phone_login(app.test_client(), "demo-surveyor", "phone-b")
    for headers in (phone_a, phone_b):
        assert client.get("/api/sync/pull?limit=1", headers=headers).status_code == 200
    desk_login(client, "demo-admin")
    page = client.get(f"/desk/accounts/{user_id('demo-surveyor')}").get_data(as_text=True)
    assert "手机 phone-a" in page and "手机 phone-b" in page and "从未同步" not in page
    r = client.post(
        f"/desk/sign-ins/{_sign_in_of('phone-a')}/revoke", data={"csrf_token": csrf_of(client)}
    )
    assert r.status_code == 303
    pull = client.get("/api/sync/pull?limit=1", headers=phone_a)
    assert pull.status_code == 401
    assert client.get("/api/sync/pull?limit=1", headers=phone_b).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "revoke"))
    assert event.device_label == "手机 phone-a" and event.actor_id == user_id("demo-admin")
    db.session.rollback()


def test_create_an_account_with_messages_in_chinese_and_nothing_written_when_refused(client):
    desk_login(client, "demo-admin")
    token = csrf_of(client)
    before = db.session.scalar(select(db.func.count()).select_from(User))
    db.session.rollback()
    r = client.post(
        "/desk/accounts/new",
        data={
            "csrf_token": token,
            "username": "x",
            "name": "",
            "role": "surveyor",
            "password": "short",
            "password2": "short",
        },
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "field-error" in body and re.search(r"[\u4e00-\u9fff]", body)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == before
    db.session.rollback()
    r = client.post(
        "/desk/accounts/new",
        data={
            "csrf_token": token,
            "username": "new-surveyor",
            "name": "新调查员",
            "role": "surveyor",
            "password": "long-enough-1",
            "password2": "long-enough-2",
        },
    )
    assert r.status_code == 422 and "两次输入的密码不一致" in r.get_data(as_text=True)
    r = client.post(
        "/desk/accounts/new",
        data={
            "csrf_token": token,
            "username": "new-surveyor",
            "name": "新调查员",
            "role": "surveyor",
            "password": "long-enough-1",
            "password2": "long-enough-1",
            "phone": "13900000000",
        },
    )
    assert r.status_code == 303
    user = db.session.scalar(select(User).where(User.username == "new-surveyor"))
    assert user.name == "新调查员" and user.phone == "13900000000"
    db.session.rollback()


def test_editing_areas_bumps_the_scope_and_an_admin_cannot_demote_themselves(client):
    desk_login(client, "demo-admin")
    token = csrf_of(client)
    surveyor = user_id("demo-surveyor")
    before = db.session.get(User, surveyor).scope_version
    village = db.session.get(User, surveyor).areas[0].id
    db.session.rollback()
    r = client.post(
        f"/desk/accounts/{surveyor}",
        data={
            "csrf_token": token,
            "name": "改名",
            "role": "surveyor",
            "area_ids": [str(village)],
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[-1500:]
    assert db.session.get(User, surveyor).scope_version == before + 1
    db.session.rollback()
    admin = user_id("demo-admin")
    r = client.post(
        f"/desk/accounts/{admin}",
        data={
            "csrf_token": token,
            "name": "管理员",
            "role": "county",
            "area_ids": [],
        },
    )
    assert r.status_code == 422 and "不能修改自己的角色" in r.get_data(as_text=True)
    assert db.session.get(User, admin).role == "admin"
    db.session.rollback()


def test_disable_and_password_reset_end_every_sign_in(app, client):
    phone = _phone_login(app.test_client(), "demo-surveyor", "phone-c")
    desk_login(client, "demo-admin")
    token = csrf_of(client)
    surveyor = user_id("demo-surveyor")
    client.post(
        f"/desk/accounts/{surveyor}/password",
        data={"csrf_token": token, "password": "a-new-password"},
    )
    assert client.get("/api/me", headers=phone).status_code == 401
    assert (
        app.test_client()
        .post("/api/auth/login", json={"username": "demo-surveyor", "password": "a-new-password"})
        .status_code
        == 200
    )
    client.post(f"/desk/accounts/{surveyor}/active", data={"csrf_token": token, "active": "0"})
    assert db.session.get(User, surveyor).active is False
    db.session.rollback()
    assert (
        app.test_client()
        .post("/api/auth/login", json={"username": "demo-surveyor", "password": "a-new-password"})
        .status_code
        == 401
    )


def test_the_audit_log_lists_logins_revocations_and_decisions_by_user(app, client, auth):
    _phone_login(app.test_client(), "demo-surveyor", "phone-d")
    households = client.get(
        "/api/households?state=draft&limit=1", headers=auth.headers("demo-reviewer")
    ).get_json()["items"]
    desk_login(client, "demo-admin")
    token = csrf_of(client)
    client.post(f"/desk/sign-ins/{_sign_in_of('phone-d')}/revoke", data={"csrf_token": token})
    r = client.get(
        f"/api/admin/audit?user_id={user_id('demo-surveyor')}", headers=auth.headers("demo-admin")
    )
    kinds = [e["kind"] for e in r.get_json()["items"]]
    assert "login" in kinds and "revoke" in kinds
    page = client.get(f"/desk/audit?user_id={user_id('demo-surveyor')}").get_data(as_text=True)
    assert "停用设备登录" in page and "登录" in page
    assert households is not None
    r = client.get("/desk/audit?since=not-a-date")
    assert r.status_code == 200 and "筛选条件有误" in r.get_data(as_text=True)


def test_only_an_administrator_opens_the_account_pages(client):
    desk_login(client, "demo-reviewer")
    assert client.get("/desk/accounts").status_code == 403
    assert client.get("/desk/audit").status_code == 403
