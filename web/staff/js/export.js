// #export/<id>: everything the council holds about a person's plan (a subject access request),
// as a page in plain words that prints well, and as a file (JSON) to download. Asking for it is
// itself written to the audit log. Nothing is kept in the browser: the file is made from the
// server's reply when the button is pressed.

import { h, backLink, summaryList, table, time, money, theirs } from './dom.js';
import { can } from './roles.js';
import { statusText, flagName, versionKind, actionText, languageWord } from './words.js';
import { byNode } from './plan.js';

export const needs = 'export_data';

const text = (v) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function part(id, title, ...content) {
  return h('section', { class: 'app-part', 'aria-labelledby': id },
    h('h2', { class: 'govuk-heading-l', id, text: title }), ...content);
}

function none(words) {
  return h('p', { class: 'govuk-body app-secondary', text: words });
}

/** The person's answers; what they typed in their language (d.lang), the content's words in English. */
function answers(d) {
  const mine = theirs(d);
  const sections = Array.isArray(d.sections) ? d.sections : [];
  const written = sections.filter((s) => Array.isArray(s.answers) && s.answers.length);
  if (!written.length) return none('Nothing written.');
  return written.map((s, i) => [
    h('h3', { class: 'govuk-heading-m', text: text(s.title || `Part ${i + 1}`) }),
    summaryList(s.answers.map((a) => [text(a.label || a.page), [
      a.verbatim
        ? h('div', { class: 'app-verbatim', ...mine, text: text(a.value) })
        : h('div', { class: 'app-verbatim', text: text(a.text != null && a.text !== '' ? a.text : a.value) }),
      a.by ? h('p', { class: 'govuk-body-s app-by' }, 'Written by: ', byNode(a.by, mine)) : null,
    ]])),
  ]);
}

function summary(ctx, r) {
  const d = r.data || {};
  const list = (v) => (Array.isArray(v) ? v : []);
  const support = list(d.support?.items);
  return [
    part('about', 'About this plan', summaryList([
      ['Plan number', String(r.plan)],
      ['Name', text(d.person) || 'No name given'],
      [languageWord(), text(d.language || d.lang)],
      ['Where it is now', statusText(d.status)],
      ['Started', time(d.created)],
      ['Last changed', time(d.updated)],
      ['Sent to the council', d.submitted ? time(d.submitted) : 'Not yet'],
      ['Budget each week', d.budget_pence != null ? money(d.budget_pence) : 'None given'],
      ['This copy was made', time(r.made)],
    ])),
    part('said', 'What the person said', answers(d)),
    part('needs-held', 'Needs the council assessed', list(d.needs).length
      ? summaryList(list(d.needs).map((n) => [text(n.text), text(n.how) || 'Not written yet']))
      : none('None.')),
    part('support-held', 'Support and its cost', support.length
      ? table(['Support', 'Each week'], support.map((s) => [text(s.what), money(s.cost_pence)]))
      : none('None.')),
    part('comments-held', 'Comments from staff', list(d.comments).length
      ? table(['When', 'Who', 'Comment'], list(d.comments).map((c) => [time(c.at), text(c.by || c.author),
        h('span', { class: 'app-verbatim', text: text(c.text) })]))
      : none('None.')),
    part('flags-held', 'Things flagged for staff', list(d.flags).length
      ? table(['What', 'What the person wrote', 'Raised', 'Dealt with'], list(d.flags).map((f) => [flagName(f.kind),
        h('span', { class: 'app-verbatim', ...theirs(d), text: text(f.detail) }), time(f.raised), f.closed ? time(f.closed) : 'Not yet']))
      : none('None.')),
    part('versions-held', 'Copies kept of the plan', list(d.versions).length
      ? table(['Copy', 'Why it was kept', 'When'], list(d.versions).map((v) => [String(v.n), versionKind(v.kind), time(v.at)]))
      : none('None.')),
    part('audit-held', 'Who did what, and when', list(d.audit).length
      ? table(['When', 'Who', 'What'], list(d.audit).map((a) => [time(a.at), text(a.who), actionText(a.action)]), { caption: 'Newest first' })
      : none('Nothing recorded.')),
  ];
}

function download(r) {
  const blob = new Blob([JSON.stringify(r.data ? { plan: r.plan, made: r.made, data: r.data } : r, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `plan-${r.plan}-everything-held.json`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export async function render(ctx, id) {
  const back = can(ctx.me, 'read_plan') ? backLink(`#plan/${encodeURIComponent(id || '')}`, 'Back to the plan')
    : backLink(`#audit/${encodeURIComponent(id || '')}`, 'Back to the audit log');
  const head = [back, h('span', { class: 'govuk-caption-l', text: `Plan ${id || ''}` }),
    h('h1', { class: 'govuk-heading-l', text: 'Everything we hold about this person' })];
  const r = /^\d+$/.test(id || '') ? await ctx.request({ type: 'export', plan: Number(id) }) : { message: 'This address does not name a plan.' };
  if (r.type !== 'export') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const print = h('button', { type: 'button', class: 'govuk-button', id: 'export-print', text: 'Print' });
  const file = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'export-file', text: 'Download as a file (JSON)' });
  print.addEventListener('click', () => window.print());
  file.addEventListener('click', () => download(r));
  ctx.show(...head,
    h('p', { class: 'govuk-body-l', text: 'This is everything Plan Aloud keeps about this plan. The person has a right to a copy.' }),
    h('div', { class: 'govuk-button-group app-no-print' }, print, file),
    summary(ctx, r));
}
