// The enrolment page, opened on a kiosk from the one-time link an administrator was given
// (#kiosks on the staff pages). The token is in the address's fragment, which the browser never
// sends to the server or to anyone else: this script puts it in the form, then takes it out of the
// address. The server answers the form with the kiosk's device cookie and the kiosk page, or
// sends the browser back here saying why not (?problem=...).

import { errorSummary, focusSkipTargets } from './dom.js';

const PROBLEMS = {
  link: 'This link has been used, has run out, or was taken back. Ask an administrator for a new link.',
  missing: 'This link is not whole. Open the whole link the administrator gave you.',
  server: 'Sorry, there is a problem with the service. Try again later.',
};

function problem(code) {
  const box = document.getElementById('problem');
  document.title = 'Error: ' + document.title;
  box.replaceChildren(errorSummary([{ text: PROBLEMS[code] }]));
  box.firstElementChild.focus();
}

function start() {
  const token = new URLSearchParams(location.hash.slice(1)).get('t');
  const code = new URLSearchParams(location.search).get('problem');
  if (token) {
    document.getElementById('t').value = token;
    history.replaceState(null, '', location.pathname); // not kept in the address or its history
  }
  if (Object.prototype.hasOwnProperty.call(PROBLEMS, code)) problem(code);
  else if (!token) problem('missing');
  document.getElementById('enrol-form').hidden = !token;
}

focusSkipTargets(document);
start();
