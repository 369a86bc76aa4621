// Plan Aloud staff page: the connection (docs/staff.md), who is logged in, and which view the
// address shows (#caseload, #invite, #plan/7, #letter/7, #versions/7, #audit/7, #review/7,
// #kiosks, #export/7, #erase/7, #users, #users/jo, #health, #alerts).
// The server holds every plan and checks every request; this page asks, shows the answer, and
// keeps nothing but the plan code it has just been given (for printing the letter).

import { h, errorSummary, banner, focusSkipTargets } from './dom.js';
import { openSocket } from '/js/socket.js';
import { can } from './roles.js';
import { setWords, roleName } from './words.js';
import * as caseload from './caseload.js';
import * as invite from './invite.js';
import * as letter from './letter.js';
import * as plan from './plan.js';
import * as versions from './versions.js';
import * as audit from './audit.js';
import * as review from './review.js';
import * as kiosks from './kiosks.js';
import * as exportView from './export.js';
import * as erase from './erase.js';
import * as users from './users.js';
import * as health from './health.js';
import * as alerts from './alerts.js';
import * as live from './live.js';

const VIEWS = { caseload, invite, letter, plan, versions, audit, review, kiosks, export: exportView, erase, users, health, alerts };
const LOGIN = '/staff/login.html';

const $ = (id) => document.getElementById(id);

let socket = null;
let me = null; // the `me` reply, once the server has said who is logged in
let navigation = 0; // counts views shown: a reply for an older view is dropped
let leaving = false;
let shown = null; // the view on the page now: { name, param, ctx }

// ---- the connection --------------------------------------------------------------

const LOST = { type: 'error', code: 'connection', message: 'The connection to the server was lost. Wait a moment, then try again.' };

/** Sends one request; resolves with its reply (an `error` reply included), never rejects. */
function request(m) {
  if (!socket?.isOpen()) return Promise.resolve({ ...LOST });
  used();
  return socket.request(m);
}

function toLogin(problem) {
  if (leaving) return;
  leaving = true;
  location.replace(LOGIN + (problem ? `?problem=${problem}` : ''));
}

function onMessage(m) {
  if (m.type === 'error' && m.code === 'login-needed') {
    // Logged out elsewhere, 30 idle minutes, or a disabled account: the server closes next.
    toLogin(me ? 'ended' : null);
    return true;
  }
  if (m.type === 'live' || m.type === 'live_missed') {
    live.show(m);
    refreshCaseload(m.type === 'live_missed');
    return true;
  }
  return false;
}

// ---- news as it happens: the caseload read again in place ---------------------------
// A push (live.js) makes the caseload, when it is the view, read its page again: the same page
// and the same place for focus, so a caseworker on page 3 stays on page 3. This is the page's own
// doing, not the user's: it neither restarts the idle time here nor keeps the login alive on the
// server (`refresh`). Not on the caseload, news that overflowed is caught up the same way.

let refreshing = false;
let refreshAgain = false;

/** Where focus is in the view, to find it again once the view is drawn afresh. */
function focusPlace() {
  const main = $('main-content');
  const a = document.activeElement;
  if (!a || a === main || !main.contains(a)) return null;
  const href = a.getAttribute('href');
  if (href) {
    return { href, index: [...main.querySelectorAll('[href]')].filter((e) => e.getAttribute('href') === href).indexOf(a) };
  }
  return a.id ? { id: a.id } : { lost: true };
}

function restoreFocus(place) {
  if (!place || (document.activeElement && document.activeElement !== document.body)) return;
  const main = $('main-content');
  let target = null;
  if (place.href) {
    const same = [...main.querySelectorAll('[href]')].filter((e) => e.getAttribute('href') === place.href);
    target = same[Math.max(0, place.index)] || same[0] || null;
  } else if (place.id) {
    target = document.getElementById(place.id);
  }
  if (!target) { // gone from this page: the heading, so focus is not lost to the page's start
    target = main.querySelector('h1');
    target?.setAttribute('tabindex', '-1');
  }
  target?.focus({ preventScroll: true });
}

/** missed: news overflowed, and none comes until the caseload is read again. */
async function refreshCaseload(missed) {
  if (!me || !can(me, caseload.needs)) return;
  if (shown?.name !== 'caseload') {
    if (missed && socket?.isOpen()) socket.request({ type: 'caseload', refresh: true });
    return;
  }
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  do {
    refreshAgain = false;
    const view = shown;
    if (view?.name === 'caseload' && view.ctx.alive()) {
      const place = focusPlace();
      await caseload.render(view.ctx, view.param, { refresh: true });
      if (view.ctx.alive()) restoreFocus(place);
    }
  } while (refreshAgain);
  refreshing = false;
}

