"""The phone names review states, roles and actions with the server's own words
(`server/domain/workflow.py`), served as the module `/static/shared/labels.js`."""

import re

import requests

from server.domain import workflow

from .helpers import login_and_download


def test_the_labels_module_is_the_servers_tables(server, new_context):
    page = new_context().new_page()
    page.goto(server + "/manifest.webmanifest")  # any page of the origin
    labels = page.evaluate("() => import('/static/shared/labels.js').then((m) => ({...m}))")
    assert labels == {
        "STATE_LABELS": workflow.STATE_LABELS,
        "ROLE_LABELS": workflow.ROLE_LABELS,
        "ACTION_LABELS": workflow.ACTION_LABELS,
        "LOCKED_STATES": [s for s in workflow.STATES if s in workflow.LOCKED_STATES],
    }
    worker = requests.get(server + "/sw.js", timeout=10).text
    assert "/static/shared/labels.js" in worker  # precached: the phone needs it offline


def test_the_phone_shows_the_servers_state_labels(server, new_context, api):
    records = api.get(f"{server}/api/sync/pull?limit=500", timeout=10).json()["records"]
    one_of_each = {}
    for record in sorted(records, key=lambda r: r["id"]):
        one_of_each.setdefault(record["review_state"], record["id"])
    assert {"draft", "submitted", "approved"} <= set(one_of_each)

    page = new_context().new_page()
    login_and_download(page, server)
    page.evaluate("window.ruhu.db.setKV('list_ui', {village: null, filter: 'all', line: ''})")
    page.reload()
    page.wait_for_selector("#hh li a", state="attached")
    for state, hid in one_of_each.items():
        sub = page.locator(f"#hh a[href='#/h/{hid}'] .sub").inner_text()
        assert sub.endswith(" · " + workflow.STATE_LABELS[state]), (state, sub)

    page.goto(f"{server}/#/h/{one_of_each['draft']}")
    page.wait_for_selector("details.sec[data-sec=household] .field")
    heading = page.inner_text("h1 .aside")
    assert re.search(rf"· {workflow.STATE_LABELS['draft']}$", heading), heading

    page.goto(f"{server}/#/settings")
    page.wait_for_selector("#wipe")
    assert workflow.ROLE_LABELS["surveyor"] in page.inner_text(".card")
