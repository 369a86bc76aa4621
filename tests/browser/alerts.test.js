// The alerts outbox on the staff pages, in a real browser. A person says yes to "Is anyone
// hurting you?" at a real kiosk websocket; the duty team's webhook is down, so the alert fails
// and waits. The administrator's Alerts page shows it (kind, way, plan, tries, next try, the
// problem in plain words), and "Try again now" makes the server try at once. Caseworkers have no
// Alerts page. axe-core finds nothing wrong in any of these states, wide and at 320px.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const {
  startServer, launchBrowser, sql, axeViolations, formatViolations, message, NARROW, WIDE, setWidth, sidewaysScroll,
} = require('./harness.js');

const SOURCE = process.env.PLANALOUD_SOURCE_DIR || path.resolve(__dirname, '../..');
const BINARY = process.env.PLANALOUD_BINARY || path.join(SOURCE, 'build/planaloud');
const ADMIN = { name: 'ada', password: 'ada long password for alerts' };

let server;
let browser;

/** A loopback port nothing listens on: the duty team's webhook, down. */
async function deadPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  server = await startServer(['--alert-webhook', `http://127.0.0.1:${await deadPort()}/duty`]);
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

async function logIn(page, who) {
  await page.goto(server.url + 'staff/');
  await page.waitForSelector('#login-form');
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
}

/** On a kiosk's own websocket: the demo plan's code, then yes to the page that raises the
 * safeguarding flag. Resolves with the `saved` reply. */
async function sayUnsafe(context) {
  const page = await context.newPage();
  await page.goto(server.url);
  const saved = await page.evaluate(({ code }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/', 'planaloud');
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'page' && m.page.id === 'welcome' && !ws.sentCode) {
        ws.sentCode = true;
        ws.send(JSON.stringify({ type: 'code', seq: 1, code }));
      } else if (m.type === 'page' && m.seq === 1) {
        ws.send(JSON.stringify({ type: 'answer', seq: 2, page: 'unsafe', value: 'yes' }));
      } else if (m.seq === 2) {
        ws.close();
        resolve(m);
      }
    };
    ws.onerror = () => reject(new Error('the kiosk websocket failed'));
  }), { code: server.code });
  await page.close();
  return saved;
}

function outbox() {
  return sql(server.data, 'SELECT id, kind, channel, plan_id, tries, next_ms, last_error, sent_ms FROM alerts ORDER BY id');
}

async function until(fn, what) {
  for (let i = 0; i < 200; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('an administrator sees a failed alert, with its problem in plain words, and tries it again now', async () => {
  const staff = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const kiosk = await browser.newContext({ viewport: WIDE });
  const errors = [];
  try {
    const page = await staff.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await logIn(page, ADMIN);
    await page.click('[data-nav="alerts"] a');
    await page.waitForSelector('#alerts-none');
    assert.equal((await page.textContent('#alerts-setup')).trim(),
      `Alerts go by webhook for these flags: ${message('staff.flag.safeguarding')}.`);
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    await auditBoth(page, 'alerts page with none');

    const saved = await sayUnsafe(kiosk);
    assert.equal(saved.type, 'saved');
    assert.equal(saved.flag, 'safeguarding');
    // the webhook is down: the first try fails, and the alert waits with the reason
    const [row] = await until(() => outbox().filter((a) => a.tries >= 1).length && outbox(), 'a failed try');
    assert.equal(row.kind, 'safeguarding');
    assert.equal(row.channel, 'webhook');
    assert.equal(row.sent_ms, null);
    assert.ok(row.last_error.length > 0);

    await page.reload();
    await page.waitForSelector('#alert-list tbody tr');
    const cells = await page.$$eval('#alert-list tbody tr:first-child > *', (c) => c.map((x) => x.textContent.trim()));
    assert.equal(cells[0], String(row.id));
    assert.equal(cells[1], message('staff.flag.safeguarding'));
    assert.equal(cells[3], `Plan ${row.plan_id}`);
    assert.equal(cells[6], '1', 'tried once');
    assert.equal(cells[8], row.last_error, 'the problem as the server recorded it');
    assert.equal(cells[9], 'Not yet');
    assert.equal(await page.getAttribute('#alert-list tbody tr:first-child a', 'href'), `#plan/${row.plan_id}`);
    assert.match(await page.textContent('#alerts-summary'), /1 alert is waiting/);
    await auditBoth(page, 'alerts page with a failed alert');

    const before = Date.now();
    await page.click('#alert-list tbody tr:first-child button');
    await page.waitForSelector('.govuk-notification-banner--success');
    await audit(page, 'alerts page after try again now');
    // the server tries again at once, not after the 30 s wait: a second failed try
    await until(() => outbox()[0].tries === 2, 'the second try');
    assert.ok(outbox()[0].next_ms >= before + 55000, 'then it waits longer: about a minute');
    const actions = sql(server.data, "SELECT action FROM audit WHERE action = 'alert_retry'");
    assert.equal(actions.length, 1, 'trying again is in the audit log');
    assert.deepEqual(errors, []);
  } finally {
    await staff.close();
    await kiosk.close();
  }
});

test('a caseworker has no Alerts page', async () => {
  const staff = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  try {
    const page = await staff.newPage();
    await logIn(page, server.caseworker);
    assert.equal(await page.isVisible('[data-nav="alerts"]'), false);
    await page.goto(server.url + 'staff/#alerts');
    await page.waitForSelector('h1');
    await page.waitForFunction(() => !document.querySelector('#alert-list') && /cannot/.test(document.querySelector('h1')?.textContent || ''));
    await audit(page, 'alerts page refused to a caseworker');
  } finally {
    await staff.close();
  }
});

test('without alerts set up, the Alerts page warns that flags are seen only on the caseload', async () => {
  const plain = await startServer();
  const staff = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  try {
    execFileSync(BINARY, ['--data', plain.data, 'user', 'add', ADMIN.name, '--role', 'admin'],
      { input: ADMIN.password + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
    const page = await staff.newPage();
    await page.goto(plain.url + 'staff/');
    await page.waitForSelector('#login-form');
    await page.fill('#name', ADMIN.name);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    await page.waitForSelector('#user:not([hidden])');
    await page.goto(plain.url + 'staff/#alerts');
    await page.waitForSelector('#alerts-setup .govuk-warning-text');
    assert.match(await page.textContent('#alerts-setup'), /not set up/);
    await auditBoth(page, 'alerts page without alerts set up');
  } finally {
    await staff.close();
    await plain.stop();
  }
});
