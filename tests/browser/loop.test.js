// The whole loop in a real browser, as the people in it do it: a caseworker invites a person;
// the person writes their plan on the kiosk and sends it; the caseworker reads it, comments and
// sends it back; the person hears the comment, changes an answer and sends it again; the
// caseworker asks them to agree; they say "Yes, this is my plan"; the caseworker agrees; a
// manager signs it off and the light-touch and full reviews appear with their dates; the person
// asks for a review, which shows at once on the staff caseload. And the "No" path: a second
// person says "No, I do not agree", with why, and the caseworker reads their reason.
//
// Real server (--demo, its own data folder), real headless Chromium, one browser context each
// for the caseworker, the manager and the person (a fresh one at each kiosk visit). axe-core
// finds no WCAG 2.2 A/AA violation on the kiosk's comments, agree, agreed and not-agreed pages
// (before and after sending) nor on the signed-off plan as staff see it, at 1280px; the comments
// and agree pages also at 320px, where nothing scrolls sideways.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark, waitForSave,
  typeAndSave, WIDE, NARROW, setWidth, sidewaysScroll, message, pageText,
} = require('./harness.js');


let server;
let browser;
const problems = []; // axe violations, as readable lines
const reflow = []; // pages that scroll sideways at 320px
const audited = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// ---- axe and reflow ----------------------------------------------------------------------

async function audit(page, where) {
  const v = await axeViolations(page);
  audited.push(where);
  if (v.length) problems.push(formatViolations(where, v));
}

/** At 320px wide: nothing scrolls sideways (WCAG 1.4.10), and axe again; then back to 1280px. */
async function auditNarrow(page, where) {
  const was = page.viewportSize();
  await setWidth(page, NARROW);
  const wide = await sidewaysScroll(page);
  if (wide) reflow.push(`${where} at 320px: ${wide}`);
  await audit(page, `${where} at 320px`);
  await setWidth(page, was);
}

// ---- the staff pages -------------------------------------------------------------------------

/** A fresh browser context (its own cookies) on the staff login page; records script errors and CSP breaches. */
async function openStaff() {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(server.url + 'staff/login.html');
  return { context, page, errors };
}

async function logIn(page, who) {
  await page.waitForSelector('#login-form');
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
}

/** Waits for a staff view whose h1 holds heading. */
async function waitForView(page, heading) {
  await page.waitForFunction((t) => {
    const h1 = document.querySelector('main h1');
    return h1 && h1.textContent.includes(t);
  }, heading);
}

/** Waits for the success banner to say words (a RegExp source). */
async function waitForBanner(page, words) {
  await page.waitForFunction((w) => new RegExp(w).test(
    document.querySelector('.govuk-notification-banner--success')?.textContent || ''), words);
}

/** The caseload afresh (a reload, as a person presses F5), then the plan opened from it. */
async function openFromCaseload(page, plan, person) {
  await page.goto(`${server.url}staff/#caseload`);
  await page.reload();
  await waitForView(page, 'Caseload');
  await page.waitForSelector(`main a[href="#plan/${plan}"]`);
  await page.click(`main .app-group a[href="#plan/${plan}"]`);
  await waitForView(page, person);
}

/** The plan's status as its tag shows it. */
async function staffStatus(page) {
  return (await page.textContent('main p.govuk-body .govuk-tag')).trim();
}

/** A summary list row's value, by its key's words, in the agreement part. */
async function agreementRow(page, key) {
  return page.evaluate((k) => {
    const rows = [...document.querySelectorAll('section[aria-labelledby="agreement"] .govuk-summary-list__row')];
    const row = rows.find((r) => r.querySelector('.govuk-summary-list__key')?.textContent.trim() === k);
    return row ? row.querySelector('.govuk-summary-list__value').textContent.trim() : null;
  }, key);
}

