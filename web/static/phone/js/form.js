// The Annex 1 questionnaire, rendered from the form definition (server/domain/forms/annex1.json).
// Every input is written to IndexedDB at once; income, verdicts, skip logic and messages update
// live. Sections render when first opened, so a household opens fast on a slow phone.
import { get, getKV } from './db.js';
import { saveDraft, submit, markDecisionsSeen } from './outbox.js';
import { validate, holds } from './validate.js';
import { summarize, countable, normalizeMoney, guarantees, linePhrase, yuan } from './income.js';
import { linesFor } from './records.js';
import { uuid } from './auth.js';
import { clone, valueAt } from './paths.js';
import { notesOf, marks, notesAt, headerNotes, refreshDone } from './notes.js';
import { wireAttachments, locate } from './widgets.js';
import { syncNow, fetchConflicts } from './sync.js';
import { html } from '../../shared/html.js';
import { STATE_LABELS, LOCKED_STATES } from '../../shared/labels.js';

let S = null;

export const isEditing = () => !!S;
export function closeForm() {
  if (S) { S.view.oninput = null; S.view.onchange = null; S.view.onclick = null; }
  S = null;
}
const wired = new WeakSet();

function fieldAt(path) {
  const parts = path.split('.');
  const sec = S.def.sections.find((s) => s.key === parts[0]);
  if (!sec) return {};
  const f = sec.fields.find((x) => x.key === parts[sec.kind === 'repeat' ? 2 : 1]);
  return { sec, f, rowId: sec.kind === 'repeat' ? parts[1] : null };
}
function localOf(sec, rowId) {
  if (sec.kind === 'repeat') return (S.doc[sec.key] || []).find((r) => r.id === rowId) || {};
  return S.doc[sec.key] || {};
}
function labelOf(path) {
  const { sec, f, rowId } = fieldAt(path);
  if (!sec) return path;
  let row = '';
  if (rowId) { const r = localOf(sec, rowId); row = `${r.name || r.measure || sec.item_label || ''} `; }
  return `${sec.title.replace(/^[A-G]\.\s*/, '')} ${row}${f ? f.label : ''}`.trim();
}
const show = (v) => (v === null || v === undefined || v === '' ? '（空）' : v === true ? '是' : v === false ? '否'
  : Array.isArray(v) ? v.join('、') || '（空）' : typeof v === 'object' ? (v.name || v.measure || JSON.stringify(v)) : String(v));
/** A value of the field at `path` in words: a member by name rather than by row id. */
function showAt(path, v) {
  const { f } = fieldAt(path);
  if (f && f.options_from === 'members' && typeof v === 'string' && v) {
    const m = (S.doc.members || []).find((r) => r.id === v);
    return m ? m.name || '（未填姓名）' : '（已删除的成员）';
  }
  return show(v);
}
/** What notes.js needs of the questionnaire: labels, values in words, the value in force. */
const notesCtx = { label: (p) => labelOf(p), show: showAt, current: (p) => valueAt(S.h.server, p) };

