"""Sync stories in the browser: a push whose answer is lost, and two phones editing one household
offline (different fields merge; the same field is a conflict the surveyor sees)."""

from .conftest import shot
from .helpers import (
    login_and_download,
    open_household,
    open_section,
    set_text,
    submit,
    sync_now,
    township_review,
    visited_households,
    wait_synced,
)


def record(api, hid):
    r = api.get(f"{api.base}/api/households/{hid}", timeout=10)
    r.raise_for_status()
    return r.json()


def revisions_after(api, hid, version):
    r = api.get(f"{api.base}/api/households/{hid}/revisions", timeout=10)
    return [x for x in r.json() if x["version"] > version]


def edit_offline(page, server, hid, path, value):
    """On a phone without signal: open the household, type one answer, submit it to the outbox."""
    open_household(page, server, hid)
    set_text(page, path, value)
    submit(page)


def reconnect(ctx, page):
    """Signal again, and the surveyor taps sync."""
    ctx.set_offline(False)
    sync_now(page)


def test_a_lost_push_response_is_retried_and_changes_nothing_twice(server, new_context, api):
    hid = visited_households(api)[-1]
    before = record(api, hid)
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)

    answers = []

    def lose_first_answer(route):
        response = route.fetch()  # the server commits the operation ...
        answers.append(response.json())
        if len(answers) == 1:
            route.abort("connectionreset")  # ... and the answer never reaches the phone
        else:
            route.fulfill(response=response)

    page.route("**/api/sync/push", lose_first_answer)
    open_household(page, server, hid)
    set_text(page, "household.phone", "13912345678")
    submit(page)
    # The phone saw a network error: the operation stays in the outbox (the retry comes with
    # the backoff timer or the button, whichever is first).
    page.wait_for_function(
        "() => { const b = document.querySelector('#sync-badge');"
        " return b.dataset.state === 'offline' && b.dataset.pending === '1'; }"
    )
    assert answers[0]["results"][0]["status"] == "applied"
    assert record(api, hid)["version"] == before["version"] + 1

    sync_now(page)  # the retry (unless the backoff timer already made it)
    wait_synced(page)
    assert len(answers) == 2
    assert answers[1]["results"][0]["status"] == "duplicate"
    after = record(api, hid)
    assert after["version"] == before["version"] + 1
    assert after["document"]["household"]["phone"] == "13912345678"
    assert len(revisions_after(api, hid, before["version"])) == 1


def test_two_phones_offline_merge_then_conflict(server, new_context, api):
    hid = visited_households(api)[-2]
    before = record(api, hid)
    ctx_a, ctx_b = new_context(), new_context()
    a, b = ctx_a.new_page(), ctx_b.new_page()
    for page in (a, b):
        login_and_download(page, server)
        wait_synced(page)
    ctx_a.set_offline(True)
    ctx_b.set_offline(True)

    # Different fields: both kept.
    edit_offline(a, server, hid, "household.phone", "13900000001")
    open_household(b, server, hid)
    open_section(b, "income")
    set_text(b, "income.wage_local", "1234")
    submit(b)
    reconnect(ctx_a, a)
    wait_synced(a)
    reconnect(ctx_b, b)
    wait_synced(b)
    merged = record(api, hid)
    assert merged["version"] == before["version"] + 2
    assert merged["document"]["household"]["phone"] == "13900000001"
    assert merged["document"]["income"]["wage_local"] == "1234.00"
    assert not merged["conflict_open"]

    # The same field, two different answers: a conflict, and phone B shows it.
    ctx_a.set_offline(True)
    ctx_b.set_offline(True)
    edit_offline(a, server, hid, "household.bank", "农业银行")
    open_household(b, server, hid)
    assert b.input_value("input[name='household.phone']") == "13900000001"  # B pulled A's edit
    set_text(b, "household.bank", "信用社")
    submit(b)
    reconnect(ctx_a, a)
    wait_synced(a)
    reconnect(ctx_b, b)
    b.wait_for_function("() => document.querySelector('#sync-badge').dataset.pending === '0'")
    assert record(api, hid)["conflict_open"]
    b.wait_for_selector(f"#hh a[href='#/h/{hid}'] .tag.conflict", state="attached")
    shot(b, "10-list-conflict")
    open_household(b, server, hid)
    note = b.inner_text("#conflicts")
    assert "农业银行" in note and "信用社" in note
    shot(b, "11-conflict-shown")


def test_a_rejected_operation_shows_why(server, new_context, api):
    """The township approves (and so locks) a household while the phone edits it offline: the
    server refuses the edit, the phone keeps it and says why."""
    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    submitted = [
        r["id"] for r in records if r["review_state"] == "submitted" and not r["conflict_open"]
    ]
    assert submitted, "the demo county has submitted households in the surveyor's villages"
    hid = max(submitted)  # the other stories take theirs from the front of the sorted list
    ctx = new_context()
    page = ctx.new_page()
    login_and_download(page, server)
    wait_synced(page)
    ctx.set_offline(True)
    open_household(page, server, hid)
    set_text(page, "household.phone", "13600001111")
    page.click("#save")
    page.wait_for_selector("#hh", state="attached")

    township_review(server, hid, "approve")

    ctx.set_offline(False)
    sync_now(page)
    wait_synced(page)
    page.wait_for_selector(f"#hh a[href='#/h/{hid}'] .tag.rejected", state="attached")
    open_household(page, server, hid)
    text = page.inner_text("main")
    assert "服务器未接受" in text and "锁定" in text and "review_state" not in text
    assert page.input_value("input[name='household.phone']") == "13600001111"  # nothing lost
    shot(page, "19-rejected")
