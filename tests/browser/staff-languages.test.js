// The staff pages and the languages a person writes in, in a real browser against the real server.
// A caseworker invites a person in Urdu: the letter prints in Urdu's own words (easyread/ur), with
// lang="ur" and dir="rtl" on it while the plan code stays left to right; printed again in Welsh,
// the code is the same. A person writes their plan in Arabic at a kiosk (a real kiosk websocket),
// with a helper, and asks for an interpreter: the plan page says "Arabic" and the interpreter
// answer near the top, and holds their words (and the helper's name) with lang="ar" dir="auto"
// beside English questions; the caseload names the language; versions compared mark the Arabic
// words too. axe-core finds no violation on any of these pages at 1280px or 320px. Words are
// compared with the content files, never with English of the test's own.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  startServer, launchBrowser, assertFont, message, pageText, sql, SOURCE, WIDE,
  axeCleanAtBothWidths, staffAsk, translations,
  openKioskSocket,
} = require('./harness.js');

// Some Arabic, as a person might type it: "I like the garden.", "I like music.", "Sami", "my brother".
const ARABIC_1 = 'أحب الحديقة.';
const ARABIC_2 = 'أحب الموسيقى.';
const HELPER = 'سامي';
const RELATIONSHIP = 'أخي';

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

/** A message of easyread/<lang>/messages.txt, without its ** marks, as the letter shows it. */
function messageIn(lang, name) {
  const file = path.join(SOURCE, 'easyread', lang, 'messages.txt');
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`easyread/${lang}/messages.txt has no message ${name}`);
  return line.slice(name.length + 1).trim().replace(/\*\*/g, '');
}

/** easyread/<lang>/language.txt: {name (in itself), english, direction, ...}. */
function aboutLanguage(lang) {
  const file = path.join(SOURCE, 'easyread', lang, 'language.txt');
  return Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n')
    .map((l) => /^([a-z]+):\s*(.*)$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2].trim()]));
}

