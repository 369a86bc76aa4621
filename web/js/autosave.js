// Sends the person's answers as they type: about a second after the last
// keystroke, and at once when they leave the field or pick an option.
// Counts `seq`, matches `saved`/`kept`/`error` replies to what was sent, and
// shows "Saving" / "Saved" in the page's status line, or the error by the field.
// It keeps no answers beyond what is waiting to be sent.

import { msg, setText } from './text.js';

const DELAY_MS = 1000;

let conn = null;       // { send(obj) -> bool, said?(state) }
let seq = 0;
let statusEl = null;   // the page's aria-live status line
const fields = new Map();   // key -> field being watched on this page
const inflight = new Map(); // seq -> { key } for answers, { ctx } for requests

/** conn.send(obj) sends one message and says whether the socket took it; conn.said(state), if
 * given, hears each time the status line comes to say "saved" or "not-saved" (to speak it). */
export function init(c) {
  conn = c;
}

export function nextSeq() {
  seq += 1;
  return seq;
}

function keyOf(page, item, field) {
  return item == null ? page : `${page}|${item}|${field}`;
}

/** The page's status line; replaced on each page. */
export function bindStatus(el) {
  statusEl = el;
  const adopted = [...fields.values()].some((f) => f.adopted);
  if (adopted && commitFailed) showStatus('not-saved');
  carried.clear();
  commitFailed = false;
}

function showStatus(state) {
  if (!statusEl || !statusEl.isConnected) return;
  const was = statusEl.dataset.state;
  statusEl.dataset.state = state;
  if (state !== was && (state === 'saved' || state === 'not-saved')) conn?.said?.(state);
  if (state === '') {
    statusEl.replaceChildren();
    delete statusEl.dataset.textId;
  } else {
    setText(statusEl, msg(state));
  }
}

function refreshStatus(lastState) {
  const busy = [...inflight.values()].some((f) => f.key !== undefined);
  if (busy) showStatus('saving');
  else if (lastState) showStatus(lastState);
}

/** Shows an error text object by an input, keeping what the person typed. */
export function showFieldError(input, errorEl, text) {
  if (!errorEl || !errorEl.isConnected) return false;
  setText(errorEl, text);
  errorEl.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const base = input.dataset.describedby || '';
    const ids = base.split(' ').filter(Boolean);
    if (!ids.includes(errorEl.id)) ids.push(errorEl.id);
    input.setAttribute('aria-describedby', ids.join(' '));
    input.closest('.field')?.classList.add('field-has-error');
  }
  return true;
}

export function clearFieldError(input, errorEl) {
  if (errorEl) {
    errorEl.replaceChildren();
    errorEl.hidden = true;
    delete errorEl.dataset.textId;
  }
  if (input) {
    input.removeAttribute('aria-invalid');
    const base = input.dataset.describedby || '';
    if (base) input.setAttribute('aria-describedby', base);
    else input.removeAttribute('aria-describedby');
    input.closest('.field')?.classList.remove('field-has-error');
  }
}

function send(f) {
  clearTimeout(f.timer);
  f.timer = null;
  const value = f.read();
  if (value === f.last) return;
  const s = nextSeq();
  const m = { type: 'answer', seq: s, page: f.page };
  if (f.item != null) {
    m.item = f.item;
    m.field = f.field;
  }
  if (f.cards) m.cards = value ? value.split(',') : []; // the chosen cards' names
  else m.value = value;
  if (!conn || !conn.send(m)) return; // app shows that the connection is lost
  f.last = value;
  f.sentSeq = s;
  inflight.set(s, { key: f.key, value });
  refreshStatus();
}

// Fields of the page being replaced whose words the server has not stored
// yet (still waiting, or a commit failed). If the same page comes back, they
// are put back and sent again, so the person's words are never lost.
let carried = new Map();
let commitFailed = false;
const RETRY_MS = 3000;

function adopt(f, initial) {
  if (!carried.has(f.key)) return;
  const v = carried.get(f.key);
  carried.delete(f.key);
  if (v === initial) return;
  f.write(v);
  f.last = initial;
  f.timer = setTimeout(() => send(f), commitFailed ? RETRY_MS : DELAY_MS);
  f.adopted = true;
}

/**
 * Watches a text input or textarea. opts: {page, item?, field?, initial,
 * errorEl, stored?}. Typing sends after a pause; blur and change send at once.
 * stored(value) is called with the words the server says it has stored
 * (`saved` or `kept`), in the order it stored them.
 */
export function watch(input, opts) {
  const f = {
    key: keyOf(opts.page, opts.item, opts.field),
    page: opts.page, item: opts.item, field: opts.field,
    input, errorEl: opts.errorEl, stored: opts.stored || null,
    last: opts.initial ?? '', acked: opts.initial ?? '',
    timer: null, sentSeq: 0,
    read: () => input.value,
    write: (v) => { input.value = v; },
  };
  fields.set(f.key, f);
  adopt(f, f.last);
  input.addEventListener('input', () => {
    clearTimeout(f.timer);
    f.timer = setTimeout(() => send(f), DELAY_MS);
  });
  // A date box changes with each digit of its year typed (0002, 0020, 0202, 2027), each a whole
  // date: it waits for the pause like typing, or for the person to leave it.
  if (input.type !== 'date') input.addEventListener('change', () => send(f));
  input.addEventListener('blur', () => send(f));
  return f;
}

/**
 * Watches a group of radio buttons: a choice is sent at once.
 * opts: {page, initial, errorEl, group (the fieldset)}.
 */
