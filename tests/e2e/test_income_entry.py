"""The income table on a phone with touch: one household at a time, typed with the keyboard alone
(Enter goes to the next item, then to the next household), the household's per-capita income and
lines always in view and equal to what the domain computes, a wrong amount said in words and left
out, an offline reload that keeps what was typed, and after the sync the server holding exactly
those amounts; the village's totals card against the server's own sums."""

import json
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from server.domain.summary import summarize

from .conftest import shot
from .helpers import login_and_download, wait_synced

COLUMNS = [
    c["key"].removeprefix("income.")
    for c in json.loads(
        (Path(__file__).resolve().parents[2] / "server/domain/forms/income_table.json").read_text(
            encoding="utf-8"
        )
    )["columns"]
    if c["key"].startswith("income.") and not c.get("computed")
]
# What the surveyor types into each item, in order ("" clears it); what the server should hold.
TYPED = {
    "wage_migrant": "18000",
    "wage_local": "2400.5",
    "business_farming": "3150",
    "property_land_rent": "600",
    "transfer_pension": "1356",
    "transfer_eco": "275.25",
    "cost_business": "900",
}
STORED = {
    "wage_migrant": "18000.00",
    "wage_local": "2400.50",
    "business_farming": "3150.00",
    "property_land_rent": "600.00",
    "transfer_pension": "1356.00",
    "transfer_eco": "275.25",
    "cost_business": "900.00",
}
SIZES = ((390, 844), (360, 740))


def shots(page, name):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 390, "height": 844})


def money(text: str) -> str:
    """ "12,345.60" (as the phone shows it) -> "12345.60"."""
    return text.replace(",", "").strip()


DRAFT_AMOUNT = """async ([id, key]) => {
  const db = await new Promise((ok, bad) => {
    const r = indexedDB.open('ruhu');
    r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error);
  });
  const h = await new Promise((ok, bad) => {
    const q = db.transaction('households').objectStore('households').get(id);
    q.onsuccess = () => ok(q.result); q.onerror = () => bad(q.error);
  });
  db.close();
  return ((h && h.doc && h.doc.income) || {})[key] ?? '';
}"""


def kept(page, household_id: str, key: str, value: str, seconds: float = 5) -> None:
    """Wait until the phone's stored draft holds `value` for the income item `key`."""
    deadline = time.monotonic() + seconds
    while (stored := page.evaluate(DRAFT_AMOUNT, [household_id, key])) != value:
        assert time.monotonic() < deadline, f"the draft still holds {stored!r} for {key}"
        page.wait_for_timeout(50)


def pulled(api) -> list[dict]:
    r = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10)
    r.raise_for_status()
    return r.json()["records"]


