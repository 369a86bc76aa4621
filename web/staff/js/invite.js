// #invite: after an assessment, invite a person to write their plan: their name, the language of
// their letter (which the kiosk then opens the plan in), the assessed needs (easy-read wording,
// eligible or not; rows added and removed), the indicative weekly budget and the ways of managing
// it to offer. The reply's plan code goes straight to the letter.

import { h, input, textarea, choices, button, backLink, showError, clearErrors, isMoney, moneyText } from './dom.js';
import { managingWays } from './words.js';
import { watchWords } from './easyread.js';
import * as letter from './letter.js';

export const needs = 'invite';

const MAX_NEEDS = 30;

let rows = 0; // need rows ever made on this page: their ids stay unique

function needRow(list, ctx) {
  const n = ++rows;
  const row = h('div', { class: 'app-need', dataset: { need: String(n) } },
    h('h3', { class: 'govuk-heading-s app-need__title' }),
    textarea(`need-${n}-text`, {
      label: 'What the person needs, in easy read', rows: 2,
      hint: 'For example: You need help to cook a hot meal each day.',
    }),
    choices(`need-${n}-eligible`, {
      legend: 'Will the council help with this need?', inline: true, small: true,
      hint: 'Yes if the need is eligible under the Care Act.',
      items: [{ value: 'yes', text: 'Yes, it is eligible' }, { value: 'no', text: 'No' }],
    }));
  const remove = button('', { secondary: true, class: 'govuk-button govuk-button--secondary app-need__remove' });
  remove.addEventListener('click', () => {
    const title = row.querySelector('.app-need__title').textContent;
    row.remove();
    renumber(list);
    ctx.announce(`${title} removed.`);
    document.getElementById('add-need').focus();
  });
  row.append(remove);
  watchWords(row.querySelector('textarea'), ctx);
  return row;
}

/** "Need 1", "Need 2"...; Remove buttons say which need they remove, and show only with 2 or more. */
function renumber(list) {
  const all = [...list.querySelectorAll('.app-need')];
  all.forEach((row, i) => {
    row.querySelector('.app-need__title').textContent = `Need ${i + 1}`;
    const remove = row.querySelector('.app-need__remove');
    remove.replaceChildren('Remove', h('span', { class: 'govuk-visually-hidden', text: ` need ${i + 1}` }));
    remove.hidden = all.length < 2;
  });
  document.getElementById('add-need').hidden = all.length >= MAX_NEEDS;
}

/** Reads and checks the form; shows the errors by their fields. Returns the invite or null. */
function read(form, ctx) {
  clearErrors(form);
  const errors = [];
  const fail = (id, text) => {
    errors.push({ text, href: `#${id}` });
    showError(id, text);
  };
  const person = form.querySelector('#person').value.trim();
  if (!person) fail('person', "Enter the person's full name");
  const needsList = [];
  [...form.querySelectorAll('.app-need')].forEach((row, i) => {
    const n = row.dataset.need;
    const text = row.querySelector(`#need-${n}-text`).value.trim();
    const chosen = row.querySelector(`input[name="need-${n}-eligible"]:checked`);
    if (!text) fail(`need-${n}-text`, `Enter need ${i + 1}, in easy read`);
    if (!chosen) fail(`need-${n}-eligible`, `Select whether the council will help with need ${i + 1}`);
    needsList.push({ text, eligible: chosen ? chosen.value === 'yes' : false });
  });
  const budget = moneyText(form.querySelector('#budget').value);
  if (!budget) fail('budget', 'Enter the indicative weekly budget');
  else if (!isMoney(budget)) fail('budget', 'Enter the budget as an amount in pounds, like 245 or 245.50');
  const managing = [...form.querySelectorAll('input[name="managing"]:checked')].map((c) => c.value);
  if (!managing.length) fail('managing', 'Select at least one way of managing the budget to offer');
  if (errors.length) {
    ctx.errors(errors);
    return null;
  }
  const lang = form.querySelector('#letter-lang')?.value;
  return { type: 'invite', person, ...(lang ? { lang } : {}), needs: needsList, budget, managing };
}

export async function render(ctx) {
  const list = h('div', { class: 'app-needs', id: 'need-rows' });
  const add = button('Add another need', { secondary: true, id: 'add-need' });
  const form = h('form', { novalidate: true, id: 'invite-form' },
    input('person', { label: "Person's full name", labelClass: 'govuk-label--s', autocomplete: 'off', spellcheck: false, maxlength: 200 }),
    letter.languageSelect('letter-lang', {
      label: 'Language of the letter',
      hint: 'The language the person reads best. The kiosk opens their plan in it; they can change it on any page.',
    }),
    h('fieldset', { class: 'govuk-fieldset app-needs-fieldset', 'aria-describedby': 'needs-hint' },
      h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--m' },
        h('h2', { class: 'govuk-fieldset__heading', text: 'Needs from the assessment' })),
      h('div', { class: 'govuk-hint', id: 'needs-hint', text: 'Write each need as the person will read and hear it: short, plain words. Add every assessed need, eligible or not.' }),
      list, add),
    input('budget', {
      label: 'Indicative weekly budget', labelClass: 'govuk-label--s', prefix: '£', width: 10,
      inputmode: 'decimal', hint: 'The personal budget a week, from the resource allocation. For example, 245.50', spellcheck: false,
    }),
    choices('managing', {
      kind: 'checkboxes', legend: 'Ways of managing the budget to offer', legendClass: 'govuk-fieldset__legend--s',
      hint: 'Select all that apply. Offer a direct payment wherever it could work.',
      items: managingWays(),
    }),
    h('div', { class: 'govuk-button-group' },
      h('button', { type: 'submit', class: 'govuk-button', 'data-module': 'govuk-button', id: 'invite-send', text: 'Invite and make a plan code' }),
      h('a', { class: 'govuk-link', href: '#caseload', text: 'Cancel' })));

  list.append(needRow(list, ctx));
  add.addEventListener('click', () => {
    const row = needRow(list, ctx);
    list.append(row);
    renumber(list);
    row.querySelector('textarea').focus();
  });

  let sending = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (sending) return;
    const m = read(form, ctx);
    if (!m) return;
    sending = true;
    const r = await ctx.request(m);
    sending = false;
    if (r.type !== 'invited') {
      const field = { 'bad-money': 'budget', 'bad-lang': 'letter-lang' }[r.code];
      ctx.failed(r, field ? `#${field}` : null);
      if (field) showError(field, ctx.errorText(r));
      return;
    }
    letter.remember(r, m.person);
    ctx.go(`letter/${r.plan}`);
  });

  ctx.show(
    backLink('#caseload', 'Back to caseload'),
    h('h1', { class: 'govuk-heading-l', text: 'Invite a person to write their plan' }),
    h('p', { class: 'govuk-body', text: 'After the assessment, invite the person. They get a letter with a plan code. They use the code on a kiosk or at home to write their own plan.' }),
    form);
  renumber(list);
}
