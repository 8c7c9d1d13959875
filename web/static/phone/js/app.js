// The app: a hash router over the screens, the sync badge, the session and the service worker.
// This module and what it imports statically are all the login screen needs, and the page
// preloads them at once (server/webapp.py reads the imports); everything else, even the code
// that talks to the server, is imported on demand, and fetched in the background once the first
// screen is drawn (warmModules), so on a slow link no screen waits for a chain of imports.
import * as db from './db.js';
import * as session from './session.js';
import { html, workerURL } from '../../shared/html.js';

// What the first screen does not need, in the order a first use needs it.
const load = {
  api: () => import('./api.js'),
  auth: () => import('./auth.js'),
  sync: () => import('./sync.js'),
  setup: () => import('./setup.js'),
  records: () => import('./records.js'),
  list: () => import('./list.js'),
  form: () => import('./form.js'),
  table: () => import('./table.js'),
  newHousehold: () => import('./newhousehold.js'),
};
// Loaded screens whose state the router asks about (open questionnaire, stale list).
let formScreen = null;
let listScreen = null;
const isEditing = () => !!(formScreen && formScreen.isEditing());

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

// ---- the server: api.js, told once to say when the session expires, before any request ------
/** `load()` once; a load that failed (no signal before the module came) is tried again. */
function once(load) {
  let loading = null;
  return () => {
    if (!loading) {
      loading = load();
      loading.catch(() => { loading = null; });
    }
    return loading;
  };
}
const useApi = once(() => load.api().then((api) => {
  api.onAuthChange((state) => {
    if (state === 'expired') {
      showBanner(html`登录已过期，本机数据都已保留。<button class="btn btn-small btn-ghost">重新登录</button>`, () => { banner.hidden = true; location.hash = '#/login'; }, 'err');
    }
  });
  return api;
}));
const useAuth = () => useApi().then(load.auth);

// ---- sync: loaded with the first screen that needs it, then wired to the badge once ----------
let sync = null;
const useSync = once(() => useApi().then(load.sync).then((m) => {
  sync = m;
  window.ruhu.sync = m;
  m.events.addEventListener('status', (e) => {
    paintBadge(e.detail);
    // After a sync, redraw the list if households changed, but never under a surveyor's typing.
    const typing = document.activeElement && document.activeElement.matches('input, select, textarea');
    if (e.detail.state === 'idle' && !isEditing() && /^#\/(list)?$|^$/.test(location.hash)
        && listScreen && listScreen.listIsStale() && !typing) route();
  });
  return m;
}));
badge.addEventListener('click', async () => {
  const s = (await useSync()).getStatus();
  toast([
    s.pending ? `${s.pending} 条修改等待同步。` : '没有待同步的修改。',
    s.rejected ? `${s.rejected} 户的修改服务器未接受，请在列表中点“待修改”查看原因并改正。` : '',
    s.conflicts ? `${s.conflicts} 户与他人的修改有冲突，已交审核员处理，可在列表中点“有冲突”查看。` : '',
    s.lastSync ? `上次同步：${hhmm(s.lastSync)}。` : '',
    s.error ? `错误：${s.error}` : '',
  ].join(''));
});
document.getElementById('sync-now').addEventListener('click', async () => {
  const m = await useSync();
  m.resetBackoff();
  const s = await m.syncNow();
  if (s.state === 'offline') toast('现在没有网络，修改已保存在本机，有网络时会自动同步');
});
// Before anyone logs in there is nothing to sync: these wait for the sync to be loaded.
const retryLogouts = () => useAuth().then((auth) => auth.retryLogouts()).catch(() => {});
addEventListener('online', () => { if (sync) { sync.resetBackoff(); sync.syncNow(); } retryLogouts(); });
addEventListener('offline', () => { if (sync) sync.markOffline(); });
document.addEventListener('visibilitychange', () => { if (sync && document.visibilityState === 'visible') sync.syncNow(); });

const keepData = () => load.setup().then((m) => m.requestPersistence(showBanner)).catch(() => {});

