// Narration: the page read aloud by the server's voice, each word highlighted
// as it is spoken (docs/narration.md, docs/protocol.md).
//
// Listen collects the texts of the page now shown (every visible element with
// a data-text-id the page description holds), in page order, and asks the
// server for them (`narrate`, in batches the server can hold). Each comes back
// as a `narration` message, then binary frames of 16-bit PCM (each starting
// with the narration's 4-byte n) with `narration_words` for each sentence the
// voice has finished, then `narration_end` with all the word timings.
// A text not said before streams: its first frame comes as soon as the voice
// has made 100 ms, and plays while the rest is still coming. The texts play in
// page order through the Web Audio API, each frame scheduled right after the
// one before, a GainNode giving the volume. While a text plays, a requestAnimationFrame loop compares
// the audio clock with each word's time and moves the class `is-spoken` to
// that word's <span class="word"> (text.js wraps every word); the element
// being read has the class `is-reading`.
//
// Pause holds the sound where it is (the AudioContext suspended: the audio clock, and so the
// highlight, stop) until Carry on. speak() says a few words at once (what has focus, from
// focus.js; a key typed, when the person asked for that): they cut off what was being said, and
// Repeat passes over them to the page's last text.
//
// Sound never starts by itself: the AudioContext is made in the person's first
// touch or key press, and only after that are new pages read automatically
// ("Read each page aloud", on by default). The choices (voice, speed, volume,
// reading each page) last for this page load only, in memory. Without sound
// the page works as before; a failure is said once in a polite status line.

import { el as element } from './dom.js';
import { msg, plain, setText } from './text.js';

const MAX_WAITING = 64; // texts the server keeps waiting for one connection
const BATCH = 32;       // ids in one narrate message
const RETRIES = 3;      // "busy" answers before giving up on a reading
const RETRY_MS = 1000;
const GESTURES = ['pointerdown', 'keydown', 'touchend', 'click'];
const PRESENCE = ['pointerdown', 'keydown', 'wheel', 'touchmove'];

let conn = null;       // { send(m) -> bool (false when the socket is not open), nextSeq() -> n }
let voices = [];       // [{name, label}] from hello
let speeds = [];       // ["slowest", ..., "fastest"] from hello, slowest first
let voice = '';
let speed = 'normal';
let volume = 1;
let auto = true;       // read each new page aloud (once sound is allowed)
let echo = 'off';      // say what is typed: 'off' (until the person asks), 'letters' or 'words'
let privateTyping = false; // what is typed on the page shown is private (the code, a private answer)
let paused = false;    // the audio is held where it was: Carry on goes on from there
let readings = 0;      // page and dialog readings begun: see readingMark()

let ctx = null;        // the AudioContext, made in the first gesture
let gain = null;
let allowed = false;   // the person has touched or pressed something
let texts = new Set(); // ids of texts on the page now shown: what the server will read
let view = '';         // which page is shown (and which list entry is edited)
let reading = null;    // the texts being read: see start()
let playing = null;    // the text whose audio is playing: see play()
let streams = new Map(); // n -> the audio of a narration still coming
let lastId = '';       // the text read last, for Repeat
let retryTimer = null;
let told = '';         // the failure shown in the status line now
const ours = new Set(); // every seq a narrate message of this page carried

const $ = (id) => document.getElementById(id);
let ui = null;

// ---- sound -----------------------------------------------------------------

/** Makes the AudioContext (inside a gesture, or the browser keeps it silent). */
function ensureAudio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return false;
  if (!ctx) {
    try {
      ctx = new AC();
      gain = ctx.createGain();
      gain.gain.value = volume;
      gain.connect(ctx.destination);
    } catch {
      ctx = null;
      return false;
    }
  }
  if (ctx.state === 'suspended' && !paused) ctx.resume().catch(() => {});
  return true;
}

function onGesture() {
  if (!voices.length) return; // no voice on this server: no sound to allow
  allowed = true;
  ensureAudio();
}

/** An audio frame (4-byte n, then 16-bit signed little-endian mono PCM) into an AudioBuffer. */
function toBuffer(data, rate) {
  const n = Math.floor((data.byteLength - 4) / 2);
  if (!ctx || n <= 0) return null;
  let b;
  try {
    b = ctx.createBuffer(1, n, rate);
  } catch {
    return null;
  }
  const out = b.getChannelData(0);
  const dv = new DataView(data, 4);
  for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, true) / 32768;
  return b;
}