// ---- HTML -----------------------------------------------------------------------------------
function control(f, v, path) {
  const n = html`name="${path}" data-t="${f.type}"`;
  const val = v === null || v === undefined ? '' : v;
  const id = `i-${path.replace(/\./g, '-')}`;
  switch (f.type) {
    case 'select': case 'boolean': case 'multiselect': {
      let opts = f.type === 'boolean' ? [[true, '是'], [false, '否']] : (f.options || []).map((o) => [o, o]);
      if (f.options_from === 'members') opts = (S.doc.members || []).map((m, i) => [m.id, m.name || `成员${i + 1}`]);
      if (f.type !== 'multiselect' && (opts.length > 6 || f.options_from)) {
        return html`<select id="${id}" ${n}><option value="">（未选）</option>${opts.map(([o, l]) => html`<option value="${o}" ${o === v ? 'selected' : ''}>${l}</option>`)}</select>`;
      }
      const type = f.type === 'multiselect' ? 'checkbox' : 'radio';
      const on = (o) => (f.type === 'multiselect' ? Array.isArray(v) && v.includes(o) : o === v);
      const blank = type === 'radio' ? html`<label><input type="radio" ${n} value="" ${val === '' ? 'checked' : ''}>未填</label>` : '';
      return html`<div class="chips" role="group" id="${id}">${opts.map(([o, l]) => html`<label><input type="${type}" ${n} value="${o}" ${on(o) ? 'checked' : ''}>${l}</label>`)}${blank}</div>`;
    }
    case 'integer': return html`<input id="${id}" ${n} inputmode="numeric" value="${val}" autocomplete="off">`;
    case 'decimal': case 'money': return html`<input id="${id}" ${n} inputmode="decimal" value="${val}" autocomplete="off">`;
    case 'date': return html`<div class="row"><input id="${id}" ${n} type="date" value="${val}" class="grow"><button type="button" class="btn btn-ghost" data-today="${path}">今天</button></div>`;
    case 'phone': return html`<input id="${id}" ${n} type="tel" inputmode="numeric" maxlength="11" value="${val}" autocomplete="off">`;
    case 'idcard': return html`<input id="${id}" ${n} inputmode="text" autocapitalize="characters" maxlength="18" value="${val}" autocomplete="off" spellcheck="false">`;
    case 'attachment':
      if (f.key === 'signature') {
        return html`<div data-sig="${path}"><img class="thumb" alt="签名" hidden><canvas class="sig" aria-label="签名区"></canvas>
          <div class="row"><button type="button" class="btn btn-ghost" data-sig-clear>清除</button><button type="button" class="btn" data-sig-save>保存签名</button></div></div>`;
      }
      return html`<div data-photo="${path}"><img class="thumb" alt="照片" hidden><label class="btn btn-ghost">拍照/选择照片<input type="file" accept="image/*" capture="environment" hidden data-photo-input></label></div>`;
    case 'gps': return html`<div class="row"><button type="button" class="btn btn-ghost" data-gps="${path}">获取当前位置</button><span data-gps-show>${v && v.lat !== undefined ? `${v.lat}, ${v.lng}` : '未定位'}</span></div>`;
    default: return html`<input id="${id}" ${n} value="${val}" autocomplete="off"${f.max_length ? html` maxlength="${f.max_length}"` : ''}>`;
  }
}

function fieldHTML(f, values, path) {
  const hint = f.hint ? html`<div class="hint">${f.hint}</div>` : '';
  if (f.computed) return html`<div class="field" data-p="${path}"><div class="lab">${f.label}</div><div data-computed="${f.key}" class="big"></div>${hint}</div>`;
  const lab = html`${f.label}${f.unit ? html` <span class="unit">（${f.unit}）</span>` : ''}`;
  const label = html`<label class="f${f.required ? ' req' : ''}" for="i-${path.replace(/\./g, '-')}">${lab}</label>`;
  return html`<div class="field" data-p="${path}"${f.relevant ? html` data-c="1"` : ''}>${label}${notesAt(S.notes, path, notesCtx)}${control(f, values[f.key], path)}${hint}<div class="msg" role="status"></div></div>`;
}

function fieldsHTML(fields, values, prefix) {
  const out = [];
  let group = null;
  for (const f of fields) {
    if (f.group && f.group !== group) { group = f.group; out.push(html`<h3>${group}</h3>`); }
    out.push(fieldHTML(f, values, `${prefix}.${f.key}`));
  }
  return html`${out}`;
}

function rowTitle(sec, r) {
  if (sec.key === 'members') return `${r.name || '新成员'} · ${r.relation || '关系未填'}${r.change_reason ? ` · ${r.change_reason}` : ''}`;
  if (sec.key === 'helpers') return `${r.name || '新帮扶人'}${r.kind ? ` · ${r.kind}` : ''}`;
  return `${r.measure || '新措施'}${r.year ? ` · ${r.year}` : ''}`;
}
const LEFT = ['死亡', '迁出', '服刑', '失踪', '婚出', '分户'];
function rowHTML(sec, r, open) {
  return html`<details class="item${LEFT.includes(r.change_reason) ? ' left' : ''}" data-row="${r.id}" data-sec="${sec.key}"${open ? html` open` : ''}><summary><span class="t">${rowTitle(sec, r)}</span>${marks(S.notes, `${sec.key}.${r.id}`)}</summary><div class="body" data-rowbody>${open ? rowBody(sec, r) : ''}</div></details>`;
}
function rowBody(sec, r) {
  const del = sec.key === 'members' ? '删除（仅限误录；成员减少请填写“成员变动原因”）' : `删除此${sec.item_label || '条目'}`;
  return html`${notesAt(S.notes, `${sec.key}.${r.id}`, notesCtx)}${fieldsHTML(sec.fields, r, `${sec.key}.${r.id}`)}<button type="button" class="btn btn-danger btn-block" data-del="${r.id}">${del}</button>`;
}

