"""The phone's side of sign-ins: it names itself at login (so an administrator can revoke this
phone alone), keeps each new refresh token, never lets a logout fail silently, and tells an
administrator that the phone app has no villages for them, and offers the desk to offices."""

import requests

from .conftest import PASSWORD, shot
from .helpers import login_and_download, office_session, sync_now, wait_synced


def admin_devices(base: str, username: str = "demo-surveyor") -> list[dict]:
    session = office_session(base, "demo-admin")
    users = session.get(f"{base}/api/admin/users", timeout=10).json()
    user_id = next(u["id"] for u in users if u["username"] == username)
    return session.get(f"{base}/api/admin/users/{user_id}/devices", timeout=10).json()


def kv(page, key):
    return page.evaluate(f"window.ruhu.db.getKV('{key}')")


def test_the_phone_names_itself_and_keeps_the_rotated_refresh_token(server, new_context):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    device_id = kv(page, "device_id")
    assert device_id
    [mine] = [d for d in admin_devices(server) if d["device_id"] == device_id]
    assert mine["device_label"] and not mine["revoked"]

    # The access token is no longer accepted: the phone refreshes, and keeps the new refresh
    # token the server answers with (the old one is used up).
    before = kv(page, "refresh_token")
    page.evaluate("window.ruhu.db.setKV('access_token', 'expired-token')")
    sync_now(page)
    page.wait_for_function(
        "window.ruhu.db.getKV('access_token').then((t) => t !== 'expired-token')"
    )
    wait_synced(page)
    after = kv(page, "refresh_token")
    assert after and after != before
    r = requests.post(
        f"{server}/api/auth/refresh", headers={"Authorization": f"Bearer {after}"}, timeout=10
    )
    assert r.status_code == 200


def test_a_logout_the_server_did_not_get_is_told_and_sent_again(server, new_context):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    device_id = kv(page, "device_id")
    page.route("**/api/auth/logout", lambda route: route.abort())
    page.goto(server + "/#/settings")
    page.click("#logout")
    page.wait_for_selector("#login")
    assert "联网后自动作废" in page.inner_text("#banner")
    assert len(kv(page, "pending_logouts")) == 1
    [mine] = [d for d in admin_devices(server) if d["device_id"] == device_id]
    assert not mine["revoked"]

    # Back online: the logout goes out, and the sign-in ends on the server.
    page.unroute("**/api/auth/logout")
    page.evaluate("dispatchEvent(new Event('online'))")
    page.wait_for_function("window.ruhu.db.getKV('pending_logouts').then((q) => !q.length)")
    [mine] = [d for d in admin_devices(server) if d["device_id"] == device_id]
    assert mine["revoked"]
    # The same install keeps its id for the next login.
    assert kv(page, "device_id") == device_id


def test_an_administrator_is_told_the_phone_app_has_no_villages_for_them(server, new_context):
    page = new_context().new_page()
    page.goto(server + "/")
    page.wait_for_selector("#login")
    page.fill("#u", "demo-admin")
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#no-villages")
    assert "管理员账号用于管理账号和设备，不下载住户" in page.inner_text("#no-villages")
    assert page.query_selector("#dl") is None
    assert page.get_attribute("#to-desk", "href") == "/desk/"


def test_a_reviewer_on_a_phone_is_offered_the_desk_and_downloads_only_what_they_pick(
    server, new_context
):
    page = new_context().new_page()
    page.goto(server + "/")
    page.wait_for_selector("#login")
    page.fill("#u", "demo-reviewer")
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#offer-desk")
    shot(page, "phone-reviewer-offered-desk")
    assert page.get_attribute("#to-desk", "href") == "/desk/"
    page.click("#stay-phone")
    page.wait_for_selector("#dl")
    assert page.locator("#dl input[name=v]").count() > 1
    assert page.locator("#dl input[name=v]:checked").count() == 0
    page.click("#dl button[type=submit]")
    assert page.inner_text("#dl-msg") == "请至少选择一个村"
    page.goto(server + "/desk/")
    assert "/desk/login" in page.url  # the desk has its own sign-in, in cookies
