// Plan Aloud kiosk page: the connection to the server, what to do with each
// message, reconnecting, and clearing the screen when the person finishes.
// The server drives the page (docs/protocol.md); this page keeps no plan state
// and stores nothing in the browser.

import { setMessages, msg, setText } from './text.js';
import * as autosave from './autosave.js';
import * as page from './page.js';
import * as kiosk from './kiosk.js';
import * as narration from './narration.js';
import * as focus from './focus.js';
import { openSocket } from './socket.js';

const BYE_FALLBACK_MS = 3000;
const BYE_SHOW_MS = 1500;

let socket = null;
let finishing = false;
let byeSeen = false;

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

function showLost(lost) {
  const box = $('connection');
  if (!box) return;
  if (lost) {
    wasLost = true;
    showConnection('connection.lost');
  } else if (wasLost) {
    wasLost = false;
    showConnection('connection.back');
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
      socket.ok();
      document.body.dataset.connection = 'open';
      setMessages(m.messages);
      if (typeof m.lang === 'string' && m.lang) document.documentElement.lang = m.lang;
      if (m.limits && Number(m.limits.message_bytes) > 0) maxBytes = Number(m.limits.message_bytes);
      applyLabels();
      narration.onHello(m);
      showLost(false);
      kiosk.start(m.kiosk || {}, finish, finish);
      break;
    case 'page':
      if (finishing) return;
      autosave.onPage(m);
      page.render(m.page);
      if (m.page && typeof m.page === 'object') narration.pageShown(m.page);
      break;
    case 'narration':
      narration.onNarration(m);
      break;
    case 'narration_words':
      narration.onNarrationWords(m);
      break;
    case 'narration_end':
      narration.onNarrationEnd(m);
      break;
    case 'saved':
    case 'kept':
      autosave.onSaved(m);
      break;
    case 'error':
      if (narration.onError(m)) break; // a narrate message's: said in the narration bar
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

/** The connection has gone: true tries again. */
function onLost() {
  narration.connectionLost();
  if (finishing) {
    if (!byeSeen) clearScreen();
    return false;
  }
  autosave.dropAll();
  document.body.dataset.connection = 'lost';
  showLost(true);
  return true;
}

// ---- start -----------------------------------------------------------------

function start() {
  const loading = $('loading');
  if (loading) loading.hidden = false;

  autosave.init({ send });
  page.init({ go, send, request, finish });
  narration.init({ send: sendIfOpen, nextSeq: autosave.nextSeq });
  focus.init();

  const bigger = $('bigger-text');
  bigger.hidden = false;
  bigger.addEventListener('click', () => {
    const on = document.documentElement.classList.toggle('bigger-text');
    bigger.setAttribute('aria-pressed', on ? 'true' : 'false');
  });
  $('save-later').addEventListener('click', () => go('save-later'));
  $('finish').addEventListener('click', finish);

  // Nothing of this person may stay in the browser's page cache.
  window.addEventListener('pagehide', () => {
    narration.clear();
    page.clear();
  });
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload();
  });

  // A binary frame is a piece of a narration's audio.
  socket = openSocket('planaloud', { message: onMessage, binary: (d) => narration.onAudio(d), lost: onLost });
}

start();
