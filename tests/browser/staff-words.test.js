// Words the person will read, checked as staff type them (docs/staff.md, "check_words"): a need
// with a long sentence, a hard word and an abbreviation shows a GOV.UK warning with the content's
// words and the hard-words list's suggestions; explained in brackets, the warning goes; the
// invitation still sends with the warning shown; axe finds no violation with it shown, at 1280px
// and at 320px. On the plan, how a need will be met and a comment are checked too, and save. The expected words come from messages.txt and hard-words.txt, not from here.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  startServer, launchBrowser, axeViolations, formatViolations, message, SOURCE, WIDE, NARROW, setWidth,
} = require('./harness.js');

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

/** The hard-words list's entry for word: {means, instead}. */
function hardWord(word) {
  const lines = fs.readFileSync(path.join(SOURCE, 'easyread/en-GB/hard-words.txt'), 'utf8').split('\n');
  const entry = {};
  let inside = false;
  for (const line of lines) {
    const m = /^([a-z]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'word') inside = m[2].trim().toLowerCase() === word;
    else if (inside) entry[m[1]] = m[2].trim();
  }
  assert.ok(entry.means, `hard-words.txt has ${word}`);
  return entry;
}

async function noViolations(page, where) {
  const v = await axeViolations(page);
  assert.equal(v.length, 0, formatViolations(where, v));
}

const LONG = 'After the assessment the OT said you need help to wash and dress every morning before the day centre.';
const EXPLAINED = 'The OT (occupational therapist) will help you at home.';

test('a need written for the person is checked as staff type: a warning with suggestions, not a block', async () => {
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(server.url + 'staff/');
    await page.waitForSelector('#login-form');
    await page.fill('#name', server.caseworker.name);
    await page.fill('#password', server.caseworker.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    await page.waitForSelector('#user:not([hidden])');
    await page.goto(server.url + 'staff/#invite');
    await page.waitForSelector('#need-1-text');

    // Typed: the warning shows under the field, in the content's words.
    await page.fill('#need-1-text', LONG);
    await page.waitForSelector('#need-1-text-words .govuk-warning-text');
    const shown = await page.$$eval('#need-1-text-words .app-words__finding', (li) =>
      li.map((e) => ({ kind: e.dataset.kind, text: e.textContent.replace(/\s+/g, ' ').trim() })));
    assert.deepEqual(shown.map((f) => f.kind), ['long-sentence', 'hard-word', 'abbreviation']);
    assert.ok(shown[0].text.includes(message('staff.words.long-sentence', { words: 19, max: 15 })), shown[0].text);
    const assessment = hardWord('assessment');
    assert.ok(shown[1].text.includes(message('staff.words.hard-word', { word: 'assessment' })), shown[1].text);
    assert.ok(shown[1].text.includes(message('staff.words.instead', { instead: assessment.instead })), 'the plainer words');
    assert.ok(shown[1].text.includes(message('staff.words.means', { means: assessment.means })), 'what it means');
    assert.ok(shown[2].text.includes(message('staff.words.abbreviation', { word: 'OT' })), shown[2].text);
    const box = await page.textContent('#need-1-text-words');
    assert.ok(box.includes(message('staff.words.title')), 'the warning says what it is about');
    assert.ok(box.includes(message('staff.words.can-send')), 'and that the form still sends');
    assert.match(await page.getAttribute('#need-1-text', 'aria-describedby'), /\bneed-1-text-words\b/,
      'a screen reader hears the warning with the field');
    await noViolations(page, 'invite with the easy-read warning');
    await setWidth(page, NARROW);
    await noViolations(page, 'invite with the easy-read warning at 320px');
    await setWidth(page, WIDE);

    // Explained in brackets: nothing is hard any more, and the warning goes.
    await page.fill('#need-1-text', EXPLAINED);
    await page.waitForFunction(() => !document.querySelector('#need-1-text-words .govuk-warning-text'));
    assert.doesNotMatch(await page.getAttribute('#need-1-text', 'aria-describedby') || '', /need-1-text-words/);

    // With the warning shown again, the invitation still sends.
    await page.fill('#need-1-text', LONG);
    await page.waitForSelector('#need-1-text-words .govuk-warning-text');
    await page.fill('#person', 'Sam Words');
    await page.check('#need-1-eligible');
    await page.fill('#budget', '120');
    await page.check('#managing');
    await page.click('#invite-send');
    await page.waitForSelector('.app-letter');
    const plan = /^#letter\/(\d+)$/.exec(await page.evaluate(() => location.hash));
    assert.ok(plan, 'the invitation was sent');

    // On the plan, how a need will be met and a comment on the needs are checked the same way.
    await page.goto(`${server.url}staff/#plan/${plan[1]}`);
    const how = await page.waitForSelector('textarea[id$="-how"]');
    const howId = await how.getAttribute('id');
    await page.fill(`#${howId}`, LONG);
    await page.waitForSelector(`#${howId}-words .govuk-warning-text`);
    await page.fill('#comment-needs', 'Your GP will ring you.');
    await page.waitForSelector('#comment-needs-words .app-words__finding[data-kind="abbreviation"]');
    assert.ok((await page.textContent('#comment-needs-words')).includes(message('staff.words.abbreviation', { word: 'GP' })));
    await noViolations(page, 'the plan with easy-read warnings');
    // Saved with the warning shown.
    await page.click(`#${howId.replace(/-how$/, '-save')}`);
    await page.waitForFunction((id) => document.getElementById(id)?.textContent.trim(), howId.replace(/-how$/, '-done'));
    // Shown again later, the saved words are checked at once.
    await page.reload();
    await page.waitForSelector(`#${howId}-words .govuk-warning-text`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
