"""What a new surveyor trips over on a phone, each screen photographed at 390x844 and 360x740:
one message for one mistake, verdicts in plain words, the list's row and filters, locked records."""

import re

from server.domain import idcard

from .conftest import shot
from .helpers import (
    login_and_download,
    open_household,
    open_section,
    township_review,
    visited_households,
    wait_synced,
)

SIZES = ((390, 844), (360, 740))


def shots(page, name):
    """The screen at both phone sizes, back at 390x844 after."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 390, "height": 844})


def test_a_sex_contradicting_the_id_number_gives_one_message_and_one_count(
    server, new_context, api
):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    open_household(page, server, visited_households(api)[0])
    page.eval_on_selector("details.sec[data-sec=members]", "d => { d.open = true; }")
    page.click("[data-add=members]")
    row = page.eval_on_selector_all(
        "details.item[data-sec=members]", "ds => ds[ds.length - 1].dataset.row"
    )
    page.fill(f"input[name='members.{row}.name']", "杨小梅")
    page.fill(f"input[name='members.{row}.id_number']", idcard.make("610526", "2004-09-21", 15))
    page.dispatch_event(f"input[name='members.{row}.id_number']", "change")
    page.click(f"label:has(input[name='members.{row}.sex'][value='女'])")
    page.select_option(f"select[name='members.{row}.relation']", "之女")
    page.dispatch_event(f"select[name='members.{row}.relation']", "change")
    page.click("#submit")
    page.wait_for_selector("#banner:not([hidden])")

    sex_msg = page.inner_text(f".field[data-p='members.{row}.sex'] .msg")
    relation_msg = page.inner_text(f".field[data-p='members.{row}.relation'] .msg")
    assert "性别与身份证号不符" in sex_msg
    assert relation_msg == "", relation_msg
    toast = int(re.search(r"还有 (\d+) 处", page.inner_text("#banner")).group(1))
    badges = page.eval_on_selector_all("details.sec .cnt", "cs => cs.map((c) => c.textContent)")
    counted = sum(int(m.group(1)) for b in badges if (m := re.search(r"(\d+) 处", b)))
    assert counted == toast, (badges, toast)
    page.eval_on_selector(f".field[data-p='members.{row}.sex']", "e => e.scrollIntoView()")
    shots(page, "20-one-message-for-sex-and-id")


def test_the_verdict_is_said_in_words_and_a_bad_amount_does_not_count(server, new_context, api):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    open_household(page, server, visited_households(api)[0])
    open_section(page, "income")
    says = page.eval_on_selector_all("#verdict .say", "ps => ps.map((p) => p.textContent)")
    assert len(says) == 2, says
    exit_words = r"(超过|未超过)退出标准 4000 元"
    assert re.fullmatch(rf"人均纯收入 [\d,]+\.\d\d 元，{exit_words}", says[0]), says
    assert re.fullmatch(
        r"人均纯收入 [\d,]+\.\d\d 元，(在监测标准 5000 元以下|超过监测标准 5000 元)", says[1]
    )
    assert "（以下" not in page.inner_text("main") and "（超过" not in page.inner_text("main")
    page.eval_on_selector("#verdict", "e => e.scrollIntoView({block: 'end'})")
    shots(page, "21-verdict-in-words")

    before = page.inner_text("#sumbar [data-pci]")
    empty = page.eval_on_selector_all(
        "input[name^='income.']", "is => is.filter((i) => !i.value).map((i) => i.name)"
    )[0]
    page.fill(f"input[name='{empty}']", "12.345")
    page.dispatch_event(f"input[name='{empty}']", "change")
    page.wait_for_selector("#sumbar [data-uncounted]")
    assert page.inner_text("#sumbar [data-pci]") == before
    assert "两位小数" in page.inner_text(f".field[data-p='{empty}'] .msg")
    page.fill(f"input[name='{empty}']", "12.34")
    page.dispatch_event(f"input[name='{empty}']", "change")
    page.wait_for_function(
        "b => document.querySelector('#sumbar [data-pci]').textContent !== b", arg=before
    )


def _fits(page, selector):
    """Every element matched shows all of its text: nothing cut or pushed out of its row."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter((e) => e.offsetParent).map((e) => {
             const r = e.getBoundingClientRect();
             const box = (e.closest('a') || e.parentElement).getBoundingClientRect();
             return e.scrollWidth <= e.clientWidth + 1 && r.right <= box.right + 1
               && r.right <= innerWidth;
           }).every(Boolean)""",
    )


def test_the_list_shows_each_review_state_and_filters_by_it(server, new_context, api):
    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    submitted = sum(1 for r in records if r["review_state"] == "submitted")
    reviewed = sum(1 for r in records if r["review_state"] in ("approved", "accepted"))
    assert submitted and reviewed, "the demo county has submitted and reviewed households"
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    page.click("[data-f=all]")
    page.click(".villages button[data-v='']")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        assert page.eval_on_selector_all("#hh li .state", "s => s.length") > 5
        assert _fits(page, "#hh li .state"), f"a review state is cut at {width} px"
    page.set_viewport_size({"width": 390, "height": 844})
    shots(page, "22-list-review-state")

    page.click("[data-f=submitted]")
    page.wait_for_function(
        "n => document.querySelectorAll('#hh li a').length === Math.min(n, 40)", arg=submitted
    )
    states = page.eval_on_selector_all("#hh li .state", "s => s.map((e) => e.textContent)")
    assert set(states) == {"已提交"}
    assert f"显示 {submitted} 户" in page.inner_text("#count")
    page.click("[data-f=reviewed]")
    page.wait_for_function(
        "n => document.querySelector('#count').textContent.includes(`显示 ${n} 户`)", arg=reviewed
    )
    states = page.eval_on_selector_all("#hh li .state", "s => s.map((e) => e.textContent)")
    assert set(states) <= {"乡镇已审核", "县级已确认"} and states
    shots(page, "23-list-reviewed-filter")


def test_a_section_jumped_to_is_not_under_the_summary_bar(server, new_context, api):
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    open_household(page, server, visited_households(api)[0])
    for key in ("household", "income", "signoff"):
        open_section(page, key)
        gap = page.evaluate(
            """key => {
                 const d = document.querySelector(`details.sec[data-sec=${key}]`);
                 d.scrollIntoView({block: 'start'});
                 return d.querySelector('summary').getBoundingClientRect().top
                   - document.querySelector('#sumbar').getBoundingClientRect().bottom;
               }""",
            key,
        )
        assert gap >= 0, f"the {key} heading is {-gap} px under the summary bar"
    shots(page, "24-section-below-summary-bar")


def test_the_sync_badge_tells_of_refused_edits_and_a_locked_record_looks_read_only(
    server, new_context, api
):
    """The township approves (and so locks) a household the phone edits offline: the badge fits
    at 360 px and, tapped, says what to do; the locked record is read-only before one tries."""
    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    submitted = sorted(
        r["id"] for r in records if r["review_state"] == "submitted" and not r["conflict_open"]
    )
    hid = submitted[len(submitted) // 2]  # other stories take the first and the last
    ctx = new_context()
    page = ctx.new_page()
    login_and_download(page, server)
    wait_synced(page)
    ctx.set_offline(True)
    open_household(page, server, hid)
    page.fill("input[name='household.phone']", "13600002222")
    page.dispatch_event("input[name='household.phone']", "change")
    page.wait_for_function("() => document.querySelector('#saved').textContent.includes('已保存')")
    page.click("#save")
    page.wait_for_selector("#hh", state="attached")
    township_review(server, hid, "approve")
    ctx.set_offline(False)
    page.click("#sync-now")
    wait_synced(page)
    page.wait_for_function(
        "() => document.querySelector('#sync-badge').textContent.includes('待改')"
    )
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        cut = page.eval_on_selector(
            "#sync-badge",
            "b => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1"
            " || b.getBoundingClientRect().right > innerWidth",
        )
        assert not cut, f"the sync badge is cut at {width} px"
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#sync-badge")
    told = page.inner_text("#banner")
    assert "服务器未接受" in told and "待修改" in told, told
    shots(page, "25-sync-badge-told")

    open_household(page, server, hid)
    assert "只读" in page.inner_text("#locked")
    assert page.is_disabled("input[name='household.phone']")
    assert page.input_value("input[name='household.phone']") == "13600002222"
    assert page.query_selector("#submit") is None
    shots(page, "26-locked-read-only")


def test_new_household_and_income_table_from_every_village_view(server, new_context, api):
    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    page.click(".villages button[data-v='']")
    page.click("[data-f=all]")
    page.click("button.fab[data-pick=new]")
    page.wait_for_selector("#pick:not([hidden]) a[data-village]")
    shots(page, "27-new-household-asks-the-village")
    village = int(page.get_attribute("#pick a[data-village]", "data-village"))
    page.click(f"#pick a[data-village='{village}']")
    page.wait_for_selector("details.sec[data-sec=household] .field")
    numbers = [
        int(r["document"]["household"]["household_no"])
        for r in records
        if r["village_id"] == village and r["document"]["household"]["household_no"].isdigit()
    ]
    filled = page.input_value("input[name='household.household_no']")
    assert filled == str(max(numbers) + 1).zfill(16), filled
    shots(page, "28-new-household-number-filled")
    page.fill("input[name='household.household_no']", "NEW-7")  # the surveyor can change it
    page.dispatch_event("input[name='household.household_no']", "change")
    assert page.input_value("input[name='household.household_no']") == "NEW-7"

    page.goto(server + "/#/list")
    page.click(".villages button[data-v='']")
    page.click("[data-pick=table]")
    page.click(f"#pick a[data-village='{village}']")
    page.wait_for_selector("[data-table=entry] #e-wage_migrant")  # a phone: one household at a time
    assert page.evaluate("location.hash").startswith(f"#/table/{village}")


def test_the_storage_advice_is_in_the_surveyors_words(server, new_context):
    """Headless Chromium does not keep the site's data for good, and the app is not installed: the
    surveyor is told, once, in plain words, to add the app to the home screen."""
    page = new_context().new_page()
    login_and_download(page, server)
    page.goto(server + "/#/list")
    page.wait_for_selector("#hh li a", state="attached")
    persisted = page.evaluate("navigator.storage.persisted()")
    advice = page.locator("#keep-advice")
    if persisted:
        assert advice.count() == 0
        return
    assert "添加到主屏幕" in advice.inner_text()
    assert "持久存储" not in page.inner_text("body")
    shots(page, "29-storage-advice")
    page.goto(server + "/#/settings")
    page.wait_for_selector("#keep-note")
    assert "添加到主屏幕" in page.inner_text("#keep-note")
    assert "持久存储" not in page.inner_text("body")
    shots(page, "30-settings-storage-advice")


def test_search_finds_a_household_by_pinyin_initials_and_full_pinyin(server, new_context, api):
    from server.households.derived import search_keys

    page = new_context().new_page()
    login_and_download(page, server)
    page.click("[data-f=all]")
    page.click(".villages button[data-v='']")
    heads = page.eval_on_selector_all(
        "#hh li .name", "ns => ns.map((n) => n.firstChild.textContent)"
    )
    # A household the server has keys for (one made on a phone earlier in the session and not
    # yet synced has none until it is), with a name no other household shares.
    synced = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    on_server = {r["head_name"] for r in synced}
    head = next(
        h
        for h in heads[3:]
        if h in on_server and heads.count(h) == 1 and re.fullmatch("[\u4e00-\u9fff]{2,4}", h)
    )
    shown = len(heads)
    full, initials = search_keys([{"name": head, "relation": "户主"}]).split()
    for typed in (initials, full, initials.upper()):
        page.fill("#q", typed)
        page.wait_for_function(
            "([h, shown]) => [...document.querySelectorAll('#hh li .name')].some((n) =>"
            " n.firstChild.textContent === h) && document.querySelectorAll('#hh li a').length"
            " < shown",
            arg=[head, shown],
        )
    page.fill("#q", initials)
    shots(page, "31-pinyin-search")


def test_the_income_table_totals_match_the_server_and_errors_are_words(server, new_context, api):
    from decimal import ROUND_HALF_UP, Decimal

    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)
    village = int(page.get_attribute(".villages button[data-v]:not([data-v=''])", "data-v"))
    page.set_viewport_size({"width": 1024, "height": 768})  # the grid: wider than a phone
    page.goto(f"{server}/#/table/{village}")
    page.wait_for_selector("table.grid tfoot tr.total")
    records = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10).json()["records"]
    mine = [r for r in records if r["village_id"] == village]
    people = sum(r["summary"]["household_size"] for r in mine)
    net = sum(Decimal(r["summary"]["net_income"]) for r in mine)
    income = [r["document"].get("income") or {} for r in mine]  # a new household may have none
    wages = sum(Decimal(i.get("wage_migrant") or 0) for i in income)
    pci = (net / people).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    foot = page.locator("table.grid tfoot")
    assert foot.locator("[data-households]").inner_text() == str(len(mine))
    assert foot.locator("[data-people]").inner_text() == str(people)
    assert foot.locator("[data-total=wage_migrant]").inner_text() == f"{wages:,.2f}"
    assert foot.locator("[data-village-pci]").inner_text() == f"{pci:,.2f}"

    cell = page.locator("table.grid tbody tr").first.locator("input[data-k=wage_local]")
    cell.fill("12.345")
    page.wait_for_selector("#terr li")
    assert "两位小数" in page.inner_text("#terr")
    shot(page, "33-income-table-totals-and-errors-1024")
