// Sync: drain the outbox (push), then fetch what changed (pull). Free of DOM/UI: the app listens
// to `events` ('status') and calls start()/syncNow()/download().
import * as api from './api.js';
import { tx, req, getKV, setKV, put, count } from './db.js';
import { apply, diff, clone, keepOrphanRows } from './paths.js';
import { fromServer, refresh, loadCampaigns, putHousehold, deleteHousehold, takeComments, takeConflicts } from './records.js';

export const events = new EventTarget();
const status = { state: 'idle', pending: 0, lastSync: null, error: null, rejected: 0, conflicts: 0 };
let running = null;
let failures = 0;
let timer = null;
let nextAt = 0;
const PERIOD = 60000;

function emit(patch) {
  Object.assign(status, patch);
  events.dispatchEvent(new CustomEvent('status', { detail: { ...status } }));
}
export function getStatus() { return { ...status }; }

async function refreshCounts() {
  const [pending, rows] = await tx(['outbox', 'rows'], 'readonly', (s) =>
    Promise.all([req(s.outbox.count()), req(s.rows.getAll())]));
  emit({ pending,
    rejected: rows.filter((r) => r.rejected).length,
    conflicts: rows.filter((r) => r.conflict).length,
    lastSync: (await getKV('last_sync')) || null });
}

/** Rebase a stored record on a newer server record; local drafts and pending ops stay on top. */
function rebase(h, rec, ops) {
  const local = diff(h.base, h.doc);
  const server = rec.document || {};
  let base = clone(server);
  for (const op of ops) base = apply(base, op.changes);
  const returnedAgain = rec.review_state === 'returned' && h.review_state !== 'returned';
  h.server = clone(server);
  h.base = base;
  h.doc = apply(base, keepOrphanRows(local, base, h.doc));
  Object.assign(h, {
    version: rec.version, village_id: rec.village_id, campaign_id: rec.campaign_id,
    review_state: rec.review_state, review_note: rec.review_note || '',
    conflict_open: !!rec.conflict_open, updated_at: rec.updated_at, pending: ops.length,
    search_keys: rec.search_keys || '',
  });
  takeComments(h, rec, server, returnedAgain);
  takeConflicts(h, rec);
  return refresh(h);
}

/** Store server records (pull / GET) in one transaction. */
export async function storeRecords(records, tombstones = [], villages = null) {
  await tx(['households', 'rows', 'outbox'], 'readwrite', async (s) => {
    for (const rec of records) {
      const h = await req(s.households.get(rec.id));
      if (!h) {
        if (villages && !villages.includes(rec.village_id)) continue;
        await putHousehold(s, fromServer(rec));
        continue;
      }
      if (rec.version < h.version) continue;
      const ops = (await req(s.outbox.index('household').getAll(rec.id))).sort((a, b) => a.seq - b.seq);
      await putHousehold(s, rebase(h, rec, ops));
    }
    for (const t of tombstones) {
      const h = await req(s.households.get(t.id));
      if (!h) continue;
      const n = await req(s.outbox.index('household').count(t.id));
      if (n === 0 && !h.dirty) deleteHousehold(s, t.id);
      else { h.deleted_on_server = true; await putHousehold(s, h); }
    }
  });
}

// One pull at a time: the background sync and a download never fetch the same pages side by
// side. `exclusive` runs its function after the one before it has finished.
let lock = Promise.resolve();
let pulling = 0;
function exclusive(fn) {
  pulling += 1;
  const run = lock.then(fn, fn).finally(() => { pulling -= 1; });
  lock = run.catch(() => {});
  return run;
}

/** Pull every change since the stored cursor, page by page, after any pull already running. */
export function pull(onProgress) { return exclusive(() => pullPages(onProgress)); }

// The pull's format: 2 sends each household's document and what the phone keeps beside it, not
// the server's figures (income.js computes them); a first page says how many households follow.
const PULL = { v: '2', limit: '500' };

/**
 * Each page's cursor is stored with its records, so a dropped connection resumes there. A page
 * may arrive before the campaigns its records are computed with: `ready` is awaited before the
 * first page is stored.
 */
async function pullPages(onProgress, ready = null) {
  const villages = (await getKV('villages')) || null;
  let cursor = await getKV('cursor');
  let received = 0;
  for (;;) {
    const q = new URLSearchParams(PULL);
    if (cursor !== undefined && cursor !== null) q.set('since', cursor);
    const page = await api.getJSON(`/api/sync/pull?${q}`);
    if (ready) { await ready; ready = null; }
    await storeRecords(page.records || [], page.tombstones || [], villages);
    received += (page.records || []).length;
    cursor = page.next_cursor;
    await setKV('cursor', cursor);
    if (onProgress) await onProgress({ phase: 'households', done: received, total: page.total });
    if (!page.has_more || !(page.records || []).length && !(page.tombstones || []).length) break;
  }
  return received;
}

