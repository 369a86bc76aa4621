// Focus speech: with "Read each page aloud" on, whatever gets focus is said at once, as a screen
// reader would say it: its name, then what it is and its state ("Yes, selected, 1 of 2"; "Next,
// button"; "What is important to you, text box, empty"), then its hint. Every piece is a text
// the server already knows, so it is read ahead and comes at once: the name is the control's own
// text (data-text-id, set by text.js), the rest fixed lines of messages.txt (`focus.*`). A new
// focus cuts off whatever was being said (narration.speak does), the page reading too; but a
// focus that comes with a reading (a new page's heading, the timeout warning's button) is left to
// that reading.
//
// Typing in a box stops the voice (EN 301 549 5.1.3.5); with "Say what I type: Each letter", each
// letter, digit, space and delete is said instead (`key.*` messages); with "Each word", each word
// as a space or a mark ends it (the server's `typed`, never cached).
//
// docs/narration.md, "Focus speech" and "Key echo".

import { msg } from './text.js';
import * as narration from './narration.js';
import * as listening from './listening.js';

const TEXT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'number', 'date', '']);

let presses = 0; // keys pressed and touches so far: a focus is not said once the person has gone on
let pressMark = 0; // narration.readingMark() as the last key or touch came

/** The readable texts in node, in order: its own, then those inside it. [{id, el}] */
function textsIn(node) {
  if (!node || node.nodeType !== 1) return [];
  const out = [];
  if (node.dataset.textId) out.push({ id: node.dataset.textId, el: node });
  for (const t of node.querySelectorAll('[data-text-id]')) out.push({ id: t.dataset.textId, el: t });
  return out;
}

function byIds(el, attr) {
  const ids = (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)).filter(Boolean);
}

/** What the control is called: the texts of its labels, or its own. */
function nameOf(el) {
  const labelled = byIds(el, 'aria-labelledby');
  if (labelled.length) return labelled.flatMap(textsIn);
  if (el.labels && el.labels.length) return [...el.labels].flatMap(textsIn);
  if (el.tagName === 'FIELDSET') return textsIn(el.querySelector('legend'));
  return textsIn(el);
}

function isTextBox(el) {
  return el.tagName === 'TEXTAREA' ||
    (el.tagName === 'INPUT' && TEXT_TYPES.has((el.getAttribute('type') || '').toLowerCase()));
}

/** "2 of 3": where el is among the radio buttons of its group. */
function position(el) {
  const scope = el.form || document;
  const group = [...scope.querySelectorAll('input[type="radio"]')].filter((r) => r.name === el.name);
  const n = group.indexOf(el) + 1;
  return group.length > 1 && n > 0 ? [msg('focus.position', { n, of: group.length }).id] : [];
}

/** "2 of 8": where a picture card is among the page's cards (cards.js). */
function cardPosition(el) {
  const group = el.closest('[data-cards]');
  if (!group) return [];
  const all = [...group.querySelectorAll('[data-card]')];
  const n = all.indexOf(el) + 1;
  return all.length > 1 && n > 0 ? [{ id: msg('focus.position', { n, of: all.length }).id }] : [];
}

/**
 * What a text box holds: nothing, or the person's answer as the server has it: the page's answer
 * text laid over the box, or a field of the list entry being edited (`answer/<page>/<entry>/
 * <field>`, which the server reads as stored now). Elsewhere (the code) only that it has their
 * words: nothing typed is ever read from the page itself.
 */
function contents(el) {
  if (!el.value) return [{ id: msg('focus.empty').id }];
  const box = el.closest('.answer-box');
  const echo = box && box.querySelector('.answer-echo[data-text-id]');
  if (echo && !echo.hidden) return [{ id: echo.dataset.textId, el: echo }];
  const entry = el.closest('.item-edit[data-item-id]');
  const page = document.getElementById('page');
  if (entry && el.name && page && page.dataset.pageId) {
    return [{ id: `answer/${page.dataset.pageId}/${entry.dataset.itemId}/${el.name}` }];
  }
  return [{ id: msg('focus.has-words').id }];
}

