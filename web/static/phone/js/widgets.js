// Field widgets that need more than an <input>: the signature pad, the photo (shrunk on the
// phone) and GPS. Attachments are stored as blobs in IndexedDB and uploaded before the op.
import { put, get } from './db.js';
import { uuid } from './auth.js';
import { html } from '../../shared/html.js';

export async function storeAttachment(blob, type, householdId) {
  const id = uuid();
  await put('attachments', { id, blob, type, household_id: householdId, uploaded: false, created_at: new Date().toISOString() });
  return id;
}

/** An <img> URL for a stored attachment, or null when only the server has it. */
export async function attachmentURL(id) {
  if (!id) return null;
  const a = await get('attachments', id);
  return a ? URL.createObjectURL(a.blob) : null;
}

/** Turn a canvas into a signature pad; returns {clear, isEmpty, toBlob}. */
export function signaturePad(canvas) {
  const ctx = canvas.getContext('2d');
  let drawing = false, empty = true, last = null;
  const size = () => {
    const r = canvas.getBoundingClientRect();
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.round(r.width * dpr);
    canvas.height = Math.round(r.height * dpr);
    ctx.scale(dpr, dpr);
    ctx.lineWidth = 2.5; ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.strokeStyle = '#000';
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, r.width, r.height);
  };
  size();
  const pos = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener('pointerdown', (e) => { drawing = true; last = pos(e); canvas.setPointerCapture(e.pointerId); e.preventDefault(); });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = pos(e);
    ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
    last = p; empty = false;
  });
  const end = () => { drawing = false; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return {
    clear() { empty = true; size(); },
    isEmpty: () => empty,
    toBlob: () => new Promise((res) => canvas.toBlob(res, 'image/png')),
  };
}

/** A photo shrunk to at most `max` px on its long side, as JPEG (phones make 5–12 MB photos). */
export async function shrinkPhoto(file, max = 1280, quality = 0.8) {
  let bmp;
  try { bmp = await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { bmp = await createImageBitmap(file); }
  const k = Math.min(1, max / Math.max(bmp.width, bmp.height));
  const w = Math.round(bmp.width * k), h = Math.round(bmp.height * k);
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  c.getContext('2d').drawImage(bmp, 0, 0, w, h);
  if (bmp.close) bmp.close();
  let blob = await new Promise((res) => c.toBlob(res, 'image/jpeg', quality));
  if (blob.size > 2 * 1024 * 1024) blob = await new Promise((res) => c.toBlob(res, 'image/jpeg', 0.6));
  return blob;
}

export function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('本机不支持定位')); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: +p.coords.latitude.toFixed(6), lng: +p.coords.longitude.toFixed(6), accuracy: Math.round(p.coords.accuracy) }),
      (e) => reject(new Error(e.code === 1 ? '没有定位权限' : '无法获取位置，请到室外再试')),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
}

/** Wire the signature pads and photo inputs under `root` to a questionnaire. */
export async function wireAttachments(root, { value, householdId, toast, set }) {
  for (const box of root.querySelectorAll('[data-sig]')) {
    const canvas = box.querySelector('canvas');
    const img = box.querySelector('img');
    const saveBtn = box.querySelector('[data-sig-save]');
    const clearBtn = box.querySelector('[data-sig-clear]');
    let pad = null;
    const drawMode = (on) => {
      canvas.hidden = !on; clearBtn.hidden = !on;
      saveBtn.textContent = on ? '保存签名' : '重新签名';
      if (on && !pad) pad = signaturePad(canvas);
    };
    const current = value('signature');
    const url = await attachmentURL(current);
    if (url) { img.src = url; img.hidden = false; }
    drawMode(!current);
    if (current && !url) img.insertAdjacentHTML('afterend', html`<p class="muted">已签名（签名图片在服务器上）</p>`);
    box.addEventListener('click', async (e) => {
      if (e.target.closest('[data-sig-clear]')) pad.clear();
      if (!e.target.closest('[data-sig-save]')) return;
      if (canvas.hidden) { drawMode(true); pad.clear(); return; }
      if (pad.isEmpty()) { toast('请先在方框内签名'); return; }
      const id = await storeAttachment(await pad.toBlob(), 'image/png', householdId);
      img.src = await attachmentURL(id); img.hidden = false;
      drawMode(false);
      await set(box.dataset.sig, id);
    });
  }
  for (const box of root.querySelectorAll('[data-photo]')) {
    const img = box.querySelector('img');
    const url = await attachmentURL(value('photo'));
    if (url) { img.src = url; img.hidden = false; }
    box.querySelector('input').addEventListener('change', async (e) => {
      const file = e.target.files[0];
      if (!file) return;
      const blob = await shrinkPhoto(file);
      const id = await storeAttachment(blob, 'image/jpeg', householdId);
      img.src = await attachmentURL(id); img.hidden = false;
      await set(box.dataset.photo, id);
    });
  }
}
