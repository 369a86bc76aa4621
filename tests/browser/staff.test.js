// The staff pages in a real browser: logging in (a wrong password first: the error summary shows
// and takes focus), the caseload, inviting a person with two needs and a budget, the letter with
// the plan code, the plan as staff read it (the person's words, written on the kiosk, verbatim,
// with who helped; a comment; the council's parts), and logging out. axe-core finds no WCAG 2.2
// A/AA violation on any of those pages at 1280px, nor at 320px, where nothing scrolls sideways;
// focus moves to each new view's heading; no page breaks the content security policy.
//
// Steps that need a staff message the server does not handle yet (it answers unknown-type) are
// skipped, saying which message they wait for; each is found by asking the server at run time.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark, waitForSave,
  assertFont, message,
  WIDE, NARROW, setWidth, sidewaysScroll,
} = require('./harness.js');


let server;
let browser;
let invited = null; // the person the caseworker invites: {plan, code, person}
const problems = []; // axe violations, as readable lines
const reflow = []; // views that scroll sideways at 320px
const audited = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser context (its own cookies) on the staff pages; records CSP breaches and script errors. */
async function openStaff(url = server.url + 'staff/') {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(url);
  await assertFont(page);
  return { context, page, errors };
}

async function audit(page, where) {
  const v = await axeViolations(page);
  audited.push(where);
  if (v.length) problems.push(formatViolations(where, v));
}

/** axe at 1280px and at 320px, and at 320px nothing may need sideways scrolling (WCAG 1.4.10). */
async function auditBoth(page, where) {
  await audit(page, where);
  await setWidth(page, NARROW);
  const wide = await sidewaysScroll(page);
  if (wide) reflow.push(`${where} at 320px: ${wide}`);
  await audit(page, `${where} at 320px`);
  await setWidth(page, WIDE);
}

function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    return e ? { tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 120) } : null;
  });
}

/** Waits for a view: its h1 says heading and has focus (the person moved there). */
async function waitForView(page, heading, { focus = true } = {}) {
  await page.waitForFunction((t) => {
    const h1 = document.querySelector('main h1');
    return h1 && h1.textContent.includes(t);
  }, heading);
  if (focus) {
    await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1', null, { timeout: 5000 })
      .catch(async () => assert.fail(`focus did not move to the heading "${heading}": it is on ${JSON.stringify(await focused(page))}`));
  }
}

async function logIn(page, who) {
  await page.waitForSelector('#login-form');
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
}

/**
 * The staff message types the server does not handle yet: each is sent once, harmlessly (plan 0
 * does not exist, and a request that gets an error changes nothing), on a websocket of the
 * logged-in page's own.
 */
