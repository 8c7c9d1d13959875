// Change paths: the phone's twin of server/sync/paths.py (diff / apply).
// Group sections are objects of fields ("section.field"); repeat sections are lists of rows
// matched by row id ("section.<id>.field", a whole new row "section.<id>", a tombstone null).
// Lists of plain values (multi-selects) and nested objects inside a field are one value.

export const REPEAT_SECTIONS = ['members', 'helpers', 'measures'];

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export function equal(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !equal(a[k], b[k])) return false;
  return true;
}

export const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function rowsById(rows) {
  const m = new Map();
  for (const r of Array.isArray(rows) ? rows : []) if (isObj(r) && r.id != null) m.set(String(r.id), r);
  return m;
}

/** Keys of `a` then the keys only `b` has: the stable order of paths.py. */
function keys(a, b) {
  const out = Object.keys(a);
  for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k)) out.push(k);
  return out;
}

function diffFields(prefix, a, b, out) {
  for (const k of keys(a, b)) {
    const av = a[k] === undefined ? null : a[k];
    const bv = b[k] === undefined ? null : b[k];
    if (!equal(av, bv)) out[`${prefix}.${k}`] = clone(bv);
  }
}

/**
 * The flat map of paths that turns `oldDoc` into `newDoc`, in the order paths.py makes it:
 * sections of old then new; in a repeat section deletions and edits (old order), then additions.
 */
export function diff(oldDoc, newDoc) {
  oldDoc = oldDoc || {};
  newDoc = newDoc || {};
  const out = {};
  for (const s of keys(oldDoc, newDoc)) {
    const a = oldDoc[s] === undefined ? null : oldDoc[s];
    const b = newDoc[s] === undefined ? null : newDoc[s];
    if (REPEAT_SECTIONS.includes(s)) {
      const ra = rowsById(a), rb = rowsById(b);
      for (const [id, row] of ra) {
        if (!rb.has(id)) out[`${s}.${id}`] = null;
        else diffFields(`${s}.${id}`, row, rb.get(id), out);
      }
      for (const [id, row] of rb) if (!ra.has(id)) out[`${s}.${id}`] = clone(row);
    } else if ((a === null || isObj(a)) && (b === null || isObj(b))) {
      diffFields(s, a || {}, b || {}, out);
    } else if (!equal(a, b)) {
      out[s] = clone(b);
    }
  }
  return out;
}

/** A new document: `doc` with `changes` applied (the input is not modified). */
export function apply(doc, changes) {
  const out = clone(doc || {});
  for (const [path, value] of Object.entries(changes || {})) {
    const dot = path.indexOf('.');
    const s = dot < 0 ? path : path.slice(0, dot);
    const rest = dot < 0 ? '' : path.slice(dot + 1);
    if (REPEAT_SECTIONS.includes(s)) {
      const rows = Array.isArray(out[s]) ? out[s] : (out[s] = []);
      const d2 = rest.indexOf('.');
      const id = d2 < 0 ? rest : rest.slice(0, d2);
      const field = d2 < 0 ? null : rest.slice(d2 + 1);
      const i = rows.findIndex((r) => isObj(r) && String(r.id) === id);
      if (field === null) {
        if (value === null) { if (i >= 0) rows.splice(i, 1); }
        else if (i >= 0) rows[i] = clone(value);
        else rows.push(clone(value));
      } else if (i >= 0) {
        rows[i][field] = clone(value);
      }
      // paths.py raises for a field of a missing row; the phone only rebases its own drafts
      // with apply(), where the row may be gone from the server: the edit is dropped there.
    } else if (rest) {
      if (!isObj(out[s])) out[s] = {};
      out[s][rest] = clone(value);
    } else {
      out[s] = clone(value);
    }
  }
  return out;
}

/**
 * Local changes made ready to replay on a new base: an edited field of a row the new base no
 * longer has becomes the whole row (from `fromDoc`), so apply() re-adds it instead of dropping
 * what the surveyor typed. The server then sees a re-added row and its merge decides.
 */
export function keepOrphanRows(changes, base, fromDoc) {
  const out = {};
  for (const [path, value] of Object.entries(changes)) {
    const parts = path.split('.');
    if (REPEAT_SECTIONS.includes(parts[0]) && parts.length >= 3) {
      const [s, id] = parts;
      const has = (Array.isArray(base[s]) ? base[s] : []).some((r) => isObj(r) && String(r.id) === id);
      if (!has) {
        const row = (Array.isArray(fromDoc[s]) ? fromDoc[s] : []).find((r) => isObj(r) && String(r.id) === id);
        if (row) { out[`${s}.${id}`] = clone(row); continue; }
      }
    }
    out[path] = value;
  }
  return out;
}

/** The value at `path` in `doc` (a copy; null where nothing is): paths.py's value_at. */
export function valueAt(doc, path) {
  const dot = path.indexOf('.');
  const s = dot < 0 ? path : path.slice(0, dot);
  const section = (doc || {})[s];
  if (dot < 0) return section === undefined ? null : clone(section);
  const rest = path.slice(dot + 1);
  let found;
  if (REPEAT_SECTIONS.includes(s)) {
    const d2 = rest.indexOf('.');
    const id = d2 < 0 ? rest : rest.slice(0, d2);
    const row = (Array.isArray(section) ? section : []).find((r) => isObj(r) && String(r.id) === id);
    found = d2 < 0 || !row ? row : row[rest.slice(d2 + 1)];
  } else {
    found = isObj(section) ? section[rest] : undefined;
  }
  return found === undefined ? null : clone(found);
}
