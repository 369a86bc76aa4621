// #caseload (#caseload/2 for page 2): what needs attention now (safeguarding first, then advocacy
// and the person's own review requests, each with when it was raised), reviews due or overdue,
// then the plans in groups by status, 50 a page (the server pages them: docs/staff.md), with
// GOV.UK pagination under them. The page number is in the heading, which takes focus on each move.

import { h, tag, table, time, warning, banner, flagDetail, theirs } from './dom.js';
import { can } from './roles.js';
import { statuses, statusColour, FLAG_DETAIL, flagName, flagMeans, reviewKind, languageWord } from './words.js';

export const needs = 'view_caseload';

const DAY_MS = 24 * 60 * 60 * 1000;
const REVIEW_SHOWN_DAYS = 14; // a review shows as due 2 weeks before its date (docs/staff.md)

function planLink(p) {
  return h('a', { class: 'govuk-link', href: `#plan/${encodeURIComponent(p.plan)}`, text: p.label || p.person || `Plan ${p.plan}` });
}

function urgentBlock(urgent, total) {
  if (!Array.isArray(urgent) || !urgent.length) return null;
  const items = urgent.map((u) => {
    const [name, says] = [flagName(u.kind), flagMeans(u.kind)];
    const words = [h('a', { class: 'govuk-notification-banner__link', href: `#plan/${encodeURIComponent(u.plan)}`,
      text: u.label || u.person || `Plan ${u.plan}` }), ` ${says} `, 'Raised ', time(u.raised), '.',
      flagDetail(FLAG_DETAIL, u.detail, theirs(u))];
    return h('li', { class: 'app-urgent__item' }, u.kind === 'safeguarding'
      ? warning(`${name}: `, ...words)
      : h('p', { class: 'govuk-body' }, h('strong', { text: `${name}: ` }), ...words));
  });
  const n = Math.max(Number(total) || 0, urgent.length);
  return banner([
    h('p', { class: 'govuk-notification-banner__heading', text: n === 1 ? '1 thing needs attention now' : `${n} things need attention now` }),
    n > urgent.length ? h('p', { class: 'govuk-body', text: `These are the first ${urgent.length}: safeguarding first, then the oldest.` }) : null,
    h('ul', { class: 'govuk-list app-urgent' }, items),
  ], { title: 'Urgent' });
}

function reviewsBlock(r, plans, now) {
  const soon = now + REVIEW_SHOWN_DAYS * DAY_MS;
  // The server lists the reviews due soon or overdue across every page; an older server sent
  // every plan instead, and the date decided.
  const due = Array.isArray(r.reviews) ? r.reviews : plans.filter((p) => p.review && p.review.due && (p.review.overdue || p.review.due_soon ||
    (p.review.due_soon === undefined && new Date(p.review.due + 'T00:00:00Z').getTime() <= soon)));
  if (!due.length) return null;
  due.sort((a, b) => String(a.review.due).localeCompare(String(b.review.due)));
  const total = Math.max(Number(r.reviews_total) || 0, due.length);
  return [
    h('h2', { class: 'govuk-heading-m', id: 'reviews-heading', text: 'Reviews due' }),
    total > due.length ? h('p', { class: 'govuk-body', text: `${total} reviews are due. These are the first ${due.length}, soonest first.` }) : null,
    table(['Person', 'Review', 'Due'], due.map((p) => [
      planLink(p),
      reviewKind(p.review.kind),
      h('span', {}, time(p.review.due), ' ', p.review.overdue ? tag('Overdue', 'red') : tag('Due', 'yellow')),
    ]), { labelledby: 'reviews-heading' }),
  ];
}

function groups(plans, counts) {
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
    // How many the status has on every page (the server counts them), or those shown here.
    const n = counts && Number.isInteger(counts[s]) ? counts[s] : list.length;
    const words = known.find((k) => k.status === s);
    const [text, colour, heading] = words ? [words.tag, statusColour(s), words.group] : ['Other', 'grey', 'Other'];
    const id = `group-${s}`;
    return h('section', { class: 'app-group', 'aria-labelledby': id },
      h('h2', { class: 'govuk-heading-m', id }, heading, h('span', { class: 'govuk-caption-m app-count', text: n === 1 ? '1 plan' : `${n} plans` })),
      table(['Person', 'Status', languageWord(), 'Last changed'], list.map((p) => [
        h('span', {}, planLink(p),
          (p.flags || []).map((f) => [' ', tag(flagName(f.kind), f.kind === 'safeguarding' ? 'red' : 'purple')])),
        tag(text, colour),
        String(p.language || p.lang || ''),
        time(p.updated),
      ]), { labelledby: id }));
  });
}

