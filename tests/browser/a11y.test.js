// Accessibility in a real browser: axe-core finds no WCAG 2.2 A/AA violation on any page or
// state of the kiosk (every journey page, the conditional ones, list editing, field errors,
// the timeout dialog, coming back, review, saved code, sent), at 1280x800 and, for a sample,
// at 320px wide without sideways scrolling; and the whole journey is done with the keyboard
// alone, focus moving to each new page's heading.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark,
  waitForSave, dateKeys, WIDE, NARROW, setWidth, sidewaysScroll, pageText, translations,
} = require('./harness.js');


let server;
let browser;
const problems = []; // axe violations, as readable lines
const reflow = []; // pages that scroll sideways at 320px wide
const audited = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs axe on what the page shows now; keeps any violation for the final assertion. */
async function audit(page, where) {
  const v = await axeViolations(page);
  audited.push(where);
  if (v.length) problems.push(formatViolations(where, v));
}

/** The same at 320px wide: no sideways scrolling, and axe again. */
async function auditNarrow(page, where) {
  await setWidth(page, NARROW);
  const wide = await sidewaysScroll(page);
  if (wide) reflow.push(`${where} at 320px: ${wide}`);
  await audit(page, `${where} at 320px`);
  await setWidth(page, WIDE);
}

async function focusedId(page) {
  return page.evaluate(() => document.activeElement ? document.activeElement.id : '');
}

/** Presses Tab until the element matching selector has focus (a person moving by keyboard). */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) {
      return;
    }
  }
  assert.fail(`${selector} could not be reached with Tab on ${await page.getAttribute('#page', 'data-page-id')}`);
}

/** Tab to Next and press Enter; the next page's heading gets focus. */
async function next(page, to) {
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await waitForPage(page, to);
}

/** Tab into the answer box, type, and wait for the autosave. */
async function typeAnswer(page, text, state = 'saved') {
  await tabTo(page, '#answer');
  const mark = await saveMark(page);
  await page.keyboard.type(text);
  await waitForSave(page, mark, state);
}

/** Tab into a choice, move with the arrow keys to the option, and pick it with Space. */
async function chooseByKeys(page, value, state = 'saved') {
  await tabTo(page, 'input[type=radio]');
  const values = await page.$$eval('input[type=radio]', (rs) => rs.map((r) => r.value));
  const mark = await saveMark(page);
  let at = values.indexOf(await page.evaluate(() => document.activeElement.value));
  while (at < values.indexOf(value)) {
    await page.keyboard.press('ArrowDown');
    at += 1;
  }
  while (at > values.indexOf(value)) {
    await page.keyboard.press('ArrowUp');
    at -= 1;
  }
  assert.equal(await focusedId(page), `option-${value}`);
  await page.keyboard.press('Space');
  await waitForSave(page, mark, state);
  assert.equal(await page.isChecked(`#option-${value}`), true);
}

/** Adds a list entry by keyboard; `check` runs on the editor before Done. */
async function addItem(page, values, check) {
  const count = await page.locator('li.item').count();
  await tabTo(page, '#list-add');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.item-edit[data-item-id]');
  for (const [name, value] of Object.entries(values)) {
    const mark = await saveMark(page);
    if (await focusedId(page) !== `field-${name}`) await tabTo(page, `#field-${name}`);
    await page.keyboard.type(name === 'when' ? await dateKeys(browser, value) : value);
    if (name === 'when') await page.keyboard.press('Tab');
    await waitForSave(page, mark);
  }
  if (check) await check();
  await tabTo(page, '#item-done');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => !document.querySelector('.item-edit') &&
    document.querySelectorAll('li.item').length === n, count + 1);
  // Back from the editor, focus is on the entry's Change button.
  assert.match(await focusedId(page), /^item-change-/);
}

/** A long-text or text page done by keyboard, checked, then Next. */
// Some answers hold long words that cannot break at a space, as real answers do.
const LONG_WORDS = {
  'emergency-contact': 'Huw Jones, huw.jones.llanelli@example.co.uk, 07700 900123',
  'supported-community': 'The group on https://www.llanelli-walking-group.example.org/tuesdays',
};

async function textPage(page, id, to, narrow) {
  await waitForPage(page, id);
  await audit(page, id);
  await typeAnswer(page, LONG_WORDS[id] || `Words for ${id}, with ŵ and café.`);
  if (narrow) await auditNarrow(page, `${id} answered`);
  await next(page, to);
}

