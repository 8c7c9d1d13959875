// Setting up the phone: choosing and downloading the villages, the settings screen, and keeping
// the data (persistent storage, said in the surveyor's words).
import * as db from './db.js';
import * as auth from './auth.js';
import * as api from './api.js';
import * as sync from './sync.js';
import { html } from '../../shared/html.js';
import { ROLE_LABELS } from '../../shared/labels.js';

function villagesOf(areas, path = []) {
  const out = [];
  for (const a of areas || []) {
    if (a.level === 'village') out.push({ id: a.id, name: a.name, path: path.join(' ') });
    else out.push(...villagesOf(a.children, a.level === 'county' ? path : [...path, a.name]));
  }
  return out;
}
let names = null;
export async function villageNames() {
  if (names) return names;
  const m = new Map();
  for (const v of villagesOf((await db.getKV('areas')) || [])) m.set(v.id, v.name);
  if (m.size) names = m;
  return m;
}

export async function downloadScreen(view) {
  view.innerHTML = html`<h1>下载我的村</h1><p class="muted">正在读取负责的村…</p>`;
  // The questionnaire and the campaigns come with the villages, read meanwhile.
  sync.loadReference().catch(() => {});
  let areas;
  names = null;
  try { areas = await sync.fetchAreas(); } catch (e) {
    areas = await db.getKV('areas');
    if (!areas) { view.innerHTML = html`<h1>下载我的村</h1><p class="note err">${e instanceof api.AuthError ? '请先登录' : '需要网络才能下载。'}</p><a class="btn" href="#/list">返回</a>`; return; }
  }
  const chosen = (await db.getKV('villages')) || null;
  const vs = villagesOf(areas);
  const me = await auth.currentUser();
  if (!vs.length) {
    view.innerHTML = html`<h1>下载我的村</h1><p class="note" id="no-villages">${me && me.role === 'admin'
      ? '管理员账号用于管理账号和设备，不下载住户。请在电脑上打开工作台。'
      : '您的账号还没有分配负责的村，请联系管理员。'}</p>
      ${me && me.role === 'admin' ? html`<a class="btn btn-block" id="to-desk" href="/desk/">打开工作台</a>` : ''}
      <a class="btn btn-ghost" href="#/settings">设置</a>`;
    return;
  }
  // Review, returns, conflicts and tables are the desk's work: a township or county account is
  // offered it first, and downloads to the phone only villages it picks itself.
  const office = me && (me.role === 'reviewer' || me.role === 'county');
  if (office && !chosen && !(await db.getKV('office_on_phone'))) {
    view.innerHTML = html`<h1>${ROLE_LABELS[me.role]}</h1>
      <div class="card" id="offer-desk"><p>审核、退回、冲突处理和统计报表请在电脑上的<b>工作台</b>完成，不必把整个${me.role === 'county' ? '县' : '乡镇'}的住户下载到手机。</p>
      <a class="btn btn-block" id="to-desk" href="/desk/">打开工作台</a>
      <button class="btn btn-ghost btn-block" id="stay-phone" type="button">仍在手机上入户调查</button></div>`;
    view.querySelector('#stay-phone').addEventListener('click', async () => {
      await db.setKV('office_on_phone', true);
      downloadScreen(view);
    });
    return;
  }
  view.innerHTML = html`<h1>下载我的村</h1><p>选择要下载到本机的村（默认全部），下载后没有网络也能工作。</p>
    <form id="dl" class="card">${vs.map((v) => html`<div class="chips"><label><input type="checkbox" name="v" value="${v.id}" ${chosen ? (chosen.includes(v.id) ? 'checked' : '') : (office ? '' : 'checked')}> ${v.path} ${v.name}</label></div>`)}
    <div class="progress spaced" role="progressbar" aria-label="下载进度"><div></div></div>
    <p id="dl-msg" aria-live="polite"></p>
    <button class="btn btn-block" type="submit">下载</button></form>`;
  const form = view.querySelector('#dl');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ids = [...form.querySelectorAll('input[name=v]:checked')].map((i) => +i.value);
    if (!ids.length) { form.querySelector('#dl-msg').textContent = '请至少选择一个村'; return; }
    const bar = form.querySelector('.progress > div');
    const msg = form.querySelector('#dl-msg');
    form.querySelector('button').disabled = true;
    try {
      await sync.download(ids, (p) => {
        if (p.phase === 'reference') { msg.textContent = '正在下载问卷和调查轮次…'; bar.style.width = '5%'; return; }
        const pct = p.total ? Math.min(100, 5 + Math.round((p.done / p.total) * 95)) : 50;
        bar.style.width = `${pct}%`;
        msg.textContent = `已下载 ${p.done}${p.total ? ` / ${p.total}` : ''} 户`;
      });
      bar.style.width = '100%';
      msg.textContent = '下载完成';
      location.hash = '#/list';
    } catch (err) {
      msg.textContent = err instanceof api.NetworkError ? '网络中断，请有网络时再试（已下载的数据已保存）' : `下载失败：${err.message}`;
      form.querySelector('button').disabled = false;
    }
  });
}

