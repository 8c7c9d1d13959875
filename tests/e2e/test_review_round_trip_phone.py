"""The phone's side of review, in the browser: a returned record shows the reason and each comment
beside its field, the surveyor fixes and resubmits; two phones change one answer offline, the
second sees both values, the reviewer decides on the desk, and both phones see the outcome."""

import uuid

from server.domain.sample import sample_document

from .conftest import DATABASE_URLS, SHOTS, shot
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

SIZES = ((390, 844), (360, 740))


def shots(page, name):
    """The screen at both phone sizes, back at 390x844 after."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 390, "height": 844})


def desk_shot(page, name):
    (SHOTS / "desk").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "desk" / f"{name}.png"), full_page=True)


def villages_of(session, base):
    def walk(nodes):
        for n in nodes:
            if n["level"] == "village":
                yield n["id"]
            yield from walk(n["children"])

    return sorted(walk(session.get(f"{base}/api/areas", timeout=10).json()))


def new_household(base, state="draft"):
    """A complete household of the demo surveyor's first village, made through the API (so no
    other test's household is touched), and submitted when `state` says so."""
    surveyor = office_session(base, "demo-surveyor")
    document = sample_document()
    ids = {}
    for section in ("members", "helpers", "measures"):
        for row in document[section]:
            ids[row["id"]] = row["id"] = str(uuid.uuid4())
    for measure in document["measures"]:
        if measure["member_id"]:
            measure["member_id"] = ids[measure["member_id"]]
    document["signoff"]["signature"] = None
    document["household"]["household_no"] = f"E2E{uuid.uuid4().hex[:10]}"
    campaign = next(
        c for c in surveyor.get(f"{base}/api/campaigns", timeout=10).json() if c["active"]
    )
    r = surveyor.post(
        f"{base}/api/households",
        json={
            "id": str(uuid.uuid4()),
            "village_id": villages_of(surveyor, base)[0],
            "campaign_id": campaign["id"],
            "document": document,
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    if state == "submitted":
        r = surveyor.post(f"{base}/api/households/{hid}/review", json={"action": "submit"})
        assert r.status_code == 200, r.text
    return hid, document


def record(base, hid):
    r = office_session(base, "demo-reviewer").get(f"{base}/api/households/{hid}", timeout=10)
    r.raise_for_status()
    return r.json()


def return_with_comments(base, hid, note, comments) -> str:
    """The reviewer returns the household with a comment on single fields: through the review
    API when it takes `comments`, else the return through the API and the comments written by
    the household writer (what the review service does with them). Says which it was."""
    reviewer = office_session(base, "demo-reviewer")
    url = f"{base}/api/households/{hid}/review"
    r = reviewer.post(url, json={"action": "return", "note": note, "comments": comments})
    if r.status_code == 200 and r.json().get("review_comments") == comments:
        return "api"
    assert r.status_code == 422, r.text  # `comments` is not a field of the review action yet
    r = reviewer.post(url, json={"action": "return", "note": note}, timeout=10)
    assert r.status_code == 200, r.text
    _write_comments(DATABASE_URLS[base], hid, comments)
    assert record(base, hid)["review_comments"] == comments
    return "writer"


def _write_comments(database_url, hid, comments):
    from sqlalchemy import select

    from server.app import create_app
    from server.campaigns import queries as campaigns
    from server.core.database import write_transaction
    from server.extensions import db
    from server.households import queries, writer
    from server.models import User
    from tests.live import sqlalchemy_url

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
            "SECRET_KEY": "live-test-secret-key-long-enough-for-hs256",
        }
    )
    with app.app_context():
        reviewer = db.session.scalar(select(User.id).where(User.username == "demo-reviewer"))
        with write_transaction():
            row = queries.household_row(hid, lock=True)
            write = writer.new_version(
                row,
                row.document,
                lines=campaigns.campaign_lines(row.campaign_id) or [],
                author_id=reviewer,
                kind="review",
                changes={"review_comments": comments},
                base_version=row.version,
                state={"review_comments": comments},
            )
            writer.write_checked([write])
        db.session.remove()
        db.engine.dispose()