// ---- what is on the page -----------------------------------------------------

/** Every text object in a page description (what the server lets narrate read). */
function textIds(node, into = new Set(), depth = 0) {
  if (!node || typeof node !== 'object' || depth > 12) return into;
  if (typeof node.id === 'string' && typeof node.text === 'string') into.add(node.id);
  for (const v of Object.values(node)) {
    if (v && typeof v === 'object') textIds(v, into, depth + 1);
  }
  return into;
}

function visible(el) {
  if (typeof el.checkVisibility === 'function') return el.checkVisibility({ visibilityProperty: true });
  return el.getClientRects().length > 0;
}

/**
 * A text the server will read: one of the page shown, a fixed message, a voice's label, a
 * language's name (`lang/<tag>`, read in its own voice), a word offered, or a letter of the
 * language's own keyboard (`char/<letter>`).
 */
function readable(id) {
  return texts.has(id) || id.startsWith('msg/') || id.startsWith('voice/') || id.startsWith('word/') ||
    id.startsWith('lang/') || id.startsWith('char/');
}

/** The texts in root to read, in page order: [{id, el}]. */
function pageTexts(root = $('page')) {
  if (!root) return [];
  const out = [];
  const seen = new Set();
  for (const el of root.querySelectorAll('[data-text-id]')) {
    const id = el.dataset.textId;
    if (!readable(id) || seen.has(id) || !visible(el)) continue;
    const outer = el.parentElement && el.parentElement.closest('[data-text-id]');
    if (outer && root.contains(outer) && readable(outer.dataset.textId)) continue;
    seen.add(id);
    out.push({ id, el });
  }
  return out;
}

// ---- reading -----------------------------------------------------------------

/**
 * Reads entries (texts of this page) in order, from entries[index], starting
 * at the word at character fromChar of the first. brief: a few words said at once (what has
 * focus, a key), not the page: Repeat says the page's text again, not these.
 */
function start(entries, index = 0, fromChar = 0, brief = false, typed = '') {
  stop();
  if (!entries.length || !conn || !ensureAudio()) return;
  reading = {
    entries, index, fromChar, voice, speed, brief,
    typed,             // a word just typed, said back: the one entry is the server's `typed`
    asked: index,      // entries before this have been asked for
    waiting: 0,        // asked for, not come yet
    batches: new Map(), // seq -> ids
    again: [],         // ids to ask for again (the server was busy)
    retries: 0,
    holdUntil: 0,      // the server was busy: ask nothing more before this
    audio: new Map(),  // id -> {chunks, rate, words, done} or {failed}
    followed: true,    // scroll to the text being read until the person moves
  };
  ask(reading);
  advance();
}

/** Asks for the next texts, keeping at most MAX_WAITING waiting on the server. */
function ask(r) {
  if (Date.now() < r.holdUntil) return;
  while (r === reading && r.waiting < MAX_WAITING && (r.again.length || r.asked < r.entries.length)) {
    const room = Math.min(BATCH, MAX_WAITING - r.waiting);
    let ids;
    if (r.again.length) {
      ids = r.again.splice(0, room);
    } else {
      const n = Math.min(room, r.entries.length - r.asked);
      ids = r.entries.slice(r.asked, r.asked + n).map((e) => e.id);
      r.asked += n;
    }
    const seq = conn.nextSeq();
    ours.add(seq);
    const m = { type: 'narrate', seq, ids, voice: r.voice, speed: r.speed };
    if (r.typed) m.typed = r.typed;
    if (!conn.send(m)) {
      reading = null; // no connection: nothing to play
      return;
    }
    r.batches.set(seq, ids);
    r.waiting += ids.length;
  }
}

/** Plays the next text whose audio is here, in page order; ends the reading after the last. */
function advance() {
  const r = reading;
  if (!r || playing) return;
  while (r.index < r.entries.length) {
    const e = r.entries[r.index];
    const a = r.audio.get(e.id);
    const here = live(e);
    if (here && (!a || (!a.failed && !a.done && !a.chunks.length))) return; // coming
    // Starting mid-text needs the word timings, which come at the end.
    if (here && !a.failed && r.fromChar > 0 && !a.done) return;
    if (here && !a.failed && a.chunks.length) {
      play(r, e, a);
      return;
    }
    r.audio.delete(e.id); // failed, empty, or no longer on the page: carry on
    r.index += 1;
    r.fromChar = 0;
  }
  reading = null;
}