test('the welcome page is reached and left by keyboard in a sensible order', async () => {
  const { context, page } = await openKiosk(browser, server.url);
  try {
    assert.equal(await focusedId(page), 'page-title', 'focus starts on the heading');
    // Tab goes round: skip link, Bigger text, the narration bar, the languages (English first),
    // "How do you use the screen?", "Are you using headphones?" (asked once the first key has
    // come), Start, Finish, then round again.
    const order = ['skip-link', 'bigger-text', 'narration-listen', 'narration-stop',
      'narration-repeat', 'narration-pause', 'narration-auto', 'narration-echo-off',
      'narration-echo-letters', 'narration-echo-words',
      'narration-speed-slowest', 'narration-speed-slower', 'narration-speed-normal',
      'narration-speed-faster', 'narration-speed-fastest', 'narration-voice', 'narration-volume',
      ...['en-GB', ...translations().map((l) => l.lang)].map((l) => `language-page-${l}`),
      'input-touch', 'input-keyboard', 'input-one-switch', 'input-two-switches',
      'headphones-yes', 'headphones-no', 'next', 'finish'];
    const seen = [];
    for (let i = 0; i < 2 * order.length + 4; i++) {
      await page.keyboard.press('Tab');
      const id = await focusedId(page);
      if (id) seen.push(id);
    }
    const start = seen.indexOf('skip-link');
    assert.ok(start >= 0, `the skip link is reached: ${seen}`);
    assert.deepEqual(seen.slice(start, start + order.length), order, `Tab order: ${seen}`);
    // Every control on the page is one of these: nothing else takes focus by Tab.
    assert.deepEqual([...new Set(seen)].sort(), [...order].sort());

    // The skip link moves focus to the page.
    await page.focus('#skip-link');
    assert.equal(await page.isVisible('#skip-link'), true);
    await page.keyboard.press('Enter');
    assert.equal(await focusedId(page), 'main');

    // Bigger text by keyboard, and it says that it is on.
    await tabTo(page, '#bigger-text');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#bigger-text', 'aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('bigger-text')), true);
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#bigger-text', 'aria-pressed'), 'false');

    // Start by keyboard: focus moves to the next page's heading.
    await tabTo(page, '#next');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'who');
    assert.equal(await page.textContent('#page-title'), pageText('who').title);
    // A choice with the arrow keys and Space.
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'option-me');
    const mark = await saveMark(page);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedId(page), 'option-helper');
    await page.keyboard.press('Space');
    await waitForSave(page, mark, 'kept');
    assert.equal(await page.isChecked('#option-helper'), true);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.isChecked('#option-me'), true, 'arrows move the choice too');
  } finally {
    await context.close();
  }
});

