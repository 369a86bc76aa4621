// Switches: a person with one switch (the frame moves by itself; a press chooses) or two (one moves,
// one chooses) writes and sends a whole plan, list entry included, pressing only those keys; the
// welcome page's "How do you use the screen?" is answered with the switch itself; the timeout
// warning is scanned alone and waits longer for a switch user; choice pages work with keys
// without scanning (Tab then Enter, Tab then Space). The presses each page kind took are printed
// (docs/access.md keeps them).
//
// Real server (--demo, its own data folder), real headless Chromium; the page's timers run on
// Playwright's fake clock, paused, so that the frame moves only when the test moves the clock on.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, sql,
  saveMark, waitForSave,
} = require('./harness.js');

const WELCOME_STEP_MS = 3000; // web/js/scan.js: the welcome question scans itself this slowly
const DEFAULT_STEP_MS = 1500;
const FASTEST_STEP_MS = 500;
const IDLE_S = 5; // the shortest the server allows

let server;
let slow; // idle 5 s, and switches that send F2 (move) and F4 (choose)
let browser;

before(async () => {
  [server, slow, browser] = await Promise.all([
    startServer(),
    startServer(['--idle-seconds', String(IDLE_S), '--warn-seconds', '30', '--switch-keys', 'F2,F4']),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await slow?.stop();
});

/** The kiosk page with its clock paused: timers fire only as the test moves the clock on. */
async function openPaused(srv, opts = {}) {
  const k = await openKiosk(browser, srv.url, { clock: true, ...opts });
  await k.page.clock.pauseAt(Date.now() + 1000);
  return k;
}

/**
 * The person's switches. mode 'one': every press is `choose`, and the frame steps when the
 * clock moves on one step; 'two': `move` steps it. Counts presses and steps, and every key used.
 */
function switches(page, mode, { move = 'Space', choose = 'Enter' } = {}) {
  const sw = { mode, presses: 0, steps: 0, keys: new Set(), stepMs: DEFAULT_STEP_MS, welcome: true, letters: [] };
  sw.press = async (key) => {
    sw.presses += 1;
    sw.keys.add(key);
    await page.keyboard.press(key);
  };
  sw.choose = () => sw.press(choose);
  sw.next = async () => {
    sw.steps += 1;
    // Before "How do you use the screen?" is answered, its answers scan themselves, slowly.
    if (sw.welcome) await page.clock.runFor(WELCOME_STEP_MS);
    else if (mode === 'one') await page.clock.runFor(sw.stepMs);
    else await sw.press(move);
  };
  return sw;
}

/** Where the frame is with respect to the target: on it, on a group holding it, or elsewhere. */
async function frameAt(page, selector) {
  return page.evaluate((sel) => {
    const t = document.querySelector(sel);
    const f = document.querySelector('.is-scanned');
    if (!t || !f) return t ? 'no frame' : 'no target';
    const at = document.body.dataset.scanAt;
    if (at === 'item') return f === t || f.contains(t) ? 'on' : 'step';
    if (at === 'group') return f.contains(t) ? 'enter' : 'step';
    return f.contains(t) ? 'step' : 'enter'; // the step out of a group: taken when the target is elsewhere
  }, selector);
}

/** Moves the frame to the target and chooses it, as the person would: step, enter, choose. */
async function reach(page, sw, selector, limit = 150) {
  for (let i = 0; i < limit; i++) {
    const where = await frameAt(page, selector);
    if (where === 'no frame' || where === 'no target') throw new Error(`${selector}: ${where}`);
    if (where === 'step') {
      await sw.next();
    } else {
      await sw.choose();
      if (where === 'on') return;
    }
  }
  throw new Error(`the frame did not reach ${selector} in ${limit} steps`);
}

async function pageNow(page) {
  return page.$eval('#page', (p) => ({ id: p.dataset.pageId, kind: p.dataset.kind }));
}

async function waitForOtherPage(page, id) {
  await page.waitForFunction((was) => {
    const p = document.getElementById('page');
    return p.dataset.pageId && p.dataset.pageId !== was && document.getElementById('page-title');
  }, id);
}

/** The first press wakes the page; the welcome question is answered by the switch. */
async function answerWelcome(page, sw, wanted) {
  await sw.choose();
  await reach(page, sw, `#input-${wanted}`);
  sw.welcome = false;
  assert.equal(await page.evaluate(() => document.body.dataset.input), wanted);
}

/** axe's violations on a page whose clock is paused (axe waits on timers of its own). */
async function axeNow(page) {
  let done = false;
  const result = axeViolations(page).finally(() => { done = true; });
  while (!done) await page.clock.runFor(1);
  return result;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Types word into the box on the on-screen keyboard with the switches: the box chosen opens the
 * keyboard, each letter is reached row by row, a word suggested that is the word is taken, and
 * Done closes it. Counts the presses and steps each letter took (sw.letters).
 */
async function typeWord(page, sw, box, word, axeOnce) {
  await reach(page, sw, box);
  await page.waitForSelector('#keyboard:not([hidden])');
  assert.equal(await page.evaluate(() => !!document.querySelector('#keyboard .keyboard-row.is-scanned')), true,
    'scanning starts in the keyboard, on a row');
  const said = (await page.$eval(box, (b) => b.value)).length;
  for (const ch of word) {
    const from = { presses: sw.presses, steps: sw.steps };
    const hasWord = await page.$$eval('#keyboard-words .key-word', (bs, w) =>
      bs.some((b) => b.textContent === w), word);
    if (hasWord) {
      await reach(page, sw, `#keyboard-words .key-word[data-text-id="word/${word}"]`);
      break;
    }
    if (axeOnce && ch === word[0]) {
      // The frame on a key, with the keyboard open.
      for (let i = 0; i < 30 && (await frameAt(page, `#keyboard-keys .key-char[data-char="${ch}"]`)) !== 'on'; i++) {
        const where = await frameAt(page, `#keyboard-keys .key-char[data-char="${ch}"]`);
        if (where === 'step') await sw.next();
        else await sw.choose();
      }
      const v = await axeNow(page);
      assert.deepEqual(v, [], formatViolations('the keyboard open, the switch frame on a key', v));
    }
    await reach(page, sw, `#keyboard-keys .key-char[data-char="${ch}"]`);
    sw.letters.push({ presses: sw.presses - from.presses, steps: sw.steps - from.steps });
  }
  const typed = await page.$eval(box, (b) => b.value);
  assert.equal(typed.slice(said).trim().toLowerCase(), word, 'each press typed once');
  await reach(page, sw, '#keyboard .key-done');
  await page.waitForSelector('#keyboard', { state: 'hidden' });
  return typed.trim();
}

/** Chooses the first n picture cards on the page with the switches; the frame stays in the cards. */
async function chooseCards(page, sw, n, axeOnce) {
  const ids = (await page.$$eval('#cards [data-card]', (bs) => bs.map((b) => b.id))).slice(0, n);
  for (const id of ids) {
    const mark = await saveMark(page);
    await reach(page, sw, `#${id}`);
    await waitForSave(page, mark);
    assert.equal(await page.getAttribute(`#${id}`, 'aria-pressed'), 'true');
    assert.equal(await frameAt(page, `#${id}`), 'on', 'the frame stays on the card chosen');
  }
  if (axeOnce) {
    const v = await axeNow(page);
    assert.deepEqual(v, [], formatViolations('the switch frame on a picture card', v));
  }
  return page.$$eval('#cards [aria-pressed="true"]', (bs) => bs.map((b) => b.dataset.card));
}

const WORDS = { outcomes: 'cook', 'like-admire': 'kind' };
const CARD_PAGES = { 'important-people': 2, 'important-places': 1 };

/**
 * From the page after the welcome to "sent": each choice answered (its first option, or No),
 * one text answer typed on the on-screen keyboard (like-admire) and the other boxes left empty
 * (they are optional), picture cards chosen (two people, one place), the plan started without a
 * code, one outcome added with its name typed, then checked and sent. Returns the presses and
 * steps each page kind took, from the page shown to the next one, and what was typed and chosen.
 */
async function journey(page, sw, axeOnce) {
  const perKind = {};
  const typed = {};
  const chosen = {};
  let axeKeys = axeOnce;
  let axeCards = axeOnce;
  for (let n = 0; n < 90; n++) {
    const { id, kind } = await pageNow(page);
    if (id === 'sent') return { perKind, typed, chosen };
    const from = { presses: sw.presses, steps: sw.steps };
    if (kind === 'choice' || kind === 'yes-no') {
      const first = await page.$eval('#page .options input', (r) => r.id);
      const option = kind === 'yes-no' ? '#option-no' : `#${first}`;
      const mark = await saveMark(page);
      await reach(page, sw, option);
      await waitForSave(page, mark, id === 'who' ? 'kept' : 'saved');
      assert.ok(await page.isChecked(option), `${id}: ${option} chosen`);
      if (axeOnce && kind === 'yes-no') {
        axeOnce = null; // the frame shows on the main actions now: checked once
        assert.equal(await page.evaluate(() => !!document.querySelector('.is-scanned')), true);
        const v = await axeNow(page);
        assert.deepEqual(v, [], formatViolations(`${id} with the switch frame`, v));
      }
    } else if (kind === 'code') {
      await reach(page, sw, '#code-new');
      await page.waitForSelector('#code-display');
    } else if (kind === 'list' && id === 'outcomes') {
      await reach(page, sw, '#list-add');
      await page.waitForSelector('.item-edit[data-item-id]');
      const mark = await saveMark(page);
      typed[id] = await typeWord(page, sw, '#field-outcome', WORDS[id], axeKeys);
      axeKeys = null;
      await page.clock.runFor(1000); // typing is saved once it pauses (autosave.js)
      await waitForSave(page, mark);
      // Done closed the keyboard: the frame goes on from the box, to the entry's own Done.
      await reach(page, sw, '#item-done');
      await page.waitForFunction(() => !document.querySelector('.item-edit') &&
        document.querySelectorAll('li.item').length === 1);
    } else if (WORDS[id]) {
      const mark = await saveMark(page);
      typed[id] = await typeWord(page, sw, '#answer', WORDS[id], axeKeys);
      axeKeys = null;
      await page.clock.runFor(1000); // typing is saved once it pauses (autosave.js)
      await waitForSave(page, mark);
    } else if (CARD_PAGES[id]) {
      chosen[id] = await chooseCards(page, sw, CARD_PAGES[id], axeCards);
      axeCards = null;
    }
    await reach(page, sw, kind === 'send' ? '#send-plan' : '#next');
    await waitForOtherPage(page, id);
    const k = typed[id] ? `${kind}, typed` : chosen[id] ? `${kind}, cards` : kind;
    (perKind[k] ||= []).push({ presses: sw.presses - from.presses, steps: sw.steps - from.steps });
  }
  throw new Error('the journey did not reach the sent page');
}

function report(t, name, perKind, sw) {
  const lines = Object.entries(perKind).map(([kind, runs]) =>
    `${kind}: median ${median(runs.map((r) => r.presses))} presses, ` +
    `${median(runs.map((r) => r.steps))} steps (${runs.length} pages)`);
  lines.push(`keyboard: median ${median(sw.letters.map((r) => r.presses))} presses, ` +
    `${median(sw.letters.map((r) => r.steps))} steps per letter (${sw.letters.length} letters)`);
  t.diagnostic(`${name}: ${lines.join('; ')}`);
}

/** After sent, the database holds the words typed and the cards chosen. */
function assertStored(plan, { typed, chosen }) {
  assert.deepEqual(Object.keys(typed).sort(), Object.keys(WORDS).sort());
  assert.deepEqual(Object.keys(chosen).sort(), Object.keys(CARD_PAGES).sort());
  const rows = sql(server.data, `select page, field, value from answers where plan_id = ${plan}`);
  for (const [pageId, words] of Object.entries(typed)) {
    assert.ok(rows.some((r) => r.page === pageId && r.field !== 'cards' && r.value.trim() === words),
      `${pageId}: "${words}" stored`);
  }
  for (const [pageId, cards] of Object.entries(chosen)) {
    assert.equal(cards.length, CARD_PAGES[pageId]);
    const stored = rows.find((r) => r.page === pageId && r.field === 'cards');
    assert.ok(stored, `${pageId}: cards stored`);
    assert.deepEqual(stored.value.split(',').sort(), [...cards].sort(), `${pageId}: the cards chosen`);
  }
}

function assertSent() {
  const plans = sql(server.data, "select id, status from plans where status = 'submitted'");
  assert.ok(plans.length >= 1, 'a plan was sent');
  return plans.map((p) => p.id);
}

test('one switch: the whole journey with one key, the frame moving by itself at the fastest speed', async (t) => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    const sent = sql(server.data, "select count(*) n from plans where status = 'submitted'")[0].n;
    const sw = switches(page, 'one', { choose: 'Enter' });
    await answerWelcome(page, sw, 'one-switch');
    // The speed: in the sound bar's choices, shown for one switch only.
    assert.equal(await page.isVisible('#scan-speed'), true);
    await reach(page, sw, `#scan-speed-${FASTEST_STEP_MS}`);
    sw.stepMs = FASTEST_STEP_MS;
    assert.equal(await page.getAttribute(`#scan-speed-${FASTEST_STEP_MS}`, 'aria-pressed'), 'true');
    const v = await axeNow(page);
    assert.deepEqual(v, [], formatViolations('the welcome page with the switch frame', v));
    await reach(page, sw, '#next'); // Start
    await waitForPage(page, 'who', { focusTitle: false });
    const done = await journey(page, sw, true);
    report(t, 'one switch', done.perKind, sw);
    assert.deepEqual([...sw.keys], ['Enter'], 'one key only');
    const after = sql(server.data, "select count(*) n from plans where status = 'submitted'")[0].n;
    assert.equal(after, sent + 1, 'the plan was sent');
    const plan = sql(server.data, 'select max(id) id from plans')[0].id;
    assert.deepEqual(sql(server.data, `select page from items where plan_id = ${plan}`), [{ page: 'outcomes' }]);
    assertStored(plan, done);
    assert.equal(sql(server.data,
      `select value from answers where plan_id = ${plan} and page = 'unsafe'`)[0].value, 'no');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('two switches: the whole journey with two keys, one to move and one to choose', async (t) => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    const sw = switches(page, 'two', { move: 'Space', choose: 'Enter' });
    await answerWelcome(page, sw, 'two-switches');
    assert.equal(await page.isVisible('#scan-speed'), false, 'no speed for two switches');
    await reach(page, sw, '#next');
    await waitForPage(page, 'who', { focusTitle: false });
    const done = await journey(page, sw, false);
    report(t, 'two switches', done.perKind, sw);
    assert.deepEqual([...sw.keys].sort(), ['Enter', 'Space'], 'two keys only');
    const plan = sql(server.data, 'select max(id) id from plans')[0].id;
    assert.deepEqual(sql(server.data, `select status from plans where id = ${plan}`), [{ status: 'submitted' }]);
    assert.deepEqual(sql(server.data, `select page from items where plan_id = ${plan}`), [{ page: 'outcomes' }]);
    assertStored(plan, done);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('choice pages work with keys without scanning: Tab then Enter, Tab then Space, arrows', async () => {
  // Tab then Enter: the option with focus is chosen, and the page goes on.
  let k = await openKiosk(browser, server.url, { clock: true });
  try {
    const { page } = k;
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'option-me');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'code');
    await page.click('#back');
    await waitForPage(page, 'who');
    assert.equal(await page.isChecked('#option-me'), true, 'Enter chose the option it was on');
    // Once one is chosen, Tab leaves the options as usual; the arrows move and choose.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'option-me');
    const mark = await saveMark(page);
    await page.keyboard.press('ArrowDown');
    await waitForSave(page, mark, 'kept');
    assert.equal(await page.isChecked('#option-helper'), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'next');
    assert.deepEqual(k.pageErrors, []);
  } finally {
    await k.context.close();
  }
  // Tab then Space: while none is chosen, Tab goes from option to option, so Space can choose any.
  k = await openKiosk(browser, server.url, { clock: true });
  try {
    const { page } = k;
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'option-helper');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'option-me');
    await page.keyboard.press('Tab');
    const mark = await saveMark(page);
    await page.keyboard.press('Space');
    await waitForSave(page, mark, 'kept');
    assert.equal(await page.isChecked('#option-helper'), true);
    assert.equal(await page.isChecked('#option-me'), false);
    await page.keyboard.press('Enter'); // Enter on the chosen option goes on
    await waitForPage(page, 'helper-name');
    assert.deepEqual(k.pageErrors, []);
  } finally {
    await k.context.close();
  }
});

test('the welcome question: a touch or a keyboard brings no scanning; the answer is kept for the visit', async () => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    // A touch first: the person taps their answer; nothing scans.
    await page.click('#input-touch');
    assert.equal(await page.evaluate(() => document.body.dataset.input), 'touch');
    assert.equal(await page.getAttribute('#input-touch', 'aria-pressed'), 'true');
    await page.clock.runFor(10 * WELCOME_STEP_MS);
    assert.equal(await page.locator('.is-scanned').count(), 0);
    await page.keyboard.press('Enter'); // a key is a key, not a switch
    assert.equal(await page.locator('.is-scanned').count(), 0);
    // Kept for the visit: on the welcome page again after Start and Back, still chosen.
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#back');
    await waitForPage(page, 'welcome');
    assert.equal(await page.getAttribute('#input-touch', 'aria-pressed'), 'true');
    assert.equal(await page.locator('.is-scanned').count(), 0);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
  const k = await openPaused(server);
  try {
    // A keyboard: the first key starts the slow scan of the answers; Tab stops it for good.
    await k.page.keyboard.press('Enter');
    assert.equal(await frameAt(k.page, '#input-touch'), 'on');
    await k.page.keyboard.press('Tab');
    assert.equal(await k.page.locator('.is-scanned').count(), 0);
    await k.page.clock.runFor(3 * WELCOME_STEP_MS);
    assert.equal(await k.page.locator('.is-scanned').count(), 0);
    assert.equal(await k.page.evaluate(() => document.body.dataset.input), undefined);
  } finally {
    await k.context.close();
  }
});

