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
  const sw = { mode, presses: 0, steps: 0, keys: new Set(), stepMs: DEFAULT_STEP_MS, welcome: true };
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
    if (process.env.SWITCH_DEBUG) process.stderr.write(`${selector} ${where}\n`);
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
 * From the page after the welcome to "sent": each choice answered (its first option, or No),
 * text boxes left empty (they are optional), the plan started without a code, one outcome added
 * (its name left empty: typing waits for the on-screen keyboard), then checked and sent. Returns
 * the presses and steps each page kind took, from the page shown to the next one.
 */
async function journey(page, sw, axeOnce) {
  const perKind = {};
  for (let n = 0; n < 90; n++) {
    const { id, kind } = await pageNow(page);
    if (id === 'sent') return perKind;
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
      await reach(page, sw, '#item-done');
      await page.waitForFunction(() => !document.querySelector('.item-edit') &&
        document.querySelectorAll('li.item').length === 1);
    }
    await reach(page, sw, kind === 'send' ? '#send-plan' : '#next');
    await waitForOtherPage(page, id);
    (perKind[kind] ||= []).push({ presses: sw.presses - from.presses, steps: sw.steps - from.steps });
  }
  throw new Error('the journey did not reach the sent page');
}

function report(t, name, perKind) {
  const lines = Object.entries(perKind).map(([kind, runs]) =>
    `${kind}: median ${median(runs.map((r) => r.presses))} presses, ` +
    `${median(runs.map((r) => r.steps))} steps (${runs.length} pages)`);
  t.diagnostic(`${name}: ${lines.join('; ')}`);
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
    const perKind = await journey(page, sw, true);
    report(t, 'one switch', perKind);
    assert.deepEqual([...sw.keys], ['Enter'], 'one key only');
    const after = sql(server.data, "select count(*) n from plans where status = 'submitted'")[0].n;
    assert.equal(after, sent + 1, 'the plan was sent');
    const plan = sql(server.data, 'select max(id) id from plans')[0].id;
    assert.deepEqual(sql(server.data, `select page from items where plan_id = ${plan}`), [{ page: 'outcomes' }]);
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
    const perKind = await journey(page, sw, false);
    report(t, 'two switches', perKind);
    assert.deepEqual([...sw.keys].sort(), ['Enter', 'Space'], 'two keys only');
    const plan = sql(server.data, 'select max(id) id from plans')[0].id;
    assert.deepEqual(sql(server.data, `select status from plans where id = ${plan}`), [{ status: 'submitted' }]);
    assert.deepEqual(sql(server.data, `select page from items where plan_id = ${plan}`), [{ page: 'outcomes' }]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
