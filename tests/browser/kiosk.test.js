// The kiosk in a real browser, with the shortest timeouts the server allows (5 s idle, 5 s
// warning), on the page's fake clock (nothing waits for them in real time): "Do you need more
// time?" counts down; a key gives more time; when time runs out
// the answer being typed is saved, the screen clears back to the welcome page and the
// websocket closes; nothing of the person can be found afterwards, not even by going back;
// "Finish and clear the screen" does the same at once; and the browser stores nothing.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, sql, openKiosk, waitForPage, typeAndSave, browserStorage,
  NOTHING_STORED, message,
} = require('./harness.js');

const IDLE_S = 5;
const WARN_S = 5;

let server;
let browser;

before(async () => {
  server = await startServer(['--idle-seconds', String(IDLE_S), '--warn-seconds', String(WARN_S)]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function assertNothingStored(page, when) {
  assert.deepEqual(await browserStorage(page), NOTHING_STORED, `nothing stored in the browser ${when}`);
}

/** Everything a person or the next person could read: the visible text and every box's value. */
async function everythingShown(page) {
  return page.evaluate(() => [
    document.title,
    document.body ? document.body.innerText : '',
    ...[...document.querySelectorAll('input, textarea')].map((e) => e.value),
  ].join('\n'));
}

async function assertNothingOf(page, secrets, when) {
  const shown = await everythingShown(page);
  for (const s of secrets) {
    assert.ok(!shown.toLowerCase().includes(s.toLowerCase()), `"${s}" is not on the screen ${when}`);
  }
}

async function count(page) {
  return Number(await page.textContent('#timeout-count'));
}

/** Opens a plan with a code typed on the code page (the "who" page answered "me"). */
async function openWithCode(page, code) {
  await page.click('#next');
  await waitForPage(page, 'who');
  await page.click('label[for="option-me"]');
  await page.waitForSelector('#save-status[data-state="kept"]');
  await page.click('#next');
  await waitForPage(page, 'code');
  await page.click('#code-input');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/** The screen was cleared: the welcome page again, on a new connection, the old one closed. */
async function waitForCleared(page, sockets) {
  await page.waitForFunction(() => document.body.dataset.connection === 'open' &&
    document.querySelector('#page[data-page-id="welcome"]'), null, { timeout: 20000 });
  for (let i = 0; i < 50 && !sockets[0].closed; i++) await sleep(100);
  assert.equal(sockets[0].closed, true, 'the first websocket is closed');
  assert.equal(sockets.length, 2, 'the welcome page has a websocket of its own');
  assert.equal(sockets[1].closed, false);
}

/** Back in history and forward again: neither shows anything of the person. */
async function assertHistoryClear(page, secrets) {
  await page.goBack();
  await page.waitForLoadState();
  await assertNothingOf(page, secrets, `after going back (${page.url()})`);
  if (page.url().startsWith(server.url)) await assertNothingStored(page, 'after going back');
  await page.goForward();
  await page.waitForLoadState();
  if (page.url().startsWith(server.url)) {
    await waitForPage(page, 'welcome');
  }
  await assertNothingOf(page, secrets, `after going forward (${page.url()})`);
  await assertNothingStored(page, 'after going forward');
}

/** Opens the plan again in a new browser and reads the answer on like-admire. */
async function answerFoundAgain(code) {
  const { context, page } = await openKiosk(browser, server.url);
  try {
    await openWithCode(page, code);
    await waitForPage(page, 'welcome-back');
    await page.click('#action-continue');
    await waitForPage(page, 'like-admire');
    return await page.inputValue('#answer');
  } finally {
    await context.close();
  }
}

test('the warning counts down, and a key or a touch gives more time', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    await assertNothingStored(page, 'on the welcome page');
    // From here the page's time moves only when the test moves it: the counts are exact.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    // Untouched, the welcome page holds nothing: no warning however long it waits.
    await page.clock.runFor(10 * IDLE_S * 1000);
    assert.equal(await page.isVisible('dialog#timeout'), false, 'no warning before the first touch');

    // The first key starts the idle time: no warning just before it ends, the warning just after.
    // (It also starts the welcome page reading itself, and a voice reading keeps the kiosk
    // awake: Escape stops it.)
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    await page.clock.runFor(IDLE_S * 1000 - 500);
    assert.equal(await page.isVisible('dialog#timeout'), false, 'no warning before the idle time');
    await page.clock.runFor(600);
    await page.waitForSelector('dialog#timeout[open]');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'timeout-more');
    assert.equal(await page.getAttribute('#timeout-title', 'data-text-id'), 'msg/timeout.title');
    assert.equal(await page.textContent('#timeout-title'), message('timeout.title'));

    // The countdown goes down, a second at a time, and says so in words.
    const first = await count(page);
    assert.equal(first, WARN_S, `starts at ${first}`);
    assert.equal(await page.getAttribute('#timeout-body', 'data-text-id'), `msg/timeout.body?seconds=${first}`);
    assert.equal(await page.textContent('#timeout-body'), message('timeout.body', { seconds: first }));
    await page.clock.runFor(1000);
    const second = await count(page);
    assert.equal(second, first - 1, `the count went down by one a second: ${first} then ${second}`);
    assert.equal(await page.textContent('#timeout-body'), message('timeout.body', { seconds: second }));
    await assertNothingStored(page, 'while the warning shows');

    // A key press gives more time: the warning closes, and comes back after the idle time.
    await page.keyboard.press('a');
    await page.waitForSelector('dialog#timeout', { state: 'hidden' });
    await page.waitForSelector('#page[data-page-id="welcome"]');
    await page.clock.runFor(IDLE_S * 1000 - 500);
    assert.equal(await page.isVisible('dialog#timeout'), false, 'more time: no warning before the idle time');
    await page.clock.runFor(600);
    await page.waitForSelector('dialog#timeout[open]');

    // Moving between its buttons by key keeps it open and starts the count again.
    await page.clock.runFor(2000);
    const before = await count(page);
    assert.equal(before, WARN_S - 2, `counting down: ${before}`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'timeout-finish');
    const after = await count(page);
    assert.equal(after, WARN_S, `a full count again: ${before} then ${after}`);
    assert.equal(await page.isVisible('dialog#timeout[open]'), true);

    // "Yes, I need more time" by touch closes it.
    await page.click('#timeout-more');
    await page.waitForSelector('dialog#timeout', { state: 'hidden' });
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].closed, false, 'giving more time keeps the connection');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('when time runs out the answer is saved, the screen clears and the connection closes', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  const firstWords = 'I grow tomatoes on my balcony.';
  const lastWords = ' Cymraeg: ŵ ŷ, café — and my neighbour likes them.';
  try {
    await openWithCode(page, server.code.replace(/-/g, ' '));
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await page.click('#narration-stop'); // the page reads itself, and a voice reading keeps the kiosk awake
    await typeAndSave(page, '#answer', firstWords);
    await assertNothingStored(page, 'with a plan open');

    // More words, and then the person walks away at once.
    await page.keyboard.type(lastWords);
    await page.clock.runFor(IDLE_S * 1000);
    await page.waitForSelector('dialog#timeout[open]');
    await assertNothingStored(page, 'while the warning shows over a plan');
    await page.clock.runFor(WARN_S * 1000);
    await page.waitForSelector('body[data-connection="finishing"]');
    await waitForCleared(page, sockets);

    // The last words were stored before the connection closed.
    const stored = sql(server.data, "select value from answers where page = 'like-admire'");
    assert.deepEqual(stored, [{ value: firstWords + lastWords }]);

    const secrets = [server.code, server.code.replace(/-/g, ' '), firstWords, lastWords.trim(), 'ŵ ŷ'];
    await assertNothingOf(page, secrets, 'after the screen cleared');
    await assertNothingStored(page, 'after the screen cleared');
    await assertHistoryClear(page, secrets);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
  assert.equal(await answerFoundAgain(server.code), firstWords + lastWords);
});

test('"Finish and clear the screen" saves, clears and closes at once', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url);
  const words = 'My friends say I am a good listener.';
  let code;
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    code = (await page.textContent('#code-display')).trim();
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await page.click('#answer');
    await page.keyboard.type(words);
    // No waiting for the autosave: finish straight away.
    await page.click('#finish');
    // A plan started without a code: its code is shown first, with "Do you have your code?"
    await page.waitForSelector('#code-check[open] #code-check-yes');
    const t0 = Date.now();
    await page.click('#code-check-yes');
    await waitForCleared(page, sockets);
    const took = Date.now() - t0;
    assert.ok(took < (IDLE_S - 1) * 1000, `cleared in ${took} ms, without waiting for the timeout`);
    const plan = sql(server.data, "select value from answers where page = 'like-admire'")
      .map((r) => r.value);
    assert.ok(plan.includes(words), 'the words typed just before Finish were stored');

    const secrets = [code, code.replace(/-/g, ' '), words];
    await assertNothingOf(page, secrets, 'after Finish');
    await assertNothingStored(page, 'after Finish');
    await assertHistoryClear(page, secrets);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
  assert.equal(await answerFoundAgain(code), words);
});

