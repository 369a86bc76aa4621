// The service's audit log, for administrators (the top of #audit): logins, failed logins,
// changes to staff accounts and kiosks, newest first, 50 at a time, filtered by kind and by user.
// The kinds and their words come with the server's reply (docs/staff.md, "The service's audit
// log").

import { h, table, time, input, showError, clearErrors } from './dom.js';
import { actionText } from './words.js';

const NAME_RULE = /^[A-Za-z0-9._-]{1,64}$/;
const HEADS = ['When', 'Who', 'What', 'Detail'];

function detail(d) {
  if (d == null || typeof d !== 'object') return '';
  const entries = Object.entries(d);
  if (!entries.length) return '';
  return h('ul', { class: 'govuk-list app-detail' }, entries.map(([k, v]) => h('li', {},
    h('span', { class: 'app-secondary', text: `${k.replace(/_/g, ' ')}: ` }),
    h('span', { class: 'app-verbatim', text: typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v) }))));
}

function toRow(row) {
  return [
    time(row.at),
    h('span', {}, String(row.who || ''), row.role ? h('span', { class: 'app-secondary', text: ` (${row.role})` }) : null),
    actionText(row.action),
    detail(row.detail),
  ];
}

function select(id, label, options) {
  return h('div', { class: 'govuk-form-group', id: `${id}-group` },
    h('label', { class: 'govuk-label', for: id, text: label }),
    h('p', { class: 'govuk-error-message', id: `${id}-error`, hidden: true }),
    h('select', { class: 'govuk-select', id, name: id },
      options.map((o) => h('option', { value: o.value, text: o.text }))));
}

/** The service's log, filters and all, in a section; null when the first read failed (said). */
export async function serviceLog(ctx) {
  const first = await ctx.request({ type: 'audit_log' });
  if (first.type !== 'audit_log') {
    ctx.failed(first);
    return null;
  }
  const kinds = Array.isArray(first.kinds) ? first.kinds : [];
  const slot = h('div', { id: 'log-rows' });
  const more = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'log-more', text: 'Show older entries', hidden: true });
  let asked = {}; // the filter the rows shown were asked with
  let before = null;

  function showRows(r) {
    const rows = Array.isArray(r.rows) ? r.rows : [];
    before = r.before ?? null;
    slot.replaceChildren(rows.length
      ? table(HEADS, rows.map(toRow), { caption: 'Newest first' })
      : h('p', { class: 'govuk-body', id: 'log-none', text: before == null ? 'Nothing of this kind has been recorded.' : 'None among the most recent entries.' }));
    more.hidden = before == null;
  }

  more.addEventListener('click', async () => {
    const older = await ctx.request({ type: 'audit_log', ...asked, before });
    if (older.type !== 'audit_log') {
      ctx.failed(older);
      return;
    }
    if (!slot.querySelector('tbody')) { // none shown yet: these are the first
      showRows(older);
      ctx.announce(`${(older.rows || []).length} older entries shown.`);
      return;
    }
    const fresh = table(HEADS, (older.rows || []).map(toRow)).querySelectorAll('tbody tr');
    slot.querySelector('tbody').append(...fresh);
    before = older.before ?? null;
    more.hidden = before == null;
    ctx.announce(`${fresh.length} older entries shown.`);
    if (fresh[0]) {
      fresh[0].firstElementChild.setAttribute('tabindex', '-1');
      fresh[0].firstElementChild.focus();
    }
  });

  const form = h('form', { novalidate: true, id: 'log-form', class: 'app-filter' },
    h('h2', { class: 'govuk-heading-m', text: 'Show only' }),
    select('log-kind', 'Kind of entry', [{ value: '', text: 'Every kind' }, ...kinds.map((k) => ({ value: k.kind, text: k.text }))]),
    input('log-user', { label: 'User name (optional)', hint: 'What they did, and what was done to their account.', maxlength: 64, spellcheck: false, width: 20 }),
    h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: 'log-filter', text: 'Show entries' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    ctx.clearMessages();
    const kind = form.querySelector('#log-kind').value;
    const user = form.querySelector('#log-user').value.trim();
    if (user && !NAME_RULE.test(user)) {
      const text = 'A user name has only letters, digits, dots, hyphens or underscores';
      showError('log-user', text);
      ctx.errors([{ text, href: '#log-user' }]);
      return;
    }
    const want = { ...(kind ? { kind } : {}), ...(user ? { user } : {}) };
    const r = await ctx.request({ type: 'audit_log', ...want });
    if (r.type !== 'audit_log') {
      const field = r.code === 'bad-kind' ? 'log-kind' : 'log-user';
      showError(field, ctx.errorText(r));
      ctx.failed(r, `#${field}`);
      return;
    }
    asked = want;
    showRows(r);
    ctx.announce(`${(r.rows || []).length} entries shown.`);
  });
  showRows(first);
  return h('div', { id: 'service-log' }, form, slot, more);
}
