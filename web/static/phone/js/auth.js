// The session: log in once, work for days. Tokens live in IndexedDB; losing the session never
// touches households, drafts or the outbox.
import * as api from './api.js';
import { getKV, setKV, del, wipe, count } from './db.js';
import { rememberUser } from './session.js';

export { currentUser, isExpired } from './session.js';

/**
 * This install's id: made once, sent at login (so an administrator can revoke this phone alone)
 * and with every push. It outlives "log out and clear".
 */
export async function deviceId() {
  let id = await getKV('device_id');
  if (!id) { id = uuid(); await setKV('device_id', id); }
  return id;
}

/** What the administrator's device list shows for this phone, e.g. "Android · Chrome". */
export function deviceLabel(ua = (globalThis.navigator && navigator.userAgent) || '') {
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  const model = (ua.match(/Android [\d.]+; ([^;)]+)\)/) || [])[1];
  const browser = /MicroMessenger/.test(ua) ? '微信' : /EdgA?\//.test(ua) ? 'Edge'
    : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : '浏览器';
  return [os, model && model !== 'K' ? model : '', browser].filter(Boolean).join(' · ').slice(0, 120);
}

/** Keys of the kv store that belong to the phone, not to whoever is logged in. */
const KEEP = ['device_id', 'pending_logouts'];
async function wipeKeepingDevice() {
  const kept = await Promise.all(KEEP.map((k) => getKV(k)));
  await wipe();
  await Promise.all(KEEP.map((k, i) => (kept[i] === undefined ? null : setKV(k, kept[i]))));
}

export async function login(username, password) {
  const prev = await getKV('user');
  const pending = await count('outbox');
  if (prev && prev.username !== username && pending > 0) {
    throw new Error(`本机还有 ${prev.name || prev.username} 未同步的 ${pending} 条记录，请先用该账号登录同步`);
  }
  const data = await api.login(username, password, { device_id: await deviceId(), device_label: deviceLabel() });
  if (prev && prev.username !== username) { await wipeKeepingDevice(); rememberUser(undefined); }
  await setKV('access_token', data.access_token);
  await setKV('refresh_token', data.refresh_token);
  await setKV('user', data.user);
  rememberUser(data.user);
  await setKV('session_expired', false);
  retryLogouts().catch(() => {});
  return data.user;
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * End the sign-in on the server: tried a few times; if the server still cannot be reached, the
 * token is kept and sent again when the phone is back online (`retryLogouts`). Returns whether
 * the server has ended it.
 */
async function endOnServer(refreshToken) {
  for (const wait of [0, 1000, 3000]) {
    if (wait) { if (globalThis.navigator && navigator.onLine === false) break; await pause(wait); }
    if (await api.logout(refreshToken)) return true;
  }
  const queued = (await getKV('pending_logouts')) || [];
  await setKV('pending_logouts', [...queued, refreshToken]);
  return false;
}

/** Send the logouts the server has not confirmed yet (at start-up and when back online). */
export async function retryLogouts() {
  const queued = (await getKV('pending_logouts')) || [];
  if (!queued.length) return 0;
  const left = [];
  for (const token of queued) if (!(await api.logout(token))) left.push(token);
  const now = (await getKV('pending_logouts')) || [];
  await setKV('pending_logouts', [...left, ...now.filter((t) => !queued.includes(t))]);
  return left.length;
}

/**
 * Log out: forget tokens (data and outbox stay for the next login). Resolves to
 * `{ ended: false }` when the server could not be told; the caller says so to the user.
 */
export async function logout() {
  const rt = await getKV('refresh_token');
  await del('kv', 'access_token');
  await del('kv', 'refresh_token');
  await setKV('session_expired', true);
  return { ended: rt ? await endOnServer(rt) : true };
}

/** Log out and clear this phone. Refuses with unsynced work unless `force`. */
export async function logoutAndClear(force = false) {
  const pending = await count('outbox');
  if (pending > 0 && !force) return { refused: true, pending };
  const rt = await getKV('refresh_token');
  const ended = rt ? await endOnServer(rt) : true;
  await wipeKeepingDevice();
  rememberUser(null);
  return { refused: false, ended };
}

export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = new Uint8Array(16);
  if (globalThis.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
