// The staff login page: says why the server sent the browser back here (?problem=...), as a GOV.UK
// error summary that takes focus, or as a notification banner for logging out. The form itself
// works without this script; the server checks it (docs/staff.md).

import { h, errorSummary, banner, focusSkipTargets } from './dom.js';

// The server's codes and what they mean for the person at the keyboard.
const PROBLEMS = {
  wrong: { error: 'The username or password is not right. Check them and try again.', field: 'name' },
  'slow-down': { error: 'There have been too many tries. Wait a few minutes, then try again.', field: 'name' },
  missing: { error: 'Enter your username and password.', field: 'name' },
  server: { error: 'Sorry, there is a problem with the service. Try again later.' },
  out: { notice: 'You have logged out.', success: true },
  ended: { notice: 'You were logged out because the staff pages were not used for 30 minutes. Log in again to carry on.' },
};

function show() {
  const code = new URLSearchParams(location.search).get('problem');
  const p = Object.prototype.hasOwnProperty.call(PROBLEMS, code) ? PROBLEMS[code] : null;
  const box = document.getElementById('problem');
  if (!p || !box) return;
  if (p.notice) {
    box.append(banner(h('p', { class: 'govuk-notification-banner__heading', text: p.notice }),
      { success: p.success, id: 'login-notice' }));
    if (p.success) box.firstElementChild.focus();
    return;
  }
  document.title = 'Error: ' + document.title;
  box.append(errorSummary([{ text: p.error, href: p.field ? '#' + p.field : null }]));
  if (p.field) {
    const group = document.getElementById(p.field + '-group');
    const input = document.getElementById(p.field);
    const message = document.getElementById(p.field + '-error');
    group.classList.add('govuk-form-group--error');
    input.classList.add('govuk-input--error');
    message.replaceChildren(h('span', { class: 'govuk-visually-hidden', text: 'Error: ' }), p.error);
    message.hidden = false;
    input.setAttribute('aria-describedby', message.id);
  }
  box.firstElementChild.focus();
}

focusSkipTargets(document);
show();
