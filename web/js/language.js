// The language choice (docs/narration.md, "Languages"): each language named in itself, with its
// own `lang` and `dir`, and said in its own voice when it gets focus or is touched (its text id
// `lang/<tag>`: the server reads it in that language). On the welcome page the choice comes first;
// on every other page it is behind "Language" in the header. Choosing one asks the server, which
// sends the words (a new `hello`) and the same page again in that language: the answers stay.

import { el } from './dom.js';
import { msg, fillText, setText } from './text.js';
import * as narration from './narration.js';

let languages = []; // hello.languages: {lang, dir, name, text}
let lang = document.documentElement.lang || 'en-GB';
let send = null;

/** send(m) -> bool: how the choice reaches the server. */
export function init(sendFn) {
  send = sendFn;
}

/** The language now, and the ones offered: the page's lang and dir follow it. */
export function onHello(m) {
  languages = Array.isArray(m.languages)
    ? m.languages.filter((l) => l && typeof l.lang === 'string' && typeof l.name === 'string')
    : [];
  if (typeof m.lang === 'string' && m.lang) lang = m.lang;
  const root = document.documentElement;
  root.lang = lang;
  root.dir = m.dir === 'rtl' ? 'rtl' : 'ltr';
  const more = document.getElementById('language-more');
  if (more) {
    more.classList.toggle('is-waiting', languages.length < 2);
    setText(document.getElementById('language-label'), msg('language.button'));
    document.getElementById('language-list')?.replaceChildren(...buttons('header'));
  }
}

/** The languages as buttons, the one in use pressed. where: a prefix for their ids. */
export function buttons(where) {
  return languages.map((l) => {
    const b = el('button', {
      type: 'button', class: 'button button-secondary language-button',
      id: `language-${where}-${l.lang}`, lang: l.lang, dir: l.dir === 'rtl' ? 'rtl' : 'ltr',
      'aria-pressed': l.lang === lang ? 'true' : 'false',
    });
    fillText(b, l.text && typeof l.text.text === 'string' ? l.text : { id: 'lang/' + l.lang, text: l.name });
    b.addEventListener('click', () => choose(l.lang));
    return b;
  });
}

/** The choice on the welcome page: a heading, then every language. */
export function choice() {
  if (languages.length < 2) return null;
  const head = el('h2', { class: 'question', id: 'language-choose' });
  fillText(head, msg('language.choose'));
  return el('div', { class: 'language-choice', id: 'language-choice', role: 'group', 'aria-labelledby': head.id },
    head, el('div', { class: 'button-group language-buttons' }, ...buttons('page')));
}

function choose(tag) {
  // said in its own voice, then the page comes back in it (and reads itself, if it does)
  narration.speak(['lang/' + tag]);
  const more = document.getElementById('language-more');
  if (more) more.open = false;
  if (tag !== lang && send) send({ type: 'language', lang: tag });
}

/** The language the page is in. */
export function current() {
  return lang;
}
