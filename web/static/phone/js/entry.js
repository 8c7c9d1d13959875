// The income table on a phone: one household at a time, its income items one under another as
// labelled amounts. Enter (the keyboard's 下一项) goes to the next item and, after the last, to the
// next household; ‹ 上一户 / 下一户 › and the position ("3 / 42") stay in view with the household's
// per-capita net income and its lines in their own words, each message sits under its item, and
// the village's totals are a card below. The model (figures, messages, totals, saving) is
// table.js's, the same the grid uses.
import { yuan, linePhrase } from './income.js';
import { html } from '../../shared/html.js';
import { STATE_LABELS, LOCKED_STATES } from '../../shared/labels.js';

/** The household's lines in their own words, the ones it is on the side of marked. */
function flagsHTML(s, lines) {
  if (s.per_capita_net_income === null) return html`<span class="tag">没有计入家庭人口的成员，算不出人均纯收入</span>`;
  return lines.map((l) => {
    const on = !!s.lines[l.key];
    const kind = !on ? '' : l.purpose === 'exit' ? ' ok' : ' line';
    return html`<span class="tag${kind}" data-line="${l.key}" data-on="${String(on)}">${linePhrase(l, on)}</span>`;
  });
}

function fieldsHTML(T, rec, locked) {
  const inc = rec.doc.income || {};
  const out = [];
  let group = null;
  T.cols.forEach((c, i) => {
    if (c.group && c.group !== group) { group = c.group; out.push(html`<h3>${group}</h3>`); }
    const last = i === T.cols.length - 1 && T.at === T.recs.length - 1;
    out.push(html`<div class="field" data-p="${c.key}"><label class="f" for="e-${c.item}">${c.label} <span class="unit">（元）</span></label>
      <input id="e-${c.item}" name="${c.item}" inputmode="decimal" enterkeyhint="${last ? 'done' : 'next'}" autocomplete="off" value="${inc[c.item] ?? ''}"${locked ? html` disabled` : ''}>
      <div class="msg" role="status"></div></div>`);
  });
  return html`${out}`;
}

function totalsHTML(T) {
  const t = T.totals();
  return {
    summary: html`全村合计：<span data-households>${t.households}</span> 户 · <span data-people>${t.people}</span> 人 · 人均纯收入 <b data-village-pci>${t.pci === null ? '—' : yuan(t.pci)}</b> 元`,
    body: html`<div>户数</div><div>${t.households} 户</div><div>人口</div><div>${t.people} 人</div>
      ${T.cols.map((c, i) => html`<div>${c.label}</div><div data-total="${c.item}">${yuan(t.sums[i])}</div>`)}
      <div class="big">全村人均纯收入</div><div class="big">${t.pci === null ? '—' : yuan(t.pci)}</div>`,
  };
}

