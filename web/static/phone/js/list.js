// The household list: search, filters, per-village progress. Reads only the light `rows` store
// and builds the whole list as one HTML string (500 households render in one go).
import { getAll, getKV, setKV } from './db.js';
import { campaign, rowsGeneration } from './records.js';
import { linePhrase } from './income.js';
import { html } from '../../shared/html.js';
import { STATE_LABELS, LOCKED_STATES } from '../../shared/labels.js';

export const FILTERS = [
  ['all', '全部', () => true],
  ['unvisited', '未走访', (r) => !r.meta.visited],
  ['draft', '草稿', (r) => r.dirty],
  ['pending', '待同步', (r) => r.pending > 0],
  ['returned', STATE_LABELS.returned, (r) => r.review_state === 'returned'],
  ['conflict', '有冲突', (r) => r.conflict],
  ['rejected', '待修改', (r) => r.rejected],
  ['submitted', STATE_LABELS.submitted, (r) => r.review_state === 'submitted'],
  ['reviewed', '已审核', (r) => LOCKED_STATES.includes(r.review_state)],
];

const ui = { village: null, campaign: null, chosenCampaign: null, filter: 'all', line: '', q: '', restored: false };

/**
 * A phone holds every campaign's households of its villages (a new campaign carries each family
 * forward); the list shows one campaign at a time: the one the surveyor chose, else the latest
 * open one (so a campaign started since is what the list opens on).
 */
function campaignsOf(rows) {
  const order = (id) => { const c = campaign(id) || {}; return [c.active ? 1 : 0, c.year || 0, id]; };
  const ids = [...new Set(rows.map((r) => r.campaign_id))];
  return ids.sort((a, b) => { const x = order(a); const y = order(b); return y[0] - x[0] || y[1] - x[1] || y[2] - x[2]; });
}
const saveUI = () => setKV('list_ui', { village: ui.village, chosenCampaign: ui.chosenCampaign, filter: ui.filter, line: ui.line });

function tags(r, lines) {
  const t = [];
  if (r.conflict) t.push(html`<span class="tag conflict">冲突</span>`);
  if (r.decided) t.push(html`<span class="tag ok">冲突已处理</span>`);
  if (r.rejected) t.push(html`<span class="tag rejected">待修改</span>`);
  if (r.review_state === 'returned') t.push(html`<span class="tag returned">${STATE_LABELS.returned}${r.comments ? ` · ${r.comments} 处意见` : ''}</span>`);
  if (r.dirty) t.push(html`<span class="tag draft">草稿</span>`);
  if (r.pending) t.push(html`<span class="tag pending">待同步</span>`);
  if (r.local_new) t.push(html`<span class="tag ok">新增</span>`);
  if (!r.meta.visited) t.push(html`<span class="tag">未走访</span>`);
  for (const l of lines) if (l.purpose !== 'exit' && r.meta.lines && r.meta.lines[l.key]) t.push(html`<span class="tag line">${l.label}</span>`);
  return t;
}

export function itemsHTML(rows, lines, chunk = false) {
  const items = rows.map((r) => {
    const m = r.meta;
    const name = html`<div class="name">${m.head || '（未填户主）'}${tags(r, lines)}</div>`;
    const sub = html`<div class="sub"><span>${m.group} · 户号 ${m.no || '—'}</span><span>${m.size}人 · <span class="state">${STATE_LABELS[r.review_state] || ''}</span></span></div>`;
    const why = r.review_state === 'returned' && r.review_note ? html`<div class="why">退回原因：${r.review_note}</div>` : '';
    return html`<li><a href="#/h/${r.id}"><div class="who">${name}${sub}${why}</div><div class="pci">${m.pci === null ? '—' : m.pci}</div></a></li>`;
  });
  if (items.length || chunk) return html`${items}`;
  return html`<li class="muted empty">没有符合条件的户</li>`;
}

