// The words the staff pages use for the server's codes: statuses, flags, reviews, ways of
// managing a budget, version kinds and audit actions.

// Statuses, review questions and ways of managing are the server's words: the reply to `me`
// carries them (server/staff_words.c, from the content), and app.js hands them here once.
let told = { status: [], review: [], managing: [] };

/** Takes the words of the `me` reply (its `words` object). */
export function setWords(words) {
  if (!words || typeof words !== 'object') return;
  told = {
    status: Array.isArray(words.status) ? words.status : [],
    review: Array.isArray(words.review) ? words.review : [],
    managing: Array.isArray(words.managing) ? words.managing : [],
  };
}

/** status -> tag colour (GOV.UK Frontend 6; null: the default blue). How it looks, not words. */
const COLOUR = {
  submitted: null, changes_requested: 'orange', agreed: 'turquoise', not_agreed: 'red',
  review_due: 'yellow', signed_off: 'green', draft: 'grey',
};

/** The statuses in the order the caseload shows them, each { status, tag, group }. */
export function statuses() {
  return told.status;
}

function status(s) {
  return told.status.find((t) => t.status === s);
}

export function statusText(s) {
  return status(s)?.tag || String(s || '').replace(/_/g, ' ');
}

export function statusColour(s) {
  return Object.prototype.hasOwnProperty.call(COLOUR, s) ? COLOUR[s] : 'grey';
}

/** The review form's questions: [{ key, question, hint?, required }]. */
export function reviewQuestions() {
  return told.review;
}

/** Ways of managing a personal budget (the invite's `managing`): [{ value, text, hint? }]. */
export function managingWays() {
  return told.managing;
}

export function managingText(way) {
  return told.managing.find((m) => m.value === way)?.text || String(way);
}

/** flag kind -> [short name, what it means] */
export const FLAGS = {
  safeguarding: ['Safeguarding', 'said someone is hurting them or making them feel unsafe.'],
  advocacy: ['Advocacy', 'asked for an independent advocate.'],
  review: ['Review asked for', 'asked for a review: their needs may have changed.'],
};

/** Before what the person wrote when they raised a flag (a review request's reason). */
export const FLAG_DETAIL = 'In their words:';

export function flagName(kind) {
  return (FLAGS[kind] || [String(kind)])[0];
}

export const REVIEW_KINDS = { light: 'Light-touch review', full: 'Full review', request: 'Review the person asked for' };

export function reviewKind(k) {
  return REVIEW_KINDS[k] || 'Review';
}

export const VERSION_KINDS = { submitted: 'Sent by the person', agreed: 'Agreed', signed_off: 'Signed off', review: 'Reviewed' };

export function versionKind(k) {
  return VERSION_KINDS[k] || String(k || '');
}

/** "send_back" -> "Send back" for audit actions without their own words. */
export function actionText(a) {
  const s = String(a || '').replace(/[_-]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}
