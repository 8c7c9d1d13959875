"""A new campaign reaches the phone: the county starts it by carrying every family forward, and the
surveyor's phone, already in the field, syncs and has the new campaign's households, pre-filled,
with the new campaign and its lines beside them.

On a server of its own (a fresh seeded database): carrying a whole county forward doubles the
households every other browser test would see.
"""

import time

import pytest

from tests.e2e.conftest import ROOT, SHOTS, serve
from tests.e2e.helpers import login_and_download, office_session, sync_now, wait_synced

READ_ROWS = """async () => {
  const db = await new Promise((ok, bad) => {
    const r = indexedDB.open('ruhu');
    r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error);
  });
  const all = (store) => new Promise((ok, bad) => {
    const r = db.transaction(store).objectStore(store).getAll();
    r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error);
  });
  const [rows, campaigns, households] = await Promise.all(
    [all('rows'), all('campaigns'), all('households')]);
  db.close();
  return {
    rows: rows.map((r) => ({ id: r.id, campaign_id: r.campaign_id, state: r.review_state })),
    campaigns: campaigns.map((c) => ({ id: c.id, lines: c.lines })),
    docs: households.map((h) => ({ campaign_id: h.campaign_id, income: h.doc.income,
      members: (h.doc.members || []).length })),
  };
}"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    yield from serve(ROOT, tmp_path_factory.mktemp("carry"))


def test_the_phone_downloads_the_new_campaigns_work(own_server, new_context):
    base = own_server
    page = new_context().new_page()
    login_and_download(page, base)
    before = page.evaluate(READ_ROWS)
    assert before["rows"] and {r["campaign_id"] for r in before["rows"]} == {1}

    county = office_session(base, "demo-county")
    draft = county.get(f"{base}/api/campaigns/1/next-year", timeout=10).json()
    draft["lines"][0]["amount"] = "4500.00"  # this year's exit line
    r = county.post(f"{base}/api/campaigns", json=draft, timeout=10)
    assert r.status_code == 201, r.text
    new_id = r.json()["id"]
    r = county.post(
        f"{base}/api/campaigns/{new_id}/carry-forward",
        json={"source_campaign_id": 1},
        timeout=30,
    )
    assert r.status_code == 202, r.text
    progress = finished(county, f"{base}/api/campaigns/{new_id}")  # the job worker's
    assert progress["task"] == "carry" and progress["carried"] > 0, progress

    sync_now(page)
    wait_synced(page, timeout=60000)
    after = page.evaluate(READ_ROWS)
    carried = [r for r in after["rows"] if r["campaign_id"] == new_id]
    assert len(carried) == len(before["rows"])  # one per family of the phone's villages
    assert {r["state"] for r in carried} == {"draft"}
    old = [r for r in after["rows"] if r["campaign_id"] == 1]
    assert sorted(old, key=lambda r: r["id"]) == sorted(before["rows"], key=lambda r: r["id"])
    campaign = next(c for c in after["campaigns"] if c["id"] == new_id)  # fetched at the sync
    assert campaign["lines"][0]["amount"] == "4500.00"
    new_docs = [d for d in after["docs"] if d["campaign_id"] == new_id]
    assert all(d["income"] == {} and d["members"] > 0 for d in new_docs)
    # The list opens on the new campaign, one row per family; the old one is a choice away.
    page.goto(base + "/#/list")
    page.reload()
    page.wait_for_selector("#hh li a", state="attached")
    assert page.input_value("#campaign") == str(new_id)
    shown = f"显示 {len(before['rows'])} 户"  # one per family, not two
    page.wait_for_function(f"() => document.querySelector('#count').innerText.includes({shown!r})")
    assert "未提交" in page.inner_text("#hh")
    page.screenshot(path=str(SHOTS / "phone-list-after-carry-forward.png"), full_page=False)
    page.select_option("#campaign", "1")
    page.wait_for_function("() => document.querySelector('#campaign').value === '1'")
    page.wait_for_function(f"() => document.querySelector('#count').innerText.includes({shown!r})")


def finished(session, url: str, seconds: float = 120) -> dict:
    """The campaign's task progress once the job worker has finished it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = session.get(url, timeout=10).json()["progress"]
        if progress["state"] in ("done", "failed"):
            return progress
        time.sleep(0.5)
    raise AssertionError(f"the job did not finish: {progress}")
