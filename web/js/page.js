// Renders one page description (see docs/protocol.md) into #page, per kind.
// The page holds no plan state: everything shown comes from the description,
// and everything the person does goes back to the server through `actions`.

import { el } from './dom.js';
import { msg, plain, textEl, fillText, setText } from './text.js';
import * as autosave from './autosave.js';
import * as narration from './narration.js';
import * as listening from './listening.js';
import { cardsField, chosenCards } from './cards.js';
import * as scan from './scan.js';
import * as language from './language.js';

let actions = null; // { go(to), request(m, ctx) -> bool, send(m) -> bool, finish() }
let current = null; // the page description on screen

/** actions: how the page talks to the server (from app.js). */
export function init(a) {
  actions = a;
  soundChoices();
  listening.init(a.send);
  // After narration's own listener has allowed sound (it listens on the document, as it is
  // captured; this one hears the event last, as it bubbles up to the window).
  for (const t of ['pointerdown', 'keydown']) window.addEventListener(t, firstTouch);
  const root = document.getElementById('page');
  if (root) {
    new MutationObserver(speakErrors).observe(root, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ['hidden', 'data-text-id'],
    });
  }
}

// "More sound choices" in the narration bar (speed, voice, volume, reading
// each page): open where there is room, closed on a narrow screen so that
// Listen and the page itself fit on the first screen. The person opens and
// closes it as they like; only crossing that width opens or closes it again.
const ROOM_FOR_CHOICES = '(min-width: 40em)';

function soundChoices() {
  const more = document.getElementById('narration-more');
  if (!more || typeof window.matchMedia !== 'function') return;
  const room = window.matchMedia(ROOM_FOR_CHOICES);
  more.open = room.matches;
  room.addEventListener('change', () => { more.open = room.matches; });
}

// ---- small DOM helpers -----------------------------------------------------

