// The one way the screens build HTML: html`<p>${value}</p>`. Every interpolated value is escaped
// unless `html` itself made it, so a name, a note, a row id or a server message from a document is
// always shown as text, and no call site has to remember to escape. Arrays (of html`` pieces or of
// values) are joined without a separator; null and undefined render as nothing.
//
// Where the browser has Trusted Types (Chromium), the page's CSP (server/security.py) lets
// innerHTML and insertAdjacentHTML take only what this module's policy made: a plain string given
// to them throws instead of becoming markup. Elsewhere a frozen SafeHtml wrapper plays the part.
// The same policy vouches for the one script URL handed to the browser at run time: the worker's.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeText = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

class SafeHtml {
  constructor(text) { this.text = text; Object.freeze(this); }
  toString() { return this.text; }
}

const types = globalThis.trustedTypes;
const WORKER = '/sw.js';
const policy = types && types.createPolicy ? types.createPolicy('ruhu', {
  createHTML: (s) => s,
  createScriptURL: (url) => { if (url !== WORKER) throw new TypeError(`not a script of this app: ${url}`); return url; },
}) : null;
const wrap = policy ? (text) => policy.createHTML(text) : (text) => new SafeHtml(text);
const isSafe = policy ? (v) => types.isHTML(v) : (v) => v instanceof SafeHtml;

function part(value) {
  if (value === null || value === undefined) return '';
  if (isSafe(value)) return value.toString();
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeText(value);
}

/** The template tag: markup from the literal, text from every value. */
export function html(strings, ...values) {
  if (!Array.isArray(strings) || !Array.isArray(strings.raw)) throw new TypeError('html is a template tag: html`...`');
  let out = strings[0];
  for (let i = 0; i < values.length; i += 1) out += part(values[i]) + strings[i + 1];
  return wrap(out);
}

/** The service worker's URL, in the form navigator.serviceWorker.register() accepts under the CSP. */
export const workerURL = () => (policy ? policy.createScriptURL(WORKER) : WORKER);
