// #audit/<id>: a plan's audit log, newest first: who did what and when. #audit alone (the start
// page for administrators, who read no plans) asks for a plan number.

import { h, backLink, table, time, input, showError, clearErrors } from './dom.js';
import { can } from './roles.js';
import { actionText } from './words.js';
import { serviceLog } from './auditlog.js';

export const needs = 'view_audit';

function detail(d) {
  if (d == null || d === '') return '';
  if (typeof d !== 'object') return h('span', { class: 'app-verbatim', text: String(d) });
  const entries = Object.entries(d);
  if (!entries.length) return '';
  return h('ul', { class: 'govuk-list app-detail' }, entries.map(([k, v]) => h('li', {},
    h('span', { class: 'app-secondary', text: `${k.replace(/_/g, ' ')}: ` }),
    h('span', { class: 'app-verbatim', text: typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v) }))));
}

async function lookup(ctx) {
  const form = h('form', { novalidate: true },
    input('audit-plan', { label: 'Plan number', labelClass: 'govuk-label--s', width: 5, inputmode: 'numeric', hint: 'The number of the plan whose audit log you want to read.' }),
    h('button', { type: 'submit', class: 'govuk-button', text: 'Show the audit log' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const n = form.querySelector('#audit-plan').value.trim();
    if (!/^\d+$/.test(n)) {
      showError('audit-plan', 'Enter a plan number, like 7');
      ctx.errors([{ text: 'Enter a plan number, like 7', href: '#audit-plan' }]);
      return;
    }
    ctx.go(`audit/${n}`);
  });
  const plans = [h('p', { class: 'govuk-body', text: 'Every action on a plan is in its audit log: who, when and what. Nothing in it can be changed.' }), form];
  if (!can(ctx.me, 'view_service_audit')) {
    ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Audit log' }), ...plans);
    return;
  }
  // Administrators: the service's own log first (logins, accounts, kiosks), then a plan's.
  ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Audit log' }),
    h('p', { class: 'govuk-body', text: 'Logins, failed logins, changes to staff accounts and kiosks. Nothing in it can be changed.' }));
  const log = await serviceLog(ctx);
  if (!log) return;
  ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Audit log' }),
    h('p', { class: 'govuk-body', text: 'Logins, failed logins, changes to staff accounts and kiosks. Nothing in it can be changed.' }),
    log, h('h2', { class: 'govuk-heading-m', text: 'A plan\'s audit log' }), ...plans);
}

/** What an administrator or manager may do with what is held about the person. */
function dataLinks(ctx, id) {
  const links = [
    can(ctx.me, 'export_data') ? h('li', {}, h('a', { class: 'govuk-link', href: `#export/${id}`, id: 'audit-export', text: 'Everything held about this person (a copy for them)' })) : null,
    can(ctx.me, 'erase_plan') ? h('li', {}, h('a', { class: 'govuk-link', href: `#erase/${id}`, id: 'audit-erase', text: 'Erase this plan' })) : null,
  ].filter(Boolean);
  return links.length ? h('ul', { class: 'govuk-list app-no-print' }, links) : null;
}

export async function render(ctx, id) {
  if (!id) {
    await lookup(ctx);
    return;
  }
  const back = can(ctx.me, 'read_plan') ? backLink(`#plan/${encodeURIComponent(id)}`, 'Back to the plan') : backLink('#audit', 'Back');
  const r = /^\d+$/.test(id) ? await ctx.request({ type: 'audit', plan: Number(id) }) : { message: 'This address does not name a plan.' };
  const head = [back, h('span', { class: 'govuk-caption-l', text: `Plan ${id}` }), h('h1', { class: 'govuk-heading-l', text: 'Audit log' })];
  if (r.type === 'audit' && !r.erased) head.push(dataLinks(ctx, id));
  if (r.erased) head.push(h('p', { class: 'govuk-body', id: 'audit-erased', text: 'This plan has been erased. Its audit log is kept.' }));
  if (r.type !== 'audit') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const rows = Array.isArray(r.rows) ? r.rows : [];
  const toRow = (row) => [
    time(row.at),
    h('span', {}, String(row.who || ''), row.role ? h('span', { class: 'app-secondary', text: ` (${row.role})` }) : null),
    actionText(row.action),
    detail(row.detail),
  ];
  if (!rows.length) {
    ctx.show(...head, h('p', { class: 'govuk-body', text: 'Nothing has been recorded yet.' }));
    return;
  }
  const list = table(['When', 'Who', 'What', 'Detail'], rows.map(toRow), { caption: 'Newest first' });
  // The server sends 200 rows at a time; `before` asks for the ones older than these.
  let before = r.before;
  const more = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'audit-more', text: 'Show older entries', hidden: before == null });
  more.addEventListener('click', async () => {
    const older = await ctx.request({ type: 'audit', plan: Number(id), before });
    if (older.type !== 'audit') {
      ctx.failed(older);
      return;
    }
    const body = list.querySelector('tbody');
    const fresh = table(['When', 'Who', 'What', 'Detail'], (older.rows || []).map(toRow)).querySelectorAll('tbody tr');
    const first = fresh[0];
    body.append(...fresh);
    before = older.before;
    more.hidden = before == null;
    ctx.announce(`${fresh.length} older entries shown.`);
    if (first) {
      first.firstElementChild.setAttribute('tabindex', '-1');
      first.firstElementChild.focus();
    }
  });
  ctx.show(...head, list, more);
}
