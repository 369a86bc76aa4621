// Shared by the browser tests: starts the real server on a free loopback port with its own
// SQLite file, drives Debian's Chromium through playwright-core, and runs axe-core.
'use strict';
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SOURCE = process.env.PLANALOUD_SOURCE_DIR || path.resolve(__dirname, '../..');
const BINARY = process.env.PLANALOUD_BINARY || path.join(SOURCE, 'build/planaloud');

/** Starts build/planaloud with --port 0 --demo and a fresh data folder; resolves once it listens. */
async function startServer(extraArgs = []) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'planaloud-browser-'));
  // PLANALOUD_EASYREAD points at another easy-read folder (for trying content changes).
  const content = process.env.PLANALOUD_EASYREAD ? ['--easyread', process.env.PLANALOUD_EASYREAD] : [];
  const proc = spawn(BINARY, ['--port', '0', '--data', data, '--demo', ...content, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const port = /Kiosk page: (https?):\/\/localhost:(\d+)\//.exec(out);
      const code = /Demo plan code: (\S+)/.exec(out);
      const casey = /Demo caseworker: (\S+) \/ (\S+)/.exec(out);
      const morgan = /Demo manager: (\S+) \/ (\S+)/.exec(out);
      if (port && code && /Press Ctrl\+C/.test(out)) {
        clearTimeout(timer);
        resolve({
          scheme: port[1], // https when the server serves TLS itself (--tls-cert)
          port: Number(port[2]),
          code: code[1],
          // the demo staff accounts, for the staff pages
          caseworker: casey ? { name: casey[1], password: casey[2] } : null,
          manager: morgan ? { name: morgan[1], password: morgan[2] } : null,
        });
      }
    });
    proc.on('exit', (status) => reject(new Error(`server exited (${status}): ${err}`)));
  });
  return {
    ...info,
    url: `${info.scheme}://127.0.0.1:${info.port}/`,
    data,
    proc,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

// ---- the served font ------------------------------------------------------------------------

// Every page is drawn in this font, served from web/fonts/; widths the tests measure assume it.
const SERVED_FONT = 'Atkinson Hyperlegible';

/**
 * Whether this page got the served font: once its fonts have settled, the regular and the bold
 * load from the server and are used for text. null when they are; else what went wrong, in words.
 * Pages not from the server (about:blank, setContent), and bare responses without any style
 * sheet (JSON, the server's plain error pages), are not checked.
 */
async function fontProblem(page) {
  return page.evaluate(async (family) => {
    // A page just navigated to (the staff page sending a visitor to its login form) may still
    // be loading its style sheets: their @font-face rules count only once they are in.
    if (document.readyState !== 'complete') await new Promise((r) => addEventListener('load', r, { once: true }));
    if (!/^https?:$/.test(location.protocol) || document.contentType !== 'text/html' ||
      !document.querySelector('link[rel="stylesheet"]')) return null;
    await document.fonts.ready;
    const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === family);
    if (!faces.length) return `no @font-face for "${family}" on ${location.pathname}`;
    const wanted = [`16px "${family}"`, `bold 16px "${family}"`];
    for (const w of wanted) {
      let loaded = [];
      try {
        loaded = await document.fonts.load(w);
      } catch (e) {
        return `"${w}" did not load on ${location.pathname}: ${e}`;
      }
      if (!loaded.length || !document.fonts.check(w)) {
        const failed = faces.filter((f) => f.status === 'error').length;
        return `"${w}" is not loaded on ${location.pathname} (${failed} of ${faces.length} faces failed)`;
      }
    }
    return null;
  }, SERVED_FONT);
}

/**
 * Checks the served font on every page of the context each time one loads. When it did not load
 * the context closes at once, with the reason, so the test fails there and plainly rather than
 * later on a width measured in another font. A page's latest check is page.fontChecked (a promise
 * of null, or of the problem).
 */
function watchFont(context) {
  context.on('page', (page) => {
    page.fontChecked = Promise.resolve(null);
    page.on('load', () => {
      page.fontChecked = fontProblem(page).catch(() => null) // navigated on or closed meanwhile
        .then(async (problem) => {
          if (problem) {
            process.stderr.write(`the served font did not load: ${problem}\n`);
            await context.close({ reason: `the served font did not load: ${problem}` }).catch(() => {});
          }
          return problem;
        });
    });
  });
}

/**
 * Fails the test when this page did not get the served font (see watchFont). A page that moves
 * on to another while being checked (the staff page to its login form) is checked where it lands.
 */
