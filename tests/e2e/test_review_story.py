"""The whole review story, one household from the phone to the county, in real browsers.

A surveyor fills in a household on the phone (390x844), keeps it as a draft and later submits it
with nothing more typed. The township reviewer, at the desk (1366x768), finds it in the review
queue by its number, reads what the phone changed and returns it with a reason and a comment on
one field. The phone syncs and shows the comment beside that field; the surveyor corrects the
answer and submits again. The reviewer sees what changed since the return and approves. With
the rest of the village decided (the desk's bulk approval), the township submits the village
(村级汇总上报) and the county accepts it; at its next sync the phone shows the record accepted and
locked, with nothing left to edit.

Accepting a village locks every record of it, so the story runs in a village of the reviewer's
township that the demo surveyor does not work (the other browser tests edit the demo surveyor's
households), with a surveyor of its own. It is not the village the desk queue tests fill (the
first one the demo surveyor does not work) and not the one the villages test submits (the last
one still to decide): the first village still to decide between them.
"""

import uuid

from server.domain.sample import sample_document
from tests.api.conftest import fresh_document

from .conftest import PASSWORD, SHOTS
from .helpers import (
    DESK_VIEWPORT,
    desk_page,
    login_and_download,
    office_session,
    open_household,
    open_section,
    set_text,
    submit,
    sync_now,
    wait_synced,
)

WAGE = "income.wage_migrant"
REASON = "外出务工收入需核实"
COMMENT = "外出务工收入与村台账不一致，请按实际月数重算"


def story_shot(page, name, full_page=False):
    """A screen of the story, in the order of the story (test-output/screenshots/story/)."""
    (SHOTS / "story").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "story" / f"{name}.png"), full_page=full_page)


# ---- the village and its surveyor (set up through the API) ------------------------------------


def active_campaign(base) -> int:
    campaigns = office_session(base, "demo-reviewer").get(f"{base}/api/campaigns", timeout=10)
    return next(c["id"] for c in campaigns.json() if c["active"])


def village_rows(base, campaign_id) -> list[dict]:
    reviewer = office_session(base, "demo-reviewer")
    r = reviewer.get(f"{base}/api/villages/submissions?campaign={campaign_id}", timeout=10)
    r.raise_for_status()
    return r.json()["items"]


def story_village(base, campaign_id) -> dict:
    """A village of the township, not submitted, no open conflict, with households still to
    decide: not the demo surveyor's, nor the desk queue tests', nor the villages test's."""
    taken = {
        a["id"] for a in office_session(base, "demo-surveyor").get(f"{base}/api/me").json()["areas"]
    }
    [township] = office_session(base, "demo-reviewer").get(f"{base}/api/areas").json()
    queue_tests = next(v["id"] for v in township["children"] if v["id"] not in taken)
    free = [
        r
        for r in village_rows(base, campaign_id)
        if r["village_id"] not in taken and r["state"] is None and not r["conflicts"]
    ]
    villages_test = ([r for r in free if r["blocking"]] or free)[-1]["village_id"]
    left = [
        r for r in free if r["blocking"] and r["village_id"] not in (queue_tests, villages_test)
    ]
    assert left, "no village of the township is left for the story"
    return left[0]


