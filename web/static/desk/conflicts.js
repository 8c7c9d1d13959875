// The conflicts desk: typing or picking a new value chooses "改为新值" for that field. The page
// works without this (the server reads a typed value as that choice).
document.addEventListener('input', (event) => {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.dataset.picks || !field.form) return;
  const radio = field.form.querySelector(`input[type=radio][name="${CSS.escape(field.dataset.picks)}"][value=value]`);
  if (radio && (field.value || '').trim()) radio.checked = true;
});
