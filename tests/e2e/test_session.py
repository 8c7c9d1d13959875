"""Log in once, work for days: an expired access token is refreshed on the fly; a session that
cannot be refreshed never loses local work (the outbox waits for the next login); "log out and
clear" refuses while work is unsynced unless confirmed twice."""

from .conftest import PASSWORD, USER
from .helpers import (
    login_and_download,
    open_household,
    set_text,
    submit,
    sync_now,
    visited_households,
    wait_synced,
)


def pending(page):
    return page.evaluate("window.ruhu.db.count('outbox')")


def test_refresh_then_expiry_keeps_the_outbox(server, new_context, api):
    hid = visited_households(api)[1]
    page = new_context().new_page()
    login_and_download(page, server)
    wait_synced(page)

    # An access token the server no longer accepts: refreshed with the refresh token, then sent.
    page.evaluate("window.ruhu.db.setKV('access_token', 'expired-token')")
    open_household(page, server, hid)
    set_text(page, "household.phone", "13711112222")
    submit(page)
    wait_synced(page)
    doc = api.get(f"{api.base}/api/households/{hid}", timeout=10).json()["document"]
    assert doc["household"]["phone"] == "13711112222"

    # Both tokens dead (a week in the mountains past the refresh token's life): nothing is lost.
    page.evaluate(
        "Promise.all([window.ruhu.db.setKV('access_token', 'x'),"
        " window.ruhu.db.setKV('refresh_token', 'y')])"
    )
    open_household(page, server, hid)
    set_text(page, "household.phone", "13733334444")
    submit(page)
    page.wait_for_function("() => document.querySelector('#sync-badge').dataset.state === 'auth'")
    assert "登录已过期" in page.inner_text("#banner")
    assert pending(page) == 1

    # "Log out and clear this phone" refuses unsynced work unless confirmed twice.
    page.goto(server + "/#/settings")
    page.wait_for_selector("#wipe")
    page.once("dialog", lambda d: d.dismiss())
    page.click("#wipe")
    answers = iter([True, False])
    page.on("dialog", lambda d: d.accept() if next(answers) else d.dismiss())
    page.click("#wipe")
    page.wait_for_timeout(300)
    assert pending(page) == 1
    assert page.evaluate("window.ruhu.db.count('rows')") > 0

    # Log in again: the waiting operation goes out.
    page.goto(server + "/#/login")
    page.wait_for_selector("#login")
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#hh", state="attached")
    sync_now(page)
    wait_synced(page)
    doc = api.get(f"{api.base}/api/households/{hid}", timeout=10).json()["document"]
    assert doc["household"]["phone"] == "13733334444"
