// #health: the service's health, for administrators: a summary list of the rows the server's
// `health` reply holds (version, how long it has been running, the database's size, plans and
// open flags, connections now). The server names each row in its own words; a row the server
// adds shows here with nothing to change in this page (docs/staff.md, "Health").

import { h, summaryList, time } from './dom.js';

export const needs = 'view_health';

/** One row's value: its words, the time it names, and its parts as a list. */
function value(row) {
  const items = Array.isArray(row.items) ? row.items : [];
  return h('div', {},
    h('span', { class: 'app-health__value', text: String(row.value ?? '') }),
    row.time ? h('span', { class: 'app-secondary' }, ' (since ', time(row.time), ')') : null,
    items.length ? h('ul', { class: 'govuk-list app-health__items' }, items.map((it) => h('li', {},
      h('span', { text: `${it.label}: ` }), h('strong', { text: String(it.value ?? '') })))) : null);
}

export async function render(ctx) {
  const r = await ctx.request({ type: 'health' });
  const head = [h('h1', { class: 'govuk-heading-l', text: 'Health of the service' })];
  if (r.type !== 'health') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const rows = Array.isArray(r.rows) ? r.rows : [];
  const list = summaryList(rows.map((row) => [String(row.label || row.id), value(row)]), 'app-health');
  list.id = 'health-list';
  for (const [i, row] of rows.entries()) list.children[i].dataset.row = String(row.id);
  const again = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'health-refresh', text: 'Check again' });
  again.addEventListener('click', async () => {
    await render(ctx);
    ctx.announce('Health checked again.');
    document.getElementById('health-refresh')?.focus();
  });
  ctx.show(...head,
    h('p', { class: 'govuk-body', text: 'As the server sees it now. For monitoring, use the server\'s logs and its /healthz address.' }),
    list, again);
}
