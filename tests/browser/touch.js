// Shared by the tests of a person with only a touch screen: a kiosk page with touch and no keys,
// taps at the middle of what is to be touched (never under something else), and typing with the
// keyboard on the screen (web/js/keyboard.js) by taps on its keys.
'use strict';
const assert = require('node:assert/strict');
const { openKiosk, waitForPage } = require('./harness.js');

// In every page: counts the key events it gets (none may come: only taps), and records what it
// asks the server to read aloud.
const NO_KEYS = `
  window.__keys = 0;
  for (const t of ['keydown', 'keyup', 'keypress']) {
    document.addEventListener(t, () => { window.__keys += 1; }, true);
  }
`;

/**
 * A touch-only kiosk page: records the ids of every `narrate` it sends in the list returned.
 * clock: its timers on Playwright's fake clock (openKiosk's option).
 */
async function openTouch(browser, server, viewport = { width: 1024, height: 768 }, { clock = false } = {}) {
  const said = [];
  const hello = {};
  const kiosk = await openKiosk(browser, server.url, {
    viewport, touch: true, clock,
    beforeOpen: async (page) => {
      await page.addInitScript(NO_KEYS);
      page.on('websocket', (ws) => {
        ws.on('framesent', (f) => {
          try {
            const m = JSON.parse(f.payload);
            if (m.type === 'narrate') said.push(...m.ids);
          } catch { /* binary */ }
        });
        ws.on('framereceived', (f) => {
          try {
            const m = JSON.parse(f.payload);
            if (m.type === 'hello') Object.assign(hello, m);
          } catch { /* audio */ }
        });
      });
    },
  });
  return { ...kiosk, said, hello };
}

// The least a thing to touch measures each way (WCAG 2.5.5, Target Size).
const TARGET_PX = 44;

/**
 * The middle of what selector finds, brought into view by script as a swipe would: it must be
 * there to touch, not under the keyboard or anything else, once the page has stopped moving (a
 * save's status line, a page drawn); and it must be TARGET_PX square or more. {x, y, size}.
 */
async function aim(selector, loc) {
  let at;
  let last = [];
  for (let i = 0; i < 20; i++) {
    at = await loc.evaluate(async (e) => {
      e.scrollIntoView({ block: 'nearest' });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const r = e.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const over = document.elementFromPoint(x, y);
      return { x, y, size: [Math.round(r.width), Math.round(r.height)],
        over: !over || e.contains(over) ? 'ok' : `${over.tagName}#${over.id}.${over.className} ` +
          `in ${over.parentElement && over.parentElement.outerHTML.slice(0, 120)}` };
    });
    // Still where it was two checks ago: the page has stopped moving (a keyboard opening and
    // its words row filling, a scroll).
    if (at.over === 'ok' && last.length === 2 && last.every((l) => l.x === at.x && l.y === at.y)) break;
    last = [...last.slice(-1), at];
  }
  assert.equal(at.over, 'ok', `${selector} is covered by ${at.over}`);
  assert.ok(at.size[0] >= TARGET_PX && at.size[1] >= TARGET_PX,
    `${selector} is big enough to touch: ${at.size.join('×')} px, not ${TARGET_PX} px or more`);
  return at;
}

/**
 * Taps the element: where the tap lands is checked as the page sees it. The page can move on its
 * own just as the finger comes down (the voice reading a page keeps the words read on screen), as
 * it would under a person's finger: a tap that lands on words, not on a control, is tried again,
 * as a person would; one that lands on another control fails, saying what it hit.
 */
