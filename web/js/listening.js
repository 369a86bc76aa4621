// Private listening (docs/narration.md, "Private listening"): whether private texts (the plan
// code, answers about safety, names) may be read aloud here. A kiosk set up with headphones
// (hello.kiosk.headphones "yes") reads them; otherwise the welcome page asks "Are you using
// headphones?", and without them they are read only when the person chooses to hear them. The
// server decides too (it refuses a private text otherwise): this page tells it with `listening`.
// The answer is kept in page memory only, and told again after a reconnection. guard() keeps a
// drawn page's private texts from being read while they may not be.

import { el } from './dom.js';
import { msg, textEl, fillText } from './text.js';
import { speak } from './narration.js';

let send = () => false; // app.js's send(m) -> bool
let kioskHas = false;   // the kiosk has headphones: nobody is asked
let answer = null;      // the person's: true (headphones), false, or null (not asked yet)
let consented = false;  // the person chose to hear private things anyway

/** send(m): how to reach the server. */
export function init(sendFn) {
  send = sendFn;
}

/** `hello`'s kiosk settings; after a reconnection the server is told again what it was told. */
export function configure(opts) {
  kioskHas = !!opts && opts.headphones === 'yes';
  if (consented) send({ type: 'listening', consent: true });
  else if (answer !== null) send({ type: 'listening', headphones: answer });
}

/** True while the person has not been asked about headphones and should be. */
export function shouldAsk() {
  return !kioskHas && answer === null;
}

/** True when private texts are read aloud here. */
export function privateAloud() {
  return kioskHas || answer === true || consented;
}

/** The person's answer to "Are you using headphones?". */
export function answerHeadphones(yes) {
  answer = !!yes;
  send({ type: 'listening', headphones: answer });
}

/** The person chose to hear private things here, for the rest of this visit. */
export function consent() {
  consented = true;
  send({ type: 'listening', consent: true });
}

// ---- private texts on the page --------------------------------------------------------

/** The ids of the texts the description marks private. */
function privateIds(node, into = new Set(), depth = 0) {
  if (!node || typeof node !== 'object' || depth > 12) return into;
  if (node.private === true && typeof node.id === 'string') into.add(node.id);
  for (const v of Object.values(node)) if (v && typeof v === 'object') privateIds(v, into, depth + 1);
  return into;
}

/**
 * Where private listening is off, private texts are not read aloud (the server would refuse
 * them): their elements lose data-text-id, so reading the page passes over them, and a note
 * says why, with "Read it aloud anyway". The code is shown large instead.
 */
export function guard(root, p) {
  const ids = privateIds(p);
  if (!ids.size || privateAloud()) return;
  const els = [...root.querySelectorAll('[data-text-id]')].filter((e) => ids.has(e.dataset.textId));
  if (!els.length) return;
  for (const e of els) {
    e.dataset.privateTextId = e.dataset.textId;
    delete e.dataset.textId;
    e.classList.add('is-private');
  }
  const code = root.querySelector('#code-box');
  if (code) code.classList.add('code-box-large');
  const note = el('div', { class: 'notice private-note', id: 'private-note' },
    textEl('p', msg('private.why'), 'private-why'));
  const anyway = el('button', { type: 'button', class: 'button button-secondary button-small', id: 'private-anyway' });
  fillText(anyway, msg('private.anyway'));
  note.append(anyway);
  anyway.addEventListener('click', () => {
    consent();
    const said = {};
    for (const e of els) {
      e.dataset.textId = e.dataset.privateTextId;
      delete e.dataset.privateTextId;
      e.classList.remove('is-private');
      said[e.dataset.textId] = e;
    }
    const first = els[0].closest('.code-box, .check-row, .answer-box, li') || els[0];
    if (!first.hasAttribute('tabindex')) first.tabIndex = -1;
    first.focus();
    note.remove();
    speak(els.map((e) => e.dataset.textId), said);
  });
  // Before the item's block (not inside a list or a <dl>, which may hold only their own rows).
  const near = els[0].closest('.code-box, .check-section, .answer-box, .items, p') || els[0];
  near.before(note);
}
