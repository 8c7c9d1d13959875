// The income statistics table (收入统计表): one row per household of a village, the income items
// of section C as columns, typed fast with the keyboard (Enter / arrows move), per-row per-capita
// income and line flags. Edits are drafts of the same records; "提交修改" sends them via the outbox.
import { byIndex, get } from './db.js';
import { saveDraft, submit } from './outbox.js';
import { summarize, normalizeMoney, parseMoney, formatMoney, yuan } from './income.js';
import { linesFor } from './records.js';
import { validate } from './validate.js';
import { clone } from './paths.js';
import { syncNow } from './sync.js';
import { html } from '../../shared/html.js';

const MONEY_OK = /^\d+\.\d\d$/;
const ok = (v) => typeof v === 'string' && MONEY_OK.test(v);

/**
 * The totals row: households, people, each item, the village's per-capita net income (all net
 * income over all people counted, half-up), as the county adds them up. An amount typed wrong
 * is not counted (its cell says why).
 */
function totals(recs, cols, lines) {
  let people = 0;
  let net = 0n;
  const sums = cols.map(() => 0n);
  for (const { doc } of recs) {
    const inc = doc.income || {};
    cols.forEach((c, i) => { const v = inc[c.key.slice(7)]; if (ok(v)) sums[i] += parseMoney(v); });
    const s = summarize({ ...doc, income: Object.fromEntries(Object.entries(inc).filter(([, v]) => ok(v))) }, lines);
    people += s.household_size;
    net += parseMoney(s.net_income);
  }
  const pci = people ? formatMoney(net / BigInt(people)) : null; // micro-yuan, then half-up to fen
  return { households: recs.length, people, sums: sums.map(formatMoney), pci };
}