/**
 * The open conflicts of one household from the server, for a record pulled before pulls carried
 * them (it knows only that there is a conflict). Stored with the record; quiet when offline.
 */
export async function fetchConflicts(id) {
  let listed;
  try { listed = await api.getJSON(`/api/conflicts?household=${encodeURIComponent(id)}`); } catch { return null; }
  return tx(['households', 'rows'], 'readwrite', async (s) => {
    const h = await req(s.households.get(id));
    if (!h) return null;
    h.conflicts = listed.map((c) => ({ id: c.id, path: c.path, base: c.base, server: c.server, device: c.device,
      device_id: c.device_id, device_user_name: c.device_user_name, at: c.created_at, resolved_at: null, resolution: null }));
    await putHousehold(s, refresh(h));
    return h;
  });
}

/** The campaigns and their lines into IndexedDB: a new campaign's households, or a line the
 * county changed, are read against what the server has now. */
async function fetchCampaigns() {
  const campaigns = await api.getJSON('/api/campaigns');
  await tx(['campaigns'], 'readwrite', async (s) => { for (const c of campaigns) await req(s.campaigns.put(c)); });
  await loadCampaigns(true);
}

/** Forms and campaigns into IndexedDB (forms by ETag), the campaigns and each form side by side. */
export async function fetchReference() {
  const [, forms] = await Promise.all([fetchCampaigns(), api.getJSON('/api/forms')]);
  await Promise.all(forms.map(async (f) => {
    const have = await tx(['forms'], 'readonly', (s) => req(s.forms.get(f.id)));
    if (have && have.etag && have.etag === f.etag) return;
    const r = await api.call('GET', `/api/forms/${encodeURIComponent(f.id)}`);
    if (r.status === 304) return;
    await put('forms', { id: f.id, version: f.version, title: f.title, etag: r.headers.get('ETag') || f.etag, definition: r.data });
  }));
}

let reference = null;
/**
 * The forms and campaigns of a download, fetched once: the download screen starts it while the
 * surveyor picks the villages, the download waits for it. A failed fetch is tried again.
 */
export function loadReference() {
  if (!reference) {
    reference = fetchReference();
    reference.catch(() => { reference = null; });
  }
  return reference;
}

export async function fetchAreas() {
  const areas = await api.getJSON('/api/areas');
  await setKV('areas', areas);
  return areas;
}

/**
 * The first (or a later) download of the chosen villages, with progress: its pages are fetched
 * while the forms and campaigns arrive, and the first page says how many households there are.
 */
export async function download(villageIds, onProgress) {
  if (onProgress) onProgress({ phase: 'reference', done: 0 });
  const ready = loadReference();
  try {
    await exclusive(async () => {
      const prev = await getKV('villages');
      const added = !prev || villageIds.some((v) => !prev.includes(v));
      // A download that stopped (dropped connection) resumes from its stored cursor: the villages
      // are already saved, so it is not "added" again, and what it already received is kept.
      if (added) {
        await setKV('villages', villageIds);
        await setKV('cursor', null);
        await setKV('download_total', 0);
      }
      const before = added ? 0 : await count('rows');
      await pullPages(async (p) => {
        if (p.total !== undefined) await setKV('download_total', p.total);
        const total = p.total ?? ((await getKV('download_total')) || 0);
        if (onProgress) onProgress({ ...p, done: before + p.done, total });
      }, ready);
    });
    await ready;
  } finally {
    reference = null; // the next download reads them again
  }
  await tx(['households', 'rows'], 'readwrite', async (s) => {
    for (const r of await req(s.rows.getAll())) {
      if (!villageIds.includes(r.village_id) && !r.pending && !r.dirty) deleteHousehold(s, r.id);
    }
  });
  await setKV('last_sync', new Date().toISOString());
  await refreshCounts();
}

async function upload(id) {
  const a = await tx(['attachments'], 'readonly', (s) => req(s.attachments.get(id)));
  if (!a || a.uploaded) return;
  await api.call('PUT', `/api/attachments/${id}`, { rawBody: a.blob, headers: { 'Content-Type': a.type } });
  a.uploaded = true;
  await put('attachments', a);
}

const wire = (op) => {
  const o = { op_id: op.op_id, household_id: op.household_id, base_version: op.base_version, changes: op.changes,
    submit: !!op.submit };
  if (op.base_version === 0) { o.village_id = op.village_id; o.campaign_id = op.campaign_id; }
  return o;
};

