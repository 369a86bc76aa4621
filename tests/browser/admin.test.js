// The administrators' pages in a real browser (docs/staff.md, "Users", "The service's audit log",
// "Health"). By keyboard alone, an administrator adds a user (the password shown once works for
// them), gives them a new password (the old one stops working), and disables them (after saying
// yes; they cannot log in). Refusals show the server's own words in a GOV.UK error summary and
// change nothing. The audit log lists what was done, by kind and by user; the health page lists
// the server's rows. axe-core finds nothing wrong in any of these states, at 1280px and 320px,
// where nothing scrolls sideways. A caseworker meets none of these pages.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const {
  startServer, launchBrowser, sql, axeViolations, formatViolations, message, NARROW, WIDE, setWidth, sidewaysScroll,
} = require('./harness.js');

const SOURCE = process.env.PLANALOUD_SOURCE_DIR || path.resolve(__dirname, '../..');
const BINARY = process.env.PLANALOUD_BINARY || path.join(SOURCE, 'build/planaloud');
const ADMIN = { name: 'ada', password: 'ada long password for admin pages' };

let server;
let browser;

before(async () => {
  server = await startServer();
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

/** Tab (forwards) until the selector has focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`${selector} could not be reached with Tab`);
}

async function newPage() {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Logs in with the keyboard alone: 0 when the staff page opened, else the problem's code. */
async function logIn(page, who) {
  await page.goto(server.url + 'staff/login.html');
  await page.waitForSelector('#login-form');
  await page.focus('#name');
  await page.keyboard.type(who.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await Promise.all([page.waitForURL(/\/staff\/(login\.html\?problem=\w+|(#.*)?)$/), page.keyboard.press('Enter')]);
  const problem = new URL(page.url()).searchParams.get('problem');
  if (problem) return problem;
  await page.waitForSelector('#user:not([hidden])');
  return 0;
}

function userRow(name) {
  return sql(server.data, `SELECT role, disabled FROM users WHERE name = '${name}'`)[0];
}

function counts() {
  return sql(server.data, 'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM audit) AS audit')[0];
}

test('by keyboard, an administrator adds a user, gives them a new password and disables them', async () => {
  const { context, page, errors } = await newPage();
  const other = await newPage();
  try {
    assert.equal(await logIn(page, ADMIN), 0);
    // The menu has Users; Enter opens it, and focus moves to its heading.
    await tabTo(page, '[data-nav="users"] a');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#user-form');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(await page.getAttribute('[data-nav="users"] a', 'aria-current'), 'page');
    await auditBoth(page, 'users page');

    // Nothing typed: the page's own errors, linked to each field; nothing added.
    const before = counts();
    await tabTo(page, '#user-add');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.govuk-error-summary');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    assert.equal(await page.isVisible('#user-name-error'), true);
    assert.equal(await page.isVisible('#user-role-error'), true);
    await auditBoth(page, 'users page with errors');

    // A name that is taken: the server's own words; nothing added.
    await page.focus('#user-name');
    await page.keyboard.type('CASEY');
    await page.keyboard.press('Tab'); // the first role
    await page.keyboard.press('Space');
    await tabTo(page, '#user-add');
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => document.querySelector('.govuk-error-summary')?.textContent.includes(t),
      message('staff.error.name-taken'));
    assert.equal((await page.textContent('#user-name-error')).includes(message('staff.error.name-taken')), true);
    assert.deepEqual(counts(), before, 'nothing changed');
    await auditBoth(page, 'users page refusing a name that is taken');

    // jo, a caseworker: the password is shown once, and works for them.
    await page.focus('#user-name');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('jo');
    await tabTo(page, '#user-role');
    await page.keyboard.press('Space');
    await tabTo(page, '#user-add');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#new-password');
    const first = (await page.textContent('#new-password')).trim();
    assert.match(first, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    assert.equal(await page.evaluate(() => document.activeElement?.matches('.govuk-notification-banner--success')), true);
    assert.deepEqual(userRow('jo'), { role: 'caseworker', disabled: 0 });
    await page.waitForFunction(() => [...document.querySelectorAll('#user-list tbody th')].some((c) => c.textContent.trim() === 'jo'));
    await auditBoth(page, 'users page with a new user and their password');
    assert.equal(await logIn(other.page, { name: 'jo', password: first }), 0, 'jo logs in with it');

    // jo's page: a new password; the old one stops working and jo's open page is logged out.
    await tabTo(page, 'a[href="#users/jo"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#user-facts');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await auditBoth(page, 'one user\'s page');
    await tabTo(page, '#user-new-password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#new-password');
    const second = (await page.textContent('#new-password')).trim();
    assert.notEqual(second, first);
    await auditBoth(page, 'one user\'s page with a new password');
    await other.page.evaluate(() => { location.hash = '#caseload/2'; }); // any message: logged out
    await other.page.waitForURL(/login\.html\?problem=ended/);
    assert.equal(await logIn(other.page, { name: 'jo', password: first }), 'wrong');
    assert.equal(await logIn(other.page, { name: 'jo', password: second }), 0);

    // Disable: asked first (Cancel changes nothing), then done; jo is logged out and cannot log in.
    await tabTo(page, '#user-disable');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#disable-confirm');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'disable-confirm-question');
    await auditBoth(page, 'asked to confirm disabling');
    await tabTo(page, '#disable-confirm-no');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'user-disable');
    assert.equal(userRow('jo').disabled, 0, 'Cancel changes nothing');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#disable-confirm');
    await tabTo(page, '#disable-confirm-yes');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#user-enable');
    assert.equal(userRow('jo').disabled, 1);
    assert.equal(sql(server.data, "SELECT count(*) AS n FROM staff_sessions WHERE user_id = (SELECT id FROM users WHERE name = 'jo')")[0].n, 0);
    await auditBoth(page, 'one user\'s page after disabling');
    await other.page.evaluate(() => { location.hash = '#caseload/3'; });
    await other.page.waitForURL(/login\.html\?problem=ended/);
    assert.equal(await logIn(other.page, { name: 'jo', password: second }), 'wrong');

    // Every change is in the audit log, by ada; the password is nowhere in it.
    const rows = sql(server.data, "SELECT action, detail FROM audit WHERE action IN ('user_added','password_set','user_disabled') AND json_extract(detail, '$.name') = 'jo' AND actor_id = (SELECT id FROM users WHERE name = 'ada') ORDER BY id");
    assert.deepEqual(rows.map((r) => r.action), ['user_added', 'password_set', 'user_disabled']);
    assert.equal(JSON.stringify(rows).includes(first) || JSON.stringify(rows).includes(second), false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await other.context.close();
  }
});

test('an administrator\'s own account: no disabling it, and a change of role is confirmed', async () => {
  const { context, page, errors } = await newPage();
  try {
    assert.equal(await logIn(page, ADMIN), 0);
    await page.goto(server.url + 'staff/#users/ada');
    await page.waitForSelector('#user-facts');
    assert.equal(await page.$('#user-disable'), null, 'no Disable for yourself');
    assert.equal(await page.$('#user-new-password'), null, 'no new password for yourself');
    await page.check('#user-new-role'); // caseworker
    await page.click('#user-change-role');
    await page.waitForSelector('#role-confirm');
    await auditBoth(page, 'asked to confirm a change of one\'s own role');
    // ada is the only administrator: the server refuses, in its words; nothing changes.
    await page.click('#role-confirm-yes');
    await page.waitForFunction((t) => document.querySelector('.govuk-error-summary')?.textContent.includes(t),
      message('staff.error.last-admin'));
    assert.deepEqual(userRow('ada'), { role: 'admin', disabled: 0 });
    await auditBoth(page, 'one\'s own role refused as the last administrator');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the audit log lists logins and account changes, by kind and by user; health lists the server\'s rows', async () => {
  const { context, page, errors } = await newPage();
  const other = await newPage();
  try {
    assert.equal(await logIn(other.page, { name: 'jo', password: 'not the password' }), 'wrong');
    assert.equal(await logIn(page, ADMIN), 0);
    await page.click('[data-nav="audit"] a');
    await page.waitForSelector('#log-form');
    assert.ok(await page.$('#log-rows tbody tr'), 'entries are listed');
    await auditBoth(page, 'the service\'s audit log');

    await page.selectOption('#log-kind', 'failed_logins');
    await page.click('#log-filter');
    await page.waitForFunction(() => [...document.querySelectorAll('#log-rows tbody tr td:nth-child(3)')].length > 0 &&
      [...document.querySelectorAll('#log-rows tbody tr td:nth-child(3)')].every((c) => c.textContent.trim() === 'Login failed'));
    const shown = await page.$$eval('#log-rows tbody tr', (r) => r.length);
    assert.equal(shown, sql(server.data, "SELECT count(*) AS n FROM audit WHERE action = 'login_failed' AND plan_id IS NULL")[0].n);
    assert.equal(await page.textContent('#log-rows').then((t) => t.includes('not the password')), false);

    await page.selectOption('#log-kind', 'accounts');
    await page.fill('#log-user', 'jo');
    await page.click('#log-filter');
    await page.waitForFunction(() => document.querySelectorAll('#log-rows tbody tr').length === 3);
    await auditBoth(page, 'the service\'s audit log filtered by kind and user');

    // A user there is none of: the server's words by the box; the rows stay as they were.
    await page.fill('#log-user', 'nobody');
    await page.click('#log-filter');
    await page.waitForFunction((t) => document.querySelector('.govuk-error-summary')?.textContent.includes(t),
      message('staff.error.no-user'));
    assert.equal(await page.isVisible('#log-user-error'), true);
    assert.equal(await page.$$eval('#log-rows tbody tr', (r) => r.length), 3);
    await auditBoth(page, 'the service\'s audit log refusing an unknown user');

    await page.click('[data-nav="health"] a');
    await page.waitForSelector('#health-list');
    const ids = await page.$$eval('#health-list [data-row]', (rows) => rows.map((r) => r.dataset.row));
    assert.deepEqual(ids, ['version', 'uptime', 'database', 'backup', 'plans', 'flags', 'alerts', 'connections']);
    const plans = await page.textContent('#health-list [data-row="plans"] .app-health__value');
    assert.equal(Number(plans), sql(server.data, 'SELECT count(*) AS n FROM plans')[0].n);
    assert.equal((await page.textContent('#health-list [data-row="plans"] dt')).trim(), message('staff.health.plans'));
    await auditBoth(page, 'health page');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await other.context.close();
  }
});

test('a caseworker has no admin pages: not in the menu, and refused at their address', async () => {
  const { context, page, errors } = await newPage();
  try {
    assert.equal(await logIn(page, server.caseworker), 0);
    for (const nav of ['users', 'health']) assert.equal(await page.isVisible(`[data-nav="${nav}"]`), false);
    assert.equal(await page.isVisible('[data-nav="audit"]'), false);
    for (const view of ['users', 'users/jo', 'health']) {
      await page.goto(`${server.url}staff/#${view}`);
      await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('You cannot use this page'));
    }
    await audit(page, 'a caseworker at an admin page');
    // And the server refuses the messages themselves (docs/staff.md).
    const reply = await page.evaluate(() => new Promise((resolve) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws', 'planaloud-staff');
      ws.onopen = () => ws.send(JSON.stringify({ type: 'users', seq: 1 }));
      ws.onmessage = (e) => { resolve(JSON.parse(e.data)); ws.close(); };
    }));
    assert.equal(reply.code, 'not-allowed-role');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