export async function renderTable(view, villageId, { toast }) {
  const [hs, tdef, form] = await Promise.all([byIndex('households', 'village', villageId), get('forms', 'income_table'), get('forms', 'annex1')]);
  const cols = ((tdef && tdef.definition.columns) || []).filter((c) => !c.computed && c.key.startsWith('income.'));
  hs.sort((a, b) => (a.meta.no.length - b.meta.no.length) || (a.meta.no < b.meta.no ? -1 : a.meta.no > b.meta.no ? 1 : 0));
  const byId = new Map(hs.map((h) => [h.id, { h, doc: clone(h.doc), seen: clone(h.doc) }]));
  const lines = hs.length ? linesFor(hs[0].campaign_id) : [];
  const flagLines = lines.filter((l) => l.purpose !== 'exit');
  const flags = (s) => flagLines.filter((l) => s.lines[l.key]).map((l) => l.label).join(' ');
  const head = html`<tr><th class="h">户主</th>${cols.map((c) => html`<th title="${c.group || ''}">${c.label}</th>`)}<th>人口</th><th>人均纯收入</th><th>低于线</th></tr>`;
  const body = [...byId.values()].map(({ h, doc }) => {
    const s = summarize(doc, lines);
    const inc = doc.income || {};
    const cells = cols.map((c, i) => html`<td><input inputmode="decimal" enterkeyhint="next" data-k="${c.key.slice(7)}" data-col="${i}" aria-label="${`${h.meta.head} ${c.label}`}" value="${inc[c.key.slice(7)] ?? ''}"></td>`);
    const figures = html`<td class="c" data-size>${s.household_size}</td><td class="c" data-pci><b>${s.per_capita_net_income ?? '—'}</b></td><td class="c" data-flags>${flags(s)}</td>`;
    return html`<tr data-id="${h.id}"${h.dirty ? html` class="dirty"` : ''}><th class="h">${h.meta.head || '—'}<br><small class="muted">${h.meta.no}</small></th>${cells}${figures}</tr>`;
  });
  view.innerHTML = html`<h1>收入统计表</h1><p class="muted">金额单位：元。回车或↑↓换行，修改即时保存在本机。</p>
    <div class="grid-wrap"><table class="grid"><thead>${head}</thead><tbody>${body}</tbody><tfoot></tfoot></table></div>
    <ul class="msg error" id="terr" aria-live="polite"></ul>
    <p class="msg" id="tmsg" aria-live="polite"></p>
    <div class="actions"><a class="btn btn-ghost" href="#/list">返回列表</a><button class="btn" id="tsubmit" type="button">提交修改</button></div>`;
  const tbody = view.querySelector('tbody');
  const foot = () => {
    const t = totals([...byId.values()], cols, lines);
    view.querySelector('tfoot').innerHTML = html`<tr class="total"><th class="h">合计 <span data-households>${t.households}</span> 户</th>${t.sums.map((v, i) => html`<td class="c" data-total="${cols[i].key.slice(7)}">${yuan(v)}</td>`)}<td class="c" data-people>${t.people}</td><td class="c" data-village-pci><b>${t.pci === null ? '—' : yuan(t.pci)}</b></td><td class="c"></td></tr>`;
  };
  const errors = () => {
    const out = [];
    for (const { h, doc } of byId.values()) {
      const msgs = validate(form && form.definition, doc, { required: false }).filter((m) => m.severity === 'error' && m.path.startsWith('income.'));
      for (const m of msgs) out.push(html`<li>${h.meta.head || h.meta.no}：${m.message}</li>`);
    }
    view.querySelector('#terr').innerHTML = html`${out}`;
  };
  foot();
  errors();
  const count = () => {
    const n = [...byId.values()].filter((x) => x.h.dirty).length;
    view.querySelector('#tsubmit').textContent = n ? `提交修改（${n}户）` : '提交修改';
  };
  count();
  tbody.addEventListener('input', async (e) => {
    const el = e.target;
    const tr = el.closest('tr');
    const rec = byId.get(tr.dataset.id);
    const raw = el.value.trim();
    const good = raw === '' || /^\d+(\.\d{0,2})?$/.test(raw);
    el.parentElement.classList.toggle('bad', !good);
    el.setAttribute('aria-invalid', String(!good));
    const inc = rec.doc.income || (rec.doc.income = {});
    if (raw === '') delete inc[el.dataset.k]; else inc[el.dataset.k] = good ? normalizeMoney(raw) : raw;
    const counted = Object.fromEntries(Object.entries(inc).filter(([, v]) => ok(v)));
    const s = summarize({ ...rec.doc, income: counted }, lines);
    foot();
    errors();
    tr.querySelector('[data-size]').textContent = s.household_size;
    tr.querySelector('[data-pci]').innerHTML = html`<b>${s.per_capita_net_income ?? '—'}</b>`;
    tr.querySelector('[data-flags]').textContent = flags(s);
    const h = await saveDraft(rec.h.id, rec.doc, () => rec.seen);
    rec.seen = clone(h.doc);
    if (h.rebased) rec.doc = clone(h.doc);
    rec.h = h;
    tr.classList.toggle('dirty', h.dirty);
    count();
  });
  tbody.addEventListener('change', (e) => {
    const el = e.target;
    if (/^\d+(\.\d{0,2})?$/.test(el.value.trim())) el.value = normalizeMoney(el.value.trim());
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
    let sent = 0;
    const bad = [];
    for (const rec of byId.values()) {
      if (!rec.h.dirty) continue;
      const errors = validate(form && form.definition, rec.doc, { required: rec.h.review_state === 'submitted' })
        .filter((m) => m.severity === 'error');
      if (errors.length) { bad.push(`${rec.h.meta.head || rec.h.meta.no}：${errors[0].message}`); continue; }
      if (await submit(rec.h.id)) sent += 1;
      rec.h.dirty = false;
      view.querySelector(`tr[data-id="${rec.h.id}"]`).classList.remove('dirty');
    }
    count();
    view.querySelector('#tmsg').textContent = bad.length ? `${bad.length} 户有错误未提交（请在问卷中修改）：${bad.slice(0, 3).join('；')}` : '';
    if (sent) { toast(`已提交 ${sent} 户，等待同步`); syncNow(); }
  });
}
