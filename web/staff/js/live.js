// News as it happens (docs/staff.md, "News as it happens"): what a person has just done that staff
// must see at once (a safeguarding or advocacy flag, a review asked for, a plan sent) comes over
// the staff websocket as `live`, unasked. It shows here as a GOV.UK notification banner above
// every view, newest first, with a link to the plan. The banners sit in a polite live region, so
// a screen reader says each one as it comes without focus moving from where the person is
// working (WCAG 4.1.3, status messages); a keyboard user finds them before the main content.
// The caseload, when it is the view, is read again in place by app.js.

import { h, banner, time } from './dom.js';
import { flagName, flagMeans, liveWord } from './words.js';

const KEPT = 3; // banners kept on the page: the newest

function box() {
  return document.getElementById('news');
}

function keep(node) {
  const b = box();
  if (!b) return;
  b.prepend(node);
  while (b.children.length > KEPT) b.lastElementChild.remove();
}

/** News of one plan: the person's name as a link to the plan, then what they did, and when. */
function newsOf(m) {
  const plan = Number(m.plan);
  if (!Number.isInteger(plan) || plan < 1) return null;
  const flagged = m.event !== 'submitted';
  const what = flagged ? flagMeans(m.event) : liveWord('submitted');
  const heading = h('p', { class: 'govuk-notification-banner__heading' },
    flagged ? h('strong', { text: `${flagName(m.event)}: ` }) : null,
    h('a', { class: 'govuk-notification-banner__link', href: `#plan/${plan}`, text: m.label || `Plan ${plan}` }),
    ` ${what} `, time(m.at));
  const node = banner(heading, { title: liveWord('title') });
  node.classList.add('app-news');
  node.dataset.event = String(m.event);
  node.dataset.plan = String(plan);
  return node;
}

/** Shows a `live` or `live_missed` message. */
export function show(m) {
  if (m.type === 'live_missed') {
    keep(banner(h('p', { class: 'govuk-notification-banner__heading', text: liveWord('missed') }),
      { title: liveWord('title') }));
    return;
  }
  const node = newsOf(m);
  if (node) keep(node);
}
