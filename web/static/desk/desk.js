// The desk's one script: keyboard shortcuts and selection on top of pages that work without it.
//
// A table marked `data-keys` is a keyboard list: j / k move between its rows, and a key named on a
// row's button (`data-key="a"`) presses it. A form's `data-confirm` asks before it is sent, and a
// select marked `data-autosubmit` sends its form when it changes. Nothing here builds HTML.

function rowsOf(table) {
  return Array.from(table.tBodies[0]?.rows ?? []);
}

function focusRow(table, index) {
  const rows = rowsOf(table);
  if (!rows.length) return;
  const i = Math.max(0, Math.min(rows.length - 1, index));
  rows.forEach((r, n) => r.setAttribute('aria-selected', String(n === i)));
  rows[i].scrollIntoView({ block: 'nearest' });
  table.dataset.focus = String(i);
}

function typing(target) {
  return target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]');
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const table = document.querySelector('table[data-keys]');
  if (!table) return;
  const current = Number(table.dataset.focus ?? -1);
  if (event.key === 'j') focusRow(table, current + 1);
  else if (event.key === 'k') focusRow(table, current - 1);
  else if (event.key === 'Enter' && current >= 0) {
    rowsOf(table)[current]?.querySelector('a[href]')?.click();
  } else if (current >= 0) {
    const button = rowsOf(table)[current]?.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
    if (!button) return;
    button.click();
  } else return;
  event.preventDefault();
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener('change', (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.dataset.autosubmit !== undefined) field.form?.requestSubmit();
  // "select all" boxes: data-select-all="NAME" ticks every checkbox called NAME in its form
  if (field instanceof HTMLInputElement && field.dataset.selectAll) {
    field.form?.querySelectorAll(`input[type=checkbox][name="${CSS.escape(field.dataset.selectAll)}"]`)
      .forEach((box) => { box.checked = field.checked; });
  }
});
