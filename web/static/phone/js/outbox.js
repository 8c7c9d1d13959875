// The outbox: drafts and the operations that carry them to the server. Free of UI.
// Saving a submission writes the record and its operation in ONE IndexedDB transaction; an
// operation leaves the outbox only when the server has answered it (see sync.js).
import { tx, req, getKV } from './db.js';
import { diff, apply, clone, equal, keepOrphanRows } from './paths.js';
import { refresh, emptyDocument, putHousehold } from './records.js';
import { uuid } from './auth.js';

const chains = new Map();

/** Serialise writes per household: the last state typed always wins, nothing is dropped. */
function serial(id, fn) {
  const prev = chains.get(id) || Promise.resolve();
  const next = prev.catch(() => {}).then(fn);
  chains.set(id, next);
  next.finally(() => { if (chains.get(id) === next) chains.delete(id); }).catch(() => {});
  return next;
}

/**
 * Save the working document at once (a draft survives reloads and dead batteries).
 * `seen` is the stored document as the editor last saw it: if sync changed the record meanwhile,
 * the editor's own changes (diff(seen, doc)) are replayed on the stored document, never
 * reverting what came from the server, and the result says `rebased` so the editor reloads.
 */
export function saveDraft(id, doc, seen) {
  const snapshot = clone(doc);
  return serial(id, () => tx(['households', 'rows'], 'readwrite', async (s) => {
    const h = await req(s.households.get(id));
    if (!h) throw new Error(`household ${id} not on this phone`);
    const last = typeof seen === 'function' ? seen() : seen;
    const rebased = last !== undefined && !equal(h.doc, last);
    h.doc = rebased ? apply(h.doc, keepOrphanRows(diff(last, snapshot), h.doc, snapshot)) : snapshot;
    h.local_updated_at = new Date().toISOString();
    refresh(h);
    await putHousehold(s, h);
    return { ...h, rebased };
  }));
}

/** Attachment uuids referenced by a change set (uploaded before the op is sent). */
function attachmentsIn(changes) {
  const out = [];
  for (const [path, v] of Object.entries(changes)) {
    if ((path === 'signoff.signature' || path === 'signoff.photo') && typeof v === 'string' && v) out.push(v);
  }
  return out;
}

/**
 * Submit the household: op = diff(base, doc). Record and op in one transaction.
 * Returns the op, or null when nothing changed. Submitting for review a draft or a returned
 * record is a change of its own: a questionnaire completed earlier (saved as a draft, synced)
 * goes for review with no answer changed, unless a submission of it already waits to be sent.
 */
export function submit(id, { forReview = false } = {}) {
  return serial(id, async () => {
    const deviceId = await getKV('device_id');
    return tx(['households', 'rows', 'outbox'], 'readwrite', async (s) => {
      const h = await req(s.households.get(id));
      if (!h) throw new Error(`household ${id} not on this phone`);
      const isNew = h.version === 0 && !h.created_sent;
      const changes = isNew ? diff({}, h.doc) : diff(h.base, h.doc);
      if (!Object.keys(changes).length) {
        const sent = (await req(s.outbox.index('household').getAll(id))).some((o) => o.submit);
        if (isNew || !forReview || sent || !['draft', 'returned'].includes(h.review_state)) return null;
      }
      const op = {
        op_id: uuid(), household_id: id, base_version: h.version, changes,
        village_id: h.village_id, campaign_id: h.campaign_id, device_id: deviceId,
        created_at: new Date().toISOString(), attempts: 0, last_error: null,
        attachments: attachmentsIn(changes), submit: !!forReview,
      };
      await req(s.outbox.add(op));
      h.created_sent = true;
      h.base = clone(h.doc);
      h.pending = (h.pending || 0) + 1;
      h.rejected = null;
      h.submitted_at = op.created_at;
      refresh(h);
      await putHousehold(s, h);
      return op;
    });
  });
}

/** A new household (档外人口) made offline with a client id. */
export async function createHousehold({ villageId, campaignId, doc }) {
  const id = uuid();
  const h = refresh({
    id, village_id: villageId, campaign_id: campaignId, version: 0, review_state: 'draft',
    review_note: '', conflict_open: false, server: {}, base: {}, doc: doc || emptyDocument(),
    pending: 0, rejected: null, conflicts: [], local_new: true,
  });
  await tx(['households', 'rows'], 'readwrite', (s) => putHousehold(s, h));
  return h;
}

/** The surveyor has read the reviewer's decisions on these conflicts ("知道了"). */
export function markDecisionsSeen(id, conflictIds) {
  return serial(id, () => tx(['households', 'rows'], 'readwrite', async (s) => {
    const h = await req(s.households.get(id));
    if (!h) return null;
    h.decisions_seen = [...new Set([...(h.decisions_seen || []), ...conflictIds])];
    await putHousehold(s, h);
    return h;
  }));
}

export function pendingOps() {
  return tx(['outbox'], 'readonly', (s) => req(s.outbox.getAll()));
}

export function pendingCount() {
  return tx(['outbox'], 'readonly', (s) => req(s.outbox.count()));
}

export { serial };
