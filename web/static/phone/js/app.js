// The app: a hash router over the screens, the sync badge, the session and the service worker.
import * as db from './db.js';
import * as auth from './auth.js';
import * as api from './api.js';
import * as sync from './sync.js';
import { loadCampaigns } from './records.js';
import { renderList, listIsStale } from './list.js';
import { openForm, isEditing, closeForm } from './form.js';
import { renderTable } from './table.js';
import { createHousehold } from './outbox.js';
import { emptyDocument } from './records.js';
import { html, workerURL } from '../../shared/html.js';
import { ROLE_LABELS } from '../../shared/labels.js';

const view = document.getElementById('view');
const banner = document.getElementById('banner');
const badge = document.getElementById('sync-badge');

let bannerAction = null;
/** `content` is made by html`...`. */
function showBanner(content, action, kind = '') {
  banner.innerHTML = content;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
  bannerAction = action;
}
banner.addEventListener('click', (e) => {
  if (e.target.closest('[data-close]')) { banner.hidden = true; return; }
  if (bannerAction) bannerAction(e);
});

export function toast(text) {
  showBanner(html`${text} <button class="btn btn-small btn-ghost" data-close>知道了</button>`, null, 'info');
  clearTimeout(toast.t);
  toast.t = setTimeout(() => { if (!bannerAction) banner.hidden = true; }, 5000);
}

const hhmm = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  const t = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return d.toDateString() === new Date().toDateString() ? t : `${d.getMonth() + 1}/${d.getDate()} ${t}`;
};

function paintBadge(s) {
  let text, cls;
  if (s.state === 'syncing') { text = `同步中…${s.pending ? ` 待${s.pending}` : ''}`; cls = 'wait'; }
  else if (s.state === 'auth') { text = `需要登录 · 待同步 ${s.pending}`; cls = 'err'; }
  else if (s.state === 'error') { text = `同步出错 · 待 ${s.pending}`; cls = 'err'; }
  else if (s.state === 'offline') { text = s.pending ? `离线 · 待同步 ${s.pending}` : '离线'; cls = s.pending ? 'wait' : ''; }
  else if (s.pending) { text = `待同步 ${s.pending}`; cls = 'wait'; }
  else { text = s.lastSync ? `已同步 ${hhmm(s.lastSync)}` : '未同步'; cls = 'ok'; }
  const more = [];
  if (s.state !== 'syncing' && (s.rejected || s.conflicts)) {
    if (s.rejected) more.push(` · ${s.rejected}户待改`);
    if (s.conflicts) more.push(` · ${s.conflicts}户冲突`);
    cls = 'err';
  }
  // Pieces that never break inside: on a narrow phone the badge wraps between them.
  badge.innerHTML = html`<span>${text}</span>${more.map((m) => html`<span>${m}</span>`)}`;
  badge.className = `badge ${cls}`;
  badge.dataset.pending = String(s.pending);
  badge.dataset.state = s.state;
  badge.title = `${s.lastSync ? `上次同步 ${hhmm(s.lastSync)}` : '尚未同步'}${s.error ? `；${s.error}` : ''}`;
}
sync.events.addEventListener('status', (e) => {
  paintBadge(e.detail);
  // After a sync, redraw the list if households changed, but never under a surveyor's typing.
  const typing = document.activeElement && document.activeElement.matches('input, select, textarea');
  if (e.detail.state === 'idle' && !isEditing() && /^#\/(list)?$|^$/.test(location.hash)
      && listIsStale() && !typing) route();
});
badge.addEventListener('click', () => {
  const s = sync.getStatus();
  toast([
    s.pending ? `${s.pending} 条修改等待同步。` : '没有待同步的修改。',
    s.rejected ? `${s.rejected} 户的修改服务器未接受，请在列表中点“待修改”查看原因并改正。` : '',
    s.conflicts ? `${s.conflicts} 户与他人的修改有冲突，已交审核员处理，可在列表中点“有冲突”查看。` : '',
    s.lastSync ? `上次同步：${hhmm(s.lastSync)}。` : '',
    s.error ? `错误：${s.error}` : '',
  ].join(''));
});
document.getElementById('sync-now').addEventListener('click', async () => {
  sync.resetBackoff();
  const s = await sync.syncNow();
  if (s.state === 'offline') toast('现在没有网络，修改已保存在本机，有网络时会自动同步');
});
addEventListener('online', () => { sync.resetBackoff(); sync.syncNow(); auth.retryLogouts().catch(() => {}); });
addEventListener('offline', () => sync.markOffline());
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') sync.syncNow(); });

