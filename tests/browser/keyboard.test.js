// The keyboard on the screen (web/js/keyboard.js), on a touch screen with no keyboard: every
// press here is a tap (page.touchscreen.tap()), and the page never gets a key event. A person
// writes a text box, a long-text box, the money of a budget entry and the date of an action with
// it, chooses words it offers (their own earlier words first), deletes and clears; each key is
// said when sound is on, but not the letters of a name or the code; the answers are saved and
// are there after a reload with the code. With `--keyboard on` it shows by itself, fits with Next
// in view at the kiosk sizes, and answers a tap quickly (median and 95th percentile over 200
// taps: docs/performance.md). axe finds nothing with it open, on each layout.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, waitForPage, saveMark, waitForSave, axeViolations, formatViolations,
  sql, message,
} = require('./harness.js');
const {
  openTouch: openTouchIn, tap, tapNext, tapNextUntil, layoutOf, useLayout, typeKeys, keyboardState,
  showKeyboard,
} = require('./touch.js');

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1080, height: 1920 },
];
const TAPS = 200;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const openTouch = (server, viewport = SIZES[0]) => openTouchIn(browser, server, viewport);

async function savedAfter(page, mark, state = 'saved') {
  await waitForSave(page, mark, state);
}

async function assertNoAxe(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], formatViolations(where, v));
}