/** What the control is and its state, after its name. [{id, el?}] */
function roleOf(el) {
  const m = (...names) => names.map((n) => ({ id: msg(n).id }));
  const tag = el.tagName;
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (tag === 'SUMMARY') return m('focus.button', el.parentElement.open ? 'focus.open' : 'focus.closed');
  if (tag === 'BUTTON' || el.getAttribute('role') === 'button') {
    const pressed = el.getAttribute('aria-pressed');
    if (pressed == null) return m('focus.button');
    const on = pressed === 'true';
    // One of a few to choose from (the speeds) is chosen; a button on its own is on or off.
    if (el.closest('[role="group"]')) {
      return [...m('focus.button', on ? 'focus.chosen' : 'focus.not-chosen'), ...cardPosition(el)];
    }
    return m('focus.button', on ? 'focus.on' : 'focus.off');
  }
  if (tag === 'A' && el.hasAttribute('href')) return m('focus.link');
  if (tag === 'SELECT') { // the option chosen, when its words have a text id (the voices)
    const chosen = el.selectedOptions && el.selectedOptions[0];
    const id = chosen && chosen.dataset.textId;
    return [...(id ? [{ id }] : []), ...m('focus.choose')];
  }
  if (tag === 'INPUT' && type === 'radio') {
    // Which answer is chosen to "Is anyone hurting you?" is private: not said aloud without
    // headphones or the person's choice (docs/narration.md, "Private listening").
    const state = el.closest('[data-private-answer]') && !listening.privateAloud()
      ? [] : m(el.checked ? 'focus.selected' : 'focus.not-selected');
    return [...state, ...position(el).map((id) => ({ id }))];
  }
  if (tag === 'INPUT' && type === 'checkbox') return m(el.checked ? 'focus.ticked' : 'focus.not-ticked');
  if (tag === 'INPUT' && type === 'range') {
    const step = Number(el.step) || 1;
    const of = Math.round((Number(el.max) - Number(el.min)) / step);
    const n = Math.round((Number(el.value) - Number(el.min)) / step);
    const where = of > 0 ? [{ id: msg('focus.position', { n, of }).id }] : [];
    return [...m('focus.slider'), ...where];
  }
  if (isTextBox(el)) return [...m('focus.text-box'), ...contents(el)];
  return [];
}

/**
 * What is said when el gets focus: {ids, els} for narration.speak. Nothing for the page as a
 * whole (the skip link's target): Listen reads that.
 */
export function describe(el) {
  if (!el || el.nodeType !== 1 || el === document.body || el.id === 'main') return { ids: [], els: {} };
  const parts = [...nameOf(el), ...roleOf(el), ...byIds(el, 'aria-describedby').flatMap(textsIn)];
  const ids = [];
  const els = {};
  for (const p of parts) {
    if (ids.includes(p.id)) continue;
    ids.push(p.id);
    if (p.el) els[p.id] = p.el;
  }
  return { ids, els };
}

function onFocus(e) {
  const target = e.target;
  if (!narration.aloud() || !(target instanceof Element)) return;
  // A click or a touch on a button is not a move a person needs to hear (and would cut off the
  // reading their press is about); the keyboard's moves, and a box taking the cursor, are.
  if (!target.matches(':focus-visible')) return;
  // A reading begun by the key that moved focus (the first key reads the welcome page) says
  // what is there: it is not cut off by its own focus move.
  const mark = pressMark;
  const pressed = presses;
  // Said once the task that moved focus has finished: a page drawn, or a dialog opened, has begun
  // its reading by then, and that reading says it; an arrow key has checked the radio it moved to.
  setTimeout(() => {
    // A key pressed since (Enter on Stop, a first letter typed) is what the person wants now.
    if (document.activeElement !== target || narration.readingMark() !== mark || presses !== pressed) return;
    const { ids, els } = describe(target);
    if (ids.length) narration.speak(ids, els);
  }, 0);
}

