// Sound by itself, and private listening, in a real browser with the real server's voice: before
// any touch the welcome page says, large, to touch or press a key; the first key reads the whole
// welcome page (how to use sound too) without Listen, and asks "Are you using headphones?", which
// is answered by keyboard; without headphones the plan code is neither asked for nor read, and is
// shown large, until the person chooses "Read it aloud anyway"; with headphones (the person's
// answer, or a kiosk started with --headphones yes) it is read like the rest; and an error is
// said as soon as it shows. axe finds nothing wrong in any of these states.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, message, pageText,
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

async function audit(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], formatViolations(where, v));
}

/** Every id the page has asked the server to read so far. */
async function asked(page) {
  return page.evaluate(() => window.__audio.sent.filter((m) => m.type === 'narrate').flatMap((m) => m.ids));
}

/** Waits until the text with this id has been asked for and its audio has started to play. */
async function waitForHeard(page, id) {
  await page.waitForFunction((i) => window.__audio.sent.some((m) => m.type === 'narrate' && m.ids.includes(i)) &&
    window.__audio.sources.some((s) => s.id === i && s.startTime !== null), id);
}

/** Waits until the server has answered a request for this text with its narration (not refused). */
async function waitForNarration(page, id) {
  await page.waitForFunction((i) => window.__audio.narrations.some((n) => n.id === i && !n.failed), id);
}

/** The `listening` messages the page sent (recorded by listenSent). */
async function listeningSent(page) {
  return page.evaluate(() => window.__listening);
}

// Records each `listening` message the page sends (the harness records narrate only).
const LISTENING_LOG = `
  window.__listening = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try {
      const m = JSON.parse(data);
      if (m.type === 'listening') window.__listening.push(m);
    } catch {}
    return send.apply(this, arguments);
  };
`;

async function open(url) {
  const k = await openKiosk(browser, url, { audio: true, beforeOpen: (p) => p.addInitScript(LISTENING_LOG) });
  return k;
}

/** The first key: Enter on the page's heading, which does nothing else. */
async function firstKey(page) {
  await page.keyboard.press('Enter');
  await page.waitForSelector('#touch-prompt', { state: 'hidden' });
}

/** Tab until the selector has focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`${selector} could not be reached with Tab`);
}

/** From the welcome page to the code page, by keyboard. */
async function toCodePage(page) {
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await waitForPage(page, 'who');
  await tabTo(page, '#next');
  await page.keyboard.press('Enter');
  await waitForPage(page, 'code');
}

/** From the welcome page to a new plan's code, by keyboard. */
async function newCode(page) {
  await toCodePage(page);
  await tabTo(page, '#code-new');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#code-box .code-display');
}