/** Record one result: the op leaves the outbox only here (the server has answered it). */
async function acknowledge(op, result) {
  await tx(['households', 'rows', 'outbox'], 'readwrite', async (s) => {
    await req(s.outbox.delete(op.seq));
    const rest = (await req(s.outbox.index('household').getAll(op.household_id))).sort((a, b) => a.seq - b.seq);
    const h = await req(s.households.get(op.household_id));
    // A duplicate repeats the first answer (the op was committed before; its answer was lost).
    const status = result.status === 'duplicate' && result.first_status ? result.first_status : result.status;
    const ok = status !== 'rejected';
    if (ok && result.version) {
      for (const o of rest) { o.base_version = result.version; await req(s.outbox.put(o)); }
    }
    if (!h) return;
    h.pending = rest.length;
    h.last_result = { status, at: new Date().toISOString() };
    if (status === 'rejected') {
      h.rejected = result.errors || [{ path: '', message: '服务器拒绝了这条修改', severity: 'error' }];
      let base = clone(h.server);
      for (const o of rest) base = apply(base, o.changes);
      h.base = base;
    } else {
      if (status === 'applied' || status === 'duplicate') {
        if (op.base_version === h.version) h.server = apply(h.server, op.changes);
      }
      if (result.version) h.version = Math.max(h.version, result.version);
      h.rejected = null;
      if (status === 'conflict') {
        // Until the next pull brings them with their ids: this phone's values, not yet decided.
        const fresh = (result.conflicts || []).map((c) => ({ ...c, device_id: op.device_id, mine: true, at: new Date().toISOString() }));
        h.conflicts = (h.conflicts || []).filter((c) => c.id).concat(fresh);
        h.conflict_open = true;
      }
    }
    await putHousehold(s, refresh(h));
  });
}

async function pushOnce() {
  const ops = (await tx(['outbox'], 'readonly', (s) => req(s.outbox.getAll()))).sort((a, b) => a.seq - b.seq);
  if (!ops.length) return false;
  const batch = [];
  const seen = new Set();
  for (const op of ops) {
    if (seen.has(op.household_id)) continue;
    seen.add(op.household_id);
    batch.push(op);
    if (batch.length >= 25) break;
  }
  for (const op of batch) for (const a of op.attachments || []) await upload(a);
  await tx(['outbox'], 'readwrite', async (s) => {
    for (const op of batch) { op.attempts = (op.attempts || 0) + 1; await req(s.outbox.put(op)); }
  });
  const deviceId = await getKV('device_id');
  const res = await api.postJSON('/api/sync/push', { device_id: deviceId, ops: batch.map(wire) });
  const byId = new Map((res.results || []).map((r) => [r.op_id, r]));
  for (const op of batch) {
    const r = byId.get(op.op_id);
    if (r) await acknowledge(op, r);
  }
  return byId.size > 0 && ops.length > batch.length;
}

/** One push of everything waiting, then a pull; its status. */
async function runOnce() {
  emit({ state: 'syncing', error: null });
  try {
    while (await pushOnce()) { /* next batch */ }
    // Nothing to pull before villages are chosen (the download pulls them), and a pull already
    // running (a download) brings the same pages.
    // The campaigns first: the households pulled next are read against their lines.
    if (!pulling && await getKV('villages')) { await fetchCampaigns(); await pull(); }
    await setKV('last_sync', new Date().toISOString());
    failures = 0;
    emit({ state: 'idle', error: null });
  } catch (e) {
    failures += 1;
    const state = e instanceof api.AuthError ? 'auth' : e instanceof api.NetworkError ? 'offline' : 'error';
    emit({ state, error: e.message });
    if (state !== 'auth') schedule(backoff());
  } finally {
    await refreshCounts();
  }
  return getStatus();
}

let again = false;
/**
 * Push everything waiting, then pull. One run at a time: asked again while it runs (a household
 * submitted meanwhile), it runs once more when done, so nothing waits for the next timer.
 */
export function syncNow() {
  if (running) { again = true; return running; }
  running = (async () => {
    let status;
    do {
      again = false;
      status = await runOnce();
    } while (again && status.state === 'idle');
    return status;
  })().finally(() => { running = null; });
  return running;
}

function backoff() {
  const base = Math.min(300000, 2000 * 2 ** Math.min(failures, 8));
  return base / 2 + Math.random() * base / 2;
}

function schedule(ms) {
  const at = Date.now() + ms;
  if (timer && nextAt <= at) return;
  clearTimeout(timer);
  nextAt = at;
  timer = setTimeout(() => { timer = null; syncNow(); }, ms);
}

/** Drain now and on a timer; the app adds `online` and `visibilitychange` (see app.js). */
export function start() {
  setInterval(() => { if (!running && !timer) syncNow(); }, PERIOD);
  refreshCounts();
  return syncNow();
}

/** The browser says the network is gone: show it at once (the next attempt will tell). */
export function markOffline() { if (!running) emit({ state: 'offline' }); }

/** The network came back: forget the backoff and drain. */
export function resetBackoff() { failures = 0; clearTimeout(timer); timer = null; }

export { refreshCounts };
