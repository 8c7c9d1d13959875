// The income statistics table (收入统计表) of a village: the income items of section C for each
// household, typed fast. On a phone (narrower than 600 px) one household at a time, its items one
// under another (entry.js); wider, a grid with a household per row and an item per column, typed
// with Enter and the arrows. Both read the columns from the form definition (income_table.json),
// count with income.js and check with validate.js, as the questionnaire does; edits are drafts of
// the same records, and "提交修改" sends them through the outbox.
import { byIndex, get } from './db.js';
import { saveDraft, submit } from './outbox.js';
import { summarize, countable, normalizeMoney, parseMoney, formatMoney, yuan } from './income.js';
import { linesFor } from './records.js';
import { validate } from './validate.js';
import { clone } from './paths.js';
import { syncNow } from './sync.js';
import { renderEntry } from './entry.js';
import { html } from '../../shared/html.js';
import { LOCKED_STATES } from '../../shared/labels.js';

const TYPED = /^\d+(\.\d{0,2})?$/; // what normalizeMoney turns into a stored amount ("12" -> "12.00")
const PHONE = '(max-width: 599.98px)';

/**
 * What both layouts share: the village's records (each with the document as typed and the stored
 * one the editor last saw), their figures, messages and totals, saving and submitting.
 */
function tableOf(hs, tdef, form, lines) {
  const cols = ((tdef && tdef.definition.columns) || [])
    .filter((c) => !c.computed && c.key.startsWith('income.'))
    .map((c) => ({ ...c, item: c.key.slice('income.'.length) }));
  const recs = hs.map((h) => ({ h, doc: clone(h.doc), seen: clone(h.doc) }));
  const definition = form && form.definition;
  return {
    cols,
    lines,
    recs,
    byId: new Map(recs.map((r) => [r.h.id, r])),
    at: 0, // the household the phone's layout shows
    /** The household's figures, an amount typed wrong left out: { s: summary, bad: count }. */
    figures(rec) {
      if (!rec.fig) {
        const counted = countable(rec.doc);
        rec.fig = { s: summarize(counted.doc, lines), bad: counted.bad, counted: counted.doc };
      }
      return rec.fig;
    },
    /** Store what was typed into an item: a well-formed amount as "1234.50", else as typed. */
    set(rec, item, value) {
      const raw = value.trim();
      const inc = rec.doc.income || (rec.doc.income = {});
      if (raw === '') delete inc[item];
      else inc[item] = TYPED.test(raw) ? normalizeMoney(raw) : raw;
      rec.fig = null;
      rec.msgs = null;
    },
    /** The household's messages about its income, by path, errors first (the validator's words). */
    messages(rec) {
      if (!rec.msgs) {
        rec.msgs = new Map();
        const all = validate(definition, rec.doc, { required: false }).filter((m) => m.path.startsWith('income.'));
        all.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
        for (const m of all) rec.msgs.set(m.path, [...(rec.msgs.get(m.path) || []), m]);
      }
      return rec.msgs;
    },
    async save(rec) {
      const h = await saveDraft(rec.h.id, rec.doc, () => rec.seen);
      rec.seen = clone(h.doc);
      if (h.rebased) { rec.doc = clone(h.doc); rec.fig = null; rec.msgs = null; }
      rec.h = h;
      return h;
    },
    dirty: () => recs.filter((r) => r.h.dirty).length,
    /** The totals row: households, people, each item, the village's per-capita net income (all net
     * income over all people counted, half-up), as the county adds them up. */
    totals() {
      let people = 0;
      let net = 0n;
      const sums = cols.map(() => 0n);
      for (const rec of recs) {
        const { s, counted } = this.figures(rec);
        const inc = counted.income || {};
        cols.forEach((c, i) => { sums[i] += parseMoney(inc[c.item]) ?? 0n; });
        people += s.household_size;
        net += parseMoney(s.net_income);
      }
      const pci = people ? formatMoney(net / BigInt(people)) : null; // micro-yuan, then half-up to fen
      return { households: recs.length, people, sums: sums.map(formatMoney), pci };
    },
    /**
     * Send every household changed here; one with an error stays a draft. Says what was sent (a
     * toast) and returns the households left, in words.
     */
    async submitAll(toast) {
      let sent = 0;
      const bad = [];
      for (const rec of recs) {
        if (!rec.h.dirty) continue;
        const errors = validate(definition, rec.doc, { required: rec.h.review_state === 'submitted' })
          .filter((m) => m.severity === 'error');
        if (errors.length) { bad.push(`${rec.h.meta.head || rec.h.meta.no}：${errors[0].message}`); continue; }
        if (await submit(rec.h.id)) sent += 1;
        rec.h.dirty = false;
      }
      if (sent) { toast(`已提交 ${sent} 户，等待同步`); syncNow(); }
      return bad.length ? `${bad.length} 户有错误未提交（请改正后再提交）：${bad.slice(0, 3).join('；')}` : '';
    },
  };
}

