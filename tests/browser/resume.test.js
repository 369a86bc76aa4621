// Never lose a word, in a real browser on the page's fake clock: a connection dropped mid-answer
// comes back to the same page of the same plan without the code, the words typed while it was
// down kept and saved on reconnecting; "Saved" is never shown while disconnected; the loss is
// shown and said from audio the page already holds, and being back is said once the words are
// stored. A slow typist hears "Saved" once. Finish on a plan started without a code first shows
// the code and its numbers and asks whether the person has it; back later, the 16 numbers typed
// on the keyboard on the screen open the plan.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { startServer, launchBrowser, sql, openKiosk, waitForPage, saveMark, browserStorage,
  NOTHING_STORED, axeViolations, formatViolations, SOURCE, message, axeCleanAtBothWidths,
} = require('./harness.js');

const BINARY = process.env.PLANALOUD_BINARY || path.join(SOURCE, 'build/planaloud');
let restarted = null; // the server started again on the same port and data folder

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopProc(restarted);
  await server?.stop();
});

async function stopProc(proc) {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** Stops the server (its data kept) and starts it again on the same port and data folder. */
async function stopServer() {
  await stopProc(restarted || server.proc);
}

async function startAgain() {
  const proc = spawn(BINARY, ['--port', String(server.port), '--data', server.data],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      if (/Press Ctrl\+C/.test(out)) resolve();
    });
    proc.on('exit', (status) => reject(new Error(`the server exited (${status})`)));
  });
  restarted = proc;
}

/** Opens the demo plan with its code, then goes on to the first page that takes words. */
async function openToTextPage(page) {
  await page.click('#next');
  await waitForPage(page, 'who');
  await page.click('label[for="option-me"]');
  await page.waitForSelector('#save-status[data-state="kept"]');
  await page.click('#next');
  await waitForPage(page, 'code');
  await page.click('#code-input');
  await page.keyboard.type(server.code);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#page')?.dataset.pageId !== 'code');
  if (await page.getAttribute('#page', 'data-page-id') === 'welcome-back') {
    await page.click('#action-continue'); // the plan was started before: carry on
    await page.waitForFunction(() => document.querySelector('#page')?.dataset.pageId !== 'welcome-back');
  }
  for (let i = 0; i < 12 && !(await page.$('#answer')); i++) {
    const id = await page.getAttribute('#page', 'data-page-id');
    await page.click('#next');
    await page.waitForFunction((was) => document.querySelector('#page')?.dataset.pageId !== was, id);
  }
  await page.waitForSelector('#answer');
  // From here the page's timers run only when the test moves its clock.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
  return page.getAttribute('#page', 'data-page-id');
}

function stored(pageId) {
  const rows = sql(server.data, `SELECT value FROM answers WHERE page = '${pageId}' AND item_id = 0`);
  return rows.length ? rows[0].value : null;
}

