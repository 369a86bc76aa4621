// The easy-read warning under a field whose words the person will read and hear (the needs in an
// invitation, comments, how a need will be met). As staff type, the server says what is hard to
// read (`check_words`, docs/staff.md): long sentences, hard words from the content's list, and
// abbreviations, each with a suggestion. The rules and the words are the server's; this page only
// shows them. A warning, not a block: the form still sends.

import { h } from './dom.js';

const PAUSE_MS = 500; // after the last key, before asking: not a request for every key

/** The GOV.UK warning text for a `words_checked` reply with findings. */
function warningFor(r) {
  return h('div', { class: 'govuk-warning-text app-words__warning' },
    h('span', { class: 'govuk-warning-text__icon', 'aria-hidden': 'true', text: '!' }),
    h('div', { class: 'govuk-warning-text__text' },
      h('span', { class: 'govuk-visually-hidden', text: 'Warning' }),
      h('strong', { class: 'app-words__title', text: r.title || '' }),
      h('ul', { class: 'govuk-list govuk-list--bullet app-words__list' },
        r.findings.map((f) => h('li', { class: 'app-words__finding', dataset: { kind: String(f.kind || '') } },
          h('span', { text: `${f.text || ''} ` }),
          h('span', { class: 'app-words__suggestion', text: f.suggestion || '' })))),
      r.can_send ? h('p', { class: 'app-words__note', text: r.can_send }) : null));
}

/** Shows reply r in box, and ties it to the field for screen readers; nothing when all is well. */
function show(field, box, r) {
  const ids = (field.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== box.id);
  const found = r && r.type === 'words_checked' && Array.isArray(r.findings) && r.findings.length;
  box.replaceChildren(...(found ? [warningFor(r)] : []));
  if (found) ids.push(box.id);
  if (ids.length) field.setAttribute('aria-describedby', ids.join(' '));
  else field.removeAttribute('aria-describedby');
}

/** Watches field (a textarea in a GOV.UK form group) and shows what is hard to read under it. */
export function watchWords(field, ctx) {
  const box = h('div', { class: 'app-words', id: `${field.id}-words`, 'aria-live': 'polite' });
  field.after(box);
  let timer = null;
  let asked = 0; // only the newest answer is shown
  const check = async () => {
    clearTimeout(timer);
    const n = ++asked;
    const text = field.value;
    const r = text.trim() ? await ctx.request({ type: 'check_words', text }) : null;
    if (n === asked && field.isConnected) show(field, box, r);
  };
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, PAUSE_MS);
  });
  field.addEventListener('change', check);
  if (field.value.trim()) check(); // words saved earlier are checked as the view shows them
}

/** watchWords on the textarea inside a form group (dom.js `textarea`); returns the group. */
export function watched(group, ctx) {
  watchWords(group.querySelector('textarea'), ctx);
  return group;
}