test('"No, I have finished" in the warning clears the screen at once', async () => {
  const { context, page, sockets } = await openKiosk(browser, server.url, { clock: true });
  const words = 'I like the bus to Tenby.';
  let code;
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    code = (await page.textContent('#code-display')).trim();
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await page.click('#narration-stop'); // the page reads itself, and a voice reading keeps the kiosk awake
    await typeAndSave(page, '#answer', words);
    await page.clock.runFor(IDLE_S * 1000);
    await page.waitForSelector('dialog#timeout[open]');
    const t0 = Date.now(); // the page's clock goes on with real time from here
    await page.click('#timeout-finish');
    await waitForCleared(page, sockets);
    assert.ok(Date.now() - t0 < WARN_S * 1000, 'cleared before the countdown would have ended');
    await assertNothingOf(page, [code, words], 'after "No, I have finished"');
    await assertNothingStored(page, 'after "No, I have finished"');
  } finally {
    await context.close();
  }
  assert.equal(await answerFoundAgain(code), words);
});

test('a lost connection is said, tried again after a second, and said to be back', async () => {
  const routes = []; // the page's websockets, each passed through to the server
  const route = (page) => page.routeWebSocket(/\/ws$/, (ws) => {
    routes.push({ page: ws, server: ws.connectToServer() });
  });
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true, beforeOpen: route });
  try {
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    await routes[0].server.close();
    await routes[0].page.close();
    await page.waitForSelector('#connection[data-state="connection.lost"]');
    assert.equal((await page.textContent('#connection')).trim(), message('connection.lost'));
    assert.equal(await page.evaluate(() => document.body.dataset.connection), 'lost');
    // Not before the first wait is over; then once, on a new websocket.
    await page.clock.runFor(900);
    assert.equal(routes.length, 1, 'no new connection before a second');
    await page.clock.runFor(200);
    await page.waitForSelector('#connection[data-state="connection.back"]');
    assert.equal((await page.textContent('#connection')).trim(), message('connection.back'));
    assert.equal(routes.length, 2);
    await waitForPage(page, 'welcome', { focusTitle: false });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('leaving with the browser Back button and coming forward shows nothing of the person', async () => {
  const { context, page, sockets } = await openKiosk(browser, server.url);
  const words = 'I sing in the choir on Thursdays.';
  let code;
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    code = (await page.textContent('#code-display')).trim();
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await typeAndSave(page, '#answer', words);
    // Someone presses the browser's Back button mid-plan, then Forward.
    await page.goBack();
    await page.waitForLoadState();
    await assertNothingOf(page, [code, words], `after going back (${page.url()})`);
    await page.goForward();
    await waitForPage(page, 'welcome');
    await assertNothingOf(page, [code, words], 'after coming forward again');
    await assertNothingStored(page, 'after coming forward again');
    // (The old page's websocket went with the page: Playwright reports no close event for a
    // page that is unloaded, so only the new one is checked.)
    assert.equal(sockets.length, 2);
    assert.equal(sockets[1].closed, false);
  } finally {
    await context.close();
  }
  assert.equal(await answerFoundAgain(code), words);
});
