// Sound only: a person who cannot see the screen, with headphones and a keyboard but no screen
// reader. With the page hidden and keys only, every focus move says what has focus (its own
// text, then what it is and its state, as fixed messages the server reads ahead), a new focus
// cuts off the old speech and the page reading, a new page still reads itself from its title;
// typing in a box stops the voice; Pause holds the sound and the highlight and Carry on goes on
// from there; and, when asked for, each key typed is said.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark,
  waitForSave,
} = require('./harness.js');
const { hide, press, keysPressed, speechAfter } = require('./sound.js');

const IDLE_S = 120; // the kiosk's idle time before "Do you need more time?"
let server;
let browser;

before(async () => {
  server = await startServer(['--idle-seconds', String(IDLE_S)]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const m = (name) => 'msg/' + name;

/** What the page has sent so far: narrate and narrate_stop messages. */
async function sentCount(page) {
  return page.evaluate(() => window.__audio.sent.length);
}

/** The first narrate sent after `from` messages; with its index, and what came just before it. */
async function nextNarrate(page, from) {
  const h = await page.waitForFunction((f) => {
    const sent = window.__audio.sent;
    for (let i = f; i < sent.length; i++) {
      if (sent[i].type === 'narrate') return { i, ids: sent[i].ids, before: i > 0 ? sent[i - 1].type : null };
    }
    return null;
  }, from);
  return h.jsonValue();
}

/** Waits for a source of text id to start playing after `from` sources. */
async function heard(page, id, from = 0) {
  await page.waitForFunction(([i, f]) => window.__audio.sources.some((s, k) => k >= f && s.id === i &&
    s.startTime !== null), [id, from]);
}

async function sourceCount(page) {
  return page.evaluate(() => window.__audio.sources.length);
}

/** Every source started before `upTo` has stopped or ended. */
async function allQuiet(page, upTo) {
  return page.evaluate((n) => window.__audio.sources.slice(0, n).every((s) => s.stopped || s.ended), upTo);
}

/**
 * Presses key and returns what that focus move said: the ids of the narrate it sent, and
 * whether a narrate_stop cut off what was said before. Waits until its words play; words asked
 * for before the key went down (an earlier move's, the rest of a page reading) are not taken
 * for its own (sound.js, speechAfter). The key must move focus.
 */
async function move(page, key) {
  return press(page, key);
}

/** What focus speech should say for each control of the bar and the page's chrome. */
function expectedFor(active) {
  const speed = /^narration-speed-(.+)$/.exec(active.id);
  if (speed) {
    return [m('narration.' + speed[1]), m('focus.button'),
      m(active.pressed === 'true' ? 'focus.chosen' : 'focus.not-chosen')];
  }
  const echo = /^narration-echo-(.+)$/.exec(active.id);
  if (echo) {
    return [m('narration.echo-' + echo[1]), m('focus.button'),
      m(active.pressed === 'true' ? 'focus.chosen' : 'focus.not-chosen')];
  }
  const language = /^language-(page|header)-(.+)$/.exec(active.id);
  if (language) { // each language is said in itself, in its own voice
    return [`lang/${language[2]}`, m('focus.button'),
      m(active.pressed === 'true' ? 'focus.chosen' : 'focus.not-chosen')];
  }
  return {
    'skip-link': [m('skip'), m('focus.link')],
    'bigger-text': [m('bigger-text'), m('focus.button'), m('focus.off')],
    'narration-listen': [m('narration.listen'), m('focus.button')],
    'narration-stop': [m('narration.stop'), m('focus.button')],
    'narration-repeat': [m('narration.repeat'), m('focus.button')],
    'narration-pause': [m('narration.pause'), m('focus.button')],
    'summary': [m('narration.more'), m('focus.button'), m('focus.open')],
    'narration-auto': [m('narration.auto'), m('focus.button'), m('focus.on')],
    'narration-voice': [m('narration.voice'), 'voice/ruth', m('focus.choose')],
    'narration-volume': [m('narration.volume'), m('focus.slider'), 'msg/focus.position?n=10&of=10'],
    'input-touch': [m('input.touch'), m('focus.button'), m('focus.not-chosen')],
    'headphones-yes': [m('headphones.yes'), m('focus.button')],
    'headphones-no': [m('headphones.no'), m('focus.button')],
    'next': [m('start'), m('focus.button')],
  }[active.id];
}

async function activeElement(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    return { id: a.id || a.tagName.toLowerCase(), pressed: a.getAttribute('aria-pressed') };
  });
}

test('with the page hidden, each focus move says what has focus, and cuts off what was said', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await hide(page);
    // The first key is the first gesture: sound is allowed, and the welcome page reads itself,
    // asking "Are you using headphones?". Focus is on the first language, English, which is not
    // said on its own: the page's reading says it.
    let said = await move(page, 'Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'language-page-en-GB');
    assert.deepEqual(said.ids.slice(0, 3), [m('progress'), 'part/1/title', 'welcome/title'],
      'the welcome page is read from the top');
    assert.ok(said.ids.includes(m('headphones.ask')), `the question is read: ${said.ids}`);
    await heard(page, 'welcome/title');

    // Back through the sound bar to the skip link: each control says its words.
    const visited = new Set();
    for (let i = 0; i < 30 && !visited.has('skip-link'); i++) {
      said = await move(page, 'Shift+Tab');
      const active = await activeElement(page);
      visited.add(active.id);
      const want = expectedFor(active);
      assert.ok(want, `focus went to ${active.id}, which this test does not know`);
      assert.deepEqual(said.ids, want, `what ${active.id} says`);
    }
    for (const id of ['skip-link', 'bigger-text', 'narration-listen', 'narration-stop', 'narration-repeat',
      'narration-pause', 'summary', 'narration-auto', 'narration-echo-off', 'narration-voice',
      'narration-volume', 'narration-speed-normal']) {
      assert.ok(visited.has(id), `${id} was reached and said: ${[...visited]}`);
    }

    // Forward to Start again, and Enter: the new page reads itself from its title; its heading
    // taking focus is not said on its own.
    for (let i = 0; i < 50 && (await activeElement(page)).id !== 'next'; i++) await move(page, 'Tab');
    const keys = await keysPressed(page);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'who');
    said = await speechAfter(page, keys);
    assert.deepEqual(said.ids.slice(0, 3), [m('progress'), 'part/2/title', 'who/title'],
      'the new page is read from the top');
    // What the picture shows is read too, after what the page says and before its question; the
    // image needs no alt of its own then (a screen reader hears the words once).
    const at = (id) => said.ids.indexOf(id);
    assert.ok(at('who/picture') > at('who/title') && at('who/picture') < at('who/ask'),
      `the picture is described after the words, before the question: ${said.ids}`);
    assert.equal(await page.getAttribute('#page .picture', 'alt'), '');
    await heard(page, 'who/title');

    // Tab to the choices: the reading stops, and the choice says its words, state and place.
    const played = await sourceCount(page);
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, ['who/option/me', m('focus.not-selected'), 'msg/focus.position?n=1&of=2']);
    assert.equal(said.before, 'narrate_stop', 'the page reading was cut off');
    assert.ok(await allQuiet(page, played), 'the page reading stopped');
    said = await move(page, 'ArrowDown');
    assert.deepEqual(said.ids, ['who/option/helper', m('focus.selected'), 'msg/focus.position?n=2&of=2']);
    const mark = await saveMark(page);
    said = await move(page, 'ArrowUp');
    assert.deepEqual(said.ids, ['who/option/me', m('focus.selected'), 'msg/focus.position?n=1&of=2']);
    await waitForSave(page, mark, 'kept');
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, [m('next'), m('focus.button')]);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'code');

    // The code box: its label, what it is, empty, and its hint. Typing stops the voice, and the
    // code typed is never read.
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, [m('code.label'), m('focus.text-box'), m('focus.empty'), m('code.hint'), m('code.or-numbers')]);
    await heard(page, m('code.label'));
    const typedAt = await sourceCount(page);
    const from = await sentCount(page);
    await page.keyboard.type(server.code);
    let sent = await page.evaluate((f) => window.__audio.sent.slice(f), from);
    assert.deepEqual(sent.map((x) => x.type), ['narrate_stop'], 'typing stopped the voice, once');
    assert.ok(await allQuiet(page, typedAt), 'nothing is said while typing');
    // Back to the box: it has words, and they are not read out.
    await move(page, 'Shift+Tab'); // waits for what that move says, so it is not taken for the next
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, [m('code.label'), m('focus.text-box'), m('focus.has-words'), m('code.hint'), m('code.or-numbers')]);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'profile-intro');
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, [m('next'), m('focus.button')]);
    await page.keyboard.press('Enter');
    await waitForPage(page, 'like-admire');

    // A question's box: empty at first; once the answer is saved, the answer itself is read
    // (as the server has it), each word lit up in the box.
    const box = ['like-admire/ask', m('focus.text-box'), m('focus.empty'), 'like-admire/hint'];
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, box);
    // A new focus cuts off what the old one was saying.
    await heard(page, 'like-admire/ask');
    const spoke = await sourceCount(page);
    said = await move(page, 'Shift+Tab');
    assert.equal(said.before, 'narrate_stop', 'the new focus cut off the box\'s words');
    assert.ok(await allQuiet(page, spoke), 'the old words stopped');
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, box);
    const saved = await saveMark(page);
    await page.keyboard.type('I am kind');
    await waitForSave(page, saved);
    await page.keyboard.press('Shift+Tab');
    const before = await sourceCount(page);
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, ['like-admire/ask', m('focus.text-box'), 'answer/like-admire', 'like-admire/hint']);
    await heard(page, 'answer/like-admire', before);
    await page.waitForFunction(() =>
      window.__audio.spoken.filter((s) => s.id === 'answer/like-admire').length >= 3, null,
    { timeout: 20000 });
    sent = await page.evaluate(() => window.__audio.sent.filter((x) => x.type === 'narrate'));
    assert.ok(sent.every((x) => !x.ids.some((id) => id.includes(server.code))), 'the code is never asked for');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** Clicks into the code box, and waits for what its focus says (the box takes the cursor). */