/** An entry is still worth saying: its element is on the page (a spoken-only text has none). */
function live(e) {
  return !e.el || e.el.isConnected;
}

/** The frames of a text all here, as one buffer (so a reading can start anywhere in it). */
function joined(a) {
  if (a.chunks.length < 2) return;
  const n = a.chunks.reduce((k, b) => k + b.length, 0);
  let b;
  try {
    b = ctx.createBuffer(1, n, a.chunks[0].sampleRate);
  } catch {
    return;
  }
  const out = b.getChannelData(0);
  let at = 0;
  for (const c of a.chunks) {
    out.set(c.getChannelData(0), at);
    at += c.length;
  }
  a.chunks = [b];
}

function play(r, e, a) {
  if (a.done) joined(a);
  const words = wordsOf(a);
  let offsetMs = 0;
  if (r.fromChar > 0) {
    for (const w of words) if (w[0] <= r.fromChar) offsetMs = Number(w[2]) || 0;
  }
  r.fromChar = 0;
  const spans = e.el ? [...e.el.querySelectorAll('.word')].map((s) => [Number(s.dataset.at), s]) : [];
  if (e.el) e.el.classList.add('is-reading');
  if (e.el && r.followed) follow(e.el);
  // origin: the audio clock's time of the text's first sample; endMs: where the audio scheduled
  // so far ends, in ms of the text.
  playing = {
    r, e, a, spans, offsetMs, sources: [], scheduled: 0, endMs: 0,
    origin: ctx.currentTime - offsetMs / 1000, word: -1, span: null, raf: 0,
  };
  if (!r.brief) lastId = e.id;
  schedule(playing);
  if (told) say('');
  playing.raf = requestAnimationFrame(frame);
}

function wordsOf(a) {
  return Array.isArray(a.words) ? a.words.filter((w) => Array.isArray(w) && w.length >= 3) : [];
}

/**
 * Plays the frames of the text being read that are here and not yet playing, each right after
 * the one before. A frame that comes late moves the origin on, so the words stay in step.
 */
function schedule(p) {
  const now = ctx.currentTime;
  while (p.scheduled < p.a.chunks.length) {
    const b = p.a.chunks[p.scheduled++];
    const from = p.endMs;
    p.endMs += b.duration * 1000;
    if (p.endMs <= p.offsetMs) continue; // before where the reading starts
    let when = p.origin + from / 1000;
    let skip = 0;
    if (from < p.offsetMs) { // the frame the reading starts in
      skip = (p.offsetMs - from) / 1000;
      when = now;
    } else if (when < now) {
      p.origin += now - when;
      when = now;
    }
    const src = ctx.createBufferSource();
    src.buffer = b;
    src.connect(gain);
    src.onended = () => {
      if (playing !== p) return;
      p.sources = p.sources.filter((x) => x !== src);
      if (!p.sources.length && p.a.done && p.scheduled === p.a.chunks.length) ended();
    };
    src.start(when, skip);
    p.sources.push(src);
  }
  if (!p.sources.length && p.a.done) ended(); // nothing left to hear
}

/** Keeps the text being read on screen, until the person scrolls or presses something. */
function follow(el) {
  const box = el.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) el.scrollIntoView({ block: 'nearest' });
}

/** The highlight follows the audio clock (less the output's latency). */
function frame() {
  const p = playing;
  if (!p) return;
  const latency = Number.isFinite(ctx.outputLatency) ? ctx.outputLatency : 0;
  const t = (ctx.currentTime - p.origin - latency) * 1000; // ms of the text now heard
  const words = wordsOf(p.a); // they come a sentence at a time
  let i = p.word;
  while (t >= p.offsetMs && i + 1 < words.length && Number(words[i + 1][2]) <= t) i += 1;
  if (i !== p.word && i >= 0) {
    p.word = i;
    mark(p, Number(words[i][0]));
  }
  p.raf = requestAnimationFrame(frame);
}

/** Highlights the word span holding character `at`. */
function mark(p, at) {
  let span = null;
  for (const [from, s] of p.spans) {
    if (from > at) break;
    span = s;
  }
  if (span === p.span) return;
  if (p.span) p.span.classList.remove('is-spoken');
  if (span) span.classList.add('is-spoken');
  p.span = span;
}

function unmark(p) {
  cancelAnimationFrame(p.raf);
  if (p.span) p.span.classList.remove('is-spoken');
  if (p.e.el) p.e.el.classList.remove('is-reading');
}