function button(label, cls, id, onClick) {
  const b = el('button', { type: 'button', class: 'button ' + cls, id });
  fillText(b, label);
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

/**
 * "Change" plus words only a screen reader hears, so each button says what it changes. what is
 * a text object: focus speech says it too.
 */
function buttonFor(label, what, cls, id, onClick) {
  const b = button(label, cls, id, onClick);
  if (what) {
    const words = textEl('span', what, 'visually-hidden');
    words.prepend(' ');
    b.append(words);
  }
  return b;
}

function safeId(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Hint and error paragraphs for an input; returns {hint, error, describedby}. */
function hintAndError(p, base) {
  const hint = p.hint ? textEl('p', p.hint, 'hint') : null;
  if (hint) hint.id = base + '-hint';
  const error = el('p', { class: 'field-error', id: base + '-error', role: 'alert', hidden: true });
  return { hint, error, describedby: hint ? hint.id : '' };
}

function describe(input, describedby) {
  input.dataset.describedby = describedby;
  if (describedby) input.setAttribute('aria-describedby', describedby);
}

// actions.go and actions.request first send any answer still waiting for its
// pause; the server handles messages in order, so the answer is stored first.
function go(to) {
  actions.go(to);
}

// ---- page frame ------------------------------------------------------------

function progress(part) {
  if (!part) return null;
  const box = el('div', { class: 'progress' });
  const line = el('p', { class: 'progress-text' });
  if (part.text) line.append(textEl('span', part.text, 'progress-count'));
  if (part.title) line.append(textEl('span', part.title, 'progress-title'));
  box.append(line);
  const n = Number(part.n), of = Number(part.of);
  if (of > 0 && of <= 40 && n >= 0) {
    const bar = el('div', { class: 'progress-bar', 'aria-hidden': 'true' });
    for (let i = 1; i <= of; i++) {
      bar.append(el('span', { class: 'progress-step' + (i < n ? ' is-done' : i === n ? ' is-current' : '') }));
    }
    box.append(bar);
  }
  return box;
}

function intro(p) {
  const wrap = el('div', { class: 'intro' + (p.picture ? ' has-picture' : '') });
  // The picture's words come after the page's own (heading first, then what the page says,
  // then what the picture shows): as text, read aloud with the page for someone who cannot see
  // it, and heard once by a screen reader (the image itself then needs no alt of its own).
  const described = p.picture && p.picture.text && p.picture.text.id ? p.picture.text : null;
  if (p.picture && p.picture.src) {
    wrap.append(el('img', {
      class: 'picture', src: p.picture.src, alt: described ? '' : (p.picture.alt || ''),
      width: 160, height: 160, decoding: 'async',
    }));
  }
  const text = el('div', { class: 'intro-text' });
  const h1 = textEl('h1', p.title, 'page-title');
  h1.id = 'page-title';
  h1.tabIndex = -1;
  text.append(h1);
  if (p.notice) {
    text.append(el('div', { class: 'notice', id: 'notice' }, textEl('p', p.notice)));
  }
  for (const s of p.say || []) text.append(textEl('p', s, 'say'));
  if (described) text.append(textEl('p', described, 'visually-hidden picture-text'));
  wrap.append(text);
  return { node: wrap, h1 };
}

/**
 * The row kept in view at the foot of the page: the page's own main action if it has one (Open,
 * Send), then Next and Back.
 */
function nav(p, action) {
  const box = el('div', { class: 'nav' });
  if (action) box.append(action);
  // The first page (text only, nowhere to go back to) starts rather than moves on.
  const nextLabel = (p.kind === 'info' || p.kind === 'welcome') && !p.back ? msg('start') : msg('next');
  if (p.next) box.append(button(nextLabel, 'button-primary button-next', 'next', () => go('next')));
  if (p.back) box.append(button(msg('back'), 'button-secondary button-back', 'back', () => go('back')));
  return box.childElementCount ? box : null;
}

// ---- kinds -----------------------------------------------------------------

/**
 * The person's stored answer laid over their box, word for word where they
 * typed it, so that the voice can read it back with each word lit up in the
 * box itself. Its text is clear (only a spoken word's highlight shows, blended
 * under the typed letters), it takes no touches, and screen readers skip it:
 * they read the box. It shows what the server has stored (the page's
 * `answer`, then each `saved`), which is what the voice reads.
 * Returns {node: the box and the echo, stored(value)}.
 */
function answerEcho(p, input, multiline) {
  const echo = el('div', { class: (multiline ? 'textarea' : 'input') + ' answer-echo', 'aria-hidden': 'true' });
  const id = p.answer && typeof p.answer.id === 'string' ? p.answer.id : 'answer/' + p.id;
  const follow = () => {
    // Where the box's scroll bar takes room, the echo's words wrap as the box's do.
    const cs = getComputedStyle(input);
    const bar = input.offsetWidth - input.clientWidth -
      (parseFloat(cs.borderLeftWidth) || 0) - (parseFloat(cs.borderRightWidth) || 0);
    echo.style.right = Math.max(0, bar) + 'px';
    echo.scrollTop = input.scrollTop;
    echo.scrollLeft = input.scrollLeft;
  };
  const stored = (value) => {
    const text = String(value ?? '');
    setText(echo, { id, text });
    if (echo.classList.contains('is-private')) { // not read aloud here (listening.guard)
      echo.dataset.privateTextId = id;
      delete echo.dataset.textId;
    }
    echo.hidden = text === ''; // nothing to read
    follow();
  };
  stored(p.answer && typeof p.answer.text === 'string' ? p.answer.text : p.value);
  for (const t of ['scroll', 'input', 'keyup', 'select']) input.addEventListener(t, follow);
  if (typeof ResizeObserver === 'function') new ResizeObserver(follow).observe(input);
  if (!multiline) {
    // A long answer runs past its one-line box: the box scrolls to the word being read.
    new MutationObserver(() => {
      const w = echo.querySelector('.word.is-spoken');
      if (!w) return;
      const pad = parseFloat(getComputedStyle(echo).paddingLeft) || 0;
      const from = w.offsetLeft - input.scrollLeft;
      if (from < pad || from + w.offsetWidth > input.clientWidth - pad) {
        input.scrollLeft = Math.max(0, w.offsetLeft - pad - input.clientWidth / 3);
        follow();
      }
    }).observe(echo, { subtree: true, attributes: true, attributeFilter: ['class'] });
  }
  return { node: el('div', { class: 'answer-box' }, input, echo), stored };
}

function textField(p, multiline) {
  const box = el('div', { class: 'field' });
  const { hint, error, describedby } = hintAndError(p, 'answer');
  const label = textEl('label', p.ask || p.title, 'question');
  label.htmlFor = 'answer';
  label.id = 'answer-label';
  const cards = cardsField(p, label.id);
  const input = multiline
    ? el('textarea', { id: 'answer', class: 'textarea', rows: cards ? 3 : 6 })
    : el('input', { id: 'answer', class: 'input', type: 'text' });
  input.setAttribute('autocomplete', 'off');
  if (p.limit > 0) input.maxLength = p.limit;
  input.value = p.value ?? '';
  describe(input, describedby);
  const echo = answerEcho(p, input, multiline);
  if (p.read_only) {
    input.readOnly = true;
  } else {
    autosave.watch(input, { page: p.id, initial: p.value ?? '', errorEl: error, stored: echo.stored });
  }
  if (!multiline) {
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.isComposing || e.defaultPrevented) return; // taken by a switch
      e.preventDefault();
      if (p.next) go('next');
    });
  }
  if (cards) { // the cards first, then "Something else?" and the box for the person's own words
    const other = textEl('p', p.cards_else, 'cards-else');
    box.append(label, hint || '', cards.node, other, error, echo.node);
  } else {
    box.append(label, hint || '', error, echo.node);
  }
  return { node: box };
}

function optionsOf(p) {
  if (Array.isArray(p.options) && p.options.length) return p.options;
  if (p.kind === 'yes-no') {
    return [{ value: 'yes', text: msg('yes') }, { value: 'no', text: msg('no') }];
  }
  return [];
}

