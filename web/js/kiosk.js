// The kiosk timeout: after idle_seconds without a touch or a key, ask "Do you
// need more time?" with a countdown from warn_seconds. Any touch or key
// gives more time; at 0 the page finishes and clears the screen, so nothing of
// one person is left for the next.
//
// The idle timer only starts after the first touch or key since the page
// loaded: an untouched welcome page holds nothing to clear. Someone listening
// to the page is there too: while narration plays, the warning waits, and the
// idle time counts from when it stopped.

import { msg, setText, textEl } from './text.js';
import { isPlaying, stop as stopReading } from './narration.js';
import { configure as configureListening } from './listening.js';
import { isSwitchKey, scanning } from './scan.js';

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'];
const LISTENING_CHECK_MS = 1000; // how often to look again while narration plays

let idleMs = 120000;
let warnSeconds = 30;
let onTimeout = () => {};
let idleTimer = null;
let tick = null;
let left = 0;
let armed = false;
let stopped = false;
let heardAt = 0; // when narration was last seen playing (Date.now())
let activeAt = 0; // the last touch or key (Date.now())
let dialog, titleEl, bodyEl, countEl, moreBtn, finishBtn;

function warningOpen() {
  return !!dialog && dialog.open;
}

function restartIdle() {
  clearTimeout(idleTimer);
  if (stopped || !armed) return;
  activeAt = Date.now();
  idleTimer = setTimeout(idleOver, idleNow());
}

/** The idle time: doubled while the page is scanned, as each choice takes a switch user longer. */
function idleNow() {
  return scanning() ? idleMs * 2 : idleMs;
}

/** The idle time is up, unless the person has been listening since. */
function idleOver() {
  if (stopped) return;
  if (isPlaying()) {
    heardAt = Date.now();
    idleTimer = setTimeout(idleOver, LISTENING_CHECK_MS);
    return;
  }
  // Counted again now: the person may have started scanning since (which doubles it).
  const wait = Math.max(heardAt, activeAt) + idleNow() - Date.now();
  if (wait > 0) {
    idleTimer = setTimeout(idleOver, wait);
    return;
  }
  showWarning();
}

/**
 * The sentence with the new count. Its word spans stay (only their words
 * change), so that while the voice reads it the highlight stays on them.
 */
function fillCountdown() {
  // One second is said in words of its own, not built here ("1 second", not "1 seconds").
  const t = left === 1 ? msg('timeout.body-one') : msg('timeout.body', { seconds: left });
  const now = [...bodyEl.querySelectorAll('.word')];
  const next = [...textEl('p', t).querySelectorAll('.word')];
  if (now.length && now.length === next.length) {
    now.forEach((w, i) => {
      w.textContent = next[i].textContent;
      w.dataset.at = next[i].dataset.at;
    });
    bodyEl.dataset.textId = t.id;
  } else {
    setText(bodyEl, t);
  }
  countEl.textContent = String(left);
}

function showWarning() {
  if (stopped || warningOpen()) return;
  left = warnSeconds;
  setText(titleEl, msg('timeout.title'));
  setText(moreBtn, msg('timeout.more'));
  setText(finishBtn, msg('timeout.finish'));
  fillCountdown();
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  moreBtn.focus();
  clearInterval(tick);
  tick = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      closeWarning();
      stop();
      onTimeout();
      return;
    }
    fillCountdown();
  }, 1000);
}

function closeWarning() {
  clearInterval(tick);
  tick = null;
  if (warningOpen()) {
    stopReading(); // the voice was reading the warning: it has gone
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  }
}

/** The person is here: close the warning if it shows, start the idle time again. */
export function extend() {
  if (stopped) return;
  closeWarning();
  restartIdle();
}

function onActivity(e) {
  if (stopped) return;
  armed = true;
  if (!warningOpen()) {
    restartIdle();
    return;
  }
  // While the warning shows: "No, I have finished" must still work, and
  // moving between its buttons by key or switch must not close it.
  const inDialog = dialog.contains(e.target);
  if (inDialog && finishBtn.contains(e.target)) return;
  if (inDialog && e.type === 'keydown' && (isSwitchKey(e) ||
      ['Tab', 'Shift', 'Enter', ' ', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key))) {
    left = warnSeconds; // they are here: a full countdown again
    fillCountdown();
    return;
  }
  if (inDialog && e.type === 'pointerdown' && moreBtn.contains(e.target)) return; // its click extends
  extend();
}

/**
 * Starts watching for activity. opts: {idle_seconds, warn_seconds, headphones} from
 * hello.kiosk; timedOut() is called when the countdown reaches 0, and
 * finish() when the person says they have finished.
 */
export function start(opts, timedOut, finish) {
  configureListening(opts); // hello.kiosk.headphones: whether to ask about headphones
  const idle = Number(opts && opts.idle_seconds);
  const warn = Number(opts && opts.warn_seconds);
  if (idle > 0) idleMs = idle * 1000;
  if (warn > 0) warnSeconds = Math.round(warn);
  onTimeout = timedOut;
  stopped = false;
  if (!dialog) {
    dialog = document.getElementById('timeout');
    titleEl = document.getElementById('timeout-title');
    bodyEl = document.getElementById('timeout-body');
    countEl = document.getElementById('timeout-count');
    moreBtn = document.getElementById('timeout-more');
    finishBtn = document.getElementById('timeout-finish');
    moreBtn.addEventListener('click', extend);
    finishBtn.addEventListener('click', () => {
      closeWarning();
      stop();
      finish();
    });
    dialog.addEventListener('cancel', (e) => { // Escape
      e.preventDefault();
      extend();
    });
    for (const t of ACTIVITY) {
      document.addEventListener(t, onActivity, { capture: true, passive: true });
    }
  }
  restartIdle();
}

/** No more timeouts (the page is finishing). */
export function stop() {
  stopped = true;
  clearTimeout(idleTimer);
  closeWarning();
}