async function assertFont(page) {
  let problem;
  for (let tries = 0; ; tries++) {
    try {
      problem = await fontProblem(page);
      break;
    } catch (e) {
      if (tries >= 5 || !/context was destroyed|navigat/i.test(String(e))) throw e;
      // The page is moving on: wait for where it lands to load. (waitForLoadState would answer
      // at once for the page being left, which has loaded already.)
      await Promise.race([page.waitForEvent('load'), new Promise((r) => setTimeout(r, 2000))]).catch(() => {});
    }
  }
  if (problem) throw new Error(`the served font did not load: ${problem}`);
}

/** Debian's Chromium, headless; every context it makes watches the served font (watchFont). */
async function launchBrowser(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    watchFont(context);
    return context;
  };
  return browser;
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core with every WCAG 2.x A/AA rule; returns the violations (empty means none). */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.evaluate(AXE_SOURCE);
  }
  // Measure what a person sees once it has settled, not a colour halfway through a transition.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))));
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
}

/** axe's violations as readable lines, for assertion messages. */
function formatViolations(where, violations) {
  return `${where}: ${violations.length} axe violation(s)\n` + violations.map((v) =>
    `  ${v.id} (${v.impact}): ${v.help}\n    at ${v.nodes.join('\n    at ')}`).join('\n');
}

