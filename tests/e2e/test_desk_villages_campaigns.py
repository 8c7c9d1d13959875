"""The desk in a real browser: the township submits a village and the county accepts it; the
county's campaigns list, a copy of last year's with a refused form, and the saved campaign.

The village is one of the township's that the demo surveyor does not work (the other browser
tests edit the surveyor's households, and an accepted village is locked). Its households are first
made decided the way people would: a surveyor of that village completes and submits each draft or
returned questionnaire, and the reviewer approves what is submitted. Nothing is carried forward and
no line of a campaign in use is changed, so the other tests' households stay as they are.
"""

import uuid

import requests

from tests.api.conftest import fresh_document
from tests.e2e.conftest import SHOTS
from tests.e2e.helpers import desk_page

PASSWORD = "demo12345"


def shot(page, name):
    (SHOTS / "desk").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk" / f"{name}.png"), full_page=True)


def _session(base, username, password=PASSWORD) -> requests.Session:
    s = requests.Session()
    r = s.post(
        f"{base}/api/auth/login",
        json={
            "username": username,
            "password": password,
            "device_id": f"e2e-{uuid.uuid4().hex[:8]}",
        },
        timeout=10,
    )
    r.raise_for_status()
    s.headers["Authorization"] = "Bearer " + r.json()["access_token"]
    return s


def _surveyor_villages(base) -> set[int]:
    areas = _session(base, "demo-surveyor").get(f"{base}/api/areas", timeout=10).json()
    found = set()

    def walk(nodes):
        for n in nodes:
            if n["level"] == "village":
                found.add(n["id"])
            walk(n["children"])

    walk(areas)
    return found


def _a_village_to_submit(base, reviewer) -> dict:
    rows = reviewer.get(f"{base}/api/villages/submissions?campaign=1", timeout=10).json()["items"]
    theirs = _surveyor_villages(base)
    free = [
        r
        for r in rows
        if r["village_id"] not in theirs and r["state"] is None and not r["conflicts"]
    ]
    assert free, "no village of the township is left to submit"
    blocked = [r for r in free if r["blocking"]]  # to see what blocks one, when there is one
    return (blocked or free)[-1]


def _decide_every_household(base, village_id, reviewer):
    """A surveyor of the village completes and submits each draft or returned household; the
    reviewer approves each submitted or held one."""
    admin = _session(base, "demo-admin")
    username = f"e2e-village-{uuid.uuid4().hex[:6]}"
    r = admin.post(
        f"{base}/api/admin/users",
        json={
            "username": username,
            "name": "村调查员",
            "role": "surveyor",
            "password": PASSWORD,
            "area_ids": [village_id],
        },
        timeout=10,
    )
    r.raise_for_status()
    surveyor = _session(base, username)
    page = surveyor.get(f"{base}/api/households?village={village_id}&per_page=500", timeout=10)
    for item in page.json()["items"]:
        hid, state = item["id"], item["review_state"]
        if state in ("draft", "returned"):
            current = surveyor.get(f"{base}/api/households/{hid}", timeout=10).json()
            document = fresh_document()
            document["household"]["household_no"] = current["household_no"]
            r = surveyor.put(
                f"{base}/api/households/{hid}",
                json={"document": document},
                headers={"If-Match": f'"{current["version"]}"'},
                timeout=10,
            )
            assert r.status_code == 200, r.text
            r = surveyor.post(f"{base}/api/households/{hid}/review", json={"action": "submit"})
            assert r.status_code == 200, r.text
            state = "submitted"
        if state in ("submitted", "held"):
            r = reviewer.post(f"{base}/api/households/{hid}/review", json={"action": "approve"})
            assert r.status_code == 200, r.text


