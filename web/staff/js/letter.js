// #letter/<plan>: the easy-read invitation letter with the plan code, to print and give or post
// to the person. The server says a code only once (invite, new_code) and keeps only its hash, so
// this page holds the code in memory for printing; after a reload, making a new code is the way
// to print another letter (the old code stops working).

import { h, button, backLink } from './dom.js';
import { can } from './roles.js';

export const needs = 'invite';

const codes = new Map(); // plan id -> {code, person, fresh}

/** Keeps a code the server has just given, for the letter. how: 'invite' or 'new_code'. */
export function remember(plan, code, person, how = 'invite') {
  codes.set(String(plan), { code: String(code), person: person ? String(person) : '', fresh: how });
}

/** An easy-read step: a picture (its words are beside it), then the words. */
function step(picture, ...words) {
  return h('div', { class: 'app-letter__step' },
    h('img', { class: 'app-letter__picture', src: `/pictures/${picture}.svg`, alt: '', width: '72', height: '72' }),
    h('div', { class: 'app-letter__words' }, words));
}

const p = (...c) => h('p', { class: 'app-letter__text' }, c);
const b = (text) => h('strong', { text });

function theLetter(person, code) {
  const address = `${location.origin}/`;
  return h('article', { class: 'app-letter', 'aria-labelledby': 'letter-title' },
    h('h2', { class: 'app-letter__title', id: 'letter-title', text: 'Write your own plan' }),
    p(person ? `Dear ${person},` : 'Hello,'),
    step('writing',
      p('You can write your own ', b('care and support plan'), '.'),
      p('Your plan says what ', b('matters to you'), '. It says what ', b('support'), ' you want.')),
    h('h3', { class: 'app-letter__heading', text: 'Your plan code' }),
    step('key',
      h('p', { class: 'app-letter__code', id: 'letter-code', text: code }),
      p('Keep this letter ', b('safe'), '. The code opens ', b('your plan'), '.')),
    h('h3', { class: 'app-letter__heading', text: 'What to do' }),
    step('map-pin',
      p('Go to a ', b('library'), ' or ', b('day centre'), '. Use the ', b('Plan Aloud'), ' computer there.'),
      p('Or use a computer ', b('at home'), '. Go to this address:'),
      h('p', { class: 'app-letter__address', text: address })),
    step('letter',
      p('The page asks for your ', b('code'), '. Type the code from this letter.')),
    step('speech',
      p('The computer can ', b('read each page'), ' to you. Press ', b('Listen'), '.')),
    step('clock',
      p('Take your ', b('time'), '. You can stop and ', b('come back later'), '.'),
      p('Your answers are ', b('saved'), ' as you go.')),
    h('h3', { class: 'app-letter__heading', text: 'Who can help' }),
    step('helper',
      p('A ', b('friend'), ', ', b('carer'), ' or ', b('family member'), ' can help you write it.'),
      p('You can ask for an ', b('advocate'), '. An advocate helps you say what you want.')),
    step('send',
      p('When you have finished, press ', b('Send'), '.'),
      p('Your ', b('social worker'), ' reads your plan. Then you talk about it together.')),
    h('p', { class: 'app-letter__credit', text: 'Pictures: OpenMoji (CC BY-SA 4.0).' }));
}

async function newCode(ctx, plan, person) {
  const r = await ctx.request({ type: 'new_code', plan: Number(plan) });
  if (r.type !== 'invited') {
    ctx.failed(r);
    return;
  }
  remember(r.plan ?? plan, r.code, person, 'new_code');
  ctx.go(`letter/${plan}`);
}

export async function render(ctx, plan) {
  if (!/^\d+$/.test(plan || '')) {
    ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Page not found' }),
      h('p', { class: 'govuk-body', text: 'This address does not name a plan.' }));
    return;
  }
  const known = codes.get(plan);
  if (!known) {
    // The code has gone with the page it was shown on: offer a new one.
    let person = '';
    if (can(ctx.me, 'read_plan')) {
      const r = await ctx.request({ type: 'plan', plan: Number(plan) });
      if (r.type === 'plan') person = String(r.person || '');
    }
    const make = button('Make a new code and letter', { id: 'new-code' });
    make.addEventListener('click', () => newCode(ctx, plan, person));
    ctx.show(
      backLink(`#plan/${plan}`, 'Back to the plan'),
      h('h1', { class: 'govuk-heading-l', text: person ? `Invitation letter for ${person}` : 'Invitation letter' }),
      h('p', { class: 'govuk-body', text: 'A plan code is shown only once: when the person is invited, or when a new code is made.' }),
      h('p', { class: 'govuk-body', text: 'To print a letter now, make a new code. The old code stops working, so only the new letter opens the plan.' }),
      make);
    return;
  }
  const print = button('Print the letter', { id: 'print', class: 'govuk-button app-no-print' });
  print.addEventListener('click', () => window.print());
  ctx.show(
    backLink('#caseload', 'Back to caseload'),
    h('div', { class: 'app-no-print' },
      h('h1', { class: 'govuk-heading-l', text: known.person ? `Invitation letter for ${known.person}` : 'Invitation letter' }),
      h('p', { class: 'govuk-body', text: 'Print this letter and give or post it to the person. It has their plan code.' }),
      h('div', { class: 'govuk-inset-text', text: 'The code is shown only now. If the letter is lost, make a new code from the plan: the old code then stops working.' }),
      h('div', { class: 'govuk-button-group' }, print,
        h('a', { class: 'govuk-link', href: `#plan/${plan}`, text: 'Go to the plan' }))),
    theLetter(known.person, known.code));
  if (known.fresh) {
    const invited = known.fresh === 'invite' && known.person;
    known.fresh = false;
    ctx.success(invited ? `${known.person} is invited. Their plan code is in the letter below.`
      : 'A new plan code is made. The old code no longer works. The new code is in the letter below.');
  }
}
