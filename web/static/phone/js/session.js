// The session as this phone keeps it: who is logged in and whether the sign-in has expired. It
// only reads IndexedDB, so the first screen is drawn before the code that talks to the server has
// arrived (auth.js logs in and out through api.js, which marks an expired session).
import { getKV } from './db.js';

let user;
/** The logged-in user (kept in memory; IndexedDB holds it across restarts). */
export async function currentUser() {
  if (user === undefined) user = (await getKV('user')) || null;
  return user;
}

/** Who is logged in now; `undefined` reads IndexedDB again on the next call. */
export function rememberUser(value) { user = value; }

export async function isExpired() { return !!(await getKV('session_expired')); }