async function onOpen() {
  const r = await request({ type: 'me' });
  if (r.type !== 'me') return; // login-needed takes the page to the login form
  socket.ok();
  const first = !me;
  me = r;
  setWords(r.words);
  used();
  showUser();
  showConnection(null);
  // Back after a lost connection, the view stays as it is: nothing typed into it is lost.
  if (first) route(false);
}

/** The connection has gone: true tries again. */
function onLost() {
  if (leaving) return false;
  // Gone before saying who is logged in: there is no live login (or no server).
  if (!me) {
    toLogin();
    return false;
  }
  showConnection('The connection to the server was lost. Trying again…');
  return true;
}

function showConnection(text) {
  const box = $('connection');
  if (!text) {
    box.replaceChildren();
    return;
  }
  if (box.firstElementChild) return;
  box.append(banner(h('p', { class: 'govuk-notification-banner__heading', text }), { title: 'Connection' }));
  announce(text);
}

// ---- the idle time limit (WCAG 2.2.1) -------------------------------------------------
// The server ends a login after `idle_minutes` without a message. Two minutes before (or halfway,
// for a very short limit), a dialog says so and offers to stay logged in, which sends a message.

let warnTimer = null;
let endTimer = null;
let countTimer = null;

function idleMs() {
  return Math.max(1000, Number(me?.idle_minutes || 30) * 60000);
}

/** A message is going to the server: the idle time starts again. */
function used() {
  if (!me) return;
  clearTimeout(warnTimer);
  clearTimeout(endTimer);
  const limit = idleMs();
  const warnBefore = Math.min(2 * 60000, limit / 2);
  const deadline = Date.now() + limit;
  warnTimer = setTimeout(() => warnIdle(deadline), limit - warnBefore);
  endTimer = setTimeout(() => toLogin('ended'), limit + 1000);
}

