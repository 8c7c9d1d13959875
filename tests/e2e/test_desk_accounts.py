"""An administrator at the desk: one of a surveyor's two phones is revoked, the other works on."""

import requests

from tests.e2e.helpers import desk_page
from tests.e2e.test_desk_shell import shot


def _phone(base, device):
    r = requests.post(
        base + "/api/auth/login",
        json={
            "username": "demo-surveyor",
            "password": "demo12345",
            "device_id": device,
            "device_label": f"调查手机{device[-1].upper()}",
        },
        timeout=10,
    )
    r.raise_for_status()
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + r.json()["access_token"]
    assert s.get(base + "/api/sync/pull?limit=1", timeout=10).status_code == 200
    return s


def test_admin_revokes_one_phone_of_two(server, new_context):
    phone_a, phone_b = _phone(server, "e2e-phone-a"), _phone(server, "e2e-phone-b")
    page = desk_page(new_context, server, "demo-admin")
    page.click("nav.menu >> text=账号与设备")
    page.wait_for_selector("table.grid")
    shot(page, "accounts")
    page.click("table.grid >> text=demo-surveyor")
    page.wait_for_selector("table.devices")
    row = page.locator("table.devices tr", has_text="调查手机A").last
    assert "有效" in row.inner_text()
    page.once("dialog", lambda d: d.accept())
    row.locator("button", has_text="停用此设备").click()
    page.wait_for_selector(".flash-success")
    assert "调查手机A" in page.locator(".flash-success").inner_text()
    shot(page, "account-devices")
    assert phone_a.get(server + "/api/sync/pull?limit=1", timeout=10).status_code == 401
    assert phone_b.get(server + "/api/sync/pull?limit=1", timeout=10).status_code == 200
    page.click("nav.menu >> text=操作日志")
    page.wait_for_selector("table.grid")
    assert "停用设备登录" in page.locator("table.grid").inner_text()
    shot(page, "audit")


def test_admin_reads_the_areas_and_loads_a_list(server, new_context, tmp_path):
    """The areas page in a browser: the county's tree, then a list whose one row is faulty
    (its other row names an area as it is already called, so nothing is written)."""
    page = desk_page(new_context, server, "demo-admin")
    page.click("nav.menu >> text=区划")
    page.wait_for_selector("table[data-township='610526001']")
    assert "东坪村" in page.inner_text("table[data-township='610526001']")
    listed = tmp_path / "区划.csv"
    listed.write_text("代码,名称\n610526001,城关镇\n61052600,代码少一位\n", encoding="utf-8")
    page.set_input_files("input[type=file][name=file]", str(listed))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("[data-result]")
    assert "未变 1 个" in page.inner_text("[data-result]")
    row = page.locator("table[data-errors] tbody tr").first
    assert row.locator("td").first.inner_text() == "3" and "9位（乡镇）" in row.inner_text()
    shot(page, "areas-import")
