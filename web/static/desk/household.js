// The household page: keys (j / k next and previous household, a approve, r write the return's
// reason), the "批注" buttons that put a field into the return form's next free comment, and the
// correction form's current value. The page works without it; nothing here builds HTML.

function typing(target) {
  return target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]');
}

const returnBox = document.getElementById('return-box');
const returnForm = document.getElementById('return-form');
const comments = returnForm?.querySelector('fieldset.comments');

function slots() {
  return Array.from(comments?.querySelectorAll('.slot') ?? []);
}

/** Another empty comment row, a copy of the last one (no HTML is built), while under the limit. */
function addSlot() {
  const all = slots();
  if (!all.length || all.length >= Number(comments.dataset.most || all.length)) return null;
  const slot = all[all.length - 1].cloneNode(true);
  slot.classList.remove('bad');
  slot.querySelector('select').value = '';
  slot.querySelector('input').value = '';
  all[all.length - 1].after(slot);
  return slot;
}

function freeSlot() {
  return slots().find((slot) => !slot.querySelector('select').value) ?? addSlot() ?? slots().at(-1);
}

// A "批注" button beside each field (and section title) when the record may be returned: the
// field goes into the next free comment of the return form. Made here, not sent with the page:
// without a script it would do nothing.
function pick(path, where) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'comment-pick';
  button.textContent = '批注';
  button.dataset.path = path;
  button.addEventListener('click', () => {
    const slot = freeSlot();
    if (!slot) return;
    if (returnBox) returnBox.open = true;
    slot.querySelector('select').value = path;
    button.classList.add('picked');
    const input = slot.querySelector('input');
    input.scrollIntoView({ block: 'center' });
    input.focus();
  });
  where.append(button);
}

if (comments) {
  for (const field of document.querySelectorAll('#sections [data-path]')) {
    pick(field.dataset.path, field.querySelector('dt') ?? field);
  }
}

// More comment rows than the first few, as many as asked for.
if (comments) {
  const more = document.createElement('button');
  more.type = 'button';
  more.className = 'link more-comments';
  more.textContent = '＋ 再加一条批注';
  more.addEventListener('click', () => addSlot()?.querySelector('select').focus());
  comments.append(more);
}

// The correction form starts from the field's current value.
const path = document.getElementById('correct-path');
const value = document.getElementById('correct-value');
path?.addEventListener('change', () => {
  const option = path.selectedOptions[0];
  if (option && value) value.value = option.dataset.value ?? '';
});

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === 'j') document.getElementById('next')?.click();
  else if (event.key === 'k') document.getElementById('previous')?.click();
  else if (event.key === 'a') document.getElementById('approve')?.click();
  else if (event.key === 'r' && returnBox) {
    returnBox.open = true;
    document.getElementById('return-note')?.focus();
  }
  else return;
  event.preventDefault();
});
