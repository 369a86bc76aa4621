// #alerts: the alerts outbox, for administrators. Each safeguarding flag (and, where the council
// set it up, advocacy and review requests) sends the duty team an alert by email and/or webhook;
// this page shows each one: which kind, the plan, when it was made, how often sending was tried,
// when it is tried next, what went wrong last time, and when it was sent. An alert that has failed
// can be tried again now (for example once the mail relay is back). docs/staff.md, "Alerts".

import { h, table, time, tag, warning } from './dom.js';
import { flagName } from './words.js';

export const needs = 'manage_alerts';

const CHANNELS = { email: 'Email', webhook: 'Webhook' };
const STATES = { sent: ['Sent', 'green'], failed: ['Failed, trying again', 'red'], waiting: ['Waiting to be sent', 'yellow'] };

function stateTag(a) {
  const [text, colour] = STATES[a.state] || [String(a.state || ''), 'grey'];
  return tag(text, colour);
}

/** The table of alerts, newest first; a failed one has "Try again now". */
function list(alerts, onRetry) {
  if (!alerts.length) return h('p', { class: 'govuk-body', id: 'alerts-none', text: 'No alerts have been made yet.' });
  return table(['Alert', 'Kind', 'Sent by', 'Plan', 'Made', 'State', 'Tries', 'Next try', 'Last problem', 'Sent', 'Action'], alerts.map((a) => {
    let action = '';
    if (a.state === 'failed') {
      action = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary app-table__button', dataset: { alert: String(a.id) } },
        'Try again now', h('span', { class: 'govuk-visually-hidden', text: ` (alert ${a.id})` }));
      action.addEventListener('click', () => onRetry(a));
    }
    return [String(a.id), flagName(a.kind) || String(a.kind), CHANNELS[a.channel] || String(a.channel),
      h('a', { class: 'govuk-link', href: `#plan/${a.plan}`, text: `Plan ${a.plan}` }),
      time(a.created), stateTag(a), String(a.tries), a.next ? time(a.next) : '', String(a.last_error || ''),
      a.sent ? time(a.sent) : 'Not yet', action];
  }), { caption: 'Alerts, newest first' });
}

function summary(r) {
  const pending = Number(r.pending || 0);
  const failed = Number(r.failed || 0);
  if (!pending) return h('p', { class: 'govuk-body', id: 'alerts-summary', text: 'Every alert has been sent.' });
  return h('p', { class: 'govuk-body', id: 'alerts-summary',
    text: `${pending} ${pending === 1 ? 'alert is' : 'alerts are'} waiting to be sent. ${failed} of them ${failed === 1 ? 'has' : 'have'} failed at least once.` });
}

/** How alerts go now, as the server was started: or a warning that they do not go at all. */
function setup(s) {
  const ways = [s?.email && 'email', s?.webhook && 'webhook'].filter(Boolean);
  const kinds = (s?.kinds || []).map((k) => flagName(k) || String(k));
  if (!ways.length || !kinds.length) {
    return h('div', { id: 'alerts-setup' }, warning('Alerts are not set up. Staff see flags only on the caseload, when they look. ' +
      'The person is told that their social worker will see it on their list.'));
  }
  return h('p', { class: 'govuk-body', id: 'alerts-setup', text: `Alerts go by ${ways.join(' and ')} for these flags: ${kinds.join(', ')}.` });
}

export async function render(ctx) {
  const head = [h('h1', { class: 'govuk-heading-l', text: 'Alerts' }),
    h('p', { class: 'govuk-body', text: 'When a person says someone is hurting them, the duty team is sent an alert by email or webhook. An alert says which kind of flag, and links to the plan. It never holds the person\'s name or words.' }),
    h('p', { class: 'govuk-body', text: 'An alert that fails is tried again, first after 30 seconds, then after longer waits, up to every 30 minutes, until it is sent.' })];
  const r = await ctx.request({ type: 'alerts' });
  if (r.type !== 'alerts') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const slot = h('div', { id: 'alert-list' });
  const draw = (reply) => slot.replaceChildren(setup(reply.setup), summary(reply), list(reply.alerts || [], retry));

  async function retry(a) {
    const reply = await ctx.request({ type: 'alert_retry', alert: a.id });
    if (reply.type !== 'alerts') {
      ctx.failed(reply);
      return;
    }
    draw(reply);
    ctx.success(`Alert ${a.id} will be tried again now.`);
  }

  ctx.show(...head, slot);
  draw(r);
}
