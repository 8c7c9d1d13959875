// HTTP to the Ruhu API. No UI here: callers get data or a typed error.
import { getKV, setKV } from './db.js';

export class NetworkError extends Error {
  constructor(message) { super(message || '网络不可用'); this.name = 'NetworkError'; }
}
export class HttpError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = e.code;
    this.fields = e.fields || {};
  }
}
export class AuthError extends Error {
  constructor() { super('登录已过期，请重新登录'); this.name = 'AuthError'; }
}

async function raw(method, path, { body, token, headers = {}, rawBody, timeout = 30000 } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (rawBody !== undefined) payload = rawBody;
  else if (body !== undefined) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: payload, signal: ctl.signal, cache: 'no-store' });
  } catch (e) {
    throw new NetworkError(e && e.name === 'AbortError' ? '请求超时' : '网络不可用');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) { try { data = await res.json(); } catch { data = null; } }
  return { status: res.status, data, headers: res.headers };
}

let refreshing = null;
const listeners = new Set();
/** Called with 'expired' when the refresh token no longer works (local data stays). */
export function onAuthChange(fn) { listeners.add(fn); }
function emit(state) { for (const fn of listeners) fn(state); }

async function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const rt = await getKV('refresh_token');
      if (!rt) throw new AuthError();
      const r = await raw('POST', '/api/auth/refresh', { token: rt });
      if (r.status === 200 && r.data && r.data.access_token) {
        // The refresh token is used up by this refresh: keep the new one (the server revokes the
        // whole sign-in if the old one is ever sent again).
        if (r.data.refresh_token) await setKV('refresh_token', r.data.refresh_token);
        await setKV('access_token', r.data.access_token);
        return r.data.access_token;
      }
      if (r.status >= 500) throw new HttpError(r.status, r.data);
      await setKV('session_expired', true);
      emit('expired');
      throw new AuthError();
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** An authenticated call: refreshes the access token once on 401. */
export async function call(method, path, opts = {}) {
  if (await getKV('session_expired')) throw new AuthError();
  let token = await getKV('access_token');
  if (!token) token = await refresh();
  let r = await raw(method, path, { ...opts, token });
  if (r.status === 401) {
    token = await refresh();
    r = await raw(method, path, { ...opts, token });
    if (r.status === 401) { await setKV('session_expired', true); emit('expired'); throw new AuthError(); }
  }
  if (r.status >= 400 && r.status !== 304) throw new HttpError(r.status, r.data);
  return r;
}

export const getJSON = async (path, opts) => (await call('GET', path, opts)).data;
export const postJSON = async (path, body) => (await call('POST', path, { body })).data;

/** Log in; `device` is `{ device_id, device_label }`, so this phone can be revoked alone. */
export async function login(username, password, device = {}) {
  const r = await raw('POST', '/api/auth/login', { body: { username, password, ...device } });
  if (r.status !== 200) throw new HttpError(r.status, r.data);
  return r.data;
}

/**
 * End a sign-in on the server. True when it is ended (a refused token is ended already); false
 * when the server could not be reached or failed, so the caller can try again later.
 */
export async function logout(refreshToken) {
  try {
    const r = await raw('POST', '/api/auth/logout', { token: refreshToken, timeout: 5000 });
    return r.status < 500;
  } catch {
    return false;
  }
}
