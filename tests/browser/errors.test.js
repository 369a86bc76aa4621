// Errors in a real browser: each shows in plain English by the box it is about, the person's
// words stay in the box, nothing wrong is stored, and the page goes on working afterwards on
// the same connection.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, sql, openKiosk, waitForPage, saveMark, waitForSave, typeAndSave, message,
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const escapeRegExp = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The error shown by an input: its words, and whether the input points at it. */
async function fieldError(page, inputSel, errorSel) {
  return page.evaluate(([i, e]) => {
    const input = document.querySelector(i);
    const err = document.querySelector(e);
    return {
      text: err && !err.hidden ? err.textContent : null,
      role: err && err.getAttribute('role'),
      invalid: input.getAttribute('aria-invalid'),
      describedBy: (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean),
      value: input.value,
      pageError: document.querySelector('#page-error .page-error-text')?.textContent ?? null,
    };
  }, [inputSel, errorSel]);
}

async function toCodePage(page) {
  await page.click('#next');
  await waitForPage(page, 'who');
  await page.click('#next');
  await waitForPage(page, 'code');
}

async function tryCode(page, typed) {
  await page.fill('#code-input', '');
  await page.click('#code-input');
  await page.keyboard.type(typed);
  await page.click('#code-open');
}

test('a wrong code gets a plain-English error by the code box, and the right one still works', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url);
  try {
    await toCodePage(page);
    const wrong = 'apple river boat 2345';
    await tryCode(page, wrong);
    await page.waitForSelector('#code-input-error:not([hidden])');
    let e = await fieldError(page, '#code-input', '#code-input-error');
    assert.deepEqual(e, {
      text: message('error.wrong-code'),
      role: 'alert', invalid: 'true',
      describedBy: ['code-input-hint', 'code-input-numbers-hint', 'code-input-error'],
      value: wrong, pageError: null,
    });
    assert.equal(await page.getAttribute('#page', 'data-page-id'), 'code', 'still on the code page');

    // Letters a keyboard can make but no code has: the same plain error, the words kept.
    const odd = 'ŵ ŷ café 2345';
    await tryCode(page, odd);
    await page.waitForFunction((v) => document.querySelector('#code-input-error:not([hidden])') &&
      document.querySelector('#code-input').value === v, odd);
    e = await fieldError(page, '#code-input', '#code-input-error');
    assert.equal(e.text, message('error.wrong-code'));
    assert.equal(e.value, odd);

    // A third wrong code, in numbers this time (the same error), then a fourth at once: too
    // many tries, wait a few seconds.
    const wrongNumbers = '2234 3532 2299 2346';
    await tryCode(page, wrongNumbers);
    await page.waitForFunction((v) => document.querySelector('#code-input-error:not([hidden])') &&
      document.querySelector('#code-input').value === v, wrongNumbers);
    e = await fieldError(page, '#code-input', '#code-input-error');
    assert.equal(e.text, message('error.wrong-code'));
    await tryCode(page, 'apple river boat 2347');
    // The words of messages.txt, with the number of seconds where its {seconds} is.
    const [waitBefore, waitAfter] = message('error.slow-down', { seconds: '\n' }).split('\n');
    const slowDown = new RegExp(`^${escapeRegExp(waitBefore)}(\\d+)${escapeRegExp(waitAfter)}$`);
    await page.waitForFunction((re) => new RegExp(re).test(
      document.querySelector('#code-input-error').textContent), slowDown.source);
    e = await fieldError(page, '#code-input', '#code-input-error');
    const m = slowDown.exec(e.text);
    assert.ok(m, `a plain wait message: ${e.text}`);
    assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= 5, `wait ${m[1]} seconds`);
    assert.equal(e.value, 'apple river boat 2347');

    // After the wait the right code opens the plan, on the same connection.
    await sleep(Number(m[1]) * 1000 + 500);
    await tryCode(page, server.code.toUpperCase());
    await waitForPage(page, 'profile-intro');
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].closed, false);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a too-long answer gets its error by the box, keeps the words, and the page goes on', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    await toCodePage(page);
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');

    // Typing stops at the most the server takes (2000 letters)...
    await page.click('#answer');
    await page.keyboard.insertText('b'.repeat(2001));
    assert.equal((await page.inputValue('#answer')).length, 2000);
    await page.fill('#answer', '');
    const planId = sql(server.data, 'select max(id) as id from plans')[0].id;

    // ...but words can arrive by other means (dictation or paste software sets the box
    // directly): then the server's error shows by the box and nothing is stored.
    const tooLong = 'I like to help. '.repeat(125) + '!'; // 2001 letters
    assert.equal(tooLong.length, 2001);
    const mark = await saveMark(page);
    await page.$eval('#answer', (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, tooLong);
    await page.waitForSelector('#answer-error:not([hidden])');
    const e = await fieldError(page, '#answer', '#answer-error');
    assert.deepEqual(e, {
      text: message('error.too-long', { limit: 2000 }), role: 'alert', invalid: 'true',
      describedBy: ['answer-hint', 'answer-error'], value: tooLong, pageError: null,
    });
    assert.notEqual(await page.getAttribute('#save-status', 'data-state'), 'saved');
    assert.deepEqual(sql(server.data,
      `select value from answers where plan_id = ${planId} and page = 'like-admire'`), []);

    // Made shorter, it is saved and the error goes away.
    await page.focus('#answer');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Backspace');
    await waitForSave(page, mark);
    await page.waitForSelector('#answer-error', { state: 'hidden' });
    const fixed = await fieldError(page, '#answer', '#answer-error');
    assert.equal(fixed.invalid, null);
    assert.deepEqual(fixed.describedBy, ['answer-hint']);
    assert.deepEqual(sql(server.data,
      `select value from answers where plan_id = ${planId} and page = 'like-admire'`),
    [{ value: tooLong.slice(0, 2000) }]);

    // And the page goes on working: next page, an answer there, and back again.
    await page.click('#next');
    await waitForPage(page, 'important-people');
    await typeAndSave(page, '#answer', 'My nan.');
    await page.click('#back');
    await waitForPage(page, 'like-admire');
    assert.equal(await page.inputValue('#answer'), tooLong.slice(0, 2000));
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].closed, false);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a cost that is not an amount gets its error by the box, and the list goes on', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    await toCodePage(page);
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    for (const to of ['profile-intro', 'like-admire', 'important-people', 'important-places',
      'important-routines', 'important-things', 'support-good-days', 'support-bad-days',
      'communicate', 'interpreter', 'plan-intro', 'important', 'outcomes', 'supported-family',
      'supported-community', 'supported-paid', 'supported-equipment', 'needs', 'needs-missing',
      'budget-intro', 'budget']) {
      await page.click('#next');
      await waitForPage(page, to);
    }
    // A plan started without a letter has no budget yet.
    assert.deepEqual(await page.$$eval('#list-total .total-line', (ls) => ls.map((l) => l.textContent)),
      [message('budget.none'), message('budget.total', { total: '£0' })]);

    await page.click('#list-add');
    await page.waitForSelector('.item-edit[data-item-id]');
    await typeAndSave(page, '#field-what', 'Day centre on Mondays');
    await page.click('#field-cost');
    await page.keyboard.type('forty quid');
    await page.waitForSelector('#field-cost-error:not([hidden])');
    const e = await fieldError(page, '#field-cost', '#field-cost-error');
    assert.deepEqual(e, {
      text: message('error.bad-money'), role: 'alert', invalid: 'true',
      describedBy: ['field-cost-error'], value: 'forty quid', pageError: null,
    });

    await page.fill('#field-cost', '');
    const mark = await saveMark(page);
    await page.keyboard.type('42.50');
    await waitForSave(page, mark);
    await page.waitForSelector('#field-cost-error', { state: 'hidden' });
    await page.click('#item-done');
    await page.waitForSelector('li.item');
    assert.deepEqual(await page.$$eval('#list-total .total-line', (ls) => ls.map((l) => l.textContent)),
      [message('budget.none'), message('budget.total', { total: '£42.50' })]);
    assert.deepEqual(await page.$$eval('li.item', (ls) => ls.map((l) => [
      l.querySelector('.item-name').textContent, l.querySelector('.item-value').textContent])),
    [['Day centre on Mondays', '£42.50']]);
    await page.click('#next');
    await waitForPage(page, 'direct-payment');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