/** A text finished: on to the next. */
function ended() {
  const p = playing;
  unmark(p);
  playing = null;
  p.r.audio.delete(p.e.id);
  p.r.index += 1;
  advance();
}

function stopPlaying() {
  const p = playing;
  if (!p) return;
  playing = null;
  for (const src of p.sources) {
    src.onended = null;
    try {
      src.stop();
    } catch {
      // never started
    }
    src.disconnect();
  }
  unmark(p);
}

/** Stops the sound and forgets the reading; the server forgets what it has not sent yet. */
export function stop() {
  clearTimeout(retryTimer);
  unpause();
  stopPlaying();
  streams = new Map();
  const r = reading;
  reading = null;
  if (r && conn) conn.send({ type: 'narrate_stop' });
}

/** Reads the reading again from where it is, with the voice and speed chosen now. */
function restart() {
  const r = reading;
  if (!r) return;
  if (r.brief) { // a few words: said again from the start, in the new voice or speed
    start(r.entries, 0, 0, true, r.typed);
    return;
  }
  let fromChar = r.fromChar;
  if (playing && playing.r === r) {
    const words = wordsOf(playing.a);
    fromChar = playing.word >= 0 && words[playing.word] ? Number(words[playing.word][0]) : 0;
  }
  start(r.entries, r.index, fromChar);
}

// ---- messages from the server ----------------------------------------------

/** A `narration` message: a text's audio begins; its frames and `narration_end` follow. */
export function onNarration(m) {
  const r = reading;
  if (!r || !r.batches.has(m.seq)) return;
  if (m.failed) {
    failed(r, m);
    return;
  }
  // A text from the cache says its words at once; a streamed one's come a
  // sentence at a time (narration_words), and all again with narration_end.
  const a = { chunks: [], rate: Number(m.sample_rate) || 22050,
    words: Array.isArray(m.words) ? m.words : [], done: false };
  r.audio.set(m.id, a);
  streams.set(m.n, a);
}

/** The text could not be said: on to the next, and say so once. */
function failed(r, m) {
  r.waiting -= 1;
  r.audio.set(m.id, { failed: true });
  say(m.message ? { id: 'msg/error.no-sound', text: String(m.message) } : msg('error.no-sound'));
  ask(r);
  advance();
}

/** A binary frame: a piece of the audio of narration n (its first 4 bytes). */
export function onAudio(data) {
  if (!(data instanceof ArrayBuffer) || data.byteLength < 6) return;
  const a = streams.get(new DataView(data).getUint32(0, true));
  if (!a) return; // an earlier reading's
  const buffer = toBuffer(data, a.rate);
  if (!buffer) return;
  a.chunks.push(buffer);
  if (playing && playing.a === a) schedule(playing);
  else advance();
}

/** `narration_words`: the timings of the words of a sentence just finished. */
export function onNarrationWords(m) {
  const a = streams.get(m.n);
  const r = reading;
  if (!a || !r || !r.batches.has(m.seq) || !Array.isArray(m.words)) return;
  a.words = a.words.concat(m.words);
}

/** `narration_end`: all of a text's audio is here; its word timings. */
export function onNarrationEnd(m) {
  const a = streams.get(m.n);
  streams.delete(m.n);
  const r = reading;
  if (!a || !r || !r.batches.has(m.seq)) return;
  if (m.failed) {
    if (playing && playing.a === a) stopPlaying();
    failed(r, m);
    return;
  }
  r.waiting -= 1;
  a.words = Array.isArray(m.words) ? m.words : [];
  a.done = true;
  ask(r);
  if (playing && playing.a === a) schedule(playing);
  else advance();
}