/** Invites a person with two needs (one eligible, one not), £180.00 and two ways of managing. */
async function invite(page, person, needs) {
  await page.click('nav a[href="#invite"]');
  await waitForView(page, 'Invite a person');
  await page.fill('#person', person);
  await page.fill('#need-1-text', needs[0]);
  await page.check('#need-1-eligible'); // yes
  await page.click('#add-need');
  const second = await page.evaluate(() => document.activeElement.id);
  assert.match(second, /^need-\d+-text$/, 'a new need row takes focus');
  await page.fill(`#${second}`, needs[1]);
  await page.check(`#${second.replace('-text', '-eligible')}-2`); // no
  await page.fill('#budget', '£180.00');
  await page.check('#managing'); // direct payment
  await page.check('#managing-2'); // the council arranges it
  await page.click('#invite-send');
  await page.waitForSelector('.app-letter #letter-code');
  const m = /^#letter\/(\d+)$/.exec(await page.evaluate(() => location.hash));
  assert.ok(m, 'the letter names the plan in its address');
  assert.match(await page.textContent('.app-letter'), new RegExp(`Dear ${person}`));
  const code = (await page.textContent('#letter-code')).trim();
  assert.match(code, /\d{4}$/, 'the letter shows the plan code');
  return { plan: Number(m[1]), code, person };
}

// ---- the kiosk ---------------------------------------------------------------------------------

async function clickNext(k, to) {
  await k.click('#next');
  await waitForPage(k, to);
}

/**
 * A fresh kiosk (a new browser context): Start, "I am writing my own plan", the code typed as
 * printed on the letter, Open. Waits for the page the server shows first (to). opts: openKiosk's
 * (audio: true records what narration asks for and gets, in window.__audio).
 */
async function kioskWithCode(code, to, opts = {}) {
  const kiosk = await openKiosk(browser, server.url, { clock: true, ...opts });
  const k = kiosk.page;
  await clickNext(k, 'who');
  const mark = await saveMark(k);
  await k.click('label[for="option-me"]');
  await waitForSave(k, mark, 'kept');
  await clickNext(k, 'code');
  await k.fill('#code-input', code);
  await k.click('#code-open');
  await waitForPage(k, to);
  return kiosk;
}

/** From the first page after the code to the check page, typing answers where given. */
async function writePlan(k, answers) {
  for (let page = await k.getAttribute('#page', 'data-page-id'), n = 0; page !== 'check'; n++) {
    assert.ok(n < 80, 'the journey reaches the check page');
    if (answers[page]) {
      assert.equal(await k.inputValue('#answer'), '', `${page} starts empty`);
      await typeAndSave(k, '#answer', answers[page]);
    }
    await k.click('#next');
    page = await (await k.waitForFunction((was) => {
      const p = document.querySelector('#page');
      return p && p.dataset.pageId && p.dataset.pageId !== was && document.getElementById('page-title') &&
        p.dataset.pageId;
    }, page)).jsonValue();
  }
  await waitForPage(k, 'check');
}

/** The check page's answer for a journey page, as shown. */
async function checkAnswer(k, pageId) {
  return k.$eval(`.check-row[data-page="${pageId}"] .check-answer-text`, (e) => e.textContent);
}

/** From the check page: Next to the send page, Send, and the "sent" page. */
async function send(k) {
  await clickNext(k, 'send');
  await k.click('#send-plan');
  await waitForPage(k, 'sent');
  assert.equal(await k.textContent('#page-title'), pageText('sent').title);
}

/** The page's heading and its say lines, as the person sees them. */
async function shown(k) {
  return k.$eval('#page', (p) => ({
    title: p.querySelector('#page-title').textContent,
    say: [...p.querySelectorAll('.say')].map((s) => s.textContent),
  }));
}

// ---- today's dates, as the server counts them and the staff page writes them ------------------

const pad = (n) => String(n).padStart(2, '0');
const iso = (y, m, d) => `${y}-${pad(m)}-${pad(d)}`;

/** The review dates a sign-off today schedules: 49 days on, and 12 months on (the day kept,
 * or the month's last day), in this machine's local calendar, which the server uses too. */
function reviewDates(now = new Date()) {
  const light = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 49);
  const y = now.getFullYear() + 1;
  const m = now.getMonth(); // 0-based
  const last = new Date(y, m + 1, 0).getDate();
  return {
    light: iso(light.getFullYear(), light.getMonth() + 1, light.getDate()),
    full: iso(y, m + 1, Math.min(now.getDate(), last)),
  };
}

/** "2027-01-10" as the staff page shows a date: "10 January 2027" (web/staff/js/dom.js). */
function shownDate(isoDate) {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })
    .format(new Date(isoDate + 'T12:00:00Z'));
}

// ---- steps ----------------------------------------------------------------------------------

/** A step of a story: skipped once an earlier one failed, since each needs the one before. */
function stepper(t) {
  let failed = null;
  return async (name, fn) => {
    await t.test(name, { skip: failed ? `needs "${failed}", which failed` : false }, async (st) => {
      try {
        await fn(st);
      } catch (e) {
        failed = name;
        throw e;
      }
    });
  };
}