function sectionBody(sec) {
  if (sec.kind === 'repeat') {
    const rows = S.doc[sec.key] || [];
    return html`${notesAt(S.notes, sec.key, notesCtx)}<div class="msg" data-secmsg="${sec.key}"></div>${rows.map((r) => rowHTML(sec, r, false))}
      <button type="button" class="btn btn-ghost btn-block" data-add="${sec.key}">＋ 添加${sec.item_label || ''}</button>`;
  }
  const verdict = sec.key === 'income' ? html`<div class="card" id="verdict" aria-live="polite"></div>` : '';
  return html`${notesAt(S.notes, sec.key, notesCtx)}${fieldsHTML(sec.fields, S.doc[sec.key] || {}, sec.key)}${verdict}`;
}

function headerHTML() {
  const h = S.h;
  const out = [html`<h1>${h.meta.head || '新户'} <span class="muted aside">户号 ${h.meta.no || '—'} · ${STATE_LABELS[h.review_state] || ''}</span></h1>`];
  out.push(headerNotes(S.notes, notesCtx));
  if (h.rejected && h.rejected.length) {
    const line = (e) => { const l = fieldAt(e.path).sec ? labelOf(e.path) : ''; return html`<div>${l ? `${l}：` : ''}${e.message}</div>`; };
    out.push(html`<div class="note err"><b>服务器未接受这次修改：</b>${h.rejected.map(line)}</div>`);
  }
  if (h.pending) out.push(html`<div class="note info">已保存，等待同步到服务器。</div>`);
  if (LOCKED_STATES.includes(h.review_state)) out.push(html`<div class="note ok" id="locked"><b>只读：</b>这一户${STATE_LABELS[h.review_state]}，已锁定，不能修改；如需修改请联系县级重新打开。</div>`);
  return html`${out}`;
}

// ---- live updates ----------------------------------------------------------------------------
function refreshDerived() {
  const counted = countable(S.doc);
  const s = summarize(counted.doc, S.lines);
  const flags = S.lines.filter((l) => l.purpose !== 'exit' && s.lines[l.key]).map((l) => html`<span class="tag line">${linePhrase(l, true)}</span>`);
  S.view.querySelector('#sumbar').innerHTML = html`家庭人口 <b>${s.household_size}</b> 人 · 人均纯收入 <b data-pci>${s.per_capita_net_income ?? '—'}</b> 元
    ${counted.bad ? html`<span class="tag rejected" data-uncounted>${counted.bad} 项金额有误，未计入</span>` : ''}${s.exit_eligible ? html`<span class="tag ok">达到退出标准</span>` : ''}${s.monitoring_type ? html`<span class="tag returned">${s.monitoring_type}</span>` : ''}${flags}`;
  const v = S.view.querySelector('#verdict');
  if (v) {
    const row = (k, x) => html`<div>${k}</div><div>${x}</div>`;
    v.innerHTML = html`<div class="verdict">${row('工资性收入', s.wage_income)}${row('生产经营性收入', s.business_income)}${row('财产性收入', s.property_income)}${row('转移性收入', s.transfer_income)}${row('年收入', s.annual_income)}${row('生产经营性支出', s.business_cost)}${row('家庭纯收入', s.net_income)}${row('家庭人口', `${s.household_size} 人`)}
      <div class="big">人均纯收入</div><div class="big" data-pci>${s.per_capita_net_income ?? '—'}</div>
      ${row('两不愁三保障', s.guarantees_met ? '已达标' : `未达标 ${s.unmet_guarantees.length} 项`)}${row('退出', s.exit_eligible ? '符合' : '不符合')}${row('监测类型', s.monitoring_type || '无')}</div>
      ${s.per_capita_net_income === null ? html`<p class="say">没有计入家庭人口的成员，算不出人均纯收入</p>`
    : S.lines.map((l) => html`<p class="say" data-line="${l.key}">人均纯收入 ${yuan(s.per_capita_net_income)} 元，${linePhrase(l, s.lines[l.key])}</p>`)}`;
  }
  const g = guarantees(S.doc);
  for (const el of S.view.querySelectorAll('[data-computed]')) el.textContent = g.unmet.includes(el.dataset.computed) ? '否（自动计算）' : '是（自动计算）';
  for (const el of S.view.querySelectorAll('.field[data-c]')) {
    const { sec, f, rowId } = fieldAt(el.dataset.p);
    if (f) el.hidden = !holds(f.relevant, localOf(sec, rowId), S.doc);
  }
  refreshMessages();
  refreshDone(S.notes, S.doc, S.view);
}