function apply(rows) {
  const f = FILTERS.find((x) => x[0] === ui.filter) || FILTERS[0];
  const q = ui.q.trim().toLowerCase();
  return rows.filter((r) => (ui.village === null || r.village_id === ui.village) && f[2](r)
    && (!ui.line || (r.meta.lines && r.meta.lines[ui.line])) && (!q || r.meta.search.includes(q)));
}

let cache = { generation: -1, rows: null };
const FIRST = 40;
const CHUNK = 230;
let fillToken = 0;

/**
 * The first screenful at once, the rest right after in large chunks (one task each), so the
 * list is on screen at once and a 500-household village never blocks the phone for long.
 */
function fill(list, items, lines) {
  const token = ++fillToken;
  list.innerHTML = itemsHTML(items.slice(0, FIRST), lines);
  let i = FIRST;
  const more = () => {
    if (token !== fillToken || i >= items.length) return;
    list.insertAdjacentHTML('beforeend', itemsHTML(items.slice(i, i + CHUNK), lines, true));
    i += CHUNK;
    setTimeout(more, 0);
  };
  if (items.length > FIRST) requestAnimationFrame(() => setTimeout(more, 0)); // after the first paint
}
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
// Household numbers encode village, group and sequence: their order is the register's order.
const byPlace = (a, b) => (a.village_id - b.village_id)
  || (a.meta.no.length - b.meta.no.length) || cmp(a.meta.no, b.meta.no);

/** Whether households changed since the list last read them. */
export const listIsStale = () => cache.generation !== rowsGeneration();

/** The rows, sorted by village and household number; kept in memory between writes. */
async function loadRows() {
  const g = rowsGeneration();
  if (cache.generation !== g || !cache.rows) {
    const rows = await getAll('rows');
    rows.sort(byPlace);
    cache = { generation: g, rows };
  }
  return cache.rows;
}

