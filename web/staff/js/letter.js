// #letter/<plan>: the easy-read invitation letter with the plan code, to print and give or post
// to the person, in the language chosen for it (docs/staff.md, "Languages"). Its words are that
// language's letter.* messages, from the server (letter_words), with **bold** as on the kiosk; the
// letter carries the language's lang and dir, so Urdu and Arabic read right to left, while the
// code and the address stay Latin and left to right. The server says a code only once (invite,
// new_code) and keeps only its hash, so this page holds the code in memory for printing; after a
// reload, making a new code is the way to print another letter (the old code stops working). The
// letter can be printed again in another language with the same code.

import { h, button, backLink } from './dom.js';
import { fillText } from '/js/text.js';
import { can } from './roles.js';
import { languages, languageChoice } from './words.js';

export const needs = 'invite';

const codes = new Map(); // plan id -> {code, person, fresh, lang, numbers}

/**
 * Keeps a code the server has just given, for the letter: the `invited` reply r (its code, the
 * letter's language `lang`, and the code as digits alone, `numbers`, when it has them). how:
 * 'invite' or 'new_code'.
 */
export function remember(r, person, how = 'invite') {
  codes.set(String(r.plan), {
    code: String(r.code),
    person: person ? String(person) : '',
    fresh: how,
    lang: typeof r.lang === 'string' && r.lang ? r.lang : '',
    numbers: typeof r.numbers === 'string' && r.numbers ? r.numbers : '',
  });
}

/**
 * A select of every language the letter can be in, each named in English and in itself, chosen
 * picked; null when English is the only one. id names its form group (#<id>-group) as the form
 * helpers in dom.js do.
 */
export function languageSelect(id, { label, hint, chosen, labelClass = 'govuk-label--s' }) {
  const list = languages();
  if (list.length < 2) return null;
  const pick = list.some((l) => l.lang === chosen) ? chosen : list[0].lang;
  return h('div', { class: 'govuk-form-group', id: `${id}-group` },
    h('label', { class: `govuk-label ${labelClass}`, for: id, text: label }),
    hint ? h('div', { class: 'govuk-hint', id: `${id}-hint`, text: hint }) : null,
    h('p', { class: 'govuk-error-message', id: `${id}-error`, hidden: true }),
    h('select', { class: 'govuk-select app-select', id, name: id, 'aria-describedby': hint ? `${id}-hint` : null },
      list.map((l) => h('option', { value: l.lang, selected: l.lang === pick, text: languageChoice(l) }))));
}

/** An easy-read step: a picture (its words are beside it), then the words. */
function step(picture, ...words) {
  return h('div', { class: 'app-letter__step' },
    h('img', { class: 'app-letter__picture', src: `/pictures/${picture}.svg`, alt: '', width: '72', height: '72' }),
    h('div', { class: 'app-letter__words' }, words));
}

/**
 * The letter in the words of r (the letter_words reply): { lang, dir, words: {name: text} }. The
 * code, its numbers and the address are Latin, left to right, whatever the letter's direction.
 */
function theLetter(r, person, known) {
  const words = r.words && typeof r.words === 'object' ? r.words : {};
  const say = (name, vars = {}) => String(words[name] ?? name).replace(/\{([^}]*)\}/g, (all, k) => (k in vars ? vars[k] : all));
  const p = (name, vars) => fillText(h('p', { class: 'app-letter__text' }), say(name, vars));
  const latin = (cls, text, id) => h('p', { class: cls, id, lang: 'en', dir: 'ltr', text });
  return h('article', { class: 'app-letter', id: 'letter', lang: r.lang, dir: r.dir === 'rtl' ? 'rtl' : 'ltr', 'aria-labelledby': 'letter-title' },
    fillText(h('h2', { class: 'app-letter__title', id: 'letter-title' }), say('letter.title')),
    person ? p('letter.dear', { name: person }) : p('letter.hello'),
    step('writing', p('letter.write'), p('letter.matters')),
    fillText(h('h3', { class: 'app-letter__heading' }), say('letter.code-heading')),
    step('key',
      latin('app-letter__code', known.code, 'letter-code'),
      known.numbers ? [p('code.numbers'), latin('app-letter__code', known.numbers, 'letter-numbers')] : null,
      p('letter.keep')),
    fillText(h('h3', { class: 'app-letter__heading' }), say('letter.what-heading')),
    step('map-pin', p('letter.go'), p('letter.home'), latin('app-letter__address', `${location.origin}/`)),
    step('letter', p('letter.language'), p('letter.type')),
    step('speech', p('letter.listen')),
    step('clock', p('letter.time'), p('letter.saved')),
    fillText(h('h3', { class: 'app-letter__heading' }), say('letter.help-heading')),
    step('helper', p('letter.helpers'), p('letter.advocate')),
    step('send', p('letter.send'), p('letter.reads')),
    fillText(h('p', { class: 'app-letter__credit' }), say('letter.credit')));
}

async function newCode(ctx, plan, person) {
  const r = await ctx.request({ type: 'new_code', plan: Number(plan) });
  if (r.type !== 'invited') {
    ctx.failed(r);
    return;
  }
  remember({ ...r, plan: r.plan ?? plan }, person, 'new_code');
  ctx.go(`letter/${plan}`);
}

/** The letter's words in lang; null (the error shown) when the server refuses. */
async function wordsIn(ctx, lang) {
  const r = await ctx.request({ type: 'letter_words', lang: lang || languages()[0]?.lang || 'en-GB' });
  if (r.type === 'letter_words') return r;
  ctx.failed(r, '#letter-lang');
  return null;
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
  const words = await wordsIn(ctx, known.lang);
  const print = button('Print the letter', { id: 'print', class: 'govuk-button app-no-print' });
  print.addEventListener('click', () => window.print());
  const holder = h('div', { id: 'letter-holder' }, words ? theLetter(words, known.person, known) : null);
  const choose = languageSelect('letter-lang', {
    label: 'Language of the letter', chosen: words?.lang || known.lang,
    hint: 'To print it again in another language, choose it. The plan code stays the same.',
  });
  choose?.querySelector('select').addEventListener('change', async (ev) => {
    const r = await wordsIn(ctx, ev.target.value);
    if (!r) return;
    known.lang = r.lang;
    ctx.clearMessages();
    holder.replaceChildren(theLetter(r, known.person, known));
    ctx.announce(`The letter is now in ${r.language || r.lang}.`);
  });
  ctx.show(
    backLink('#caseload', 'Back to caseload'),
    h('div', { class: 'app-no-print' },
      h('h1', { class: 'govuk-heading-l', text: known.person ? `Invitation letter for ${known.person}` : 'Invitation letter' }),
      h('p', { class: 'govuk-body', text: 'Print this letter and give or post it to the person. It has their plan code.' }),
      h('div', { class: 'govuk-inset-text', text: 'The code is shown only now. If the letter is lost, make a new code from the plan: the old code then stops working.' }),
      choose,
      h('div', { class: 'govuk-button-group' }, print,
        h('a', { class: 'govuk-link', href: `#plan/${plan}`, text: 'Go to the plan' }))),
    holder);
  if (known.fresh) {
    const invited = known.fresh === 'invite' && known.person;
    known.fresh = false;
    ctx.success(invited ? `${known.person} is invited. Their plan code is in the letter below.`
      : 'A new plan code is made. The old code no longer works. The new code is in the letter below.');
  }
}
