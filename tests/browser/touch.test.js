// A whole plan by touch only: a person with a touch screen and no keyboard goes from the welcome
// page to "sent" with taps alone (page.touchscreen.tap() at the middle of what they touch, and
// never a key event). They answer "How do you use the screen?" and the headphones question, start
// a new plan without a code, write a long answer and a short one on the keyboard on the screen
// (taking a word it offers), choose picture cards on two pages, add a budget entry with its money
// typed on the numbers keys, check the plan (their words and their cards' words are there) and
// send it. Coming back after a reload with the code typed by taps (half way, and once it is sent),
// the cards are still chosen on their pages and on the check page. The database holds what was
// typed and chosen.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, launchBrowser, waitForPage, saveMark, waitForSave, sql, SOURCE } = require('./harness.js');
const {
  openTouch, tap, tapNext, tapNextUntil, layoutOf, typeKeys, keyboardState,
} = require('./touch.js');

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The words of a card as the content file writes them (`card: id | picture | words`). */
function cardWords(pageId, cardId) {
  const dir = path.join(process.env.PLANALOUD_EASYREAD || path.join(SOURCE, 'easyread'), 'en-GB');
  for (const file of fs.readdirSync(dir).filter((f) => /^\d+-.*\.txt$/.test(f))) {
    let page = null;
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^(page|card): (.*)$/.exec(line.trim());
      if (m && m[1] === 'page') page = m[2].trim();
      else if (m && page === pageId) {
        const [id, , words] = m[2].split('|').map((s) => s.trim());
        if (id === cardId) return words;
      }
    }
  }
  throw new Error(`the content has no card ${cardId} on ${pageId}`);
}

const CARDS = { 'important-people': 'mum', 'important-places': 'park' };

/**
 * The keyboard on the screen typing into the box `field`: it opens by itself for the first box
 * of a page once "I touch the screen" is chosen; another box is touched to move it there.
 */
async function keyboardFor(page, field) {
  let s = await keyboardState(page);
  if (!(s.open && s.target === field)) {
    await tap(page, `#${field}`);
    s = await keyboardState(page);
  }
  assert.ok(s.open, `the keyboard is open for ${field}`);
  assert.equal(s.target, field);
}

/** Touches a card and waits for "Saved"; it is then pressed. */
async function chooseCard(page, pageId) {
  const id = `#card-${CARDS[pageId]}`;
  const mark = await saveMark(page);
  await tap(page, id);
  await waitForSave(page, mark);
  assert.equal(await page.getAttribute(id, 'aria-pressed'), 'true');
}

/** The ids of the cards shown as chosen on the page now. */
const chosenCards = (page) => page.$$eval('#cards [data-card][aria-pressed="true"]', (bs) => bs.map((b) => b.dataset.card));

/** From the welcome page, after a reload: the code typed by taps, and Open. */
async function comeBackWithCode(page, code) {
  await tap(page, '#input-touch');
  await tapNext(page, 'who');
  const mark = await saveMark(page);
  await tap(page, 'label[for="option-me"]');
  await waitForSave(page, mark, 'kept');
  await tapNext(page, 'code');
  await keyboardFor(page, 'code-input');
  const [w1, w2, w3, digits] = code.split('-');
  await typeKeys(page, `${w1} ${w2} ${w3} ${digits}`);
  await tap(page, '#code-open');
  await page.waitForSelector('#page[data-kind="welcome-back"]');
}