test('a person with only a touch screen writes their plan with the keyboard on the screen', async () => {
  const server = await startServer();
  const { context, page, said, hello, pageErrors } = await openTouch(server);
  try {
    assert.equal(hello.kiosk.keyboard, 'ask');
    assert.ok(hello.words.length > 100, 'the content\'s words come with hello');
    const known = new Set(hello.words);

    // "Say each letter I type" on, and "Read each page aloud" off: each key is said, and no page
    // reading moves the page while it is touched.
    await tap(page, '#narration-echo-letters');
    await tap(page, '#narration-auto');
    assert.equal(await page.getAttribute('#narration-echo-letters', 'aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#narration-auto', 'aria-pressed'), 'false');
    await tapNext(page, 'who');
    let mark = await saveMark(page);
    await tap(page, 'label[for="option-helper"]');
    await savedAfter(page, mark, 'kept');
    await tapNext(page, 'helper-name');

    // A name is private: its letters are not said aloud (the person has not said they have
    // headphones), though the keyboard's own buttons are.
    await showKeyboard(page, 'answer');
    let from = said.length;
    mark = await saveMark(page);
    await typeKeys(page, 'sam');
    await tap(page, '#keyboard .key-space');
    assert.equal(await page.inputValue('#answer'), 'Sam ', 'the first letter is a capital');
    await savedAfter(page, mark, 'kept');
    assert.deepEqual(said.slice(from).filter((id) => id.startsWith('msg/key.')), [],
      'the letters of a name are not read aloud');
    assert.ok(said.slice(from).includes('msg/keyboard.space'));

    // Next is there to touch above the keyboard.
    await tapNext(page, 'helper-relationship');
    assert.equal((await keyboardState(page)).open, false, 'a new page starts without it');

    // A text box, with a word the keyboard offers: every key said, and the word chosen.
    await showKeyboard(page, 'answer');
    from = said.length;
    mark = await saveMark(page);
    await typeKeys(page, 'my fr');
    const offered = (await keyboardState(page)).words;
    assert.ok(offered.length >= 1 && offered.length <= 4, `3 or 4 words offered: ${offered}`);
    for (const w of offered) {
      assert.ok(w.startsWith('fr') && known.has(w), `${w} is a word of the content that starts "fr"`);
    }
    await tap(page, '#keyboard .key-word');
    assert.equal(await page.inputValue('#answer'), `My ${offered[0]} `);
    await savedAfter(page, mark, 'kept');
    const heard = said.slice(from);
    for (const id of ['msg/key.m', 'msg/key.y', 'msg/keyboard.space', 'msg/key.f', 'msg/key.r',
      `word/${offered[0]}`]) {
      assert.ok(heard.includes(id), `${id} is said (heard: ${heard.join(' ')})`);
    }
    await tapNextUntil(page, 'code');

    // The code, typed with letters and numbers: not read aloud letter by letter.
    await showKeyboard(page, 'code-input');
    from = said.length;
    const [w1, w2, w3, digits] = server.code.split('-');
    await typeKeys(page, `${w1} ${w2} ${w3} ${digits}`);
    assert.equal(await page.inputValue('#code-input'), `${w1} ${w2} ${w3} ${digits}`);
    assert.deepEqual(said.slice(from).filter((id) => id.startsWith('msg/key.')), [],
      'the code is not read aloud');
    await tap(page, '#code-open');
    await waitForPage(page, 'profile-intro', { focusTitle: false });
    await tapNext(page, 'like-admire');

    // A long-text box; axe with the keyboard open on each layout.
    await showKeyboard(page, 'answer');
    mark = await saveMark(page);
    await typeKeys(page, 'i play the ukulele.');
    assert.equal(await page.inputValue('#answer'), 'I play the ukulele.');
    await savedAfter(page, mark);
    assert.ok(said.includes('msg/key.full-stop'));
    await assertNoAxe(page, 'like-admire, letters A to Z');
    for (const layout of ['qwerty', 'numbers']) {
      await useLayout(page, layout);
      await assertNoAxe(page, `like-admire, ${layout}`);
    }
    await useLayout(page, 'letters');
    await tap(page, '#keyboard .key-done');
    assert.equal((await keyboardState(page)).open, false, 'Done closes it');
    await tapNext(page, 'important-people');

    // The person's own word is offered first; Delete takes the last letter, Clear everything.
    await showKeyboard(page, 'answer');
    await typeKeys(page, 'uk');
    assert.equal((await keyboardState(page)).words[0], 'ukulele', 'their own word comes first');
    await tap(page, '#keyboard .key-word');
    assert.equal(await page.inputValue('#answer'), 'Ukulele ', 'begun with a capital, it stays one');
    await typeKeys(page, 'xy');
    await tap(page, '#keyboard .key-delete');
    assert.equal(await page.inputValue('#answer'), 'Ukulele x');
    await tap(page, '#keyboard .key-clear');
    assert.equal(await page.inputValue('#answer'), '');
    mark = await saveMark(page);
    await typeKeys(page, 'my mum');
    assert.equal(await page.inputValue('#answer'), 'My mum');
    await savedAfter(page, mark);
    await tap(page, '#keyboard .key-done');

    // Money in a budget entry: the keyboard opens on numbers.
    await tapNextUntil(page, 'budget');
    await tap(page, '#list-add');
    await page.waitForSelector('.item-edit[data-item-id]');
    await showKeyboard(page, 'field-what');
    mark = await saveMark(page);
    await typeKeys(page, 'swimming');
    await savedAfter(page, mark);
    await tap(page, '#keyboard .key-done');
    await showKeyboard(page, 'field-cost');
    assert.equal(await layoutOf(page), 'numbers', 'money opens on numbers');
    mark = await saveMark(page);
    await typeKeys(page, '12.50');
    assert.equal(await page.inputValue('#field-cost'), '12.50');
    await savedAfter(page, mark);
    await tap(page, '#keyboard .key-done');
    await tap(page, '#item-done');
    await page.waitForSelector('#page[data-page-id="budget"] .item');

    // A date in an action: typed day, month, year; the box takes it once it is a whole date.
    await tapNextUntil(page, 'actions');
    await tap(page, '#list-add');
    await page.waitForSelector('.item-edit[data-item-id]');
    await showKeyboard(page, 'field-what');
    mark = await saveMark(page);
    await typeKeys(page, 'cook');
    await savedAfter(page, mark);
    await tap(page, '#keyboard .key-done');
    await showKeyboard(page, 'field-when');
    assert.equal(await layoutOf(page), 'numbers', 'a date opens on numbers');
    await assertNoAxe(page, 'actions, a date being typed');
    await typeKeys(page, '310520');
    assert.equal(await page.textContent('#keyboard-date-typed'), '31/05/20');
    assert.equal(await page.inputValue('#field-when'), '', 'not a date yet');
    mark = await saveMark(page);
    await typeKeys(page, '28');
    await tap(page, '#keyboard .key-delete');
    await typeKeys(page, '7');
    assert.equal(await page.textContent('#keyboard-date-typed'), '31/05/2027');
    assert.equal(await page.inputValue('#field-when'), '2027-05-31');
    await savedAfter(page, mark);
    await tap(page, '#keyboard .key-done');
    await tap(page, '#item-done');
    await page.waitForSelector('#page[data-page-id="actions"] .item');

    // What was stored is what was typed.
    const stored = (pageId) => sql(server.data, 'SELECT value FROM answers WHERE page = ' +
      `'${pageId}' AND item_id = 0`)[0]?.value;
    assert.equal(stored('like-admire'), 'I play the ukulele.');
    assert.equal(stored('important-people'), 'My mum');
    assert.equal(stored('helper-relationship'), `My ${offered[0]} `);

    // After a reload, with the code typed on the keyboard, the answers are there.
    await page.reload();
    await waitForPage(page, 'welcome', { focusTitle: false });
    await tapNext(page, 'who');
    await tapNextUntil(page, 'code');
    await showKeyboard(page, 'code-input');
    await typeKeys(page, `${w1} ${w2} ${w3} ${digits}`);
    await tap(page, '#code-open');
    await page.waitForSelector('#page[data-kind="welcome-back"]');
    await tap(page, '#action-check');
    await waitForPage(page, 'check', { focusTitle: false });
    const check = await page.textContent('#page');
    for (const words of ['I play the ukulele.', 'My mum', 'Swimming', '£12.50', 'Cook',
      message('date', { day: 31, month: message('month.5'), year: 2027 })]) {
      assert.ok(check.includes(words), `the check page shows ${words}`);
    }
    assert.equal(await page.evaluate(() => window.__keys), 0, 'no key was pressed');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('a kiosk set up for touch shows the keyboard by itself, with Next in view, and answers quickly',
  async () => {
    const server = await startServer(['--keyboard', 'on']);
    const { context, page, said, hello, pageErrors } = await openTouch(server);
    try {
      assert.equal(hello.kiosk.keyboard, 'on');
      await tapNext(page, 'who');
      await tapNext(page, 'code');
      let s = await keyboardState(page);
      assert.ok(s.open && s.target === 'code-input', 'the code box has the keyboard at once');
      await tap(page, '#keyboard .key-done');
      assert.equal((await keyboardState(page)).open, false);
      await tap(page, '#code-input'); // touching the box brings it back
      assert.equal((await keyboardState(page)).open, true);
      await tap(page, '#keyboard .key-done');
      await tap(page, '#code-new');
      await page.waitForSelector('#page[data-page-id="code"] #code-display');
      await tapNext(page, 'profile-intro');
      assert.equal((await keyboardState(page)).open, false, 'a page with no box has none');
      await tapNext(page, 'like-admire');
      s = await keyboardState(page);
      assert.ok(s.open && s.target === 'answer', 'the box has the keyboard at once');

      // At every kiosk size, with the keyboard open and something typed: the box and Next are in
      // view and not covered, the keys are 60px or more and their words 24px or more.
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await typeKeys(page, 'a');
        const fit = await page.evaluate(() => {
          const free = (e) => {
            const r = e.getBoundingClientRect();
            if (r.top < 0 || r.bottom > innerHeight || r.width === 0) return `at ${r.top}–${r.bottom}`;
            const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return e.contains(at) ? 'ok' : `under ${at && at.className}`;
          };
          const keys = [...document.querySelectorAll('#keyboard button')].filter((b) => b.offsetParent);
          return {
            next: free(document.getElementById('next')),
            box: free(document.getElementById('answer')),
            smallest: Math.min(...keys.map((b) => Math.min(b.offsetWidth, b.offsetHeight))),
            smallestText: Math.min(...keys.map((b) => parseFloat(getComputedStyle(b).fontSize))),
          };
        });
        const where = `${size.width}×${size.height}`;
        assert.equal(fit.next, 'ok', `Next at ${where}`);
        assert.equal(fit.box, 'ok', `the box at ${where}`);
        assert.ok(fit.smallest >= 60, `keys at ${where}: ${fit.smallest}px`);
        assert.ok(fit.smallestText >= 24, `key words at ${where}: ${fit.smallestText}px`);
      }
      await page.setViewportSize(SIZES[0]);
      await tap(page, '#keyboard .key-clear');

      // How long a tap takes to type and offer words: from the tap's click reaching the page to
      // the keyboard having done everything (typed, saved for later, offered the next words),
      // and to the next frame drawn.
      await page.evaluate(() => {
        window.__taps = [];
        document.addEventListener('click', () => { window.__t0 = performance.now(); }, true);
        window.addEventListener('click', () => {
          const t1 = performance.now();
          const t0 = window.__t0;
          requestAnimationFrame(() => window.__taps.push([t1 - t0, performance.now() - t0]));
        });
      });
      const text = 'i like to walk to the park and the shops with my support worker every day ';
      let typed = 0;
      for (let i = 0; typed < TAPS; i = (i + 1) % text.length, typed++) {
        await typeKeys(page, text[i]);
      }
      await page.waitForFunction((n) => window.__taps.length >= n, TAPS);
      const taps = await page.evaluate(() => window.__taps);
      const stat = (k) => {
        const v = taps.map((t) => t[k]).sort((a, b) => a - b);
        return { median: v[Math.floor(v.length / 2)], p95: v[Math.floor(v.length * 0.95)] };
      };
      const handler = stat(0);
      const frame = stat(1);
      console.log(`# ${taps.length} taps: typed and words offered in ${handler.median.toFixed(2)} ms ` +
        `median, ${handler.p95.toFixed(2)} ms p95; next frame ${frame.median.toFixed(1)} ms median, ` +
        `${frame.p95.toFixed(1)} ms p95`);
      assert.ok(handler.p95 < 50, `a tap is answered within a frame or so: p95 ${handler.p95} ms`);
      assert.ok(said.includes('msg/key.w'), 'keys are said');
      assert.equal(await page.evaluate(() => window.__keys), 0, 'no key was pressed');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await server.stop();
    }
  });