function choiceField(p) {
  const { hint, error, describedby } = hintAndError(p, 'answer');
  const group = el('fieldset', { class: 'field choices', id: 'answer' });
  if (p.private_answer === true) group.dataset.privateAnswer = 'true';
  describe(group, describedby);
  group.append(textEl('legend', p.ask || p.title, 'question'));
  if (hint) group.append(hint);
  group.append(error);
  const list = el('div', { class: 'options' + (p.kind === 'yes-no' ? ' options-yes-no' : '') });
  const radios = [];
  for (const o of optionsOf(p)) {
    const id = 'option-' + safeId(o.value);
    const input = el('input', { type: 'radio', name: 'answer', id, value: o.value, class: 'option-input' });
    input.checked = o.value === p.value;
    if (p.read_only) input.disabled = true;
    const label = el('label', { class: 'option-label', for: id }, textEl('span', o.text, 'option-text'));
    list.append(el('div', { class: 'option' }, input, label));
    radios.push(input);
  }
  group.append(list);
  if (!p.read_only) {
    autosave.watchChoice(radios, { page: p.id, initial: p.value ?? '', errorEl: error, group });
  }
  return { node: group };
}

function itemName(p, item, index) {
  const first = p.fields && p.fields[0];
  const v = first && item.values ? item.values[first.name] : null;
  return v && v.text !== '' ? v : msg('list.item', { n: index + 1 });
}

function listView(p, prev) {
  const box = el('div', { class: 'list' });
  const heading = textEl('h2', p.ask || p.title, 'question');
  heading.id = 'list-heading';
  heading.tabIndex = -1;
  box.append(heading);
  if (p.hint) box.append(Object.assign(textEl('p', p.hint, 'hint'), { id: 'list-hint' }));
  const error = el('p', { class: 'field-error', id: 'list-error', role: 'alert', hidden: true });
  box.append(error);

  const items = Array.isArray(p.items) ? p.items : [];
  const fields = Array.isArray(p.fields) ? p.fields : [];
  if (!items.length) box.append(textEl('p', msg('list.empty'), 'list-empty'));
  const ul = el('ul', { class: 'items', 'aria-labelledby': 'list-heading' });
  items.forEach((item, index) => {
    const li = el('li', { class: 'item', 'data-item-id': item.id, id: 'item-' + safeId(item.id) });
    const values = item.values || {};
    const body = el('div', { class: 'item-values' });
    const details = el('dl', { class: 'item-details' });
    fields.forEach((f, i) => {
      const v = values[f.name];
      if (i === 0) {
        body.append(textEl('p', v && v.text !== '' ? v : msg('list.item', { n: index + 1 }), 'item-name'));
      } else if (v && v.text !== '') {
        details.append(el('div', { class: 'item-detail' },
          textEl('dt', f.label, 'item-label'), textEl('dd', v, 'item-value')));
      }
    });
    if (details.childElementCount) body.append(details);
    li.append(body);
    if (!p.read_only) {
      const name = itemName(p, item, index);
      const acts = el('div', { class: 'item-actions' });
      const confirm = el('div', { class: 'item-confirm', hidden: true, role: 'group' });
      const change = buttonFor(msg('list.change'), name, 'button-secondary item-change',
        'item-change-' + safeId(item.id), () => {
          autosave.flush();
          actions.send({ type: 'item_edit', page: p.id, item: item.id });
        });
      const remove = buttonFor(msg('list.remove'), name, 'button-secondary item-remove',
        'item-remove-' + safeId(item.id), () => {
          acts.hidden = true;
          confirm.hidden = false;
          confirm.querySelector('.item-remove-no').focus();
        });
      acts.append(change, remove);
      const ask = textEl('p', msg('list.remove.ask'), 'item-confirm-ask');
      ask.id = 'item-confirm-' + safeId(item.id);
      confirm.setAttribute('aria-labelledby', ask.id);
      const yes = button(msg('list.remove.yes'), 'button-warning item-remove-yes', null, () => {
        autosave.flush();
        actions.request({ type: 'item_remove', page: p.id, item: item.id }, { errorEl: error });
      });
      const no = button(msg('list.remove.no'), 'button-secondary item-remove-no', null, () => {
        confirm.hidden = true;
        acts.hidden = false;
        remove.focus();
      });
      // Focus lands on "No, keep it": the question is said with each answer, not only seen.
      for (const b of [yes, no]) b.setAttribute('aria-describedby', ask.id);
      confirm.append(ask, el('div', { class: 'button-group' }, yes, no));
      li.append(acts, confirm);
    }
    ul.append(li);
  });
  if (items.length) box.append(ul);

  let focus = null;
  if (!p.read_only) {
    const full = p.max_items > 0 && items.length >= p.max_items;
    if (full) {
      box.append(textEl('p', msg('list.full'), 'list-full'));
    } else {
      const add = button(msg('list.add'), 'button-secondary button-add', 'list-add', () => {
        autosave.flush();
        actions.request({ type: 'item_add', page: p.id }, { errorEl: error });
      });
      if (p.hint) add.setAttribute('aria-describedby', 'list-hint');
      box.append(add);
    }
  }
  if (p.total) {
    const t = el('div', { class: 'total', id: 'list-total' });
    for (const line of p.total.lines || []) t.append(textEl('p', line, 'total-line'));
    box.append(t);
  }
  // Back from editing an entry: to that entry's Change button; after a
  // remove, to the list's heading.
  if (prev && prev.id === p.id) {
    const was = prev.editing && prev.editing.id;
    focus = (was != null && box.querySelector('#item-change-' + safeId(was))) ||
      (prev.items && prev.items.length !== items.length ? heading : null);
  }
  return { node: box, focus };
}

