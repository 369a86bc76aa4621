// People's data over its whole life, in the staff pages in a real browser. A manager opens
// "Everything held about this person" for the demo plan (after the person has written an answer
// and a caseworker a comment): the summary shows them, prints without the page's controls, and
// downloads as a JSON file; the export is audited. An administrator erases the plan from its
// audit log: the confirm step (a reason, the plan's number typed) refuses what is missing or
// wrong, then erases; the audit log says the plan was erased. A manager cannot erase. axe-core
// finds no WCAG 2.2 A/AA violation on any of these states at 1280px or 320px.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const {
  startServer, launchBrowser, axeViolations, formatViolations, sql, assertFont, message,
  WIDE, NARROW, setWidth, sidewaysScroll,
} = require('./harness.js');

const ADMIN = { name: 'ada', password: 'ada has a long password' };
const ANSWER = 'Quokka picnics on Sundays';
const COMMENT = 'Which park do you like?';

let server;
let browser;
let plan; // the demo plan's number
const problems = [];
const reflow = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // An administrator, added as council IT would, while the server runs.
  execFileSync(process.env.PLANALOUD_BINARY, ['--data', server.data, 'user', 'add', ADMIN.name, '--role', 'admin'],
    { input: `${ADMIN.password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  plan = sql(server.data, 'SELECT min(id) AS id FROM plans')[0].id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openStaff(who) {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(server.url + 'staff/');
  await page.waitForSelector('#login-form');
  await assertFont(page);
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
  return { context, page, errors };
}

async function auditBoth(page, where) {
  for (const size of [WIDE, NARROW]) {
    await setWidth(page, size);
    const v = await axeViolations(page);
    if (v.length) problems.push(formatViolations(`${where} at ${size.width}px`, v));
    if (size === NARROW) {
      const wide = await sidewaysScroll(page);
      if (wide) reflow.push(`${where} at 320px: ${wide}`);
    }
  }
  await setWidth(page, WIDE);
}

async function waitForHeading(page, words) {
  await page.waitForFunction((t) => document.querySelector('main h1')?.textContent.includes(t), words);
}

/** Sends the messages on a websocket of the page's own (subprotocol proto); resolves with the replies. */
function say(page, proto, messages) {
  return page.evaluate(([p, list]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`, p);
    const replies = [];
    ws.onerror = () => reject(new Error('no connection'));
    ws.onopen = () => list.forEach((m, i) => ws.send(JSON.stringify({ ...m, seq: i + 1 })));
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (!(m.seq >= 1)) return;
      replies[m.seq - 1] = m;
      if (replies.filter(Boolean).length === list.length) {
        ws.close();
        resolve(replies);
      }
    };
  }), [proto, messages]);
}

