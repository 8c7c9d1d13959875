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

// A field's "批注" button: the field goes into the next free comment of the return form.
for (const button of document.querySelectorAll('.comment-pick')) {
  button.hidden = false;
  button.addEventListener('click', () => {
    const slot = freeSlot();
    if (!slot) return;
    if (returnBox) returnBox.open = true;
    const select = slot.querySelector('select');
    select.value = button.dataset.path;
    button.classList.add('picked');
    const input = slot.querySelector('input');
    input.scrollIntoView({ block: 'center' });
    input.focus();
  });
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
