"""What a phone downloads before its first screen, on a link where every request costs a round
trip of seconds: the page names the login screen's modules for the browser to fetch at once (no
chain of imports), those modules are few and none of the screens behind the login, every other
module is named for later, and the shell's files and the API's JSON travel compressed."""

import gzip
import re

import brotli

from server import webapp

ENTRY = "/static/phone/js/app.js"
PRELOADS = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
LATER = re.compile(r'<meta name="later-modules" content="([^"]*)">')


def shell(client):
    r = client.get("/")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    return PRELOADS.findall(text), LATER.search(text).group(1).split()


def test_the_page_preloads_the_login_screens_modules_and_names_the_rest(client):
    first, later = shell(client)
    assert first[0] == ENTRY
    # Whatever a preloaded module imports statically is preloaded too: no import waits on another.
    for url in first:
        assert set(webapp.imports(url)[0]) <= set(first), url
    # The login screen stands on a few small modules; the screens behind it come later.
    assert len(first) <= 5
    names = {url.rsplit("/", 1)[1] for url in first}
    assert not names & {"sync.js", "list.js", "form.js", "table.js", "validate.js", "api.js"}
    # Every module the app can import is in one list or the other, once.
    assets, _ = webapp.precache()
    scripts = {url for url in assets if url.endswith(".js")}
    assert sorted(first + later) == sorted(scripts)
    # The download screen's modules are fetched first.
    assert later.index("/static/phone/js/sync.js") < later.index("/static/phone/js/form.js")


def test_every_module_reached_after_the_first_screen_is_imported_on_demand(client):
    """A screen the entry does not import statically is one it imports with import(), so the
    list of later modules is the code's own and nothing is preloaded that nothing imports."""
    first, later = shell(client)
    reachable = set(first)
    todo = list(first)
    while todo:
        static, dynamic = webapp.imports(todo.pop())
        for url in static + dynamic:
            if url not in reachable:
                reachable.add(url)
                todo.append(url)
    assert reachable == set(first + later)


def test_the_shells_files_travel_compressed_and_revalidate_to_304(client):
    for url in ("/static/phone/js/app.js", "/static/phone/css/app.css", "/static/shared/html.js"):
        plain = client.get(url)
        assert "Content-Encoding" not in plain.headers
        packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.data) == plain.data
        assert len(packed.data) < 0.6 * len(plain.data)
        # The worker revalidates what the page already has: answered 304, no body.
        etag = packed.headers["ETag"]
        assert etag.startswith('W/"')
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        br = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert br.headers["Content-Encoding"] == "br"
        assert brotli.decompress(br.data) == plain.data
        plain.close(), packed.close(), again.close(), br.close()


def test_the_page_and_the_worker_travel_compressed(client):
    for url in ("/", "/sw.js"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.data) == plain.data


def test_a_pull_travels_compressed_and_brotli_where_offered(client, auth):
    headers = auth.headers("demo-surveyor")
    url = "/api/sync/pull?limit=500&v=2"
    plain = client.get(url, headers=headers)
    packed = client.get(url, headers=headers | {"Accept-Encoding": "gzip"})
    br = client.get(url, headers=headers | {"Accept-Encoding": "gzip, deflate, br;q=1"})
    refused = client.get(url, headers=headers | {"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert br.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in refused.headers
    assert gzip.decompress(packed.data) == brotli.decompress(br.data) == plain.data
    assert len(br.data) < len(packed.data) < len(plain.data) / 4


def test_an_error_is_not_compressed(client):
    r = client.get("/api/sync/pull", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 401 and "Content-Encoding" not in r.headers