export async function renderTable(view, villageId, { toast }) {
  const [hs, tdef, form] = await Promise.all([byIndex('households', 'village', villageId), get('forms', 'income_table'), get('forms', 'annex1')]);
  hs.sort((a, b) => (a.meta.no.length - b.meta.no.length) || (a.meta.no < b.meta.no ? -1 : a.meta.no > b.meta.no ? 1 : 0));
  const T = tableOf(hs, tdef, form, hs.length ? linesFor(hs[0].campaign_id) : []);
  T.village = villageId;
  const at = new URLSearchParams(location.hash.split('?')[1] || '').get('at');
  T.at = Math.max(0, T.recs.findIndex((r) => r.h.id === at));
  const phone = matchMedia(PHONE);
  const shown = ++drawn;
  const draw = () => {
    if (phone.matches) renderEntry(view, T, { toast }); else renderGrid(view, T, { toast });
    view.firstElementChild.dataset.drawn = String(shown);
  };
  draw();
  // Turned or resized across the line: the other layout, at the same household; once another
  // screen is shown or asked for, never again (a phone turned as the surveyor leaves would
  // otherwise draw the table again and, through its own address, route back to it).
  const turned = () => {
    const root = view.querySelector(':scope > [data-table]');
    const here = location.hash.split('?')[0] === `#/table/${villageId}`;
    if (root && root.dataset.drawn === String(shown) && here) draw();
    else phone.removeEventListener('change', turned);
  };
  phone.addEventListener('change', turned);
}
let drawn = 0;

