// The words the staff pages use for the server's codes: statuses, flags, reviews, ways of
// managing a budget, version kinds and audit actions.

/** status -> [tag text, tag colour (GOV.UK Frontend 6; null: the default blue), group heading] */
export const STATUS = {
  submitted: ['Sent by the person', null, 'Sent by the person: read and agree'],
  changes_requested: ['Sent back for changes', 'orange', 'Sent back for changes'],
  agreed: ['Agreed', 'turquoise', 'Agreed: waiting for sign-off'],
  not_agreed: ['Not agreed', 'red', 'Not agreed'],
  review_due: ['Review due', 'yellow', 'Review due'],
  signed_off: ['Signed off', 'green', 'Signed off'],
  draft: ['Being written', 'grey', 'Being written by the person'],
};

/** The order the caseload shows the status groups in: what needs staff first. */
export const STATUS_ORDER = ['submitted', 'agreed', 'not_agreed', 'review_due', 'changes_requested', 'draft', 'signed_off'];

export function statusText(s) {
  return (STATUS[s] || [String(s || 'Unknown')])[0];
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

/** Ways of managing a personal budget (the invite's `managing`). */
export const MANAGING = [
  { value: 'direct', text: 'Direct payment', hint: 'The person (or someone for them) gets the money and arranges their own support.' },
  { value: 'council', text: 'The council arranges the support' },
  { value: 'provider', text: 'A provider manages it', hint: 'An individual service fund.' },
  { value: 'mix', text: 'A mix of these' },
];

export const VERSION_KINDS = { submitted: 'Sent by the person', agreed: 'Agreed', signed_off: 'Signed off', review: 'Reviewed' };

export function versionKind(k) {
  return VERSION_KINDS[k] || String(k || '');
}

/** "send_back" -> "Send back" for audit actions without their own words. */
export function actionText(a) {
  const s = String(a || '').replace(/[_-]+/g, ' ').trim();
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}
