// HTTPS in a real browser: the server serves TLS itself with a certificate this test makes (the
// openssl command; Chromium is told to accept it, as a council's real certificate would be). The
// kiosk loads over https and its websocket (wss) draws the pages both ways; a member of staff logs
// in, the browser keeps the __Host- login cookie (Secure, HttpOnly, Path=/) and the staff page's
// own websocket is logged in with it; responses say HSTS; no page breaks its
// Content-Security-Policy or throws.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, launchBrowser, openKiosk, waitForPage, axeViolations, formatViolations } =
  require('./harness.js');

let server;
let browser;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planaloud-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  fs.chmodSync(key, 0o600);
  server = await startServer(['--tls-cert', cert, '--tls-key', key]);
  browser = await launchBrowser(['--ignore-certificate-errors']);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Script errors and Content-Security-Policy breaches on a page, as they happen. */
function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to|Mixed Content/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

test('the kiosk over https talks to the server through a wss websocket', async () => {
  assert.match(server.url, /^https:\/\//);
  let errors = [];
  let first = null; // the page's own response, as the browser got it
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, {
    beforeOpen: (p) => {
      errors = watchErrors(p);
      p.on('response', (r) => { if (!first && r.url() === server.url) first = r; });
    },
  });
  try {
    assert.ok(sockets.length > 0 && sockets.every((s) => s.url.startsWith('wss://')),
      `the kiosk's websocket is wss: ${sockets.map((s) => s.url).join(', ')}`);
    const v = await axeViolations(page);
    assert.equal(v.length, 0, formatViolations('the welcome page over https', v));
    // a message there and a page back: the websocket works both ways
    await page.click('#next');
    await waitForPage(page, 'who');
    assert.ok(first, 'the browser got the page itself');
    const headers = await first.allHeaders();
    assert.equal(first.status(), 200);
    assert.equal(headers['strict-transport-security'], 'max-age=31536000');
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
    assert.match(headers['permissions-policy'] || '', /microphone=\(\)/);
    assert.deepEqual([...pageErrors, ...errors], []);
  } finally {
    await context.close();
  }
});

test('staff log in over https with a __Host- Secure cookie that the staff websocket accepts', async () => {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = watchErrors(page);
  try {
    await page.goto(`${server.url}staff/`);
    await page.waitForURL(/\/staff\/login\.html$/);
    await page.fill('#name', server.caseworker.name);
    await page.fill('#password', server.caseworker.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    // the page shows who is logged in once its websocket has answered "me" with the cookie
    await page.waitForSelector('#user:not([hidden])');
    const cookies = await context.cookies();
    const login = cookies.find((c) => c.name === '__Host-planaloud_staff');
    assert.ok(login, `the login cookie is __Host- named: ${cookies.map((c) => c.name).join(', ')}`);
    assert.equal(login.secure, true);
    assert.equal(login.httpOnly, true);
    assert.equal(login.path, '/');
    assert.equal(login.sameSite, 'Strict');
    assert.ok(!cookies.some((c) => c.name === 'planaloud_staff'), 'no cookie under the plain-HTTP name');
    const v = await axeViolations(page);
    assert.equal(v.length, 0, formatViolations('the staff page over https', v));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
