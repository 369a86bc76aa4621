// The keyboard on the screen, for a touch screen with no keyboard of its own (Chromium in kiosk
// mode shows none): large keys, letters A to Z or laid out like a computer's, numbers and money,
// Space, Delete, Clear and Done, and the words the person may want, from the content and from
// their own earlier answers (docs/narration.md, "The keyboard on the screen").
//
// It types into one box of the page at a time by setting its value and sending the same `input`
// event typing sends, so saving works as it does for any typing (autosave.js). A kiosk set up with
// `--keyboard on` (hello.kiosk.keyboard) shows it for every box to type in; elsewhere "Show the
// keyboard" by each box opens it. Each key is said when the person has sound on (the fixed
// `key.*` and `keyboard.*` messages, read ahead by the server), and a word chosen is said too
// (`word/<word>`); on a private page without headphones, the letters typed are not said.
//
// Words are the server's: labels from hello.messages, the content's words from hello.words, the
// person's own from the page description (`words`), held in this page's memory only.

import { el } from './dom.js';
import { msg, setText } from './text.js';
import * as narration from './narration.js';
import * as listening from './listening.js';

const SUGGESTIONS = 4;

// The letters are letters: only their order is the page's. "Letters A to Z" is the language's
// own alphabet (`keyboard.alphabet`, in the order the language says it), set by alphabetRows().
const A_TO_Z = ['abcdefghij', 'klmnopqrst', "uvwxyz.,'?"]; // before hello, or without an alphabet
const LAYOUTS = {
  letters: A_TO_Z,
  qwerty: ['qwertyuiop', "asdfghjkl'", 'zxcvbnm,.?'],
  numbers: ['1234567890', '£./-,?'],
};
const SIGN_KEYS = ".,'?";
let alphabet = new Set('abcdefghijklmnopqrstuvwxyz'); // the letters of the language's own layout
// What each sign is called, for the voice (`key.*` in messages.txt).
const SIGNS = {
  '£': 'key.pound', '/': 'key.slash', '-': 'key.dash', ',': 'key.comma', "'": 'key.apostrophe',
  '?': 'key.question',
};
const LAYOUT_NAMES = { letters: 'keyboard.letters', qwerty: 'keyboard.qwerty', numbers: 'keyboard.numbers' };

let always = false;   // open it for every box to type in (the kiosk's setting, or the person's)
let panel = null;     // the keyboard
let target = null;    // the box it types into
let layout = 'letters';
let capital = false;  // the next letter is a capital
let dateDraft = '';   // a date as typed, day/month/year, until it is a whole date
let contentWords = []; // hello.words: the content's, most used first
let ownWords = [];     // the page's words: the person's own, most used first
let privatePage = false; // the page's answers are private (a name, about being hurt)
let parts = null;      // the panel's rows and keys
let shownPage = null;  // the id of the page drawn last
let reopenFor = '';    // the box the keyboard was open on when the language changed

// ---- which boxes -----------------------------------------------------------------------------

const BOX = 'input.input, textarea.textarea';

function typeable(e) {
  return e instanceof HTMLElement && e.matches(BOX) && !e.readOnly && !e.disabled &&
    e.isConnected && (e.type === 'text' || e.type === 'date' || e.tagName === 'TEXTAREA');
}

/** Money and dates open on numbers. */
function kindOf(box) {
  if (box.type === 'date') return 'date';
  if (box.classList.contains('input-money')) return 'money';
  if (box.id === 'code-input') return 'code';
  return 'words';
}

// ---- saying keys -------------------------------------------------------------------------------

/**
 * Letters, digits, signs and words typed are not said on a private page (a name, about being
 * hurt) nor in the code's box, unless private things may be said here: one by one they spell it.
 */
function sayTyped(id) {
  const secret = privatePage || (target && kindOf(target) === 'code');
  if (secret && !listening.privateAloud()) {
    narration.stop(); // typing stops the voice
    return;
  }
  if (!narration.sayKey(id)) narration.stop();
}

function sayControl(name) {
  if (!narration.sayKey(msg(name).id)) narration.stop();
}

function keyName(ch) {
  if (/^[a-z0-9]$/i.test(ch)) return 'key.' + ch.toLowerCase();
  if (ch === '.') return layout === 'numbers' ? 'key.point' : 'key.full-stop';
  return SIGNS[ch] || null;
}