def test_the_township_submits_a_village_and_the_county_accepts_it(server, new_context):
    reviewer = _session(server, "demo-reviewer")
    village = _a_village_to_submit(server, reviewer)
    page = desk_page(new_context, server, "demo-reviewer")
    page.goto(f"{server}/desk/villages?campaign=1")
    row = page.locator(f"#village-{village['village_id']}")
    if village["blocking"]:
        assert "户未审核" in row.inner_text()  # what blocks it, said
        assert row.locator("button:has-text('上报')").is_disabled()
    shot(page, "villages-reviewer-blocked")

    _decide_every_household(server, village["village_id"], reviewer)
    page.reload()
    row = page.locator(f"#village-{village['village_id']}")
    page.once("dialog", lambda d: d.accept())
    row.locator("button:has-text('上报')").click()
    page.wait_for_selector(".flash-success")
    assert "已上报" in page.locator(".flash-success").inner_text()
    row = page.locator(f"#village-{village['village_id']}")
    assert "已上报，待县级确认" in row.inner_text()
    shot(page, "villages-reviewer")

    county = desk_page(new_context, server, "demo-county")
    county.goto(f"{server}/desk/villages?campaign=1")
    row = county.locator(f"#village-{village['village_id']}")
    assert row.locator("input[name=note]").is_visible()  # sending back asks for a reason
    shot(county, "villages-county")
    county.once("dialog", lambda d: d.accept())
    row.locator("button:has-text('确认')").click()
    county.wait_for_selector(".flash-success")
    assert "户记录已锁定" in county.locator(".flash-success").inner_text()
    row = county.locator(f"#village-{village['village_id']}")
    assert "县级已确认" in row.inner_text()
    row.locator(f"a:has-text('{village['village']}')").click()
    county.wait_for_selector("table.totals")
    assert "县级确认" in county.locator(".timeline").inner_text()
    shot(county, "village-detail")

    # Every record of the village is accepted, and locked for the phone.
    items = reviewer.get(
        f"{server}/api/households?village={village['village_id']}&per_page=500", timeout=10
    ).json()["items"]
    assert items and {h["review_state"] for h in items} == {"accepted"}

    # The county reopens one record: the village needs accepting again, its signed totals stay.
    county_api = _session(server, "demo-county")
    r = county_api.post(
        f"{server}/api/households/{items[0]['id']}/review",
        json={"action": "reopen", "note": "收入需重新核实"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    county.goto(f"{server}/desk/villages?campaign=1&show=waiting")
    row = county.locator(f"#village-{village['village_id']}")
    assert "1 户重新打开" in row.inner_text() and "需重新确认" in row.inner_text()
    assert row.locator("button:has-text('重新确认')").is_disabled()  # until decided again
    shot(county, "villages-county-reopened")
    row.locator(f"a:has-text('{village['village']}')").click()
    county.wait_for_selector("table.totals")
    shot(county, "village-detail-reopened")


def test_campaigns_list_copy_and_a_refused_form(server, new_context):
    page = desk_page(new_context, server, "demo-county")
    page.click("nav.menu >> text=调查轮次")
    page.wait_for_selector("table.campaigns")
    assert "退出验收" in page.locator("table.campaigns").inner_text()
    shot(page, "campaigns")

    page.locator("table.campaigns tbody tr").first.locator("text=复制为下一年").click()
    page.wait_for_selector("form.campaign-form")
    assert page.input_value("input[name=year]").isdigit()
    page.uncheck("input[name=active]")  # not the phones' current campaign: the other tests run on
    page.fill("input[name=name]", f"e2e 复制轮次 {uuid.uuid4().hex[:4]}")
    shot(page, "campaign-new-copy")

    page.fill("input[name='lines-0-amount']", "0")
    page.select_option("select[name='lines-1-comparison']", "")
    page.click("form.campaign-form button[type=submit]")
    page.wait_for_selector(".flash-error")
    assert "金额应大于 0" in page.locator("form.campaign-form").inner_text()
    assert page.get_attribute("input[name='lines-0-amount']", "aria-invalid") == "true"
    shot(page, "campaign-form-errors")

    page.fill("input[name='lines-0-amount']", "4000.00")
    page.select_option("select[name='lines-1-comparison']", "以下")
    page.click("form.campaign-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "开始本轮：结转农户" in page.inner_text("main")
    shot(page, "campaign-edit")

    # A recompute is a job for the worker beside the server: the page follows it to the end.
    page.click("text=按收入线重算裁定")
    page.wait_for_selector(".progress-line")
    assert "正在后台重算裁定" in page.inner_text(".flash") or "已重算" in page.inner_text(".flash")
    page.wait_for_function(
        "() => document.querySelector('.progress-line').textContent.includes('已完成')",
        timeout=30000,
    )
    assert "重算裁定：已完成" in page.inner_text(".progress-line")
    shot(page, "campaign-recomputed")