function renderGrid(view, T, { toast }) {
  const { cols, lines } = T;
  const flagLines = lines.filter((l) => l.purpose !== 'exit');
  const flags = (s) => flagLines.filter((l) => s.lines[l.key]).map((l) => l.label).join(' ');
  const head = html`<tr><th class="h">户主</th>${cols.map((c) => html`<th title="${c.group || ''}">${c.label}</th>`)}<th>人口</th><th>人均纯收入</th><th>低于线</th></tr>`;
  const body = T.recs.map((rec) => {
    const { h, doc } = rec;
    const { s } = T.figures(rec);
    const inc = doc.income || {};
    const msgs = T.messages(rec);
    const locked = LOCKED_STATES.includes(h.review_state);
    const wrong = (c) => (msgs.get(c.key) || []).some((m) => m.severity === 'error');
    const cells = cols.map((c, i) => html`<td${wrong(c) ? html` class="bad"` : ''}><input inputmode="decimal" enterkeyhint="next" data-k="${c.item}" data-col="${i}" aria-label="${`${h.meta.head} ${c.label}`}" value="${inc[c.item] ?? ''}"${locked ? html` disabled` : ''}></td>`);
    const figures = html`<td class="c" data-size>${s.household_size}</td><td class="c" data-pci><b>${s.per_capita_net_income ?? '—'}</b></td><td class="c" data-flags>${flags(s)}</td>`;
    return html`<tr data-id="${h.id}"${h.dirty ? html` class="dirty"` : ''}><th class="h">${h.meta.head || '—'}<br><small class="muted">${h.meta.no}</small></th>${cells}${figures}</tr>`;
  });
  view.innerHTML = html`<div data-table="grid"><h1>收入统计表</h1><p class="muted">金额单位：元。回车或↑↓换行，修改即时保存在本机。</p>
    <div class="grid-wrap"><table class="grid"><thead>${head}</thead><tbody>${body}</tbody><tfoot></tfoot></table></div>
    <ul class="msg error" id="terr" aria-live="polite"></ul>
    <p class="msg" id="tmsg" aria-live="polite"></p>
    <div class="actions"><a class="btn btn-ghost" href="#/list">返回列表</a><button class="btn" id="tsubmit" type="button">提交修改</button></div></div>`;
  const tbody = view.querySelector('tbody');
  const foot = () => {
    const t = T.totals();
    view.querySelector('tfoot').innerHTML = html`<tr class="total"><th class="h">合计 <span data-households>${t.households}</span> 户</th>${t.sums.map((v, i) => html`<td class="c" data-total="${cols[i].item}">${yuan(v)}</td>`)}<td class="c" data-people>${t.people}</td><td class="c" data-village-pci><b>${t.pci === null ? '—' : yuan(t.pci)}</b></td><td class="c"></td></tr>`;
  };
  const errors = () => {
    const out = [];
    for (const rec of T.recs) {
      for (const ms of T.messages(rec).values()) {
        for (const m of ms) if (m.severity === 'error') out.push(html`<li>${rec.h.meta.head || rec.h.meta.no}：${m.message}</li>`);
      }
    }
    view.querySelector('#terr').innerHTML = html`${out}`;
  };
  foot();
  errors();
  const count = () => {
    const n = T.dirty();
    view.querySelector('#tsubmit').textContent = n ? `提交修改（${n}户）` : '提交修改';
  };
  count();
  tbody.addEventListener('input', async (e) => {
    const el = e.target;
    const tr = el.closest('tr');
    const rec = T.byId.get(tr.dataset.id);
    T.set(rec, el.dataset.k, el.value);
    const bad = (T.messages(rec).get(`income.${el.dataset.k}`) || []).some((m) => m.severity === 'error');
    el.parentElement.classList.toggle('bad', bad);
    el.setAttribute('aria-invalid', String(bad));
    const { s } = T.figures(rec);
    foot();
    errors();
    tr.querySelector('[data-size]').textContent = s.household_size;
    tr.querySelector('[data-pci]').innerHTML = html`<b>${s.per_capita_net_income ?? '—'}</b>`;
    tr.querySelector('[data-flags]').textContent = flags(s);
    const h = await T.save(rec);
    tr.classList.toggle('dirty', h.dirty);
    count();
  });
  tbody.addEventListener('change', (e) => {
    const el = e.target;
    if (TYPED.test(el.value.trim())) el.value = normalizeMoney(el.value.trim());
  });
  tbody.addEventListener('keydown', (e) => {
    const el = e.target;
    if (!el.dataset.col) return;
    const tr = el.closest('tr');
    let target;
    if (e.key === 'Enter' || e.key === 'ArrowDown') target = tr.nextElementSibling;
    else if (e.key === 'ArrowUp') target = tr.previousElementSibling;
    else if (e.key === 'ArrowRight' && el.selectionStart === el.value.length) {
      const next = tr.querySelector(`input[data-col="${+el.dataset.col + 1}"]`);
      if (next) { e.preventDefault(); next.focus(); next.select(); }
      return;
    } else if (e.key === 'ArrowLeft' && el.selectionStart === 0) {
      const prev = tr.querySelector(`input[data-col="${+el.dataset.col - 1}"]`);
      if (prev) { e.preventDefault(); prev.focus(); prev.select(); }
      return;
    } else return;
    e.preventDefault();
    if (!target) return;
    const input = target.querySelector(`input[data-col="${el.dataset.col}"]`);
    input.focus();
    input.select();
  });
  view.querySelector('#tsubmit').addEventListener('click', async () => {
    view.querySelector('#tmsg').textContent = await T.submitAll(toast);
    for (const tr of tbody.querySelectorAll('tr.dirty')) if (!T.byId.get(tr.dataset.id).h.dirty) tr.classList.remove('dirty');
    count();
  });
}
