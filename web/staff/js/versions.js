// #versions/<id>: every frozen version of a plan (each sending, agreement and sign-off), and what
// changed between any two of them, as a table of before and after.

import { h, backLink, table, time, theirs } from './dom.js';
import { versionKind } from './words.js';

export const needs = 'read_plan';

function label(v) {
  return `Version ${v.n}: ${versionKind(v.kind)}`;
}

function select(id, text, list, chosen) {
  return h('div', { class: 'govuk-form-group app-inline-group' },
    h('label', { class: 'govuk-label', for: id, text }),
    h('select', { class: 'govuk-select', id, name: id },
      list.map((v) => h('option', { value: String(v.n), selected: v.n === chosen, text: label(v) }))));
}

/** The changes as a table; the person's own words (verbatim) in their language: d's (theirs()). */
function diffTable(d, changes, from, to) {
  if (!changes.length) return h('p', { class: 'govuk-body', id: 'diff-none', text: `Nothing changed between version ${from} and version ${to}.` });
  const cell = (t, attrs) => {
    if (t == null || t === '') return h('span', { class: 'app-secondary', text: 'Nothing' });
    if (typeof t === 'boolean') return t ? 'Yes' : 'No';
    return h('span', { class: 'app-verbatim', ...attrs, text: typeof t === 'object' ? JSON.stringify(t) : String(t) });
  };
  return table(['Question', `Version ${from}`, `Version ${to}`], changes.map((c) => {
    const attrs = c.verbatim ? theirs(d) : {};
    return [
      h('span', {}, c.label || c.section || '', c.section && c.label ? h('span', { class: 'govuk-body-s app-by', text: ` (${c.section})` }) : null),
      cell(c.before, attrs), cell(c.after, attrs),
    ];
  }), { labelledby: 'diff-heading' });
}

export async function render(ctx, id) {
  const plan = Number(id);
  const back = backLink(`#plan/${encodeURIComponent(id || '')}`, 'Back to the plan');
  const r = /^\d+$/.test(id || '') ? await ctx.request({ type: 'versions', plan }) : { message: 'This address does not name a plan.' };
  if (r.type !== 'versions') {
    ctx.show(back, h('h1', { class: 'govuk-heading-l', text: 'Versions' }));
    ctx.failed(r);
    return;
  }
  const list = Array.isArray(r.versions) ? r.versions : [];
  const head = [back, h('span', { class: 'govuk-caption-l', text: `Plan ${plan}` }), h('h1', { class: 'govuk-heading-l', text: 'Versions' })];
  const overview = list.length
    ? table(['Version', 'What happened', 'When', 'By'], list.map((v) => [String(v.n), versionKind(v.kind), time(v.at), String(v.by || '')]),
      { caption: 'Every version kept' })
    : h('p', { class: 'govuk-body', text: 'No versions yet. A version is kept each time the person sends the plan, it is agreed, and it is signed off.' });
  if (list.length < 2) {
    ctx.show(...head, overview, list.length ? h('p', { class: 'govuk-body', text: 'There is only one version, so there is nothing to compare yet.' }) : null);
    return;
  }
  const result = h('div', { id: 'diff-result' });
  const form = h('form', { novalidate: true, class: 'app-compare' },
    h('h2', { class: 'govuk-heading-m', text: 'Compare two versions' }),
    h('div', { class: 'app-inline-groups' },
      select('from', 'From', list, list[list.length - 2].n),
      select('to', 'To', list, list[list.length - 1].n)),
    h('button', { type: 'submit', class: 'govuk-button', id: 'compare', text: 'Compare' }));
  const compare = async (moveFocus) => {
    const from = Number(form.querySelector('#from').value);
    const to = Number(form.querySelector('#to').value);
    if (from === to) {
      ctx.errors([{ text: 'Choose two different versions to compare', href: '#to' }]);
      return;
    }
    const d = await ctx.request({ type: 'diff', plan, from, to });
    if (d.type !== 'diff') {
      ctx.failed(d);
      return;
    }
    ctx.clearMessages();
    const heading = h('h2', { class: 'govuk-heading-m', id: 'diff-heading', tabindex: '-1', text: `What changed from version ${from} to version ${to}` });
    result.replaceChildren(heading, diffTable(d, Array.isArray(d.changes) ? d.changes : [], from, to));
    if (moveFocus) heading.focus();
    else ctx.announce(heading.textContent);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    compare(true);
  });
  ctx.show(...head, overview, form, result);
  await compare(false);
}