const PERSON = 'Rhian Evans';
const NEEDS = ['You need help to wash and get dressed.', 'You would like help with the garden.'];
const ANSWERS = {
  'like-admire': 'People say I am kind.\nI make them laugh.',
  'important': 'Seeing my nain every Sunday.\nLiving near the sea.',
};
const CHANGED = 'People say I am kind and funny.\nI like swimming on Saturdays.';
const COMMENT = 'Thank you. Can you tell me what you like doing at the weekend?';
const REVIEW_WHY = 'My support worker left and I need more help in the mornings.';

test('the loop: invite, write, comment, send back, change, agree, sign off, reviews, ask for a review', async (t) => {
  const step = stepper(t);
  const staff = await openStaff();
  const manager = await openStaff();
  const cw = staff.page;
  const mg = manager.page;
  let invited = null;
  let kiosk = null;
  const closeKiosk = async () => {
    if (!kiosk) return;
    assert.deepEqual(kiosk.pageErrors, [], 'no script errors on the kiosk');
    await kiosk.context.close();
    kiosk = null;
  };
  try {
    await step('1. the caseworker logs in and invites a person; the letter shows the code', async () => {
      await logIn(cw, server.caseworker);
      await waitForView(cw, 'Caseload');
      assert.match(await cw.textContent('#user'), /casey\s*\(caseworker\)/);
      invited = await invite(cw, PERSON, NEEDS);
      assert.match(await cw.textContent('main h1'), new RegExp(`Invitation letter for ${PERSON}`));
    });

    await step('2. the person opens the plan with the code, writes two answers, checks and sends it', async () => {
      kiosk = await kioskWithCode(invited.code, 'profile-intro');
      const k = kiosk.page;
      await clickNext(k, 'like-admire');
      await writePlan(k, ANSWERS);
      for (const [id, text] of Object.entries(ANSWERS)) {
        assert.equal(await checkAnswer(k, id), text, `the check page shows ${id} as typed`);
      }
      await send(k);
      await closeKiosk();
    });

    await step("3. the caseworker reads the person's words verbatim, comments, and sends it back", async () => {
      await openFromCaseload(cw, invited.plan, PERSON);
      assert.equal(await staffStatus(cw), message('staff.tag.submitted'));
      const words = await cw.$$eval('.app-verbatim', (es) => es.map((e) => e.textContent));
      for (const text of Object.values(ANSWERS)) assert.ok(words.includes(text), `verbatim: ${JSON.stringify(text)}`);
      const main = await cw.textContent('main');
      assert.match(main, /Written by: the person/);
      assert.match(main, /£180\.00/, 'the indicative budget');
      for (const need of NEEDS) assert.ok(main.includes(need), `the need: ${need}`);

      const part = await cw.$eval('main h3.govuk-heading-m >> text=About me', (e) => e.id);
      const id = `comment-${part}`;
      await cw.selectOption(`#${id}-on`, 'like-admire');
      await cw.fill(`#${id}`, COMMENT);
      await cw.click(`#${id}-add`);
      await cw.waitForSelector(`#${id}-done:not(:empty)`);
      assert.match(await cw.textContent('main .app-comments'), new RegExp(COMMENT.replace(/[?.]/g, '\\$&')));
      assert.match(await cw.textContent('main .app-comments'), /Not seen by the person yet/);

      await cw.click('#action-send-back');
      await waitForBanner(cw, 'sent back to the person');
      assert.equal(await staffStatus(cw), message('staff.tag.changes_requested'));
    });

    await step('4. the person comes back: the comment first, read aloud-ready; they change an answer and send again', async () => {
      kiosk = await kioskWithCode(invited.code, 'comments', { audio: true });
      const k = kiosk.page;
      assert.equal((await shown(k)).title, pageText('comments').title);
      const comments = await k.$$eval('#comments .comment', (cs) => cs.map((c) => {
        const text = c.querySelector('.comment-text');
        return {
          text: text.textContent, textId: text.dataset.textId || null,
          about: c.querySelector('.comment-about')?.textContent, from: c.querySelector('.comment-from')?.textContent,
        };
      }));
      assert.equal(comments.length, 1);
      assert.equal(comments[0].text, COMMENT, "the comment's words, as written");
      assert.match(comments[0].textId || '', /^comment\/\d+$/, 'the comment is a text narration can read');
      assert.equal(comments[0].about, 'About: About me');
      assert.equal(comments[0].from, `From ${server.caseworker.name}, your social worker.`);
      // The page reads itself aloud (the person has touched it): the comment is among what it
      // asks for, and the server takes the id (a narration comes back, not unknown-text).
      const heard = await k.waitForFunction((id) => {
        const a = window.__audio;
        const asked = a.sent.some((m) => m.type === 'narrate' && m.ids.includes(id));
        const got = a.narrations.find((n) => n.id === id);
        return asked && got ? { failed: !!got.failed } : false;
      }, comments[0].textId);
      assert.equal((await heard.jsonValue()).failed, false, 'the comment was read aloud');
      assert.equal(await k.$('#page-error:not(:empty)'), null, 'no error on the page');
      await audit(k, 'kiosk: comments');
      await auditNarrow(k, 'kiosk: comments');

      await k.click('#comments-done'); // Carry on
      await waitForPage(k, 'welcome-back');
      await k.click('#action-check');
      await waitForPage(k, 'check');
      await k.click('#change-like-admire');
      await waitForPage(k, 'like-admire');
      assert.equal(await k.inputValue('#answer'), ANSWERS['like-admire']);
      await k.fill('#answer', '');
      const mark = await saveMark(k);
      await k.click('#answer');
      await k.keyboard.type(CHANGED);
      await waitForSave(k, mark);
      assert.equal((await k.textContent('#save-status')).trim(), message('saved'));
      await clickNext(k, 'check'); // back to the check page
      assert.equal(await checkAnswer(k, 'like-admire'), CHANGED);
      await send(k);
      await closeKiosk();

      // Staff see the new words, and that the person was shown the comment.
      await openFromCaseload(cw, invited.plan, PERSON);
      assert.equal(await staffStatus(cw), message('staff.tag.submitted'));
      const words = await cw.$$eval('.app-verbatim', (es) => es.map((e) => e.textContent));
      assert.ok(words.includes(CHANGED), 'the changed answer, verbatim');
      assert.match(await cw.textContent('main .app-comments'), /The person has seen this/);
    });

    await step('5. the caseworker marks it ready to agree; the person comes back to "Is this your plan?" and says yes', async () => {
      await cw.click('#action-ready');
      await waitForBanner(cw, 'asked to agree their plan');
      assert.equal(await agreementRow(cw, 'Asked the person to agree'), 'Yes, on their next visit');

      kiosk = await kioskWithCode(invited.code, 'agree');
      const k = kiosk.page;
      const agree = await shown(k);
      assert.equal(agree.title, pageText('agree').title);
      assert.deepEqual(agree.say, pageText('agree').say);
      assert.deepEqual(await k.$$eval('#page .actions button', (bs) => bs.map((b) => b.dataset.textId)),
        ['msg/agree.yes', 'msg/agree.no', 'msg/agree.check']);
      assert.deepEqual(await k.$$eval('#page .actions button', (bs) => bs.map((b) => b.textContent)),
        [message('agree.yes'), message('agree.no'), message('agree.check')]);
      await audit(k, 'kiosk: agree');
      await auditNarrow(k, 'kiosk: agree');
      await k.click('#agree-yes');
      await waitForPage(k, 'agreed');
      const agreed = await shown(k);
      assert.equal(agreed.title, pageText('agreed').title);
      assert.deepEqual(agreed.say, pageText('agreed').say);
      await audit(k, 'kiosk: agreed');
      await closeKiosk();
    });

    await step('6. the caseworker agrees; the manager signs off; the reviews show 7 weeks and 12 months on', async () => {
      await openFromCaseload(cw, invited.plan, PERSON);
      assert.notEqual(await agreementRow(cw, 'The person agreed'), 'Not yet', 'the person said yes');
      await cw.click('#action-agree');
      await waitForBanner(cw, 'You have agreed the plan');
      assert.equal(await staffStatus(cw), message('staff.tag.agreed'));
      assert.match(await agreementRow(cw, 'The caseworker agreed'), new RegExp(`\\(${server.caseworker.name}\\)`));

      await logIn(mg, server.manager);
      assert.match(await mg.textContent('#user'), /morgan\s*\(team manager\)/);
      await openFromCaseload(mg, invited.plan, PERSON);
      assert.equal(await staffStatus(mg), message('staff.tag.agreed'));
      const dates = reviewDates(); // today, as the sign-off sees it
      await mg.click('#action-sign-off');
      await waitForBanner(mg, 'signed off');
      assert.equal(await staffStatus(mg), message('staff.tag.signed_off'));
      assert.match(await agreementRow(mg, 'Signed off'), new RegExp(`\\(${server.manager.name}\\)`));
      const reviews = await mg.$$eval('section[aria-labelledby="reviews"] tbody tr',
        (rs) => rs.map((r) => [...r.children].map((c) => c.textContent.trim())));
      assert.deepEqual(reviews.map(([kind, due]) => [kind, due]), [
        ['Light-touch review', shownDate(dates.light)],
        ['Full review', shownDate(dates.full)],
      ], `reviews 49 days and 12 months after today (${dates.light}, ${dates.full})`);
      assert.deepEqual(reviews.map((r) => r[2]), ['Not yet', 'Not yet']);
      await audit(mg, 'staff: the plan signed off (manager)');
    });

    await step('7. the person comes back to their agreed plan: the copy says when, hears itself read, and prints', async () => {
      kiosk = await kioskWithCode(invited.code, 'welcome-back', { audio: true });
      const k = kiosk.page;
      const first = await k.$eval('#page .actions button', (b) => ({ id: b.id, text: b.textContent }));
      assert.deepEqual(first, { id: 'action-copy', text: message('welcome-back.copy') }, 'the copy is offered first');
      await k.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
      await k.click('#action-copy');
      await waitForPage(k, 'copy');
      assert.equal((await shown(k)).title, pageText('copy').title);
      const now = new Date();
      const today = iso(now.getFullYear(), now.getMonth() + 1, now.getDate());
      assert.equal((await k.textContent('.copy-agreed')).trim(), message('copy.agreed', { date: shownDate(today) }));
      assert.equal((await k.textContent('.copy-review')).trim(),
        message('copy.review', { date: shownDate(reviewDates().light) }));
      const needs = await k.$$eval('#copy-needs .copy-need-text', (es) => es.map((e) => e.textContent));
      assert.ok(needs.length >= 1, 'the needs the council will help with');
      assert.ok(await k.$('#check-row-like-admire'), 'and what the person wrote');
      assert.equal(await k.$('#change-like-admire'), null, 'which cannot be changed now');
      // It reads itself aloud (the person has touched the screen): the dates and the needs too.
      const heard = await k.waitForFunction(() => {
        const ids = window.__audio.sent.filter((m) => m.type === 'narrate').flatMap((m) => m.ids);
        return ids.includes('msg/copy.agreed') && ids.includes('need/1') ? ids : false;
      });
      assert.ok((await heard.jsonValue()).includes('msg/copy.review'));
      await k.click('#copy-print');
      assert.equal(await k.evaluate(() => window.__printed), 1, 'Print my plan opens printing');
      await k.emulateMedia({ media: 'print' });
      assert.deepEqual(await k.$$eval('#narration, #copy-print, .site-footer', (es) =>
        es.map((e) => getComputedStyle(e).display)), ['none', 'none', 'none'], 'on paper: the plan alone');
      assert.equal(await k.$eval('.copy-agreed', (e) => getComputedStyle(e).display), 'block');
      await k.emulateMedia({ media: 'screen' });
      await audit(k, 'kiosk: copy');
      await auditNarrow(k, 'kiosk: copy');
      await k.click('#back');
      await waitForPage(k, 'welcome-back');
      await closeKiosk();
    });

    await step('8. the person asks for a review; it shows at once on the caseload, urgent, with their name', async () => {
      kiosk = await kioskWithCode(invited.code, 'welcome-back');
      const k = kiosk.page;
      await k.click('#action-review');
      await waitForPage(k, 'review');
      assert.equal((await shown(k)).title, pageText('review').title);
      await typeAndSave(k, '#answer', REVIEW_WHY);
      await k.click('#review-request');
      await k.waitForSelector('#review-sent');
      assert.equal((await k.textContent('#review-sent')).trim(), message('review.sent'));
      await closeKiosk();

      for (const [who, page] of [['manager', mg], ['caseworker', cw]]) {
        await page.goto(`${server.url}staff/#caseload`);
        await page.reload();
        await waitForView(page, 'Caseload');
        await page.waitForSelector('main .govuk-notification-banner .app-urgent');
        const urgent = await page.$$eval('main .app-urgent__item', (is) => is.map((i) => i.textContent.replace(/\s+/g, ' ').trim()));
        assert.ok(urgent.some((u) => u.startsWith(`Review asked for: ${PERSON} asked for a review`)),
          `the ${who}'s urgent list: ${JSON.stringify(urgent)}`);
        const group = await page.$eval(`main .app-group a[href="#plan/${invited.plan}"]`,
          (a) => a.closest('.app-group').querySelector('h2').firstChild.textContent);
        assert.equal(group, 'Review due', `the ${who} sees the plan due for review`);
      }
    });
  } finally {
    await kiosk?.context.close();
    await staff.context.close();
    await manager.context.close();
  }
  assert.deepEqual(staff.errors, [], 'no script errors on the caseworker pages');
  assert.deepEqual(manager.errors, [], 'no script errors on the manager pages');
});

