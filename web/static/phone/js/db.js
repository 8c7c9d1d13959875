// IndexedDB: the phone's only store. Everything the surveyor types lands here first.
// Stores: kv (settings, tokens, cursors), forms, campaigns, households, rows, outbox, attachments.

const NAME = 'ruhu';

// The schema: STEPS[n - 1](db, t) upgrades version n - 1 to n; a phone runs the steps it lacks, in
// order, in one upgrade transaction t. A shipped step never changes: add a step for a new store.
export const STEPS = [
  // 1: the stores of the first release.
  (db) => {
    db.createObjectStore('kv');
    db.createObjectStore('forms', { keyPath: 'id' });
    db.createObjectStore('campaigns', { keyPath: 'id' });
    const h = db.createObjectStore('households', { keyPath: 'id' });
    h.createIndex('village', 'village_id');
    // rows: the light list entry of each household (meta only), written with it.
    db.createObjectStore('rows', { keyPath: 'id' });
    const o = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    o.createIndex('op_id', 'op_id', { unique: true });
    o.createIndex('household', 'household_id');
    db.createObjectStore('attachments', { keyPath: 'id' });
  },
];
let dbp = null;

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Open `name` at version steps.length; one newer (an older shell handed back) opens as it is. */
export function openDatabase(name, steps) {
  const attempt = (version) => new Promise((resolve, reject) => {
    const r = version ? indexedDB.open(name, version) : indexedDB.open(name);
    r.onupgradeneeded = (event) => {
      for (let v = event.oldVersion; v < event.newVersion; v += 1) steps[v](r.result, r.transaction);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
  return attempt(steps.length).catch((e) => {
    if (e && e.name === 'VersionError') return attempt(undefined);
    throw e;
  });
}

export function open() {
  if (dbp) return dbp;
  dbp = openDatabase(NAME, STEPS).then((db) => {
    db.onversionchange = () => { db.close(); dbp = null; };
    return db;
  }, (e) => { dbp = null; throw e; });
  return dbp;
}

/** Run `fn(stores)` in one transaction over `names`; resolves with fn's result after commit. */
export async function tx(names, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(names, mode);
    const stores = {};
    for (const n of names) stores[n] = t.objectStore(n);
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('transaction aborted'));
    Promise.resolve()
      .then(() => fn(stores, t))
      .then((r) => { result = r; })
      .catch((e) => { try { t.abort(); } catch { /* already finished */ } reject(e); });
  });
}

export { req };

export const get = (store, key) => tx([store], 'readonly', (s) => req(s[store].get(key)));
export const getAll = (store) => tx([store], 'readonly', (s) => req(s[store].getAll()));
export const put = (store, value, key) =>
  tx([store], 'readwrite', (s) => req(key === undefined ? s[store].put(value) : s[store].put(value, key)));
export const del = (store, key) => tx([store], 'readwrite', (s) => req(s[store].delete(key)));
export const count = (store) => tx([store], 'readonly', (s) => req(s[store].count()));

export const getKV = (key) => get('kv', key);
export const setKV = (key, value) => put('kv', value, key);

export function byIndex(store, index, value) {
  return tx([store], 'readonly', (s) => req(s[store].index(index).getAll(value)));
}

/** Delete every database record (shared phones: "log out and clear"). */
export async function wipe() {
  const names = [...(await open()).objectStoreNames]; // every store, whichever step made it
  await tx(names, 'readwrite', (s) => Promise.all(names.map((n) => req(s[n].clear()))));
}