test('two switches: a group entered by mistake is left by its last step', async () => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    const sw = switches(page, 'two');
    await answerWelcome(page, sw, 'two-switches');
    await reach(page, sw, '#next');
    await waitForPage(page, 'who', { focusTitle: false });
    // The frame starts on the page's options; into them, past each, to the step out.
    assert.equal(await frameAt(page, '#option-me'), 'enter');
    await sw.choose();
    assert.equal(await frameAt(page, '#option-me'), 'on');
    await sw.next();
    assert.equal(await frameAt(page, '#option-helper'), 'on');
    await sw.next();
    assert.equal(await page.evaluate(() => document.body.dataset.scanAt), 'out');
    await sw.choose();
    // Out, and on to the next group (the main actions), with nothing chosen.
    assert.equal(await page.evaluate(() => document.body.dataset.scanAt), 'group');
    assert.equal(await frameAt(page, '#next'), 'enter');
    assert.equal(await page.isChecked('#option-me'), false);
    assert.equal(await page.isChecked('#option-helper'), false);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('two switches: "Finish" on a plan started without a code asks in a dialog, which alone is scanned', async () => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    const sw = switches(page, 'two');
    await answerWelcome(page, sw, 'two-switches');
    await reach(page, sw, '#next');
    await waitForPage(page, 'who', { focusTitle: false });
    await reach(page, sw, '#option-me');
    await reach(page, sw, '#next');
    await waitForPage(page, 'code', { focusTitle: false });
    await reach(page, sw, '#code-new');
    await page.waitForSelector('#code-display');
    const plans = sql(server.data, 'select count(*) n from plans')[0].n;
    await reach(page, sw, '#finish');
    await page.waitForSelector('dialog#code-check[open]');
    // Only the dialog: its frame moves between its own two buttons.
    const seen = [];
    for (let i = 0; i < 3; i++) {
      seen.push(await page.evaluate(() => document.querySelector('.is-scanned').id));
      await sw.next();
    }
    assert.deepEqual(seen, ['code-check-yes', 'code-check-back', 'code-check-yes']);
    await reach(page, sw, '#code-check-back'); // "not yet": back to the code on the page
    await page.waitForFunction(() => !document.querySelector('dialog#code-check[open]'));
    assert.equal(await page.evaluate(() => !!document.querySelector('#page .is-scanned, #footer .is-scanned, #narration .is-scanned, .site-header .is-scanned')), true);
    assert.equal(sql(server.data, 'select count(*) n from plans')[0].n, plans, 'nothing changed');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a switch kiosk\'s own keys: the timeout warning is scanned alone, and comes later', async () => {
  const { context, page, pageErrors } = await openPaused(slow);
  try {
    const sw = switches(page, 'two', { move: 'F2', choose: 'F4' });
    await answerWelcome(page, sw, 'two-switches'); // F4 woke the page and chose
    assert.deepEqual([...sw.keys], ['F4']);
    // The welcome page is being read aloud, which holds the warning back anyway: stopped.
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.body.dataset.input), 'two-switches');
    // Scanning doubles the idle time: no warning after the kiosk's 5 seconds ...
    await page.clock.runFor(IDLE_S * 1000 + 500);
    assert.equal(await page.evaluate(() => document.getElementById('timeout').open), false);
    // ... and it comes after twice that.
    await page.clock.runFor(IDLE_S * 1000);
    assert.equal(await page.evaluate(() => document.getElementById('timeout').open), true);
    // Only the dialog is scanned: its two buttons.
    assert.equal(await page.evaluate(() => document.querySelector('.is-scanned').closest('#timeout') !== null), true);
    const v = await axeNow(page);
    assert.deepEqual(v, [], formatViolations('the timeout warning with the switch frame', v));
    const seen = [];
    for (let i = 0; i < 3; i++) {
      await sw.next();
      seen.push(await page.evaluate(() => document.querySelector('.is-scanned').id));
    }
    assert.deepEqual(seen, ['timeout-finish', 'timeout-more', 'timeout-finish']);
    assert.equal(await page.evaluate(() => document.getElementById('timeout').open), true,
      'moving does not close the warning');
    await sw.next();
    await sw.choose(); // "Yes, I need more time"
    assert.equal(await page.evaluate(() => document.getElementById('timeout').open), false);
    assert.equal(await page.evaluate(() => document.querySelector('.is-scanned').closest('#timeout')), null);
    assert.equal(await page.isVisible('#input-question'), true, 'the page is still there');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('with sound on, what the frame moves to is said', async () => {
  const { context, page, pageErrors } = await openPaused(server, { audio: true });
  try {
    const sw = switches(page, 'two');
    await answerWelcome(page, sw, 'two-switches');
    const said = async () => {
      await page.clock.runFor(1); // focus speech speaks once the move is over
      return page.evaluate(() => {
        const n = window.__audio.sent.filter((m) => m.type === 'narrate').pop();
        return n ? n.ids : [];
      });
    };
    // A control: its name and what it is, as keyboard focus says it.
    for (let i = 0; i < 10 && (await frameAt(page, '#next')) !== 'on'; i++) await sw.next();
    const start = await page.getAttribute('#next', 'data-text-id');
    assert.deepEqual((await said()).slice(0, 2), [start, 'msg/focus.button']);
    // A group: its name.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.querySelector('.is-scanned').id)) !== 'narration'; i++) {
      await sw.next();
    }
    assert.deepEqual(await said(), ['msg/narration.bar']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the server refuses switch keys it cannot use, and says so', () => {
  const binary = process.env.PLANALOUD_BINARY || require('node:path').join(__dirname, '../../build/planaloud');
  for (const bad of ['Space,Space', 'Space,Enter,Tab', '', 'Space,', 'F1;rm']) {
    const r = spawnSync(binary, ['--switch-keys', bad, '--port', '0', '--data', '/nonexistent/x'], { encoding: 'utf8' });
    assert.equal(r.status, 2, `refused: "${bad}"`);
    assert.match(r.stderr, /is not a valid value/);
  }
});

test('the frame is thick and shows in each colour mode and with bigger text', async () => {
  const { context, page, pageErrors } = await openPaused(server);
  try {
    const sw = switches(page, 'two');
    await answerWelcome(page, sw, 'two-switches');
    const frame = () => page.evaluate(() => {
      const f = document.querySelector('.is-scanned');
      const cs = getComputedStyle(f);
      return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor,
        ring: cs.boxShadow };
    });
    const plain = await frame();
    assert.equal(plain.style, 'solid');
    assert.ok(plain.width >= 4, `outline ${plain.width}px`);
    assert.equal(plain.color, 'rgb(255, 221, 0)', 'yellow');
    assert.match(plain.ring, /rgb\(11, 12, 12\)/, 'inside a black ring');
    // Bigger text: bigger still.
    await page.evaluate(() => document.documentElement.classList.add('bigger-text'));
    assert.ok((await frame()).width > plain.width);
    await page.evaluate(() => document.documentElement.classList.remove('bigger-text'));
    // Forced colours (high contrast): the system's highlight colour, as thick.
    await page.emulateMedia({ forcedColors: 'active' });
    const forced = await frame();
    assert.equal(forced.style, 'solid');
    assert.ok(forced.width >= 4);
    assert.notEqual(forced.color, 'rgba(0, 0, 0, 0)');
    const v = await axeNow(page);
    assert.deepEqual(v, [], formatViolations('forced colours with the switch frame', v));
    // The step out of a group is dashed.
    await page.emulateMedia({ forcedColors: 'none' });
    await sw.choose(); // into the group the frame is on
    for (let i = 0; i < 12 && (await page.evaluate(() => document.body.dataset.scanAt)) !== 'out'; i++) await sw.next();
    assert.equal((await frame()).style, 'dashed');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a kiosk with the keyboard always on: switches reach it, its keys are said, and Done goes on', async () => {
  const always = await startServer(['--keyboard', 'on']);
  const { context, page, pageErrors } = await openPaused(always, { audio: true });
  try {
    const sw = switches(page, 'two');
    await answerWelcome(page, sw, 'two-switches');
    await page.keyboard.press('Escape'); // the welcome page's reading stopped
    await reach(page, sw, '#next');
    await waitForPage(page, 'who', { focusTitle: false });
    await reach(page, sw, '#option-helper');
    await reach(page, sw, '#next');
    await waitForPage(page, 'helper-name', { focusTitle: false });
    // Open by itself for the first box, and scanning starts in it.
    await page.waitForSelector('#keyboard:not([hidden])');
    assert.equal(await page.evaluate(() => !!document.querySelector('#keyboard .keyboard-row.is-scanned')), true);
    const said = async () => {
      await page.clock.runFor(1); // focus speech speaks once the move is over
      return page.evaluate(() => {
        const n = window.__audio.sent.filter((m) => m.type === 'narrate').pop();
        return n ? n.ids : [];
      });
    };
    /** Steps and goes in until the frame is on the control, without choosing it. */
    const onto = async (sel) => {
      for (let i = 0; i < 30 && (await frameAt(page, sel)) !== 'on'; i++) {
        if ((await frameAt(page, sel)) === 'step') await sw.next();
        else await sw.choose();
      }
      assert.equal(await frameAt(page, sel), 'on');
    };
    // Out of the keyboard and onto the box: choosing it takes the frame back into the keyboard.
    await reach(page, sw, '#answer');
    assert.equal(await page.evaluate(() => !!document.querySelector('#keyboard .keyboard-row.is-scanned')), true);
    assert.equal(await page.isVisible('#keyboard'), true);
    // Each key the frame reaches is said, as keyboard focus says it.
    const key = '#keyboard-keys .key-char[data-char="b"]';
    await onto(key);
    assert.equal((await said())[0], await page.$eval(key, (b) => b.dataset.textId));
    // One press types one letter.
    await sw.choose();
    assert.equal(await page.inputValue('#answer'), 'B');
    await onto('#keyboard .key-done');
    assert.equal((await said())[0], await page.$eval('#keyboard .key-done', (b) => b.dataset.textId));
    // Done closes the keyboard and the frame goes on from the box.
    await reach(page, sw, '#keyboard .key-done');
    await page.waitForSelector('#keyboard', { state: 'hidden' });
    assert.equal(await page.evaluate(() => !!document.querySelector('.is-scanned')?.closest('#keyboard')), false);
    assert.equal(await page.evaluate(() => !!document.querySelector('.is-scanned')), true);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await always.stop();
  }
});