// ---- screens ------------------------------------------------------------------------------
async function loginScreen() {
  const user = await session.currentUser();
  const expired = await session.isExpired();
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
    let api = null;
    try {
      api = await useApi();
      const auth = await useAuth();
      await auth.login(e.target.username.value.trim(), e.target.password.value);
      document.body.classList.remove('anon');
      banner.hidden = true;
      keepData();
      location.hash = (await db.getKV('villages')) ? '#/list' : '#/download';
      useSync().then((m) => m.syncNow()).catch(() => {});
    } catch (err) {
      // No api.js yet: its module could not be fetched, there is no signal.
      m.textContent = !api || err instanceof api.NetworkError ? '没有网络，无法登录。首次登录需要网络。'
        : err instanceof api.HttpError && err.status === 401 ? '用户名或密码不正确' : err.message;
    }
  });
}

// ---- router -------------------------------------------------------------------------------
let wantUpdate = false;
let lastScreen = null;
let hasVillages = false;
async function route() {
  const hash = location.hash || '#/list';
  const screen = hash.split('?')[0];
  if (screen !== lastScreen) { scrollTo(0, 0); lastScreen = screen; }
  if (!hash.startsWith('#/h/') && isEditing()) formScreen.closeForm();
  if (wantUpdate && !hash.startsWith('#/h/')) { wantUpdate = false; applyUpdate(); }
  const user = await session.currentUser();
  document.body.classList.toggle('anon', !user);
  if (!user && hash !== '#/login') { location.replace('#/login'); return; }
  if (user) useApi(); // its expiry banner is wired before any screen below sends a request
  const [, name, arg] = hash.match(/^#\/([^/?]*)\/?([^?]*)/) || [];
  const query = new URLSearchParams(hash.split('?')[1] || '');
  if (name === 'login') return loginScreen();
  if (name === 'download') return (await load.setup()).downloadScreen(view);
  if (name === 'settings') return (await load.setup()).settingsScreen(view, { toast });
  if (!hasVillages) hasVillages = !!(await db.getKV('villages'));
  if (!hasVillages) { location.replace('#/download'); return; }
  registerWorker();
  await (await load.records()).loadCampaigns();
  if (name === 'h') {
    formScreen = await load.form();
    return formScreen.openForm(view, decodeURIComponent(arg), { toast });
  }
  if (name === 'table') return (await load.table()).renderTable(view, +arg, { toast });
  if (name === 'new') return (await load.newHousehold()).newHousehold(+query.get('village'), { toast });
  const [list, setup] = await Promise.all([load.list(), load.setup()]);
  listScreen = list;
  return list.renderList(view, { toast, villageNames: setup.villageNames });
}
addEventListener('hashchange', route);

/**
 * Fetch the modules of the other screens while the first one is shown, a few at a time so that
 * a login or a download is not queued behind them (a browser opens six connections to a server),
 * in the order the page names them (server/webapp.py: the order the code asks for them).
 */
function warmModules(atOnce = 3) {
  const meta = document.querySelector('meta[name="later-modules"]');
  const urls = meta ? meta.content.split(' ').filter(Boolean) : [];
  const next = () => {
    const url = urls.shift();
    if (!url) return;
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = url;
    link.addEventListener('load', next);
    link.addEventListener('error', next);
    document.head.append(link);
  };
  for (let i = 0; i < atOnce; i += 1) next();
}

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
let registered = false;
/**
 * Install the worker once the phone holds villages to work on offline: on a first use, after
 * the download, so that its precache (every file of the shell) never queues the login or the
 * download behind it on a slow link; afterwards, at every start.
 */
function registerWorker() {
  if (registered || !('serviceWorker' in navigator)) return;
  registered = true;
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

window.ruhu = { db };

(async function start() {
  await db.open();
  await route();
  requestAnimationFrame(() => setTimeout(warmModules, 0)); // after the first screen is painted
  if (await session.currentUser()) { keepData(); (await useSync()).start(); }
  retryLogouts();
})();