function warnIdle(deadline) {
  const dialog = $('timeout');
  if (!dialog || dialog.open || leaving) return;
  $('timeout-minutes').textContent = String(Math.round(idleMs() / 60000) || 1);
  const tick = () => {
    const s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    $('timeout-count').textContent = `Time left: ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  };
  tick();
  clearInterval(countTimer);
  countTimer = setInterval(tick, 1000);
  dialog.showModal();
  $('timeout-stay').focus();
}

function stayLoggedIn() {
  const dialog = $('timeout');
  clearInterval(countTimer);
  if (dialog.open) dialog.close();
  request({ type: 'me' }); // any message keeps the login alive
  announce('You are still logged in.');
}

// ---- who is logged in --------------------------------------------------------------

function showUser() {
  $('user-who').replaceChildren(h('span', { class: 'govuk-visually-hidden', text: 'Logged in as ' }),
    h('strong', { text: me.name }), ` (${roleName(me.role)})`);
  $('user').hidden = false;
  $('nav').hidden = false;
  $('service-link').setAttribute('href', '#' + defaultView());
  // data-needs: a menu item shown to fewer roles than may open its view.
  for (const li of document.querySelectorAll('[data-nav]')) li.hidden = !can(me, li.dataset.needs || VIEWS[li.dataset.nav]?.needs);
  if (![...document.querySelectorAll('[data-nav]')].some((li) => !li.hidden)) $('nav').hidden = true;
}

function markNav(name) {
  for (const li of document.querySelectorAll('[data-nav]')) {
    const on = li.dataset.nav === name;
    li.classList.toggle('govuk-service-navigation__item--active', on);
    const a = li.querySelector('a');
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** Says text to screen readers (the polite live region). */
function announce(text) {
  const live = $('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

// ---- views -------------------------------------------------------------------------

/** The words of an error reply: the server's own (from the content). A reply without them
 * (a message's name instead of words: the content lacks it) gets a general apology. */
function errorText(reply) {
  const m = typeof reply.message === 'string' ? reply.message.trim() : '';
  if (m && !/^[a-z]+(\.[a-z0-9-]+)+$/.test(m)) return m;
  return 'Sorry, something went wrong. Try again.';
}

function defaultView() {
  return can(me, caseload.needs) ? 'caseload' : 'audit';
}

/** What a view may call: the server, the page around it, and moving to another view. */
function context(token, name) {
  const main = $('main-content');
  const ctx = {
    me,
    /** quiet: the page's own doing (after news), not the user's: the idle time runs on. */
    request: async (m, { quiet = false } = {}) => {
      const r = await (quiet ? (socket?.isOpen() ? socket.request(m) : { ...LOST }) : request(m));
      if (token !== navigation) return new Promise(() => {}); // the view has gone: never settle
      return r;
    },
    alive: () => token === navigation,
    main,
    go: (hash) => {
      if (location.hash === '#' + hash) route(true);
      else location.hash = hash;
    },
    announce,
    errorText,
    /** Shows the view's content (the nodes), replacing what was there. */
    show(...nodes) {
      if (token !== navigation) return;
      const list = nodes.flat(Infinity).filter((n) => n != null && n !== false);
      // A back link comes first, above any error summary or banner (as on GOV.UK).
      const back = list[0] instanceof Element && list[0].matches('.govuk-back-link') ? [list.shift()] : [];
      main.replaceChildren(...back, h('div', { id: 'messages', class: 'app-messages' }), ...list);
      document.title = `${main.querySelector('h1')?.textContent.trim() || 'Plan Aloud'} – Plan Aloud staff`;
    },
    /** The error summary at the top of the view (items [{text, href}]); it takes focus. */
    errors(items) {
      const box = $('messages');
      if (!box || token !== navigation) return;
      box.replaceChildren(errorSummary(items));
      if (!document.title.startsWith('Error: ')) document.title = 'Error: ' + document.title;
      box.firstElementChild.focus();
    },
    /** A server's error reply, as the error summary (linked to a field when one is given). */
    failed(reply, href) {
      ctx.errors([{ text: errorText(reply), href }]);
    },
    /** A success banner at the top of the view; it takes focus when focus is true. */
    success(content, focus = true) {
      const box = $('messages');
      if (!box || token !== navigation) return;
      document.title = document.title.replace(/^Error: /, '');
      box.replaceChildren(banner(typeof content === 'string'
        ? h('p', { class: 'govuk-notification-banner__heading', text: content }) : content, { success: true }));
      if (focus) box.firstElementChild.focus();
      else announce(box.textContent.replace(/^\s*Success\s*/, ''));
    },
    clearMessages() {
      $('messages')?.replaceChildren();
      document.title = document.title.replace(/^Error: /, '');
    },
    /** Moves focus to the view's heading (after showing a new view). */
    focusHeading() {
      const h1 = main.querySelector('h1');
      if (!h1) return;
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    },
  };
  markNav(name);
  return ctx;
}

function notAllowed(ctx) {
  ctx.show(h('h1', { class: 'govuk-heading-l', text: 'You cannot use this page' }),
    h('p', { class: 'govuk-body', text: `Your role (${roleName(me.role)}) cannot do this.` }),
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: '#' + defaultView(), text: 'Go to your start page' })));
}

function notFound(ctx) {
  ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Page not found' }),
    h('p', { class: 'govuk-body', text: 'There is no page at this address.' }),
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: '#' + defaultView(), text: 'Go to your start page' })));
}

/** Shows the view the address names. moveFocus: the person moved here (not the first load). */
async function route(moveFocus) {
  if (!me) return;
  const token = ++navigation;
  refreshing = false; // a refresh of the view before this one never settles (ctx.request)
  refreshAgain = false;
  const [name, param] = (location.hash.slice(1) || defaultView()).split('/');
  const view = Object.prototype.hasOwnProperty.call(VIEWS, name) ? VIEWS[name] : null;
  const ctx = context(token, name);
  shown = { name, param, ctx };
  $('loading')?.remove();
  if (!view) notFound(ctx);
  else if (!can(me, view.needs)) notAllowed(ctx);
  else {
    if (view.loading !== false) ctx.show(h('p', { class: 'govuk-body', text: 'Loading. Please wait.' }));
    await view.render(ctx, param);
  }
  if (token !== navigation) return;
  // An error summary shown by the view has focus already; otherwise the new view's heading.
  if (moveFocus && !document.activeElement?.closest('.govuk-error-summary, .govuk-notification-banner--success')) {
    ctx.focusHeading();
  }
}

// ---- start ---------------------------------------------------------------------------

focusSkipTargets(document);
$('timeout-stay').addEventListener('click', stayLoggedIn);
$('timeout').addEventListener('cancel', (e) => { // Escape: the same as staying
  e.preventDefault();
  stayLoggedIn();
});
window.addEventListener('hashchange', () => route(true));
// Nothing of a plan stays in the browser's page cache once the page is left.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) location.reload();
});
socket = openSocket('planaloud-staff', { open: onOpen, message: onMessage, lost: onLost }, LOST);