test('a connection dropped mid-answer comes back to the same page without the code, the words saved', async () => {
  const routes = [];
  let blocked = false; // the server cannot be reached
  const route = (page) => page.routeWebSocket(/\/ws$/, (ws) => {
    if (blocked) {
      ws.close();
      return;
    }
    routes.push({ page: ws, server: ws.connectToServer() });
  });
  const { context, page, pageErrors } = await openKiosk(browser, server.url,
    { clock: true, audio: true, beforeOpen: route });
  try {
    const pageId = await openToTextPage(page);
    // Sound is on (the person has pressed keys): the offline messages came as audio.
    await page.waitForFunction(() => window.__audio.offlineNarrations.some(
      (n) => n.id === 'msg/connection.lost' && n.samples > 0));
    await page.click('#answer');
    await page.keyboard.type('I like ');

    const mark = await saveMark(page);
    const sentBefore = await page.evaluate(() => window.__audio.sent.length);
    blocked = true;
    await routes[0].server.close();
    await routes[0].page.close();
    await page.waitForSelector('#connection[data-state="connection.lost"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.offlineSaid),
      'connection.lost', 'the loss is said from the audio the page holds');
    // Typing goes on while nothing can be reached: kept on the page, never "Saved".
    await page.keyboard.type('music and ');
    await page.clock.runFor(1500); // past the autosave pause, and one failed try
    await page.keyboard.type('dancing.');
    await page.clock.runFor(2500); // and another
    assert.equal(await page.inputValue('#answer'), 'I like music and dancing.');
    const whileDown = await page.evaluate((m) => window.__saveLog.slice(m), mark);
    assert.ok(!whileDown.includes('saved'), `"Saved" while disconnected: ${whileDown}`);
    assert.notEqual(await page.getAttribute('#save-status', 'data-state'), 'saved');

    blocked = false;
    const drawn = await page.$('#answer'); // until the page comes again
    await page.clock.runFor(6000); // the next try reaches the server
    await page.waitForFunction((el) => !el.isConnected && document.body.dataset.connection === 'open',
      drawn);
    await page.clock.runFor(1000); // the words put back are sent after the usual pause
    await page.waitForSelector('#connection[data-state="connection.saved"]');
    assert.equal(await page.getAttribute('#page', 'data-page-id'), pageId, 'the same page');
    assert.equal(await page.inputValue('#answer'), 'I like music and dancing.');
    assert.equal(stored(pageId), 'I like music and dancing.', 'the words are stored');
    assert.equal(routes.length, 2, 'one new connection, no code typed on it');
    const said = await page.evaluate((n) => window.__audio.sent.slice(n), sentBefore);
    assert.ok(said.some((m) => m.type === 'narrate' && m.ids.includes('msg/connection.saved')),
      'being back with the words saved is said');
    assert.deepEqual(await browserStorage(page), NOTHING_STORED);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a server restart mid-answer comes back to the same page, the words saved', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true, audio: true });
  try {
    const pageId = await openToTextPage(page);
    await page.click('#answer');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Before the restart, ');
    const mark = await saveMark(page);
    await stopServer();
    await page.waitForSelector('#connection[data-state="connection.lost"]');
    await page.keyboard.type('and after it.');
    await page.clock.runFor(1500);
    assert.ok(!(await page.evaluate((m) => window.__saveLog.slice(m), mark)).includes('saved'));
    await startAgain();
    const drawn = await page.$('#answer');
    await page.clock.runFor(10000); // the tries go on until the server answers
    await page.waitForFunction((el) => !el.isConnected && document.body.dataset.connection === 'open',
      drawn);
    await page.clock.runFor(1000);
    await page.waitForSelector('#connection[data-state="connection.saved"]');
    assert.equal(await page.getAttribute('#page', 'data-page-id'), pageId, 'the same page');
    assert.equal(stored(pageId), 'Before the restart, and after it.');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a token the server no longer has brings the code page, saying why', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    await openToTextPage(page);
    await page.click('#answer');
    await page.keyboard.type(' more');
    await stopServer();
    await page.waitForSelector('#connection[data-state="connection.lost"]');
    // As if it had expired: the server forgets every token while it is down.
    execFileSync('sqlite3', [path.join(server.data, 'planaloud.db'), 'DELETE FROM resume_tokens']);
    await startAgain();
    await page.clock.runFor(10000);
    await page.waitForSelector('body[data-connection="open"] #page[data-page-id="code"] #notice');
    assert.equal(await page.getAttribute('#notice p', 'data-text-id'), 'msg/resume.failed');
    assert.equal(await page.$('#answer'), null);
    assert.notEqual(await page.getAttribute('#connection', 'data-state'), 'connection.saved');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a slow typist hears "Saved" once, after they stop', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true, audio: true });
  try {
    const pageId = await openToTextPage(page);
    await page.click('#answer');
    await page.keyboard.press('End');
    const mark = await saveMark(page);
    const sentBefore = await page.evaluate(() => window.__audio.sent.length);
    for (const key of 'Swimming') {
      await page.keyboard.type(key);
      await page.clock.runFor(700); // shorter than the autosave pause
    }
    await page.clock.runFor(1000);
    await page.waitForSelector('#save-status[data-state="saved"]');
    const states = await page.evaluate((m) => window.__saveLog.slice(m), mark);
    assert.equal(states.filter((s) => s === 'saved').length, 1, `one Saved: ${states}`);
    const said = await page.evaluate((n) => window.__audio.sent.slice(n), sentBefore);
    assert.equal(said.filter((m) => m.type === 'narrate' && m.ids.includes('msg/saved')).length, 1,
      '"Saved" is said once');
    assert.ok(stored(pageId).endsWith('Swimming'));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** The numbers shown under the code in the element numbersId (a page in lang): checked, and as shown. */
async function numbersShown(page, numbersId, lang = 'en-GB') {
  const shown = await page.$eval(`#${numbersId}`, (e) => ({ text: e.textContent.trim(), dir: e.dir,
    label: document.getElementById(`${e.id}-label`)?.textContent.trim(),
    digits: [...e.querySelectorAll('.code-piece')].map((d) => d.textContent) }));
  assert.match(shown.text, /^[2-9]{4} [2-9]{4} [2-9]{4} [2-9]{4}$/, 'four groups of four digits 0-9');
  assert.equal(shown.dir, 'ltr', 'written left to right');
  assert.equal(shown.label, message('code.numbers', {}, lang));
  assert.deepEqual(shown.digits, shown.text.replace(/ /g, '').split(''), 'each digit a piece');
  return shown.text;
}

test('Finish on a plan started without a code shows the code, says it, and asks before clearing', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    const code = (await page.textContent('#code-display')).trim();
    const numbers = await numbersShown(page, 'code-numbers'); // under the new code
    await axeCleanAtBothWidths(page, 'the new code and its numbers');
    await page.click('#next');
    await waitForPage(page, 'profile-intro');

    await page.click('#finish');
    await page.waitForSelector('#code-check[open] #code-check-yes');
    assert.equal(await page.getAttribute('#page', 'data-page-id'), 'saved-code');
    assert.equal((await page.textContent('#code-check-code')).trim(), code, 'the code, large');
    assert.equal(await numbersShown(page, 'code-check-numbers'), numbers, 'and its numbers');
    assert.equal(await numbersShown(page, 'code-numbers'), numbers, 'on the page under it too');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code-check-title');
    await page.waitForFunction(() => window.__audio.sent.some((m) => m.type === 'narrate' &&
      m.ids[0] === 'msg/finish-code.ask' && m.ids.some((id) => id.startsWith('code/'))));
    const v = await axeViolations(page);
    assert.equal(v.length, 0, formatViolations('the code check', v));
    assert.equal(sockets.length, 1, 'nothing cleared yet');

    // "No, go back" (here: Escape) keeps the code on the screen; Finish asks again.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#code-check[open]'));
    assert.equal(await page.getAttribute('#page', 'data-page-id'), 'saved-code');
    await axeCleanAtBothWidths(page, 'the saved code and its numbers');
    await page.click('#finish-page');
    await page.waitForSelector('#code-check[open] #code-check-yes');

    // "Yes, I have my code", with the keyboard: then the screen clears.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code-check-yes');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset.connection === 'open' &&
      document.querySelector('#page[data-page-id="welcome"]'));
    const after = await page.evaluate(() => document.body.innerText);
    assert.ok(!after.includes(code) && !after.includes(numbers));

    // Back another time, someone who reads Urdu chooses it, and types the 16 numbers on the
    // keyboard on the screen.
    await page.click('#language-page-ur');
    await page.waitForSelector('html[dir="rtl"][lang="ur"] #page[data-page-id="welcome"]');
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    assert.equal((await page.textContent('#code-input-numbers-hint')).trim(),
      message('code.or-numbers', {}, 'ur'), 'under the hint: the numbers may be typed instead');
    assert.match(await page.getAttribute('#code-input', 'aria-describedby'), /\bcode-input-numbers-hint\b/);
    await page.click('.keyboard-show[data-for="code-input"]');
    await page.click('#keyboard [data-layout="numbers"]');
    for (const ch of numbers) {
      await page.click(ch === ' ' ? '#keyboard .key-space' : `#keyboard .key-char[data-char="${ch}"]`);
    }
    assert.equal(await page.inputValue('#code-input'), numbers);
    const typed = await axeViolations(page);
    assert.equal(typed.length, 0, formatViolations('the code page with the numbers typed', typed));
    await page.click('#code-open');
    // The plan made but never answered opens at its start: the same plan, with the same code,
    // and the same numbers in the digits 0 to 9 on the page in Urdu.
    await waitForPage(page, 'profile-intro');
    await page.click('#save-later');
    await waitForPage(page, 'saved-code');
    assert.equal((await page.textContent('#code-display')).trim(), code);
    assert.equal(await numbersShown(page, 'code-numbers', 'ur'), numbers);
    await axeCleanAtBothWidths(page, 'the saved code and its numbers, in Urdu');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
