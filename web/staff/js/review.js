// #review/<id>: the review of a signed-off plan, with the questions councils ask: what
// is working, what is not, have the outcomes been met, is the budget still right, have the
// person's circumstances or support networks changed, is everyone satisfied. The review confirms
// the plan (it stays signed off) or reopens it for changes.

import { h, backLink, textarea, choices, showError, clearErrors, summaryList, tag, theirs } from './dom.js';
import { statusText, statusColour, reviewQuestions, FLAG_DETAIL } from './words.js';

export const needs = 'complete_review';

/** When the person asked for this review: why, in their own words and language. */
function asked(p) {
  const flags = p.type === 'plan' && Array.isArray(p.flags) ? p.flags : [];
  const open = flags.filter((f) => f.kind === 'review' && f.open !== false && !f.closed && typeof f.detail === 'string' && f.detail.trim());
  if (!open.length) return null;
  return h('div', { class: 'govuk-inset-text', id: 'review-asked' },
    h('p', { class: 'govuk-body', text: `The person asked for this review. ${FLAG_DETAIL}` }),
    open.map((f) => h('p', { class: 'govuk-body app-verbatim app-quote', ...theirs(p), text: f.detail })));
}

export async function render(ctx, id) {
  const back = backLink(`#plan/${encodeURIComponent(id || '')}`, 'Back to the plan');
  if (!/^\d+$/.test(id || '')) {
    ctx.show(back, h('h1', { class: 'govuk-heading-l', text: 'Page not found' }),
      h('p', { class: 'govuk-body', text: 'This address does not name a plan.' }));
    return;
  }
  const plan = Number(id);
  const p = await ctx.request({ type: 'plan', plan });
  const person = p.type === 'plan' ? String(p.label || p.person || '') : '';
  // The questions, their keys in the review message and which must be answered: the server's.
  const questions = reviewQuestions();
  const form = h('form', { novalidate: true, id: 'review-form' },
    questions.map(({ key, question, hint, required }) => textarea(`review-${key}`, {
      label: required ? question : `${question} (optional)`, labelClass: 'govuk-label--s', hint, rows: 4,
    })),
    choices('review-outcome', {
      legend: 'What happens to the plan now?', legendClass: 'govuk-fieldset__legend--m',
      items: [
        { value: 'confirm', text: 'Confirm the plan', hint: 'It stays signed off. The next full review is in 12 months.' },
        { value: 'reopen', text: 'Reopen the plan for changes', hint: 'The person changes their plan and sends it again. It is agreed and signed off again.' },
      ],
    }),
    h('button', { type: 'submit', class: 'govuk-button', id: 'review-send', text: 'Record the review' }));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const answers = {};
    const errors = [];
    for (const { key, question, required } of questions) {
      answers[key] = form.querySelector(`#review-${key}`).value.trim();
      if (required && !answers[key]) errors.push([`review-${key}`, `Answer: ${question}`]);
    }
    const outcome = form.querySelector('input[name="review-outcome"]:checked')?.value;
    if (!outcome) errors.push(['review-outcome', 'Select whether to confirm the plan or reopen it']);
    if (errors.length) {
      for (const [f, t] of errors) showError(f, t);
      ctx.errors(errors.map(([f, t]) => ({ text: t, href: `#${f}` })));
      return;
    }
    const r = await ctx.request({ type: 'review', plan, answers, outcome });
    if (r.type !== 'plan') {
      ctx.failed(r);
      return;
    }
    ctx.show(back,
      h('span', { class: 'govuk-caption-l', text: person || `Plan ${plan}` }),
      h('h1', { class: 'govuk-heading-l', text: 'Review recorded' }),
      summaryList([['Status now', tag(statusText(r.status), statusColour(r.status))]]),
      h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: `#plan/${plan}`, text: 'Go to the plan' })));
    ctx.success(outcome === 'confirm' ? 'The review is recorded and the plan is confirmed.' : 'The review is recorded and the plan is reopened for changes.');
  });

  ctx.show(back,
    h('span', { class: 'govuk-caption-l', text: person || `Plan ${plan}` }),
    h('h1', { class: 'govuk-heading-l', text: 'Review the plan' }),
    asked(p),
    h('p', { class: 'govuk-body', text: 'Talk with the person, and their carer and advocate if they have them. Write down what they say.' }),
    form);
  if (p.type !== 'plan') ctx.failed(p);
}