async function tap(page, selector) {
  const loc = page.locator(selector).first();
  await loc.waitFor({ state: 'visible' });
  const missed = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const at = await aim(selector, loc);
    await loc.evaluate((e) => {
      e.dataset.tapAim = '';
      window.__tapped = null;
      document.addEventListener('click', (ev) => {
        const t = ev.target instanceof Element ? ev.target : null;
        window.__tapped = !t || t.closest('[data-tap-aim]') ? 'ok' : {
          what: `${t.tagName}#${t.id}.${t.className}`,
          control: !!t.closest('button, a, input, select, textarea, label, summary, [role="button"]'),
        };
      }, { capture: true, once: true });
    });
    await page.touchscreen.tap(at.x, at.y);
    const hit = await page.evaluate(async () => {
      for (let i = 0; i < 30 && !window.__tapped; i++) await new Promise((r) => setTimeout(r, 10));
      for (const e of document.querySelectorAll('[data-tap-aim]')) delete e.dataset.tapAim;
      return window.__tapped || 'ok'; // no click at all: a drag, which the test would see
    });
    if (hit === 'ok') return;
    assert.ok(!hit.control, `the tap on ${selector} at ${Math.round(at.x)},${Math.round(at.y)} landed on ` +
      `another control, ${hit.what}`);
    missed.push(hit.what);
  }
  assert.fail(`three taps on ${selector} landed on words instead: ${missed.join(', ')}`);
}

async function tapNext(page, to) {
  await tap(page, '#next');
  await waitForPage(page, to, { focusTitle: false });
}

/** Next until the page `to`, answering nothing on the way. */
async function tapNextUntil(page, to) {
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate((id) => document.getElementById('page').dataset.pageId === id, to)) return;
    const from = await page.evaluate(() => document.getElementById('page').dataset.pageId);
    await tap(page, '#next');
    await page.waitForFunction((id) => document.getElementById('page').dataset.pageId !== id, from)
      .catch((e) => { throw new Error(`Next on ${from} did not lead on: ${e.message}`); });
    await page.waitForSelector('body[data-connection="open"] #page-title');
  }
  throw new Error(`never reached ${to}`);
}

const layoutOf = (page) => page.evaluate(() => document.getElementById('keyboard-keys').dataset.layout);

async function useLayout(page, name) {
  if (await layoutOf(page) !== name) await tap(page, `#keyboard [data-layout="${name}"]`);
  assert.equal(await layoutOf(page), name);
}

/**
 * Where each key of the keyboard is now, to tap ({layout, keys: {char or "space": [x, y]}}); each
 * must be there to touch, not covered.
 */
async function keyPlaces(page) {
  const places = await page.evaluate(() => {
    const keys = {};
    const covered = [];
    for (const b of document.querySelectorAll('#keyboard .key-char, #keyboard .key-space')) {
      const r = b.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (!b.contains(document.elementFromPoint(x, y))) covered.push(b.textContent);
      keys[b.dataset.char || 'space'] = [x, y];
    }
    return { layout: document.getElementById('keyboard-keys').dataset.layout, keys, covered };
  });
  assert.deepEqual(places.covered, [], 'every key can be touched');
  return places;
}

/** Types text with the keys on the screen, changing layout for digits and money as a person would. */
async function typeKeys(page, text) {
  let places = await keyPlaces(page);
  for (const ch of text) {
    const want = /[0-9£/]/.test(ch) ? 'numbers' : /[a-z]/i.test(ch) && places.layout === 'numbers'
      ? 'letters' : places.layout;
    if (want !== places.layout) {
      await useLayout(page, want);
      places = await keyPlaces(page);
    }
    const at = places.keys[ch === ' ' ? 'space' : ch.toLowerCase()];
    assert.ok(at, `a key for "${ch}" on ${places.layout}`);
    await page.touchscreen.tap(at[0], at[1]);
  }
}

/** The box the keyboard types into, and what the keyboard offers. */
async function keyboardState(page) {
  return page.evaluate(() => {
    const kb = document.getElementById('keyboard');
    const target = document.querySelector('.is-keyboard-target');
    return {
      open: !!kb && !kb.hidden,
      target: target ? target.id : null,
      words: [...document.querySelectorAll('#keyboard-words .key-word')].map((b) => b.textContent),
    };
  });
}

async function showKeyboard(page, field) {
  await tap(page, `.keyboard-show[data-for="${field}"]`);
  const s = await keyboardState(page);
  assert.ok(s.open, 'the keyboard opens');
  assert.equal(s.target, field);
}

module.exports = {
  openTouch, tap, tapNext, tapNextUntil, layoutOf, useLayout, keyPlaces, typeKeys, keyboardState,
  showKeyboard,
};
