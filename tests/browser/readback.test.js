// Reading back in a real browser, with the real server's voice: an answer typed on its own page
// is read as it was saved, each word lit up in the answer box itself, and again after it
// changed, while the box keeps the focus and the cursor; the plan code is read piece by piece,
// each word and each digit alone, lit up in the big code, then its numbers digit by digit; the kiosk's "Do you need more time?"
// is read aloud when it comes, countdown and all; no warning comes while the voice is reading;
// and on a narrow screen with bigger text the less used sound choices fold away behind "More
// sound choices", which opens by keyboard, with axe finding nothing wrong.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, typeAndSave,
  message,
} = require('./harness.js');

const IDLE_S = 5; // the shortest the server allows
const WARN_S = 30; // long enough for the warning to be read before the screen clears

let server;
let quick; // a server whose kiosk asks "Do you need more time?" after IDLE_S seconds
let browser;

before(async () => {
  server = await startServer();
  quick = await startServer(['--idle-seconds', String(IDLE_S), '--warn-seconds', String(WARN_S)]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await quick?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What narration has done so far (see AUDIO_LOG in harness.js). */
async function audio(page) {
  return page.evaluate(() => ({
    sources: window.__audio.sources,
    sent: window.__audio.sent,
    spoken: window.__audio.spoken,
  }));
}

/** Waits for a source of a text whose id matches to start playing (after `from` sources). */
async function waitForSource(page, match, from = 0, timeout = 40000) {
  const h = await page.waitForFunction(([m, f]) => window.__audio.sources.slice(f)
    .find((s) => s.id !== null && new RegExp(m).test(s.id) && s.startTime !== null),
  [match.source, from], { timeout });
  return h.jsonValue();
}

/** Waits until nothing is being read: no text marked as being read, every source finished. */
async function waitForQuiet(page, timeout = 60000) {
  await page.waitForFunction(() => !document.querySelector('.is-reading') &&
    window.__audio.sources.every((s) => s.ended || s.stopped), null, { timeout });
}

/** The words lit up in the texts whose id matches, in order, from spoken entry `from`. */
async function litWords(page, match, from = 0) {
  return (await audio(page)).spoken.slice(from).filter((s) => s.id && match.test(s.id)).map((s) => s.word);
}

/** From the welcome page to the plan with the demo code (the "who" page answered "me"). */
async function openPlan(page, code) {
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

test('an answer typed on its own page is read back as saved, each word lit in the box', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await openPlan(page, server.code);
    await waitForPage(page, 'profile-intro');
    await page.click('#next');
    await waitForPage(page, 'like-admire');
    await page.click('#narration-stop'); // the page read itself; quiet while typing
    await page.click('#narration-speed-faster');

    // Nothing typed yet: nothing to read back.
    assert.equal(await page.isVisible('[data-text-id="answer/like-admire"]'), false);

    const first = 'People say I am a good listener';
    await typeAndSave(page, '#answer', first);
    // The box kept the person's focus and cursor: it was not drawn again.
    assert.deepEqual(await page.evaluate(() => {
      const a = document.activeElement;
      return { id: a.id, value: a.value, at: a.selectionStart };
    }), { id: 'answer', value: first, at: first.length });
    // The saved words lie over the box, word for word, hidden from screen readers (they read
    // the box), and touches go through them to the box.
    const echo = '[data-text-id="answer/like-admire"]';
    assert.equal(await page.textContent(echo), first);
    assert.equal(await page.getAttribute(echo, 'aria-hidden'), 'true');
    const boxes = await page.evaluate((sel) => {
      const r = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height].map(Math.round); };
      const e = document.querySelector(sel);
      return { echo: r(e), box: r(document.getElementById('answer')),
        touch: getComputedStyle(e).pointerEvents };
    }, echo);
    assert.deepEqual(boxes.echo, boxes.box, 'the words lie exactly over the box');
    assert.equal(boxes.touch, 'none');

    // Listen: the answer is asked for with the page, and each of its words lights up in order.
    let { sent: { length: sentBefore }, sources: { length: from }, spoken: { length: litFrom } } =
      await audio(page);
    await page.click('#narration-listen');
    await waitForSource(page, /^answer\/like-admire$/, from);
    await waitForQuiet(page);
    const asked = (await audio(page)).sent.slice(sentBefore).filter((m) => m.type === 'narrate')
      .flatMap((m) => m.ids);
    assert.ok(asked.includes('answer/like-admire'), `the answer is asked for: ${asked}`);
    assert.ok(asked.indexOf('like-admire/ask') < asked.indexOf('answer/like-admire'),
      'the answer is read after the question');
    assert.deepEqual(await litWords(page, /^answer\/like-admire$/, litFrom), first.split(' '),
      'every word of the answer lit up, in order');

    // More words: read back as saved now, though the page was not sent again.
    const more = ' and I make them laugh';
    await page.click('#answer');
    await page.keyboard.press('End');
    await typeAndSave(page, '#answer', more);
    assert.equal(await page.textContent(echo), first + more);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'answer');
    ({ sources: { length: from }, spoken: { length: litFrom } } = await audio(page));
    await page.click('#narration-listen');
    await waitForSource(page, /^answer\/like-admire$/, from);
    // A word of the answer lit up: axe finds nothing wrong with the highlight over the box.
    // (axe holds up the page for a moment, so a word or two may light up too late to be seen:
    // this time the words lit must come in order and reach the new words at the end.)
    await page.waitForSelector(`${echo} .word.is-spoken`);
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('like-admire with an answer word highlighted', v));
    await waitForQuiet(page);
    const all = (first + more).split(' ');
    const lit = await litWords(page, /^answer\/like-admire$/, litFrom);
    let at = 0;
    for (const w of lit) {
      at = all.indexOf(w, at) + 1;
      assert.ok(at > 0, `the words lit come in order from the answer: ${lit}`);
    }
    assert.equal(lit[lit.length - 1], 'laugh', `the new words at the end are read too: ${lit}`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the saved code is read slowly, a word or a digit at a time, each lit in the big code, then its numbers', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    // The person has headphones on (the code is private: docs/narration.md, "Private listening").
    await page.click('#page-title'); // the first touch: "Are you using headphones?"
    await page.click('#headphones-yes');
    // A new plan: its code is shown on the code page, and again on "Save and finish later".
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    const code = (await page.textContent('#code-display')).trim();
    assert.match(code, /^[a-z]+-[a-z]+-[a-z]+-[2-9]{4}$/, 'the code is shown as it is typed');
    await page.click('#next');
    await waitForPage(page, 'profile-intro');
    const { sources: { length: from }, sent: { length: sentBefore } } = await audio(page);
    await page.click('#save-later'); // a touch: the new page reads itself
    await waitForPage(page, 'saved-code');
    assert.equal((await page.textContent('#code-display')).trim(), code);
    const pieces = [...code.split('-').slice(0, 3), ...code.split('-')[3].split('')];
    assert.equal(pieces.length, 7);
    // Each piece is a text of its own, in order.
    assert.deepEqual(await page.$$eval('#code-display [data-text-id]', (es) =>
      es.map((e) => [e.dataset.textId, e.textContent])), pieces.map((p, i) => [`code/${i + 1}`, p]));
    // Under it, its numbers: each digit a text of its own too.
    const numbers = (await page.textContent('#code-numbers')).trim().replace(/ /g, '').split('');
    assert.equal(numbers.length, 16);
    assert.deepEqual(await page.$$eval('#code-numbers [data-text-id]', (es) =>
      es.map((e) => [e.dataset.textId, e.textContent])), numbers.map((d, i) => [`code-numbers/${i + 1}`, d]));
    await waitForSource(page, /^code-numbers\/16$/, from);
    await waitForQuiet(page);
    const a = await audio(page);
    const asked = a.sent.slice(sentBefore).filter((m) => m.type === 'narrate').flatMap((m) => m.ids);
    const codeIds = asked.filter((id) => id.startsWith('code/'));
    assert.deepEqual(codeIds, pieces.map((p, i) => `code/${i + 1}`), 'every piece is asked for, in order');
    // Each piece is said on its own (a digit is "four", not part of "four thousand…"), and lights
    // up in the big code while it is said.
    const played = a.sources.slice(from).filter((s) => s.id && s.id.startsWith('code/') && s.ended);
    assert.deepEqual(played.map((s) => s.id), codeIds, 'each piece played to its end, in order');
    for (const s of played) assert.ok(s.duration > 0.25, `${s.id} lasts ${s.duration} s`);
    const lit = a.spoken.filter((s) => s.id && s.id.startsWith('code/'));
    assert.deepEqual(lit.map((s) => s.word), pieces, 'each piece of the code lit up, in order');
    const inCode = await page.evaluate(() => [...document.querySelectorAll('.word')]
      .filter((w) => w.closest('#code-display')).length);
    assert.equal(inCode, 7);
    // Then "Or type these numbers", and the numbers digit by digit, each lit up as it is said.
    const numberIds = asked.filter((id) => id.startsWith('code-numbers/'));
    assert.deepEqual(numberIds, numbers.map((d, i) => `code-numbers/${i + 1}`), 'every digit, in order');
    const label = asked.indexOf('msg/code.numbers');
    assert.ok(label > asked.indexOf('code/7') && label < asked.indexOf('code-numbers/1'),
      `the numbers' label between the code and the numbers: ${asked}`);
    const playedDigits = a.sources.slice(from).filter((s) => s.id && s.id.startsWith('code-numbers/') && s.ended);
    assert.deepEqual(playedDigits.map((s) => s.id), numberIds, 'each digit played to its end, in order');
    for (const s of playedDigits) assert.ok(s.duration > 0.25, `${s.id} lasts ${s.duration} s`);
    const litDigits = a.spoken.filter((s) => s.id && s.id.startsWith('code-numbers/'));
    assert.deepEqual(litDigits.map((s) => s.word), numbers, 'each digit lit up, in order');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('"Do you need more time?" waits while the voice reads, then is read aloud itself', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, quick.url, { audio: true, clock: true });
  try {
    // Listen is the first touch: the idle time starts, and the welcome page is read.
    await page.click('#narration-listen');
    const t0 = Date.now();
    await waitForSource(page, /^welcome\/title$/);
    // While the voice reads (longer than the idle time), no warning comes. Once it has read for
    // well over the idle time, it is stopped (as by the page, not by a touch, which would count
    // as the person being there): the rest of the welcome page need not be heard out.
    let readFor = 0;
    for (;;) {
      const state = await page.evaluate(async (enough) => {
        const narration = await import('/js/narration.js');
        const reading = narration.isPlaying();
        if (reading && enough) narration.stop();
        return { reading, warning: document.getElementById('timeout').open };
      }, readFor > (IDLE_S + 2) * 1000);
      if (!state.reading) break;
      assert.equal(state.warning, false, `the warning came while the voice read (${Date.now() - t0} ms)`);
      readFor = Date.now() - t0;
      await sleep(200);
    }
    const quietAt = Date.now();
    assert.ok(readFor > (IDLE_S + 1) * 1000, `the voice read for ${readFor} ms, more than the idle time`);

    // Then the idle time runs from when it stopped (the kiosk looks once a second whether the
    // voice still reads): the page's clock is moved on rather than waited for.
    const sentBefore = (await audio(page)).sent.length;
    const waited = Date.now() - quietAt;
    await page.clock.runFor(Math.max(0, (IDLE_S - 1.3) * 1000 - waited));
    assert.equal(await page.isVisible('dialog#timeout[open]'), false,
      'no warning until the idle time has passed since the voice stopped');
    await page.clock.runFor(1500);
    await page.waitForSelector('dialog#timeout[open]');

    // The warning is read aloud: its title, then the countdown with its number.
    const body = /^msg\/timeout\.body\?seconds=\d+$/;
    const lit = await page.waitForFunction(() => window.__audio.spoken
      .find((s) => s.id && s.id.startsWith('msg/timeout.body?seconds=')), null, { timeout: 25000 });
    assert.ok(await lit.jsonValue(), 'a word of the countdown lit up as it was read');
    const a = await audio(page);
    const asked = a.sent.slice(sentBefore).filter((m) => m.type === 'narrate').flatMap((m) => m.ids);
    assert.equal(asked[0], 'msg/timeout.title', `the warning is read from its title: ${asked}`);
    assert.ok(asked.includes(`msg/timeout.body?seconds=${WARN_S}`),
      `the countdown is asked for with its number: ${asked}`);
    const src = a.sources.find((s) => s.id && body.test(s.id));
    assert.ok(src && src.duration > 1.5, `the countdown's audio lasts ${src && src.duration} s`);
    await page.click('#timeout-more');
    await page.waitForSelector('dialog#timeout', { state: 'hidden' });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('on a narrow screen with bigger text the sound choices fold away, and open by keyboard', async () => {
  // Wide: there is room, so the choices show.
  const wide = await openKiosk(browser, server.url);
  try {
    assert.equal(await wide.page.evaluate(() => document.getElementById('narration-more').open), true);
    assert.equal(await wide.page.isVisible('#narration-speed-normal'), true);
  } finally {
    await wide.context.close();
  }

  const { context, page, pageErrors } = await openKiosk(browser, server.url,
    { viewport: { width: 320, height: 640 } });
  try {
    await page.focus('#bigger-text');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('bigger-text')), true);
    // Listen, Stop, Repeat and Pause are there; the rest is folded away, and the page begins on
    // the first screen.
    for (const id of ['narration-listen', 'narration-stop', 'narration-repeat', 'narration-pause']) {
      assert.equal(await page.isVisible(`#${id}`), true, `${id} shows`);
    }
    assert.equal(await page.evaluate(() => document.getElementById('narration-more').open), false);
    for (const id of ['narration-auto', 'narration-speed-normal', 'narration-voice', 'narration-volume']) {
      assert.equal(await page.isVisible(`#${id}`), false, `${id} is folded away`);
    }
    const room = await page.evaluate(() => ({
      bar: document.getElementById('narration').getBoundingClientRect().bottom,
      page: document.querySelector('#page > :not(.page-error)').getBoundingClientRect().top,
      height: window.innerHeight,
    }));
    assert.ok(room.bar < room.height * 0.8, `the bar ends at ${room.bar}px of ${room.height}px`);
    assert.ok(room.page < room.height - 48, `the page begins at ${room.page}px of ${room.height}px`);
    assert.equal(await page.textContent('#narration-more-label'), message('narration.more'));
    let v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('welcome at 320px, bigger text, choices folded', v));

    // By keyboard: Tab from Pause reaches "More sound choices"; Enter opens it; Tab goes on
    // into the choices, which work; Enter on it again closes it.
    await page.focus('#narration-pause');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.matches('#narration-more > summary')), true);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.getElementById('narration-more').open), true);
    assert.equal(await page.evaluate(() => document.activeElement.matches('#narration-more > summary')), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'narration-auto');
    while (await page.evaluate(() => document.activeElement.id) !== 'narration-speed-faster') {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#narration-speed-faster', 'aria-pressed'), 'true');
    const wideBy = await page.evaluate(() => document.documentElement.scrollWidth -
      document.documentElement.clientWidth);
    assert.ok(wideBy <= 0, `the page scrolls sideways by ${wideBy}px with the choices open`);
    v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('welcome at 320px, bigger text, choices open', v));
    await page.focus('#narration-more > summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.getElementById('narration-more').open), false);
    assert.equal(await page.isVisible('#narration-speed-faster'), false);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
