// Limits on the open kiosk and enrolled kiosks, in a real browser. A person who starts a plan
// without a code past the address's limit sees, by the code box, and hears, at once, the kind
// words of `error.too-many-plans`, and nothing else changes. An administrator enrols a kiosk from
// the staff pages' Kiosks page: the link shown once opens the enrolment page on the kiosk's own
// browser, which gets an HttpOnly, SameSite=Strict device cookie and the kiosk page; the link then
// works no more; the kiosk can be revoked. axe-core finds nothing wrong in any of these states.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const {
  startServer, launchBrowser, sql, axeViolations, formatViolations, openKiosk, waitForPage, message,
  NARROW, WIDE, setWidth, sidewaysScroll,
} = require('./harness.js');

const SOURCE = process.env.PLANALOUD_SOURCE_DIR || path.resolve(__dirname, '../..');
const BINARY = process.env.PLANALOUD_BINARY || path.join(SOURCE, 'build/planaloud');
const ADMIN = { name: 'ada', password: 'ada long password for kiosks' };

let server;
let browser;

before(async () => {
  // One plan an hour from an address: the second person at this address is refused.
  server = await startServer(['--new-plans-per-address', '1']);
  // An administrator, added as `planaloud user add` does, beside the running server.
  execFileSync(BINARY, ['--data', server.data, 'user', 'add', ADMIN.name, '--role', 'admin'],
    { input: ADMIN.password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function audit(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], formatViolations(where, v));
}

async function auditBoth(page, where) {
  await audit(page, where);
  await setWidth(page, NARROW);
  assert.equal(await sidewaysScroll(page), null, `${where}: nothing scrolls sideways at 320px`);
  await audit(page, `${where} at 320px`);
  await setWidth(page, WIDE);
}

/** Waits until the text with this id has been asked for and its audio has started to play. */
async function waitForHeard(page, id) {
  await page.waitForFunction((i) => window.__audio.sent.some((m) => m.type === 'narrate' && m.ids.includes(i)) &&
    window.__audio.sources.some((s) => s.id === i && s.startTime !== null), id);
}

/** Tab until the selector has focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`${selector} could not be reached with Tab`);
}

/** From the welcome page to the code page by keyboard, sound on (the first key). */
async function toCodePage(page) {
  await page.keyboard.press('Enter');
  await page.waitForSelector('#touch-prompt', { state: 'hidden' });
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await waitForPage(page, 'who');
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await waitForPage(page, 'code');
}

function plansInDatabase() {
  return sql(server.data, 'SELECT count(*) AS n FROM plans')[0].n;
}

test('a new plan past the limit is refused with kind words, shown and said, and nothing changes', async () => {
  const first = await openKiosk(browser, server.url, { audio: true });
  const second = await openKiosk(browser, server.url, { audio: true });
  try {
    await toCodePage(first.page);
    await tabTo(first.page, '#code-new');
    await first.page.keyboard.press('Enter');
    await first.page.waitForSelector('#code-box .code-display');
    const plans = plansInDatabase();

    const { page, pageErrors } = second;
    await toCodePage(page);
    await tabTo(page, '#code-new');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-input-error:not([hidden])');
    assert.equal((await page.textContent('#code-input-error')).trim(), message('error.too-many-plans'));
    assert.equal(await page.getAttribute('#code-input-error', 'role'), 'alert');
    await waitForHeard(page, 'msg/error.too-many-plans');
    assert.equal(await page.getAttribute('#page', 'data-page-id'), 'code', 'still on the code page');
    assert.equal(await page.isVisible('#code-box .code-display'), false, 'no code given');
    assert.equal(plansInDatabase(), plans, 'no plan made');
    await audit(page, 'code page refusing a new plan');
    assert.deepEqual(pageErrors, []);
  } finally {
    await first.context.close();
    await second.context.close();
  }
});

async function logIn(page) {
  await page.goto(server.url + 'staff/');
  await page.waitForSelector('#login-form');
  await page.fill('#name', ADMIN.name);
  await page.fill('#password', ADMIN.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
}

async function kioskRows(page) {
  return page.$$eval('#kiosk-list tbody tr', (rows) => rows.map((r) => [...r.children].slice(0, 2).map((c) => c.textContent.trim())));
}

test('an administrator enrols a kiosk with a one-time link, and revokes it', async () => {
  const staff = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const kiosk = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const other = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const errors = [];
  try {
    const page = await staff.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await logIn(page);
    // The administrator's menu has Kiosks; the page says there are none yet.
    await page.click('[data-nav="kiosks"] a');
    await page.waitForSelector('#kiosks-none');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await auditBoth(page, 'kiosks page with none');

    // No name: the error by the box and in the summary; nothing is added.
    await page.click('#kiosk-add');
    await page.waitForSelector('.govuk-error-summary');
    assert.equal(await page.isVisible('#kiosk-label-error'), true);
    await audit(page, 'kiosks page with an error');
    assert.equal(await page.isVisible('#kiosks-none'), true);

    await page.fill('#kiosk-label', 'Central Library kiosk 1');
    await page.click('#kiosk-add');
    await page.waitForSelector('#kiosk-link');
    const link = (await page.textContent('#kiosk-link')).trim();
    assert.match(link, /\/staff\/enrol\.html#t=[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await kioskRows(page), [['Central Library kiosk 1', 'Waiting for its link to be opened']]);
    await auditBoth(page, 'kiosks page with a new link');

    // On the kiosk's own browser: the enrolment page, then the kiosk page and its cookie.
    const k = await kiosk.newPage();
    k.on('pageerror', (e) => errors.push(String(e)));
    await k.goto(link);
    await k.waitForSelector('#enrol');
    assert.equal(new URL(k.url()).hash, '', 'the token leaves the address at once');
    await audit(k, 'enrolment page');
    await Promise.all([k.waitForURL(server.url), k.click('#enrol')]);
    await waitForPage(k, 'welcome');
    const cookie = (await kiosk.cookies()).find((c) => c.name === 'planaloud_kiosk');
    assert.ok(cookie, 'the kiosk has its device cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.expires > Date.now() / 1000 + 365 * 24 * 3600, 'it lasts for years');
    assert.equal(await k.evaluate(() => document.cookie), '', 'no script can read it');

    // The same link elsewhere: it has been used; no cookie.
    const o = await other.newPage();
    o.on('pageerror', (e) => errors.push(String(e)));
    await o.goto(link);
    await Promise.all([o.waitForURL(/problem=link/), o.click('#enrol')]);
    await o.waitForSelector('.govuk-error-summary');
    assert.equal((await other.cookies()).some((c) => c.name === 'planaloud_kiosk'), false);
    await audit(o, 'enrolment page with a used link');

    // Back on the Kiosks page: enrolled; then revoked.
    await page.reload();
    await page.waitForSelector('#kiosk-list tbody tr');
    assert.deepEqual(await kioskRows(page), [['Central Library kiosk 1', 'Enrolled']]);
    await page.click('#kiosk-list tbody tr button');
    await page.waitForSelector('.govuk-notification-banner--success');
    await page.waitForFunction(() => document.querySelector('#kiosk-list tbody tr td')?.textContent.trim() === 'Revoked');
    assert.equal(await page.$('#kiosk-list tbody tr button'), null, 'nothing left to revoke');
    await auditBoth(page, 'kiosks page after revoking');
    assert.deepEqual(errors, []);
  } finally {
    await staff.close();
    await kiosk.close();
    await other.close();
  }
});
