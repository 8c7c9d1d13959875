"""The township reviewer at the desk: the dashboard, the queue, the keyboard, bulk approval."""

import uuid

import requests

from server.domain.sample import sample_document
from server.sync.paths import diff
from tests.e2e.conftest import PASSWORD, SHOTS
from tests.e2e.helpers import desk_page, office_session


def shot(page, name):
    (SHOTS / "desk").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk" / f"{name}.png"), full_page=True)


def _document(household_no: str) -> dict:
    document = sample_document()
    renamed = {}
    for section in ("members", "helpers", "measures"):
        for row in document[section]:
            renamed[row["id"]] = row["id"] = str(uuid.uuid4())
    for measure in document["measures"]:
        if measure.get("member_id"):
            measure["member_id"] = renamed[measure["member_id"]]
    document["signoff"] = {"surveyor": "赵敏", "visit_date": "2020-10-12"}
    document["household"]["household_no"] = household_no
    return document


def _push(phone, ops):
    r = phone.post(
        f"{phone.base}/api/sync/push", json={"device_id": "e2e-desk", "ops": ops}, timeout=20
    )
    assert r.status_code == 200, r.text
    return r.json()["results"]


def field_surveyor(base) -> requests.Session:
    """A surveyor of its own, on a village of the reviewer's township that demo-surveyor does
    not work: the households made here never reach the other stories' phone."""
    admin = office_session(base, "demo-admin")
    taken = {
        a["id"] for a in office_session(base, "demo-surveyor").get(f"{base}/api/me").json()["areas"]
    }
    [township] = office_session(base, "demo-reviewer").get(f"{base}/api/areas").json()
    village = next(v["id"] for v in township["children"] if v["id"] not in taken)
    username = f"desk-e2e-{uuid.uuid4().hex[:8]}"
    r = admin.post(
        f"{base}/api/admin/users",
        json={
            "username": username,
            "name": "测试调查员",
            "role": "surveyor",
            "password": PASSWORD,
            "area_ids": [village],
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    phone = office_session(base, username)
    phone.base, phone.village = base, village
    return phone


def submitted_households(phone, prefix: str, count: int) -> list[str]:
    """`count` households registered and submitted by the surveyor's phone, numbered
    prefix + n."""
    ops = [
        {
            "op_id": str(uuid.uuid4()),
            "household_id": str(uuid.uuid4()),
            "base_version": 0,
            "village_id": phone.village,
            "campaign_id": 1,
            "submit": True,
            "changes": diff({}, _document(f"{prefix}{n:02d}")),
        }
        for n in range(count)
    ]
    results = _push(phone, ops)
    assert [r["status"] for r in results] == ["applied"] * count, results
    return [op["household_id"] for op in ops]


def conflict(phone, household_id: str) -> None:
    """Two phones change the same answer from version 1, differently."""
    for n, status in ((1, "applied"), (2, "conflict")):
        [result] = _push(
            phone,
            [
                {
                    "op_id": str(uuid.uuid4()),
                    "household_id": household_id,
                    "base_version": 1,
                    "changes": {"household.phone": f"1390000000{n}"},
                }
            ],
        )
        assert result["status"] == status, result


def state_of(base, household_id: str) -> str:
    reviewer = office_session(base, "demo-reviewer")
    return reviewer.get(f"{base}/api/households/{household_id}", timeout=10).json()["review_state"]


def test_dashboards_of_the_reviewer_and_the_county(server, new_context):
    page = desk_page(new_context, server, "demo-reviewer")
    assert page.url.endswith("/desk/dashboard")
    assert page.locator("h1").inner_text().startswith("进度总览")
    assert page.locator("table.board tbody tr").count() == 8
    assert page.locator("table.board tr.overdue").count() >= 1  # the demo's dates are past
    assert "已逾期" in page.locator(".stage-bar").inner_text()
    shot(page, "dashboard-reviewer")
    county = desk_page(new_context, server, "demo-county")
    assert county.locator("tr.subtotal").count() == 5
    assert "合计" in county.locator("tfoot").inner_text()
    shot(county, "dashboard-county")
    # A count leads to the queue of that village and state.
    page.locator("table.board tbody tr").first.locator("td.num a").first.click()
    page.wait_for_url("**/desk/queue?**")
    assert page.locator("table.queue tbody tr").count() >= 1
    page.goto(server + "/desk/queue")  # the whole township, 50 a page
    assert page.locator("table.queue tbody tr").count() == 50
    assert page.locator(".pager a[rel=next]").count() == 1
    shot(page, "queue-township")


def test_the_reviewer_filters_moves_with_j_k_and_approves_with_a(server, new_context):
    prefix = f"KEY{uuid.uuid4().hex[:6].upper()}"
    ids = submitted_households(field_surveyor(server), prefix, 3)
    page = desk_page(new_context, server, "demo-reviewer")
    page.goto(server + "/desk/queue")
    page.fill("input[name=q]", prefix)
    page.select_option("select[name=state]", "submitted")
    page.click(".queue-filters button[type=submit]")
    page.wait_for_url("**/desk/queue?**q=" + prefix + "**")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 3
    shot(page, "queue")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert rows.nth(1).get_attribute("aria-selected") == "true"
    target = rows.nth(1).get_attribute("data-id")
    assert target in ids
    page.keyboard.press("a")
    page.wait_for_selector(".flash-success")
    assert "已审核通过 1 户" in page.locator(".flash-success").inner_text()
    assert state_of(server, target) == "approved"
    assert page.locator("table.queue tbody tr").count() == 2  # the filter says: submitted
    # Enter opens the household page of the focused row, with the queue to come back to.
    page.keyboard.press("j")
    href = page.locator("table.queue tbody tr").first.locator("a").first.get_attribute("href")
    assert href.startswith("/desk/households/") and "from=" in href


def test_bulk_approval_of_a_filtered_set_skips_the_conflict_and_says_so(server, new_context):
    prefix = f"BLK{uuid.uuid4().hex[:6].upper()}"
    phone = field_surveyor(server)
    ids = submitted_households(phone, prefix, 4)
    conflict(phone, ids[0])
    page = desk_page(new_context, server, "demo-reviewer")
    page.goto(f"{server}/desk/queue?state=submitted&q={prefix}")
    assert page.locator("table.queue tbody tr").count() == 4
    conflicted = page.locator(f"tr[data-id='{ids[0]}'] .flags").inner_text()
    assert "有冲突" in conflicted
    button = page.locator("#approve-all")
    assert "3 户可通过" in button.inner_text()
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    button.click()
    page.wait_for_selector(".flash-warning")
    message = page.locator(".flash-warning").inner_text()
    assert "已审核通过 3 户" in message and "1 户有未处理的冲突" in message
    assert "全部 4 户" in questions[0]
    shot(page, "queue-bulk-skipped")
    assert state_of(server, ids[0]) == "submitted"
    assert all(state_of(server, hid) == "approved" for hid in ids[1:])