/** Rows of a read-only query on the server's SQLite file (through the sqlite3 command). */
function sql(data, query) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', path.join(data, 'planaloud.db'), query],
    { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// Runs in every page before its own scripts: records each state the save status line shows
// (saving, saved, kept, not-saved), so a test can wait for the save that follows its typing
// even when the line already said "Saved" before. It only watches; it changes nothing.
const SAVE_LOG = `
  window.__saveLog = [];
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.id === 'save-status') window.__saveLog.push(r.target.dataset.state || '');
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
`;

// With openKiosk(..., {audio: true}): runs before the page's scripts and records, in
// window.__audio, what narration does with sound, without changing it: every AudioContext;
// every buffer source (the text being read when it started, the buffer's duration, where in it
// it started, when it started, stopped and ended, in the context's time); every gain node; every
// narrate and narrate_stop the page sent (with the keys pressed and the sources made before it);
// every narration received (with the word timings of its
// narration_end); and
// each word highlighted (class is-spoken added), with the context's time then.
const AUDIO_LOG = `
  (() => {
    const log = window.__audio = { contexts: [], sources: [], gains: [], sent: [], narrations: [],
      spoken: [], offline: [], offlineNarrations: [], keys: 0 };
    // Keys pressed so far, counted as each goes down (before the page's own listeners): each
    // message sent records how many had been pressed then, so a test knows what a key caused.
    window.addEventListener('keydown', () => { log.keys += 1; }, { capture: true });
    // The page asks once for the connection's messages, to keep as audio for when the server
    // cannot be reached (narration.js, "offline messages"): kept apart from what it reads.
    const OFFLINE = 'msg/connection.lost msg/connection.back msg/connection.saved';
    const offlineSeqs = new Set();
    const now = () => (log.contexts.length ? log.contexts[log.contexts.length - 1].currentTime : null);
    const AC = window.AudioContext;
    if (AC) {
      window.AudioContext = class extends AC {
        constructor(...args) {
          super(...args);
          log.contexts.push(this);
        }
      };
      const createSource = BaseAudioContext.prototype.createBufferSource;
      BaseAudioContext.prototype.createBufferSource = function () {
        const src = createSource.call(this);
        const ctx = this;
        const rec = { id: null, duration: null, offset: 0, startTime: null, stopped: false, ended: false };
        const start = src.start;
        src.start = function (when, offset) {
          const reading = document.querySelector('.is-reading');
          rec.id = reading ? reading.dataset.textId : null;
          rec.duration = src.buffer ? src.buffer.duration : null;
          rec.offset = offset || 0;
          rec.startTime = Math.max(Number(when) || 0, ctx.currentTime); // when it sounds
          return start.apply(src, arguments);
        };
        const stop = src.stop;
        src.stop = function () {
          rec.stopped = true;
          return stop.apply(src, arguments);
        };
        src.addEventListener('ended', () => {
          rec.ended = true;
          rec.endTime = ctx.currentTime;
        });
        log.sources.push(rec);
        return src;
      };
      const createGain = BaseAudioContext.prototype.createGain;
      BaseAudioContext.prototype.createGain = function () {
        const g = createGain.call(this);
        log.gains.push(g);
        return g;
      };
    }
    const WS = window.WebSocket;
    window.WebSocket = class extends WS {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (typeof e.data !== 'string') return;
          try {
            const m = JSON.parse(e.data);
            const list = offlineSeqs.has(m.seq) ? log.offlineNarrations : log.narrations;
            if (m.type === 'narration') list.push(m);
            if (m.type === 'narration_end') { // the words come with the end
              const n = list.filter((x) => x.n === m.n && x.seq === m.seq).pop();
              if (n) Object.assign(n, { words: m.words, samples: m.samples, failed: m.failed });
            }
          } catch {}
        });
      }
      send(data) {
        try {
          const m = JSON.parse(data);
          if (m.type === 'narrate' && Array.isArray(m.ids) && m.ids.join(' ') === OFFLINE) {
            offlineSeqs.add(m.seq);
            log.offline.push(m);
          } else if (m.type === 'narrate' || m.type === 'narrate_stop') {
            // keys: pressed before it was sent; sources: made before it (a later one plays it).
            log.sent.push(Object.assign(m, { keys: log.keys, sources: log.sources.length }));
          }
        } catch {}
        return super.send(data);
      }
    };
    new MutationObserver((records) => {
      for (const r of records) {
        const w = r.target;
        if (!w.classList.contains('is-spoken') || (r.oldValue || '').includes('is-spoken')) continue;
        const host = w.closest('[data-text-id]');
        log.spoken.push({ id: host ? host.dataset.textId : null, at: Number(w.dataset.at),
          word: w.textContent, time: now() });
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'],
      attributeOldValue: true });
  })();
`;

// Pages whose timers run on the fake clock (openKiosk's clock option).
const clocked = new WeakSet();
// How long the kiosk waits after the last key before it saves (web/js/autosave.js, DELAY_MS).
const AUTOSAVE_PAUSE_MS = 1000;

/**
 * A new browser context (nothing shared with any other) with the kiosk page open and showing
 * the welcome page. Returns {context, page, sockets, pageErrors}: sockets lists every websocket
 * the page opened ({url, closed}); pageErrors collects uncaught script errors. audio: record
 * what narration plays in window.__audio (see AUDIO_LOG). beforeOpen(page) runs before the
 * page is opened (for page.routeWebSocket). clock: the page's timers run on Playwright's fake
 * clock (page.clock), which goes on with real time and which a test moves on at will with
 * page.clock.runFor(ms): a kiosk timeout is tested without waiting for it. touch: a touch screen
 * (page.touchscreen.tap()).
 */
async function openKiosk(browser, url, { viewport = { width: 1280, height: 800 }, audio = false,
  beforeOpen = null, clock = false, touch = false } = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London',
    hasTouch: touch });
  await context.addInitScript(SAVE_LOG);
  if (audio) await context.addInitScript(AUDIO_LOG);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const sockets = [];
  const pageErrors = [];
  page.on('websocket', (ws) => {
    const rec = { url: ws.url(), closed: false };
    ws.on('close', () => { rec.closed = true; });
    sockets.push(rec);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  if (beforeOpen) await beforeOpen(page);
  if (clock) {
    await page.clock.install();
    clocked.add(page);
  }
  await page.goto(url);
  await waitForPage(page, 'welcome');
  await assertFont(page);
  return { context, page, sockets, pageErrors };
}

/** Waits until the page shows the page with this id, connected, with focus on its h1. */
async function waitForPage(page, id, { focusTitle = true } = {}) {
  await page.waitForSelector(`body[data-connection="open"] #page[data-page-id="${id}"] #page-title`);
  if (focusTitle) {
    try {
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'page-title',
        null, { timeout: 5000 });
    } catch {
      const at = await page.evaluate(() => document.activeElement &&
        `${document.activeElement.tagName.toLowerCase()}#${document.activeElement.id}`);
      throw new Error(`focus did not move to the heading of the page ${id}: it is on ${at}`);
    }
  }
}

/** How many save states the page has shown so far (see SAVE_LOG). */
async function saveMark(page) {
  return page.evaluate(() => window.__saveLog.length);
}

/**
 * Waits for a save after `mark`: "Saving" and then `state` ("saved", or "kept" before a plan
 * is open), with the status line showing `state` now. Fails on "not-saved" or a field error.
 */
async function waitForSave(page, mark, state = 'saved') {
  await page.waitForFunction(([m, st]) => {
    const log = window.__saveLog.slice(m);
    const el = document.getElementById('save-status');
    if (log.includes('not-saved')) throw new Error('the page said: not saved');
    const i = log.indexOf('saving');
    return i >= 0 && log.indexOf(st, i) > i && el && el.dataset.state === st;
  }, [mark, state]);
}

