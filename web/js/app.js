// Plan Aloud kiosk page: the connection to the server, what to do with each
// message, reconnecting, and clearing the screen when the person finishes.
// The server drives the page (docs/protocol.md); this page keeps no plan state
// and stores nothing in the browser.

import { setMessages, msg, setText, textEl } from './text.js';
import { el } from './dom.js';
import * as autosave from './autosave.js';
import * as page from './page.js';
import * as kiosk from './kiosk.js';
import * as narration from './narration.js';
import * as focus from './focus.js';
import * as keyboard from './keyboard.js';
import * as scan from './scan.js';
import * as language from './language.js';
import { openSocket } from './socket.js';

const BYE_FALLBACK_MS = 3000;
const BYE_SHOW_MS = 1500;

let socket = null;
let finishing = false;
let byeSeen = false;

// Coming back after a lost connection (docs/protocol.md, "resume"): a secret made as the page
// loads and the server's token for the open plan, both only in this page's memory.
const pageKey = (() => {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
})();
let resumeToken = null;
let resumeSeq = 0;     // the resume request waiting for its page
let backPending = false; // connected again: say so once the words typed meanwhile are saved

const $ = (id) => document.getElementById(id);

let maxBytes = 65536;

/** Sends one message; false if the socket cannot take it now. */
function send(m) {
  if (!socket?.isOpen()) {
    showLost(true);
    return false;
  }
  const json = JSON.stringify(m);
  // The server closes the connection on a message over its limit (and the
  // person would have to type their code again): never send one.
  if (json.length * 3 > maxBytes && new TextEncoder().encode(json).length > maxBytes) {
    page.showPageError(msg('error.too-big'));
    return false;
  }
  return socket.send(m);
}

/** Sends one message if the socket is open, saying nothing if it is not (narration). */
function sendIfOpen(m) {
  return !!socket?.isOpen() && send(m);
}

function go(to) {
  autosave.flush();
  send({ type: 'go', to });
}

function request(m, ctx) {
  autosave.flush();
  return autosave.request(m, ctx);
}

// ---- finishing and clearing ------------------------------------------------

let clearing = false;

/** Loads the page afresh, replacing this history entry so Back cannot show it. */
function clearScreen() {
  if (clearing) return;
  clearing = true;
  narration.clear();
  page.clear();
  location.replace('/');
}

/** "Finish and clear the screen", "No, I have finished", and the timeout. */
function finish() {
  if (finishing) return;
  finishing = true;
  kiosk.stop();
  autosave.flush();
  resumeToken = null;
  if (codeCheck?.open) codeCheck.close();
  codeCheck?.replaceChildren();
  current = null;
  document.body.dataset.connection = 'finishing';
  narration.clear();
  const sent = !!socket?.isOpen() && send({ type: 'finish' });
  page.clear('finishing');
  if (!sent) {
    socket?.close(); // no more tries
    clearScreen();
    return;
  }
  setTimeout(clearScreen, BYE_FALLBACK_MS);
}

// ---- "Do you have your code?" before clearing a plan started without one ----

let newPlan = false;          // the plan open was started on this page, without a code
let codeChecked = false;      // the person said they have their code
let codeCheckPending = false; // "Save and finish later" asked for, to show the code with the question
let codeCheck = null;         // the dialog


/** The dialog over the page that shows the code (saved-code): asks, shows and says the code. */
function showCodeCheck(p) {
  if (!codeCheck) {
    codeCheck = el('dialog', {
      class: 'timeout code-check', id: 'code-check', role: 'alertdialog', 'aria-modal': 'true',
      'aria-labelledby': 'code-check-title', 'aria-describedby': 'code-check-code code-check-why',
    });
    codeCheck.addEventListener('cancel', (e) => { // Escape: back to the code on the page
      e.preventDefault();
      closeCodeCheck();
    });
    document.body.append(codeCheck);
  }
  const title = textEl('h2', msg('finish-code.ask'), 'timeout-title');
  title.id = 'code-check-title';
  title.tabIndex = -1;
  // each piece a text of its own, so the voice can say it; the numbers under the code
  const code = page.codePieces(el('p', { class: 'code-display', id: 'code-check-code', dir: 'ltr' }),
    p.code, p.code_text);
  const numbers = page.codeNumbers(p, 'code-check-numbers');
  const said = [...(Array.isArray(p.code_text) ? p.code_text : []),
    ...(numbers.length ? [msg('code.numbers'), ...(p.code_numbers_text || [])] : [])];
  codeCheck.setAttribute('aria-describedby', ['code-check-code',
    ...numbers.map((e) => e.id), 'code-check-why'].join(' '));
  const why = textEl('p', msg('finish-code.why'), 'timeout-body');
  why.id = 'code-check-why';
  const yes = el('button', { type: 'button', class: 'button button-primary', id: 'code-check-yes' });
  setText(yes, msg('finish-code.yes'));
  yes.addEventListener('click', () => {
    codeChecked = true;
    closeCodeCheck();
    finish();
  });
  const back = el('button', { type: 'button', class: 'button button-secondary', id: 'code-check-back' });
  setText(back, msg('finish-code.back'));
  back.addEventListener('click', closeCodeCheck);
  codeCheck.replaceChildren(title, el('div', { class: 'code-box code-box-large' }, code, ...numbers), why,
    el('div', { class: 'button-group' }, yes, back));
  if (typeof codeCheck.showModal === 'function') codeCheck.showModal();
  else codeCheck.setAttribute('open', '');
  title.focus();
  // Said when sound is on (another page may ask first whether the person is listening alone).
  const els = {};
  for (const e of codeCheck.querySelectorAll('[data-text-id]')) els[e.dataset.textId] = e;
  narration.speak(['msg/finish-code.ask', ...said.map((t) => t.id), 'msg/finish-code.why'], els,
    { opened: true });
}

