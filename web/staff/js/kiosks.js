// #kiosks: the council's enrolled kiosks, for administrators. Enrolling gives a one-time link,
// shown here once, to open on the kiosk itself; the kiosk then has limits of its own for starting
// plans instead of sharing its network address's with everyone behind it. A kiosk can be revoked
// at any time (a stolen or replaced machine). The server audits every change (docs/staff.md).

import { h, input, table, time, showError, clearErrors } from './dom.js';

export const needs = 'manage_kiosks';

const LABEL_MAX = 80;

const STATES = {
  waiting: 'Waiting for its link to be opened',
  'link-expired': 'Its link ran out: enrol it again',
  enrolled: 'Enrolled',
  revoked: 'Revoked',
};

function stateText(s) {
  return STATES[s] || String(s || '');
}

/** The table of kiosks, newest first, each live one with its Revoke button. */
function list(ctx, kiosks, onRevoke) {
  if (!kiosks.length) return h('p', { class: 'govuk-body', id: 'kiosks-none', text: 'No kiosks have been enrolled yet.' });
  return table(['Kiosk', 'State', 'Added', 'Enrolled', 'Action'], kiosks.map((k) => {
    const live = k.state !== 'revoked';
    const revoke = live ? h('button', { type: 'button', class: 'govuk-button govuk-button--warning app-table__button', dataset: { kiosk: String(k.id) } },
      'Revoke', h('span', { class: 'govuk-visually-hidden', text: ` ${k.label}` })) : '';
    if (live) revoke.addEventListener('click', () => onRevoke(k));
    return [String(k.label), stateText(k.state), time(k.added), k.enrolled ? time(k.enrolled) : 'Not yet', revoke];
  }), { caption: 'Kiosks, newest first' });
}

/** The link, shown once, with what to do with it. */
function linkPanel(r) {
  const url = new URL(r.link, location.origin).href;
  return h('div', { class: 'govuk-inset-text', id: 'kiosk-link-panel' },
    h('h2', { class: 'govuk-heading-m', text: `Enrolment link for ${r.kiosk?.label || 'the kiosk'}` }),
    h('p', { class: 'govuk-body', text: 'Open this link in the browser of the kiosk itself. It works once, until ' }, time(r.expires), '.'),
    h('p', { class: 'govuk-body app-verbatim', id: 'kiosk-link', text: url }),
    h('p', { class: 'govuk-body', text: 'It is shown only now. If it is lost, revoke the kiosk and enrol it again.' }));
}

export async function render(ctx) {
  const r = await ctx.request({ type: 'kiosks' });
  const head = [h('h1', { class: 'govuk-heading-l', text: 'Kiosks' }),
    h('p', { class: 'govuk-body', text: 'Enrol the council\'s kiosks so that each one has its own limit for starting plans. A kiosk that is not enrolled shares the limit of its network address with everyone else there.' })];
  if (r.type !== 'kiosks') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  let shown = r.kiosks || [];
  const slot = h('div', { id: 'kiosk-list' });
  const panel = h('div', { id: 'kiosk-link-slot' });

  const redraw = () => slot.replaceChildren(h('h2', { class: 'govuk-heading-m', text: 'The council\'s kiosks' }), list(ctx, shown, revoke));

  async function revoke(k) {
    const reply = await ctx.request({ type: 'kiosk_revoke', kiosk: k.id });
    if (reply.type !== 'kiosks') {
      ctx.failed(reply);
      return;
    }
    shown = reply.kiosks || [];
    redraw();
    ctx.success(`${k.label} is revoked. It now shares its address's limit.`);
  }

  const form = h('form', { novalidate: true, id: 'kiosk-form' },
    h('h2', { class: 'govuk-heading-m', text: 'Enrol a kiosk' }),
    input('kiosk-label', { label: 'Name of the kiosk', hint: 'Where it is, so that staff know it. For example: Central Library kiosk 1', maxlength: LABEL_MAX * 2 }),
    h('button', { type: 'submit', class: 'govuk-button', id: 'kiosk-add', text: 'Enrol a kiosk' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    ctx.clearMessages();
    const label = form.querySelector('#kiosk-label').value.trim();
    const problem = !label ? 'Enter the name of the kiosk'
      : [...label].length > LABEL_MAX ? `The name must be ${LABEL_MAX} characters or fewer` : null;
    if (problem) {
      showError('kiosk-label', problem);
      ctx.errors([{ text: problem, href: '#kiosk-label' }]);
      return;
    }
    const reply = await ctx.request({ type: 'kiosk_add', label });
    if (reply.type !== 'kiosk_added') {
      showError('kiosk-label', ctx.errorText(reply));
      ctx.failed(reply, '#kiosk-label');
      return;
    }
    form.querySelector('#kiosk-label').value = '';
    const again = await ctx.request({ type: 'kiosks' });
    if (again.type === 'kiosks') shown = again.kiosks || [];
    redraw();
    panel.replaceChildren(linkPanel(reply));
    ctx.success(`${reply.kiosk?.label || 'The kiosk'} is added. Open its link on the kiosk.`);
  });
  ctx.show(...head, panel, form, slot);
  redraw();
}