function listEditor(p) {
  const editing = p.editing;
  const box = el('div', { class: 'list list-editing' });
  const heading = textEl('h2', p.ask || p.title, 'question');
  heading.id = 'edit-heading';
  box.append(heading);
  const group = el('div', { class: 'item-edit', role: 'group', 'aria-labelledby': 'edit-heading',
    'data-item-id': editing.id });
  let first = null;
  for (const f of p.fields || []) {
    const base = 'field-' + safeId(f.name);
    const wrap = el('div', { class: 'field field-' + safeId(f.type) });
    const label = textEl('label', f.label, 'field-label');
    label.htmlFor = base;
    const error = el('p', { class: 'field-error', id: base + '-error', role: 'alert', hidden: true });
    const raw = editing.values && editing.values[f.name] != null ? String(editing.values[f.name]) : '';
    let input;
    if (f.type === 'long-text') {
      input = el('textarea', { id: base, class: 'textarea', rows: 4 });
    } else {
      input = el('input', { id: base, class: 'input', type: f.type === 'date' ? 'date' : 'text' });
      if (f.type === 'money') {
        input.inputMode = 'decimal';
        input.classList.add('input-money');
      }
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !e.isComposing) e.preventDefault();
      });
    }
    input.setAttribute('autocomplete', 'off');
    input.name = f.name;
    if (f.limit > 0 && f.type !== 'date') input.maxLength = f.limit;
    input.value = raw;
    describe(input, '');
    autosave.watch(input, { page: p.id, item: editing.id, field: f.name, initial: raw, errorEl: error });
    wrap.append(label, error);
    if (f.type === 'money') {
      wrap.append(el('div', { class: 'money' },
        el('span', { class: 'money-prefix', 'aria-hidden': 'true', text: '£' }), input));
    } else {
      wrap.append(input);
    }
    group.append(wrap);
    if (!first) first = input;
  }
  box.append(group);
  box.append(el('div', { class: 'button-group' },
    button(msg('list.save-item'), 'button-primary button-done', 'item-done', () => {
      autosave.flush();
      actions.send({ type: 'item_done', page: p.id });
    })));
  return { node: box, focus: first };
}

/**
 * Fills box with text shown exactly as it is, each of pieces (text objects, in order, each found
 * in text) a span of its own, so that the voice reads it slowly, piece by piece, lighting each
 * up in turn. Returns box.
 */
export function codePieces(box, text, pieces) {
  const shown = String(text || '');
  let at = 0;
  for (const piece of Array.isArray(pieces) ? pieces : []) {
    const i = piece && piece.text ? shown.indexOf(piece.text, at) : -1;
    if (i < 0) break; // the rest as it is
    if (i > at) box.append(shown.slice(at, i));
    box.append(textEl('span', piece, 'code-piece'));
    at = i + piece.text.length;
  }
  if (at < shown.length) box.append(shown.slice(at));
  return box;
}

/**
 * The code in big letters, exactly as it is typed, made of its pieces
 * (`code_text`: each word, and each digit alone). Its words are English, written left to right
 * on every page.
 */
function codeDisplay(p) {
  return codePieces(el('p', { class: 'code-display', id: 'code-display', dir: 'ltr' }), p.code,
    p.code_text);
}

/**
 * Under the code, the same code in numbers (`code_numbers`, "2234 3532 2299 4827") for people who
 * cannot read or type English words: "Or type these numbers", then the digits 0 to 9, left to
 * right in every language, each digit a text of its own (`code_numbers_text`) that the voice says
 * in the person's language. id: the numbers' element. Nothing when the page has none.
 */
export function codeNumbers(p, id = 'code-numbers') {
  if (!p.code_numbers) return [];
  const label = textEl('p', msg('code.numbers'), 'code-box-label code-numbers-label');
  label.id = id + '-label';
  const numbers = codePieces(el('p', { class: 'code-display code-numbers', id, dir: 'ltr' }),
    p.code_numbers, p.code_numbers_text);
  return [label, numbers];
}

function codeView(p, prev) {
  const box = el('div', { class: 'code' });
  if (p.code) {
    const shown = el('div', { class: 'code-box', id: 'code-box', tabindex: '-1' },
      textEl('p', msg('code.yours'), 'code-box-label'),
      codeDisplay(p),
      ...codeNumbers(p),
      textEl('p', msg('code.keep'), 'code-keep'));
    box.append(shown);
    return { node: box, focus: prev && prev.id === p.id ? shown : null };
  }
  const field = el('div', { class: 'field' });
  const { hint, error, describedby: hintId } = hintAndError({ hint: p.hint || msg('code.hint') }, 'code-input');
  // The code's numbers may be typed instead of its words.
  const orNumbers = textEl('p', msg('code.or-numbers'), 'hint code-or-numbers');
  orNumbers.id = 'code-input-numbers-hint';
  const describedby = [hintId, orNumbers.id].filter(Boolean).join(' ');
  const label = textEl('label', p.ask || msg('code.label'), 'question');
  label.htmlFor = 'code-input';
  const input = el('input', {
    id: 'code-input', class: 'input input-code', type: 'text', dir: 'ltr',
    autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', autocorrect: 'off',
  });
  input.maxLength = 100;
  describe(input, describedby);
  const open = () => {
    autosave.flush();
    autosave.clearFieldError(input, error);
    actions.request({ type: 'code', code: input.value.trim() }, { input, errorEl: error });
  };
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || e.defaultPrevented) return; // taken by a switch
    e.preventDefault();
    open();
  });
  field.append(label, hint || '', orNumbers, error, input);
  const newHint = textEl('p', msg('code.new-hint'), 'hint');
  newHint.id = 'code-new-hint';
  const startNew = button(msg('code.new'), 'button-secondary', 'code-new', () => {
    autosave.flush();
    actions.request({ type: 'new_plan' }, { input, errorEl: error });
  });
  startNew.setAttribute('aria-describedby', newHint.id);
  box.append(field);
  // Open is the page's main action, kept in view; starting without a code comes after it.
  return { node: box, action: button(msg('code.open'), 'button-primary', 'code-open', open),
    after: el('div', { class: 'code-new' }, newHint, el('div', { class: 'button-group' }, startNew)) };
}