/** An `error`: true if it answers a narrate message (then it is dealt with here). */
export function onError(m) {
  if (m.seq == null || !ours.has(m.seq)) return false;
  const r = reading;
  const ids = r && r.batches.get(m.seq);
  if (!ids) return true; // an earlier reading's: forgotten
  r.batches.delete(m.seq);
  r.waiting -= ids.length;
  const text = { id: 'msg/error.' + m.code, text: String(m.message || '') };
  switch (m.code) {
    case 'busy':
      // The voice is busy for everyone: ask again in a moment, a few times.
      if (r.retries < RETRIES) {
        r.retries += 1;
        r.again.push(...ids);
        r.holdUntil = Date.now() + RETRY_MS - 50;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => ask(r), RETRY_MS);
        return true;
      }
      say(text.text ? text : msg('error.busy'));
      for (const id of ids) r.audio.set(id, { failed: true });
      advance();
      return true;
    case 'bad-voice':
      // The voices changed under us: the first voice at normal speed.
      if (voices.length && (r.voice !== voices[0].name || r.speed !== 'normal')) {
        voice = voices[0].name;
        speed = speeds.includes('normal') ? 'normal' : speeds[0];
        showChoices();
        restart();
        return true;
      }
      break;
    case 'private':
    case 'bad-word':
      if (r.typed) { // a word said back that may not be: nothing is said instead
        stop();
        return true;
      }
      break;
    case 'unknown-text':
      // The page changed on the server meanwhile: these texts are gone.
      for (const id of ids) r.audio.set(id, { failed: true });
      ask(r);
      advance();
      return true;
    default:
      break;
  }
  if (text.text) say(text);
  stop();
  return true;
}

// ---- the page ------------------------------------------------------------------

/** A page was drawn: stop reading the old one, and read the new one if the person wants. */
export function pageShown(p) {
  texts = textIds(p);
  privateTyping = p.kind === 'code' || p.private_answer === true || !!(p.answer && p.answer.private === true);
  // The fields of a list entry being edited: the server reads each as stored now, even one the
  // page was drawn without (empty then).
  if (p.editing && p.editing.id != null && Array.isArray(p.fields)) {
    for (const f of p.fields) if (f && f.name) texts.add(`answer/${p.id}/${p.editing.id}/${f.name}`);
  }
  const key = [p.id, p.editing && p.editing.id != null ? p.editing.id : '', p.code || ''].join('|');
  const isNew = key !== view;
  const samePage = view.split('|')[0] === String(p.id);
  view = key;
  stop();
  if (isNew) lastId = '';
  if (isNew && auto && allowed && voices.length && !(samePage && focusSays())) listen();
}

/**
 * The keyboard's focus is on a control of the page just drawn (a list entry opened: its first
 * box; closed: its Change button): focus speech says where the person is, rather than the page
 * being read again from the top, past it.
 */
function focusSays() {
  const a = document.activeElement;
  const root = $('page');
  return !!a && !!root && root.contains(a) && a.matches('input, textarea, select, button') &&
    a.matches(':focus-visible');
}

/** The page is being cleared (finishing, goodbye, leaving). */
export function clear() {
  stop();
  texts = new Set();
  view = '';
  lastId = '';
  streams = new Map();
  say('');
}

/** The connection closed: whatever was coming will not come. */
export function connectionLost() {
  clearTimeout(retryTimer);
  unpause();
  stopPlaying();
  reading = null;
  streams = new Map();
}

export function listen() {
  readings += 1;
  start(pageTexts());
}

/**
 * Says texts at once (ids of the page shown, or fixed messages `msg/...`), in order, cutting off
 * whatever is being said: what has focus, an error. Only when the person has sound on (they
 * touched or pressed something, and "Read each page aloud" is on); returns false otherwise.
 * els: elements to highlight, by id (optional: a text only heard has none). polite: a status
 * ("Saved") waits for a few words being said (what has focus: an arrow key both moves to an
 * option and saves it) and follows them, rather than cutting them off. opened: the words of
 * something that has just opened and taken focus (a dialog): like a page's reading, they say
 * where focus is, which is not said on its own over them (readingMark).
 */
export function speak(ids, els = {}, { polite = false, opened = false } = {}) {
  if (!auto || !allowed || !voices.length || !conn) return false;
  if (opened) readings += 1;
  const entries = ids.filter((id) => typeof id === 'string' && readable(id))
    .map((id) => ({ id, el: els[id] || null }));
  if (!entries.length) return false;
  const r = reading;
  if (polite && r && r.brief && !paused) {
    r.entries.push(...entries);
    ask(r);
    return true;
  }
  start(entries, 0, 0, true);
  return true;
}

/** Reads the texts in root (a dialog) aloud, if the person has sound on. */
export function readAloud(root) {
  if (!root || !auto || !allowed || !voices.length) return;
  readings += 1;
  start(pageTexts(root));
}

/**
 * Counts the page and dialog readings begun: a focus move that comes with one (a new page's
 * heading, a dialog's button) is not said on its own, the reading says it (focus.js).
 */
export function readingMark() {
  return readings;
}