def test_one_household_at_a_time_typed_on_a_phone_reaches_the_server(server, new_context, api):
    lines = next(c for c in api.get(f"{server}/api/campaigns", timeout=10).json() if c["active"])[
        "lines"
    ]
    ctx = new_context(has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login_and_download(page, server)
    wait_synced(page)
    records = pulled(api)
    village = records[0]["village_id"]
    mine = [r for r in records if r["village_id"] == village]
    # In the phone's order (by household number); the next one open to typing too, so that the
    # Enter after the last item lands on it (approved households are locked and passed over).
    mine.sort(key=lambda r: (len(r["household_no"] or ""), r["household_no"] or ""))
    open_ = [r["review_state"] not in ("approved", "accepted") for r in mine]
    target = next(
        r
        for i, r in enumerate(mine[:-1])
        if r["review_state"] in ("draft", "returned")
        and r["summary"]["household_size"] > 0
        and open_[i + 1]
    )
    hid = target["id"]

    page.goto(f"{server}/#/table/{village}?at={hid}")
    page.wait_for_selector("[data-table=entry] #e-wage_migrant")
    at, total = (int(x) for x in page.inner_text("#pos").split("/"))
    assert total == len(mine)
    assert page.get_attribute("#e-wage_migrant", "inputmode") == "decimal"
    # The labels are the form definition's, one above each amount.
    assert page.inner_text("label[for=e-transfer_eco]").startswith("生态补偿金")
    shots(page, "34-income-entry")

    # Every item by keyboard alone: Enter to the next, and after the last to the next household.
    page.tap("#e-wage_migrant")
    for key in COLUMNS:
        assert page.evaluate("document.activeElement.id") == f"e-{key}"
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        if key in TYPED:
            page.keyboard.type(TYPED[key])
        page.keyboard.press("Enter")
    assert page.inner_text("#pos").replace(" ", "") == f"{at + 1}/{total}"
    assert page.evaluate("document.activeElement.id") == "e-wage_migrant"

    # Back to it: what was typed is there, stored as amounts, and the figures are the domain's.
    page.tap("#prev")
    page.wait_for_function(f"() => document.querySelector('#pos').textContent.startsWith('{at} ')")
    for key in COLUMNS:
        assert page.input_value(f"#e-{key}") == STORED.get(key, ""), key
    expected = summarize(dict(target["document"], income=STORED), lines)
    assert money(page.inner_text("#figs [data-pci]")) == expected["per_capita_net_income"]
    assert page.inner_text("#figs [data-size]") == str(expected["household_size"])
    for line in lines:
        flag = page.get_attribute(f"#figs [data-line={line['key']}]", "data-on")
        assert flag == str(expected["lines"][line["key"]]).lower(), line["key"]
    shots(page, "35-income-entry-typed")
    kept(page, hid, "wage_migrant", "18000.00")

    # A wrong amount is said in words beside its item and counts for nothing.
    page.tap("#e-property_other")
    page.keyboard.type("12.345")
    message = page.inner_text(".field[data-p='income.property_other'] .msg")
    assert "两位小数" in message, message
    assert page.get_attribute("#e-property_other", "aria-invalid") == "true"
    assert money(page.inner_text("#figs [data-pci]")) == expected["per_capita_net_income"]
    assert "未计入" in page.inner_text("#figs [data-uncounted]")
    page.eval_on_selector("#e-property_other", "e => e.scrollIntoView({ block: 'center' })")
    shots(page, "36-income-entry-wrong-amount")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.wait_for_function("() => !document.querySelector('#figs [data-uncounted]')")
    kept(page, hid, "property_other", "")  # the draft is written a moment after the screen

    # Offline, a reload keeps every amount (a draft in IndexedDB), at the same household.
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-table=entry] #e-wage_migrant")
    assert page.inner_text("#pos").replace(" ", "") == f"{at}/{total}"
    for key in COLUMNS:
        assert page.input_value(f"#e-{key}") == STORED.get(key, ""), key
    ctx.set_offline(False)

    # Sent through the outbox: the server holds exactly those amounts, and its figures agree.
    page.tap("#tsubmit")
    page.wait_for_function(
        "() => document.querySelector('#banner').textContent.includes('已提交 1 户')"
    )
    stored = target
    for _ in range(100):  # the outbox drains at once; the server's version says it arrived
        stored = api.get(f"{server}/api/households/{hid}", timeout=10).json()
        if stored["version"] > target["version"]:
            break
        page.wait_for_timeout(200)
    wait_synced(page)
    held = {k: v for k, v in stored["document"]["income"].items() if v not in (None, "")}
    assert held == STORED  # the items cleared are "no answer"
    assert stored["per_capita_net_income"] == expected["per_capita_net_income"]

    # The totals card against the server's own sums over the village.
    mine = [r for r in pulled(api) if r["village_id"] == village]
    people = sum(r["summary"]["household_size"] for r in mine)
    net = sum(Decimal(r["summary"]["net_income"]) for r in mine)
    pci = (net / people).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    page.tap("#totals > summary")
    assert page.inner_text("#totals [data-households]") == str(len(mine))
    assert page.inner_text("#totals [data-people]") == str(people)
    assert money(page.inner_text("#totals [data-village-pci]")) == str(pci)
    for key in COLUMNS:
        item = sum(Decimal((r["document"].get("income") or {}).get(key) or 0) for r in mine)
        assert money(page.inner_text(f"#totals [data-total={key}]")) == f"{item:.2f}", key
    page.eval_on_selector("#totals", "e => e.scrollIntoView({ block: 'start' })")
    shots(page, "37-income-entry-totals")


def wide_grid(server, new_context):
    """A phone signed in with its villages, showing a village's income table on a wide screen."""
    page = new_context().new_page()
    login_and_download(page, server)
    village = int(page.get_attribute(".villages button[data-v]:not([data-v=''])", "data-v"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/#/table/{village}")
    page.wait_for_selector("table.grid tfoot tr.total")
    return page


def test_the_grid_stays_on_a_wide_screen(server, new_context):
    page = wide_grid(server, new_context)
    assert page.locator("[data-table=entry]").count() == 0
    # Turned to a phone's width: one household at a time, and back.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_selector("[data-table=entry] #e-wage_migrant")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_selector("table.grid tbody tr")


def test_turning_the_phone_as_the_surveyor_leaves_the_table(server, new_context):
    """A loaded phone may hear of its new width after the list was asked for and before the
    router ran: the table must not draw itself again, nor put its own address back (the router
    would then show the table instead of the list). The address changes without its event, the
    width changes and its event is heard, then the router hears of the address."""
    page = wide_grid(server, new_context)
    page.evaluate("history.pushState(history.state, '', '#/list')")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("location.hash") == "#/list"
    page.evaluate("dispatchEvent(new HashChangeEvent('hashchange'))")
    page.wait_for_selector(".villages button[aria-pressed=true]")
    assert page.locator("[data-table]").count() == 0