function needsView(p) {
  const box = el('div', { class: 'needs' });
  const needs = Array.isArray(p.needs) ? p.needs : [];
  const groups = [
    ['needs-eligible', msg('needs.eligible'), needs.filter((n) => n.eligible)],
    ['needs-other', msg('needs.other'), needs.filter((n) => !n.eligible)],
  ];
  if (!needs.length) box.append(textEl('p', msg('needs.none'), 'needs-none'));
  for (const [id, title, list] of groups) {
    if (!list.length) continue;
    const h = textEl('h2', title, 'needs-heading');
    h.id = id + '-heading';
    const ul = el('ul', { class: 'needs-list ' + id, id, 'aria-labelledby': h.id });
    for (const n of list) {
      const li = el('li', { class: 'need' }, textEl('span', n.text, 'need-text'));
      // The social worker says a direct payment could meet this need: the person is told.
      if (n.direct_payment && p.direct_payment_text) {
        li.append(textEl('p', p.direct_payment_text, 'need-direct-payment'));
      }
      ul.append(li);
    }
    box.append(el('section', { class: 'needs-group', 'aria-labelledby': h.id }, h, ul));
  }
  return { node: box };
}

function checkItem(item) {
  // A list entry: {id, values:{field: text}}, or a text object.
  if (item && item.values && typeof item.values === 'object') {
    const li = el('li', { class: 'check-item' });
    let firstDone = false;
    for (const v of Object.values(item.values)) {
      if (!v || v.text === '') continue;
      li.append(textEl(firstDone ? 'span' : 'strong', v, firstDone ? 'check-item-value' : 'check-item-name'));
      firstDone = true;
    }
    return li;
  }
  return textEl('li', item, 'check-item');
}

function checkView(p) {
  const box = el('div', { class: 'check' });
  (p.sections || []).forEach((s, si) => {
    const h = textEl('h2', s.part || '', 'check-heading');
    h.id = 'check-section-' + si;
    const dl = el('dl', { class: 'check-list' });
    for (const r of s.rows || []) {
      const row = el('div', { class: 'check-row', 'data-page': r.page, id: 'check-row-' + safeId(r.page) });
      row.append(textEl('dt', r.ask, 'check-question'));
      const dd = el('dd', { class: 'check-answer' });
      const items = Array.isArray(r.items) ? r.items : [];
      const hasAnswer = r.answer && r.answer.text !== '';
      const cards = chosenCards(r.cards);
      if (cards) dd.append(cards);
      if (hasAnswer) dd.append(textEl('p', r.answer, 'check-answer-text'));
      if (items.length) {
        const ul = el('ul', { class: 'check-items' });
        for (const it of items) ul.append(checkItem(it));
        dd.append(ul);
      }
      if (!hasAnswer && !items.length && !cards) dd.append(textEl('p', msg('check.none'), 'not-answered'));
      row.append(dd);
      if (!p.read_only) {
        row.append(el('dd', { class: 'check-action' },
          buttonFor(msg('check.change'), r.ask, 'button-secondary check-change',
            'change-' + safeId(r.page), () => go(r.page))));
      }
      dl.append(row);
    }
    box.append(el('section', { class: 'check-section', 'aria-labelledby': h.id }, h, dl));
  });
  const helpers = Array.isArray(p.helpers) ? p.helpers : [];
  if (helpers.length) {
    const h = textEl('h2', msg('check.helpers'), 'check-heading');
    h.id = 'check-helpers-heading';
    const ul = el('ul', { class: 'check-helpers', id: 'check-helpers' });
    for (const t of helpers) ul.append(textEl('li', t));
    box.append(el('section', { class: 'check-section', 'aria-labelledby': h.id }, h, ul));
  }
  return { node: box };
}

function sendView(p) {
  if (p.read_only) {
    return { node: el('div', { class: 'confirmation', id: 'send-already' }, textEl('p', msg('send.already'))) };
  }
  const err = el('p', { class: 'field-error', id: 'send-error', role: 'alert', hidden: true });
  const b = button(msg('send.button'), 'button-primary button-large', 'send-plan', () => {
    autosave.flush();
    actions.request({ type: 'send' }, { errorEl: err });
  });
  return { node: el('div', { class: 'send' }, err, textEl('p', msg('send.empty'), 'hint')), action: b };
}