function refreshMessages() {
  const all = validate(S.def, S.doc, { required: S.required }).concat((S.h.rejected || []).map((e) => ({ ...e, server: true })));
  const by = new Map();
  // One count, "处" = a place to fix: a field (or a section) with at least one error, counted once
  // however many messages it has; the section badges and the toast both use it.
  const places = new Map();
  for (const m of all) {
    if (!by.has(m.path)) by.set(m.path, []);
    by.get(m.path).push(m);
    if (m.severity === 'error') {
      const k = m.path.split('.')[0];
      if (!places.has(k)) places.set(k, new Set());
      places.get(k).add(m.path);
    }
  }
  S.errors = all.filter((m) => m.severity === 'error');
  S.places = [...places.values()].reduce((n, set) => n + set.size, 0);
  for (const el of S.view.querySelectorAll('.field[data-p]')) {
    const p = el.dataset.p;
    const ms = (by.get(p) || []).filter((m) => m.severity === 'warning' || S.showAll || m.server || S.touched.has(p));
    const box = el.querySelector('.msg');
    if (!box) continue;
    box.className = `msg ${ms.some((m) => m.severity === 'error') ? 'error' : 'warning'}`;
    box.textContent = ms.map((m) => m.message).join('；');
    el.classList.toggle('bad', ms.some((m) => m.severity === 'error'));
  }
  for (const el of S.view.querySelectorAll('[data-secmsg]')) {
    el.className = 'msg error';
    el.textContent = (by.get(el.dataset.secmsg) || []).map((m) => m.message).join('；');
  }
  for (const d of S.view.querySelectorAll('details.sec')) {
    const n = (places.get(d.dataset.sec) || new Set()).size;
    d.querySelector('.cnt').innerHTML = n ? html`<span class="tag rejected">${n} 处待填/需改</span>` : html`<span class="tag ok">✓</span>`;
  }
}

async function persist() {
  const mine = S;
  const h = await saveDraft(S.h.id, S.doc, () => mine.seen);
  mine.seen = clone(h.doc);
  if (S !== mine) return;
  S.h = h;
  if (h.rebased) { S.doc = clone(h.doc); rerender(); }
  const t = new Date();
  S.view.querySelector('#saved').textContent = `已保存到本机 ${t.toLocaleTimeString('zh-CN', { hour12: false })}`;
}

function setValue(path, value) {
  const { sec, rowId } = fieldAt(path);
  const key = path.split('.').pop();
  let target;
  if (rowId) target = (S.doc[sec.key] || []).find((r) => r.id === rowId);
  else target = S.doc[sec.key] || (S.doc[sec.key] = {});
  if (!target) return;
  if (value === null || value === undefined) delete target[key]; else target[key] = value;
}

