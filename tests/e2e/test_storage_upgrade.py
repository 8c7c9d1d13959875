"""A phone keeps its drafts and its outbox through a change of the IndexedDB schema.

The database is built the way the first release built it (its `onupgradeneeded`, copied below as
it shipped) and filled with what a surveyor left on the phone: a saved operation the server has
not received yet and a draft typed after it. The app then opens it, a later schema version
(a step added through `openDatabase`, the hook the app's own `open()` uses) upgrades it, and the
app opens the upgraded database too; nothing is lost and the operation still reaches the server.
"""

from .conftest import PASSWORD, USER
from .helpers import open_household, set_text, unvisited_households

# web/static/js/db.js of the first release: every store created in one go, version 1.
FIRST_RELEASE_SCHEMA = """
    (db) => {
      db.createObjectStore('kv');
      db.createObjectStore('forms', { keyPath: 'id' });
      db.createObjectStore('campaigns', { keyPath: 'id' });
      const h = db.createObjectStore('households', { keyPath: 'id' });
      h.createIndex('village', 'village_id');
      db.createObjectStore('rows', { keyPath: 'id' });
      const o = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      o.createIndex('op_id', 'op_id', { unique: true });
      o.createIndex('household', 'household_id');
      db.createObjectStore('attachments', { keyPath: 'id' });
    }
"""

DUMP = """async () => {
  const { tx, req } = window.ruhu.db;
  const names = ['kv', 'forms', 'campaigns', 'households', 'rows', 'outbox', 'attachments'];
  const out = {};
  await tx(names, 'readonly', async (s) => {
    for (const n of names) {
      out[n] = { keys: await req(s[n].getAllKeys()), values: await req(s[n].getAll()) };
    }
  });
  return out;
}"""

REBUILD_THE_FIRST_RELEASE_WAY = """async (dump) => {
  const done = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error('blocked'));
  });
  await done(indexedDB.deleteDatabase('ruhu'));
  const r = indexedDB.open('ruhu', 1);
  r.onupgradeneeded = () => (FIRST_RELEASE_SCHEMA)(r.result);
  const db = await done(r);
  const t = db.transaction(Object.keys(dump), 'readwrite');
  for (const [name, { keys, values }] of Object.entries(dump)) {
    const store = t.objectStore(name);
    values.forEach((v, i) => (store.keyPath !== null ? store.put(v) : store.put(v, keys[i])));
  }
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve; t.onerror = () => reject(t.error);
  });
  db.close();
  return (await indexedDB.databases()).find((d) => d.name === 'ruhu').version;
}""".replace("FIRST_RELEASE_SCHEMA", FIRST_RELEASE_SCHEMA)

# A later release's step: a new store, and an index on a store of version 1 (through the upgrade
# transaction); then what the surveyor left, read back from the upgraded database.
UPGRADE_AND_READ = """async (hid) => {
  const m = await import('/static/phone/js/db.js');
  const later = (db, t) => {
    db.createObjectStore('visits', { keyPath: 'id' });
    t.objectStore('households').createIndex('review_state', 'review_state');
  };
  const db = await m.openDatabase('ruhu', [...m.STEPS, later]);
  const read = (store, fn) => new Promise((resolve, reject) => {
    const r = fn(db.transaction(store).objectStore(store));
    r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
  });
  const out = {
    version: db.version,
    stores: [...db.objectStoreNames].sort(),
    household: await read('households', (s) => s.get(hid)),
    outbox: await read('outbox', (s) => s.getAll()),
    drafts_by_state: await read('households', (s) => s.index('review_state').count('draft')),
  };
  db.close();
  return out;
}"""


def log_in_and_download(page, base):
    page.goto(base + "/")
    page.fill("#u", USER)
    page.fill("#p", PASSWORD)
    page.click("#login button[type=submit]")
    page.click("#dl button[type=submit]")
    page.wait_for_selector("#hh li a", state="attached", timeout=30000)


def row_tags(page, hid):
    """The tags of a household's row in the list."""
    page.evaluate("location.hash = '#/list'")
    row = page.locator(f"#hh a[href='#/h/{hid}']")
    row.wait_for(state="attached")
    return row.locator(".tag").all_text_contents()


def test_a_schema_upgrade_keeps_the_draft_and_the_outbox(server, new_context, api):
    # Service workers blocked: the test routes the page's own requests (the push fails for now,
    # so the operation stays in the outbox) and reloads the app straight from the server.
    ctx = new_context(service_workers="block")
    page = ctx.new_page()
    page.route("**/api/sync/push", lambda route: route.fulfill(status=503, body="busy"))
    log_in_and_download(page, server)

    hid = unvisited_households(api)[0]
    open_household(page, server, hid)
    set_text(page, "household.phone", "13812340000")
    page.click("#save")  # an operation in the outbox
    page.wait_for_selector("#hh li a", state="attached")
    open_household(page, server, hid)
    set_text(page, "household.phone", "13812340001")  # a draft typed after it
    page.wait_for_function("() => document.querySelector('#saved').textContent.includes('已保存')")
    dump = page.evaluate(DUMP)
    [op] = dump["outbox"]["values"]
    assert op["changes"] == {"household.phone": "13812340000"}

    # The same data in a database built as the first release built it.
    page.goto(server + "/manifest.webmanifest")  # a page of the origin without the app
    assert page.evaluate(REBUILD_THE_FIRST_RELEASE_WAY, dump) == 1

    # Today's app opens it as it is: the draft and the waiting operation are there.
    page.goto(server + "/")
    page.wait_for_selector("#hh li a", state="attached")
    assert {"草稿", "待同步"} <= set(row_tags(page, hid))
    open_household(page, server, hid)
    assert page.input_value("input[name='household.phone']") == "13812340001"

    # A later release adds a step: the upgrade runs from version 1 and loses nothing.
    page.goto(server + "/manifest.webmanifest")
    upgraded = page.evaluate(UPGRADE_AND_READ, hid)
    assert upgraded["version"] == 2
    assert upgraded["stores"] == sorted([*dump, "visits"])
    assert upgraded["household"]["doc"]["household"]["phone"] == "13812340001"
    assert upgraded["household"]["dirty"] is True
    [kept] = upgraded["outbox"]
    sent = ("attempts", "last_error")  # the app tried to push it meanwhile
    assert {k: v for k, v in kept.items() if k not in sent} == {
        k: v for k, v in op.items() if k not in sent
    }
    assert upgraded["drafts_by_state"] >= 1

    # This release opens the newer database too (a phone handed an older shell back), and the
    # waiting operation reaches the server once the push works again.
    page.unroute("**/api/sync/push")
    page.goto(server + "/")
    page.wait_for_selector("#hh li a", state="attached")
    page.click("#sync-now")
    page.wait_for_function(
        "() => { const b = document.querySelector('#sync-badge');"
        " return b.dataset.pending === '0' && b.dataset.state === 'idle'; }",
        timeout=20000,
    )
    record = api.get(f"{server}/api/households/{hid}", timeout=10).json()
    assert record["document"]["household"]["phone"] == "13812340000"
    assert row_tags(page, hid)[:1] == ["草稿"]
    open_household(page, server, hid)
    assert page.input_value("input[name='household.phone']") == "13812340001"