def test_a_returned_record_shows_each_comment_beside_its_field(server, new_context):
    hid, document = new_household(server, state="submitted")
    head = document["members"][0]
    comments = {
        "income.wage_migrant": "外出务工收入与村台账不一致，请核实",
        f"members.{head['id']}.labour": "户主劳动能力请按实际填写",
    }
    how = return_with_comments(server, hid, "收入和劳动力情况需核实", comments)
    print(f"comments set through the {how}")

    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    page.click("[data-f=returned]")
    item = page.locator(f"#hh a[href='#/h/{hid}']")
    item.wait_for(state="attached")
    # Rows off screen are not laid out (content-visibility), so their text is read in view.
    item.scroll_into_view_if_needed()
    assert "退回原因：收入和劳动力情况需核实" in item.inner_text()
    assert "2 处意见" in item.inner_text()
    shots(page, "returned-list")

    open_household(page, server, hid)
    top = page.inner_text("#returned")
    assert "收入和劳动力情况需核实" in top
    assert "外出务工收入与村台账不一致" in top and "户主劳动能力请按实际填写" in top
    # The sections holding a comment say so before they are opened.
    assert "意见 1" in page.inner_text("details.sec[data-sec=income] > summary")
    assert "意见 1" in page.inner_text("details.sec[data-sec=members] > summary")
    shots(page, "returned-top")

    # Each comment sits beside its field: the member's inside the member's row.
    page.click(f"#returned [data-goto='members.{head['id']}.labour']")
    note = page.locator(f".field[data-p='members.{head['id']}.labour'] .rc")
    note.wait_for()
    assert "户主劳动能力请按实际填写" in note.inner_text()
    page.click("#returned [data-goto='income.wage_migrant']")
    note = page.locator(".field[data-p='income.wage_migrant'] .rc")
    note.wait_for()
    assert "外出务工收入与村台账不一致" in note.inner_text()
    assert page.evaluate(
        "() => { const r = document.querySelector(\".field[data-p='income.wage_migrant']\")"
        ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    shots(page, "returned-field-comment")

    # The surveyor fixes the answer: the comment says 已修改; then resubmits.
    set_text(page, "income.wage_migrant", "18000")
    page.wait_for_selector(".field[data-p='income.wage_migrant'] .rc.done")
    assert page.is_visible(".field[data-p='income.wage_migrant'] [data-rc-done]")
    shots(page, "returned-fixed")
    submit(page)
    wait_synced(page)
    after = record(server, hid)
    assert after["review_state"] == "submitted"
    assert after["document"]["income"]["wage_migrant"] == "18000.00"
    assert after["review_comments"] == comments  # the reviewer still has them

    # Resubmitted, the phone no longer asks for the corrections.
    open_household(page, server, hid)
    assert page.locator("#returned").count() == 0
    assert page.locator(".rc").count() == 0
    assert "已重新提交" in page.inner_text("#resubmitted")


def second_surveyor(base):
    """A second surveyor over the demo surveyor's villages, made by the administrator."""
    villages = villages_of(office_session(base, "demo-surveyor"), base)
    username = f"surveyor-{uuid.uuid4().hex[:8]}"
    r = office_session(base, "demo-admin").post(
        f"{base}/api/admin/users",
        json={
            "username": username,
            "name": "周强",
            "role": "surveyor",
            "password": "demo12345",
            "area_ids": villages,
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return username


def push(base, hid, base_version, changes, device):
    r = office_session(base, "demo-surveyor").post(
        f"{base}/api/sync/push",
        json={
            "device_id": device,
            "ops": [
                {
                    "op_id": str(uuid.uuid4()),
                    "household_id": hid,
                    "base_version": base_version,
                    "changes": changes,
                }
            ],
        },
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def more_conflicts(base):
    """A household with three open conflicts: an amount changed again since (the desk shows the
    value in force, not the stale one), a choice among options, and a member's field."""
    hid, document = new_household(base)
    member = document["members"][1]["id"]
    assert (
        push(
            base,
            hid,
            1,
            {
                "income.wage_local": "3000.00",
                "causes.main_cause": "因病",
                f"members.{member}.labour": "普通劳动力",
            },
            "phone-x",
        )["status"]
        == "applied"
    )
    assert (
        push(
            base,
            hid,
            1,
            {
                "income.wage_local": "2500.00",
                "causes.main_cause": "因残",
                f"members.{member}.labour": "丧失劳动力",
            },
            "phone-y",
        )["status"]
        == "conflict"
    )
    assert push(base, hid, 3, {"income.wage_local": "3200.00"}, "phone-x")["status"] == "applied"
    return hid


def edit_offline(page, server, hid, value):
    open_household(page, server, hid)
    open_section(page, "income")
    set_text(page, "income.wage_migrant", value)
    submit(page)


def test_two_phones_conflict_is_decided_on_the_desk_and_both_phones_see_it(server, new_context):
    hid, _ = new_household(server)
    other = second_surveyor(server)
    ctx_a, ctx_b = new_context(), new_context()
    a, b = ctx_a.new_page(), ctx_b.new_page()
    login_and_download(a, server)
    login_and_download(b, server, username=other)
    for page in (a, b):
        wait_synced(page)
    ctx_a.set_offline(True)
    ctx_b.set_offline(True)
    edit_offline(a, server, hid, "10000")
    edit_offline(b, server, hid, "9000")
    ctx_a.set_offline(False)
    sync_now(a)
    wait_synced(a)
    ctx_b.set_offline(False)
    sync_now(b)
    wait_synced(b)
    assert record(server, hid)["conflict_open"]

    # Phone B synced second: it sees which field, its own value and the one in force.
    b.wait_for_selector(f"#hh a[href='#/h/{hid}'] .tag.conflict", state="attached")
    open_household(b, server, hid)
    note = b.inner_text("#conflicts")
    assert "外出务工收入" in note
    assert "本机填的“9000.00”未采用" in note and "现在是“10000.00”" in note
    assert "冲突 1" in b.inner_text("details.sec[data-sec=income] > summary")
    shots(b, "conflict-top")
    b.click("#conflicts [data-goto='income.wage_migrant']")
    beside = b.locator(".field[data-p='income.wage_migrant'] .cf")
    beside.wait_for()
    assert "等待审核员决定" in beside.inner_text()
    shots(b, "conflict-field")
    # A record pulled before pulls carried conflicts knows only that there is one: opened with
    # signal, it asks the server which.
    b.evaluate(
        "async (id) => { const h = await window.ruhu.db.get('households', id);"
        " h.conflicts = []; await window.ruhu.db.put('households', h); }",
        hid,
    )
    b.goto(server + "/#/list")
    open_household(b, server, hid)
    b.wait_for_function(
        # Polled before the form is drawn too: a missing box is "not yet", never an error.
        "() => (document.querySelector('#conflicts')?.textContent || '').includes('本机填的')"
    )

    # The reviewer decides on the desk: the device's value.
    busy = more_conflicts(server)
    desk = desk_page(new_context, server, "demo-reviewer")
    assert desk.viewport_size == DESK_VIEWPORT
    desk.goto(server + "/desk/conflicts")
    card = desk.locator(f"#h-{hid}")
    card.wait_for()
    text = card.inner_text()
    assert "收入情况 · 外出务工收入" in text
    assert "10000.00" in text and "9000.00" in text and "周强" in text
    busy_card = desk.locator(f"#h-{busy}")
    assert "3200.00" in busy_card.inner_text()  # in force now, not the 3000.00 recorded
    assert "冲突记录时为“3000.00”，之后又改过" in busy_card.inner_text()
    desk_shot(desk, "conflicts")
    # A value typed wrong comes back beside its field, nothing decided.
    row = busy_card.locator("tr", has_text="本地务工收入")
    row.locator("td.c-new input[name^=value-]").fill("很多")
    busy_card.locator("button.primary").click()
    desk.wait_for_selector(f"#h-{busy}.refused")
    assert "本地务工收入应为金额" in desk.locator(f"#h-{busy} tr.has-error").inner_text()
    desk_shot(desk, "conflicts-refused")
    card = desk.locator(f"#h-{hid}")
    card.locator("td.c-take input[type=radio]").first.check()
    card.locator("button.primary").click()
    desk.wait_for_selector(".flash-success")
    assert desk.locator(f"#h-{hid}").count() == 0
    after = record(server, hid)
    assert not after["conflict_open"]
    assert after["document"]["income"]["wage_migrant"] == "9000.00"

    # Both phones see the outcome at their next sync.
    for page in (a, b):
        page.goto(server + "/#/list")
        sync_now(page)
        wait_synced(page)
        page.wait_for_selector(f"#hh a[href='#/h/{hid}'] .tag.ok", state="attached")
        open_household(page, server, hid)
        open_section(page, "income")
        assert page.input_value("input[name='income.wage_migrant']") == "9000.00"
    assert "审核员已采用：本机的值“9000.00”" in b.inner_text("#decisions")
    assert "审核员已采用：周强的手机的值“9000.00”" in a.inner_text("#decisions")
    assert b.locator("#conflicts").count() == 0
    shots(b, "conflict-decided")
    b.click("#decisions [data-seen]")
    b.wait_for_selector("#decisions", state="detached")
    b.goto(server + "/#/list")
    b.wait_for_selector(f"#hh a[href='#/h/{hid}']", state="attached")
    assert b.locator(f"#hh a[href='#/h/{hid}'] .tag.ok").count() == 0
