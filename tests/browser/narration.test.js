// Narration in a real browser, with the real server's voice: nothing plays before the person
// touches or presses something; Listen reads the page from the top and the highlighted word
// moves forward with the audio, within 100 ms of it; Faster gives shorter audio, and changing
// speed mid-sentence carries on from the same word; each new page is read by itself once the
// person has pressed something; the person's own answer is read back on the check page; every
// control works by keyboard alone; Stop stops; a voice that fails is said once, politely, and
// the page carries on; and axe finds nothing wrong with the bar or a highlighted word.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, typeAndSave,
  pageText,
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

async function audio(page) {
  return page.evaluate(() => {
    const a = window.__audio;
    return {
      sources: a.sources, sent: a.sent, spoken: a.spoken,
      narrations: a.narrations.map((n) => ({ seq: n.seq, id: n.id, speed: n.speed, voice: n.voice,
        words: n.words, failed: !!n.failed })),
      gains: a.gains.map((g) => g.gain.value),
      time: a.contexts.length ? a.contexts[a.contexts.length - 1].currentTime : null,
      latency: a.contexts.length ? a.contexts[a.contexts.length - 1].outputLatency || 0 : 0,
    };
  });
}

/** The word highlighted now: {id, at, word}, or null. */
async function spokenNow(page) {
  return page.evaluate(() => {
    const w = document.querySelector('.is-spoken');
    if (!w) return null;
    return { id: w.closest('[data-text-id]').dataset.textId, at: Number(w.dataset.at), word: w.textContent };
  });
}

/**
 * Waits for this text to start playing (after `from` sources) and for all its audio to come;
 * returns its first source, with duration the length of all of the text's audio heard. A text
 * not said before arrives in several frames, each played by a source of its own.
 */
async function waitForSource(page, id, from = 0, timeout = 15000) {
  const h = await page.waitForFunction(([i, f]) => {
    const a = window.__audio;
    const k = a.sources.findIndex((s, j) => j >= f && s.id === i && s.startTime !== null);
    const n = a.narrations.filter((x) => x.id === i).pop();
    if (k < 0 || !n || n.samples == null) return null;
    let duration = 0;
    let j = k;
    for (; j < a.sources.length && a.sources[j].id === i; j++) duration += a.sources[j].duration;
    return { ...a.sources[k], duration, frames: j - k };
  }, [id, from], { timeout });
  return h.jsonValue();
}

/** Where in its text a source's audio starts (s): the sources of the text before it in its run. */
function textPosition(sources, src) {
  const k = sources.indexOf(src);
  let at = src.offset;
  for (let j = k - 1; j >= 0 && sources[j].id === src.id; j--) at += sources[j].duration;
  return at;
}

/** Presses Tab (or Shift+Tab) until the element matching selector has focus. */
async function tabTo(page, selector, key = 'Tab', max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector)) {
      return;
    }
  }
  assert.fail(`${selector} could not be reached with ${key}`);
}

