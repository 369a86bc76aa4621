// Sound only, the finishing touches: "Say what I type: Each word" says back each word as a space
// or a mark ends it (the server's `typed` text), cutting off the word before, while the next
// word's letters leave it be; never the code's words without headphones. And the voice chooser
// says which voice is chosen, and the new one when it changes.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage,
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

const m = (name) => 'msg/' + name;

async function sentCount(page) {
  return page.evaluate(() => window.__audio.sent.length);
}

async function sentSince(page, from) {
  return page.evaluate((f) => window.__audio.sent.slice(f), from);
}

async function sourceCount(page) {
  return page.evaluate(() => window.__audio.sources.length);
}

/** Waits for the page to ask for `word` to be said back, after `from` messages sent. */
async function askedFor(page, word, from) {
  const h = await page.waitForFunction(([w, f]) => window.__audio.sent.slice(f)
    .find((x) => x.type === 'narrate' && x.typed === w) || null, [word, from]);
  return h.jsonValue();
}

/** The first narrate sent after `from` messages: its ids. */
async function nextNarrate(page, from) {
  const h = await page.waitForFunction((f) => window.__audio.sent.slice(f)
    .find((x) => x.type === 'narrate') || null, from);
  return (await h.jsonValue()).ids;
}

test('each word typed is said back when asked for, cutting off the word before; never the code', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    assert.equal(await page.getAttribute('#narration-echo-off', 'aria-pressed'), 'true', 'off at first');
    await page.click('#narration-echo-words');
    await page.click('#narration-speed-slowest'); // a word said back lasts longer
    assert.equal(await page.getAttribute('#narration-echo-words', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#narration-echo-off', 'aria-pressed'), 'false');
    assert.equal(await page.getAttribute('#narration-echo-words', 'data-text-id'), m('narration.echo-words'));
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], formatViolations('the sound choices with Each word', violations));

    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('label[for="option-me"]');
    await page.waitForSelector('#save-status[data-state="kept"]');
    await page.click('#next');
    await waitForPage(page, 'code');
    // The code is private: without headphones its words are not said back.
    await page.click('#code-input');
    let from = await sentCount(page);
    await page.keyboard.type(server.code + ' ');
    assert.ok((await sentSince(page, from)).every((x) => !('typed' in x)), 'no word of the code is sent');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');

    // Focus speech says the box first (sent just after the click is handled): waited for, so
    // that it is not taken for a letter said.
    from = await sentCount(page);
    await page.click('#answer');
    assert.equal((await nextNarrate(page, from))[0], 'like-admire/ask');
    from = await sentCount(page);
    await page.keyboard.type('Everlastingly');
    assert.ok((await sentSince(page, from)).every((x) => x.type !== 'narrate'), 'letters are not said: ' + JSON.stringify(await sentSince(page, from)));
    from = await sentCount(page);
    const firstAt = await sourceCount(page);
    await page.keyboard.press('Space');
    const asked = await askedFor(page, 'Everlastingly', from);
    assert.deepEqual(asked.ids, ['typed']);
    // Its audio comes back and plays.
    await page.waitForFunction(([f, seq]) => window.__audio.narrations.some((n) => n.seq === seq &&
      n.id === 'typed' && !n.failed) && window.__audio.sources.slice(f).some((s) => s.startTime !== null),
    [firstAt, asked.seq]);
    // Held where it is (the keyboard's Pause key), so that it cannot end by itself however slow
    // the machine: the next word's letters leave it be; the mark that ends that word cuts it off.
    await page.keyboard.press('Pause');
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'suspended');
    const firstEnd = await sourceCount(page);
    from = await sentCount(page);
    await page.keyboard.type("don't,");
    await askedFor(page, "don't", from);
    // (its first frame may have ended before the pause: the rest was stopped)
    const cut = await page.evaluate(([a, b]) => window.__audio.sources.slice(a, b)
      .some((s) => s.stopped), [firstAt, firstEnd]);
    assert.ok(cut, 'the word before was cut off, not left to end');
    assert.ok((await sentSince(page, from)).every((x) => x.type !== 'narrate' || x.typed === "don't"),
      'only the word is said');
    assert.equal(await page.inputValue('#answer'), "Everlastingly don't,", 'what was typed is all there');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the voice chooser says which voice is chosen, and the new one when it changes', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    const voices = await page.evaluate(() => [...document.querySelectorAll('#narration-voice option')]
      .map((o) => ({ value: o.value, id: o.dataset.textId })));
    assert.ok(voices.length >= 2);
    for (const v of voices) assert.equal(v.id, 'voice/' + v.value, 'each voice has a text id');
    await page.keyboard.press('Tab'); // the first key: sound allowed, the page read
    let said = null;
    for (let i = 0; i < 30; i++) {
      const from = await sentCount(page);
      await page.keyboard.press('Shift+Tab');
      said = await nextNarrate(page, from);
      if (await page.evaluate(() => document.activeElement.id) === 'narration-voice') break;
    }
    assert.deepEqual(said, [m('narration.voice'), voices[0].id, m('focus.choose')]);
    const from = await sentCount(page);
    await page.keyboard.press('ArrowDown');
    const h = await page.waitForFunction(([f, id]) => window.__audio.sent.slice(f)
      .find((x) => x.type === 'narrate' && x.ids.includes(id)) || null, [from, voices[1].id]);
    const changed = await h.jsonValue();
    assert.deepEqual(changed.ids, [m('narration.voice'), voices[1].id, m('focus.choose')]);
    assert.equal(changed.voice, voices[1].value, 'said in the new voice');
    await page.waitForFunction(([seq, id]) => window.__audio.narrations.some((n) => n.seq === seq &&
      n.id === id && !n.failed), [changed.seq, voices[1].id]);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