function welcomeBackView(p) {
  const box = el('div', { class: 'actions', role: 'group', 'aria-labelledby': 'page-title' });
  (p.actions || []).forEach((a, i) => {
    const b = button(a.text, (i === 0 ? 'button-primary' : 'button-secondary') + ' button-action',
      'action-' + safeId(a.go), () => go(a.go));
    b.dataset.go = a.go;
    box.append(b);
  });
  return { node: box };
}

function statusView(p) {
  const box = el('div', { class: 'status-box', id: 'plan-status', 'data-status': p.status || '' });
  if (p.status_text) box.append(textEl('p', p.status_text, 'status-text'));
  return { node: box };
}

function reviewView(p) {
  const box = el('div', { class: 'review' });
  // A review can be asked for whatever the plan's status: read_only is about
  // the plan's answers, and the server takes this one even then.
  box.append(textField({ ...p, ask: p.ask || p.title, read_only: false }, true).node);
  const err = el('p', { class: 'field-error', id: 'review-error', role: 'alert', hidden: true });
  box.append(err);
  if (p.requested) {
    box.append(el('div', { class: 'confirmation', id: 'review-sent', tabindex: '-1' }, textEl('p', msg('review.sent'))));
  } else {
    box.append(el('div', { class: 'button-group' },
      button(msg('review.button'), 'button-primary', 'review-request', () => {
        autosave.flush();
        actions.request({ type: 'review_request' }, { errorEl: err });
      })));
  }
  return { node: box, focus: p.requested ? box.querySelector('#review-sent') : null };
}

/** What the social worker wrote: each comment, who wrote it, and which part it is about. */
function commentsView(p) {
  const list = el('ul', { class: 'comments', id: 'comments' });
  for (const c of p.comments || []) {
    const item = el('li', { class: 'comment' + (c.new ? ' comment-new' : '') });
    if (c.new && c.new_text) item.append(textEl('p', c.new_text, 'comment-new-label'));
    if (c.about) item.append(textEl('p', c.about, 'comment-about'));
    item.append(textEl('p', c.text, 'comment-text'));
    if (c.from) item.append(textEl('p', c.from, 'comment-from'));
    list.append(item);
  }
  return {
    node: el('div', { class: 'comments-box' }, list,
      el('div', { class: 'button-group' },
        button(msg('comments.carry-on'), 'button-primary button-large', 'comments-done',
          () => go('welcome-back')))),
  };
}

/** "Is this your plan?": Yes, No, or check it first. */
function agreeView(p) {
  const err = el('p', { class: 'field-error', id: 'agree-error', role: 'alert', hidden: true });
  const box = el('div', { class: 'actions', role: 'group', 'aria-labelledby': 'page-title' }, err);
  if (p.asked === false) return { node: box };
  box.append(
    button(msg('agree.yes'), 'button-primary button-action', 'agree-yes',
      () => actions.request({ type: 'yes_my_plan' }, { errorEl: err })),
    button(msg('agree.no'), 'button-secondary button-action', 'agree-no', () => go('not-agreed')),
    button(msg('agree.check'), 'button-secondary button-action', 'agree-check', () => go('check')));
  return { node: box };
}

/** "No, I don't agree": why, then send it to the social worker. */
function notAgreedView(p) {
  const box = el('div', { class: 'review' });
  // Like a review, this answer is taken whatever the plan's status.
  box.append(textField({ ...p, read_only: false }, true).node);
  const err = el('p', { class: 'field-error', id: 'not-agreed-error', role: 'alert', hidden: true });
  box.append(err);
  if (p.sent) {
    box.append(el('div', { class: 'confirmation', id: 'not-agreed-sent', tabindex: '-1' },
      textEl('p', msg('not-agreed.sent'))));
  } else {
    box.append(el('div', { class: 'button-group' },
      button(msg('not-agreed.button'), 'button-primary', 'not-agreed-send', () => {
        autosave.flush();
        actions.request({ type: 'not_my_plan' }, { errorEl: err });
      })));
  }
  return { node: box, focus: p.sent ? box.querySelector('#not-agreed-sent') : null };
}

/**
 * The person's copy of the plan the council agreed: when, and when it is next
 * reviewed; how the council will help with each need; the money; then
 * everything they wrote. Listen reads all of it (every piece is a text the
 * server knows); Print gives the same on paper, without the screen's controls.
 */
function copyView(p) {
  const box = el('div', { class: 'copy', id: 'copy' });
  const dates = el('div', { class: 'copy-dates' });
  if (p.agreed_text) dates.append(textEl('p', p.agreed_text, 'copy-agreed'));
  if (p.review_text) dates.append(textEl('p', p.review_text, 'copy-review'));
  box.append(dates);
  const needs = Array.isArray(p.needs) ? p.needs : [];
  if (needs.length && p.council_heading) {
    const h = textEl('h2', p.council_heading, 'check-heading');
    h.id = 'copy-council-heading';
    const ul = el('ul', { class: 'copy-needs', id: 'copy-needs' });
    for (const n of needs) {
      const li = el('li', { class: 'copy-need' }, textEl('p', n.text, 'copy-need-text'));
      if (n.how) li.append(textEl('p', n.how, 'copy-need-how'));
      if (n.direct_payment && p.direct_payment_text) li.append(textEl('p', p.direct_payment_text, 'need-direct-payment'));
      ul.append(li);
    }
    box.append(el('section', { class: 'check-section', 'aria-labelledby': h.id }, h, ul));
  }
  if (p.money_heading && p.budget_text) {
    const h = textEl('h2', p.money_heading, 'check-heading');
    h.id = 'copy-money-heading';
    box.append(el('section', { class: 'check-section', 'aria-labelledby': h.id }, h,
      textEl('p', p.budget_text, 'copy-budget')));
  }
  if (p.yours_heading) box.append(textEl('p', p.yours_heading, 'copy-yours'));
  box.append(checkView({ ...p, read_only: true }).node);
  box.append(el('div', { class: 'button-group copy-print' },
    button(msg('copy.print'), 'button-primary button-large', 'copy-print', () => window.print())));
  return { node: box };
}