/** A staff page, logged in as the demo caseworker; records script errors and CSP breaches. */
async function openStaff() {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(server.url + 'staff/');
  await page.waitForSelector('#login-form');
  await page.fill('#name', server.caseworker.name);
  await page.fill('#password', server.caseworker.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
  await assertFont(page);
  return { context, page, errors };
}

/** Says each message at the kiosk in turn; each reply must be of the type given beside it. */
async function kioskSays(page, steps) {
  for (const [m, type] of steps) {
    const r = await page.evaluate((msg) => window.kiosk.ask(msg), m);
    assert.equal(r.type, type, `the kiosk answered ${JSON.stringify(r)} to ${JSON.stringify(m)}`);
  }
}

test('a letter in Urdu reads right to left in Urdu words, its code left to right; printed again in Welsh', async () => {
  const { context, page, errors } = await openStaff();
  try {
    await page.goto(server.url + 'staff/#invite');
    await page.waitForSelector('#invite-form');
    // Every language is offered, named in English and in itself; English first and chosen.
    const offered = await page.$$eval('#letter-lang option', (os) => os.map((o) => ({ value: o.value, text: o.textContent, selected: o.selected })));
    assert.equal(offered[0].value, 'en-GB');
    assert.equal(offered[0].selected, true);
    const urdu = offered.find((o) => o.value === 'ur');
    assert.ok(urdu, 'Urdu is offered');
    assert.ok(urdu.text.includes(aboutLanguage('ur').english) && urdu.text.includes(aboutLanguage('ur').name), urdu.text);

    await page.fill('#person', 'Imran Khan');
    await page.selectOption('#letter-lang', 'ur');
    await page.fill('#need-1-text', 'You need help to cook a hot meal each day.');
    await page.check('#need-1-eligible');
    await page.fill('#budget', '120');
    await page.check('#managing');
    await page.click('#invite-send');

    await page.waitForSelector('#letter[lang="ur"]');
    const letter = await page.$eval('#letter', (l) => ({
      dir: l.getAttribute('dir'), title: l.querySelector('#letter-title').textContent,
      keep: [...l.querySelectorAll('.app-letter__text')].map((p) => p.textContent),
      code: l.querySelector('#letter-code').textContent, codeDir: l.querySelector('#letter-code').getAttribute('dir'),
      address: l.querySelector('.app-letter__address').getAttribute('dir'),
    }));
    assert.equal(letter.dir, 'rtl');
    assert.equal(letter.title, messageIn('ur', 'letter.title'));
    assert.ok(letter.keep.includes(messageIn('ur', 'letter.keep')), 'the letter says to keep it, in Urdu');
    assert.ok(letter.keep.includes(messageIn('ur', 'letter.language')), 'the letter says the first page asks the language');
    assert.match(letter.code, /\d{4}$/);
    assert.equal(letter.codeDir, 'ltr', 'the code reads left to right inside the Urdu letter');
    assert.equal(letter.address, 'ltr');
    // Urdu's bold words are bold, as on the kiosk.
    assert.ok(await page.$eval('#letter', (l) => l.querySelectorAll('strong').length > 3));
    // The plan keeps the letter's language: the kiosk opens it in Urdu.
    const plan = Number(/^#letter\/(\d+)$/.exec(await page.evaluate(() => location.hash))[1]);
    assert.deepEqual(sql(server.data, `SELECT lang FROM plans WHERE id = ${plan}`), [{ lang: 'ur' }]);
    await axeCleanAtBothWidths(page, 'the invitation letter in Urdu');

    // Printed again in Welsh: Welsh words, left to right, the same code.
    await page.selectOption('#letter-lang', 'cy');
    await page.waitForSelector('#letter[lang="cy"]');
    assert.equal(await page.$eval('#letter', (l) => l.getAttribute('dir')), 'ltr');
    assert.equal(await page.textContent('#letter-title'), messageIn('cy', 'letter.title'));
    assert.equal(await page.textContent('#letter-code'), letter.code);
    await axeCleanAtBothWidths(page, 'the invitation letter in Welsh');

    // And in every other language: its own title, direction and script, the same code, and
    // nothing on the page that a printer or a screen reader would trip on.
    for (const { lang, dir } of translations().filter((t) => !['ur', 'cy'].includes(t.lang))) {
      await page.selectOption('#letter-lang', lang);
      await page.waitForSelector(`#letter[lang="${lang}"]`);
      assert.equal(await page.$eval('#letter', (l) => l.getAttribute('dir')), dir, `the letter in ${lang}`);
      assert.equal(await page.textContent('#letter-title'), messageIn(lang, 'letter.title'));
      assert.equal(await page.textContent('#letter-code'), letter.code);
      await axeCleanAtBothWidths(page, `the invitation letter in ${lang}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a plan written in Arabic: the language, the interpreter answer, and their words with lang="ar"', async () => {
  const { context, page, errors } = await openStaff();
  const kioskContext = await browser.newContext(); // no staff cookie: the person's side
  const kiosk = await kioskContext.newPage();
  try {
    const [made] = await staffAsk(page, [{ type: 'invite', person: 'Layla Haddad', needs: [{ text: 'You need help to wash.', eligible: true }] }]);
    assert.equal(made.type, 'invited');
    const { plan, code } = made;

    // The person, with their brother's help, chooses Arabic and writes; they send; staff send it
    // back; the person changes an answer and sends again.
    await kiosk.goto(server.url + 'staff/login.html');
    await openKioskSocket(kiosk);
    await kioskSays(kiosk, [
      [{ type: 'language', lang: 'ar' }, 'page'],
      [{ type: 'answer', page: 'who', value: 'helper' }, 'kept'],
      [{ type: 'answer', page: 'helper-name', value: HELPER }, 'kept'],
      [{ type: 'answer', page: 'helper-relationship', value: RELATIONSHIP }, 'kept'],
      [{ type: 'code', code }, 'page'],
      [{ type: 'answer', page: 'like-admire', value: ARABIC_1 }, 'saved'],
      [{ type: 'answer', page: 'interpreter', value: 'yes' }, 'saved'],
      [{ type: 'send' }, 'page'],
    ]);
    const [back] = await staffAsk(page, [{ type: 'send_back', plan }]);
    assert.equal(back.type, 'plan');
    await openKioskSocket(kiosk); // a new visit: the plan opens in Arabic by itself
    await kioskSays(kiosk, [
      [{ type: 'answer', page: 'who', value: 'me' }, 'kept'],
      [{ type: 'code', code }, 'page'],
      [{ type: 'answer', page: 'like-admire', value: ARABIC_2 }, 'saved'],
      [{ type: 'send' }, 'page'],
    ]);

    await page.goto(`${server.url}staff/#plan/${plan}`);
    await page.waitForSelector('.app-plan-facts');
    const facts = await page.$$eval('.app-plan-facts .govuk-summary-list__row', (rows) => Object.fromEntries(rows.map((r) => [
      r.querySelector('dt').textContent.trim(), r.querySelector('dd').textContent.trim()])));
    assert.equal(facts[message('staff.language')], 'Arabic');
    assert.equal(facts[message('staff.interpreter.title')], message('staff.interpreter.yes'));
    // Their words, as written, in Arabic; the question beside them in English.
    const words = await page.$$eval('main .app-verbatim[lang="ar"]', (es) => es.map((e) => ({
      text: e.textContent, dir: e.getAttribute('dir'),
      question: e.closest('.govuk-summary-list__row')?.querySelector('dt')?.textContent.trim(),
      questionLang: e.closest('.govuk-summary-list__row')?.querySelector('dt')?.closest('[lang]')?.getAttribute('lang'),
    })));
    const liked = words.find((w) => w.text === ARABIC_2);
    assert.ok(liked, `their answer is shown with lang="ar": ${JSON.stringify(words)}`);
    assert.equal(liked.dir, 'auto');
    assert.equal(liked.question, pageText('like-admire').title);
    assert.equal(liked.questionLang, 'en-GB', 'the question stays in the English page');
    // The helper's name, typed at the kiosk, is theirs too; the interpreter answer's words are English.
    const helper = await page.$$eval('main .app-by [lang="ar"]', (es) => es.map((e) => e.textContent));
    assert.ok(helper.includes(HELPER) && helper.includes(RELATIONSHIP), JSON.stringify(helper));
    const interpreter = await page.$$eval('main .app-section .govuk-summary-list__row', (rows, q) => rows
      .filter((r) => r.querySelector('dt').textContent.trim() === q)
      .map((r) => ({ value: r.querySelector('dd > div').textContent, marked: !!r.querySelector('dd > div [lang]') })), pageText('interpreter').title);
    assert.deepEqual(interpreter, [{ value: message('yes'), marked: false }]);
    await axeCleanAtBothWidths(page, 'a plan written in Arabic');

    // The caseload names the language on the plan's row.
    await page.goto(`${server.url}staff/#caseload`);
    await page.waitForSelector(`main .app-group a[href="#plan/${plan}"]`);
    const row = await page.$eval(`main .app-group a[href="#plan/${plan}"]`, (a) => a.closest('tr').textContent);
    assert.ok(row.includes('Arabic'), row);

    // Versions compared: the Arabic before and after, each with lang="ar".
    await page.goto(`${server.url}staff/#versions/${plan}`);
    await page.waitForSelector('#diff-result table');
    const cells = await page.$$eval('#diff-result .app-verbatim[lang="ar"]', (es) => es.map((e) => e.textContent));
    assert.ok(cells.includes(ARABIC_1) && cells.includes(ARABIC_2), JSON.stringify(cells));
    await axeCleanAtBothWidths(page, 'versions of a plan written in Arabic');
    assert.deepEqual(errors, []);
  } finally {
    await kioskContext.close();
    await context.close();
  }
});
