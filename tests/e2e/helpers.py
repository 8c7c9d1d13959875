"""Steps a surveyor takes, shared by the e2e tests."""

import requests

from .conftest import PASSWORD, USER


def login_and_download(page, base, username=USER):
    """Open the app, log in, download all assigned villages, wait for the list."""
    page.goto(base + "/")
    page.wait_for_selector("#login")
    page.fill("#u", username)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#dl, #offer-desk")
    if page.query_selector("#offer-desk"):  # a township or county account: pick villages
        page.click("#stay-phone")
        page.wait_for_selector("#dl")
        page.locator("#dl input[name=v]").evaluate_all(
            "(boxes) => boxes.forEach((b) => { b.checked = true; })"
        )
    page.click("#dl button[type=submit]")
    page.wait_for_selector("#hh li a", state="attached", timeout=30000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)


def wait_synced(page, timeout=20000):
    """Until the badge says nothing is pending and no sync runs."""
    page.wait_for_function(
        "() => { const b = document.querySelector('#sync-badge');"
        " return b && b.dataset.pending === '0' && b.dataset.state === 'idle'; }",
        timeout=timeout,
    )


def open_first_household(page):
    href = page.get_attribute("#hh li a", "href")
    page.click("#hh li a")
    page.wait_for_selector("details.sec[data-sec=household] .field")
    return href.split("/")[-1]


def open_section(page, key):
    page.wait_for_selector(f"details.sec[data-sec={key}]", state="attached")
    page.eval_on_selector(f"details.sec[data-sec={key}]", "d => { d.open = true; }")
    page.wait_for_selector(f"details.sec[data-sec={key}] .body .field")


def type_money(page, key, value):
    sel = f"input[name='income.{key}']"
    page.fill(sel, value)
    page.dispatch_event(sel, "change")


def _editable_households(api, *, visited: bool) -> list[str]:
    """Ids of the surveyor's households still editable, visited or not yet, in a stable order;
    not one with an open conflict (another test's, which would follow it into this one)."""
    r = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10)
    r.raise_for_status()
    return sorted(
        rec["id"]
        for rec in r.json()["records"]
        if bool((rec["document"].get("signoff") or {}).get("visit_date")) == visited
        and rec["review_state"] not in ("approved", "accepted")
        and not rec["conflict_open"]
    )


def visited_households(api):
    """Ids of the surveyor's households that are visited and still editable, in a stable order."""
    return _editable_households(api, visited=True)


def submitted_households(api):
    """Ids of the surveyor's households waiting for the township, in a stable order."""
    r = api.get(f"{api.base}/api/sync/pull?limit=500", timeout=10)
    r.raise_for_status()
    return sorted(rec["id"] for rec in r.json()["records"] if rec["review_state"] == "submitted")


def unvisited_households(api):
    """Ids of the surveyor's editable households not visited yet, in a stable order."""
    return _editable_households(api, visited=False)


def open_household(page, base, household_id):
    page.goto(f"{base}/#/h/{household_id}")
    page.wait_for_selector("details.sec[data-sec=household] .field")


def set_text(page, path, value):
    page.fill(f"input[name='{path}']", value)
    page.dispatch_event(f"input[name='{path}']", "change")
    page.wait_for_function("() => document.querySelector('#saved').textContent.includes('已保存')")


def submit(page):
    page.click("#submit")
    page.wait_for_selector("#hh", state="attached")


def sync_now(page):
    page.click("#sync-now")


def office_session(base, username):
    """An HTTP session signed in as `username`, at the office with signal (no phone app)."""
    session = requests.Session()
    token = session.post(
        f"{base}/api/auth/login",
        json={"username": username, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def township_review(base, household_id, action, note=""):
    """The township reviewer, at the office with signal, approves or returns a household."""
    r = office_session(base, "demo-reviewer").post(
        f"{base}/api/households/{household_id}/review",
        json={"action": action, "note": note},
        timeout=10,
    )
    assert r.status_code == 200, r.text


DESK_VIEWPORT = {"width": 1366, "height": 768}


def desk_page(new_context, base, username="demo-reviewer", password="demo12345"):
    """A desk-sized page signed in to the desk as `username` (through the login form)."""
    ctx = new_context(service_workers="block")
    page = ctx.new_page()
    page.set_viewport_size(DESK_VIEWPORT)
    page.goto(base + "/desk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("header.top")
    return page