// ---- the welcome page: sound by itself, and "Are you using headphones?" ----------------

let touched = false; // the first touch or key since the page loaded has come

/**
 * The welcome page: before any touch, "Touch the screen or press any key to hear this page", large
 * (not when the server has no voice); after it, "Are you using headphones?" with Yes and No, when
 * this kiosk asks.
 */
function welcomeView() {
  const box = el('div', { class: 'welcome' });
  const prompt = textEl('p', msg('welcome.touch'), 'touch-prompt');
  prompt.id = 'touch-prompt';
  prompt.hidden = touched || narration.soundAllowed() || !narration.hasVoice();
  const languages = language.choice();
  if (languages) box.append(languages);
  box.append(prompt, scan.inputQuestion());
  const ask = textEl('p', msg('headphones.ask'), 'question');
  ask.id = 'headphones-ask';
  const said = el('p', { class: 'confirmation', id: 'headphones-said', tabindex: '-1', hidden: true });
  const group = el('div', { class: 'headphones', id: 'headphones', role: 'group', 'aria-labelledby': ask.id });
  const choose = (yes) => {
    listening.answerHeadphones(yes);
    buttons.hidden = true;
    setText(said, msg(yes ? 'headphones.said-yes' : 'headphones.said-no'));
    said.hidden = false;
    said.focus();
    narration.speak([said.dataset.textId], { [said.dataset.textId]: said });
  };
  const buttons = el('div', { class: 'button-group' },
    button(msg('headphones.yes'), 'button-secondary', 'headphones-yes', () => choose(true)),
    button(msg('headphones.no'), 'button-secondary', 'headphones-no', () => choose(false)));
  group.append(ask, buttons, said);
  group.hidden = !touched || !listening.shouldAsk() || !narration.hasVoice();
  box.append(group);
  return { node: box };
}

/**
 * The first touch or key anywhere: the prompt goes, the headphones question comes, and the
 * welcome page reads itself aloud (unless that touch was on a control, which does what it does,
 * or in the sound bar, where the person chose what to hear, or the key was Escape).
 */
function firstTouch(e) {
  if (touched) return;
  touched = true;
  if (!current || current.kind !== 'welcome') return;
  // A touch changes the page only once its click is over: what was touched must not move under
  // it (the click would miss Start, or "I touch the screen"). On a touch screen the click comes
  // some milliseconds after the finger is lifted; a touch that makes no click (a swipe) is over
  // a moment after it.
  if (e.type === 'pointerdown') {
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      setTimeout(() => welcomeTouched(e), 0);
    };
    window.addEventListener('click', done, { once: true });
    window.addEventListener('pointercancel', done, { once: true });
    window.addEventListener('pointerup', () => setTimeout(done, 400), { once: true });
  } else {
    welcomeTouched(e);
  }
}

function welcomeTouched(e) {
  if (!current || current.kind !== 'welcome') return;
  const prompt = document.getElementById('touch-prompt');
  if (prompt) prompt.hidden = true;
  const group = document.getElementById('headphones');
  if (group) group.hidden = !listening.shouldAsk() || !narration.hasVoice();
  // Not when that press does something itself: a control touched (Start, Listen), or Escape.
  const acts = e.type === 'pointerdown' && e.target instanceof Element &&
    e.target.closest('button, a, input, select, textarea, summary, label, [role="button"]');
  const bar = document.getElementById('narration');
  if (acts || (bar && bar.contains(e.target)) || e.key === 'Escape') return;
  if (narration.soundAllowed() && !narration.isPlaying()) narration.listen();
}

// ---- errors, said at once ------------------------------------------------------------------

const spokenErrors = new WeakMap(); // error element -> what was last said of it

/**
 * A text's id as the server can read it: a message whose blanks the server filled (`The most is
 * 200 letters`) gets them in its id (`msg/error.too-long?limit=200`), found by laying the message
 * over the words shown.
 */
