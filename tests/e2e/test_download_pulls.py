"""The first download pulls each page once, even with the background sync running beside it,
and after a dropped connection resumes from the page it stopped at."""

from urllib.parse import parse_qs, urlencode, urlparse

from .conftest import PASSWORD, USER, shot


def test_a_download_pulls_each_page_once_and_resumes_after_a_drop(server, new_context):
    ctx = new_context(service_workers="block")
    page = ctx.new_page()
    asked = []  # the `since` of every pull request the page made, in order ("" for none)
    state = {"dropped": False}

    def pull(route):
        url = urlparse(route.request.url)
        query = parse_qs(url.query)
        since = query.get("since", [""])[0]
        asked.append(since)
        if since and not state["dropped"]:  # the connection drops on the second page
            state["dropped"] = True
            route.abort("connectionreset")
            return
        query["limit"] = ["5"]  # small pages: the surveyor's 16 households come in four
        route.continue_(url=url._replace(query=urlencode(query, doseq=True)).geturl())

    page.route("**/api/sync/pull*", pull)
    page.goto(server + "/")
    page.wait_for_selector("#login")
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#dl")
    page.click("#dl button[type=submit]")
    page.wait_for_function(
        "() => { const m = document.querySelector('#dl-msg');"
        " return (m && m.textContent.includes('网络中断')) || document.querySelector('#hh'); }"
    )
    assert asked.count("") == 1, f"two pulls fetched the first page: {asked}"
    assert "网络中断" in page.inner_text("#dl-msg")
    shot(page, "32-download-dropped")
    stopped_at = asked[-1]
    assert stopped_at, asked

    page.click("#dl button[type=submit]")
    page.wait_for_selector("#hh li a", state="attached", timeout=30000)
    page.wait_for_function(
        "() => document.querySelector('#sync-badge').dataset.state === 'idle'", timeout=20000
    )
    page.wait_for_timeout(500)
    assert asked.count("") == 1, f"the download started again from the first page: {asked}"
    assert asked.count(stopped_at) == 2, asked  # the dropped page, asked again once
    served = [s for s in asked if s != stopped_at]
    assert len(served) == len(set(served)), f"a page was pulled twice: {asked}"
    assert page.eval_on_selector_all("#hh li a", "as => as.length") == 16