/** True when the person has sound on and wants what happens said: "Read each page aloud". */
export function aloud() {
  return auto && allowed && voices.length > 0;
}

/**
 * Says a key pressed on the keyboard on the screen (`msg/key.a`, `msg/keyboard.space`) or a word
 * it offers (`word/kind`), cutting off whatever was being said, when the person has sound on
 * ("Read each page aloud", or "Say each letter I type"). Returns false when it is not said.
 */
export function sayKey(id) {
  if (!(auto || echo !== 'off') || !allowed || !voices.length || !conn || !readable(id)) return false;
  start([{ id, el: null }], 0, 0, true);
  return true;
}

/**
 * Says a key just typed (a fixed message, `msg/key.a`), cutting off whatever was being said, when
 * the person asked for each letter to be said. Returns false when it is not said.
 */
export function echoKey(id) {
  if (echo !== 'letters' || !allowed || !voices.length || !conn || !readable(id)) return false;
  start([{ id, el: null }], 0, 0, true);
  return true;
}

/** What the person asked to hear as they type: 'off', 'letters' or 'words'. */
export function echoMode() {
  return echo;
}

/** The most characters of a word said back (the server's limit too). */
export const TYPED_MAX = 40;

/**
 * Says back a word just typed (the server's `typed` text, made afresh, never cached), cutting off
 * whatever was being said, the word before too, when the person asked for each word to be said.
 * Not where what is typed is private (the code, a private answer) unless privateOk. Returns false
 * when it is not said.
 */
export function echoWord(word, privateOk) {
  if (echo !== 'words' || !allowed || !voices.length || !conn || (privateTyping && !privateOk)) return false;
  if (typeof word !== 'string' || !word || [...word].length > TYPED_MAX || /\s/u.test(word)) return false;
  start([{ id: 'typed', el: null }], 0, 0, true, word);
  return true;
}

/** True while a word just typed is being said back (the next letters typed leave it be). */
export function echoingWord() {
  const r = reading || (playing && playing.r);
  return !!r && !!r.typed;
}

// ---- pause -------------------------------------------------------------------------

/** Holds the sound where it is: the audio clock stops, and the highlight with it. */
function pause() {
  if (paused || !ctx || !(reading || playing)) return;
  paused = true;
  ctx.suspend().catch(() => {});
  showPause();
}

/** Carries on from where the sound was held; also when anything else is said, or Stop. */
function unpause() {
  if (!paused) return;
  paused = false;
  if (ctx) ctx.resume().catch(() => {});
  showPause();
}

function showPause() {
  if (ui) label(ui.pause, paused ? 'narration.carry-on' : 'narration.pause');
}

/**
 * True while a text is being read or its audio is coming: the person is listening. Held (paused)
 * sound is not listened to: a person who paused and left still has the screen cleared in time;
 * nor are a few words said at once (what has focus, a key): the key that moved focus counted.
 */
export function isPlaying() {
  const r = reading || (playing && playing.r);
  return !!r && !paused && !r.brief;
}

function repeat() {
  const r = reading;
  if (r && !r.brief) {
    start(r.entries, r.index, 0);
    return;
  }
  const entries = pageTexts();
  const i = Math.max(0, entries.findIndex((e) => e.id === lastId));
  start(entries.slice(i, i + 1));
}

// ---- the bar ---------------------------------------------------------------------

/** A status line said once, politely; '' clears it. */
function say(t) {
  if (!ui) return;
  const text = t ? plain(t) : '';
  if (text === told) return;
  told = text;
  if (text) setText(ui.status, t);
  else {
    ui.status.replaceChildren();
    delete ui.status.dataset.textId;
  }
}

function label(el, name) {
  if (el) setText(el, msg(name));
}

function showChoices() {
  if (!ui) return;
  for (const b of ui.speeds.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', b.dataset.speed === speed ? 'true' : 'false');
  }
  if (ui.voice.value !== voice) ui.voice.value = voice;
  ui.auto.setAttribute('aria-pressed', auto ? 'true' : 'false');
  for (const b of ui.echo.querySelectorAll('button[data-echo]')) {
    b.setAttribute('aria-pressed', b.dataset.echo === echo ? 'true' : 'false');
  }
}

function setSpeed(s) {
  if (s === speed) return;
  speed = s;
  showChoices();
  restart();
}