async function unhandled(page, types) {
  return page.evaluate((list) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws`, 'planaloud-staff');
    const missing = [];
    let answered = 0;
    ws.onerror = () => reject(new Error('the probe could not connect'));
    ws.onopen = () => list.forEach((type, i) => ws.send(JSON.stringify({ type, seq: i + 1, plan: 0 })));
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.code === 'login-needed') reject(new Error('the probe is not logged in'));
      if (!(m.seq >= 1)) return;
      if (m.code === 'unknown-type') missing.push(list[m.seq - 1]);
      if (++answered === list.length) {
        ws.close();
        resolve(missing);
      }
    };
  }), types);
}

const waiting = (missing, ...types) => {
  const m = types.filter((t) => missing.includes(t));
  return m.length ? `waiting for ${m.join(', ')}` : false;
};

test('without a login the staff page goes to the login form, which has no violations', async () => {
  const { context, page, errors } = await openStaff();
  try {
    await page.waitForURL(/\/staff\/login\.html$/);
    assert.equal(await page.textContent('h1'), 'Log in');
    assert.equal(await page.getAttribute('#name', 'autocomplete'), 'username');
    assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
    assert.equal(await page.getAttribute('#login-form', 'action'), '/staff/auth/login');
    assert.equal(await page.$('.govuk-error-summary'), null, 'no error before trying');
    await auditBoth(page, 'login');
    // Each problem the server can send back is said in plain words.
    for (const [code, words] of [['missing', 'Enter your username and password'], ['slow-down', 'too many tries'],
      ['server', 'problem with the service']]) {
      await page.goto(`${server.url}staff/login.html?problem=${code}`);
      await page.waitForSelector('.govuk-error-summary');
      assert.match(await page.textContent('.govuk-error-summary'), new RegExp(words));
      assert.match((await focused(page)).cls, /govuk-error-summary/, `${code}: the summary has focus`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the caseworker's journey: log in, caseload, invite, letter, the plan, log out", async (t) => {
  const { context, page, errors } = await openStaff();
  let missing = [];
  try {
    await t.test('a wrong password: the error summary shows and takes focus', async () => {
      await page.waitForURL(/login\.html$/);
      await page.fill('#name', server.caseworker.name);
      await page.fill('#password', 'not-the-password');
      await Promise.all([page.waitForURL(/problem=wrong/), page.click('#login')]);
      await page.waitForSelector('.govuk-error-summary');
      const f = await focused(page);
      assert.match(f.cls, /govuk-error-summary/, 'the error summary has focus');
      assert.match(f.text, /username or password is not right/);
      assert.match(await page.title(), /^Error: /);
      assert.equal(await page.getAttribute('#name', 'aria-describedby'), 'name-error');
      await auditBoth(page, 'login with an error');
      // The summary's link takes focus to the field.
      await page.click('.govuk-error-summary a');
      assert.equal((await focused(page)).id, 'name');
      assert.equal(await page.evaluate(() => location.hash), '', 'the address stays as it was');
    });

    await t.test('the right password: the caseload, with who is logged in', async () => {
      await logIn(page, server.caseworker);
      await waitForView(page, 'Caseload', { focus: false });
      assert.match(await page.textContent('#user'), /casey\s*\(caseworker\)/);
      assert.equal(await page.isVisible('#logout'), true);
      missing = await unhandled(page, ['caseload', 'invite', 'new_code', 'plan', 'comment', 'council', 'versions', 'diff', 'audit']);
      if (missing.length) t.diagnostic(`the server does not handle yet: ${missing.join(', ')}`);
    });

    await t.test('the caseload lists the plans by status', { skip: waiting(missing, 'caseload') }, async () => {
      await page.waitForSelector('main .govuk-table');
      assert.match(await page.textContent('main'), /Alex Taylor/, 'the demo invitation is on the caseload');
      assert.equal(await page.$('main .govuk-error-summary'), null);
      await auditBoth(page, 'caseload');
    });

    await t.test('invite: a form sent empty shows every error, focused; then 2 needs and a budget', async () => {
      await page.click('nav a[href="#invite"]');
      await waitForView(page, 'Invite a person');
      assert.equal(await page.getAttribute('nav a[href="#invite"]', 'aria-current'), 'page');
      await page.click('#invite-send');
      await page.waitForSelector('.govuk-error-summary');
      assert.match((await focused(page)).cls, /govuk-error-summary/);
      const listed = await page.$$eval('.govuk-error-summary li', (li) => li.map((e) => e.textContent.trim()));
      assert.deepEqual(listed, ["Enter the person's full name", 'Enter need 1, in easy read',
        'Select whether the council will help with need 1', 'Enter the indicative weekly budget',
        'Select at least one way of managing the budget to offer']);
      await auditBoth(page, 'invite with errors');
      await page.click('.govuk-error-summary a[href="#budget"]');
      assert.equal((await focused(page)).id, 'budget');
      assert.match(await page.evaluate(() => location.hash), /^#invite$/);

      await page.fill('#person', 'Jo Bloggs');
      await page.fill('#need-1-text', 'You need help to wash and get dressed.');
      await page.check('#need-1-eligible'); // yes
      await page.click('#add-need');
      const second = await focused(page);
      assert.equal(second.tag, 'textarea', 'a new need row takes focus');
      await page.fill(`#${second.id}`, 'You would like help with the garden.');
      await page.check(`#${second.id.replace('-text', '-eligible')}-2`); // no
      assert.equal(await page.isVisible('.app-need__remove'), true, 'with two needs each can be removed');
      await page.fill('#budget', '£245.50');
      await page.check('#managing'); // direct payment
      await page.check('#managing-2'); // council
    });

    await t.test('invite sends, and the letter shows the code to print', { skip: waiting(missing, 'invite') }, async () => {
      await page.click('#invite-send');
      await page.waitForSelector('.app-letter');
      const hash = await page.evaluate(() => location.hash);
      const m = /^#letter\/(\d+)$/.exec(hash);
      assert.ok(m, `the letter's address names the plan: ${hash}`);
      const code = (await page.textContent('#letter-code')).trim();
      assert.match(code, /\d{4}/, 'the letter has the plan code');
      invited = { plan: Number(m[1]), code, person: 'Jo Bloggs' };
      assert.match(await page.textContent('main h1'), /Invitation letter for Jo Bloggs/);
      assert.match(await page.textContent('.app-letter'), /Dear Jo Bloggs/);
      assert.match((await focused(page)).cls, /govuk-notification-banner--success/, 'the success banner has focus');
      assert.equal(await page.isVisible('#print'), true);
      await auditBoth(page, 'letter');
      // On paper: the letter alone.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.isVisible('.app-letter'), true);
      for (const sel of ['header', '#print', '.govuk-notification-banner', '.govuk-back-link', 'footer']) {
        assert.equal(await page.isVisible(sel), false, `${sel} is not printed`);
      }
      await page.emulateMedia({ media: 'screen' });
    });

    await t.test('the person writes on the kiosk with a helper, and sends the plan', { skip: !invited && 'waiting for invite' }, async () => {
      const kiosk = await openKiosk(browser, server.url);
      try {
        const k = kiosk.page;
        const next = async (to) => {
          await k.click('#next');
          await waitForPage(k, to);
        };
        const type = async (text) => {
          const mark = await saveMark(k);
          await k.fill('#answer', text);
          await waitForSave(k, mark, 'kept');
        };
        await next('who');
        let mark = await saveMark(k);
        await k.check('#option-helper');
        await waitForSave(k, mark, 'kept');
        await next('helper-name');
        await type('Sam');
        await next('helper-relationship');
        await type('support worker');
        await next('helper-words');
        await next('code');
        await k.fill('#code-input', invited.code);
        await k.click('#code-open');
        await waitForPage(k, 'profile-intro');
        await next('like-admire');
        mark = await saveMark(k);
        await k.fill('#answer', 'People say I am kind.\nI make them laugh.');
        await waitForSave(k, mark);
        // On to the end (what is not answered stays unanswered), and send it.
        const choose = { managing: 'council', 'direct-payment-again': 'no', carer: 'no', unsafe: 'no', advocacy: 'no' };
        for (let page = 'like-admire'; page !== 'send';) {
          if (choose[page] && await k.$(`#option-${choose[page]}`)) {
            mark = await saveMark(k);
            await k.check(`#option-${choose[page]}`);
            await waitForSave(k, mark);
          }
          await k.click('#next');
          await k.waitForFunction((was) => {
            const p = document.querySelector('#page');
            return p && p.dataset.pageId && p.dataset.pageId !== was && document.getElementById('page-title');
          }, page);
          page = await k.getAttribute('#page', 'data-page-id');
        }
        await k.click('#send-plan');
        await waitForPage(k, 'sent');
      } finally {
        await kiosk.context.close();
      }
    });

    await t.test("the plan: the person's words verbatim, who helped, needs, budget", { skip: (!invited && 'waiting for invite') || waiting(missing, 'plan') }, async () => {
      await page.goto(`${server.url}staff/#plan/${invited.plan}`);
      await waitForView(page, 'Jo Bloggs', { focus: false });
      const main = await page.textContent('main');
      assert.match(main, /You need help to wash and get dressed\./);
      assert.match(main, /You would like help with the garden\./);
      assert.match(main, /£245\.50/, 'the indicative budget');
      assert.equal(await page.$('[id$="-how"]') !== null, true, 'the eligible need asks how it will be met');
      const words = await page.$$eval('.app-verbatim', (es) => es.map((e) => e.textContent));
      assert.ok(words.includes('People say I am kind.\nI make them laugh.'), 'the answer, line break and all');
      assert.match(main, /Written by: Sam \(support worker\)/);
      assert.ok((await page.textContent('main .govuk-tag')).includes(message('staff.tag.submitted')));
      assert.equal(await page.$('#action-sign-off'), null, 'a caseworker is not offered sign-off');
      assert.equal(await page.$(`a[href="#audit/${invited.plan}"]`), null, 'nor the audit log');
      await auditBoth(page, 'plan');
    });

    await t.test('a comment on a question of About me', { skip: (!invited && 'waiting for invite') || waiting(missing, 'plan', 'comment') }, async () => {
      const part = await page.$eval('main h3.govuk-heading-m >> text=About me', (e) => e.id);
      const id = `comment-${part}`;
      await page.selectOption(`#${id}-on`, 'like-admire');
      await page.fill(`#${id}`, 'Thank you. Can you say more about what you like doing?');
      await page.click(`#${id}-add`);
      await page.waitForSelector(`#${id}-done:not(:empty)`);
      assert.match(await page.textContent('main'), /Can you say more about what you like doing\?/);
      assert.equal((await focused(page)).id, `${id}-add`, 'focus stays on the button');
      await auditBoth(page, 'plan with a comment');
    });

    await t.test('the council part: how a need will be met', { skip: (!invited && 'waiting for invite') || waiting(missing, 'plan', 'council') }, async () => {
      const how = await page.$('textarea[id$="-how"]');
      const id = await how.getAttribute('id');
      await page.fill(`#${id}`, 'A support worker comes each morning.');
      await page.click(`#${id.replace(/-how$/, '-save')}`);
      await page.waitForSelector(`#${id.replace(/-how$/, '-done')}:not(:empty)`);
      assert.equal(await page.inputValue(`#${id}`), 'A support worker comes each morning.');
    });

    await t.test('ready to agree, agree, then send back for changes', { skip: (!invited && 'waiting for invite') || waiting(missing, 'plan') }, async () => {
      await page.click('#action-ready');
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match((await focused(page)).cls, /govuk-notification-banner--success/, 'the banner has focus');
      assert.match(await page.textContent('.govuk-notification-banner--success'), /asked to agree their plan/);
      assert.equal(await page.$('#action-ready'), null, 'asked once');
      await page.click('#action-agree');
      await page.waitForFunction(() => /You have agreed the plan/.test(document.querySelector('.govuk-notification-banner--success')?.textContent || ''));
      assert.match(await page.textContent('main'), /The caseworker agreed.*\(casey\)/s);
      assert.match(await page.textContent('main'), /You have agreed\. The person is asked to agree/);
      await auditBoth(page, 'plan agreed by the caseworker');
      await page.click('#action-send-back');
      await page.waitForFunction(() => /sent back to the person/.test(document.querySelector('.govuk-notification-banner--success')?.textContent || ''));
      assert.match(await page.textContent('main .govuk-tag'), /Sent back for changes/);
      assert.equal(await page.$('#action-send-back'), null, 'not twice');
    });

    await t.test('versions: the one sent so far', { skip: (!invited && 'waiting for invite') || waiting(missing, 'versions') }, async (tv) => {
      await page.click(`a[href="#versions/${invited.plan}"]`);
      await waitForView(page, 'Versions');
      assert.equal(await page.$('main .govuk-error-summary'), null);
      const listed = await page.$('main table');
      if (!listed) assert.match(await page.textContent('main'), /No versions yet/);
      await auditBoth(page, 'versions');
      // Sending freezes a version (docs/staff.md); a server that does not yet is a to-do, not a failure here.
      await tv.test('sending froze version 1', { todo: !listed && 'the server lists no version after the person sent the plan' }, async () => {
        assert.ok(listed, 'a table of versions');
        assert.ok((await listed.textContent()).includes(message('staff.tag.submitted')));
      });
    });

    await t.test('log out: the login page says so, and the staff page needs a login again', async () => {
      await Promise.all([page.waitForURL(/problem=out/), page.click('#logout')]);
      await page.waitForSelector('.govuk-notification-banner--success');
      assert.match(await page.textContent('.govuk-notification-banner'), /You have logged out/);
      await auditBoth(page, 'logged out');
      await page.goto(server.url + 'staff/');
      await page.waitForURL(/\/staff\/login\.html$/);
    });

    assert.deepEqual(errors, [], 'no script errors and nothing the content security policy refused');
  } finally {
    await context.close();
  }
});