/** The message that says a key, or null. */
function keyId(key) {
  if (key === ' ') return msg('key.space').id;
  if (key === 'Backspace' || key === 'Delete') return msg('key.delete').id;
  const k = key.toLowerCase();
  return /^[a-z0-9]$/.test(k) ? msg('key.' + k).id : null;
}

/** The word that ends where the cursor is in box t (letters, digits, ' and - inside), or ''. */
function wordBefore(t) {
  const at = typeof t.selectionStart === 'number' ? t.selectionStart : t.value.length;
  const m = t.value.slice(0, at).match(/[\p{L}\p{N}\p{M}]+(?:['\u2019-][\p{L}\p{N}\p{M}]+)*$/u);
  return m ? m[0] : '';
}

function onKey(e) {
  const t = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || !(t instanceof Element)) return;
  if (!isTextBox(t) || t.readOnly || t.disabled) return;
  const printable = [...e.key].length === 1;
  if (!printable && e.key !== 'Backspace' && e.key !== 'Delete' && e.key !== 'Enter') return;
  if (narration.echoMode() === 'words') {
    // A space, a full stop or any mark after a word ends it: that word is said back. The next
    // letters typed leave it be; anything else said stops, as below.
    const ends = e.key === 'Enter' || (printable && !/[\p{L}\p{N}\p{M}'\u2019-]/u.test(e.key));
    if (ends && narration.echoWord(wordBefore(t), listening.privateAloud())) return;
    if (narration.echoingWord()) return;
  } else if (e.key === 'Enter') {
    return;
  }
  const id = keyId(e.key);
  if (id && narration.echoKey(id)) return; // the key said cuts off the rest
  narration.stop();
}

/**
 * Tab between the parts of a date box (day, month, year) keeps focus on the box, so no focus
 * event comes: the box is said again, so that no move goes unheard.
 */
function onDateTab(e) {
  const t = e.target;
  if (e.key !== 'Tab' || !(t instanceof HTMLInputElement) || t.type !== 'date') return;
  const pressed = presses;
  setTimeout(() => {
    if (document.activeElement !== t || presses !== pressed || !narration.aloud()) return;
    const { ids, els } = describe(t);
    if (ids.length) narration.speak(ids, els);
  }, 0);
}

/** Listens for focus moves and typing on the whole page. */
export function init() {
  for (const t of ['keydown', 'pointerdown']) {
    document.addEventListener(t, () => {
      presses += 1;
      pressMark = narration.readingMark();
    }, { capture: true, passive: true });
  }
  document.addEventListener('focusin', onFocus);
  document.addEventListener('keydown', onKey, { capture: true });
  document.addEventListener('keydown', onDateTab);
  // A list box changed with the keyboard (the voice) says its new choice, in the new voice.
  document.addEventListener('change', (e) => {
    const el = e.target;
    if (!narration.aloud() || !(el instanceof Element) || el.tagName !== 'SELECT' ||
      el !== document.activeElement || !el.matches(':focus-visible')) return;
    const { ids, els } = describe(el);
    if (ids.length) narration.speak(ids, els);
  });
  // A button pressed with the keyboard that turns on or off (a speed, "Read each page aloud",
  // Bigger text) says its new state, as a screen reader would.
  new MutationObserver((records) => {
    const el = document.activeElement;
    if (!narration.aloud() || !el || !el.matches(':focus-visible') || !records.some((r) => r.target === el)) {
      return;
    }
    // A control that says what its choice means (the welcome page's "How do you use the
    // screen?") is not cut off by its new state.
    if (el.closest('[data-says-result]')) return;
    const { ids, els } = describe(el);
    if (ids.length) narration.speak(ids, els);
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-pressed'] });
}