/**
 * The text id the voice says a key by: its name in messages.txt (`key.*`), or a letter of the
 * language's own alphabet as itself (`char/ŵ`: the server reads it in the language's voice).
 */
function keyId(ch) {
  const name = keyName(ch);
  if (name) return msg(name).id;
  return alphabet.has(ch) ? 'char/' + ch : null;
}

/** A letter with a capital (ŵ, ą, ș have; Urdu and Bengali letters do not). */
function cased(ch) {
  return ch.toLocaleUpperCase() !== ch;
}

/** The language's alphabet in rows of about ten, then the signs. */
function alphabetRows(text) {
  const letters = [...new Set(Array.from(text || ''))].filter((c) => c.trim() && !SIGN_KEYS.includes(c));
  if (!letters.length) return A_TO_Z;
  const all = [...letters, ...SIGN_KEYS];
  const perRow = all.length > 40 ? 12 : 10;
  const rows = [];
  for (let i = 0; i < all.length; i += perRow) rows.push(all.slice(i, i + perRow));
  return rows;
}

// ---- typing ----------------------------------------------------------------------------------

/** Sets the box's value as typing would: the `input` event autosave listens for. */
function setValue(v) {
  target.value = v;
  target.dispatchEvent(new Event('input', { bubbles: true }));
}

function fits(v) {
  return !(target.maxLength > 0 && v.length > target.maxLength);
}

/** A letter at the start of a sentence is a capital. */
function startsSentence(v) {
  return v.trim() === '' || /[.!?]\s+$/.test(v);
}

function typeChar(ch) {
  if (!target) return;
  if (target.type === 'date') {
    typeDate(ch);
  } else {
    let c = ch;
    if (cased(ch) && (capital || (kindOf(target) === 'words' && startsSentence(target.value)))) {
      c = ch.toUpperCase();
    }
    if (fits(target.value + c)) setValue(target.value + c);
    if (capital && cased(ch)) setCapital(false);
  }
  const id = keyId(ch);
  if (id) sayTyped(id);
  refresh();
}

function space() {
  if (!target) return;
  if (target.type !== 'date' && fits(target.value + ' ')) setValue(target.value + ' ');
  sayControl('keyboard.space');
  refresh();
}

function del() {
  if (!target) return;
  if (target.type === 'date') {
    dateDraft = dateDraft.slice(0, -1);
    applyDate();
  } else if (target.value) {
    setValue([...target.value].slice(0, -1).join(''));
  }
  sayControl('keyboard.delete');
  refresh();
}

function clearBox() {
  if (!target) return;
  if (target.type === 'date') {
    dateDraft = '';
    applyDate();
  } else if (target.value) {
    setValue('');
  }
  sayControl('keyboard.clear');
  refresh();
}

// ---- dates: typed day, month, year; the box takes the date once it is a whole one --------------