function closeCodeCheck() {
  if (!codeCheck) return;
  narration.stop();
  if (typeof codeCheck.close === 'function' && codeCheck.open) codeCheck.close();
  else codeCheck.removeAttribute('open');
  codeCheck.replaceChildren();
  document.getElementById('page-title')?.focus();
}

/** "Finish and clear the screen": on a plan started here without a code, first the question. */
function finishAsked() {
  if (finishing || !newPlan || codeChecked || !socket?.isOpen()) {
    finish();
  } else if (document.getElementById('page')?.dataset.kind === 'saved-code' && current?.code) {
    showCodeCheck(current);
  } else {
    codeCheckPending = true;
    go('save-later');
  }
}

let current = null; // the page description shown now
let helloSeen = false; // this connection has said hello (a new one says it again)

// ---- labels from hello ----------------------------------------------------

function label(id, name) {
  const e = $(id);
  if (e) setText(e, msg(name));
}

function applyLabels() {
  label('skip-link', 'skip');
  label('brand', 'app.name');
  label('bigger-text', 'bigger-text');
  label('save-later', 'save-later');
  label('finish', 'finish');
  label('loading', 'loading');
  label('timeout-title', 'timeout.title');
  label('timeout-more', 'timeout.more');
  label('timeout-finish', 'timeout.finish');
  label('narration-more-label', 'narration.more');
}

// ---- connection ------------------------------------------------------------

let wasLost = false;
let backTimer = null;

function showConnection(name) {
  const box = $('connection');
  if (!box) return;
  clearTimeout(backTimer);
  if (!box.childElementCount) box.append(document.createElement('p'));
  setText(box.firstElementChild, msg(name));
  box.dataset.state = name;
  box.classList.add('is-shown');
  box.scrollIntoView({ block: 'nearest' });
}

function showLost(lost, name = 'connection.back') {
  const box = $('connection');
  if (!box) return;
  if (lost) {
    if (!wasLost) narration.offlineSay('connection.lost');
    wasLost = true;
    showConnection('connection.lost');
  } else if (wasLost) {
    wasLost = false;
    showConnection(name);
    if (!narration.speak(['msg/' + name])) narration.offlineSay(name);
    backTimer = setTimeout(() => showLost(false), 5000);
  } else {
    clearTimeout(backTimer);
    box.replaceChildren();
    delete box.dataset.state;
    box.classList.remove('is-shown');
  }
}

