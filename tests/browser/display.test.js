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
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, SOURCE,
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
    await page.clock.runFor(IDLE_S * 1000 + 500);
    await page.waitForSelector('dialog#timeout[open]');
    assert.equal(await page.getAttribute('#timeout-body', 'data-text-id'),
      `msg/timeout.body?seconds=${WARN_S}`);
    await page.clock.runFor((WARN_S - 2) * 1000);
    assert.equal(await page.textContent('#timeout-count'), '2');
    assert.equal(await page.textContent('#timeout-body'),
      shown(words['timeout.body'].replace('{seconds}', '2')));
    await page.clock.runFor(1000);
    assert.equal(await page.textContent('#timeout-count'), '1');
    assert.equal(await page.getAttribute('#timeout-body', 'data-text-id'), 'msg/timeout.body-one');
    assert.equal(await page.textContent('#timeout-body'), shown(words['timeout.body-one']));
    await noViolations(page, 'the timeout dialog at one second');
  } finally {
    await context.close();
  }
});