api.onAuthChange((state) => {
  if (state === 'expired') {
    showBanner(html`登录已过期，本机数据都已保留。<button class="btn btn-small btn-ghost">重新登录</button>`, () => { banner.hidden = true; location.hash = '#/login'; }, 'err');
  }
});

// ---- screens ------------------------------------------------------------------------------
async function loginScreen() {
  const user = await auth.currentUser();
  const expired = await auth.isExpired();
  view.innerHTML = html`<h1>登录入户通</h1>
    ${user && expired ? html`<p class="note">登录已过期。本机的草稿和待同步记录都已保留，登录后会继续同步。</p>` : ''}
    <form id="login" class="card" autocomplete="on">
      <div class="field"><label class="f" for="u">用户名</label><input id="u" name="username" autocomplete="username" autocapitalize="none" required value="${user ? user.username : ''}"></div>
      <div class="field"><label class="f" for="p">密码</label><input id="p" name="password" type="password" autocomplete="current-password" required></div>
      <p class="msg" id="login-msg" role="alert"></p>
      <button class="btn btn-block" type="submit">登录</button>
    </form><p class="muted">登录一次后，没有网络也可以连续工作多天。</p>`;
  view.querySelector('#login').addEventListener('submit', async (e) => {
    e.preventDefault();
    const m = view.querySelector('#login-msg');
    m.textContent = '正在登录…';
    try {
      await auth.login(e.target.username.value.trim(), e.target.password.value);
      document.body.classList.remove('anon');
      banner.hidden = true;
      requestPersistence();
      location.hash = (await db.getKV('villages')) ? '#/list' : '#/download';
      sync.syncNow();
    } catch (err) {
      m.textContent = err instanceof api.NetworkError ? '没有网络，无法登录。首次登录需要网络。'
        : err instanceof api.HttpError && err.status === 401 ? '用户名或密码不正确' : err.message;
    }
  });
}

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

