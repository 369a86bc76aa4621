// Text objects ({id, text}) into DOM nodes, and the message lines from `hello`.
//
// Text is only ever put into the page as text nodes (never innerHTML), so a
// person's answer can hold any characters safely. `**bold**` in content becomes
// <strong>; a person's own words (ids `answer/...`, `helper/...`) are shown
// verbatim, stars and all.
// Every element that shows a text object carries its id as data-text-id, so
// narration can find it and highlight it. Each word is a plain
// <span class="word" data-at="N">, N being where the word starts, in
// characters of the text the voice reads (stars left out): the offsets of
// narration's word timings. The spans carry no role or label, so a screen
// reader reads the words exactly as before.

// What can show before `hello` brings every line of messages.txt: loading, the connection lost
// (the first one may never open), and clearing the screen.
const FALLBACK = {
  'app.name': 'Plan Aloud',
  'skip': 'Skip to the page',
  'loading': 'Loading. Please wait.',
  'finishing': 'Clearing the screen. Please wait.',
  'connection.lost': 'The connection was lost. Trying again. Please wait.',
};

let messages = null;

/** Keeps the `messages` object from `hello` for msg(). */
export function setMessages(m) {
  messages = m && typeof m === 'object' ? m : null;
}

// A blank in a message, as the server finds it: "{" to the next "}".
const BLANK = /\{([^}]*)\}/g;
// What a blank may be filled with in a text id (the server refuses anything else).
const ID_VALUE = /^[0-9]{1,6}$/;

/**
 * The text object for a line of messages.txt, with {placeholders} filled in
 * from vars. Before `hello`, the few lines FALLBACK holds; a line the server did not send
 * shows its name.
 * When every blank is filled with a number, the id says what was filled in
 * (`msg/timeout.body?seconds=30`), so that the voice can read it: the server
 * fills the same blanks itself (docs/protocol.md, "Text objects").
 */
export function msg(name, vars) {
  let t = messages && messages[name];
  if (!t || typeof t.text !== 'string') {
    if (messages) console.warn('planaloud: no message', name);
    t = { id: 'msg/' + name, text: FALLBACK[name] ?? name };
  }
  let text = t.text;
  let id = t.id || 'msg/' + name;
  if (vars) {
    const has = (k) => Object.prototype.hasOwnProperty.call(vars, k);
    const blanks = [...new Set([...text.matchAll(BLANK)].map((m) => m[1]))];
    if (blanks.length && blanks.every((k) => has(k) && ID_VALUE.test(String(vars[k])))) {
      id += '?' + blanks.map((k) => `${k}=${vars[k]}`).join('&');
    }
    text = text.replace(BLANK, (all, k) => (has(k) ? String(vars[k]) : all));
  }
  return { id, text };
}

/** True for a text object holding a person's own words (shown verbatim). */
function isAnswer(t) {
  return typeof t.id === 'string' && (t.id.startsWith('answer/') || t.id.startsWith('helper/'));
}

/** The text without the stars, for document.title and aria labels. */
export function plain(t) {
  if (!t) return '';
  const s = typeof t === 'string' ? t : String(t.text ?? '');
  return (typeof t === 'object' && isAnswer(t)) ? s : s.replace(/\*\*/g, '');
}

// What the voice treats as space between words (server/tts.c, is_separator):
// white space, dashes and the ellipsis.
const SEPARATORS = /([\t-\r \u0085\u00A0\u1680\u2000-\u200B\u2013-\u2015\u2026\u2028\u2029\u202F\u205F\u3000\uFEFF]+)/;

/** Characters (code points) of s as the voice counts them: `**` marks are not read. */
function spokenLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '*' && s[i + 1] === '*') {
      i += 1;
      continue;
    }
    const c = s.charCodeAt(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) i += 1; // a surrogate pair is one character
    n += 1;
  }
  return n;
}

/**
 * Appends s to parent, each word in a <span class="word" data-at=…>, the
 * space between words as text. at: where s starts, in spoken characters.
 * Returns where the next text starts.
 */
function appendWords(parent, s, at) {
  for (const piece of s.split(SEPARATORS)) {
    if (!piece) continue;
    if (SEPARATORS.test(piece)) {
      parent.append(document.createTextNode(piece));
    } else {
      const w = document.createElement('span');
      w.className = 'word';
      w.dataset.at = String(at);
      w.textContent = piece;
      parent.append(w);
    }
    at += spokenLength(piece);
  }
  return at;
}

/**
 * Appends the text object's words to el (bold where marked) and sets
 * data-text-id. Returns el.
 */
export function fillText(el, t) {
  if (!t) return el;
  if (typeof t === 'string') t = { id: '', text: t };
  if (t.id) el.dataset.textId = t.id;
  const s = String(t.text ?? '');
  // A button lays out its children side by side (flex): its words go into one
  // span, so that they wrap and space as text does.
  const host = el.tagName === 'BUTTON' ? el.appendChild(document.createElement('span')) : el;
  if (isAnswer(t)) {
    appendWords(host, s, 0);
    return el;
  }
  const parts = s.split('**');
  // An odd number of parts means the stars pair up; otherwise the last pair
  // is unmatched and its stars are shown as they are.
  const paired = parts.length % 2 === 1;
  let at = 0;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (i % 2 === 1 && (paired || !last)) {
      const b = document.createElement('strong');
      at = appendWords(b, part, at);
      host.append(b);
    } else {
      if (i % 2 === 1) host.append(document.createTextNode('**'));
      if (part) at = appendWords(host, part, at);
    }
  });
  return el;
}

/** A new <tag class=cls> showing the text object. */
export function textEl(tag, t, cls) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  return fillText(el, t);
}

/** Replaces el's content with the text object. */
export function setText(el, t) {
  el.replaceChildren();
  delete el.dataset.textId;
  return fillText(el, t);
}