test('the "No" path: the person does not agree, says why, and the caseworker reads it', async (t) => {
  const step = stepper(t);
  const staff = await openStaff();
  const cw = staff.page;
  const person = 'Tomos Price';
  const why = 'I want more help in the morning.\nThe budget is not enough.';
  let invited = null;
  let kiosk = null;
  try {
    await step('invite, the person writes and sends, the caseworker asks them to agree', async () => {
      await logIn(cw, server.caseworker);
      await waitForView(cw, 'Caseload');
      invited = await invite(cw, person, ['You need help to cook a hot meal.', 'You would like help to clean your windows.']);
      kiosk = await kioskWithCode(invited.code, 'profile-intro');
      await clickNext(kiosk.page, 'like-admire');
      await writePlan(kiosk.page, { 'like-admire': 'I am a good listener.' });
      await send(kiosk.page);
      await kiosk.context.close();
      kiosk = null;
      await openFromCaseload(cw, invited.plan, person);
      await cw.click('#action-ready');
      await waitForBanner(cw, 'asked to agree their plan');
    });

    await step('the person comes back: "No, I do not agree", why, sent; the confirmation shows', async () => {
      kiosk = await kioskWithCode(invited.code, 'agree');
      const k = kiosk.page;
      await k.click('#agree-no');
      await waitForPage(k, 'not-agreed');
      const page = await shown(k);
      assert.equal(page.title, pageText('not-agreed').title);
      assert.deepEqual(page.say, pageText('not-agreed').say, 'how to complain is said');
      assert.equal(await k.textContent('label[for="answer"]'), pageText('not-agreed').ask);
      await audit(k, 'kiosk: not-agreed');
      await typeAndSave(k, '#answer', why);
      await k.click('#not-agreed-send');
      await k.waitForSelector('#not-agreed-sent');
      await k.waitForFunction(() => document.activeElement?.id === 'not-agreed-sent');
      assert.equal((await k.textContent('#not-agreed-sent')).trim(), message('not-agreed.sent'));
      assert.equal(await k.inputValue('#answer'), why, 'their words stay on the page');
      await audit(k, 'kiosk: not-agreed, sent');
      assert.deepEqual(kiosk.pageErrors, []);
      await kiosk.context.close();
      kiosk = null;
    });

    await step("the caseworker sees the person's reason on the plan", async () => {
      await openFromCaseload(cw, invited.plan, person);
      const row = await agreementRow(cw, 'The person said they do not agree');
      assert.ok(row, 'the agreement part says the person does not agree');
      assert.equal(await cw.textContent('section[aria-labelledby="agreement"] .app-quote'), why,
        'their reason, verbatim');
    });
  } finally {
    await kiosk?.context.close();
    await staff.context.close();
  }
  assert.deepEqual(staff.errors, [], 'no script errors on the caseworker pages');
});

test('no WCAG 2.2 A/AA violations on the new kiosk pages and the signed-off plan; no sideways scroll at 320px', () => {
  const expected = ['kiosk: comments', 'kiosk: comments at 320px', 'kiosk: agree', 'kiosk: agree at 320px',
    'kiosk: agreed', 'kiosk: not-agreed', 'kiosk: not-agreed, sent', 'staff: the plan signed off (manager)',
    'kiosk: copy', 'kiosk: copy at 320px'];
  const missing = expected.filter((w) => !audited.includes(w));
  assert.deepEqual(missing, [], `not audited (an earlier step failed): ${missing.join(', ')}`);
  assert.equal(problems.length, 0, problems.join('\n'));
  assert.equal(reflow.length, 0, reflow.join('\n'));
});