test('every page and state has no WCAG 2.2 A/AA violations, at 1280px and 320px', async () => {
  // The whole journey, by keyboard alone.
  const first = await openKiosk(browser, server.url, { clock: true });
  let code;
  try {
    const { page } = first;
    await audit(page, 'welcome');
    await auditNarrow(page, 'welcome');
    await tabTo(page, '#bigger-text');
    await page.keyboard.press('Enter');
    await auditNarrow(page, 'welcome with bigger text');
    await page.keyboard.press('Enter');
    await next(page, 'who');
    await audit(page, 'who');
    await chooseByKeys(page, 'helper', 'kept');
    await audit(page, 'who answered');
    await auditNarrow(page, 'who answered');
    await next(page, 'helper-name');
    await audit(page, 'helper-name');
    await typeAnswer(page, 'Sam Jones', 'kept');
    await next(page, 'helper-relationship');
    await audit(page, 'helper-relationship');
    await typeAnswer(page, 'I am their friend', 'kept');
    await next(page, 'helper-words');
    await audit(page, 'helper-words');
    await next(page, 'code');
    await audit(page, 'code');

    // A wrong code: the error by the box.
    await tabTo(page, '#code-input');
    await page.keyboard.type('apple river boat 2345');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-input-error:not([hidden])');
    await audit(page, 'code with a wrong-code error');
    await auditNarrow(page, 'code with a wrong-code error');
    await page.fill('#code-input', '');
    await page.keyboard.type(server.code);
    await tabTo(page, '#code-open');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'profile-intro');
    await audit(page, 'profile-intro');
    await next(page, 'like-admire');
    await audit(page, 'like-admire');
    await auditNarrow(page, 'like-admire');

    // Too long: the box stops at 2000 letters, but words put in by other means (dictation
    // software, a paste helper) can be longer; the server's error shows by the field.
    await tabTo(page, '#answer');
    const mark = await saveMark(page);
    await page.$eval('#answer', (e) => {
      e.value = 'a'.repeat(2001);
      e.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('#answer-error:not([hidden])');
    assert.equal(await page.getAttribute('#answer', 'aria-invalid'), 'true');
    await audit(page, 'like-admire with a too-long error');
    await auditNarrow(page, 'like-admire with a too-long error');
    // Made shorter, it is saved and the error goes.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('I am kind. People say I make them laugh.');
    await waitForSave(page, mark);
    await page.waitForSelector('#answer-error', { state: 'hidden' });
    assert.equal(await page.getAttribute('#answer', 'aria-invalid'), null);
    await next(page, 'important-people');

    const profile = ['important-people', 'important-places', 'important-routines', 'important-things',
      'support-good-days', 'support-bad-days', 'communicate', 'interpreter'];
    for (let i = 0; i + 1 < profile.length; i++) await textPage(page, profile[i], profile[i + 1]);
    await audit(page, 'interpreter');
    await next(page, 'plan-intro');
    await audit(page, 'plan-intro');
    await next(page, 'important');
    await textPage(page, 'important', 'outcomes');

    // A list: empty, editing, with entries, and asking before removing one.
    await audit(page, 'outcomes, empty');
    await addItem(page, { outcome: 'I want to cook meals from www.bbcgoodfood.example.com/recipes' }, async () => {
      await audit(page, 'outcomes, editing an entry');
      await auditNarrow(page, 'outcomes, editing an entry');
    });
    await addItem(page, { outcome: 'I want to make new friends.' });
    await audit(page, 'outcomes with two entries');
    await auditNarrow(page, 'outcomes with two entries');
    await tabTo(page, '.item-remove');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.item-confirm:not([hidden])');
    assert.match(await page.evaluate(() => document.activeElement.className), /item-remove-no/);
    await audit(page, 'outcomes, asking before removing');
    await page.keyboard.press('Enter'); // "No, keep it"
    await page.waitForSelector('.item-confirm', { state: 'hidden' });
    assert.match(await focusedId(page), /^item-remove-/, 'focus goes back to Remove');
    await next(page, 'supported-family');

    for (const [id, to] of [['supported-family', 'supported-community'],
      ['supported-community', 'supported-paid'], ['supported-paid', 'supported-equipment'],
      ['supported-equipment', 'needs']]) await textPage(page, id, to);
    await audit(page, 'needs');
    await auditNarrow(page, 'needs');
    await next(page, 'needs-missing');
    await textPage(page, 'needs-missing', 'budget-intro');
    await audit(page, 'budget-intro');
    await next(page, 'budget');
    await audit(page, 'budget, empty');

    // A money field with words that are not an amount: the error by the field.
    await tabTo(page, '#list-add');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.item-edit[data-item-id]');
    let m = await saveMark(page);
    await page.keyboard.type('Support worker to go swimming');
    await waitForSave(page, m);
    await tabTo(page, '#field-cost');
    await page.keyboard.type('forty pounds');
    await page.waitForSelector('#field-cost-error:not([hidden])');
    await audit(page, 'budget, editing, with a bad-money error');
    await auditNarrow(page, 'budget, editing, with a bad-money error');
    await page.fill('#field-cost', '');
    m = await saveMark(page);
    await page.keyboard.type('40');
    await waitForSave(page, m);
    await page.waitForSelector('#field-cost-error', { state: 'hidden' });
    await tabTo(page, '#item-done');
    await page.keyboard.press('Enter');
    await page.waitForSelector('li.item');
    await addItem(page, { what: 'Cookery class', cost: '25.50' });
    await audit(page, 'budget with entries and a total');
    await auditNarrow(page, 'budget with entries and a total');
    await next(page, 'direct-payment');
    await audit(page, 'direct-payment');
    await next(page, 'managing');
    await audit(page, 'managing');

    // "Help me choose" shows its own page; then back, and the council.
    await chooseByKeys(page, 'help');
    await next(page, 'managing-help');
    await audit(page, 'managing-help');
    await tabTo(page, '#back');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'managing');
    await chooseByKeys(page, 'council');
    await next(page, 'direct-payment-again');
    await audit(page, 'direct-payment-again');
    await chooseByKeys(page, 'yes');
    await next(page, 'control');
    await textPage(page, 'control', 'carer');
    await audit(page, 'carer');
    await chooseByKeys(page, 'yes');
    await next(page, 'carer-does');
    for (const [id, to] of [['carer-does', 'carer-outcomes'], ['carer-outcomes', 'carer-life'],
      ['carer-life', 'risks'], ['risks', 'risks-managed'], ['risks-managed', 'unsafe']]) {
      await textPage(page, id, to);
    }
    await audit(page, 'unsafe');
    await chooseByKeys(page, 'yes');
    await audit(page, 'unsafe answered yes');
    await next(page, 'unsafe-help');
    await audit(page, 'unsafe-help');
    await auditNarrow(page, 'unsafe-help');
    await next(page, 'emergency');
    await textPage(page, 'emergency', 'emergency-contact');
    await textPage(page, 'emergency-contact', 'changes');
    await textPage(page, 'changes', 'actions');
    await audit(page, 'actions, empty');
    await addItem(page, { what: 'Find a cookery class', who: 'My sister', when: '2027-05-31' }, async () => {
      await audit(page, 'actions, editing an entry with a date');
      await auditNarrow(page, 'actions, editing an entry with a date');
    });
    await audit(page, 'actions with an entry');
    await next(page, 'advocacy');
    await audit(page, 'advocacy');
    await chooseByKeys(page, 'yes');
    await next(page, 'advocacy-yes');
    await audit(page, 'advocacy-yes');
    await next(page, 'check');
    await audit(page, 'check');
    await auditNarrow(page, 'check');
    await next(page, 'send');
    await audit(page, 'send');
    await tabTo(page, '#send-plan');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'sent');
    await audit(page, 'sent');
    await auditNarrow(page, 'sent');
    code = server.code;
  } finally {
    await first.context.close();
  }

  // Coming back: welcome back, status, review before and after asking, saved code.
  const back = await openKiosk(browser, server.url);
  try {
    const { page } = back;
    await next(page, 'who');
    await next(page, 'code');
    await tabTo(page, '#code-input');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'welcome-back');
    await audit(page, 'welcome-back');
    await auditNarrow(page, 'welcome-back');
    await tabTo(page, '#action-status');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'status');
    await audit(page, 'status');
    await tabTo(page, '#back');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'welcome-back');
    await tabTo(page, '#action-review');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'review');
    await audit(page, 'review');
    await typeAnswer(page, 'My support worker left.');
    await tabTo(page, '#review-request');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#review-sent');
    assert.equal(await focusedId(page), 'review-sent', 'focus moves to the confirmation');
    await audit(page, 'review, after asking');
    await auditNarrow(page, 'review, after asking');
    await tabTo(page, '#save-later');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'saved-code');
    await audit(page, 'saved-code');
    await auditNarrow(page, 'saved-code');
  } finally {
    await back.context.close();
  }

  // A new plan: the code page showing the new code.
  const fresh = await openKiosk(browser, server.url);
  try {
    const { page } = fresh;
    await next(page, 'who');
    await next(page, 'code');
    await tabTo(page, '#code-new');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-display');
    await audit(page, 'code, showing a new code');
    await auditNarrow(page, 'code, showing a new code');
  } finally {
    await fresh.context.close();
  }

  assert.ok(audited.length >= 60, `audited ${audited.length} states`);
  assert.equal(problems.length, 0, problems.join('\n'));
  // WCAG 1.4.10 Reflow: at 320px wide nothing needs scrolling sideways.
  assert.equal(reflow.length, 0, reflow.join('\n'));
});