test("a manager reads the invited plan's audit log: who did what, newest first", async (t) => {
  const { context, page, errors } = await openStaff();
  try {
    await logIn(page, server.manager);
    assert.match(await page.textContent('#user'), /morgan\s*\(team manager\)/);
    const missing = await unhandled(page, ['plan', 'audit']);
    await t.test('the plan links to its audit log, which lists the caseworker\'s actions', { skip: (!invited && 'waiting for invite') || waiting(missing, 'plan', 'audit') }, async () => {
      await page.goto(`${server.url}staff/#plan/${invited.plan}`);
      await waitForView(page, invited.person, { focus: false });
      await page.click(`a[href="#audit/${invited.plan}"]`);
      await waitForView(page, 'Audit log');
      const table = await page.textContent('main table');
      assert.match(table, /casey/);
      assert.match(table, /caseworker/);
      await auditBoth(page, 'audit log');
    });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// ---- every view, against a stand-in server ------------------------------------------------
// The real server's plan above goes as far as being sent, agreed by the caseworker and sent back.
// To see every view and state (urgent flags, reviews due, a sent plan with comments, support over
// budget, agreeing, signing off with a panel, versions compared, the audit log, a review), the
// page talks here to a stand-in that answers as docs/staff.md says the server does.

function standInPlan() {
  const sam = { visit: 1, writer: 'helper', helper_name: 'Sam', relationship: 'support worker' };
  const me = { visit: 2, writer: 'me', helper_name: '', relationship: '' };
  return {
    type: 'plan', plan: 7, person: 'Alex Smith', status: 'submitted', ready: false,
    agreed: { person: null, caseworker: null, caseworker_name: null }, person_disagreed: null,
    budget_pence: 24550, managing: ['direct', 'council'],
    needs: [
      { id: 1, text: 'You need help to wash and get dressed in the morning.', eligible: true, how: '', direct_payment: false },
      { id: 2, text: 'You need help to go out and meet people.', eligible: true, how: 'A personal assistant, 6 hours a week.', direct_payment: true },
      { id: 3, text: 'You would like someone to clean your windows.', eligible: false, how: '', direct_payment: false },
    ],
    sections: [
      { part: 4, title: 'About me', answers: [
        { page: 'like-admire', item: 0, field: '', label: 'What people like and admire about you', value: 'I am kind.\nI make people laugh. https://www.example.com/a-very-long-address-that-must-wrap-at-320px', by: sam },
        { page: 'communicate', item: 0, field: '', label: 'How you communicate', value: 'I use Makaton signs.', by: me },
        { page: 'support-bad-days', item: 0, field: '', label: 'Bad days', value: null, by: null },
      ] },
      { part: 5, title: 'What matters to you', answers: [
        { page: 'outcomes', item: 11, field: 'outcome', label: 'What I want to change or achieve', value: 'Cook a hot meal myself', by: sam },
        { page: 'outcomes', item: 12, field: 'outcome', label: 'What I want to change or achieve', value: 'Make new friends', by: sam },
      ] },
      { part: 6, title: 'Your support', answers: [
        { page: 'budget', item: 21, field: 'what', label: 'What you want to pay for', value: 'Swimming with a support worker', by: me },
        { page: 'budget', item: 21, field: 'cost', label: 'How much a week', value: '40.00', by: me },
        { page: 'direct-payment-again', item: 0, field: '', label: 'Would you like a direct payment?', value: 'yes', text: 'Yes', by: me },
      ] },
    ],
    support: { items: [{ id: 1, what: 'Personal assistant, 6 hours', cost_pence: 15000, cost: '150.00' }, { id: 2, what: 'Cookery class', cost_pence: 12000, cost: '120.00' }],
      total_pence: 27000, total: '270.00', over_budget: true },
    risks: '', emergency_checked: false,
    comments: [{ id: 1, section: 'outcomes', text: 'Which meals would you like to cook?', by: 'casey', at: '2026-11-21T10:15:00Z', seen: false }],
    flags: [{ kind: 'safeguarding', raised: '2026-11-22T18:30:00Z', detail: '', open: true }],
    versions: [{ n: 1, kind: 'submitted', at: '2026-11-20T09:00:00Z', by: 'person', role: '' }, { n: 2, kind: 'submitted', at: '2026-11-22T09:00:00Z', by: 'person', role: '' }],
    reviews: [], not_agreed: null, signed_off: null, panel: null,
  };
}

/** What the status allows, as the server's plan message says it (`can`). */
function standInCan(p) {
  const s = p.status;
  return {
    council: ['draft', 'submitted', 'changes_requested', 'not_agreed'].includes(s),
    send_back: ['submitted', 'agreed', 'not_agreed'].includes(s),
    ready: s === 'submitted' && !p.ready,
    agree: s === 'submitted' && !p.agreed.caseworker,
    not_agreed: ['submitted', 'agreed'].includes(s),
    sign_off: s === 'agreed',
    review: ['signed_off', 'review_due'].includes(s),
  };
}

/** The content's staff messages (easyread/en-GB/messages.txt), by name. */
function staffMessages() {
  const file = path.join(__dirname, '../../easyread/en-GB/messages.txt');
  const m = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const kv = /^(staff\.[^:\s]+):\s?(.*)$/.exec(line);
    if (kv) m[kv[1]] = kv[2];
  }
  return m;
}

/** A language's letter as the server's letter_words gives it (server/staff_lang.c): its letter.*
 * messages and code.numbers, from easyread/<lang>/, with its language.txt's facts. */
function standInLetter(lang) {
  const dir = path.join(__dirname, '../../easyread', lang);
  const read = (file, re) => Object.fromEntries(fs.readFileSync(path.join(dir, file), 'utf8').split('\n')
    .map((line) => re.exec(line)).filter(Boolean).map((kv) => [kv[1], kv[2].trim()]));
  const about = read('language.txt', /^([a-z]+):\s*(.*)$/);
  return {
    lang, language: about.english, name: about.name, dir: about.direction,
    words: read('messages.txt', /^(letter\.[^:\s]+|code\.numbers):\s?(.*)$/),
  };
}

/** The stand-in's `me` words, as the server builds them (server/staff_words.c): each role's
 * actions (auth.c's names) and the content's words. */
const STAND_IN_ACTIONS = {
  caseworker: ['view_caseload', 'invite', 'read_plan', 'comment', 'fill_council_parts', 'send_back',
    'caseworker_agree', 'record_not_agreed', 'schedule_review', 'complete_review'],
  manager: ['view_caseload', 'invite', 'read_plan', 'comment', 'fill_council_parts', 'send_back',
    'caseworker_agree', 'record_not_agreed', 'sign_off', 'record_panel_decision', 'schedule_review',
    'complete_review', 'view_audit'],
  admin: ['manage_users', 'view_audit'],
};

function standInWords(role, can = STAND_IN_ACTIONS[role] || []) {
  const m = staffMessages();
  const withHint = (o, hint) => (hint === undefined ? o : { ...o, hint });
  return {
    can,
    status: ['submitted', 'agreed', 'not_agreed', 'review_due', 'changes_requested', 'draft', 'signed_off']
      .map((s) => ({ status: s, tag: m[`staff.tag.${s}`], group: m[`staff.group.${s}`] })),
    review: ['working', 'not_working', 'outcomes_met', 'budget_right', 'circumstances_changed', 'everyone_satisfied']
      .map((key, i) => withHint({ key, question: m[`staff.review.${key}`], required: i < 2 }, m[`staff.review.${key}.hint`])),
    managing: ['direct', 'council', 'provider', 'mix']
      .map((value) => withHint({ value, text: m[`staff.managing.${value}`] }, m[`staff.managing.${value}.hint`])),
    roles: Object.fromEntries(['caseworker', 'manager', 'admin'].map((r) => [r, m[`staff.role.${r}`]])),
    flags: ['safeguarding', 'advocacy', 'review']
      .map((kind) => ({ kind, name: m[`staff.flag.${kind}`], means: m[`staff.flag.${kind}.means`] })),
    review_kinds: Object.fromEntries(['light', 'full', 'request'].map((k) => [k, m[`staff.review-kind.${k}`]])),
    versions: Object.fromEntries(['submitted', 'agreed', 'signed_off', 'review'].map((k) => [k, m[`staff.version.${k}`]])),
    interpreter: Object.fromEntries(['title', 'yes', 'no', 'none'].map((k) => [k, m[`staff.interpreter.${k}`]])),
    language: m['staff.language'],
    languages: ['en-GB', 'cy'].map((lang) => {
      const l = standInLetter(lang);
      return { lang, name: l.name, english: l.language, dir: l.dir };
    }),
  };
}

/** Answers the staff page as the server would, from one plan held here. role: who is logged in;
 * idle: the minutes of the idle time limit `me` says; can: the role's actions `me` says. */
async function standIn(page, role, { idle = 30, plan = {}, can } = {}) {
  const p = { ...standInPlan(), ...plan };
  let nextComment = 2;
  const sent = [];
  const answer = (m) => {
    const err = (code, message) => ({ type: 'error', seq: m.seq, code, message });
    const plan = () => ({ ...p, can: standInCan(p), seq: m.seq });
    switch (m.type) {
      case 'me': return { type: 'me', seq: m.seq, name: { manager: 'morgan', admin: 'ada' }[role] || 'casey', role, idle_minutes: idle, words: standInWords(role, can) };
      case 'caseload': return { type: 'caseload', seq: m.seq, now: '2026-11-22T19:00:00Z',
        urgent: [{ plan: 7, person: 'Alex Smith', kind: 'safeguarding', raised: '2026-11-22T18:30:00Z' },
          { plan: 9, person: 'Priya Shah', kind: 'advocacy', raised: '2026-11-21T11:00:00Z' }],
        plans: [
          { plan: 7, person: 'Alex Smith', status: p.status, updated: '2026-11-22T18:30:00Z', flags: [{ kind: 'safeguarding', raised: '2026-11-22T18:30:00Z' }], review: null },
          { plan: 9, person: 'Priya Shah', status: 'draft', updated: '2026-11-21T11:00:00Z', flags: [{ kind: 'advocacy', raised: '2026-11-21T11:00:00Z' }], review: null },
          { plan: 3, person: 'Bartholomew Featherstonehaugh-Wolfeschlegel', status: 'signed_off', updated: '2026-01-02T10:00:00Z', flags: [], review: { kind: 'full', due: '2026-11-30', overdue: false } },
          { plan: 4, person: 'Chris Evans', status: 'review_due', updated: '2026-02-02T10:00:00Z', flags: [], review: { kind: 'light', due: '2026-11-01', overdue: true } },
          { plan: 5, person: 'Dee Patel', status: 'agreed', updated: '2026-11-20T10:00:00Z', flags: [] },
        ] };
      case 'plan': return m.plan === 7 ? plan() : err('no-plan', 'There is no such plan.');
      case 'comment':
        if (!m.text) return err('bad-field', 'Write the comment first.');
        p.comments.push({ id: nextComment++, section: m.section, text: m.text, by: 'casey', at: '2026-11-22T19:05:00Z', seen: false });
        return plan();
      case 'council': {
        const need = /^need\/(\d+)\/(how|direct_payment)$/.exec(m.field);
        if (need) p.needs.find((n) => n.id === Number(need[1]))[need[2]] = m.value;
        else if (m.field === 'risks') p.risks = m.value;
        else if (m.field === 'emergency_checked') p.emergency_checked = m.value;
        else if (m.field === 'support/add') {
          const cost = Math.round(Number(m.value.cost) * 100);
          p.support.items.push({ id: p.support.items.length + 10, what: m.value.what, cost_pence: cost, cost: (cost / 100).toFixed(2) });
          p.support.total_pence += cost;
        }
        else return err('bad-field', 'That cannot be saved there.');
        return plan();
      }
      case 'send_back':
        if (!['submitted', 'agreed', 'not_agreed'].includes(p.status)) return err('not-allowed', `The plan is ${p.status} now.`);
        p.status = 'changes_requested';
        return plan();
      case 'ready': p.ready = true; p.agreed.person = '2026-11-22T19:06:00Z'; return plan();
      case 'agree':
        p.agreed.caseworker = '2026-11-22T19:07:00Z';
        p.agreed.caseworker_name = role === 'manager' ? 'morgan' : 'casey';
        if (p.agreed.person) p.status = 'agreed';
        return plan();
      case 'flag_close': p.flags[0].open = false; p.flags[0].closed = '2026-11-22T19:08:00Z'; return plan();
      case 'sign_off':
        if (role !== 'manager') return err('not-allowed-role', 'Your role cannot do this.');
        p.status = 'signed_off'; p.panel = m.panel; p.signed_off = { at: '2026-11-22T19:09:00Z', by: 'morgan' };
        p.reviews = [{ kind: 'light', due: '2027-01-10', state: 'open', due_soon: false, overdue: false, done: null, outcome: null, answers: {} },
          { kind: 'full', due: '2027-11-22', state: 'open', due_soon: false, overdue: false, done: null, outcome: null, answers: {} }];
        return plan();
      case 'review': p.reviews[0].done = '2026-11-22'; p.reviews[0].outcome = m.outcome; return plan();
      case 'versions': return { type: 'versions', seq: m.seq, plan: 7, versions: p.versions };
      case 'diff': return { type: 'diff', seq: m.seq, plan: 7, from: m.from, to: m.to, changes: [
        { section: 'outcomes', label: 'What I want to change or achieve', item: 12, field: 'outcome', before: null, after: 'Make new friends' },
        { section: 'communicate', label: 'How you communicate', item: 0, field: '', before: 'I sign.', after: 'I use Makaton signs.' },
        { section: 'direct-payment-again', label: 'Direct payment could meet this', item: 0, field: '', before: false, after: true }] };
      case 'audit': return role !== 'caseworker'
        ? { type: 'audit', seq: m.seq, plan: 7, before: null, rows: [
          { at: '2026-11-22T19:05:00Z', who: 'casey', role: 'caseworker', action: 'comment', detail: { section: 'outcomes' } },
          { at: '2026-11-20T09:00:00Z', who: 'person', role: 'person', action: 'submit', detail: { version: 1 } }] }
        : err('not-allowed-role', 'Your role cannot do this.');
      case 'new_code': return { type: 'invited', seq: m.seq, plan: m.plan, code: 'apple river boat 4827', lang: 'en-GB' };
      case 'letter_words': return ['en-GB', 'cy'].includes(m.lang) ? { type: 'letter_words', seq: m.seq, ...standInLetter(m.lang) }
        : err('bad-lang', 'There is no such language here.');
      case 'invite': return { type: 'invited', seq: m.seq, plan: 12, code: 'lemon garden boat 4727' };
      default: return err('unknown-type', 'Sorry, that did not work. Please try again.');
    }
  };
  sent.sockets = []; // each websocket the page opened, to close it as a lost connection would
  await page.routeWebSocket(/\/ws$/, (ws) => {
    sent.sockets.push(ws);
    ws.onMessage((text) => {
      const m = JSON.parse(text);
      sent.push(m);
      ws.send(JSON.stringify(answer(m)));
    });
  });
  return sent;
}

async function openStandIn(role, hash, opts = {}) {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  const sent = await standIn(page, role, opts);
  if (opts.clock) await page.clock.install(); // the page's timers on a fake clock the test moves
  await page.goto(`${server.url}staff/${hash}`);
  await page.waitForSelector('#user:not([hidden])');
  return { context, page, errors, sent };
}

const lastSent = (sent, type) => sent.filter((m) => m.type === type).pop();

test('caseworker views against a stand-in server: caseload, a sent plan, agreeing, versions, errors', async () => {
  const { context, page, errors, sent } = await openStandIn('caseworker', '#caseload');
  try {
    await waitForView(page, 'Caseload', { focus: false });
    // Urgent things first, with when they were raised; then reviews due; then status groups.
    const banner = await page.textContent('.govuk-notification-banner');
    assert.match(banner, /Safeguarding: .*Alex Smith.*Raised 22 November 2026 at 6:30pm/s);
    assert.match(banner, /Advocacy: .*Priya Shah/s);
    const headings = await page.$$eval('main h2', (hs) => hs.map((x) => x.textContent.trim()));
    assert.deepEqual(headings.slice(0, 3), ['Urgent', 'Reviews due', `${message('staff.group.submitted')}1 plan`]);
    assert.match(await page.textContent('main'), /Overdue/);
    await auditBoth(page, 'caseload with urgent flags, reviews and groups (stand-in)');

    // A plan: the person's words verbatim with who wrote them, the council's parts.
    await page.click('main a[href="#plan/7"] >> nth=0');
    await waitForView(page, 'Alex Smith');
    const words = await page.$$eval('.app-verbatim', (es) => es.map((e) => e.textContent));
    assert.ok(words.some((w) => w.startsWith('I am kind.\nI make people laugh.')));
    assert.match(await page.textContent('main'), /Written by: Sam \(support worker\)/);
    assert.match(await page.textContent('main'), /Written by: the person/);
    assert.match(await page.textContent('main'), /Over the budget£24\.50/);
    assert.equal(await page.$('a[href="#audit/7"]'), null, 'a caseworker does not see the audit link');
    assert.equal(await page.$('#action-sign-off'), null, 'nor sign-off');
    await auditBoth(page, 'a sent plan (stand-in)');

    // A list item is one row, its other fields beneath; a choice shows the words the person read.
    assert.match(await page.textContent('main'), /Swimming with a support workerHow much a week: 40\.00/);
    assert.match(await page.textContent('main'), /Would you like a direct payment\?Yes/);

    // A comment is about one question (one page of the journey): chosen, sent with that page;
    // focus stays on the button; the comment shows.
    await page.selectOption('#comment-part-4-on', 'communicate');
    await page.fill('#comment-part-4', 'Lovely. Which signs do you use most?');
    await page.click('#comment-part-4-add');
    await page.waitForSelector('#comment-part-4-done:not(:empty)');
    assert.deepEqual(lastSent(sent, 'comment'), { type: 'comment', seq: lastSent(sent, 'comment').seq, plan: 7, section: 'communicate', text: 'Lovely. Which signs do you use most?' });
    assert.equal((await focused(page)).id, 'comment-part-4-add');
    assert.match(await page.textContent('main'), /About: How you communicateLovely\. Which signs do you use most\?/);

    // An empty comment: the error summary, focused, linked to the box.
    await page.click('#comment-part-5-add');
    await page.waitForSelector('.govuk-error-summary');
    assert.match((await focused(page)).cls, /govuk-error-summary/);
    await auditBoth(page, 'a plan with an error (stand-in)');
    await page.click('.govuk-error-summary a');
    assert.equal((await focused(page)).id, 'comment-part-5');

    // Something typed stays when another part is saved.
    await page.fill('#comment-part-5', 'Half-written words');
    await page.fill('#need-1-how', 'Home care each morning.');
    await page.check('#need-1-dp');
    await page.click('#need-1-save');
    await page.waitForSelector('#need-1-done:not(:empty)');
    const council = sent.filter((m) => m.type === 'council').map(({ field, value }) => ({ field, value }));
    assert.deepEqual(council, [{ field: 'need/1/how', value: 'Home care each morning.' }, { field: 'need/1/direct_payment', value: true }]);
    assert.equal(await page.inputValue('#comment-part-5'), 'Half-written words');

    // Support: a cost that is not money is refused here, by the field.
    await page.fill('#support-new-what', 'Gardening club');
    await page.fill('#support-new-cost', 'ten pounds');
    await page.click('#support-new-add');
    await page.waitForSelector('#support-new-cost-error:not([hidden])');
    await page.fill('#support-new-cost', '10');
    await page.click('#support-new-add');
    await page.waitForFunction(() => document.querySelector('main').textContent.includes('Gardening club'));

    // The safeguarding flag: said at the top; dealt with, with a note of what was done.
    await page.click('.app-flag summary');
    await page.click('#flag-1-close');
    await page.waitForSelector('#flag-1-note-error:not([hidden])');
    await page.fill('#flag-1-note', 'Safeguarding referral made today.');
    await page.click('#flag-1-close');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.deepEqual((({ kind, note }) => ({ kind, note }))(lastSent(sent, 'flag_close')), { kind: 'safeguarding', note: 'Safeguarding referral made today.' });
    assert.equal(await page.$('.app-flag'), null, 'the flag is no longer shown');

    // Ready to agree, then agree: success banners with focus.
    await page.click('#action-ready');
    await page.waitForSelector('.govuk-notification-banner--success');
    assert.match((await focused(page)).cls, /govuk-notification-banner--success/);
    await page.click('#action-agree');
    await page.waitForFunction(() => /You have agreed the plan/.test(document.querySelector('.govuk-notification-banner--success')?.textContent || ''));
    assert.match(await page.textContent('main'), /Agreed\. A team manager signs it off next\./);
    await auditBoth(page, 'an agreed plan, seen by a caseworker (stand-in)');

    // Not agreed: the form asks for reasons, safety steps and complaints information.
    await page.click('#not-agreed summary');
    await page.click('#na-send');
    await page.waitForSelector('.govuk-error-summary');
    assert.equal(await page.$$eval('.govuk-error-summary li', (li) => li.length), 3);
    await auditBoth(page, 'not agreed with errors (stand-in)');

    // Versions: the last two compared at once.
    await page.click('a[href="#versions/7"] >> nth=0');
    await waitForView(page, 'Versions');
    await page.waitForSelector('#diff-heading');
    assert.match(await page.textContent('#diff-result'), /Make new friends/);
    assert.deepEqual((({ from, to }) => ({ from, to }))(lastSent(sent, 'diff')), { from: 1, to: 2 });
    await auditBoth(page, 'versions compared (stand-in)');

    // A new code for the letter.
    await page.goto(`${server.url}staff/#letter/7`);
    await page.waitForSelector('#new-code');
    await auditBoth(page, 'letter without a code (stand-in)');
    await page.click('#new-code');
    await page.waitForSelector('#letter-code');
    assert.equal(await page.textContent('#letter-code'), 'apple river boat 4827');

    // A server error reply shows in the error summary, in the server's words.
    await page.goto(`${server.url}staff/#plan/99`);
    await page.waitForSelector('.govuk-error-summary');
    assert.match(await page.textContent('.govuk-error-summary'), /There is no such plan\./);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('manager views against a stand-in server: sign-off with a panel, the audit log, a review', async () => {
  // Four eyes: a manager who agreed a plan as its caseworker is not offered its sign-off.
  const own = await openStandIn('manager', '#plan/7', { plan: { status: 'agreed', ready: true,
    agreed: { person: '2026-11-22T10:00:00Z', caseworker: '2026-11-22T11:00:00Z', caseworker_name: 'morgan' } } });
  try {
    await waitForView(own.page, 'Alex Smith', { focus: false });
    assert.equal(await own.page.$('#action-sign-off'), null);
    assert.match(await own.page.textContent('main'), /another team manager signs it off/);
  } finally {
    await own.context.close();
  }
  const { context, page, errors, sent } = await openStandIn('manager', '#plan/7', { plan: { status: 'agreed', ready: true,
    agreed: { person: '2026-11-22T10:00:00Z', caseworker: '2026-11-22T11:00:00Z', caseworker_name: 'casey' } } });
  try {
    await waitForView(page, 'Alex Smith', { focus: false });
    assert.notEqual(await page.$('a[href="#audit/7"]'), null, 'a manager sees the audit link');
    assert.equal(await page.$('#action-agree'), null, 'agreed already');
    // A panel's decision needs its words and a real date.
    await page.check('#panel-used');
    assert.equal(await page.isVisible('#panel-details'), true);
    await page.fill('#panel-date-day', '31');
    await page.fill('#panel-date-month', '2');
    await page.fill('#panel-date-year', '2026');
    await page.click('#action-sign-off');
    await page.waitForSelector('.govuk-error-summary');
    assert.equal(await page.$$eval('.govuk-error-summary li', (li) => li.length), 2);
    await auditBoth(page, 'sign-off with errors (stand-in)');
    await page.fill('#panel-decision', 'Agreed by the panel.');
    await page.fill('#panel-date-day', '20');
    await page.fill('#panel-date-month', '11');
    await page.click('#action-sign-off');
    await page.waitForSelector('#action-review');
    assert.deepEqual(lastSent(sent, 'sign_off').panel, { decision: 'Agreed by the panel.', date: '2026-11-20' });
    await auditBoth(page, 'a signed-off plan (stand-in)');

    await page.click('a[href="#audit/7"] >> nth=0');
    await waitForView(page, 'Audit log');
    assert.match(await page.textContent('main table'), /casey/);
    await auditBoth(page, 'audit log (stand-in)');

    await page.goto(`${server.url}staff/#review/7`);
    await waitForView(page, 'Review the plan', { focus: false });
    await page.click('#review-send');
    await page.waitForSelector('.govuk-error-summary');
    assert.deepEqual(await page.$$eval('.govuk-error-summary li', (li) => li.map((x) => x.textContent.trim())), [
      'Answer: What is working in the plan?', 'Answer: What is not working, and what might need to change?',
      'Select whether to confirm the plan or reopen it']);
    await auditBoth(page, 'review with errors (stand-in)');
    for (const id of ['working', 'not_working', 'outcomes_met', 'budget_right', 'circumstances_changed', 'everyone_satisfied']) {
      await page.fill(`#review-${id}`, `Words for ${id}.`);
    }
    await page.check('#review-outcome');
    await page.click('#review-send');
    await page.waitForSelector('.govuk-notification-banner--success');
    const r = lastSent(sent, 'review');
    assert.equal(r.outcome, 'confirm');
    assert.deepEqual(Object.keys(r.answers), ['working', 'not_working', 'outcomes_met', 'budget_right', 'circumstances_changed', 'everyone_satisfied']);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an administrator, who reads no plans, starts at the audit log and sees no plan work', async () => {
  const { context, page, errors, sent } = await openStandIn('admin', '');
  try {
    await waitForView(page, 'Audit log', { focus: false });
    for (const item of ['caseload', 'invite']) {
      assert.equal(await page.isVisible(`[data-nav="${item}"]`), false, 'no Caseload or Invite menu');
    }
    assert.match(await page.textContent('#user'), /ada\s*\(administrator\)/);
    assert.equal(sent.some((m) => m.type === 'caseload' || m.type === 'plan'), false);
    await page.fill('#audit-plan', 'seven');
    await page.click('main button[type=submit]');
    await page.waitForSelector('.govuk-error-summary');
    await auditBoth(page, 'audit lookup with an error (stand-in)');
    await page.fill('#audit-plan', '7');
    await page.click('main button[type=submit]');
    await waitForView(page, 'Audit log');
    await page.waitForSelector('main table');
    assert.match(await page.textContent('main .govuk-back-link'), /^Back$/, 'not back to a plan it cannot read');
    await page.goto(`${server.url}staff/#plan/7`);
    await waitForView(page, 'You cannot use this page', { focus: false });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the caseload shows the content's status words: an editor's change reaches the staff page", async () => {
  // A copy of the content with the draft status's words changed, as an easy-read editor would.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planaloud-easyread-'));
  fs.cpSync(path.join(__dirname, '../../easyread'), dir, { recursive: true });
  const file = path.join(dir, 'en-GB/messages.txt');
  const tag = 'Still being written by them';
  const group = 'Plans the person is still writing';
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /^staff\.tag\.draft: /m);
  assert.match(text, /^staff\.group\.draft: /m);
  fs.writeFileSync(file, text.replace(/^staff\.tag\.draft: .*$/m, `staff.tag.draft: ${tag}`)
    .replace(/^staff\.group\.draft: .*$/m, `staff.group.draft: ${group}`));
  const edited = await startServer(['--easyread', dir]);
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(edited.url + 'staff/');
    await logIn(page, edited.caseworker);
    await waitForView(page, 'Caseload', { focus: false });
    // The demo invitation is a draft: its group heading and its tag are the edited words.
    await page.waitForSelector('#group-draft');
    assert.match(await page.textContent('#group-draft'), new RegExp(group));
    assert.equal((await page.textContent('section[aria-labelledby="group-draft"] .govuk-tag')).trim(), tag);
  } finally {
    await context.close();
    await edited.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the links and buttons a role sees follow the actions the server says it may take", async () => {
  // A caseworker whose actions, as the server says them, include the audit log but not inviting.
  const can = [...STAND_IN_ACTIONS.caseworker.filter((a) => a !== 'invite'), 'view_audit'];
  const { context, page, errors } = await openStandIn('caseworker', '#caseload', { can });
  try {
    await waitForView(page, 'Caseload', { focus: false });
    assert.equal(await page.isVisible('nav a[href="#invite"]'), false, 'no Invite menu');
    assert.equal(await page.$('main a[href="#invite"]'), null, 'no Invite a person button');
    await page.goto(`${server.url}staff/#plan/7`);
    await page.waitForSelector('main a[href="#audit/7"]');
    await page.goto(`${server.url}staff/#invite`);
    await waitForView(page, 'You cannot use this page', { focus: false });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a lost connection is said in a banner and tried again; what is typed stays', async () => {
  const { context, page, errors, sent } = await openStandIn('caseworker', '#invite', { clock: true });
  try {
    await waitForView(page, 'Invite a person', { focus: false });
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    await page.fill('#person', 'Sam Jones');
    await sent.sockets[0].close();
    await page.waitForSelector('#connection .govuk-notification-banner');
    const asked = sent.filter((m) => m.type === 'me').length;
    await page.clock.runFor(900);
    assert.equal(sent.sockets.length, 1, 'no new connection before a second');
    await page.clock.runFor(200);
    await page.waitForFunction(() => !document.querySelector('#connection .govuk-notification-banner'));
    assert.equal(sent.sockets.length, 2);
    assert.equal(sent.filter((m) => m.type === 'me').length, asked + 1, 'the new connection asks who is logged in');
    assert.equal(await page.inputValue('#person'), 'Sam Jones', 'the view stays as it was');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('before the idle time limit ends the login, a dialog offers to stay logged in (WCAG 2.2.1)', async () => {
  // A limit of 6 seconds: the warning comes halfway, the login page at the end.
  const { context, page, errors, sent } = await openStandIn('caseworker', '#invite', { idle: 0.1, clock: true });
  try {
    await waitForView(page, 'Invite a person', { focus: false });
    await page.clock.runFor(3000);
    await page.waitForSelector('dialog#timeout[open]');
    assert.equal((await focused(page)).id, 'timeout-stay', 'focus moves into the dialog');
    await auditBoth(page, 'the idle warning');
    const before = sent.filter((m) => m.type === 'me').length;
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog#timeout[open]', { state: 'detached' });
    assert.equal(sent.filter((m) => m.type === 'me').length, before + 1, 'staying sends a message');
    // Left alone, the page goes to the login form, which says why.
    await page.clock.runFor(8000);
    await page.waitForURL(/login\.html\?problem=ended$/);
    assert.match(await page.textContent('.govuk-notification-banner'), /not used for 30 minutes/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('every staff page audited had no WCAG 2.2 A/AA violations and reflowed at 320px', () => {
  assert.ok(audited.length >= 6, `audited: ${audited.join(', ')}`);
  assert.equal(problems.length, 0, problems.join('\n'));
  assert.equal(reflow.length, 0, reflow.join('\n'));
});
