// Answers by picture cards, in a real browser: on the profile and support pages the person touches
// cards (a picture and a few words) as well as or instead of typing. Each card is a toggle button;
// what is chosen is saved at once and acknowledged ("Saved") after the commit, stored in the page's
// order; it comes back after a reload with the code, is read back on the check page, is listed for
// the social worker on the staff plan page, and shows with its pictures in the person's copy once
// the plan is signed off. Focus speech says a card's words, whether it is chosen, and where it is
// ("2 of 8"). axe-core finds no WCAG 2.2 A/AA violation with cards shown, chosen, on the check page,
// the staff page and the copy. What the cards say is taken from the content files, not written here.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {
  startServer, launchBrowser, axeViolations, formatViolations, openKiosk, waitForPage, saveMark,
  waitForSave, sql, message, SOURCE, WIDE,
} = require('./harness.js');

let server;
let browser;
const problems = [];

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
  if (v.length) problems.push(formatViolations(where, v));
}

/** The cards of each page as the content files write them: {page: [{id, picture, text}]}. */
function contentCards() {
  const dir = path.join(SOURCE, 'easyread/en-GB');
  const out = {};
  for (const file of fs.readdirSync(dir).filter((f) => /^\d+-.*\.txt$/.test(f)).sort()) {
    let page = null;
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^(page|card): (.*)$/.exec(line.trim());
      if (!m) continue;
      if (m[1] === 'page') page = m[2].trim();
      else {
        const [id, picture, text] = m[2].split('|').map((s) => s.trim());
        (out[page] = out[page] || []).push({ id, picture, text });
      }
    }
  }
  return out;
}
const CARDS = contentCards();
const card = (page, id) => CARDS[page].find((c) => c.id === id);

async function clickNext(k, to) {
  await k.click('#next');
  await waitForPage(k, to);
}

/** A fresh kiosk: Start, "I am writing my own plan", the demo code, Open; waits for the page `to`. */
async function kioskWithCode(to, opts = {}) {
  const kiosk = await openKiosk(browser, server.url, { clock: true, ...opts });
  const k = kiosk.page;
  await clickNext(k, 'who');
  const mark = await saveMark(k);
  await k.click('label[for="option-me"]');
  await waitForSave(k, mark, 'kept');
  await clickNext(k, 'code');
  await k.fill('#code-input', server.code);
  await k.click('#code-open');
  await waitForPage(k, to);
  return kiosk;
}

/** The cards on the page now: [{id, text id, words, chosen, picture}]. */
function cardsShown(k) {
  return k.$$eval('#cards [data-card]', (bs) => bs.map((b) => ({
    id: b.dataset.card,
    textId: b.querySelector('.card-text').dataset.textId,
    text: b.querySelector('.card-text').textContent.replace(/^\u2713\u00a0/, ''),
    chosen: b.getAttribute('aria-pressed'),
    picture: new URL(b.querySelector('img').src).pathname,
  })));
}

/** The chosen cards stored for a page, as the database holds them. */
function storedCards(page) {
  const rows = sql(server.data, `SELECT value FROM answers WHERE page = '${page}' AND field = 'cards'`);
  return rows.length ? rows[0].value : null;
}

/** Touches the card (a click, or Space on it with focus) and waits for "Saved". */
async function choose(k, id, how = 'click') {
  const mark = await saveMark(k);
  if (how === 'click') await k.click(`#card-${id}`);
  else {
    await k.focus(`#card-${id}`);
    await k.keyboard.press('Space');
  }
  await waitForSave(k, mark);
}

/** The chosen cards shown in a check page's (or the copy's) row: [{textId, text, picture}]. */
function chosenInRow(k, pageId) {
  return k.$$eval(`.check-row[data-page="${pageId}"] .chosen-card`, (lis) => lis.map((li) => ({
    textId: li.querySelector('.chosen-card-text').dataset.textId,
    text: li.querySelector('.chosen-card-text').textContent,
    picture: new URL(li.querySelector('img').src).pathname,
  })));
}

const expected = (page, ids) => ids.map((id) => ({
  textId: `${page}/card/${id}`, text: card(page, id).text, picture: `/pictures/${card(page, id).picture}.svg`,
}));

test('the content gives at least eight pages their cards', () => {
  const pages = Object.keys(CARDS);
  assert.ok(pages.length >= 8, `pages with cards: ${pages.join(', ')}`);
  for (const p of pages) assert.ok(CARDS[p].length >= 5 && CARDS[p].length <= 8, `${p} has 5 to 8 cards`);
});

