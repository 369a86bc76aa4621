// #erase/<id>: an administrator erases a person's plan (the person asked, or it was made by
// mistake). Everything about the person goes from every table; a record that the plan was
// erased (when, by whom, why) and the audit log stay. A GOV.UK warning says it cannot be undone,
// and the plan's number must be typed to confirm; the server checks both again. #erase alone
// asks for the plan's number.

import { h, backLink, warning, input, choices, showError, clearErrors, banner } from './dom.js';

export const needs = 'erase_plan';

const REASONS = [
  { value: 'person_asked', text: 'The person asked us to erase it', hint: 'Their right to erasure under UK GDPR.' },
  { value: 'made_in_error', text: 'It was made by mistake', hint: 'For example, for the wrong person, or a test.' },
];

function lookup(ctx) {
  const form = h('form', { novalidate: true },
    input('erase-plan', { label: 'Plan number', labelClass: 'govuk-label--s', width: 5, inputmode: 'numeric', hint: 'The number of the plan to erase.' }),
    h('button', { type: 'submit', class: 'govuk-button', text: 'Continue' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const n = form.querySelector('#erase-plan').value.trim();
    if (!/^\d+$/.test(n)) {
      showError('erase-plan', 'Enter a plan number, like 7');
      ctx.errors([{ text: 'Enter a plan number, like 7', href: '#erase-plan' }]);
      return;
    }
    ctx.go(`erase/${n}`);
  });
  ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Erase a plan' }), form);
}

function erased(ctx, r) {
  ctx.show(h('h1', { class: 'govuk-heading-l', text: `Plan ${r.plan} has been erased` }),
    banner(h('p', { class: 'govuk-notification-banner__heading', text: `Everything about the person in plan ${r.plan} has been erased.` }), { success: true, id: 'erased' }),
    h('p', { class: 'govuk-body', text: 'A record that it was erased, by you and why, is kept. So is its audit log, which holds none of the person\'s words.' }),
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: `#audit/${r.plan}`, text: 'Read the audit log' })));
}

export async function render(ctx, id) {
  if (!id) {
    lookup(ctx);
    return;
  }
  const back = backLink(`#audit/${encodeURIComponent(id)}`, 'Back to the audit log');
  if (!/^\d+$/.test(id)) {
    ctx.show(back, h('h1', { class: 'govuk-heading-l', text: 'Erase a plan' }));
    ctx.failed({ message: 'This address does not name a plan.' });
    return;
  }
  const form = h('form', { novalidate: true, id: 'erase-form' },
    choices('erase-reason', { legend: 'Why is it being erased?', legendClass: 'govuk-fieldset__legend--m', items: REASONS }),
    input('erase-confirm', { label: `Type the plan number, ${id}, to confirm`, labelClass: 'govuk-label--s', width: 5, inputmode: 'numeric' }),
    h('button', { type: 'submit', class: 'govuk-button govuk-button--warning', id: 'erase-button', text: 'Erase this plan' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const reason = form.querySelector('input[name="erase-reason"]:checked')?.value;
    const confirm = form.querySelector('#erase-confirm').value.trim();
    const problems = [];
    if (!reason) {
      showError('erase-reason', 'Choose why the plan is being erased');
      problems.push({ text: 'Choose why the plan is being erased', href: '#erase-reason' });
    }
    if (confirm !== id) {
      showError('erase-confirm', `Type the plan number, ${id}, to confirm`);
      problems.push({ text: `Type the plan number, ${id}, to confirm`, href: '#erase-confirm' });
    }
    if (problems.length) {
      ctx.errors(problems);
      return;
    }
    const r = await ctx.request({ type: 'erase', plan: Number(id), reason, confirm });
    if (r.type !== 'erased') {
      ctx.failed(r, r.code === 'confirm-plan' ? '#erase-confirm' : undefined);
      return;
    }
    erased(ctx, r);
    ctx.focusHeading();
  });
  ctx.show(back, h('span', { class: 'govuk-caption-l', text: `Plan ${id}` }),
    h('h1', { class: 'govuk-heading-l', text: 'Erase this plan' }),
    warning('This cannot be undone. The person\'s answers, every version, the comments, flags and reviews are erased for good.'),
    h('p', { class: 'govuk-body' }, 'Before you erase it, you can ',
      h('a', { class: 'govuk-link', href: `#export/${id}`, text: 'give the person a copy of everything held about them' }), '.'),
    form);
}
