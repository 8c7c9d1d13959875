"""A surveyor's week, in a real Chromium at a phone's size: log in and download with signal, then
work without it; the draft survives closing the page; the submission waits in the outbox and
reaches the server exactly once when signal returns."""

from .conftest import shot
from .helpers import open_section, type_money, unvisited_households, wait_synced


def server_record(api, household_id):
    r = api.get(f"{api.base}/api/households/{household_id}", timeout=10)
    r.raise_for_status()
    return r.json()


def test_offline_week(server, new_context, api):
    ctx = new_context()
    page = ctx.new_page()
    page.goto(server + "/")
    page.wait_for_selector("#login")
    shot(page, "01-login")
    page.fill("#u", "demo-surveyor")
    page.fill("#p", "demo12345")
    page.click("#login button[type=submit]")
    page.wait_for_selector("#dl")
    shot(page, "02-download")
    page.click("#dl button[type=submit]")
    page.wait_for_selector("#hh li a", timeout=30000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_synced(page)
    shot(page, "03-list")

    # No signal from here on: the app still opens, from the service worker and IndexedDB.
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("#hh li a", state="attached")
    assert page.locator("#hh li").count() >= 10
    shot(page, "04-list-offline")

    hid = unvisited_households(api)[0]
    before = server_record(api, hid)
    page.click(f"#hh a[href='#/h/{hid}']")
    page.wait_for_selector("details.sec[data-sec=household] .field")
    shot(page, "05-questionnaire")
    open_section(page, "income")
    type_money(page, "wage_local", "23456.7")
    page.wait_for_function("() => document.querySelector('#saved').textContent.includes('已保存')")
    pci = page.inner_text("#sumbar [data-pci]")
    assert pci != before["summary"]["per_capita_net_income"]
    page.locator("#verdict").scroll_into_view_if_needed()
    shot(page, "06-income-live")

    # Close the page (a closed tab, a dead battery) and open the app again, still offline.
    page.close()
    page = ctx.new_page()
    page.goto(f"{server}/#/h/{hid}")
    open_section(page, "income")
    assert page.input_value("input[name='income.wage_local']") == "23456.70"
    assert page.inner_text("#sumbar [data-pci]") == pci

    # Submit offline: it waits in the outbox, the server knows nothing yet.
    # Sign-off: surveyor, today's date and the head's signature drawn on the screen.
    open_section(page, "signoff")
    page.fill("input[name='signoff.surveyor']", "赵敏")
    page.click("[data-today='signoff.visit_date']")
    box = page.locator("canvas.sig").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 25, box["y"] + 40 + (i % 3) * 30)
    page.mouse.up()
    page.click("[data-sig-save]")
    page.wait_for_selector("[data-sig] img:not([hidden])")
    page.locator("[data-sig]").scroll_into_view_if_needed()
    shot(page, "07-signoff")
    page.click("#submit")
    page.wait_for_selector("#hh li a", state="attached")
    page.wait_for_function("() => document.querySelector('#sync-badge').dataset.pending === '1'")
    shot(page, "08-outbox-waiting")
    assert server_record(api, hid)["version"] == before["version"]

    # Signal again: the outbox drains by itself and the server has the change exactly once.
    ctx.set_offline(False)
    page.evaluate("dispatchEvent(new Event('online'))")
    wait_synced(page)
    after = server_record(api, hid)
    assert after["version"] == before["version"] + 1
    assert after["document"]["income"]["wage_local"] == "23456.70"
    assert after["summary"]["per_capita_net_income"] == pci
    assert after["review_state"] == "submitted"
    revisions = api.get(f"{api.base}/api/households/{hid}/revisions", timeout=10).json()
    assert len([r for r in revisions if r["version"] > before["version"]]) == 1
    signature = after["document"]["signoff"]["signature"]
    assert api.get(f"{api.base}/api/attachments/{signature}", timeout=10).status_code == 200
    shot(page, "09-synced")