/** `hello`: the voices and speeds this server has, and the labels. */
export function onHello(m) {
  voices = Array.isArray(m.voices)
    ? m.voices.filter((v) => v && typeof v.name === 'string' && v.name)
    : [];
  speeds = Array.isArray(m.speeds) ? m.speeds.filter((s) => typeof s === 'string' && s) : [];
  if (!voices.some((v) => v.name === voice)) voice = voices.length ? voices[0].name : '';
  if (!speeds.includes(speed)) speed = speeds.includes('normal') ? 'normal' : (speeds[0] || 'normal');
  if (!ui) return;
  ui.bar.hidden = !voices.length || !speeds.length;
  ui.bar.setAttribute('aria-label', plain(msg('narration.bar')));
  label(ui.listen, 'narration.listen');
  label(ui.stop, 'narration.stop');
  label(ui.repeat, 'narration.repeat');
  showPause();
  label(ui.auto, 'narration.auto');
  label(ui.echoLabel, 'narration.echo');
  for (const b of ui.echo.querySelectorAll('button[data-echo]')) label(b, 'narration.echo-' + b.dataset.echo);
  label(ui.speedLabel, 'narration.speed');
  label(ui.voiceLabel, 'narration.voice');
  label(ui.volumeLabel, 'narration.volume');
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  // A reconnection says the same again: keep the buttons (and the focus on them).
  // The page starts with the usual speeds (their space kept, so nothing moves): kept if the
  // server has the same, in its words.
  if (!same([...ui.speeds.children].map((b) => b.dataset.speed), speeds)) {
    ui.speeds.replaceChildren(...speeds.map(speedButton));
  }
  for (const b of ui.speeds.children) setText(b, msg('narration.' + b.dataset.speed));
  if (!same([...ui.voice.options].map((o) => o.value + '|' + o.textContent + '|' + (o.dataset.textId || '')),
    voices.map((v) => v.name + '|' + voiceLabel(v) + '|' + voiceTextId(v)))) {
    // Each option keeps its label's text id (`voice/<name>`): focus speech says the voice chosen.
    ui.voice.replaceChildren(...voices.map((v) => element('option', {
      value: v.name, text: voiceLabel(v), dataset: voiceTextId(v) ? { textId: voiceTextId(v) } : {},
    })));
  }
  showChoices();
}

function voiceTextId(v) {
  return v.text && typeof v.text.id === 'string' && v.text.id.startsWith('voice/') ? v.text.id : '';
}

function voiceLabel(v) {
  return typeof v.label === 'string' && v.label ? v.label : v.name;
}

function speedButton(s) {
  return element('button', {
    type: 'button', class: 'button button-secondary button-small narration-speed-button',
    id: 'narration-speed-' + s.replace(/[^a-z0-9-]/gi, '_'), dataset: { speed: s },
  });
}

/** Finds the bar in index.html and wires its controls. conn: {send, nextSeq}. */
export function init(c) {
  conn = c;
  ui = {
    bar: $('narration'), listen: $('narration-listen'), stop: $('narration-stop'),
    repeat: $('narration-repeat'), pause: $('narration-pause'), auto: $('narration-auto'),
    echo: $('narration-echo'), echoLabel: $('narration-echo-label'), speeds: $('narration-speeds'),
    speedLabel: $('narration-speed-label'), voice: $('narration-voice'),
    voiceLabel: $('narration-voice-label'), volume: $('narration-volume'),
    volumeLabel: $('narration-volume-label'), status: $('narration-status'),
  };
  if (Object.values(ui).some((e) => !e)) {
    ui = null;
    return;
  }
  ui.listen.addEventListener('click', () => {
    onGesture();
    listen();
  });
  ui.stop.addEventListener('click', stop);
  ui.repeat.addEventListener('click', () => {
    onGesture();
    repeat();
  });
  ui.pause.addEventListener('click', () => {
    if (paused) unpause();
    else pause();
  });
  ui.auto.addEventListener('click', () => {
    auto = !auto;
    showChoices();
    if (!auto) stop();
  });
  ui.echo.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-echo]');
    if (!b || !['off', 'letters', 'words'].includes(b.dataset.echo)) return;
    echo = b.dataset.echo;
    showChoices();
  });
  ui.speeds.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-speed]');
    if (b && speeds.includes(b.dataset.speed)) setSpeed(b.dataset.speed);
  });
  ui.voice.addEventListener('change', () => {
    if (!voices.some((v) => v.name === ui.voice.value) || ui.voice.value === voice) return;
    voice = ui.voice.value;
    restart();
  });
  ui.volume.addEventListener('input', () => {
    const v = Number(ui.volume.value);
    volume = Number.isFinite(v) ? Math.min(1, Math.max(0, v / 100)) : 1;
    if (gain) gain.gain.value = volume;
  });
  for (const t of GESTURES) document.addEventListener(t, onGesture, { capture: true, passive: true });
  // Once the person scrolls or presses something, the page stops following the voice.
  for (const t of PRESENCE) {
    document.addEventListener(t, (e) => {
      if (reading && !ui.bar.contains(e.target)) reading.followed = false;
    }, { capture: true, passive: true });
  }
  // Escape stops the voice (in the timeout warning it means "more time" instead).
  const dialog = $('timeout');
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && (reading || playing) && !(dialog && dialog.open)) stop();
    // The keyboard's own pause key holds the sound and carries on (Tab to Pause would say Pause).
    if (e.key === 'Pause' || e.key === 'MediaPlayPause') {
      if (paused) unpause();
      else pause();
    }
  });
  // "Do you need more time?" is said instead of the page.
  if (dialog) {
    new MutationObserver(() => {
      if (!dialog.open) return;
      stop();
      readAloud(dialog);
    }).observe(dialog, { attributes: true, attributeFilter: ['open'] });
  }
  showChoices();
}