/**
 * Clicks into a field, types like a person (key by key) and waits for the autosave; on a page
 * with the fake clock (openKiosk's clock), moves the clock past the autosave's pause instead of
 * waiting for it.
 */
async function typeAndSave(page, selector, text, state = 'saved') {
  await page.click(selector);
  await page.keyboard.type(text);
  const mark = await saveMark(page);
  if (clocked.has(page)) await page.clock.runFor(AUTOSAVE_PAUSE_MS);
  await waitForSave(page, mark, state);
}

/** What the browser holds for this origin: web storage, cookies, IndexedDB databases. */
async function browserStorage(page) {
  const inPage = await page.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    cookie: document.cookie,
    indexedDB: (await indexedDB.databases()).map((d) => d.name),
    caches: typeof caches !== 'undefined' ? await caches.keys() : [],
  }));
  const state = await page.context().storageState();
  return {
    ...inPage,
    contextCookies: state.cookies.length,
    contextOrigins: state.origins.filter((o) => o.localStorage.length > 0).map((o) => o.origin),
  };
}

let dateOrder = null;

/**
 * The keys a person presses to type an ISO date (yyyy-mm-dd) into a date box in this browser:
 * Chromium lays the box out by its own language (mm/dd/yyyy with only en-US installed), so the
 * order is found once on a blank page.
 */
async function dateKeys(browser, iso) {
  if (!dateOrder) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<input id="a"><input id="d" type="date">');
    await page.focus('#a');
    await page.keyboard.press('Tab');
    await page.keyboard.type('03042001'); // day-first gives 2001-04-03, month-first 2001-03-04
    dateOrder = (await page.inputValue('#d')) === '2001-04-03' ? 'dmy' : 'mdy';
    await context.close();
  }
  const [y, m, d] = iso.split('-');
  return dateOrder === 'dmy' ? d + m + y : m + d + y;
}

const NOTHING_STORED = {
  localStorage: 0, sessionStorage: 0, cookie: '', indexedDB: [], caches: [],
  contextCookies: 0, contextOrigins: [],
};

// ---- the words, from the content files -------------------------------------------------------

// The same easy-read folder the server is given (PLANALOUD_EASYREAD: see startServer); its en-GB
// pages are what pageText reads.
const EASYREAD_ROOT = process.env.PLANALOUD_EASYREAD || path.join(SOURCE, 'easyread');
const EASYREAD = path.join(EASYREAD_ROOT, 'en-GB');
const messages = new Map(); // language -> its messages

/**
 * The words of message `name` in the content's messages.txt (en-GB's, or lang's), with its
 * {blanks} filled from vars and without the ** marks, as the page shows them. Tests compare with
 * these, not with English of their own, so an easy-read editor can reword the content without
 * breaking a test.
 */
function message(name, vars = {}, lang = 'en-GB') {
  if (!messages.has(lang)) {
    const all = new Map();
    const file = path.join(EASYREAD_ROOT, lang, 'messages.txt');
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^([a-z0-9][a-z0-9._-]*): (.*)$/.exec(line);
      if (m) all.set(m[1], m[2].trim());
    }
    messages.set(lang, all);
  }
  const text = messages.get(lang).get(name);
  if (text === undefined) throw new Error(`${lang}/messages.txt has no message ${name}`);
  return text.replace(/\{([^}]*)\}/g, (all, k) => (k in vars ? String(vars[k]) : all))
    .replace(/\*\*/g, '');
}

const pagesOf = new Map(); // lang -> Map(id -> page)

/**
 * What the content's page files (easyread/<lang>/NN-*.txt) say for the page `id`: {title, say,
 * ask, hint}, without the ** marks, as the page shows them.
 */
function pageText(id, lang = 'en-GB') {
  if (!pagesOf.has(lang)) {
    const pages = new Map();
    const dir = path.join(EASYREAD_ROOT, lang);
    const files = fs.readdirSync(dir).filter((f) => /^\d+-.*\.txt$/.test(f)).sort();
    for (const file of files) {
      let page = null;
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const m = /^([a-z-]+): (.*)$/.exec(line);
        if (!m) continue;
        const [, key, value] = m;
        const text = value.trim().replace(/\*\*/g, '');
        if (key === 'page') pages.set(text, page = { title: null, say: [], ask: null, hint: null });
        else if (page && key === 'say') page.say.push(text);
        else if (page && ['title', 'ask', 'hint'].includes(key)) page[key] = text;
      }
    }
    pagesOf.set(lang, pages);
  }
  const page = pagesOf.get(lang).get(id);
  if (!page) throw new Error(`the content has no page ${id} in ${lang}`);
  return page;
}

