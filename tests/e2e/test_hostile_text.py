"""Text from a document is shown as text, never run as script, on the phone of the person who opens
it; and the page's Content-Security-Policy stops inline script even where escaping would fail.

A surveyor pushes a household whose names, group, bank, helper, risk note carry script payloads
(legitimate strings the server stores as they are), the township reviewer returns it with a note of
the same kind, and a member row id of the same kind is written straight into the database, as data
from before row ids were checked would be. The reviewer then opens the household on a phone.
Runs its own server: the household it leaves behind is not one the other stories expect.
"""

import json
import sqlite3
import uuid
from urllib.parse import urlparse

import pytest
import requests

from tests.live import LiveServer

from .conftest import ROOT, shot
from .helpers import login_and_download, open_household

# Each payload calls alert() or sets window.__xss if it ever runs; each fits its field's length.
MEMBER_NAME = "<img src=x onerror=alert(1)>"
GROUP = '"><script>alert(2)</script>'
BANK = "'><img src=x onerror=__xss=3>"
HELPER_NAME = "<svg onload=alert(4)>"
HELPER_UNIT = '"><img src=x onerror=alert(5)>'
RISK_NOTE = "</textarea><script>__xss=6</script><img src=x onerror=__xss=6>"
REVIEW_NOTE = '<img src=x onerror=alert(7)>"><script>__xss=8</script>'
MEMBER_ID = '"><img src=x onerror=alert(1)>'  # the row id of the report
LEGACY_NAME = "'\"><img src=x onerror=__xss=10>"
SHOWN_AS_TEXT = [MEMBER_NAME, GROUP, BANK, HELPER_NAME, HELPER_UNIT, RISK_NOTE, REVIEW_NOTE]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with LiveServer(
        tmp_path_factory.mktemp("hostile"), root=ROOT, workers=2, households=120
    ) as server:
        yield server.prepare().start()


