// What people see, as a new user found it: the words on the kiosk and the staff pages say what is
// true, in the person's own form. Each test here failed before its mend. Words are checked against
// the content files (easyread/en-GB/messages.txt) and the text ids, not today's English.
//
// Real server (--demo, its own data folder), real headless Chromium; timers run on the page's
// fake clock. axe-core finds no WCAG 2.2 A/AA violation on each page state these tests change.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark,
  waitForSave, sql, SOURCE, WIDE, NARROW, sidewaysScroll,
} = require('./harness.js');

const IDLE_S = 5; // the shortest the server allows
const WARN_S = 5;

let server;
let browser;

/** messages.txt as a map of name -> text (the lines a person sees on the kiosk). */
function messages() {
  const out = {};
  const file = path.join(SOURCE, 'easyread/en-GB/messages.txt');
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z0-9._-]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The text as the page shows it: the content's line without the bold marks. */
function shown(text) {
  return text.replace(/\*\*/g, '');
}

/** Changes the server's database as staff would have (the test's shortcut past their pages). */
function sqlWrite(data, query) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(data, 'planaloud.db'), query]);
}

/** Opens a plan with its code typed on the code page (the "who" page answered "me"). */
async function openWithCode(page, code) {
  await page.click('#next');
  await waitForPage(page, 'who');
  await page.click('label[for="option-me"]');
  await page.waitForSelector('#save-status[data-state="kept"]');
  await page.click('#next');
  await waitForPage(page, 'code');
  await page.click('#code-input');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/** A fresh browser context on the staff pages, logged in as who ({name, password}). */
async function staffAs(who) {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(server.url + 'staff/login.html');
  await page.waitForSelector('#login-form');
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
  return { context, page };
}

/** Waits for a staff view whose h1 holds heading. */
async function waitForView(page, heading) {
  await page.waitForFunction((t) => {
    const h1 = document.querySelector('main h1');
    return h1 && h1.textContent.includes(t);
  }, heading);
}

async function noViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], formatViolations(where, v));
}