def village_surveyor(base, village_id) -> str:
    """A surveyor of the village, made by the administrator."""
    username = f"story-{uuid.uuid4().hex[:8]}"
    r = office_session(base, "demo-admin").post(
        f"{base}/api/admin/users",
        json={
            "username": username,
            "name": "孙丽",
            "role": "surveyor",
            "password": PASSWORD,
            "area_ids": [village_id],
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return username


def new_household(base, surveyor, village_id, campaign_id) -> tuple[str, str]:
    """A complete household of the village, still a draft: (id, household number)."""
    document = sample_document()
    ids = {}
    for section in ("members", "helpers", "measures"):
        for row in document[section]:
            ids[row["id"]] = row["id"] = str(uuid.uuid4())
    for measure in document["measures"]:
        if measure["member_id"]:
            measure["member_id"] = ids[measure["member_id"]]
    document["signoff"]["signature"] = None
    number = f"STORY{uuid.uuid4().hex[:8].upper()}"
    document["household"]["household_no"] = number
    r = office_session(base, surveyor).post(
        f"{base}/api/households",
        json={
            "id": str(uuid.uuid4()),
            "village_id": village_id,
            "campaign_id": campaign_id,
            "document": document,
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], number


def record(base, hid) -> dict:
    r = office_session(base, "demo-reviewer").get(f"{base}/api/households/{hid}", timeout=10)
    r.raise_for_status()
    return r.json()


def village_households(base, village_id, campaign_id) -> list[dict]:
    """The village's households of the campaign (the list holds every campaign's)."""
    r = office_session(base, "demo-reviewer").get(
        f"{base}/api/households?village={village_id}&per_page=500", timeout=10
    )
    r.raise_for_status()
    return [h for h in r.json()["items"] if h["campaign_id"] == campaign_id]


def complete_and_submit_the_rest(base, surveyor, village_id, campaign_id) -> None:
    """The village's surveyor completes and submits every other draft or returned household."""
    phone = office_session(base, surveyor)
    for item in village_households(base, village_id, campaign_id):
        if item["review_state"] not in ("draft", "returned"):
            continue
        hid = item["id"]
        current = phone.get(f"{base}/api/households/{hid}", timeout=10).json()
        document = fresh_document()
        document["household"]["household_no"] = current["household_no"]
        r = phone.put(
            f"{base}/api/households/{hid}",
            json={"document": document},
            headers={"If-Match": f'"{current["version"]}"'},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        r = phone.post(f"{base}/api/households/{hid}/review", json={"action": "submit"})
        assert r.status_code == 200, r.text


def approve_what_bulk_skipped(base, village_id, campaign_id) -> None:
    """A held record, or one the bulk approval skipped for its errors, is approved one by one
    (a reviewer who has checked it)."""
    reviewer = office_session(base, "demo-reviewer")
    for item in village_households(base, village_id, campaign_id):
        if item["review_state"] in ("submitted", "held"):
            r = reviewer.post(
                f"{base}/api/households/{item['id']}/review",
                json={"action": "approve"},
                timeout=10,
            )
            assert r.status_code == 200, r.text


# ---- the phone --------------------------------------------------------------------------------


def list_item(page, hid):
    return page.locator(f"#hh a[href='#/h/{hid}']")


def in_view(page, path):
    """The field in the middle of the screen, for the screenshot."""
    page.locator(f".field[data-p='{path}']").evaluate("f => f.scrollIntoView({block: 'center'})")


def sync_until(page, base, hid, state_label):
    """Back to the list, sync, until the household's row says `state_label`."""
    page.goto(base + "/#/list")
    list_item(page, hid).wait_for(state="attached")
    sync_now(page)
    wait_synced(page)
    list_item(page, hid).locator(".state", has_text=state_label).wait_for(state="attached")


# ---- the desk ---------------------------------------------------------------------------------


def open_from_queue(desk, base, number):
    """Search the review queue by household number and open the one household it finds."""
    desk.goto(base + "/desk/queue")
    desk.fill("input[name=q]", number)
    desk.click(".queue-filters button[type=submit]")
    desk.wait_for_url(f"**/desk/queue?**q={number}**")
    rows = desk.locator("table.queue tbody tr")
    assert rows.count() == 1
    return rows


def diff_row(desk, path):
    return desk.locator(f"#diff tr[data-path='{path}']")


def accept_dialogs(page):
    """Answer the desk's confirmations, keeping what they asked."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


def test_a_household_goes_from_the_phone_through_review_to_the_county(server, new_context):
    campaign_id = active_campaign(server)
    village = story_village(server, campaign_id)
    village_id = village["village_id"]
    surveyor = village_surveyor(server, village_id)
    hid, number = new_household(server, surveyor, village_id, campaign_id)

    # 1. The surveyor fills in the migrant income on the phone and keeps it as a draft; back
    # later, with nothing more to type, submits the household.
    phone = new_context().new_page()
    login_and_download(phone, server, username=surveyor)
    wait_synced(phone)
    open_household(phone, server, hid)
    open_section(phone, "income")
    set_text(phone, WAGE, "15000")
    in_view(phone, WAGE)
    story_shot(phone, "01-phone-filled")
    phone.click("#save")
    phone.wait_for_selector("#hh", state="attached")
    list_item(phone, hid).wait_for(state="attached")
    list_item(phone, hid).locator(".tag.pending").wait_for(state="detached")  # sent
    saved = record(server, hid)
    assert saved["review_state"] == "draft"
    assert saved["document"]["income"]["wage_migrant"] == "15000.00"
    open_household(phone, server, hid)
    submit(phone)
    list_item(phone, hid).locator(".state", has_text="已提交").wait_for(state="attached")
    wait_synced(phone)
    story_shot(phone, "02-phone-submitted")
    submitted = record(server, hid)
    assert submitted["review_state"] == "submitted"
    assert submitted["document"]["income"]["wage_migrant"] == "15000.00"

    # 2. The reviewer finds it in the queue, reads what the phone changed and returns it with a
    # comment on the migrant income.
    desk = desk_page(new_context, server, "demo-reviewer")
    assert desk.viewport_size == DESK_VIEWPORT
    rows = open_from_queue(desk, server, number)
    assert rows.first.locator(".state").inner_text() == "已提交"
    assert village["village"] in rows.first.inner_text()
    story_shot(desk, "03-desk-queue", full_page=True)
    rows.first.locator(f"a:has-text('{number}')").click()
    desk.wait_for_selector("#review-state")
    assert desk.locator("#review-state").inner_text() == "已提交"
    assert "自调查员首次提交" in desk.locator("#diff-why").inner_text()
    assert desk.locator("#no-changes").count() == 1  # nothing changed since the submission
    desk.click("#changes a:has-text('对比任意两个版本')")
    desk.wait_for_selector("#changes")
    desk.select_option("select[name=from]", "1")
    desk.select_option("select[name=to]", str(submitted["version"]))
    desk.click("form.filters button[type=submit]")
    desk.wait_for_selector(f"#diff tr[data-path='{WAGE}']")
    changed = diff_row(desk, WAGE)
    assert "24,000.00 元" in changed.locator("td.old").inner_text()
    assert "15,000.00 元" in changed.locator("td.new").inner_text()
    assert "孙丽" in changed.locator("td.by").inner_text()
    story_shot(desk, "04-desk-diff-of-the-submission", full_page=True)
    desk.click(".hh-nav a")
    desk.wait_for_selector("#review-state")
    field = f"#sec-income .field[data-path='{WAGE}']"
    desk.hover(field)
    desk.click(f"{field} .comment-pick")
    slot = desk.locator("#return-form .slot").first
    assert slot.locator("select").input_value() == WAGE
    slot.locator("input").fill(COMMENT)
    desk.fill("#return-note", REASON)
    story_shot(desk, "05-desk-return-form")
    desk.click("#return")
    desk.wait_for_selector(".flash-success")
    assert desk.locator("#review-state").inner_text() == "已退回"
    assert COMMENT in desk.locator(".review-comments").inner_text()
    returned = record(server, hid)
    assert returned["review_state"] == "returned"
    assert returned["review_note"] == REASON
    assert returned["review_comments"] == {WAGE: COMMENT}

    # 3. The phone syncs: the reason on top, the comment beside the migrant income.
    sync_until(phone, server, hid, "已退回")
    item = list_item(phone, hid)
    item.scroll_into_view_if_needed()
    assert f"退回原因：{REASON}" in item.inner_text()
    assert "1 处意见" in item.inner_text()
    story_shot(phone, "06-phone-returned-list")
    open_household(phone, server, hid)
    assert REASON in phone.inner_text("#returned")
    phone.click(f"#returned [data-goto='{WAGE}']")
    beside = phone.locator(f".field[data-p='{WAGE}'] .rc")
    beside.wait_for()
    assert COMMENT in beside.inner_text()
    story_shot(phone, "07-phone-comment-beside-field")

    # 4. The surveyor corrects the answer and submits again.
    set_text(phone, WAGE, "12800")
    phone.wait_for_selector(f".field[data-p='{WAGE}'] .rc.done")
    in_view(phone, WAGE)
    story_shot(phone, "08-phone-corrected")
    submit(phone)
    list_item(phone, hid).locator(".state", has_text="已提交").wait_for(state="attached")
    wait_synced(phone)
    resubmitted = record(server, hid)
    assert resubmitted["review_state"] == "submitted"
    assert resubmitted["document"]["income"]["wage_migrant"] == "12800.00"

    # 5. The reviewer sees what changed since the return, and approves.
    rows = open_from_queue(desk, server, number)
    rows.first.locator(f"a:has-text('{number}')").click()
    desk.wait_for_selector("#review-state")
    assert desk.locator("#review-state").inner_text() == "已提交"
    assert "自上次审核决定（退回" in desk.locator("#diff-why").inner_text()
    changed = diff_row(desk, WAGE)
    assert "15,000.00 元" in changed.locator("td.old").inner_text()
    assert "12,800.00 元" in changed.locator("td.new").inner_text()
    assert desk.locator("#diff tbody tr").count() == 1  # nothing else changed
    story_shot(desk, "09-desk-resubmitted-diff", full_page=True)
    desk.click("#approve")
    desk.wait_for_selector(".flash-success")
    assert desk.locator("#review-state").inner_text() == "乡镇已审核"
    assert record(server, hid)["review_state"] == "approved"

    # 6. The rest of the village is decided: its surveyor completes what is left, the reviewer
    # approves everything submitted at once on the desk.
    complete_and_submit_the_rest(server, surveyor, village_id, campaign_id)
    desk.goto(f"{server}/desk/queue?campaign={campaign_id}&village={village_id}&state=submitted")
    waiting = desk.locator("table.queue tbody tr[data-id]").count()
    assert waiting >= 1, "the village had households to decide"
    assert f"{waiting} 户可通过" in desk.locator("#approve-all").inner_text()
    story_shot(desk, "10-desk-village-queue", full_page=True)
    asked = accept_dialogs(desk)
    desk.click("#approve-all")
    desk.wait_for_selector(".flash-success, .flash-warning")
    assert f"已审核通过 {waiting} 户" in desk.locator(".flash-success, .flash-warning").inner_text()
    assert f"全部 {waiting} 户" in asked[0]
    approve_what_bulk_skipped(server, village_id, campaign_id)
    states = {h["review_state"] for h in village_households(server, village_id, campaign_id)}
    assert states <= {"approved", "accepted"}, states

    # 7. The township submits the village; the county accepts it.
    desk.goto(f"{server}/desk/villages?campaign={campaign_id}")
    row = desk.locator(f"#village-{village_id}")
    submit_village = row.locator("button:has-text('上报')")
    assert submit_village.is_enabled()
    story_shot(desk, "11-desk-village-ready", full_page=True)
    submit_village.click()
    desk.wait_for_selector(".flash-success")
    assert "已上报" in desk.locator(".flash-success").inner_text()
    assert "已上报，待县级确认" in desk.locator(f"#village-{village_id}").inner_text()
    county = desk_page(new_context, server, "demo-county")
    county.goto(f"{server}/desk/villages?campaign={campaign_id}")
    row = county.locator(f"#village-{village_id}")
    accept_dialogs(county)
    row.locator("button:has-text('确认')").click()
    county.wait_for_selector(".flash-success")
    assert "户记录已锁定" in county.locator(".flash-success").inner_text()
    assert "县级已确认" in county.locator(f"#village-{village_id}").inner_text()
    story_shot(county, "12-desk-county-accepted", full_page=True)
    assert record(server, hid)["review_state"] == "accepted"
    states = {h["review_state"] for h in village_households(server, village_id, campaign_id)}
    assert states == {"accepted"}, states

    # 8. The phone syncs: the record is accepted, locked and read only.
    sync_until(phone, server, hid, "县级已确认")
    open_household(phone, server, hid)
    assert "县级已确认，已锁定" in phone.inner_text("#locked")
    assert phone.locator("#submit").count() == 0
    assert phone.locator("#save").count() == 0
    assert phone.locator("#returned").count() == 0
    open_section(phone, "income")
    wage = phone.locator(f"input[name='{WAGE}']")
    assert wage.input_value() == "12800.00"
    assert wage.is_disabled()
    story_shot(phone, "13-phone-locked")
