// News as it happens, in a real browser: a caseworker has the caseload open on page 2, with focus
// on a plan's link; a person at a kiosk (a real kiosk websocket) answers "yes" to "Is anyone
// hurting you?". Within one second of the kiosk's "saved", without a reload, the caseload shows
// the safeguarding flag among what needs attention now, and a GOV.UK notification banner says
// who and links to their plan, in a polite live region (a screen reader says it; focus stays on
// the same link, the page stays page 2). Then, on page 1, the person sends the plan: within a
// second its row is at the top of the "sent" group, with its flag. axe-core finds no violation
// with the banners shown, at 1280px or 320px. Words are compared with messages.txt.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, assertFont, message, WIDE, axeCleanAtBothWidths: noViolations, staffAsk,
  openKioskSocket,
} = require('./harness.js');

const INVITES = 60; // with the demo's plans, more than the 50 a page holds
const SOON_MS = 1000; // news shows within a second of the person's "saved"

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

const kioskAsk = (page, m) => page.evaluate((msg) => window.kiosk.ask(msg), m);

/** Waits until the caseload shows page n. */
async function waitForCaseloadPage(page, n) {
  await page.waitForFunction((want) => {
    const current = document.querySelector('#caseload-pages [aria-current="page"]');
    return current && current.textContent.trim() === String(want);
  }, n);
}

test('news reaches the open caseload within a second, in place, said politely, focus kept', async () => {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const kioskContext = await browser.newContext(); // no staff cookie: the person's side
  const kioskPage = await kioskContext.newPage();
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

    // Sam Taylor's plan last: the most recently changed, on page 1.
    const made = await staffAsk(page, [
      ...Array.from({ length: INVITES }, (_, i) => ({
        type: 'invite', person: `Person ${i + 1}`, needs: [{ text: 'You need help to wash.', eligible: true }],
      })),
      { type: 'invite', person: 'Sam Taylor', needs: [{ text: 'You need help to wash.', eligible: true }] },
    ]);
    assert.equal(made.filter((r) => r.type === 'invited').length, INVITES + 1);
    const { plan, code } = made[INVITES];
    const planHref = `#plan/${plan}`;

    // The caseload's page 2, focus on a plan's link there (as a keyboard user would leave it).
    await page.goto(server.url + 'staff/#caseload/2');
    await waitForCaseloadPage(page, 2);
    const focusHref = await page.$eval('main .app-group a[href^="#plan/"]', (a) => a.getAttribute('href'));
    assert.notEqual(focusHref, planHref, 'Sam Taylor is not on page 2 yet');
    await page.focus(`main .app-group a[href="${focusHref}"]`);
    assert.equal(await page.$$eval(`main a[href="${planHref}"]`, (as) => as.length), 0);

    // The person opens their plan at a kiosk and answers "yes" to "Is anyone hurting you?".
    await kioskPage.goto(server.url + 'staff/login.html');
    await openKioskSocket(kioskPage);
    assert.equal((await kioskAsk(kioskPage, { type: 'answer', page: 'who', value: 'me' })).type, 'kept');
    assert.equal((await kioskAsk(kioskPage, { type: 'code', code })).type, 'page');
    const saved = await kioskAsk(kioskPage, { type: 'answer', page: 'unsafe', value: 'yes' });
    let acked = Date.now();
    assert.equal(saved.type, 'saved');
    assert.equal(saved.flag, 'safeguarding');
    // Within a second of the "saved": the banner, and the flag among what needs attention now.
    await page.waitForFunction((href) => {
      const news = document.querySelector(`#news .app-news[data-event="safeguarding"] a[href="${href}"]`);
      const urgent = document.querySelector(`main .app-urgent a[href="${href}"]`);
      return news && urgent;
    }, planHref, { timeout: SOON_MS });
    console.log(`the flag showed ${Date.now() - acked} ms after the kiosk's saved`);

    const banner = await page.$eval('#news .app-news', (b) => ({
      text: b.textContent.replace(/\s+/g, ' ').trim(),
      live: b.closest('[aria-live]')?.getAttribute('aria-live'),
      role: b.getAttribute('role'),
    }));
    assert.ok(banner.text.includes(message('staff.live.title')), banner.text);
    assert.ok(banner.text.includes(message('staff.flag.safeguarding')), banner.text);
    assert.ok(banner.text.includes(message('staff.flag.safeguarding.means')), banner.text);
    assert.ok(banner.text.includes('Sam Taylor'), banner.text);
    assert.equal(banner.live, 'polite', 'the banner is in a polite live region');
    // The same page, focus where it was: nothing was taken from the caseworker.
    assert.equal(await page.evaluate(() => location.hash), '#caseload/2');
    await waitForCaseloadPage(page, 2);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), focusHref);
    await noViolations(page, 'the caseload, page 2, with news');
    // the banner's link opens the plan
    await page.click(`#news a[href="${planHref}"]`);
    await page.waitForFunction((id) => location.hash === `#plan/${id}` && document.querySelector('main h1'), plan);

    // Page 1: the person sends the plan; its row goes to the top of the plans sent, flagged.
    await page.goto(server.url + 'staff/#caseload/1');
    await waitForCaseloadPage(page, 1);
    const firstGroup = () => page.$eval('main .app-group', (g) => g.querySelector('h2').id);
    assert.notEqual(await firstGroup(), 'group-submitted');
    const sent = await kioskAsk(kioskPage, { type: 'send' });
    acked = Date.now();
    assert.equal(sent.type, 'page');
    await page.waitForFunction((href) => {
      const group = document.querySelector('main .app-group');
      const first = group?.querySelector('a[href^="#plan/"]');
      return group?.querySelector('h2').id === 'group-submitted' && first?.getAttribute('href') === href &&
        first.parentElement.querySelector('.govuk-tag') &&
        document.querySelector(`#news .app-news[data-event="submitted"] a[href="${href}"]`);
    }, planHref, { timeout: SOON_MS });
    console.log(`the sent plan showed ${Date.now() - acked} ms after the kiosk's reply`);
    const row = await page.$eval('main .app-group a[href^="#plan/"]', (a) => a.parentElement.textContent);
    assert.ok(row.includes(message('staff.flag.safeguarding')), row);
    const news = await page.$eval('#news .app-news[data-event="submitted"]', (b) => b.textContent);
    assert.ok(news.includes(message('staff.live.submitted')), news);
    assert.ok(await page.$$eval('#news .app-news', (b) => b.length) === 2, 'both banners, newest first');
    await noViolations(page, 'the caseload, page 1, with two pieces of news');
    assert.deepEqual(errors, []);
  } finally {
    await kioskContext.close();
    await context.close();
  }
});
