// The session: log in once, work for days. Tokens live in IndexedDB; losing the session never
// touches households, drafts or the outbox.
import * as api from './api.js';
import { getKV, setKV, del, wipe, count } from './db.js';

let user;
/** The logged-in user (kept in memory; IndexedDB holds it across restarts). */
export async function currentUser() {
  if (user === undefined) user = (await getKV('user')) || null;
  return user;
}

export async function isExpired() { return !!(await getKV('session_expired')); }

export async function login(username, password) {
  const prev = await getKV('user');
  const pending = await count('outbox');
  if (prev && prev.username !== username && pending > 0) {
    throw new Error(`本机还有 ${prev.name || prev.username} 未同步的 ${pending} 条记录，请先用该账号登录同步`);
  }
  const data = await api.login(username, password);
  if (prev && prev.username !== username) { await wipe(); user = undefined; }
  await setKV('access_token', data.access_token);
  await setKV('refresh_token', data.refresh_token);
  await setKV('user', data.user);
  user = data.user;
  await setKV('session_expired', false);
  if (!(await getKV('device_id'))) await setKV('device_id', uuid());
  return data.user;
}

/** Log out: forget tokens only (data and outbox stay for the next login). */
export async function logout() {
  const rt = await getKV('refresh_token');
  if (rt) await api.logout(rt);
  await del('kv', 'access_token');
  await del('kv', 'refresh_token');
  await setKV('session_expired', true);
}

/** Log out and clear this phone. Refuses with unsynced work unless `force`. */
export async function logoutAndClear(force = false) {
  const pending = await count('outbox');
  if (pending > 0 && !force) return { refused: true, pending };
  const rt = await getKV('refresh_token');
  if (rt) await api.logout(rt);
  await wipe();
  user = null;
  return { refused: false };
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
