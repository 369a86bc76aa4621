// The caseload a page at a time, in a real browser: with more plans than one page holds (made
// through the real staff protocol: invitations, on a websocket of the logged-in page's own), the
// caseload shows the first page's plans and GOV.UK pagination under them; moving to page 2 with
// the keyboard (Tab to "Next", Enter) shows other plans, the heading (which takes focus) names
// the page, and the current page's link is marked for screen readers; "Previous" goes back to
// the very same plans. The groups' counts are the server's, for every page. A page that does not
// exist gets the server's own words and a way back. axe-core finds no violation on either page,
// at 1280px or 320px.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, assertFont, message, WIDE, axeCleanAtBothWidths: noViolations, staffAsk,
} = require('./harness.js');

const INVITES = 60; // with the demo's plans, more than the 50 a page holds

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The plans the caseload's tables show, in order: the numbers their links go to. */
function plansShown(page) {
  return page.$$eval('main .app-group a[href^="#plan/"]', (as) => as.map((a) => a.getAttribute('href')));
}

/** Waits until the caseload shows page n: its heading has focus and names it in the page's numbers. */
async function waitForPage(page, n) {
  await page.waitForFunction((want) => {
    const current = document.querySelector('#caseload-pages [aria-current="page"]');
    const h1 = document.querySelector('main h1');
    return current && current.textContent.trim() === String(want) && h1 && h1.textContent.includes(String(want)) &&
      document.activeElement === h1;
  }, n);
}

test('the caseload comes a page at a time: Next and Previous by keyboard, the page named in the heading', async () => {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  try {
    await page.goto(server.url + 'staff/');
    await page.waitForSelector('#login-form');
    await page.fill('#name', server.caseworker.name);
    await page.fill('#password', server.caseworker.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    await page.waitForSelector('#user:not([hidden])');
    await assertFont(page);

    const invites = Array.from({ length: INVITES }, (_, i) => ({
      type: 'invite', person: `Person ${i + 1}`, needs: [{ text: 'You need help to wash.', eligible: true }],
    }));
    const made = await staffAsk(page, invites);
    assert.equal(made.filter((r) => r.type === 'invited').length, INVITES, JSON.stringify(made.find((r) => r.type !== 'invited')));
    const [first] = await staffAsk(page, [{ type: 'caseload' }]);
    assert.ok(first.total > 50 && first.pages >= 2, `${first.total} plans on ${first.pages} pages`);

    // Page 1: 50 plans, the pagination under them, the first page current.
    await page.goto(server.url + 'staff/#caseload');
    await page.waitForSelector('#caseload-pages');
    const one = await plansShown(page);
    assert.equal(one.length, 50);
    assert.equal(await page.textContent('#caseload-pages [aria-current="page"]'), '1');
    assert.equal(await page.$('#caseload-pages .govuk-pagination__prev'), null, 'no Previous on the first page');
    // each group's count is the status's on every page (the server's), not only this page's
    const counts = await page.$$eval('main .app-group', (sections) => sections.map((s) => ({
      id: s.querySelector('h2').id.replace(/^group-/, ''),
      count: Number(/(\d+)/.exec(s.querySelector('.app-count').textContent)[1]),
    })));
    for (const c of counts) assert.equal(c.count, first.counts[c.id], `the ${c.id} group's count`);
    await noViolations(page, 'the caseload, page 1');

    // Next, by keyboard: Tab until "Next" has focus, then Enter.
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.closest('.govuk-pagination__next') != null)) break;
    }
    assert.ok(await page.evaluate(() => document.activeElement?.closest('.govuk-pagination__next') != null),
      'Tab reaches Next');
    await page.keyboard.press('Enter');
    await waitForPage(page, 2);
    assert.match(await page.evaluate(() => location.hash), /^#caseload\/2$/);
    const two = await plansShown(page);
    assert.ok(two.length > 0 && two.length <= 50);
    assert.equal(two.filter((p) => one.includes(p)).length, 0, 'page 2 shows other plans');
    if (first.pages === 2) assert.equal(one.length + two.length, first.total, 'the two pages hold every plan');
    assert.ok(await page.$('#caseload-pages .govuk-pagination__prev'), 'Previous on page 2');
    await noViolations(page, 'the caseload, page 2');

    // Previous: back to the same first page.
    await page.focus('#caseload-pages .govuk-pagination__prev a');
    await page.keyboard.press('Enter');
    await waitForPage(page, 1);
    assert.deepEqual(await plansShown(page), one);

    // A page that is not there: the server's words, a way back, and nothing else shown.
    await page.goto(server.url + 'staff/#caseload/9999');
    await page.waitForSelector('.govuk-error-summary');
    assert.ok((await page.textContent('.govuk-error-summary')).includes(message('error.bad-page')));
    assert.equal((await plansShown(page)).length, 0);
    await page.click('main a[href="#caseload/1"]');
    await page.waitForSelector('#caseload-pages [aria-current="page"]');
    assert.deepEqual(await plansShown(page), one);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