function onMessage(m) {
  switch (m.type) {
    case 'hello':
      setMessages(m.messages);
      language.onHello(m);
      applyLabels();
      narration.onHello(m);
      keyboard.onHello(m);
      // A second hello on the same connection: the person chose another language (or their
      // plan was written in one). Its words are above; the page itself comes next.
      if (helloSeen) break;
      helloSeen = true;
      socket.ok();
      document.body.dataset.connection = 'open';
      if (m.limits && Number(m.limits.message_bytes) > 0) maxBytes = Number(m.limits.message_bytes);
      socket.send({ type: 'resume_key', key: pageKey });
      if (resumeToken && wasLost) {
        // Back to the same page of the same plan: the welcome page that comes first is not shown.
        resumeSeq = autosave.nextSeq();
        // It works once: the page that answers brings the next (kept until then, in case this
        // connection goes too before the server has it).
        socket.send({ type: 'resume', seq: resumeSeq, token: resumeToken });
      } else {
        showLost(false);
      }
      scan.configure(m.kiosk || {});
      kiosk.start(m.kiosk || {}, finish, finish);
      break;
    case 'resume_token':
      if (typeof m.token === 'string') resumeToken = m.token;
      break;
    case 'page':
      if (finishing) return;
      if (resumeSeq) {
        if (m.seq !== resumeSeq) return;
        resumeSeq = 0;
        backPending = true;
        if (m.page && !m.page.plan_open) { // the token did not work: the code page says so
          resumeToken = null;
          autosave.dropAll();
          backPending = false;
          showLost(false);
        }
      }
      autosave.onPage(m);
      page.render(m.page);
      scan.pageShown();
      if (m.page && typeof m.page === 'object') {
        current = m.page;
        if (m.page.new_code) newPlan = true;
        if (!m.page.plan_open) newPlan = false;
        narration.pageShown(m.page);
        keyboard.pageShown(m.page);
        if (codeCheckPending && m.page.kind === 'saved-code') showCodeCheck(m.page);
      }
      codeCheckPending = false;
      narration.offlinePrepare();
      if (backPending && !autosave.unsaved()) sayBack();
      break;
    case 'narration':
      if (!narration.offlineNarration(m)) narration.onNarration(m);
      break;
    case 'narration_words':
      if (!narration.offlineEnd(m)) narration.onNarrationWords(m);
      break;
    case 'narration_end':
      if (!narration.offlineEnd(m)) narration.onNarrationEnd(m);
      break;
    case 'saved':
    case 'kept':
      autosave.onSaved(m);
      if (backPending && !autosave.unsaved()) sayBack();
      break;
    case 'error':
      if (narration.offlineEnd(m)) break; // the offline messages' narrate: asked again later
      if (narration.onError(m)) break; // a narrate message's: said in the narration bar
      if (resumeSeq && m.seq === resumeSeq) {
        clearScreen(); // resuming failed on the server: start afresh
        break;
      }
      if (m.seq == null && m.code === 'not-saved') {
        autosave.onCommitFailed(); // the server shows the page again next
        break;
      }
      if (!autosave.onError(m)) {
        page.showPageError({ id: 'msg/error.' + (m.code || 'server'),
          text: String(m.message || msg('error.server').text) });
      }
      break;
    case 'bye':
      // Everything is stored. Say goodbye for a moment, then start afresh.
      resumeToken = null;
      finishing = true;
      byeSeen = true;
      narration.clear();
      page.clear('bye');
      setTimeout(clearScreen, BYE_SHOW_MS);
      break;
    default:
      break; // messages this page does not know yet are ignored
  }
}

/** Connected again, and what was typed meanwhile is stored: said once. */
function sayBack() {
  backPending = false;
  showLost(false, 'connection.saved');
}

/** The connection has gone: true tries again. */
function onLost() {
  helloSeen = false; // the next connection says hello afresh
  narration.connectionLost();
  if (finishing) {
    if (!byeSeen) clearScreen();
    return false;
  }
  resumeSeq = 0;
  backPending = false;
  // With a token, the page and what is typed on it stay: they are sent again on resume.
  if (resumeToken) autosave.connectionLost();
  else autosave.dropAll();
  document.body.dataset.connection = 'lost';
  showLost(true);
  return true;
}

// ---- start -----------------------------------------------------------------

function start() {
  const loading = $('loading');
  if (loading) loading.hidden = false;

  autosave.init({
    send,
    // "Saved" is spoken once the words are stored; when connected again it is said with that.
    said: (state) => { if (!backPending) narration.speak(['msg/' + state], {}, { polite: true }); },
  });
  page.init({ go, send, request, finish: finishAsked });
  narration.init({ send: sendIfOpen, nextSeq: autosave.nextSeq });
  focus.init();
  keyboard.init();
  language.init(sendIfOpen);
  // "I touch the screen": the keyboard on the screen opens for every box from now on.
  document.addEventListener('input-mode', (e) => { if (e.detail === 'touch') keyboard.setAlways(true); });
  scan.init();
  // Switches: a text box chosen opens the keyboard for it; scanning goes into the keyboard when
  // it opens, and on from the box when it closes.
  document.addEventListener('scan-choose', (e) => {
    const was = keyboard.isOpen(); // (opening, it says so itself: keyboard-change)
    keyboard.open(e.target);
    if (was) scan.refresh();
  });
  document.addEventListener('keyboard-change', (e) => scan.refresh(e.detail.open ? null : e.detail.box));

  const bigger = $('bigger-text');
  bigger.hidden = false;
  bigger.addEventListener('click', () => {
    const on = document.documentElement.classList.toggle('bigger-text');
    bigger.setAttribute('aria-pressed', on ? 'true' : 'false');
  });
  $('save-later').addEventListener('click', () => go('save-later'));
  $('finish').addEventListener('click', finishAsked);

  // Nothing of this person may stay in the browser's page cache.
  window.addEventListener('pagehide', () => {
    narration.clear();
    page.clear();
  });
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload();
  });

  // A binary frame is a piece of a narration's audio.
  socket = openSocket('planaloud', {
    message: onMessage,
    binary: (d) => narration.offlineAudio(d) || narration.onAudio(d),
    lost: onLost,
  });
}

start();