function draftOf(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** yyyy-mm-dd for a whole, real date typed as d/m/yyyy, or ''. */
function isoOf(draft) {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(draft);
  if (!m) return '';
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return '';
  return `${m[3]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function typeDate(ch) {
  if (!/^[0-9/.-]$/.test(ch) || dateDraft.length >= 10) return;
  const sep = !/[0-9]/.test(ch);
  if (sep && (dateDraft === '' || /\/$/.test(dateDraft) || dateDraft.split('/').length > 2)) return;
  dateDraft += sep ? '/' : ch;
  // Two digits of the day or the month: on to the next.
  if (/^\d{2}$|^\d{1,2}\/\d{2}$/.test(dateDraft)) dateDraft += '/';
  applyDate();
}

/** The box holds the date once it is whole and real, and nothing while it is not. */
function applyDate() {
  const iso = isoOf(dateDraft);
  if (target.value !== iso) setValue(iso);
}

// ---- word prediction ---------------------------------------------------------------------------

/** The word being typed at the end of the text: its letters, or ''. */
function wordBeingTyped(v) {
  const m = /[\p{L}']+$/u.exec(v);
  return m ? m[0] : '';
}

/** Up to SUGGESTIONS words that start with what is typed: the person's own first. */
function predict(v) {
  const typed = wordBeingTyped(v);
  if (!typed) return [];
  const low = typed.toLowerCase();
  const out = [];
  const seen = new Set([low]);
  for (const list of [ownWords, contentWords]) {
    for (const w of list) {
      if (out.length === SUGGESTIONS) return out;
      if (w.length > low.length && w.startsWith(low) && !seen.has(w)) {
        seen.add(w);
        out.push(w);
      }
    }
  }
  return out;
}

/** The word chosen in place of what was typed of it, as it was begun (a capital stays), and a space. */
function choose(word) {
  if (!target) return;
  const v = target.value;
  const typed = wordBeingTyped(v);
  const w = typed && typed[0] !== typed[0].toLowerCase() ? word[0].toUpperCase() + word.slice(1) : word;
  const next = v.slice(0, v.length - typed.length) + w + ' ';
  if (fits(next)) setValue(next);
  sayTyped('word/' + word);
  refresh();
}

// ---- the panel -------------------------------------------------------------------------------

function control(name, cls, onPress) {
  const b = el('button', { type: 'button', class: 'button key key-control ' + cls });
  setText(b, msg(name));
  b.addEventListener('click', onPress);
  return b;
}

function build() {
  const title = el('h2', { class: 'visually-hidden', id: 'keyboard-title' });
  setText(title, msg('keyboard.name'));
  // Switches scan it by rows, then the keys in a row (scan.js): each row is a group.
  const words = el('div', { class: 'keyboard-words', id: 'keyboard-words', role: 'group',
    'aria-labelledby': 'keyboard-words-label', 'data-scan-group': '' });
  const wordsLabel = el('span', { class: 'visually-hidden', id: 'keyboard-words-label' });
  setText(wordsLabel, msg('keyboard.words'));
  const date = el('p', { class: 'keyboard-date', id: 'keyboard-date', hidden: true });
  const keys = el('div', { class: 'keyboard-keys', id: 'keyboard-keys' });
  const cap = control('keyboard.capital', 'key-capital', () => {
    setCapital(!capital);
    sayControl('keyboard.capital');
    refresh();
  });
  cap.setAttribute('aria-pressed', 'false');
  const controls = el('div', { class: 'keyboard-row keyboard-controls', 'data-scan-group': '' },
    cap,
    control('keyboard.space', 'key-space', space),
    control('keyboard.delete', 'key-delete', del),
    control('keyboard.clear', 'key-clear', clearBox),
    control('keyboard.done', 'button-primary key-done', () => {
      sayControl('keyboard.done');
      close(true);
    }));
  const switches = el('div', { class: 'keyboard-row keyboard-layouts', role: 'group',
    'aria-labelledby': 'keyboard-title', 'data-scan-group': '' });
  for (const name of Object.keys(LAYOUTS)) {
    const b = control(LAYOUT_NAMES[name], 'key-layout', () => {
      setLayout(name);
      sayControl(LAYOUT_NAMES[name]);
    });
    b.dataset.layout = name;
    b.setAttribute('aria-pressed', 'false');
    switches.append(b);
  }
  panel = el('section', { class: 'keyboard', id: 'keyboard', 'aria-labelledby': 'keyboard-title', hidden: true,
    'data-scan-group': '' },
    title, wordsLabel, el('div', { class: 'keyboard-row keyboard-top' }, words, date), keys, controls, switches);
  // A press on a key leaves focus where it was: the box keeps its cursor, and a person using
  // Tab or switches still moves through the keys.
  panel.addEventListener('mousedown', (e) => {
    if (e.target instanceof Element && e.target.closest('button')) e.preventDefault();
  });
  document.body.append(panel);
  parts = { words, date, keys, cap, switches };
  new ResizeObserver(fitPage).observe(panel);
}

function setCapital(on) {
  capital = on;
  parts.cap.setAttribute('aria-pressed', on ? 'true' : 'false');
  for (const b of parts.keys.querySelectorAll('.key-char')) {
    const ch = b.dataset.char;
    b.firstChild.textContent = on && cased(ch) ? ch.toLocaleUpperCase() : ch;
  }
}

function setLayout(name) {
  layout = name;
  const rows = LAYOUTS[name].map((row) => {
    const r = el('div', { class: 'keyboard-row keyboard-chars', 'data-scan-group': '' });
    for (const ch of row) {
      const b = el('button', { type: 'button', class: 'button key key-char' }, ch);
      b.dataset.char = ch;
      const id = keyId(ch);
      if (id) b.dataset.textId = id; // focus speech says the key's name
      b.addEventListener('click', () => typeChar(ch));
      r.append(b);
    }
    return r;
  });
  parts.keys.replaceChildren(...rows);
  parts.keys.dataset.layout = name;
  for (const b of parts.switches.querySelectorAll('[data-layout]')) {
    b.setAttribute('aria-pressed', b.dataset.layout === name ? 'true' : 'false');
  }
  parts.cap.hidden = name === 'numbers';
  setCapital(capital && name !== 'numbers');
}

/** The words offered, or for a date what is typed of it; the box in view. */
function refresh() {
  if (!panel || panel.hidden || !target) return;
  showTarget();
  const isDate = target.type === 'date';
  parts.date.hidden = !isDate;
  parts.words.hidden = isDate;
  if (isDate) {
    const shown = el('span', { class: 'keyboard-date-typed', id: 'keyboard-date-typed' }, dateDraft || '\u00a0');
    const hint = el('span', { class: 'keyboard-date-hint' });
    setText(hint, msg('keyboard.date'));
    parts.date.replaceChildren(shown, ' ', hint);
    return;
  }
  const words = kindOf(target) === 'words' ? predict(target.value) : [];
  parts.words.replaceChildren(...words.map((w) => {
    const b = el('button', { type: 'button', class: 'button key key-word' }, w);
    b.dataset.textId = 'word/' + w;
    b.addEventListener('click', () => choose(w));
    return b;
  }));
}

/** Room under the page for the keyboard, and Next kept in view above it. */
function fitPage() {
  const h = panel && !panel.hidden ? Math.ceil(panel.getBoundingClientRect().height) : 0;
  document.documentElement.style.setProperty('--keyboard-height', h + 'px');
  document.documentElement.classList.toggle('keyboard-open', h > 0);
}

/**
 * The box typed into shows above the keyboard (and above Next, kept in view over it): its foot
 * just above them, where the words typed go, and its top if there is room.
 */
function showTarget() {
  if (!target || !isOpen()) return;
  const r = target.getBoundingClientRect();
  const nav = document.querySelector('#page .nav');
  const navH = nav && getComputedStyle(nav).position === 'sticky' ? nav.getBoundingClientRect().height : 0;
  const bottom = window.innerHeight - panel.getBoundingClientRect().height - navH - 8;
  const by = Math.min(r.bottom - bottom, r.top - 8);
  if (r.bottom > bottom || r.top < 0) window.scrollBy(0, by);
}

function markTarget(box) {
  document.querySelector('.is-keyboard-target')?.classList.remove('is-keyboard-target');
  for (const b of document.querySelectorAll('.keyboard-show')) b.setAttribute('aria-expanded', 'false');
  target = box;
  if (!box) return;
  box.classList.add('is-keyboard-target');
  const show = document.querySelector(`.keyboard-show[aria-controls="keyboard"][data-for="${CSS.escape(box.id)}"]`);
  show?.setAttribute('aria-expanded', 'true');
}

/** Opens the keyboard for box, on the layout its kind wants. */
export function open(box) {
  if (!typeable(box)) return;
  if (!panel) build();
  const kind = kindOf(box);
  const wasOpen = !panel.hidden && target === box;
  const opening = panel.hidden;
  markTarget(box);
  if (!wasOpen) { // (touching the box it types into keeps a date half typed)
    dateDraft = box.type === 'date' ? draftOf(box.value) : '';
    if (kind === 'money' || kind === 'date') setLayout('numbers');
    else if (layout === 'numbers' || !parts.keys.childElementCount) setLayout('letters');
  }
  panel.hidden = false;
  fitPage();
  refresh();
  requestAnimationFrame(showTarget); // again once the page has its room under it
  if (opening) changed(true, box);
}

/**
 * Tells the page the keyboard opened or closed (app.js: switch scanning starts again in it, or
 * goes on from the box). While open, scanning starts at it (`data-scan-start`).
 */
function changed(isOpenNow, box) {
  panel.toggleAttribute('data-scan-start', isOpenNow);
  document.dispatchEvent(new CustomEvent('keyboard-change', { detail: { open: isOpenNow, box } }));
}

/** Closes the keyboard; back: focus goes back to the box it typed into. */
export function close(back = false) {
  if (!panel || panel.hidden) return;
  const box = target;
  panel.hidden = true;
  markTarget(null);
  fitPage();
  if (back && box && box.isConnected) {
    suppress = true;
    box.focus({ preventScroll: true });
    suppress = false;
  }
  changed(false, box);
}

export function isOpen() {
  return !!panel && !panel.hidden;
}

/** Shown for every box to type in from now on (the kiosk's setting, or "I use touch"). */
export function setAlways(on) {
  always = !!on;
  if (always) openFirst();
}

// ---- hooks ---------------------------------------------------------------------------------

let suppress = false; // focus given back by Done does not open it again

function openFirst() {
  const box = [...document.querySelectorAll('#page ' + BOX.split(', ').join(', #page '))].find(typeable);
  if (box) open(box);
}

/** "Show the keyboard" by each box to type in on the page. */
function decorate() {
  const root = document.getElementById('page');
  if (!root) return;
  for (const box of root.querySelectorAll(BOX)) {
    if (box.dataset.keyboard || !typeable(box) || !box.id) continue;
    box.dataset.keyboard = 'yes';
    // Touched, not tabbed to: a person with a keyboard has one (and Tab from the box still goes
    // on to Next). A person who uses switches has the keyboard open for every box (setAlways).
    const b = el('button', { type: 'button', class: 'button button-secondary keyboard-show',
      'aria-controls': 'keyboard', 'aria-expanded': 'false', tabindex: '-1' });
    b.dataset.for = box.id;
    setText(b, msg('keyboard.show'));
    b.addEventListener('click', () => open(box));
    const after = box.closest('.answer-box, .money') || box;
    after.after(b);
  }
  if (target && !target.isConnected) close();
}

/** hello: the content's words, and whether this kiosk shows the keyboard for every box. */
export function onHello(m) {
  contentWords = Array.isArray(m.words) ? m.words.filter((w) => typeof w === 'string') : [];
  if (m.kiosk && m.kiosk.keyboard === 'on') always = true;
  const rows = alphabetRows(msg('keyboard.alphabet').text);
  const changed = JSON.stringify(rows) !== JSON.stringify(LAYOUTS.letters) || (panel && panel.lang !== m.lang);
  LAYOUTS.letters = rows;
  alphabet = new Set(rows.flat().join(''));
  if (panel && changed) { // another language: its letters and its words on every key
    // open, it opens again on the same box when the same page comes back in the language
    reopenFor = isOpen() && target ? target.id : '';
    close(false);
    panel.remove();
    panel = null;
  }
  if (!panel) { // built hidden once its words have come, so that the buttons name it
    build();
    panel.lang = typeof m.lang === 'string' ? m.lang : '';
    setLayout(layout);
  }
}

/** A page drawn: its own words, whether it is private, and the keyboard for its first box. */
export function pageShown(p) {
  ownWords = p && Array.isArray(p.words)
    ? p.words.map((w) => (w && typeof w.text === 'string' ? w.text : null)).filter(Boolean) : [];
  privatePage = !!p && (p.private_answer === true || p.answer?.private === true ||
    JSON.stringify(p.items || []).includes('"private":true'));
  const samePage = !!p && shownPage === p.id;
  shownPage = p ? p.id : null;
  const was = (isOpen() && target ? target.id : '') || reopenFor;
  reopenFor = '';
  decorate();
  const again = samePage && was ? document.getElementById(was) : null;
  if (again && typeable(again)) {
    open(again); // the same page drawn again (back after a lost connection): the same box
    return;
  }
  if (target && !target.isConnected) close();
  if (always) openFirst();
}

/** Watches the page for boxes and where the person types. */
export function init() {
  const root = document.getElementById('page');
  if (root) new MutationObserver(decorate).observe(root, { childList: true, subtree: true });
  // While open, a box the person moves to is the one typed into; on a kiosk that shows it for
  // every box, touching a box opens it. Not for switches: their frame gives focus to each box it
  // passes, and their box is the one they chose (app.js opens the keyboard for it).
  document.addEventListener('focusin', (e) => {
    if (suppress || !typeable(e.target) || !e.target.closest('#page')) return;
    if (/switch/.test(document.body.dataset.input || '')) return;
    if (isOpen() || always) open(e.target);
  });
  document.addEventListener('click', (e) => {
    if (always && !isOpen() && typeable(e.target) && e.target.closest('#page')) open(e.target);
  });
  window.addEventListener('resize', fitPage);
}