test('cards are chosen, saved, come back with the code, and are read back, listed for staff and in the copy',
  { timeout: 240000 }, async (t) => {
    let kiosk = await kioskWithCode('profile-intro', { audio: true });
    let k = kiosk.page;
    try {
      await t.test('the cards of a page are shown as toggle buttons, with their words and pictures', async () => {
        await clickNext(k, 'like-admire');
        assert.equal(await k.$('#cards'), null, 'a page without cards shows none');
        await clickNext(k, 'important-people');
        assert.deepEqual(await cardsShown(k), CARDS['important-people'].map((c) => ({
          id: c.id, textId: `important-people/card/${c.id}`, text: c.text, chosen: 'false',
          picture: `/pictures/${c.picture}.svg`,
        })));
        // The group is named by the question; the text box for "something else" stays.
        const label = await k.$eval('#cards', (g) => document.getElementById(g.getAttribute('aria-labelledby')).dataset.textId);
        assert.equal(label, 'important-people/ask');
        assert.equal(await k.$eval('.cards-else', (e) => e.dataset.textId), 'msg/cards.else');
        assert.ok(await k.$('#answer'), 'the box for their own words is there');
        // Big enough to touch: at least 60px each way; the words at least 24px.
        const sizes = await k.$$eval('#cards .card', (bs) => bs.map((b) => {
          const r = b.getBoundingClientRect();
          return { w: r.width, h: r.height, font: parseFloat(getComputedStyle(b.querySelector('.card-text')).fontSize) };
        }));
        for (const s of sizes) assert.ok(s.w >= 60 && s.h >= 60 && s.font >= 24, JSON.stringify(s));
        await audit(k, 'important-people with cards');
      });

      await t.test('touching two cards chooses them; each is saved after the commit, in the page order', async () => {
        await choose(k, 'friends');
        await choose(k, 'mum');
        assert.equal(storedCards('important-people'), 'mum,friends');
        assert.deepEqual((await cardsShown(k)).filter((c) => c.chosen === 'true').map((c) => c.id), ['mum', 'friends']);
        await audit(k, 'important-people with cards chosen');
        // Touched again, a card is taken away.
        await choose(k, 'friends');
        assert.equal(storedCards('important-people'), 'mum');
        await choose(k, 'friends');
      });

      await t.test('focus speech says the card, whether it is chosen and where it is', async () => {
        const said = await k.evaluate(async () => (await import('/js/focus.js')).describe(document.getElementById('card-friends')).ids);
        const at = CARDS['important-people'].findIndex((c) => c.id === 'friends') + 1;
        assert.deepEqual(said, ['important-people/card/friends', 'msg/focus.button', 'msg/focus.chosen',
          `msg/focus.position?n=${at}&of=${CARDS['important-people'].length}`]);
      });

      await t.test('a card touched is said at once, with whether it is chosen now', async () => {
        const said = async (id) => (await k.waitForFunction((want) => {
          const n = window.__audio.sent.filter((m) => m.type === 'narrate' && m.ids[0] === want).pop();
          return n ? n.ids : false;
        }, id)).jsonValue();
        const of = CARDS['important-people'].length;
        await choose(k, 'pet');
        assert.deepEqual(await said('important-people/card/pet'), ['important-people/card/pet', 'msg/focus.button',
          'msg/focus.chosen', `msg/focus.position?n=${of}&of=${of}`]);
        await k.evaluate(() => { window.__audio.sent.length = 0; });
        await choose(k, 'pet');
        assert.deepEqual(await said('important-people/card/pet'), ['important-people/card/pet', 'msg/focus.button',
          'msg/focus.not-chosen', `msg/focus.position?n=${of}&of=${of}`]);
        assert.equal(storedCards('important-people'), 'mum,friends');
      });

      await t.test('on a second page, a card chosen with the keyboard and one with a click', async () => {
        await clickNext(k, 'important-places');
        await choose(k, 'park', 'keyboard');
        await choose(k, 'home');
        assert.equal(storedCards('important-places'), 'home,park');
        await k.fill('#answer', 'The river.');
        await k.click('#next'); // the words are sent first
        await waitForPage(k, 'important-routines');
        assert.deepEqual(sql(server.data, "SELECT value FROM answers WHERE page = 'important-places' AND field = ''"),
          [{ value: 'The river.' }]);
      });
    } finally {
      await kiosk.context.close();
    }

    kiosk = await kioskWithCode('welcome-back');
    k = kiosk.page;
    try {
      await t.test('after a reload with the code, the check page reads the cards back', async () => {
        await k.click('#action-check');
        await waitForPage(k, 'check');
        assert.deepEqual(await chosenInRow(k, 'important-people'), expected('important-people', ['mum', 'friends']));
        assert.deepEqual(await chosenInRow(k, 'important-places'), expected('important-places', ['home', 'park']));
        assert.equal(await k.$eval('.check-row[data-page="important-places"] .check-answer-text', (e) => e.textContent),
          'The river.');
        assert.equal(await k.$('.check-row[data-page="important-people"] .not-answered'), null,
          'cards alone answer the question');
        await audit(k, 'check page with cards');
      });

      await t.test('and the page shows them chosen again', async () => {
        await k.click('#change-important-places');
        await waitForPage(k, 'important-places');
        assert.deepEqual((await cardsShown(k)).filter((c) => c.chosen === 'true').map((c) => c.id), ['home', 'park']);
        await clickNext(k, 'check');
        await clickNext(k, 'send');
        await k.click('#send-plan');
        await waitForPage(k, 'sent');
      });
    } finally {
      await kiosk.context.close();
    }

    const plan = sql(server.data, 'SELECT id FROM plans')[0].id;
    const staff = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
    const cw = await staff.newPage();
    const mgContext = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
    const mg = await mgContext.newPage();
    try {
      await t.test('the staff plan page lists the chosen cards in words', async () => {
        await logIn(cw, server.caseworker);
        await cw.goto(`${server.url}staff/#plan/${plan}`);
        await cw.waitForSelector('#action-ready');
        const rows = await cw.$$eval('.govuk-summary-list__row', (rs) => rs.map((r) => ({
          key: r.querySelector('.govuk-summary-list__key')?.textContent.trim(),
          value: [...r.querySelectorAll('.govuk-summary-list__value li')].map((li) => li.textContent.trim()),
        })));
        const cardRows = rows.filter((r) => r.key === message('staff.cards'));
        assert.deepEqual(cardRows.map((r) => r.value), [
          ['mum', 'friends'].map((id) => card('important-people', id).text),
          ['home', 'park'].map((id) => card('important-places', id).text),
        ]);
        await audit(cw, 'staff plan page with cards');
      });

      await t.test('once agreed and signed off, the copy shows the cards with their pictures', async () => {
        await cw.click('#action-ready');
        await waitForBanner(cw);
        kiosk = await kioskWithCode('agree');
        await kiosk.page.click('#agree-yes');
        await waitForPage(kiosk.page, 'agreed');
        await kiosk.context.close();
        await cw.reload();
        await cw.waitForSelector('#action-agree');
        await cw.click('#action-agree');
        await waitForBanner(cw);
        await logIn(mg, server.manager);
        await mg.goto(`${server.url}staff/#plan/${plan}`);
        await mg.waitForSelector('#action-sign-off');
        await mg.click('#action-sign-off');
        await waitForBanner(mg);

        kiosk = await kioskWithCode('welcome-back');
        k = kiosk.page;
        await k.click('#action-copy');
        await waitForPage(k, 'copy');
        assert.deepEqual(await chosenInRow(k, 'important-people'), expected('important-people', ['mum', 'friends']));
        assert.deepEqual(await chosenInRow(k, 'important-places'), expected('important-places', ['home', 'park']));
        await audit(k, 'the copy with cards');
        await kiosk.context.close();
      });
    } finally {
      await staff.close();
      await mgContext.close();
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });

test('a card that is not on the page gets a plain error and changes nothing', async () => {
  const kiosk = await kioskWithCode('welcome-back');
  const k = kiosk.page;
  try {
    const before = storedCards('important-places');
    const reply = await k.evaluate(() => new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws`, 'planaloud');
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === 'error' && m.seq === 9) resolve(m);
      };
      // No plan open on this connection: the page is refused before any plan is looked at.
      ws.onopen = () => ws.send(JSON.stringify({ type: 'answer', seq: 9, page: 'important-places', cards: ['moon'] }));
    }));
    assert.equal(reply.code, 'bad-field');
    assert.equal(reply.message, message('error.bad-field'));
    assert.equal(storedCards('important-places'), before);
  } finally {
    await kiosk.context.close();
  }
});

async function logIn(page, who) {
  await page.goto(server.url + 'staff/login.html');
  await page.waitForSelector('#login-form');
  await page.fill('#name', who.name);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
  await page.waitForSelector('#user:not([hidden])');
}

async function waitForBanner(page) {
  await page.waitForSelector('.govuk-notification-banner--success');
  await page.waitForFunction(() => !document.querySelector('.govuk-notification-banner--success')?.hidden);
}