const KEEP_ADVICE = '手机空间不足时，浏览器可能清理本机保存的调查数据。请把入户通“添加到主屏幕”'
  + '（浏览器菜单里），以后从桌面图标打开；并且有网络时及时同步。';
const installed = () => matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

/**
 * Ask the browser to keep the data. Only when it may still clear them (not granted, and the app
 * not opened from the home screen) is the surveyor told, once, in their words, what to do.
 */
export async function requestPersistence(showBanner) {
  if (!navigator.storage || !navigator.storage.persist) return;
  if (await navigator.storage.persisted()) return;
  const ok = await navigator.storage.persist();
  await db.setKV('persist_refused', !ok);
  if (!ok && !installed() && !(await db.getKV('persist_warned'))) {
    await db.setKV('persist_warned', true);
    showBanner(html`<span id="keep-advice">${KEEP_ADVICE}</span> <button class="btn btn-small btn-ghost" data-close>知道了</button>`, null, 'info');
  }
}

export async function settingsScreen(view, { toast }) {
  const user = await auth.currentUser();
  const pending = await db.count('outbox');
  const persisted = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  let usage = '';
  if (navigator.storage && navigator.storage.estimate) {
    const e = await navigator.storage.estimate();
    usage = `已用 ${(e.usage / 1048576).toFixed(1)} MB`;
  }
  view.innerHTML = html`<h1>设置</h1>
    <div class="card"><p><b>${user ? user.name || user.username : '未登录'}</b> ${user ? user.username : ''} ${user ? ROLE_LABELS[user.role] || '' : ''}</p>
    <p>待同步：<b id="set-pending">${pending}</b> 条 · ${usage}</p>
    <p class="note ${persisted ? 'ok' : ''}" id="keep-note">${persisted ? '本机的调查数据会一直保留，不会被浏览器自动清理。' : KEEP_ADVICE}</p></div>
    <div class="row stack">
      <a class="btn btn-ghost" href="#/download">选择/更新下载的村</a>
      <button class="btn btn-ghost" id="logout" type="button">退出登录（保留本机数据）</button>
      <button class="btn btn-danger" id="wipe" type="button">退出并清除本机数据</button>
    </div><p id="set-msg" class="msg" role="alert"></p>`;
  const unconfirmed = '没有连上服务器，本机的登录将在联网后自动作废';
  view.querySelector('#logout').addEventListener('click', async (e) => {
    e.target.disabled = true;
    view.querySelector('#set-msg').textContent = '正在退出…';
    const r = await auth.logout();
    if (!r.ended) toast(`已在本机退出。${unconfirmed}。`);
    location.hash = '#/login';
  });
  view.querySelector('#wipe').addEventListener('click', async () => {
    const waiting = await db.count('outbox');
    if (waiting > 0) {
      if (!confirm(`还有 ${waiting} 条修改没有同步到服务器，清除后将永久丢失。仍要清除吗？`)) return;
      if (!confirm('再次确认：永久删除本机所有未同步的调查数据？')) return;
    } else if (!confirm('清除本机所有数据并退出？')) return;
    const r = await auth.logoutAndClear(true);
    if (!r.ended) alert(`本机数据已清除。${unconfirmed}。`);
    location.hash = '#/login';
    location.reload();
  });
}