const ARROWS = {
  prev: 'm6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z',
  next: 'm8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z',
};

/** The arrow beside Previous and Next (decorative: hidden from screen readers). */
function arrow(which) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  for (const [k, v] of Object.entries({ class: `govuk-pagination__icon govuk-pagination__icon--${which}`,
    xmlns: NS, height: '13', width: '15', 'aria-hidden': 'true', focusable: 'false', viewBox: '0 0 15 13' })) {
    svg.setAttribute(k, v);
  }
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', ARROWS[which]);
  svg.append(path);
  return svg;
}

/** The page numbers to show: the first, the last, and the ones either side of this one; 0 for a
 * gap (an ellipsis), as GOV.UK's pagination shows them. */
export function pageNumbers(page, pages) {
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const out = [];
  for (const n of shown) {
    if (out.length && n > out[out.length - 1] + 1) out.push(0);
    out.push(n);
  }
  return out;
}

/** GOV.UK pagination under the caseload: Previous, the page numbers, Next; plain links, so the
 * keyboard and the browser's back button work as for any link. */
function pagination(page, pages) {
  if (!(pages > 1)) return null;
  const href = (n) => `#caseload/${n}`;
  const side = (which, n, words) => h('div', { class: `govuk-pagination__${which}` },
    h('a', { class: 'govuk-link govuk-pagination__link', href: href(n), rel: which },
      which === 'prev' ? arrow('prev') : null,
      h('span', { class: 'govuk-pagination__link-title' }, words, h('span', { class: 'govuk-visually-hidden', text: ' page' })),
      which === 'next' ? arrow('next') : null));
  return h('nav', { class: 'govuk-pagination', 'aria-label': 'Pages of the caseload', id: 'caseload-pages' },
    page > 1 ? side('prev', page - 1, 'Previous') : null,
    h('ul', { class: 'govuk-pagination__list' }, pageNumbers(page, pages).map((n) => (n === 0
      ? h('li', { class: 'govuk-pagination__item govuk-pagination__item--ellipsis', text: '⋯' })
      : h('li', { class: 'govuk-pagination__item' + (n === page ? ' govuk-pagination__item--current' : '') },
        h('a', { class: 'govuk-link govuk-pagination__link', href: href(n), 'aria-label': `Page ${n}`,
          'aria-current': n === page ? 'page' : null, text: String(n) }))))),
    page < pages ? side('next', page + 1, 'Next') : null);
}

/** refresh: read again after news (app.js), in place: the same page, nothing said or focused;
 * if it cannot be read now, what is shown stays. */
export async function render(ctx, param, { refresh = false } = {}) {
  // #caseload/<n>: page n. Anything else there goes to the server as it is, which refuses it in
  // its own words (bad-page).
  const asked = param === undefined || param === '' ? 1 : (/^[0-9]{1,9}$/.test(param) ? Number(param) : param);
  const r = refresh
    ? await ctx.request({ type: 'caseload', page: asked, refresh: true }, { quiet: true })
    : await ctx.request({ type: 'caseload', page: asked });
  if (refresh && r.type !== 'caseload') return;
  const page = r.type === 'caseload' && Number.isInteger(r.page) ? r.page : 1;
  const pages = r.type === 'caseload' && Number.isInteger(r.pages) ? r.pages : 1;
  const head = [
    h('h1', { class: 'govuk-heading-l', id: 'caseload-heading', text: pages > 1 ? `Caseload, page ${page} of ${pages}` : 'Caseload' }),
    can(ctx.me, 'invite') ? h('a', { href: '#invite', class: 'govuk-button', 'data-module': 'govuk-button', draggable: 'false', text: 'Invite a person' }) : null,
  ];
  if (r.type !== 'caseload') {
    ctx.show(...head, r.code === 'bad-page'
      ? h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: '#caseload/1', text: 'Go to the first page of the caseload' }))
      : null);
    ctx.failed(r);
    return;
  }
  const plans = Array.isArray(r.plans) ? r.plans : [];
  const now = Number.isNaN(Date.parse(r.now)) ? Date.now() : Date.parse(r.now);
  ctx.show(
    ...head,
    urgentBlock(r.urgent, r.urgent_total),
    reviewsBlock(r, plans, now),
    plans.length
      ? groups(plans, r.counts)
      : h('p', { class: 'govuk-body', text: 'There are no plans yet. Invite a person after their assessment to start one.' }),
    pagination(page, pages),
  );
}