// ---- offline messages ------------------------------------------------------
// The few things to say when the server cannot be reached ("We lost the connection. Please
// wait.", "We are connected again."): asked for once sound is allowed, through the same
// `narrate` messages, and kept here as decoded audio to play while the socket is down.

const OFFLINE_IDS = ['msg/connection.lost', 'msg/connection.back', 'msg/connection.saved'];
const offline = { seq: 0, coming: new Map(), audio: new Map() };

/** Asks for the offline messages' audio, once sound is allowed (again with another voice). */
export function offlinePrepare() {
  if (!conn || !allowed || !ctx || !voices.length) return;
  const key = voice + '|' + speed;
  if (offline.key === key) return;
  const seq = conn.nextSeq();
  if (!conn.send({ type: 'narrate', seq, ids: OFFLINE_IDS, voice, speed })) return;
  offline.key = key;
  offline.seq = seq;
  offline.coming = new Map();
}

/** A `narration` message: true when it is one of the offline messages' (kept here). */
export function offlineNarration(m) {
  if (!offline.seq || m.seq !== offline.seq) return false;
  if (!m.failed) offline.coming.set(m.n, { id: m.id, rate: Number(m.sample_rate) || 22050, chunks: [] });
  return true;
}

/** A binary frame: true when it is a piece of an offline message's audio. */
export function offlineAudio(data) {
  if (!(data instanceof ArrayBuffer) || data.byteLength < 6) return false;
  const a = offline.coming.get(new DataView(data).getUint32(0, true));
  if (!a) return false;
  const b = toBuffer(data, a.rate);
  if (b) a.chunks.push(b);
  return true;
}

/** `narration_end` (or `narration_words`): true when it is an offline message's. */
export function offlineEnd(m) {
  if (!offline.seq || m.seq !== offline.seq) return false;
  if (m.type === 'error') offline.key = ''; // asked again later
  if (m.type !== 'narration_end') return true;
  const a = offline.coming.get(m.n);
  offline.coming.delete(m.n);
  if (a && !m.failed && a.chunks.length) offline.audio.set(a.id, a.chunks);
  return true;
}

/**
 * Plays an offline message (a name of messages.txt) from memory, cutting off what was being said,
 * when the person has sound on. True if it played.
 */
export function offlineSay(name) {
  const chunks = offline.audio.get('msg/' + name);
  if (!chunks || !ctx || !auto || !allowed) return false;
  stopPlaying();
  reading = null;
  let at = ctx.currentTime + 0.05;
  for (const b of chunks) {
    const src = ctx.createBufferSource();
    src.buffer = b;
    src.connect(gain || ctx.destination);
    src.start(at);
    at += b.duration;
  }
  document.documentElement.dataset.offlineSaid = name; // what was said last, for tests
  return true;
}

for (const t of GESTURES) window.addEventListener(t, () => queueMicrotask(offlinePrepare), { passive: true });

/** True when the page may speak now: this server has a voice and the person has touched or pressed something. */
export function soundAllowed() {
  return allowed && voices.length > 0;
}

/** True when this server has a voice at all. */
export function hasVoice() {
  return voices.length > 0;
}