test('a person with only a touch screen writes, checks and sends a whole plan by taps', { timeout: 240000 },
  async (t) => {
    const server = await startServer();
    const { context, page, pageErrors } = await openTouch(browser, server);
    const started = Date.now();
    try {
      // The welcome page: "I touch the screen", then the headphones question.
      await tap(page, '#input-touch');
      assert.equal(await page.getAttribute('#input-touch', 'aria-pressed'), 'true');
      await page.waitForSelector('#headphones:not([hidden]) #headphones-no');
      await tap(page, '#headphones-no');
      await page.waitForSelector('#headphones-said:not([hidden])');
      await tapNext(page, 'who');
      let mark = await saveMark(page);
      await tap(page, 'label[for="option-me"]');
      await waitForSave(page, mark, 'kept');

      // A new plan, without a code.
      await tapNext(page, 'code');
      await tap(page, '#code-new');
      await page.waitForSelector('#page[data-page-id="code"] #code-display');
      const code = (await page.textContent('#code-display')).trim();
      assert.match(code, /^[a-z]+-[a-z]+-[a-z]+-[0-9]+$/i, 'the new plan\'s code is shown');
      const plan = sql(server.data, 'SELECT max(id) AS id FROM plans')[0];
      await tapNext(page, 'profile-intro');
      await tapNext(page, 'like-admire');

      // A long answer, with a word the keyboard offers.
      await keyboardFor(page, 'answer');
      mark = await saveMark(page);
      await typeKeys(page, 'i like to sw');
      const offered = (await keyboardState(page)).words;
      assert.ok(offered.length >= 1, 'words are offered');
      assert.ok(offered.every((w) => w.startsWith('sw')), `the words offered start "sw": ${offered}`);
      await tap(page, '#keyboard .key-word');
      const liked = `I like to ${offered[0]} `;
      assert.equal(await page.inputValue('#answer'), liked);
      await waitForSave(page, mark);

      // Picture cards on two pages.
      await tapNext(page, 'important-people');
      await chooseCard(page, 'important-people');
      await tapNext(page, 'important-places');
      await chooseCard(page, 'important-places');

      // A reload half way, back with the code typed by taps: the cards are still chosen.
      await page.reload();
      await waitForPage(page, 'welcome', { focusTitle: false });
      await comeBackWithCode(page, code);
      await tap(page, '#action-continue');
      await waitForPage(page, 'important-places', { focusTitle: false });
      assert.deepEqual(await chosenCards(page), [CARDS['important-places']]);
      await tap(page, '#back');
      await waitForPage(page, 'important-people', { focusTitle: false });
      assert.deepEqual(await chosenCards(page), [CARDS['important-people']]);
      await tapNext(page, 'important-places');

      // A budget entry: what, then the money on the numbers keys.
      await tapNextUntil(page, 'budget');
      await tap(page, '#list-add');
      await page.waitForSelector('.item-edit[data-item-id]');
      await keyboardFor(page, 'field-what');
      mark = await saveMark(page);
      await typeKeys(page, 'bus');
      await waitForSave(page, mark);
      await keyboardFor(page, 'field-cost');
      assert.equal(await layoutOf(page), 'numbers', 'money opens on the numbers keys');
      mark = await saveMark(page);
      await typeKeys(page, '7.20');
      assert.equal(await page.inputValue('#field-cost'), '7.20');
      await waitForSave(page, mark);
      await tap(page, '#keyboard .key-done');
      await tap(page, '#item-done');
      await page.waitForSelector('#page[data-page-id="budget"] .item');

      // A short answer.
      await tapNextUntil(page, 'emergency-contact');
      await keyboardFor(page, 'answer');
      mark = await saveMark(page);
      await typeKeys(page, 'jo 0770');
      assert.equal(await page.inputValue('#answer'), 'Jo 0770');
      await waitForSave(page, mark);

      // The check page shows the words typed and the cards chosen.
      await tapNextUntil(page, 'check');
      const check = await page.textContent('#page');
      for (const words of [liked.trim(), 'Bus', '£7.20', 'Jo 0770']) {
        assert.ok(check.includes(words), `the check page shows ${words}`);
      }
      for (const [pageId, cardId] of Object.entries(CARDS)) {
        const shown = await page.$$eval(`.check-row[data-page="${pageId}"] .chosen-card-text`,
          (ts) => ts.map((x) => x.textContent));
        assert.deepEqual(shown, [cardWords(pageId, cardId)], `the check page shows the card on ${pageId}`);
      }

      // Sent.
      await tapNext(page, 'send');
      await tap(page, '#send-plan');
      await waitForPage(page, 'sent', { focusTitle: false });
      const journeyS = (Date.now() - started) / 1000;

      // The database holds what was typed and chosen.
      assert.deepEqual(sql(server.data, `SELECT status FROM plans WHERE id = ${plan.id}`),
        [{ status: 'submitted' }]);
      const value = (pageId, field = '') => sql(server.data, 'SELECT value FROM answers WHERE ' +
        `plan_id = ${plan.id} AND page = '${pageId}' AND item_id = 0 AND field = '${field}'`)[0]?.value;
      assert.equal(value('like-admire'), liked);
      assert.equal(value('emergency-contact'), 'Jo 0770');
      for (const [pageId, cardId] of Object.entries(CARDS)) assert.equal(value(pageId, 'cards'), cardId);
      const items = sql(server.data, `SELECT i.page, a.field, a.value FROM items i JOIN answers a ON ` +
        `a.item_id = i.id WHERE i.plan_id = ${plan.id} ORDER BY a.field`);
      assert.deepEqual(items.map((r) => r.page), ['budget', 'budget']);
      assert.ok(items.some((r) => r.value === 'Bus'), 'the budget entry\'s words are stored');

      // After a reload, back with the code typed by taps: the cards are still chosen.
      await page.reload();
      await waitForPage(page, 'welcome', { focusTitle: false });
      await comeBackWithCode(page, code);
      await tap(page, '#action-check');
      await waitForPage(page, 'check', { focusTitle: false });
      for (const [pageId, cardId] of Object.entries(CARDS)) {
        const shown = await page.$$eval(`.check-row[data-page="${pageId}"] .chosen-card-text`,
          (ts) => ts.map((x) => x.textContent));
        assert.deepEqual(shown, [cardWords(pageId, cardId)], `after coming back, ${pageId} has its card`);
      }
      assert.equal(await page.evaluate(() => window.__keys), 0, 'no key was pressed');
      assert.deepEqual(pageErrors, []);
      t.diagnostic(`welcome to sent by taps in ${journeyS.toFixed(1)} s; all in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await context.close();
      await server.stop();
    }
  });

test('the first touch on the welcome page is not lost: what is touched stays put until its click',
  async () => {
    const server = await startServer();
    const { context, page, pageErrors } = await openTouch(browser, server, undefined, { clock: true });
    try {
      await page.clock.pauseAt(Date.now() + 1000);
      assert.equal(await page.isVisible('#touch-prompt'), true, 'the welcome page asks for a touch');
      // A finger down and up on "I touch the screen"; on a touch screen its click comes a little later.
      const where = () => page.$eval('#input-touch', (b) => {
        const r = b.getBoundingClientRect();
        return [r.left, r.top];
      });
      const before = await where();
      await page.$eval('#input-touch', (b) => {
        const at = { bubbles: true, pointerType: 'touch', isPrimary: true };
        b.dispatchEvent(new PointerEvent('pointerdown', at));
        b.dispatchEvent(new PointerEvent('pointerup', at));
      });
      await page.clock.runFor(100);
      assert.deepEqual(await where(), before, 'the answer touched has not moved before its click');
      await page.$eval('#input-touch', (b) => b.click());
      await page.clock.runFor(100);
      assert.equal(await page.getAttribute('#input-touch', 'aria-pressed'), 'true');
      assert.equal(await page.isVisible('#touch-prompt'), false, 'after the click, the prompt goes');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await server.stop();
    }
  });