function readValue(el, f) {
  const name = el.name;
  if (f.type === 'multiselect') {
    const on = [...S.view.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((i) => i.value);
    return on.length ? (f.options || []).filter((o) => on.includes(o)) : null;
  }
  const raw = el.value;
  if (raw === '' || raw === undefined) return null;
  switch (f.type) {
    case 'boolean': return raw === 'true';
    case 'integer': return /^\s*-?\d+\s*$/.test(raw) ? parseInt(raw, 10) : raw;
    case 'decimal': return raw.trim();
    case 'money': return /^\s*\d+(\.\d{0,2})?\s*$/.test(raw) ? normalizeMoney(raw) : raw;
    case 'idcard': return raw.trim().toUpperCase();
    default: return raw.trim() === '' ? null : raw.trim();
  }
}

function onInput(e) {
  if (!S) return;
  const el = e.target;
  if (!el.name || !el.dataset.t || LOCKED_STATES.includes(S.h.review_state)) return;
  const { f, sec, rowId } = fieldAt(el.name);
  if (!f) return;
  setValue(el.name, readValue(el, f));
  if (e.type === 'change' || el.type === 'radio' || el.type === 'checkbox') S.touched.add(el.name);
  persist();
  if (rowId && ['name', 'relation', 'change_reason', 'measure', 'year', 'kind'].includes(f.key)) {
    const d = S.view.querySelector(`details.item[data-row="${CSS.escape(rowId)}"] > summary`);
    if (d) d.querySelector('.t').textContent = rowTitle(sec, localOf(sec, rowId));
  }
  refreshDerived();
}

// ---- rendering ---------------------------------------------------------------------------------
/** A locked record shows its answers as read-only before anyone tries to change them. */
function lockInputs(root) {
  if (!LOCKED_STATES.includes(S.h.review_state)) return;
  for (const el of root.querySelectorAll('input, select, textarea, button')) el.disabled = true;
}

function openSection(d) {
  const body = d.querySelector(':scope > .body');
  if (body.dataset.done) return;
  body.innerHTML = sectionBody(S.def.sections.find((s) => s.key === d.dataset.sec));
  body.dataset.done = '1';
  wireWidgets(body);
  lockInputs(body);
}

function rerender() {
  S.notes = notesOf(S.h, S.deviceId);
  const locked = LOCKED_STATES.includes(S.h.review_state);
  const open = [...S.view.querySelectorAll('details.sec[open]')].map((d) => d.dataset.sec);
  S.view.innerHTML = html`${headerHTML()}<div class="sumbar" id="sumbar"></div>
    ${S.def.sections.map((sec) => html`<details class="sec" data-sec="${sec.key}"${open.includes(sec.key) ? html` open` : ''}><summary>${sec.title} ${marks(S.notes, sec.key)}<span class="cnt"></span></summary><div class="body"></div></details>`)}
    <div class="actions"><a class="btn btn-ghost" href="#/list">返回</a>${locked ? '' : html`<button class="btn btn-ghost" type="button" id="save">存草稿</button><button class="btn" type="button" id="submit">提交审核</button>`}</div>
    <div class="saved" id="saved" aria-live="polite"></div>`;
  for (const d of S.view.querySelectorAll('details.sec[open]')) openSection(d);
  refreshDerived();
}

function wireWidgets(root) {
  const mine = S;
  return wireAttachments(root, {
    value: (key) => (mine.doc.signoff || {})[key],
    householdId: mine.h.id,
    toast: mine.toast,
    async set(path, value) {
      if (S !== mine) return;
      setValue(path, value);
      await persist();
      refreshDerived();
    },
  });
}

async function onClick(e) {
  if (!S) return;
  const t = e.target;
  const today = t.closest('[data-today]');
  if (today) {
    const d = new Date();
    const v = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const input = S.view.querySelector(`input[name="${CSS.escape(today.dataset.today)}"]`);
    input.value = v;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return;
  }
  const add = t.closest('[data-add]');
  if (add) {
    const sec = S.def.sections.find((s) => s.key === add.dataset.add);
    const row = { id: uuid() };
    (S.doc[sec.key] || (S.doc[sec.key] = [])).push(row);
    add.insertAdjacentHTML('beforebegin', rowHTML(sec, row, true));
    await persist(); refreshDerived();
    add.previousElementSibling.scrollIntoView({ block: 'start' });
    return;
  }
  const del = t.closest('[data-del]');
  if (del) {
    const d = del.closest('details.item');
    const sec = d.dataset.sec;
    if (!confirm(sec === 'members' ? '只有误录的成员才删除。成员死亡、迁出等请填写“成员变动原因”。确定删除？' : '确定删除？')) return;
    S.doc[sec] = (S.doc[sec] || []).filter((r) => r.id !== d.dataset.row);
    d.remove();
    await persist(); refreshDerived();
    return;
  }
  const gps = t.closest('[data-gps]');
  if (gps) {
    try {
      const p = await locate();
      setValue(gps.dataset.gps, p);
      gps.parentElement.querySelector('[data-gps-show]').textContent = `${p.lat}, ${p.lng}（±${p.accuracy}米）`;
      await persist(); refreshDerived();
    } catch (err) { S.toast(err.message); }
    return;
  }
  const go = t.closest('[data-goto]');
  if (go) { goto(go.dataset.goto); return; }
  const seen = t.closest('[data-seen]');
  if (seen) {
    const h = await markDecisionsSeen(S.h.id, seen.dataset.seen.split(',').map(Number));
    if (h && S) { S.h = h; rerender(); }
    return;
  }
  if (t.closest('#submit')) await submitForm(true);
  if (t.closest('#save')) await submitForm(false);
}

/**
 * Send the household: `forReview` submits it for review and needs a complete questionnaire; a
 * draft may be incomplete (it still reaches the server, so nothing typed is lost) unless the
 * record already waits for review. Errors block either way: the server would refuse them.
 */
async function submitForm(forReview) {
  S.required = forReview || S.h.review_state === 'submitted';
  refreshMessages();
  if (S.errors.length) {
    S.showAll = true;
    for (const m of S.errors) {
      const d = S.view.querySelector(`details.sec[data-sec="${CSS.escape(m.path.split('.')[0])}"]`);
      if (d && !d.open) { d.open = true; openSection(d); }
      const row = m.path.split('.')[1];
      const item = S.view.querySelector(`details.item[data-row="${CSS.escape(row || '')}"]`);
      if (item && !item.open) { item.open = true; }
    }
    for (const item of S.view.querySelectorAll('details.item[open]')) fillRow(item);
    refreshDerived();
    const first = S.view.querySelector('.field.bad, [data-secmsg]:not(:empty)');
    if (first) first.scrollIntoView({ block: 'center' });
    S.toast(`还有 ${S.places} 处需要填写或修改`);
    return;
  }
  await persist();
  const op = await submit(S.h.id, { forReview });
  S.toast(op ? `${forReview ? '已提交审核' : '已保存草稿'}，有网络时自动同步` : '没有新的修改');
  syncNow();
  location.hash = '#/list';
}

/** Open the section (and row) holding `path` and bring its field into view. */
function goto(path) {
  const [key, rowId] = path.split('.');
  const d = S.view.querySelector(`details.sec[data-sec="${CSS.escape(key)}"]`);
  if (!d) return;
  if (!d.open) { d.open = true; openSection(d); }
  let target = d;
  const item = rowId ? d.querySelector(`details.item[data-row="${CSS.escape(rowId)}"]`) : null;
  if (item) { item.open = true; fillRow(item); target = item; }
  refreshDerived();
  const field = S.view.querySelector(`.field[data-p="${CSS.escape(path)}"]`);
  (field || target).scrollIntoView({ block: 'center' });
  const input = field && field.querySelector('input, select');
  if (input) input.focus({ preventScroll: true });
}

function fillRow(item) {
  const body = item.querySelector('[data-rowbody]');
  if (body.innerHTML) return;
  const sec = S.def.sections.find((s) => s.key === item.dataset.sec);
  body.innerHTML = rowBody(sec, localOf(sec, item.dataset.row));
  lockInputs(body);
}

let formCache = null;
async function definition() {
  if (!formCache) formCache = await get('forms', 'annex1');
  return formCache;
}

export async function openForm(view, id, { toast }) {
  const [h, form, deviceId] = await Promise.all([get('households', id), definition(), getKV('device_id')]);
  if (!h) { view.innerHTML = html`<p class="note err">本机没有这一户的数据。</p><a class="btn" href="#/list">返回列表</a>`; return; }
  if (!form) { view.innerHTML = html`<p class="note err">还没有下载问卷，请联网后在“设置”中下载。</p>`; return; }
  S = { view, h, deviceId, notes: null, doc: clone(h.doc), seen: clone(h.doc), def: form.definition, lines: linesFor(h.campaign_id),
    touched: new Set(), showAll: false, toast, errors: [], required: true };
  view.replaceChildren();
  rerender();
  if (h.conflict_open && !(h.conflicts || []).some((c) => c.id)) {
    const mine = S;
    fetchConflicts(id).then((got) => {
      if (got && S === mine) { S.h = { ...S.h, conflicts: got.conflicts }; rerender(); }
    });
  }
  const first = view.querySelector('details.sec');
  if (first && !view.querySelector('details.sec[open]')) { first.open = true; openSection(first); refreshDerived(); }
  view.oninput = onInput;
  view.onchange = onInput;
  view.onclick = onClick;
  if (wired.has(view)) return;
  wired.add(view);
  view.addEventListener('toggle', (e) => {
    if (!S) return;
    const d = e.target;
    if (d.matches('details.sec') && d.open) { openSection(d); refreshDerived(); }
    if (d.matches('details.item') && d.open) { fillRow(d); refreshDerived(); }
  }, true);
}