export function watchChoice(radios, opts) {
  const f = {
    key: keyOf(opts.page), page: opts.page,
    input: opts.group, errorEl: opts.errorEl,
    last: opts.initial ?? '', acked: opts.initial ?? '', timer: null, sentSeq: 0,
    read: () => (radios.find((r) => r.checked)?.value ?? f.last),
    write: (v) => { for (const r of radios) r.checked = r.value === v; },
  };
  fields.set(f.key, f);
  adopt(f, f.last);
  for (const r of radios) r.addEventListener('change', () => send(f));
  return f;
}

/**
 * Watches a page's picture cards (toggle buttons with aria-pressed and data-card): what is
 * chosen is sent at once, as the names of the chosen cards in the page's order ("home,park").
 * opts: {page, initial, errorEl, group}. Listen after the press has turned the card on or off.
 */
export function watchCards(buttons, opts) {
  const f = {
    key: opts.page + '#cards', page: opts.page, cards: true,
    input: opts.group, errorEl: opts.errorEl,
    last: opts.initial ?? '', acked: opts.initial ?? '', timer: null, sentSeq: 0,
    read: () => buttons.filter((b) => b.getAttribute('aria-pressed') === 'true')
      .map((b) => b.dataset.card).join(','),
    write: (v) => {
      const chosen = v ? v.split(',') : [];
      for (const b of buttons) b.setAttribute('aria-pressed', String(chosen.includes(b.dataset.card)));
    },
  };
  fields.set(f.key, f);
  adopt(f, f.last);
  for (const b of buttons) b.addEventListener('click', () => send(f));
  return f;
}

/** Sends at once every answer still waiting for its pause. */
export function flush() {
  for (const f of fields.values()) {
    if (f.timer) send(f);
  }
}

/** True while an answer is waiting to be sent. */
export function pending() {
  for (const f of fields.values()) if (f.timer) return true;
  return false;
}

/**
 * A new page is about to be drawn: send what is waiting (unless a commit just
 * failed: then it is sent again once the page is back), remember words the
 * server may not hold, and forget this page's fields.
 */
export function pageChanged(samePage) {
  carried = new Map();
  for (const f of fields.values()) {
    const v = f.read();
    if (samePage && (f.timer || v !== f.acked)) carried.set(f.key, v);
    if (!commitFailed) {
      if (f.timer) send(f);
    } else {
      clearTimeout(f.timer);
    }
    f.timer = null;
  }
  fields.clear();
  statusEl = null;
}

/**
 * The server could not commit (an `error` not-saved without a seq, before it
 * shows the page again): nothing in flight was stored.
 */
export function onCommitFailed() {
  commitFailed = true;
  for (const [k, r] of inflight) if (r.key !== undefined) inflight.delete(k);
  showStatus('not-saved');
}

/**
 * The connection is gone but the page stays (it will be resumed): nothing is acknowledged now,
 * and the words on the page are kept, to be sent again when the same page comes back.
 */
export function connectionLost() {
  inflight.clear();
  showStatus('');
}

/** True while words on the page are not yet acknowledged as stored. */
export function unsaved() {
  if ([...inflight.values()].some((r) => r.key !== undefined)) return true;
  for (const f of fields.values()) if (f.timer || f.read() !== f.acked) return true;
  return false;
}

/** The connection is gone: nothing waiting can be sent now. */
export function dropAll() {
  for (const f of fields.values()) clearTimeout(f.timer);
  fields.clear();
  inflight.clear();
  statusEl = null;
}

/**
 * Sends a message that takes a seq (code, new_plan, item_add, item_remove,
 * send, review_request). ctx {input, errorEl} says where an error goes.
 * Returns false if the socket did not take it.
 */
export function request(m, ctx) {
  m.seq = nextSeq();
  if (!conn || !conn.send(m)) return false;
  inflight.set(m.seq, { ctx: ctx || null });
  return true;
}

/** `saved` or `kept` from the server. */
export function onSaved(m) {
  const r = inflight.get(m.seq);
  if (!r) return;
  inflight.delete(m.seq);
  const f = fields.get(r.key);
  if (f && r.value !== undefined) {
    f.acked = r.value;
    if (f.stored) f.stored(r.value);
  }
  if (f && f.sentSeq === m.seq) clearFieldError(f.input, f.errorEl);
  refreshStatus(m.type === 'kept' ? 'kept' : 'saved');
}

/**
 * `error` from the server. Shows it by the field it belongs to and returns
 * true, or returns false so that the app shows it at the top of the page.
 */
export function onError(m) {
  const r = m.seq != null ? inflight.get(m.seq) : null;
  if (!r) return false;
  inflight.delete(m.seq);
  const text = { id: 'msg/error.' + (m.code || 'server'), text: String(m.message || '') };
  if (r.key !== undefined) {
    const f = fields.get(r.key);
    if (f && f.sentSeq === m.seq) {
      f.last = null; // not stored: send it again next time
      if ((m.code === 'not-saved' || m.code === 'server') && !f.timer) {
        f.timer = setTimeout(() => send(f), RETRY_MS); // "We keep trying."
      }
    }
    const retrying = m.code === 'not-saved' || m.code === 'server';
    if (![...inflight.values()].some((x) => x.key !== undefined)) showStatus(retrying ? 'not-saved' : '');
    return !!(f && showFieldError(f.input, f.errorEl, text));
  }
  const ctx = r.ctx;
  return !!(ctx && showFieldError(ctx.input, ctx.errorEl, text));
}

/** A request's reply came as a page: forget it. Pages carry the seq they answer. */
export function onPage(m) {
  if (m.seq != null) inflight.delete(m.seq);
}
