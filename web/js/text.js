// Text objects ({id, text}) into DOM nodes, and the message lines from `hello`.
//
// Text is only ever put into the page as text nodes (never innerHTML), so a
// person's answer can hold any characters safely. `**bold**` in content becomes
// <strong>; a person's own words (ids `answer/...`, `helper/...`) are shown
// verbatim, stars and all.
// Every element that shows a text object carries its id as data-text-id, so
// narration can find it and highlight it.

// Used only until `hello` arrives, or if a line is missing from messages.txt.
const FALLBACK = {
  'app.name': 'Plan Aloud',
  'skip': 'Skip to the page',
  'loading': 'Loading. Please wait.',
  'next': 'Next',
  'start': 'Start',
  'back': 'Back',
  'saving': 'Saving',
  'saved': 'Saved',
  'kept': 'Saved for now',
  'not-saved': 'Not saved yet. We keep trying.',
  'save-later': 'Save and finish later',
  'finish': 'Finish and clear the screen',
  'finishing': 'Clearing the screen. Please wait.',
  'bigger-text': 'Bigger text',
  'connection.lost': 'The connection was lost. Trying again. Please wait.',
  'connection.back': 'We are connected again.',
  'bye': 'Thank you. Goodbye.',
  'timeout.title': 'Do you need more time?',
  'timeout.body': 'The screen will clear in {seconds} seconds.',
  'timeout.more': 'Yes, I need more time',
  'timeout.finish': 'No, I have finished',
  'yes': 'Yes',
  'no': 'No',
  'list.add': 'Add',
  'list.change': 'Change',
  'list.remove': 'Remove',
  'list.remove.ask': 'Do you want to remove this?',
  'list.remove.yes': 'Yes, remove it',
  'list.remove.no': 'No, keep it',
  'list.save-item': 'Done',
  'list.item': 'Number {n}',
  'list.empty': 'There is nothing here yet.',
  'list.full': 'This list is full.',
  'code.open': 'Open my plan',
  'code.new': 'Start without a code',
  'code.label': 'Type your code',
  'code.hint': 'Your code is on your letter.',
  'code.new-hint': 'You will get a new code.',
  'code.yours': 'Your code is',
  'code.keep': 'Write it down and keep it safe.',
  'needs.eligible': 'The council will help with these needs',
  'needs.other': 'Other needs',
  'needs.none': 'There are no needs from an assessment yet.',
  'check.change': 'Change',
  'check.none': 'You have not answered this yet.',
  'check.helpers': 'Who helped',
  'send.button': 'Send my plan',
  'send.empty': 'You can send your plan even if some answers are empty.',
  'send.already': 'Your plan is already sent.',
  'review.button': 'Ask for a review',
  'review.sent': 'We have sent your request for a review.',
  'error.title': 'There is a problem',
  'error.too-big': 'That is too much to send at once. Please make it shorter.',
  'error.server': 'Something went wrong. Nothing was changed. Please try again.',
};

let messages = null;

/** Keeps the `messages` object from `hello` for msg(). */
export function setMessages(m) {
  messages = m && typeof m === 'object' ? m : null;
}

/**
 * The text object for a line of messages.txt, with {placeholders} filled in
 * from vars. Falls back to the built-in English line before `hello`.
 */
export function msg(name, vars) {
  let t = messages && messages[name];
  if (!t || typeof t.text !== 'string') {
    if (messages) console.warn('planaloud: no message', name);
    t = { id: 'msg/' + name, text: FALLBACK[name] ?? name };
  }
  let text = t.text;
  if (vars) {
    text = text.replace(/\{([a-z_.-]+)\}/gi, (all, k) =>
      Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : all);
  }
  return { id: t.id || 'msg/' + name, text };
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

/**
 * Appends the text object's words to el (bold where marked) and sets
 * data-text-id. Returns el.
 */
export function fillText(el, t) {
  if (!t) return el;
  if (typeof t === 'string') t = { id: '', text: t };
  if (t.id) el.dataset.textId = t.id;
  const s = String(t.text ?? '');
  if (isAnswer(t)) {
    el.append(document.createTextNode(s));
    return el;
  }
  const parts = s.split('**');
  // An odd number of parts means the stars pair up; otherwise the last pair
  // is unmatched and its stars are shown as they are.
  const paired = parts.length % 2 === 1;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (i % 2 === 1 && (paired || !last)) {
      const b = document.createElement('strong');
      b.textContent = part;
      el.append(b);
    } else {
      if (i % 2 === 1) el.append(document.createTextNode('**'));
      if (part) el.append(document.createTextNode(part));
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
