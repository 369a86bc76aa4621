// The words the staff pages use for the server's codes: statuses, flags, reviews, ways of
// managing a budget, version kinds and audit actions.

// These are the server's words: the reply to `me` carries them (server/staff_words.c, from the
// content), and app.js hands them here once. Only how a status looks (its colour) is the page's.
let told = {
  status: [], review: [], managing: [], flags: [], roles: {}, review_kinds: {}, versions: {}, live: {},
  languages: [], language: '', interpreter: {},
};

/** Takes the words of the `me` reply (its `words` object). */
export function setWords(words) {
  if (!words || typeof words !== 'object') return;
  const list = (k) => (Array.isArray(words[k]) ? words[k] : []);
  const map = (k) => (words[k] && typeof words[k] === 'object' ? words[k] : {});
  told = {
    status: list('status'), review: list('review'), managing: list('managing'), flags: list('flags'),
    roles: map('roles'), review_kinds: map('review_kinds'), versions: map('versions'), live: map('live'),
    languages: list('languages'), language: typeof words.language === 'string' ? words.language : '',
    interpreter: map('interpreter'),
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

/** Before what the person wrote when they raised a flag (a review request's reason). */
export const FLAG_DETAIL = 'In their words:';

function flag(kind) {
  return told.flags.find((f) => f.kind === kind);
}

/** A flag's short name ("Safeguarding"). */
export function flagName(kind) {
  return flag(kind)?.name || String(kind);
}

/** What the person did, after their name ("asked for an independent advocate."). */
export function flagMeans(kind) {
  return flag(kind)?.means || 'needs attention.';
}

function own(map, k) {
  return map && Object.prototype.hasOwnProperty.call(map, k) ? map[k] : undefined;
}

export function reviewKind(k) {
  return own(told.review_kinds, k) || 'Review';
}

export function versionKind(k) {
  return own(told.versions, k) || String(k || '');
}

/** A role's name as staff say it ("team manager"). */
export function roleName(r) {
  return own(told.roles, r) || String(r || '');
}

/** "send_back" -> "Send back" for audit actions without their own words. */
export function actionText(a) {
  const s = String(a || '').replace(/[_-]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}

/** The words of news on the page ("title", "submitted", "missed"): live.js. */
export function liveWord(k) {
  return own(told.live, k) || '';
}

// ---- the languages a person writes in (docs/staff.md, "Languages") ----

/** Every language a person may write in, English first: [{ lang, name (in itself), english, dir }]. */
export function languages() {
  return told.languages;
}

/** A language as the choice of the letter's names it: "Welsh (Cymraeg)", "English". */
export function languageChoice(l) {
  const english = String(l.english || l.lang);
  return l.name && l.name !== english ? `${english} (${l.name})` : english;
}

/** The word for a plan's language ("Language"). */
export function languageWord() {
  return told.language || 'Language';
}

/** The interpreter question's title ("Interpreter") and the person's answer in words: answer
 * "yes", "no", or null (not answered). */
export function interpreterWords(answer) {
  const key = answer === 'yes' || answer === 'no' ? answer : 'none';
  return { title: own(told.interpreter, 'title') || 'Interpreter', text: own(told.interpreter, key) || key };
}
