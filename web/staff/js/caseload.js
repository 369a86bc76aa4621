// #caseload: what needs attention now (safeguarding first, then advocacy and the person's own
// review requests, each with when it was raised), reviews due or overdue, then every plan in
// groups by status.

import { h, tag, table, time, warning, banner, flagDetail } from './dom.js';
import { can } from './roles.js';
import { statuses, statusColour, FLAG_DETAIL, flagName, flagMeans, reviewKind } from './words.js';

export const needs = 'view_caseload';

const DAY_MS = 24 * 60 * 60 * 1000;
const REVIEW_SHOWN_DAYS = 14; // a review shows as due 2 weeks before its date (docs/staff.md)

function planLink(p) {
  return h('a', { class: 'govuk-link', href: `#plan/${encodeURIComponent(p.plan)}`, text: p.label || p.person || `Plan ${p.plan}` });
}

function urgentBlock(urgent) {
  if (!Array.isArray(urgent) || !urgent.length) return null;
  const items = urgent.map((u) => {
    const [name, says] = [flagName(u.kind), flagMeans(u.kind)];
    const words = [h('a', { class: 'govuk-notification-banner__link', href: `#plan/${encodeURIComponent(u.plan)}`,
      text: u.label || u.person || `Plan ${u.plan}` }), ` ${says} `, 'Raised ', time(u.raised), '.',
      flagDetail(FLAG_DETAIL, u.detail)];
    return h('li', { class: 'app-urgent__item' }, u.kind === 'safeguarding'
      ? warning(`${name}: `, ...words)
      : h('p', { class: 'govuk-body' }, h('strong', { text: `${name}: ` }), ...words));
  });
  const n = urgent.length;
  return banner([
    h('p', { class: 'govuk-notification-banner__heading', text: n === 1 ? '1 thing needs attention now' : `${n} things need attention now` }),
    h('ul', { class: 'govuk-list app-urgent' }, items),
  ], { title: 'Urgent' });
}

function reviewsBlock(plans, now) {
  const soon = now + REVIEW_SHOWN_DAYS * DAY_MS;
  // The server says which are due soon or overdue; without its word, the date decides.
  const due = plans.filter((p) => p.review && p.review.due && (p.review.overdue || p.review.due_soon ||
    (p.review.due_soon === undefined && new Date(p.review.due + 'T00:00:00Z').getTime() <= soon)));
  if (!due.length) return null;
  due.sort((a, b) => String(a.review.due).localeCompare(String(b.review.due)));
  return [
    h('h2', { class: 'govuk-heading-m', id: 'reviews-heading', text: 'Reviews due' }),
    table(['Person', 'Review', 'Due'], due.map((p) => [
      planLink(p),
      reviewKind(p.review.kind),
      h('span', {}, time(p.review.due), ' ', p.review.overdue ? tag('Overdue', 'red') : tag('Due', 'yellow')),
    ]), { labelledby: 'reviews-heading' }),
  ];
}

function groups(plans) {
  const known = statuses(); // in the order the server gives: what needs staff first
  const by = new Map();
  for (const p of plans) {
    const s = known.some((k) => k.status === p.status) ? p.status : 'other';
    if (!by.has(s)) by.set(s, []);
    by.get(s).push(p);
  }
  const order = [...known.map((k) => k.status), ...[...by.keys()].filter((s) => !known.some((k) => k.status === s))];
  return order.filter((s) => by.has(s)).map((s) => {
    const list = by.get(s);
    const words = known.find((k) => k.status === s);
    const [text, colour, heading] = words ? [words.tag, statusColour(s), words.group] : ['Other', 'grey', 'Other'];
    const id = `group-${s}`;
    return h('section', { class: 'app-group', 'aria-labelledby': id },
      h('h2', { class: 'govuk-heading-m', id }, heading, h('span', { class: 'govuk-caption-m app-count', text: list.length === 1 ? '1 plan' : `${list.length} plans` })),
      table(['Person', 'Status', 'Last changed'], list.map((p) => [
        h('span', {}, planLink(p),
          (p.flags || []).map((f) => [' ', tag(flagName(f.kind), f.kind === 'safeguarding' ? 'red' : 'purple')])),
        tag(text, colour),
        time(p.updated),
      ]), { labelledby: id }));
  });
}

export async function render(ctx) {
  const r = await ctx.request({ type: 'caseload' });
  const head = [
    h('h1', { class: 'govuk-heading-l', text: 'Caseload' }),
    can(ctx.me, 'invite') ? h('a', { href: '#invite', class: 'govuk-button', 'data-module': 'govuk-button', draggable: 'false', text: 'Invite a person' }) : null,
  ];
  if (r.type !== 'caseload') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const plans = Array.isArray(r.plans) ? r.plans : [];
  const now = Number.isNaN(Date.parse(r.now)) ? Date.now() : Date.parse(r.now);
  ctx.show(
    ...head,
    urgentBlock(r.urgent),
    reviewsBlock(plans, now),
    plans.length
      ? groups(plans)
      : h('p', { class: 'govuk-body', text: 'There are no plans yet. Invite a person after their assessment to start one.' }),
  );
}