test('a manager sees, prints and downloads everything held about a person', async () => {
  const { context, page, errors } = await openStaff(server.manager);
  try {
    // The person writes at a kiosk; the caseworker's side adds a comment.
    const kiosk = await say(page, 'planaloud', [
      { type: 'answer', page: 'who', value: 'me' },
      { type: 'code', code: server.code },
      { type: 'answer', page: 'important', value: ANSWER },
    ]);
    assert.equal(kiosk[2].type, 'saved', JSON.stringify(kiosk));
    const staff = await say(page, 'planaloud-staff', [{ type: 'comment', plan, section: 'important', text: COMMENT }]);
    assert.equal(staff[0].type, 'plan', JSON.stringify(staff));

    await page.goto(`${server.url}staff/#plan/${plan}`);
    await page.click(`a[href="#export/${plan}"]`);
    await waitForHeading(page, 'Everything we hold');
    await page.waitForSelector('#export-print');
    const main = await page.textContent('main');
    assert.ok(main.includes(ANSWER), 'the answer is shown as written');
    assert.ok(main.includes(COMMENT), 'the comment is shown');
    assert.ok(main.includes('Alex Taylor'), "the person's name is shown");
    assert.equal(sql(server.data, `SELECT count(*) AS n FROM audit WHERE plan_id = ${plan} AND action = 'data_exported'`)[0].n, 1);
    await auditBoth(page, 'everything held');

    // On paper: the summary without the page's controls.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#said'), true);
    for (const sel of ['header', '#export-print', '#export-file', '.govuk-back-link', 'footer']) {
      assert.equal(await page.isVisible(sel), false, `${sel} is not printed`);
    }
    await page.emulateMedia({ media: 'screen' });

    // As a file: the same data, machine-readable.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-file')]);
    const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(file.plan, plan);
    assert.ok(JSON.stringify(file.data.sections).includes(ANSWER));
    assert.ok(file.data.comments.some((c) => c.text === COMMENT));
    assert.ok(Array.isArray(file.data.audit) && file.data.audit.length > 0);

    // A manager cannot erase: no link, the page says so, and the server refuses.
    assert.equal(await page.$('#audit-erase'), null);
    await page.goto(`${server.url}staff/#erase/${plan}`);
    await waitForHeading(page, 'You cannot use this page');
    const refused = await say(page, 'planaloud-staff', [{ type: 'erase', plan, reason: 'person_asked', confirm: String(plan) }]);
    assert.equal(refused[0].code, 'not-allowed-role');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an administrator erases a plan after confirming it, and its audit log says so', async () => {
  const { context, page, errors } = await openStaff(ADMIN);
  try {
    await waitForHeading(page, 'Audit log'); // an administrator's start page
    await page.goto(`${server.url}staff/#audit/${plan}`);
    await page.waitForSelector('#audit-erase');
    await page.click('#audit-erase');
    await waitForHeading(page, 'Erase this plan');
    assert.equal(await page.isVisible('.govuk-warning-text'), true);
    await auditBoth(page, 'erase');

    // Nothing chosen or typed: both errors, in a summary that takes focus.
    await page.click('#erase-button');
    await page.waitForSelector('.govuk-error-summary');
    assert.equal(await page.$$eval('.govuk-error-summary li', (li) => li.length), 2);
    assert.match(await page.evaluate(() => document.activeElement.className), /govuk-error-summary/);
    await auditBoth(page, 'erase with errors');

    // The wrong number typed: the server is not asked, and nothing is erased.
    await page.check('#erase-reason');
    await page.fill('#erase-confirm', String(plan + 1));
    await page.click('#erase-button');
    await page.waitForSelector('#erase-confirm-error:not([hidden])');
    assert.equal(sql(server.data, `SELECT count(*) AS n FROM plans WHERE id = ${plan}`)[0].n, 1);
    // A request with the wrong number sent anyway is refused by the server in its own words.
    const wrong = await say(page, 'planaloud-staff', [{ type: 'erase', plan, reason: 'person_asked', confirm: String(plan + 1) }]);
    assert.equal(wrong[0].code, 'confirm-plan');
    assert.equal(wrong[0].message, message('error.confirm-plan'));

    await page.fill('#erase-confirm', String(plan));
    await page.click('#erase-button');
    await waitForHeading(page, `Plan ${plan} has been erased`);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await auditBoth(page, 'erased');
    assert.equal(sql(server.data, `SELECT count(*) AS n FROM plans WHERE id = ${plan}`)[0].n, 0);
    assert.equal(sql(server.data, `SELECT count(*) AS n FROM answers WHERE plan_id = ${plan}`)[0].n, 0);
    assert.equal(sql(server.data, `SELECT reason FROM erasures WHERE plan_id = ${plan}`)[0].reason, 'person_asked');

    // The audit log stays, and says the plan has been erased.
    await page.click(`a[href="#audit/${plan}"]`);
    await page.waitForSelector('#audit-erased');
    assert.equal(await page.$('#audit-erase'), null, 'nothing left to erase');
    assert.match(await page.textContent('main table'), /Plan erased/);
    await auditBoth(page, 'audit log of an erased plan');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('no page state had an accessibility violation or scrolled sideways at 320px', () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(reflow, []);
});