function readableId(e) {
  const id = e.dataset.textId;
  if (!id || !id.startsWith('msg/') || id.includes('?')) return id;
  const t = msg(id.slice(4)).text;
  const keys = [...t.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  if (!keys.length) return id;
  const pattern = t.replace(/\*\*/g, '').split(/\{[^}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('([0-9]{1,6})');
  const m = new RegExp('^' + pattern + '$').exec(e.textContent.trim());
  if (m) return id + '?' + keys.map((k, i) => `${k}=${m[i + 1]}`).join('&');
  // Filled with 1, the server used the line of its own (`error.slow-down-one`), which has no blanks.
  return plain(msg(id.slice(4) + '-one')) === e.textContent.trim() ? id + '-one' : null;
}

/** Every error shown on the page (by a field, or at its top) is said at once, once. */
function speakErrors() {
  const root = document.getElementById('page');
  if (!root) return;
  const ids = [];
  const els = {};
  for (const box of root.querySelectorAll('.field-error, .page-error')) {
    const parts = box.dataset.textId ? [box] : [...box.querySelectorAll('[data-text-id]')];
    const key = box.hidden ? '' : parts.map((e) => e.dataset.textId + '|' + e.textContent).join('\n');
    if (key === (spokenErrors.get(box) || '')) continue;
    spokenErrors.set(box, key);
    for (const e of key ? parts : []) {
      const id = readableId(e);
      if (id) {
        ids.push(id);
        els[id] = e;
      }
    }
  }
  if (ids.length) narration.speak(ids, els);
}

function savedCodeView(p) {
  const box = el('div', { class: 'code' });
  box.append(el('div', { class: 'code-box code-box-large', id: 'code-box' },
    textEl('p', msg('code.yours'), 'code-box-label'),
    codeDisplay(p),
    ...codeNumbers(p),
    textEl('p', msg('code.keep'), 'code-keep')));
  box.append(el('div', { class: 'button-group' },
    button(msg('finish'), 'button-primary button-large', 'finish-page', () => actions.finish())));
  return { node: box };
}

const KINDS = {
  'info': () => ({ node: null }),
  'sent': () => ({ node: null }),
  'text': (p) => textField(p, false),
  'long-text': (p) => textField(p, true),
  'choice': choiceField,
  'yes-no': choiceField,
  'list': (p, prev) => (p.editing ? listEditor(p) : listView(p, prev)),
  'code': codeView,
  'needs': needsView,
  'check': checkView,
  'send': sendView,
  'welcome-back': welcomeBackView,
  'status': statusView,
  'review': reviewView,
  'saved-code': savedCodeView,
  'comments': commentsView,
  'agree': agreeView,
  'agreed': () => ({ node: null }),
  'not-agreed': notAgreedView,
  'copy': copyView,
  'welcome': welcomeView,
};

// ---- whole page ------------------------------------------------------------

function updateChrome(p) {
  // The welcome page has the language choice on it; every other page, in the header.
  const languages = document.getElementById('language-more');
  if (languages) languages.classList.toggle('is-on-page', !!p && p.kind === 'welcome');
  const later = document.getElementById('save-later');
  const finish = document.getElementById('finish');
  const footer = document.getElementById('footer');
  // Nothing to save for later where the person cannot change anything (a sent or signed-off
  // plan); the review page still takes their reason, whatever the plan's status.
  const fixed = !!p && p.read_only && p.kind !== 'review';
  if (later) later.hidden = !p || !p.plan_open || fixed || p.kind === 'saved-code';
  if (finish) finish.hidden = !!p && p.kind === 'saved-code'; // that page has its own
  if (footer) footer.hidden = !p || (later.hidden && finish.hidden);
}

/** Shows a page description. */
export function render(p) {
  if (!p || typeof p !== 'object') return;
  const prev = current;
  autosave.pageChanged(!!prev && prev.id === p.id);
  current = p;

  const root = document.getElementById('page');
  const frag = document.createDocumentFragment();
  frag.append(el('div', { class: 'page-error', id: 'page-error', role: 'alert' }));
  const prog = progress(p.part);
  if (prog) frag.append(prog);
  const { node: introNode, h1 } = intro(p);
  frag.append(introNode);

  const build = KINDS[p.kind] || KINDS.info;
  const { node, focus, action, after } = build(p, prev);
  if (node) frag.append(el('div', { class: 'answer-area kind-' + safeId(p.kind) }, node));

  const status = el('p', { class: 'save-status', id: 'save-status', 'aria-live': 'polite' });
  frag.append(status);
  const n = nav(p, action);
  if (n) frag.append(n);
  if (after) frag.append(after);

  listening.guard(frag, p);
  root.replaceChildren(frag);
  root.dataset.pageId = p.id;
  root.dataset.kind = p.kind;
  autosave.bindStatus(status);
  updateChrome(p);
  document.title = plain(p.title) + ' – ' + plain(msg('app.name'));

  const samePage = prev && prev.id === p.id;
  if (samePage && focus) {
    focus.focus();
  } else {
    window.scrollTo(0, 0);
    h1.focus({ preventScroll: true });
  }
}

/** An error that belongs to no field: at the top of the page, as an alert. */
export function showPageError(text) {
  let box = document.getElementById('page-error');
  if (!box) {
    box = el('div', { class: 'page-error', id: 'page-error', role: 'alert' });
    document.getElementById('page').prepend(box);
  }
  box.replaceChildren(
    textEl('p', msg('error.title'), 'page-error-title'),
    textEl('p', text, 'page-error-text'));
  box.scrollIntoView({ block: 'nearest' });
}

/** Empties the page (finishing, or the browser is leaving it). */
export function clear(withLoading) {
  autosave.dropAll();
  current = null;
  const root = document.getElementById('page');
  if (!root) return;
  root.replaceChildren();
  delete root.dataset.pageId;
  delete root.dataset.kind;
  if (withLoading) root.append(textEl('p', msg(withLoading), 'loading'));
  updateChrome(null);
  document.title = plain(msg('app.name'));
}