test('nothing plays before a touch; Listen reads the page and the highlight follows the voice', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    // The bar is there, labelled, with its choices from hello.
    assert.equal(await page.isVisible('#narration'), true);
    assert.equal(await page.getAttribute('#narration-auto', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#narration-speed-normal', 'aria-pressed'), 'true');
    assert.deepEqual(await page.$$eval('#narration-voice option', (os) => os.map((o) => o.value)),
      ['ruth', 'david']);
    const bar = await axeViolations(page);
    assert.deepEqual(bar, [], formatViolations('welcome with the narration bar', bar));

    // Untouched, nothing is asked for and nothing plays.
    await sleep(1500);
    let a = await audio(page);
    assert.equal(a.sent.length, 0, 'no narrate before a gesture');
    assert.equal(a.sources.length, 0, 'no sound before a gesture');

    await page.click('#narration-listen');
    const title = await waitForSource(page, 'welcome/title');
    a = await audio(page);
    assert.deepEqual(a.sent[0].ids.slice(0, 6),
      ['msg/progress', 'part/1/title', 'welcome/title', 'welcome/say/1', 'welcome/say/2', 'welcome/say/3'],
      'the page is asked for from the top, in order');
    assert.equal(a.sent[0].voice, 'ruth');
    assert.equal(a.sent[0].speed, 'normal');
    assert.ok(title.duration > 0.5, `the title's audio lasts ${title.duration} s`);

    // The audio clock moves, and the highlighted word moves forward with it, in order.
    const samples = [];
    const t0 = (await audio(page)).time;
    for (let i = 0; i < 12; i++) {
      await sleep(250);
      const s = await spokenNow(page);
      if (s) samples.push(s);
    }
    const t1 = (await audio(page)).time;
    assert.ok(t1 - t0 > 2.5, `the audio clock advanced ${t1 - t0} s`);
    const order = ['msg/progress', 'part/1/title', 'welcome/title', 'welcome/say/1', 'welcome/say/2',
      'welcome/say/3'];
    const pos = (s) => order.indexOf(s.id) * 10000 + s.at;
    assert.ok(samples.length >= 8, `a word was highlighted in ${samples.length} of 12 samples`);
    for (let i = 1; i < samples.length; i++) {
      assert.ok(pos(samples[i]) >= pos(samples[i - 1]),
        `the highlight moves forward: ${JSON.stringify(samples.slice(i - 1, i + 1))}`);
    }
    assert.ok(new Set(samples.map(pos)).size >= 6, `the highlight moved: ${JSON.stringify(samples)}`);

    // Each word lit up within 100 ms of being heard (the audio clock less the output latency).
    a = await audio(page);
    let checked = 0;
    const lags = [];
    for (const s of a.spoken) {
      const src = [...a.sources].reverse().find((x) => x.id === s.id && x.startTime !== null &&
        x.startTime <= s.time);
      const n = a.narrations.find((x) => x.id === s.id && x.speed === 'normal' && !x.failed);
      if (!src || !n || s.time === null) continue;
      const heard = (s.time - src.startTime + textPosition(a.sources, src) - a.latency) * 1000;
      const word = n.words.find((w) => w[0] <= s.at && s.at < w[0] + Math.max(w[1], 1)) ||
        n.words.filter((w) => w[0] <= s.at).pop();
      assert.ok(word, `a timing for ${s.id} at ${s.at}`);
      assert.ok(heard >= word[2] - 30 && heard - word[2] <= 100,
        `"${s.word}" (${s.id}) lit at ${heard.toFixed(0)} ms of audio; it is spoken at ${word[2]} ms`);
      checked += 1;
      lags.push(Math.round(heard - word[2]));
    }
    assert.ok(checked >= 8,
      `${checked} highlighted words were checked against their timings (lags ${lags} ms)`);

    // axe while a word is highlighted.
    await page.waitForSelector('.is-spoken');
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('welcome with a word highlighted', v));
    assert.ok(await page.$('.is-spoken'), 'a word is still highlighted after axe ran');

    // The words on the page are unchanged for everyone else: no roles or labels on the spans.
    assert.equal(await page.textContent('#page-title'), pageText('welcome').title);
    assert.equal(await page.$$eval('.word', (ws) => ws.filter((w) => w.attributes.length > 2 ||
      [...w.attributes].some((x) => x.name.startsWith('aria') || x.name === 'role')).length), 0);

    // Stop: the sound ends, the highlight goes, and nothing more plays.
    await page.click('#narration-stop');
    a = await audio(page);
    assert.ok(a.sources.every((s) => s.stopped || s.ended), 'every source stopped or ended');
    assert.equal(await page.$('.is-spoken'), null);
    assert.equal(await page.$('.is-reading'), null);
    const count = a.sources.length;
    await sleep(800);
    assert.equal((await audio(page)).sources.length, count, 'nothing plays after Stop');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('each speed is faster than the one before, and a change of speed carries on from the same word', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await page.click('#narration-listen');
    const normal = await waitForSource(page, 'welcome/title');
    // Mid-sentence in the first paragraph, change to Faster.
    await page.waitForFunction(() => {
      const w = document.querySelector('[data-text-id="welcome/say/1"] .is-spoken');
      return w && Number(w.dataset.at) >= 14;
    });
    const at = (await spokenNow(page)).at;
    const n = (await audio(page)).sources.length;
    await page.click('#narration-speed-faster');
    assert.equal(await page.getAttribute('#narration-speed-faster', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#narration-speed-normal', 'aria-pressed'), 'false');
    const again = await waitForSource(page, 'welcome/say/1', n);
    assert.ok(again.offset > 0.3, `the paragraph carries on from its middle (at ${again.offset} s)`);
    await sleep(300);
    const now = await spokenNow(page);
    assert.equal(now.id, 'welcome/say/1');
    assert.ok(now.at >= at - 6, `the highlight carries on from "${at}", now at ${now.at}`);
    let a = await audio(page);
    const last = a.sent.filter((m) => m.type === 'narrate').pop();
    assert.equal(last.speed, 'faster');
    assert.equal(last.ids[0], 'welcome/say/1', 'asked again from the text being read');

    // Listen again at Faster: the same title is shorter than at Normal.
    const m = a.sources.length;
    await page.click('#narration-listen');
    const fast = await waitForSource(page, 'welcome/title', m);
    assert.ok(fast.duration < normal.duration * 0.9,
      `the title lasts ${fast.duration.toFixed(2)} s at Faster, ${normal.duration.toFixed(2)} s at Normal`);
    // And Slower is slower.
    const k = (await audio(page)).sources.length;
    await page.click('#narration-speed-slower');
    await page.click('#narration-listen');
    const slow = await waitForSource(page, 'welcome/title', k);
    assert.ok(slow.duration > normal.duration * 1.1,
      `the title lasts ${slow.duration.toFixed(2)} s at Slower`);
    // Slowest is slower still, and Fastest faster than Faster: five speeds in order.
    const j = (await audio(page)).sources.length;
    await page.click('#narration-speed-slowest');
    assert.equal(await page.getAttribute('#narration-speed-slowest', 'aria-pressed'), 'true');
    await page.click('#narration-listen');
    const slowest = await waitForSource(page, 'welcome/title', j);
    assert.ok(slowest.duration > slow.duration * 1.1,
      `the title lasts ${slowest.duration.toFixed(2)} s at Slowest`);
    const i = (await audio(page)).sources.length;
    await page.click('#narration-speed-fastest');
    await page.click('#narration-listen');
    const fastest = await waitForSource(page, 'welcome/title', i);
    assert.ok(fastest.duration < fast.duration * 0.9,
      `the title lasts ${fastest.duration.toFixed(2)} s at Fastest`);
    await page.click('#narration-stop');
    a = await audio(page);
    assert.equal(a.sent[a.sent.length - 1].type, 'narrate_stop');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** From the welcome page to the plan with the demo code (the "who" page answered "me"). */
async function openPlan(page) {
  await page.click('#next');
  await waitForPage(page, 'who');
  await page.click('label[for="option-me"]');
  await page.waitForSelector('#save-status[data-state="kept"]');
  await page.click('#next');
  await waitForPage(page, 'code');
  await page.click('#code-input');
  await page.keyboard.type(server.code);
  await page.keyboard.press('Enter');
}

test('each new page reads itself after a touch, and the check page reads back the answer', async () => {
  const words = 'People say I am a good listener';
  const first = await openKiosk(browser, server.url, { audio: true });
  try {
    const { page } = first;
    // Start is the first touch: the next page is read by itself, from the top.
    await page.click('#next');
    await waitForPage(page, 'who');
    await waitForSource(page, 'who/title');
    const a = await audio(page);
    assert.equal(a.sent[0].type, 'narrate', 'the welcome page was not read: it came before the touch');
    assert.deepEqual(a.sent[0].ids.slice(0, 3), ['msg/progress', 'part/2/title', 'who/title']);
    assert.ok(a.sent[0].ids.includes('who/option/me'), `options are read: ${a.sent[0].ids}`);
    await page.click('#narration-speed-faster');
    await page.click('#back');
    await waitForPage(page, 'welcome');
    // Write an answer in the plan.
    await openPlan(page);
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await typeAndSave(page, '#answer', words);
    assert.deepEqual(first.pageErrors, []);
  } finally {
    await first.context.close();
  }

  // Back with the code: the check page reads the answer back.
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await openPlan(page);
    await waitForPage(page, 'welcome-back');
    await page.click('#narration-speed-faster');
    await page.click('#action-check');
    await waitForPage(page, 'check');
    const { sources: { length: from }, sent: { length: sentBefore } } = await audio(page);
    await page.click('#narration-listen');
    const asked = (await audio(page)).sent.slice(sentBefore).filter((m) => m.type === 'narrate');
    assert.ok(asked.some((m) => m.ids.includes('answer/like-admire')),
      `the answer is asked for: ${asked.map((m) => m.ids)}`);
    assert.ok(asked.every((m) => m.speed === 'faster' && m.ids.length <= 64));
    const src = await waitForSource(page, 'answer/like-admire', from, 40000);
    assert.ok(src.duration > 1, `the answer's audio lasts ${src.duration} s`);
    await page.waitForFunction(() => !document.querySelector('[data-text-id="answer/like-admire"].is-reading'),
      null, { timeout: 20000 });
    const lit = (await audio(page)).spoken.filter((s) => s.id === 'answer/like-admire').map((s) => s.word);
    assert.deepEqual(lit, words.split(' '), 'every word of the answer lit up, in order');
    await page.click('#narration-stop');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('every narration control works by keyboard alone', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    // Tab to Listen, Enter.
    await tabTo(page, '#narration-listen');
    await page.keyboard.press('Enter');
    await waitForSource(page, 'msg/progress');
    await page.waitForSelector('.is-spoken');

    // Faster with Space: the page carries on at Faster.
    await tabTo(page, '#narration-speed-faster');
    const n = (await audio(page)).sources.length;
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#narration-speed-faster', 'aria-pressed'), 'true');
    await page.waitForFunction((k) => window.__audio.sources.length > k, n);
    let a = await audio(page);
    assert.equal(a.sent.filter((m) => m.type === 'narrate').pop().speed, 'faster');

    // The other voice with the arrow keys.
    await tabTo(page, '#narration-voice');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => window.__audio.sent.some((m) => m.voice === 'david'));
    assert.equal(await page.inputValue('#narration-voice'), 'david');

    // Quieter with the arrow keys: the gain follows at once.
    await tabTo(page, '#narration-volume');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.inputValue('#narration-volume'), '80');
    a = await audio(page);
    assert.ok(Math.abs(a.gains[0] - 0.8) < 0.001, `gain ${a.gains[0]}`);

    // Back to Stop, Enter: the sound stops and the highlight goes.
    await tabTo(page, '#narration-stop', 'Shift+Tab');
    await page.keyboard.press('Enter');
    a = await audio(page);
    assert.ok(a.sources.every((s) => s.stopped || s.ended), 'every source stopped or ended');
    assert.equal(await page.$('.is-spoken'), null);
    const count = a.sources.length;
    await sleep(700);
    assert.equal((await audio(page)).sources.length, count, 'nothing plays after Stop');

    // Repeat, Enter: the last text of the page read again, from its start (not the words
    // focus speech said on the way: "Repeat, button").
    await tabTo(page, '#narration-repeat');
    const pageIds = a.sent.find((x) => x.type === 'narrate' && x.ids[0] === 'msg/progress').ids;
    const lastId = [...a.sources].reverse().find((s) => pageIds.includes(s.id)).id;
    await page.keyboard.press('Enter');
    const again = await waitForSource(page, lastId, count);
    assert.equal(again.offset, 0);
    await tabTo(page, '#narration-stop', 'Shift+Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.$('.is-reading'), null);

    // Read each page aloud: off with Enter; the next page stays quiet.
    await tabTo(page, '#narration-auto');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#narration-auto', 'aria-pressed'), 'false');
    const sent = (await audio(page)).sent.length;
    await tabTo(page, '#next');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'who');
    await sleep(800);
    a = await audio(page);
    assert.equal(a.sent.filter((m) => m.type === 'narrate').length,
      a.sent.slice(0, sent).filter((m) => m.type === 'narrate').length, 'the new page was not read');
    // The bar stays where it was, and focus went to the new page's heading as always.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title');

    // axe on the narrow screen, with no sideways scrolling.
    await page.setViewportSize({ width: 320, height: 640 });
    await page.waitForFunction(() => window.innerWidth === 320);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth -
      document.documentElement.clientWidth);
    assert.ok(wide <= 0, `the page scrolls sideways by ${wide}px at 320px`);
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('who at 320px with the narration bar', v));
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a voice that fails is said once, politely, and the page carries on', async () => {
  // Between the page and the server: every narrate is answered "no-sound", as a server
  // whose voice stopped working would.
  const route = async (page) => {
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const srv = ws.connectToServer();
      ws.onMessage((m) => {
        let j = null;
        try {
          j = typeof m === 'string' ? JSON.parse(m) : null;
        } catch {
          j = null;
        }
        if (j && j.type === 'narrate') {
          ws.send(JSON.stringify({ type: 'error', seq: j.seq, code: 'no-sound',
            message: 'Sorry, the voice is not working now. You can still read the page.' }));
        } else if (!(j && j.type === 'narrate_stop')) {
          srv.send(m);
        }
      });
    });
  };
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true,
    beforeOpen: route });
  try {
    await page.click('#narration-listen');
    await page.waitForSelector('#narration-status:not(:empty)');
    assert.equal(await page.textContent('#narration-status'),
      'Sorry, the voice is not working now. You can still read the page.');
    assert.equal(await page.getAttribute('#narration-status', 'role'), 'status');
    assert.equal(await page.textContent('#page-error'), '', 'not shown as a page error');
    // Said once: pressing Listen again does not say it again.
    await page.click('#narration-listen');
    await sleep(300);
    assert.equal(await page.textContent('#narration-status'),
      'Sorry, the voice is not working now. You can still read the page.');
    assert.equal((await audio(page)).sources.length, 0);
    // The page works as before.
    await page.click('#next');
    await waitForPage(page, 'who');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