before(async () => {
  server = await startServer(['--idle-seconds', String(IDLE_S), '--warn-seconds', String(WARN_S)]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the countdown says "1 second" in its own words, not "1 seconds"', async () => {
  const words = messages();
  const { context, page } = await openKiosk(browser, server.url, {
    beforeOpen: (p) => p.clock.install(),
  });
  try {
    await page.keyboard.press('Tab'); // the first key starts the idle time
    await page.keyboard.press('Escape'); // and the welcome page reads itself: Escape stops it
    await page.clock.runFor(IDLE_S * 1000 + 200);
    await page.waitForSelector('dialog#timeout[open]');
    // A second at a time down to one: the words always agree with the number (read together).
    const now = () => page.evaluate(() => ({
      n: document.getElementById('timeout-count').textContent,
      id: document.getElementById('timeout-body').dataset.textId,
      text: document.getElementById('timeout-body').textContent,
    }));
    let at = await now();
    for (let i = 0; i < WARN_S && at.n !== '1'; i++) {
      assert.equal(at.id, `msg/timeout.body?seconds=${at.n}`);
      assert.equal(at.text, shown(words['timeout.body'].replace('{seconds}', at.n)));
      await page.clock.runFor(1000);
      at = await now();
    }
    assert.deepEqual(at, { n: '1', id: 'msg/timeout.body-one', text: shown(words['timeout.body-one']) });
    await noViolations(page, 'the timeout dialog at one second');
  } finally {
    await context.close();
  }
});

test('a signed-off plan offers no "Save and finish later" on the pages the person cannot change', async () => {
  const id = sql(server.data, 'select max(id) as id from plans')[0].id;
  sqlWrite(server.data, `update plans set status = 'signed_off' where id = ${id}`);
  const { context, page } = await openKiosk(browser, server.url);
  try {
    await openWithCode(page, server.code.replace(/-/g, ' '));
    await waitForPage(page, 'welcome-back');
    await page.click('#action-check');
    await waitForPage(page, 'check');
    assert.equal(await page.isVisible('#save-later'), false, 'nothing to save on a read-only page');
    assert.equal(await page.isVisible('#finish'), true, 'the person can still finish');
    await noViolations(page, 'the check page of a signed-off plan');
  } finally {
    await context.close();
  }
});

test('staff read the reason the person gave when they asked for a review', async () => {
  const reason = 'I am moving to a new flat in May and need help there.';
  const kiosk = await openKiosk(browser, server.url);
  const k = kiosk.page;
  try {
    await openWithCode(k, server.code.replace(/-/g, ' '));
    await waitForPage(k, 'welcome-back');
    await k.click('#action-review');
    await waitForPage(k, 'review');
    await k.click('#narration-stop').catch(() => {});
    await k.click('#answer');
    await k.keyboard.type(reason);
    const mark = await saveMark(k);
    await waitForSave(k, mark);
    await k.click('#review-request');
    await k.waitForSelector('#review-sent');
  } finally {
    await kiosk.context.close();
  }
  const plan = sql(server.data, "select plan_id as id from flags where kind = 'review'")[0].id;
  const { context, page } = await staffAs(server.caseworker);
  try {
    await page.goto(`${server.url}staff/#caseload`);
    await waitForView(page, 'Caseload');
    await page.waitForSelector('.app-urgent');
    const urgent = await page.textContent('.app-urgent');
    assert.ok(urgent.includes(reason), `the caseload says why: ${urgent}`);
    await noViolations(page, 'the caseload with a review request');

    await page.goto(`${server.url}staff/#plan/${plan}`);
    await page.waitForSelector('.app-flag, main .govuk-warning-text');
    const flags = await page.textContent('main');
    assert.ok(flags.includes(reason), 'the plan says why the person asked for a review');
    await noViolations(page, 'the plan with a review request');
  } finally {
    await context.close();
  }
});

test('a comment the person has not heard before is shown and said as new, once', async () => {
  const words = messages();
  const comment = 'Shall we meet at the library next week?';
  const plan = sql(server.data, 'select max(id) as id from plans')[0].id;
  const staff = await staffAs(server.caseworker);
  try {
    const s = staff.page;
    await s.goto(`${server.url}staff/#plan/${plan}`);
    await s.waitForSelector('form.app-comment-form textarea');
    const id = await s.$eval('form.app-comment-form textarea', (e) => e.id);
    await s.fill(`#${id}`, comment);
    await s.click(`#${id}-add`);
    await s.waitForSelector(`#${id}-done:not(:empty)`);
  } finally {
    await staff.context.close();
  }
  for (const round of ['first', 'again']) {
    const { context, page } = await openKiosk(browser, server.url);
    try {
      await openWithCode(page, server.code.replace(/-/g, ' '));
      if (round === 'again') {
        await waitForPage(page, 'welcome-back');
        await page.click('#action-comments');
      }
      await waitForPage(page, 'comments');
      const shownNow = await page.$$eval('#comments .comment', (cs) => cs.map((c) => ({
        text: c.querySelector('.comment-text').textContent,
        isNew: c.classList.contains('comment-new'),
        label: c.querySelector('.comment-new-label')?.textContent ?? null,
        labelId: c.querySelector('.comment-new-label')?.dataset.textId ?? null,
      })));
      const mine = shownNow.find((c) => c.text === comment);
      assert.ok(mine, 'the comment is on the page');
      if (round === 'first') {
        assert.deepEqual(mine, { text: comment, isNew: true, label: shown(words['comments.new']), labelId: 'msg/comments.new' });
        await noViolations(page, 'the comments page with a new comment');
      } else {
        assert.deepEqual(mine, { text: comment, isNew: false, label: null, labelId: null }, 'seen once, no longer new');
      }
    } finally {
      await context.close();
    }
  }
});

test('the five speeds are offered slowest first, in the words of the content, and fit at 320px', async () => {
  const words = messages();
  const speeds = ['slowest', 'slower', 'normal', 'faster', 'fastest'];
  const { context, page } = await openKiosk(browser, server.url, { viewport: NARROW });
  try {
    await page.waitForSelector('#narration:not([hidden]) #narration-speed-fastest', { state: 'attached' });
    if (!(await page.evaluate(() => document.getElementById('narration-more').open))) {
      await page.click('#narration-more summary');
    }
    const buttons = await page.$$eval('#narration-speeds button', (bs) => bs.map((b) => {
      const r = b.getBoundingClientRect();
      return { speed: b.dataset.speed, text: b.textContent, pressed: b.getAttribute('aria-pressed'),
        left: r.left, right: r.right, width: document.documentElement.clientWidth, shown: r.width > 0 };
    }));
    assert.deepEqual(buttons.map((b) => b.speed), speeds);
    for (const b of buttons) {
      assert.equal(b.text, shown(words[`narration.${b.speed}`]));
      assert.equal(b.pressed, b.speed === 'normal' ? 'true' : 'false', 'the page starts at normal');
      assert.ok(b.shown && b.left >= 0 && b.right <= b.width, `${b.speed} is on the screen: ${JSON.stringify(b)}`);
    }
    assert.equal(await sidewaysScroll(page), null);
    await noViolations(page, 'the sound choices at 320px');
  } finally {
    await context.close();
  }
});