test('the timeout dialog has no violations and takes focus', async () => {
  const quick = await startServer(['--idle-seconds', '5', '--warn-seconds', '60']);
  const { context, page } = await openKiosk(browser, quick.url, { clock: true });
  const found = [];
  try {
    await page.keyboard.press('Tab'); // the first key starts the idle time
    // and the welcome page reads itself (someone listening is there): Escape stops the voice
    await page.keyboard.press('Escape');
    await page.clock.runFor(5000);
    await page.waitForSelector('dialog#timeout[open]');
    assert.equal(await focusedId(page), 'timeout-more', 'focus moves into the dialog');
    // Tab stays inside the dialog while it is open.
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'timeout-finish');
    assert.equal(await page.isVisible('dialog#timeout[open]'), true);
    for (const [where, narrow] of [['timeout dialog', false], ['timeout dialog at 320px', true]]) {
      if (narrow) await page.setViewportSize(NARROW);
      const v = await axeViolations(page);
      if (v.length) found.push(formatViolations(where, v));
      if (narrow) {
        const { scroll, client } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
        }));
        if (scroll > client) found.push(`${where}: scrolls sideways (${scroll} > ${client})`);
      }
    }
    assert.equal(await page.isVisible('dialog#timeout[open]'), true);
    assert.equal(found.length, 0, found.join('\n'));
  } finally {
    await context.close();
    await quick.stop();
  }
});