/** The languages of the content other than English: [{lang, name, dir}] from language.txt. */
function translations() {
  return fs.readdirSync(EASYREAD_ROOT).filter((d) => d !== 'en-GB' &&
    fs.existsSync(path.join(EASYREAD_ROOT, d, 'language.txt'))).sort().map((lang) => {
    const kv = {};
    for (const line of fs.readFileSync(path.join(EASYREAD_ROOT, lang, 'language.txt'), 'utf8').split('\n')) {
      const m = /^([a-z]+): (.*)$/.exec(line);
      if (m) kv[m[1]] = m[2].trim();
    }
    return { lang, name: kv.name, dir: kv.direction === 'rtl' ? 'rtl' : 'ltr' };
  });
}

// ---- page widths, and sideways scrolling (WCAG 1.4.10) ------------------------------------

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 320, height: 640 };

/** Sets the viewport and waits until the page has that width. */
async function setWidth(page, size) {
  await page.setViewportSize(size);
  await page.waitForFunction((w) => window.innerWidth === w, size.width);
}

/** null when nothing on the page scrolls sideways at its width now; else how much, and the
 * innermost elements that stick out, with the words that push them out. */
async function sidewaysScroll(page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  }));
  if (scroll <= client) return null;
  const wide = await page.evaluate(() => {
    const out = (e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5;
    return [...document.querySelectorAll('body *')]
      .filter((e) => out(e) && ![...e.children].some(out))
      .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}` +
        ` "${e.textContent.slice(0, 60)}"`);
  });
  return `scrolls sideways (scrollWidth ${scroll} > clientWidth ${client}); too wide: ${wide.join(', ')}`;
}

/**
 * axe finds nothing on the page at 1280px, nor at 320px, where it has no sideways scroll either;
 * the page is left at 1280px.
 */
async function axeCleanAtBothWidths(page, where) {
  let v = await axeViolations(page);
  assert.equal(v.length, 0, formatViolations(where, v));
  await setWidth(page, NARROW);
  assert.equal(await sidewaysScroll(page), null, `${where} scrolls sideways at 320px`);
  v = await axeViolations(page);
  assert.equal(v.length, 0, formatViolations(`${where} at 320px`, v));
  await setWidth(page, WIDE);
}

/**
 * Sends each message on a staff websocket of the page's own (logged in with its cookie) and
 * resolves with the replies, in order; news the server pushes meanwhile (no seq) is left out.
 */
function staffAsk(page, messages) {
  return page.evaluate((list) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`, 'planaloud-staff');
    const replies = [];
    ws.onerror = () => reject(new Error('the staff websocket did not open'));
    ws.onopen = () => list.forEach((m, i) => ws.send(JSON.stringify({ ...m, seq: i + 1 })));
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.seq == null) return; // news, not a reply
      replies.push(m);
      if (replies.length === list.length) {
        ws.close();
        resolve(replies);
      }
    };
  }), messages);
}

/** A kiosk's websocket, opened from a page of the server's own (as the kiosk page would):
 * window.kiosk.ask(m) sends m with a seq and resolves with the reply that carries it. */
async function openKioskSocket(page) {
  await page.evaluate(() => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`, 'planaloud');
    const waiting = new Map();
    let seq = 0;
    ws.onerror = () => reject(new Error('the kiosk websocket did not open'));
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const m = JSON.parse(ev.data);
      if (m.seq != null && waiting.has(m.seq)) {
        waiting.get(m.seq)(m);
        waiting.delete(m.seq);
      }
    };
    window.kiosk = {
      ask(m) {
        const n = ++seq;
        return new Promise((done) => {
          waiting.set(n, done);
          ws.send(JSON.stringify({ ...m, seq: n }));
        });
      },
    };
    ws.onopen = () => resolve();
  }));
}

module.exports = {
  openKioskSocket,
  translations,
  startServer, launchBrowser, axeViolations, formatViolations, sql, openKiosk, waitForPage,
  saveMark, waitForSave, typeAndSave, browserStorage, NOTHING_STORED, dateKeys, SOURCE,
  WIDE, NARROW, setWidth, sidewaysScroll, assertFont, SERVED_FONT, message, pageText,
  axeCleanAtBothWidths, staffAsk,
};
