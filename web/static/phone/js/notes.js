// What others said about a household, shown where it belongs: a returned record's reason and the
// reviewer's comments on single fields (keyed by change path, see paths.js), and the conflicts of
// the household (both values, whose phone, and what the reviewer decided). Everything comes from
// the stored record, so it reads the same without signal. No DOM writes but refreshDone().
import { html } from '../../shared/html.js';
import { equal, valueAt } from './paths.js';

/**
 * The notes of a record `h` as the phone `deviceId` sees them. A comment shows only while the
 * record is returned: once resubmitted the reviewer still has it, the surveyor's work is done.
 * A decided conflict shows until the surveyor has read it ("知道了": h.decisions_seen).
 */
export function notesOf(h, deviceId) {
  const returned = h.review_state === 'returned';
  const comments = returned
    ? Object.entries(h.review_comments || {}).filter(([, t]) => t).map(([path, text]) => ({ path, text: String(text) }))
    : [];
  const seen = new Set(h.decisions_seen || []);
  const conflicts = (h.conflicts || []).map((c) => ({
    ...c, open: !c.resolved_at, mine: c.device_id ? c.device_id === deviceId : !!c.mine,
  })).filter((c) => c.open || !seen.has(c.id));
  return { h, returned, comments, conflicts };
}

/** Whether the surveyor changed a commented answer since the comment came. */
export function changedSince(h, path, doc) {
  const base = h.comment_base || {};
  return Object.prototype.hasOwnProperty.call(base, path) && !equal(valueAt(doc, path), base[path]);
}

const within = (path, prefix) => path === prefix || path.startsWith(`${prefix}.`);

/** Tags for a section's or a row's heading: comments still to act on, conflicts still open. */
export function marks(N, prefix) {
  const c = N.comments.filter((x) => within(x.path, prefix)).length;
  const k = N.conflicts.filter((x) => x.open && within(x.path, prefix)).length;
  const d = N.conflicts.filter((x) => !x.open && within(x.path, prefix)).length;
  return html`${c ? html`<span class="tag returned" data-mark="comment">意见 ${c}</span>` : ''}${k ? html`<span class="tag conflict" data-mark="conflict">冲突 ${k}</span>` : ''}${d ? html`<span class="tag ok">冲突已处理</span>` : ''}`;
}

function commentHTML(c) {
  return html`<div class="rc" data-rc="${c.path}"><b>审核意见：</b>${c.text}<span class="tag ok" data-rc-done="${c.path}" hidden>已修改</span></div>`;
}

/** Who made the other value of a conflict, in the surveyor's words. */
function whose(c) {
  return c.mine ? '本机' : `${c.device_user_name || '他人'}的手机`;
}

/** One conflict in words; `ctx.show(path, value)` writes a value, `ctx.current(path)` the value in force. */
function conflictText(c, ctx) {
  if (c.open) {
    const now = ctx.show(c.path, ctx.current(c.path));
    return html`${whose(c)}填的“<b>${ctx.show(c.path, c.device)}</b>”未采用，现在是“<b>${now}</b>”${c.mine ? '（他人的修改）' : ''}，等待审核员决定`;
  }
  const r = c.resolution || {};
  const value = html`“<b>${ctx.show(c.path, r.value)}</b>”`;
  if (r.choice === 'device') return html`审核员已采用：${whose(c)}的值${value}`;
  if (r.choice === 'value') return html`审核员已改为${value}`;
  return html`审核员已采用：原有的值${value}${c.mine ? '（本机的值未采用）' : ''}`;
}

function conflictHTML(c, ctx) {
  return html`<div class="cf${c.open ? '' : ' done'}" data-cf="${c.path}"><b>${c.open ? '冲突：' : '冲突已处理：'}</b>${conflictText(c, ctx)}</div>`;
}

/** The notes that sit at `path` exactly: a field, a row (section.<id>) or a section. */
export function notesAt(N, path, ctx) {
  return html`${N.comments.filter((c) => c.path === path).map(commentHTML)}${N.conflicts.filter((c) => c.path === path).map((c) => conflictHTML(c, ctx))}`;
}

/** The top of the questionnaire: the reason, every comment and conflict with a link to its field. */
export function headerNotes(N, ctx) {
  const h = N.h;
  const out = [];
  const jump = (path, body) => html`<li><button type="button" class="goto" data-goto="${path}">${ctx.label(path)}</button>：${body}</li>`;
  if (N.returned) {
    const list = N.comments.map((c) => jump(c.path, html`${c.text} <span class="tag ok" data-rc-done="${c.path}" hidden>已修改</span>`));
    out.push(html`<div class="note err" id="returned"><b>退回原因：</b>${h.review_note || '已退回，请修改后重新提交'}
      ${list.length ? html`<div class="sub">审核员对 ${list.length} 处提了意见（已在对应的题目旁标出）：</div><ul class="jump">${list}</ul>` : ''}
      <div class="sub">改好后点“提交审核”。</div></div>`);
  } else if (h.review_note && h.review_state === 'submitted') {
    out.push(html`<div class="note info" id="resubmitted">已重新提交，等待审核。上次退回原因：${h.review_note}</div>`);
  }
  const open = N.conflicts.filter((c) => c.open);
  if (open.length) {
    out.push(html`<div class="note err" id="conflicts"><b>与他人的修改有冲突（${open.length} 处）</b>，已交审核员处理：<ul class="jump">${open.map((c) => jump(c.path, conflictText(c, ctx)))}</ul></div>`);
  } else if (h.conflict_open) {
    out.push(html`<div class="note err" id="conflicts"><b>与他人的修改有冲突</b>，已交审核员处理。联网同步后可看到是哪些题目。</div>`);
  }
  const decided = N.conflicts.filter((c) => !c.open);
  if (decided.length) {
    out.push(html`<div class="note ok" id="decisions"><b>审核员已处理冲突：</b><ul class="jump">${decided.map((c) => jump(c.path, conflictText(c, ctx)))}</ul>
      <button type="button" class="btn btn-ghost" data-seen="${decided.map((c) => c.id).join(',')}">知道了</button></div>`);
  }
  return html`${out}`;
}

/** Mark the comments whose answer the surveyor has changed ("已修改"), as they type. */
export function refreshDone(N, doc, root) {
  for (const el of root.querySelectorAll('[data-rc-done]')) el.hidden = !changedSince(N.h, el.dataset.rcDone, doc);
  for (const el of root.querySelectorAll('.rc[data-rc]')) el.classList.toggle('done', changedSince(N.h, el.dataset.rc, doc));
}