async function downloadScreen() {
  view.innerHTML = html`<h1>下载我的村</h1><p class="muted">正在读取负责的村…</p>`;
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
      downloadScreen();
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

async function settingsScreen() {
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

/**
 * The next free 户编号 of a village: its numbers are the village's code and a sequence, so the
 * highest one on the phone plus one, as wide ("…0016" -> "…0017"); "" when it has none.
 */
async function nextHouseholdNo(villageId) {
  const nos = (await db.getAll('rows')).filter((r) => r.village_id === villageId)
    .map((r) => r.meta.no).filter((no) => /^\d+$/.test(no));
  if (!nos.length) return '';
  const top = nos.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
  return String(BigInt(top) + 1n).padStart(top.length, '0');
}

async function newHousehold(villageId) {
  const user = await auth.currentUser();
  // A family found at the door belongs to the current campaign: the latest one still open.
  const campaigns = [...(await loadCampaigns()).values()].sort((a, b) => b.year - a.year || b.id - a.id);
  const c = campaigns.find((x) => x.active) || campaigns[0];
  if (!c) { toast('请先下载调查轮次'); location.hash = '#/list'; return; }
  const doc = emptyDocument();
  doc.household.household_no = await nextHouseholdNo(villageId);
  doc.members.push({ id: auth.uuid(), relation: '户主' });
  doc.signoff.surveyor = user ? user.name || user.username : '';
  const h = await createHousehold({ villageId, campaignId: c.id, doc });
  location.replace(`#/h/${h.id}`);
}

// ---- router -------------------------------------------------------------------------------
let wantUpdate = false;
let lastScreen = null;
let hasVillages = false;
async function route() {
  const hash = location.hash || '#/list';
  const screen = hash.split('?')[0];
  if (screen !== lastScreen) { scrollTo(0, 0); lastScreen = screen; }
  if (!hash.startsWith('#/h/') && isEditing()) closeForm();
  if (wantUpdate && !hash.startsWith('#/h/')) { wantUpdate = false; applyUpdate(); }
  const user = await auth.currentUser();
  document.body.classList.toggle('anon', !user);
  if (!user && hash !== '#/login') { location.replace('#/login'); return; }
  const [, name, arg] = hash.match(/^#\/([^/?]*)\/?([^?]*)/) || [];
  const query = new URLSearchParams(hash.split('?')[1] || '');
  if (name === 'login') return loginScreen();
  if (name === 'download') return downloadScreen();
  if (name === 'settings') return settingsScreen();
  if (!hasVillages) hasVillages = !!(await db.getKV('villages'));
  if (!hasVillages) { location.replace('#/download'); return; }
  await loadCampaigns();
  if (name === 'h') return openForm(view, decodeURIComponent(arg), { toast });
  if (name === 'table') return renderTable(view, +arg, { toast });
  if (name === 'new') return newHousehold(+query.get('village'));
  return renderList(view, { toast, villageNames });
}
addEventListener('hashchange', route);

// ---- service worker: install, and a new version offered with a prompt -----------------------
let updateRequested = false;
/**
 * Tell the waiting worker to take over; `controllerchange` then reloads the page once. The
 * message is repeated for a while: a worker that is just starting up may miss it. Chromium can
 * also park a worker in "waiting" when a page request lands while it activates; if it still waits
 * after the last try, reload anyway: leaving the page lets the worker, told to skip waiting, take
 * over (one extra reload instead of an update that never comes).
 */
async function applyUpdate(tries = 4) {
  const reg = await navigator.serviceWorker.getRegistration();
  if (!reg || !reg.waiting) return;
  reg.waiting.postMessage({ type: 'SKIP_WAITING' });
  if (tries > 1) setTimeout(() => applyUpdate(tries - 1), 1000);
  else if (!isEditing()) location.reload();
}
function offerUpdate() {
  showBanner(html`有新版本，点击更新`, () => {
    updateRequested = true;
    if (isEditing()) {
      wantUpdate = true;
      showBanner(html`正在填写问卷：回到列表后自动更新（已填内容都已保存）`, null, 'info');
    } else applyUpdate();
  });
}
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(workerURL(), { scope: '/' }).then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate();
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      if (!w) return;
      w.addEventListener('statechange', () => {
        if (w.state === 'installed' && navigator.serviceWorker.controller) offerUpdate();
      });
    });
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
  }).catch(() => {});
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updateRequested && !isEditing()) location.reload();
  });
}

const KEEP_ADVICE = '手机空间不足时，浏览器可能清理本机保存的调查数据。请把入户通“添加到主屏幕”'
  + '（浏览器菜单里），以后从桌面图标打开；并且有网络时及时同步。';
const installed = () => matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

/**
 * Ask the browser to keep the data. Only when it may still clear them (not granted, and the app
 * not opened from the home screen) is the surveyor told, once, in their words, what to do.
 */
async function requestPersistence() {
  if (!navigator.storage || !navigator.storage.persist) return;
  if (await navigator.storage.persisted()) return;
  const ok = await navigator.storage.persist();
  await db.setKV('persist_refused', !ok);
  if (!ok && !installed() && !(await db.getKV('persist_warned'))) {
    await db.setKV('persist_warned', true);
    showBanner(html`<span id="keep-advice">${KEEP_ADVICE}</span> <button class="btn btn-small btn-ghost" data-close>知道了</button>`, null, 'info');
  }
}

(async function start() {
  await db.open();
  await route();
  if (await auth.currentUser()) { requestPersistence(); sync.start(); }
  auth.retryLogouts().catch(() => {});
})();

window.ruhu = { sync, db };