async function clickBox(page) {
  const from = await sentCount(page);
  await page.click('#code-input');
  const said = await nextNarrate(page, from);
  assert.deepEqual(said.ids.slice(0, 2), [m('code.label'), m('focus.text-box')]);
}

test('typing stops the page reading; each letter typed is said when asked for', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('label[for="option-me"]');
    await page.waitForSelector('#save-status[data-state="kept"]');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-input');
    // Listen pressed while the cursor stays in the box (as a switch would): the page is read.
    let from = await sourceCount(page);
    await page.evaluate(() => document.getElementById('narration-listen').click());
    await heard(page, 'code/title', from);
    from = await sourceCount(page);
    let sent = await sentCount(page);
    await page.keyboard.press('x');
    assert.deepEqual((await page.evaluate((f) => window.__audio.sent.slice(f), sent)).map((x) => x.type),
      ['narrate_stop']);
    assert.ok(await allQuiet(page, from), 'the reading stopped at the first letter');
    assert.equal(await page.$('.is-reading'), null);

    // Say what I type: nothing at first; each letter, and each letter, digit and delete is said.
    assert.equal(await page.getAttribute('#narration-echo-off', 'aria-pressed'), 'true');
    await page.click('#narration-echo-letters');
    assert.equal(await page.getAttribute('#narration-echo-letters', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#narration-echo-off', 'aria-pressed'), 'false');
    await clickBox(page);
    for (const [key, id] of [['a', 'key.a'], ['7', 'key.7'], ['Backspace', 'key.delete'], ['Space', 'key.space']]) {
      sent = await sentCount(page);
      from = await sourceCount(page);
      await page.keyboard.press(key);
      const said = await nextNarrate(page, sent);
      assert.deepEqual(said.ids, [m(id)], `${key} is said`);
      await page.waitForFunction(([f, i]) => window.__audio.sources.length > f &&
        window.__audio.narrations.some((n) => n.id === i), [from, m(id)]);
    }
    // Off again: typing is quiet.
    await page.click('#narration-echo-off');
    assert.equal(await page.getAttribute('#narration-echo-letters', 'aria-pressed'), 'false');
    await clickBox(page);
    sent = await sentCount(page);
    await page.keyboard.type('bc');
    assert.ok((await page.evaluate((f) => window.__audio.sent.slice(f), sent)).every((x) => x.type !== 'narrate'),
      'no letter is said');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

async function audioState(page) {
  return page.evaluate(() => {
    const c = window.__audio.contexts[window.__audio.contexts.length - 1];
    return { state: c.state, time: c.currentTime, spoken: window.__audio.spoken.length };
  });
}

test('Pause holds the sound and the highlight; Carry on goes on from there', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    assert.equal(await page.getAttribute('#narration-pause', 'data-text-id'), m('narration.pause'));
    await page.click('#narration-listen');
    await page.waitForFunction(() => window.__audio.spoken.length >= 3);
    await page.click('#narration-pause');
    assert.equal(await page.getAttribute('#narration-pause', 'data-text-id'), m('narration.carry-on'));
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'suspended');
    const held = await audioState(page);
    const word = await page.evaluate(() => document.querySelector('.is-spoken')?.dataset.at ?? null);
    await sleep(600);
    const still = await audioState(page);
    assert.equal(still.time, held.time, 'the audio clock is held');
    assert.equal(still.spoken, held.spoken, 'the highlight does not move');
    assert.equal(await page.evaluate(() => document.querySelector('.is-spoken')?.dataset.at ?? null), word,
      'the word stays lit');
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('paused, with Carry on and "Say each letter I type"', v));

    await page.click('#narration-pause');
    assert.equal(await page.getAttribute('#narration-pause', 'data-text-id'), m('narration.pause'));
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'running');
    await page.waitForFunction((n) => window.__audio.spoken.length > n, still.spoken);
    assert.equal(await page.evaluate(() => window.__audio.sources.filter((s) => s.stopped).length), 0,
      'the reading went on, not from the start');

    // The keyboard's pause key does the same; Escape then stops.
    await page.keyboard.press('Pause');
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'suspended');
    await page.keyboard.press('Pause');
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'running');
    await page.keyboard.press('Pause');
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'suspended');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => window.__audio.contexts.at(-1).state === 'running');
    assert.equal(await page.getAttribute('#narration-pause', 'data-text-id'), m('narration.pause'));
    assert.ok(await allQuiet(page, await sourceCount(page)), 'Escape stopped the sound');
    assert.equal(await page.$('.is-spoken'), null);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a Change button says what it changes; a list entry\'s box reads its words as stored now', async () => {
  // The plan the first test wrote in ("I am kind"): back with the code, to "Check my plan".
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('label[for="option-me"]');
    await page.waitForSelector('#save-status[data-state="kept"]');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.fill('#code-input', server.code);
    await page.press('#code-input', 'Enter');
    await waitForPage(page, 'welcome-back');
    await page.click('#action-check');
    await waitForPage(page, 'check');

    // Change: its word, then the question it changes (the words only a screen reader saw).
    let said = await move(page, 'Tab');
    const question = await page.evaluate(() =>
      document.activeElement.closest('.check-row').querySelector('.check-question').dataset.textId);
    assert.match(await page.evaluate(() => document.activeElement.id), /^change-/);
    assert.deepEqual(said.ids, [m('check.change'), question, m('focus.button')]);

    // A new entry on a list: its box, empty; then, typed and saved, its words as stored now (the
    // page was drawn before they were typed).
    await page.click('#change-outcomes');
    await waitForPage(page, 'outcomes');
    await page.click('#list-add');
    await page.waitForSelector('.item-edit[data-item-id] #field-outcome');
    const entry = await page.getAttribute('.item-edit', 'data-item-id');
    await move(page, 'Shift+Tab'); // waits for what that move says, so it is not taken for the next
    said = await move(page, 'Tab');
    assert.deepEqual(said.ids, ['outcomes/item/outcome', m('focus.text-box'), m('focus.empty')]);
    const mark = await saveMark(page);
    await page.keyboard.type('I want to cook');
    await waitForSave(page, mark);
    await move(page, 'Shift+Tab'); // waits for what that move says, so it is not taken for the next
    said = await move(page, 'Tab');
    const id = `answer/outcomes/${entry}/outcome`;
    assert.deepEqual(said.ids, ['outcomes/item/outcome', m('focus.text-box'), id]);
    const words = await page.waitForFunction((i) => {
      const n = window.__audio.narrations.find((x) => x.id === i && x.samples != null);
      return n ? n.words.length : null;
    }, id);
    assert.equal(await words.jsonValue(), 4, 'the four words typed are read');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('the timeout warning is read from its title, and its buttons say their words', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true, clock: true });
  try {
    // The first key: sound is allowed and the welcome page reads itself; Escape stops it, and
    // the idle time runs from there (while a page is read, the person is listening).
    let said = await move(page, 'Tab');
    assert.equal(said.ids[0], m('progress'), `the welcome page is read: ${said.ids}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.is-reading'));
    const from = await sentCount(page);
    await page.clock.runFor(IDLE_S * 1000 + 500);
    await page.waitForSelector('dialog#timeout[open]');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'timeout-more');
    // Its first button taking focus is not said on its own: the warning is read, from its title.
    said = await nextNarrate(page, from);
    assert.equal(said.ids[0], m('timeout.title'), `the warning is read from its title: ${said.ids}`);
    said = await move(page, 'Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'timeout-finish');
    assert.deepEqual(said.ids, [m('timeout.finish'), m('focus.button')]);
    said = await move(page, 'Shift+Tab');
    assert.deepEqual(said.ids, [m('timeout.more'), m('focus.button')]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog#timeout', { state: 'hidden' });
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