export async function renderList(view, { villageNames }) {
  const [all, names, chosen, saved] = await Promise.all([loadRows(), villageNames(), getKV('villages'),
    ui.restored ? null : getKV('list_ui')]);
  if (saved && !ui.restored) Object.assign(ui, saved);
  ui.restored = true;
  const villages = (chosen || []).map((id) => ({ id, name: names.get(id) || `村 ${id}` }));
  if (ui.village !== null && !villages.some((v) => v.id === ui.village)) ui.village = null;
  if (ui.village === null && villages.length === 1) ui.village = villages[0].id;
  const held = campaignsOf(all);
  ui.campaign = held.includes(ui.chosenCampaign) ? ui.chosenCampaign : (held.length ? held[0] : null);
  const rows = held.length > 1 ? all.filter((r) => r.campaign_id === ui.campaign) : all;
  const c = campaign(ui.campaign);
  const lines = (c && c.lines) || [];
  const prog = (vid) => {
    const vs = rows.filter((r) => vid === null || r.village_id === vid);
    return `${vs.filter((r) => r.meta.visited).length}/${vs.length}`;
  };
  const shown = apply(rows);
  view.innerHTML = html`<div class="tools">
    <div class="villages" role="group" aria-label="村">${villages.length > 1 ? html`<button type="button" data-v="" aria-pressed="${ui.village === null}">全部 ${prog(null)}</button>` : ''}${villages.map((v) => html`<button type="button" data-v="${v.id}" aria-pressed="${ui.village === v.id}">${v.name} ${prog(v.id)}</button>`)}</div>
    ${held.length > 1 ? html`<select id="campaign" aria-label="调查轮次">${held.map((id) => html`<option value="${id}" ${id === ui.campaign ? 'selected' : ''}>${(campaign(id) || {}).name || `调查轮次 ${id}`}</option>`)}</select>` : ''}
    <input type="search" id="q" placeholder="搜索姓名（可用拼音或首字母）、身份证号、户编号" value="${ui.q}" aria-label="搜索" enterkeyhint="search">
    <div class="filters" role="group" aria-label="筛选">${FILTERS.map(([k, label]) => html`<button type="button" data-f="${k}" aria-pressed="${ui.filter === k}">${label} <span data-n="${k}"></span></button>`)}
      <select id="line" aria-label="低于某条线"><option value="">按收入线…</option>${lines.filter((l) => l.purpose !== 'exit').map((l) => html`<option value="${l.key}" ${ui.line === l.key ? 'selected' : ''}>${linePhrase(l, true)}</option>`)}</select></div>
    <div class="vprog" id="count"></div></div>
    <ul class="hh" id="hh"></ul>
    <div id="acts"><div class="row gap-top">${ui.village !== null ? html`<a class="btn btn-ghost" href="#/table/${ui.village}">收入统计表</a>`
    : html`<button type="button" class="btn btn-ghost" data-pick="table">收入统计表</button>`}</div>
    ${ui.village !== null ? html`<a class="btn fab" href="#/new?village=${ui.village}">＋ 新增户</a>`
    : html`<button type="button" class="btn fab" data-pick="new">＋ 新增户</button>`}
    <div class="card pick" id="pick" role="dialog" aria-labelledby="pick-title" hidden></div></div>`;
  // With every village shown, the two actions first ask which village they are for.
  const pick = view.querySelector('#pick');
  view.querySelector('#acts').addEventListener('click', (e) => {
    const b = e.target.closest('[data-pick]');
    if (b) {
      const to = (id) => (b.dataset.pick === 'new' ? `#/new?village=${id}` : `#/table/${id}`);
      pick.innerHTML = html`<p id="pick-title"><b>${b.dataset.pick === 'new' ? '新增户' : '收入统计表'}：请选择村</b></p>
        <div class="row stack">${villages.map((v) => html`<a class="btn btn-ghost" href="${to(v.id)}" data-village="${v.id}">${v.name}</a>`)}
        <button type="button" class="btn btn-ghost" data-unpick>取消</button></div>`;
      pick.hidden = false;
      pick.scrollIntoView({ block: 'nearest' });
    } else if (e.target.closest('[data-unpick]')) pick.hidden = true;
  });
  const count = view.querySelector('#count');
  const list = view.querySelector('#hh');
  fill(list, shown, lines);
  const counts = () => {
    const inVillage = rows.filter((r) => ui.village === null || r.village_id === ui.village);
    for (const [k, , fn] of FILTERS) {
      const el = view.querySelector(`[data-n="${k}"]`);
      if (el && k !== 'all') el.textContent = inVillage.filter(fn).length || '';
    }
  };
  const refresh = () => {
    const s = apply(rows);
    fill(list, s, lines);
    count.textContent = `显示 ${s.length} 户 · 右侧为人均纯收入（元）`;
    saveUI();
  };
  count.textContent = `显示 ${shown.length} 户 · 右侧为人均纯收入（元）`;
  view.querySelector('.tools').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.v !== undefined) {
      ui.village = b.dataset.v === '' ? null : +b.dataset.v;
      saveUI();
      renderList(view, { villageNames });
      return;
    }
    if (b.dataset.f) {
      ui.filter = b.dataset.f;
      for (const x of view.querySelectorAll('[data-f]')) x.setAttribute('aria-pressed', String(x === b));
      refresh();
    }
  });
  let t;
  view.querySelector('#q').addEventListener('input', (e) => { ui.q = e.target.value; clearTimeout(t); t = setTimeout(refresh, 120); });
  view.querySelector('#line').addEventListener('change', (e) => { ui.line = e.target.value; refresh(); });
  const pickCampaign = view.querySelector('#campaign');
  if (pickCampaign) {
    pickCampaign.addEventListener('change', (e) => {
      ui.chosenCampaign = +e.target.value; ui.line = ''; saveUI(); renderList(view, { villageNames });
    });
  }
  requestAnimationFrame(() => setTimeout(counts, 0)); // after the first paint
}