test('the welcome page asks for a touch, reads itself on the first key and asks about headphones', async () => {
  const { context, page, pageErrors } = await open(server.url);
  try {
    // Before any touch: the prompt, large; nothing asked for, nothing playing; no question yet.
    assert.equal(await page.isVisible('#touch-prompt'), true);
    assert.equal((await page.textContent('#touch-prompt')).trim(), message('welcome.touch'));
    const size = await page.$eval('#touch-prompt', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 24, `the prompt is large: ${size}px`);
    assert.equal(await page.isVisible('#headphones'), false);
    assert.deepEqual(await asked(page), []);
    await audit(page, 'welcome before a touch');

    // The first key: the prompt goes, and the page is read from the top without Listen, every
    // line of it (how to use sound too), then the headphones question and its answers.
    await firstKey(page);
    await waitForHeard(page, 'welcome/title');
    const ids = await asked(page);
    const say = pageText('welcome').say.map((_, i) => `welcome/say/${i + 1}`);
    assert.ok(say.length >= 4, 'the welcome page says how to use sound');
    for (const id of ['welcome/title', ...say, 'msg/headphones.ask', 'msg/headphones.yes', 'msg/headphones.no']) {
      assert.ok(ids.includes(id), `${id} is read: ${ids}`);
    }
    assert.ok(ids.indexOf('welcome/title') < ids.indexOf('msg/headphones.ask'), 'the page first, then the question');
    assert.ok(!ids.includes('msg/welcome.touch'), 'the prompt, gone, is not read');
    assert.equal(await page.isVisible('#headphones'), true);
    await audit(page, 'welcome with the headphones question');

    // Answered by keyboard: "No". The server is told; the answer is said and has focus.
    await tabTo(page, '#headphones-no');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#headphones-said:focus');
    assert.equal((await page.textContent('#headphones-said')).trim(), message('headphones.said-no'));
    assert.deepEqual(await listeningSent(page), [{ type: 'listening', headphones: false }]);
    await waitForHeard(page, 'msg/headphones.said-no');
    await audit(page, 'welcome after the headphones answer');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('without headphones the code is not read aloud but shown large, until the person chooses to hear it', async () => {
  const { context, page, pageErrors } = await open(server.url);
  try {
    await firstKey(page);
    await tabTo(page, '#headphones-no');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#headphones-said:focus');
    await newCode(page);
    // The code page with its code is read by itself: everything but the code.
    await waitForHeard(page, 'code/title');
    const pieces = await page.$$eval('#code-display .code-piece', (ps) =>
      ps.map((p) => ({ id: p.dataset.textId ?? null, private: p.dataset.privateTextId ?? null })));
    assert.ok(pieces.length >= 4, 'the code is in pieces');
    for (const p of pieces) assert.deepEqual(p, { id: null, private: p.private }, 'a piece is not for reading');
    assert.ok(pieces.every((p) => /^code\/\d+$/.test(p.private)));
    assert.ok(!(await asked(page)).some((id) => /^code\/\d+$/.test(id)), 'no piece of the code was asked for');
    assert.equal(await page.$eval('#code-box', (e) => e.classList.contains('code-box-large')), true, 'shown large');
    assert.equal(await page.isVisible('#private-note'), true, 'the page says why');
    assert.equal((await page.textContent('#private-note .private-why')).trim(), message('private.why'));
    assert.ok((await asked(page)).includes('msg/private.why'), 'and says it');
    // Nothing failed: the page did not ask for what the server would refuse.
    assert.equal(await page.$eval('#narration-status', (e) => e.dataset.textId ?? ''), '');
    await audit(page, 'code page without headphones');

    // "Read it aloud anyway", by keyboard: the person consents, and the code is read.
    await tabTo(page, '#private-anyway');
    await page.keyboard.press('Enter');
    await waitForHeard(page, 'code/1');
    assert.ok((await asked(page)).includes(`code/${pieces.length}`));
    assert.deepEqual((await listeningSent(page)).pop(), { type: 'listening', consent: true });
    assert.equal(await page.isVisible('#private-note'), false);
    await audit(page, 'code page after "Read it aloud anyway"');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/**
 * A plan whose answer to "Is anyone hurting you?" is yes, made on a connection of its own (as
 * another visit would have); returns its code.
 */
async function planWithSafetyAnswer() {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    return await page.evaluate(() => new Promise((resolve, reject) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws', 'planaloud');
      let code = null;
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'page' && m.page.code && !code) {
          code = m.page.code;
          ws.send(JSON.stringify({ type: 'answer', seq: 2, page: 'unsafe', value: 'yes' }));
        } else if (m.type === 'saved' && m.seq === 2) {
          ws.send(JSON.stringify({ type: 'finish' }));
        } else if (m.type === 'bye') {
          resolve(code);
        } else if (m.type === 'error') {
          reject(new Error(e.data));
        }
      };
      ws.onopen = () => ws.send(JSON.stringify({ type: 'new_plan', seq: 1 }));
    }));
  } finally {
    await context.close();
  }
}

test('without headphones the answer about being hurt is not read on the check page', async () => {
  const code = await planWithSafetyAnswer();
  const { context, page, pageErrors } = await open(server.url);
  try {
    await firstKey(page);
    await tabTo(page, '#headphones-no');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#headphones-said:focus');
    await toCodePage(page);
    await tabTo(page, '#code-input');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'welcome-back');
    await tabTo(page, '#action-check');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'check');
    await waitForHeard(page, 'check/title');
    const answer = await page.$eval('#check-row-unsafe .check-answer-text', (e) =>
      ({ id: e.dataset.textId ?? null, private: e.dataset.privateTextId ?? null, text: e.textContent }));
    assert.deepEqual(answer, { id: null, private: 'answer/unsafe', text: message('yes') });
    assert.ok((await asked(page)).includes('unsafe/ask'), 'the question is read');
    assert.ok(!(await asked(page)).includes('answer/unsafe'), 'its answer is not asked for');
    assert.equal(await page.isVisible('#private-note'), true);
    await audit(page, 'check page without headphones');

    // On its own page, the chosen answer taking focus says its words and its place, not that it
    // is the one chosen.
    await tabTo(page, '#change-unsafe');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'unsafe');
    const from = await page.evaluate(() => window.__audio.sent.length);
    await tabTo(page, '#option-yes');
    const said = await (await page.waitForFunction((f) => window.__audio.sent.slice(f)
      .find((m) => m.type === 'narrate' && m.ids[0] === 'msg/yes'), from)).jsonValue();
    assert.deepEqual(said.ids, ['msg/yes', 'msg/focus.position?n=1&of=2']);
    assert.equal(await page.isChecked('#option-yes'), true);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('with headphones the code is read like the rest', async () => {
  const { context, page } = await open(server.url);
  try {
    await firstKey(page);
    await tabTo(page, '#headphones-yes');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#headphones-said:focus');
    assert.equal((await page.textContent('#headphones-said')).trim(), message('headphones.said-yes'));
    await newCode(page);
    await waitForNarration(page, 'code/1');
    assert.equal(await page.isVisible('#private-note'), false);
  } finally {
    await context.close();
  }
});

test('a kiosk started with --headphones yes asks nothing and reads the code', async () => {
  const own = await startServer(['--headphones', 'yes']);
  const { context, page } = await open(own.url);
  try {
    await firstKey(page);
    await waitForHeard(page, 'welcome/title');
    assert.equal(await page.isVisible('#headphones'), false, 'no question');
    assert.ok(!(await asked(page)).includes('msg/headphones.ask'));
    await newCode(page);
    await waitForNarration(page, 'code/1');
    assert.deepEqual(await listeningSent(page), []);
  } finally {
    await context.close();
    await own.stop();
  }
});

test('a wrong code is said at once, without Listen', async () => {
  const { context, page } = await open(server.url);
  try {
    await firstKey(page);
    await toCodePage(page);
    await tabTo(page, '#code-input');
    await page.keyboard.type('apple-apple-apple-1111');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-input-error:not([hidden])');
    await waitForHeard(page, 'msg/error.wrong-code');
    const listens = await page.evaluate(() => window.__audio.sent.filter((m) => m.type === 'narrate').length);
    assert.ok(listens >= 2, 'the page, then the error');
    await audit(page, 'code page with its error said');
  } finally {
    await context.close();
  }
});
