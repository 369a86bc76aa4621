// Lighthouse's accessibility score is 100 on the kiosk's pages: the welcome page, then, as a
// person moves on, a choice page, a one-line text page, the code page
// with a wrong code's error, and the "Do you need more time?" warning (snapshots of the page as
// it is); and the states of a kiosk used without a keyboard: the keyboard on the screen open on a
// long-text page, a page of picture cards with one chosen, and the frame of two-switch scanning.
// Lighthouse drives the same headless Chromium as the other tests, through its debugging port.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, launchBrowser, openKiosk, waitForPage, saveMark, waitForSave } = require('./harness.js');

let server;
let browser;
let port;
const IDLE_S = 120;

/** A free loopback port for Chromium's debugging protocol. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
}

before(async () => {
  server = await startServer(['--idle-seconds', String(IDLE_S), '--warn-seconds', '60']);
  port = await freePort();
  browser = await launchBrowser([`--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1']);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Each failing accessibility audit of a step, as a readable line. */
function failures(step) {
  const lhr = step.lhr;
  const cat = lhr.categories.accessibility;
  const out = [];
  for (const ref of cat.auditRefs) {
    const a = lhr.audits[ref.id];
    if (ref.weight > 0 && a.score !== null && a.score < 1) {
      const items = (a.details && a.details.items) || [];
      const where = items.slice(0, 3).map((i) => (i.node && (i.node.selector || i.node.snippet)) || '')
        .filter(Boolean).join('; ');
      out.push(`${step.name}: ${a.id} (${a.title})${where ? ' at ' + where : ''}`);
    }
  }
  return out;
}

/** A Lighthouse flow of accessibility snapshots on the kiosk page `page`, through puppeteer `pp`. */
async function flowOn(pp, page, name) {
  const { startFlow } = await import('lighthouse');
  const target = (await pp.pages()).find((p) => p.url() === page.url());
  assert.ok(target, 'the kiosk page is found through the debugging port');
  return startFlow(target, {
    name,
    config: {
      extends: 'lighthouse:default',
      settings: { onlyCategories: ['accessibility'], formFactor: 'desktop',
        screenEmulation: { disabled: true }, throttlingMethod: 'provided', logLevel: 'error' },
    },
  });
}

/** Every step of the flow audited, and each scores 100 with no failing audit. */
async function assertAll100(flow, count) {
  const steps = (await flow.createFlowResult()).steps;
  assert.equal(steps.length, count, 'every state was audited');
  const problems = steps.flatMap(failures);
  assert.deepEqual(problems, [], problems.join('\n'));
  for (const s of steps) {
    assert.equal(s.lhr.categories.accessibility.score, 1, `${s.name} scores 100`);
  }
}

test('every kiosk page state scores 100 for accessibility in Lighthouse', async () => {
  const puppeteer = require('puppeteer-core');
  const { context, page } = await openKiosk(browser, server.url, { clock: true });
  const pp = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  try {
    const flow = await flowOn(pp, page, 'kiosk');
    await flow.snapshot({ name: 'welcome' });

    await page.click('#next'); // Start
    await waitForPage(page, 'who');
    await flow.snapshot({ name: 'who (a choice)' });

    await page.click('label[for="option-helper"]');
    await page.click('#next');
    await waitForPage(page, 'helper-name');
    await flow.snapshot({ name: 'helper-name (a one-line text)' });

    await page.click('#next');
    await waitForPage(page, 'helper-relationship');
    await page.click('#next');
    await waitForPage(page, 'helper-words');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.fill('#code-input', 'AAAA AAAA');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.field-error:not([hidden])');
    await flow.snapshot({ name: 'code (a wrong code)' });

    // The warning waits while the page is read aloud: Escape stops the voice first.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.is-reading'));
    await page.clock.runFor(IDLE_S * 1000 + 200);
    await page.waitForSelector('dialog#timeout[open]');
    await flow.snapshot({ name: 'the timeout warning' });

    await assertAll100(flow, 5);
  } finally {
    await pp.disconnect();
    await context.close();
  }
});

test('the keyboard on the screen, picture cards and the scanning frame score 100 in Lighthouse', async () => {
  const puppeteer = require('puppeteer-core');
  const pp = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  let k = await openKiosk(browser, server.url, { clock: true });
  try {
    // "I touch the screen": the keyboard opens for every box. A new plan, then a long-text page.
    let { page } = k;
    await page.click('#input-touch');
    await page.click('#next');
    await waitForPage(page, 'who');
    let mark = await saveMark(page);
    await page.click('label[for="option-me"]');
    await waitForSave(page, mark, 'kept');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#keyboard .key-done');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire', { focusTitle: false });
    await page.waitForSelector('#keyboard:not([hidden]) .key-char');
    let flow = await flowOn(pp, page, 'no keyboard');
    await flow.snapshot({ name: 'like-admire, the keyboard on the screen open' });

    await page.click('#keyboard .key-done');
    await page.click('#next');
    await waitForPage(page, 'important-people', { focusTitle: false });
    await page.click('#keyboard .key-done');
    mark = await saveMark(page);
    await page.click('#cards [data-card]');
    await waitForSave(page, mark);
    await page.waitForSelector('#cards [data-card][aria-pressed="true"]');
    await flow.snapshot({ name: 'important-people, a picture card chosen' });
    await assertAll100(flow, 2);
    await k.context.close();

    // Two switches: Space moves the frame.
    k = await openKiosk(browser, server.url, { clock: true });
    page = k.page;
    await page.click('#input-two-switches');
    await page.keyboard.press('Space');
    await page.keyboard.press('Space');
    await page.waitForSelector('.is-scanned');
    flow = await flowOn(pp, page, 'two switches');
    await flow.snapshot({ name: 'welcome, the scanning frame showing' });
    await assertAll100(flow, 1);
  } finally {
    await pp.disconnect();
    await k.context.close();
  }
});