export function renderEntry(view, T, { toast }) {
  const { recs } = T;
  if (!recs.length) {
    view.innerHTML = html`<div data-table="entry"><h1>收入统计表</h1><p class="note">本机没有这个村的户。</p><a class="btn" href="#/list">返回列表</a></div>`;
    return;
  }
  view.innerHTML = html`<div data-table="entry" class="entry">
    <div class="entry-bar" id="ebar">
      <div class="entry-nav"><button type="button" class="btn btn-ghost" id="prev">‹ 上一户</button><span class="pos" id="pos" aria-live="polite"></span><button type="button" class="btn btn-ghost" id="next">下一户 ›</button></div>
      <div class="entry-who" id="who"></div>
      <div class="entry-figs" id="figs" aria-live="polite"></div>
    </div>
    <h1 class="entry-title">收入统计表 <span class="muted aside">金额单位：元，修改即时保存在本机</span></h1>
    <form class="card entry-form" id="eform" autocomplete="off" novalidate></form>
    <p class="msg" id="tmsg" aria-live="polite"></p>
    <details class="card totals" id="totals"><summary id="tsum"></summary><div class="verdict" id="tlist"></div></details>
    <div class="actions"><a class="btn btn-ghost" href="#/list">返回列表</a><button class="btn" id="tsubmit" type="button">提交修改</button></div>
  </div>`;
  const form = view.querySelector('#eform');
  const $ = (sel) => view.querySelector(sel);

  const paintFigures = (rec) => {
    const { s, bad } = T.figures(rec);
    $('#figs').innerHTML = html`<span class="nw">人口 <b data-size>${s.household_size}</b> 人</span> · <span class="nw">人均纯收入 <b data-pci>${s.per_capita_net_income === null ? '—' : yuan(s.per_capita_net_income)}</b> 元</span>
      ${bad ? html`<span class="tag rejected" data-uncounted>${bad} 项金额有误，未计入</span>` : ''}<div class="entry-flags">${flagsHTML(s, T.lines)}</div>`;
  };
  const paintMessages = (rec) => {
    const msgs = T.messages(rec);
    for (const el of form.querySelectorAll('.field')) {
      const ms = msgs.get(el.dataset.p) || [];
      const wrong = ms.some((m) => m.severity === 'error');
      const box = el.querySelector('.msg');
      box.className = `msg ${wrong ? 'error' : 'warning'}`;
      box.textContent = ms.map((m) => m.message).join('；');
      el.classList.toggle('bad', wrong);
      el.querySelector('input').setAttribute('aria-invalid', String(wrong));
    }
  };
  const paintTotals = () => {
    const t = totalsHTML(T);
    $('#tsum').innerHTML = t.summary;
    $('#tlist').innerHTML = t.body;
  };
  const paintCount = () => {
    const n = T.dirty();
    $('#tsubmit').textContent = n ? `提交修改（${n}户）` : '提交修改';
  };

  /** Show household `i` (0-based); `focus` puts the cursor in its first item. */
  const show = (i, focus) => {
    T.at = Math.min(Math.max(i, 0), recs.length - 1);
    const rec = recs[T.at];
    const { h } = rec;
    const locked = LOCKED_STATES.includes(h.review_state);
    history.replaceState(history.state, '', `#/table/${T.village}?at=${encodeURIComponent(h.id)}`);
    $('#pos').textContent = `${T.at + 1} / ${recs.length}`;
    $('#prev').disabled = T.at === 0;
    $('#next').disabled = T.at === recs.length - 1;
    $('#who').innerHTML = html`<b>${h.meta.head || '（未填户主）'}</b> <span class="muted">户号 ${h.meta.no || '—'}</span> <span class="muted nw">· ${STATE_LABELS[h.review_state] || ''}</span>${h.dirty ? html` <span class="tag draft">草稿</span>` : ''}`;
    form.innerHTML = html`${locked ? html`<p class="note ok" data-locked><b>只读：</b>这一户${STATE_LABELS[h.review_state]}，已锁定，不能修改。</p>` : ''}${fieldsHTML(T, rec, locked)}`;
    paintFigures(rec);
    paintMessages(rec);
    if (focus && !locked) {
      const first = form.querySelector('input');
      first.focus({ preventScroll: true });
      scrollTo(0, 0);
    }
  };

  form.addEventListener('input', async (e) => {
    const rec = recs[T.at];
    T.set(rec, e.target.name, e.target.value);
    paintFigures(rec);
    paintMessages(rec);
    paintTotals();
    const h = await T.save(rec);
    if (recs[T.at] === rec && h.dirty && !$('#who .tag.draft')) $('#who').insertAdjacentHTML('beforeend', html` <span class="tag draft">草稿</span>`);
    paintCount();
  });
  form.addEventListener('change', (e) => {
    const v = recs[T.at].doc.income && recs[T.at].doc.income[e.target.name];
    if (typeof v === 'string' && v !== e.target.value && /^\d+\.\d\d$/.test(v)) e.target.value = v; // "12000" shown as "12000.00"
  });
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !e.target.name) return;
    e.preventDefault();
    const inputs = [...form.querySelectorAll('input:not(:disabled)')];
    const next = inputs[inputs.indexOf(e.target) + 1];
    if (next) {
      next.focus({ preventScroll: true });
      next.closest('.field').scrollIntoView({ block: 'nearest' });
      next.select();
      return;
    }
    // After the last item: the next household that can still be typed in (approved ones are
    // locked), else the village's totals.
    const ahead = recs.findIndex((r, i) => i > T.at && !LOCKED_STATES.includes(r.h.review_state));
    if (ahead >= 0) show(ahead, true);
    else { e.target.blur(); $('#totals').open = true; $('#totals').scrollIntoView({ block: 'nearest' }); }
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  $('#prev').addEventListener('click', () => show(T.at - 1, false));
  $('#next').addEventListener('click', () => show(T.at + 1, false));
  $('#tsubmit').addEventListener('click', async () => {
    $('#tmsg').textContent = await T.submitAll(toast);
    paintCount();
    show(T.at, false);
  });
  show(T.at, false);
  paintTotals();
  paintCount();
}
