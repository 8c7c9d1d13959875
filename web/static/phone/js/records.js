// Household records as kept on the phone, and what the list needs from them.
// A record: {id, village_id, campaign_id, version, review_state, review_note, conflict_open,
//   review_comments: {change path: comment}, comment_base: {path: value when the comments came},
//   server: document at `version`, base: server + pending ops, doc: what the surveyor sees,
//   dirty: doc differs from base (a draft), pending: ops waiting in the outbox,
//   rejected: [{path,message}] | null, conflicts: [...as pulled, open and recently decided],
//   decisions_seen: [conflict ids the surveyor has read], meta: {...list fields}}
import { summarize } from './income.js';
import { equal, clone, valueAt } from './paths.js';
import { getAll } from './db.js';

let campaigns = null;
let generation = 0;
/** Bumped by every household write: the list's in-memory copy of `rows` is stale after it. */
export const rowsGeneration = () => generation;

/** Campaigns from IndexedDB, once per page (or again with `force` after a download). */
export async function loadCampaigns(force = false) {
  if (campaigns && !force) return campaigns;
  const all = await getAll('campaigns');
  campaigns = new Map(all.map((c) => [c.id, c]));
  return campaigns;
}
export function campaign(id) { return campaigns ? campaigns.get(id) : undefined; }
export function linesFor(campaignId) {
  const c = campaign(campaignId);
  return (c && c.lines) || [];
}

export function emptyDocument() {
  return { household: {}, members: [], income: {}, guarantees: {}, causes: {}, helpers: [],
    measures: [], signoff: {} };
}

export function headOf(doc) {
  const ms = (doc && doc.members) || [];
  return ms.find((m) => m.relation === '户主') || null;
}

/** The fields the list, its search and its filters need; recomputed on every write. */
export function computeMeta(h) {
  const doc = h.doc || {};
  const head = headOf(doc);
  const s = summarize(doc, linesFor(h.campaign_id));
  const ids = (doc.members || []).map((m) => m.id_number || '').join(' ');
  const hh = doc.household || {};
  return {
    head: head ? head.name || '' : '',
    head_id: head ? head.id_number || '' : '',
    no: hh.household_no || '',
    group: hh.group || '',
    status: hh.status || '',
    visited: !!(doc.signoff && doc.signoff.visit_date),
    size: s.household_size,
    pci: s.per_capita_net_income,
    lines: s.lines,
    exit: s.exit_eligible,
    monitoring: s.monitoring_type,
    search: `${h.search_keys || ''} ${head ? head.name : ''} ${hh.household_no || ''} ${ids} ${(doc.members || []).map((m) => m.name || '').join(' ')}`.toLowerCase(),
  };
}

export function refresh(h) {
  h.dirty = !equal(h.base, h.doc);
  h.meta = computeMeta(h);
  return h;
}

/**
 * The reviewer's comments of a pulled household onto the stored record `h`. When they are new,
 * the answers they point at are kept as they were then, so the phone can tell which ones the
 * surveyor has changed since ("已修改"); so they are when the record is returned again.
 */
export function takeComments(h, rec, serverDoc, returnedAgain = false) {
  const comments = rec.review_comments || {};
  if (returnedAgain || !equal(comments, h.review_comments || {}) || !h.comment_base) {
    h.comment_base = Object.fromEntries(Object.keys(comments).map((p) => [p, valueAt(serverDoc, p)]));
  }
  h.review_comments = comments;
}

/** The conflicts of a pulled household (an older server sends none: keep what the push said). */
export function takeConflicts(h, rec) {
  if (Array.isArray(rec.conflicts)) h.conflicts = rec.conflicts;
  else if (!rec.conflict_open) h.conflicts = [];
}

/** A record from a server household (pull or GET), nothing local yet. */
export function fromServer(rec) {
  const doc = rec.document || {};
  const h = {
    id: rec.id, village_id: rec.village_id, campaign_id: rec.campaign_id, version: rec.version,
    review_state: rec.review_state, review_note: rec.review_note || '',
    conflict_open: !!rec.conflict_open, updated_at: rec.updated_at, search_keys: rec.search_keys || '',
    server: clone(doc), base: clone(doc), doc: clone(doc),
    pending: 0, rejected: null, conflicts: [],
  };
  takeComments(h, rec, doc);
  takeConflicts(h, rec);
  return refresh(h);
}

/** Conflicts still waiting for the reviewer, and decisions the surveyor has not read yet. */
const openConflict = (h) => !!(h.conflict_open || (h.conflicts || []).some((c) => !c.resolved_at));
const unreadDecision = (h) => (h.conflicts || []).some((c) => c.resolved_at && !(h.decisions_seen || []).includes(c.id));

/** The list's light entry for a household (what the list screen reads, not the documents). */
export function rowOf(h) {
  return {
    id: h.id, village_id: h.village_id, campaign_id: h.campaign_id, version: h.version,
    review_state: h.review_state, review_note: h.review_note, dirty: !!h.dirty,
    pending: h.pending || 0, rejected: !!(h.rejected && h.rejected.length),
    conflict: openConflict(h), decided: unreadDecision(h),
    comments: h.review_state === 'returned' ? Object.keys(h.review_comments || {}).length : 0,
    local_new: !!h.local_new, meta: h.meta,
  };
}

/** Write a household and its list row; `s` holds the 'households' and 'rows' stores. */
function bump(s) {
  generation += 1;
  // Again when the write is committed: a list read meanwhile saw the old data.
  s.households.transaction.addEventListener('complete', () => { generation += 1; }, { once: true });
}

export function putHousehold(s, h) {
  bump(s);
  return Promise.all([
    new Promise((res, rej) => { const r = s.households.put(h); r.onsuccess = res; r.onerror = () => rej(r.error); }),
    new Promise((res, rej) => { const r = s.rows.put(rowOf(h)); r.onsuccess = res; r.onerror = () => rej(r.error); }),
  ]);
}

export function deleteHousehold(s, id) {
  bump(s);
  s.households.delete(id);
  s.rows.delete(id);
}