def push_hostile_text(live: LiveServer) -> tuple[dict, str]:
    """The surveyor's push: hostile text in fields that accept any text, submitted for review."""
    headers = live.headers("demo-surveyor")
    records = requests.get(
        f"{live.base}/api/sync/pull?limit=500", headers=headers, timeout=10
    ).json()["records"]
    record = next(
        r
        for r in sorted(records, key=lambda r: r["id"])
        if r["review_state"] in ("draft", "submitted")
        and (r["document"].get("signoff") or {}).get("visit_date")
    )
    head = next(m for m in record["document"]["members"] if m["relation"] == "户主")
    helper_id = str(uuid.uuid4())
    changes = {
        f"members.{head['id']}.name": MEMBER_NAME,
        "household.group": GROUP,
        "household.bank": BANK,
        f"helpers.{helper_id}": {
            "id": helper_id,
            "name": HELPER_NAME,
            "kind": "结对帮扶责任人",
            "unit": HELPER_UNIT,
            "title": "干部",
            "phone": "13900000000",
            "date_from": "2020-01-01",
            "date_to": None,
        },
        "causes.risks": ["因病"],
        "causes.risk_note": RISK_NOTE,
    }
    op = {
        "op_id": str(uuid.uuid4()),
        "household_id": record["id"],
        "base_version": record["version"],
        "changes": changes,
        "submit": True,
    }
    r = requests.post(
        f"{live.base}/api/sync/push",
        json={"device_id": "phone-zhao", "ops": [op]},
        headers=headers,
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "applied", r.json()
    return record, helper_id


def return_with_note(live: LiveServer, household_id: str) -> None:
    r = requests.post(
        f"{live.base}/api/households/{household_id}/review",
        json={"action": "return", "note": REVIEW_NOTE},
        headers=live.headers("demo-reviewer"),
        timeout=10,
    )
    assert r.status_code == 200, r.text


def write_legacy_member(live: LiveServer, household_id: str) -> None:
    """A member whose row id is a script payload, written past every check of the server, and a
    measure that names that member (its id becomes the value of an input on the phone)."""
    path = urlparse(live.database_url.replace("sqlite:///", "file:///")).path
    with sqlite3.connect(path) as conn:
        (text,) = conn.execute(
            "SELECT document FROM household WHERE id = ?", (household_id,)
        ).fetchone()
        document = json.loads(text)
        document["members"].append({"id": MEMBER_ID, "name": LEGACY_NAME, "relation": "其他"})
        document["measures"].append(
            {"id": str(uuid.uuid4()), "measure": "教育支持", "member_id": MEMBER_ID}
        )
        conn.execute(
            "UPDATE household SET document = ? WHERE id = ?",
            (json.dumps(document, ensure_ascii=False), household_id),
        )


def watch(page) -> dict:
    """Everything a payload that ran (or became markup) would leave behind."""
    seen = {"dialogs": [], "errors": [], "requests": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on(
        "request",
        lambda r: urlparse(r.url).path.endswith("/x") and seen["requests"].append(r.url),
    )
    return seen


def assert_nothing_ran(page, seen: dict) -> None:
    assert page.evaluate("() => window.__xss") is None
    assert seen == {"dialogs": [], "errors": [], "requests": []}
    markup = page.evaluate(
        """() => ({
          images: document.querySelectorAll('img:not(.thumb)').length,
          svgs: document.querySelectorAll('svg').length,
          inlineScripts: [...document.scripts].filter((s) => !s.src).length,
          handlers: [...document.querySelectorAll('*')].filter(
            (el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        })"""
    )
    assert markup == {"images": 0, "svgs": 0, "inlineScripts": 0, "handlers": 0}


def open_everything(page) -> None:
    """Every section and every row of the questionnaire, rendered."""
    page.eval_on_selector_all("details.sec", "ds => ds.forEach((d) => { d.open = true; })")
    page.wait_for_selector("details.item[data-sec=members] summary", state="attached")
    page.eval_on_selector_all("details.item", "ds => ds.forEach((d) => { d.open = true; })")
    page.wait_for_selector("details.item[data-sec=measures] .field input", state="attached")


def show_rows(page, section, open_rows):
    """For a photograph: the section's rows folded but `open_rows`, the section at the top."""
    page.eval_on_selector_all(
        f"details.item[data-sec={section}]",
        "(ds, open) => ds.forEach((d) => { d.open = open.includes(d.dataset.row); })",
        open_rows,
    )
    page.eval_on_selector(
        f"details.sec[data-sec={section}]",
        "d => { d.scrollIntoView({ block: 'start' }); scrollBy(0, -130); }",
    )


def test_hostile_text_is_shown_as_text_to_the_reviewer(live, new_context):
    record, helper_id = push_hostile_text(live)
    hid = record["id"]
    return_with_note(live, hid)
    write_legacy_member(live, hid)

    page = new_context().new_page()
    seen = watch(page)
    login_and_download(page, live.base, username="demo-reviewer")

    # The list: the head's name as text.
    page.click("[data-f=returned]")
    item = page.locator(f"#hh a[href='#/h/{hid}']")
    item.scroll_into_view_if_needed()
    assert MEMBER_NAME in item.locator(".name").text_content()
    assert GROUP in item.locator(".sub").text_content()
    shot(page, "20-hostile-text-list")

    # The questionnaire: every payload is visible as the characters it is made of.
    open_household(page, live.base, hid)
    header = page.inner_text("main h1") + page.inner_text("main .note.err")
    assert MEMBER_NAME in header and REVIEW_NOTE in header
    shot(page, "21-hostile-text-household")
    open_everything(page)
    assert_nothing_ran(page, seen)
    rows = page.eval_on_selector_all("details.item", "ds => ds.map((d) => d.dataset.row)")
    assert MEMBER_ID in rows
    legacy = page.locator("details.item[data-sec=members]").filter(has_text=LEGACY_NAME)
    assert legacy.locator(f"input[name='members.{MEMBER_ID}.name']").input_value() == LEGACY_NAME
    assert legacy.locator("[data-del]").get_attribute("data-del") == MEMBER_ID
    values = page.eval_on_selector_all("main input", "is => is.map((i) => i.value)")
    for text in (GROUP, BANK, HELPER_NAME, HELPER_UNIT, RISK_NOTE, MEMBER_NAME, MEMBER_ID):
        assert text in values, text
    summaries = page.inner_text("main")
    for text in (MEMBER_NAME, HELPER_NAME, LEGACY_NAME, REVIEW_NOTE):
        assert text in summaries, text
    assert 'class="' not in summaries  # nothing escaped twice: markup of the app is markup
    show_rows(page, "members", [MEMBER_ID])
    shot(page, "22-hostile-text-members")
    show_rows(page, "helpers", [helper_id])
    shot(page, "23-hostile-text-helpers")

    # The income table of the village: on a phone, the household alone; wider, its row.
    page.goto(f"{live.base}/#/table/{record['village_id']}?at={hid}")
    page.wait_for_selector("[data-table=entry] #who")
    assert MEMBER_NAME in page.inner_text("#who")
    shot(page, "24-hostile-text-table")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_selector(f"table.grid tr[data-id='{hid}']")
    assert MEMBER_NAME in page.inner_text(f"table.grid tr[data-id='{hid}'] th")
    shot(page, "24-hostile-text-table-1024")
    page.set_viewport_size({"width": 390, "height": 844})

    assert_nothing_ran(page, seen)


INJECT = """async () => {
  const violations = [];
  document.addEventListener('securitypolicyviolation',
    (e) => violations.push(e.effectiveDirective));
  const script = document.createElement('script');
  script.appendChild(document.createTextNode('window.__inline = 1'));
  document.body.append(script);
  const img = document.createElement('img');
  try { img.setAttribute('onerror', 'window.__inline = 2'); } catch (e) { violations.push(e.name); }
  img.src = '/static/none.png';
  document.body.append(img);
  let html = 'not refused';
  try { document.body.insertAdjacentHTML('beforeend', '<b id=raw>raw</b>'); }
  catch (e) { html = e.name; }
  await new Promise((r) => setTimeout(r, 500));
  return { ran: window.__inline ?? null, violations, html };
}"""


def csp(headers: dict) -> dict:
    return {
        part.split()[0]: part.split()[1:]
        for part in headers["content-security-policy"].split(";")
        if part.strip()
    }


def test_the_page_policy_stops_inline_script(live, new_context):
    page = new_context(blocked_ok=True).new_page()
    response = page.goto(live.base + "/")
    policy = csp(response.headers)
    assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["require-trusted-types-for"] == ["'script'"]

    # Script added to the live page, as an XSS that got past escaping would add it, never runs;
    # and a plain string is refused where HTML goes (only html`...` output is accepted).
    result = page.evaluate(INJECT)
    assert result["ran"] is None
    assert result["violations"], "the browser reports what it blocked"
    assert result["html"] == "TypeError"

    # The same once the service worker serves the shell from its cache, offline.
    login_and_download(page, live.base)
    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    assert csp(response.headers)["script-src"] == ["'self'"]
    page.wait_for_selector("#hh li a", state="attached")
    result = page.evaluate(INJECT)
    assert result["ran"] is None and result["html"] == "TypeError"

    # A page served under the same policy with inline script in its own HTML: none of it runs.
    header = response.headers["content-security-policy"]
    page = new_context(blocked_ok=True).new_page()  # no worker between the page and the route
    page.route(
        "**/inline-probe",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": header},
            body="<script>window.__inline = 3</script><img src=x onerror='window.__inline = 4'>"
            "<p style='color: red' id=styled>text</p>",
        ),
    )
    page.goto(live.base + "/inline-probe")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__inline ?? null") is None
    color = page.eval_on_selector("#styled", "p => getComputedStyle(p).color")
    assert color == "rgb(0, 0, 0)"  # inline style is refused too


def test_the_html_tag_escapes_what_it_did_not_make(live, new_context):
    page = new_context().new_page()
    page.goto(live.base + "/static/phone/js/income.js")  # any page of the origin
    got = page.evaluate(
        """async () => {
          const { html } = await import('/static/shared/html.js');
          const name = '"><img src=x onerror=alert(1)>';
          const item = (x) => html`<li data-id="${x}">${x}</li>`;
          let misuse = 'accepted';
          try { html('<b>raw</b>'); } catch (e) { misuse = e.name; }
          return {
            text: String(html`<p title="${name}">${name}</p>`),
            nested: String(html`<ul>${[1, '<2>'].map(item)}</ul>`),
            values: String(html`${null}|${undefined}|${0}|${false}|${['a', '<b>']}`),
            misuse,
          };
        }"""
    )
    assert got == {
        "text": '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">'
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>",
        "nested": '<ul><li data-id="1">1</li><li data-id="&lt;2&gt;">&lt;2&gt;</li></ul>',
        "values": "||0|false|a&lt;b&gt;",
        "misuse": "TypeError",
    }
