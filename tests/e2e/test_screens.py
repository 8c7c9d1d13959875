"""The other screens, each photographed at 390x844: a returned record with the reviewer's note,
the income statistics table with keyboard entry, a new household (档外人口) made offline,
settings."""

from PIL import Image

from server.domain import idcard

from .conftest import shot
from .helpers import (
    login_and_download,
    open_household,
    open_section,
    set_text,
    submitted_households,
    sync_now,
    township_review,
    wait_synced,
)


def choose(page, name, value):
    page.click(f"label:has(input[name='{name}'][value='{value}'])")


def test_returned_table_new_household_settings(server, new_context, api, tmp_path):
    ctx = new_context()
    ctx.grant_permissions(["geolocation"], origin=server)
    ctx.set_geolocation({"latitude": 33.2456, "longitude": 107.1234, "accuracy": 12})
    page = ctx.new_page()
    login_and_download(page, server)
    wait_synced(page)

    # The township reviewer sends one household back with a note; the phone shows it.
    hid = submitted_households(api)[0]
    township_review(server, hid, "return", "务工收入与村里台账不一致，请核实")
    sync_now(page)
    wait_synced(page)
    page.click("[data-f=returned]")
    page.wait_for_selector(f"#hh a[href='#/h/{hid}'] .tag.returned", state="attached")
    shot(page, "12-list-returned")
    open_household(page, server, hid)
    assert "务工收入与村里台账不一致" in page.inner_text("main")
    shot(page, "13-returned-note")

    # The income statistics table on a wide screen (a phone gets one household at a time,
    # test_income_entry.py): type, Enter moves down the column, the row recomputes.
    page.goto(server + "/#/list")
    page.click("[data-f=all]")
    page.click(".villages button[data-v]:not([data-v=''])")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.click("a[href^='#/table/']")
    page.wait_for_selector("table.grid tbody tr")
    first = page.locator("table.grid tbody tr").first
    before = first.locator("[data-pci]").inner_text()
    cell = first.locator("input[data-k=wage_public_job]")
    cell.fill("3000")
    cell.press("Enter")
    assert page.evaluate("document.activeElement.dataset.k") == "wage_public_job"
    assert page.evaluate(
        "document.activeElement.closest('tr') === "
        "document.querySelector('table.grid tbody tr:nth-child(2)')"
    )
    assert first.locator("[data-pci]").inner_text() != before
    shot(page, "14-income-table")
    page.set_viewport_size({"width": 390, "height": 844})

    # A new household, made offline with a client id, sent as a draft once online.
    page.goto(server + "/#/list")
    village = int(page.get_attribute(".villages button[aria-pressed=true]", "data-v"))
    page.context.set_offline(True)
    page.click("a.fab")
    page.wait_for_selector("details.sec[data-sec=household] .field")
    new_id = page.evaluate("location.hash.split('/').pop()")
    set_text(page, "household.group", "五组")
    set_text(page, "household.household_no", "NEW-0001")
    choose(page, "household.status", "边缘易致贫户")
    page.eval_on_selector("details.sec[data-sec=members]", "d => { d.open = true; }")
    row = page.get_attribute("details.item[data-sec=members]", "data-row")
    page.eval_on_selector(f"details.item[data-row='{row}']", "d => { d.open = true; }")
    page.wait_for_selector(f"input[name='members.{row}.name']")
    set_text(page, f"members.{row}.name", "韩新民")
    set_text(page, f"members.{row}.id_number", idcard.make("610526", "1980-05-06", 13))
    choose(page, f"members.{row}.sex", "男")
    page.locator(f"details.item[data-row='{row}']").scroll_into_view_if_needed()
    shot(page, "15-new-household-member")

    # A phone photo (here 3000x2000) is shrunk to at most 1280 px JPEG before it is stored; GPS.
    big = tmp_path / "photo.png"
    Image.new("RGB", (3000, 2000), (90, 140, 60)).save(big)
    open_section(page, "signoff")
    page.set_input_files("[data-photo-input]", str(big))
    page.wait_for_selector("[data-photo] img:not([hidden])")
    size = page.evaluate(
        """async () => {
          const all = await window.ruhu.db.getAll('attachments');
          const a = all.find((x) => x.type === 'image/jpeg');
          const bmp = await createImageBitmap(a.blob);
          return [a.blob.type, bmp.width, bmp.height];
        }"""
    )
    assert size == ["image/jpeg", 1280, 853]
    page.click("[data-gps]")
    page.wait_for_function(
        "() => document.querySelector('[data-gps-show]').textContent.includes('33.2456')"
    )
    page.locator("[data-photo]").scroll_into_view_if_needed()
    shot(page, "16-photo-gps")
    page.click("#save")
    page.wait_for_selector("#hh", state="attached")
    page.wait_for_function("() => document.querySelector('#sync-badge').dataset.pending === '1'")
    page.context.set_offline(False)
    sync_now(page)
    wait_synced(page)
    created = api.get(f"{api.base}/api/households/{new_id}", timeout=10).json()
    assert created["version"] == 1 and created["village_id"] == village
    assert created["document"]["members"][0]["name"] == "韩新民"
    signoff = created["document"]["signoff"]
    assert signoff["gps"]["lat"] == 33.2456
    photo = api.get(f"{api.base}/api/attachments/{signoff['photo']}", timeout=10)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"

    page.goto(server + "/#/settings")
    page.wait_for_selector("#wipe")
    shot(page, "17-settings")
