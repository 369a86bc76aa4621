// The whole journey in a real browser: a helper and a person write every page of the plan with
// the keyboard and the mouse, check it, change an answer, send it, and come back with the code
// in a new browser to find every word as it was typed. And a plan interrupted by a reload is
// found again with its code.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, sql, openKiosk, waitForPage, saveMark, waitForSave, typeAndSave,
  browserStorage, NOTHING_STORED, dateKeys, message, pageText,
} = require('./harness.js');

// Every text and long-text page, with distinct words: non-ASCII, stars that must not turn
// bold, angle brackets that must stay text, quotes, a pound sign, and lines in long answers.
const TEXT = {
  'helper-name': 'Gwen Ap-Rhys',
  'helper-relationship': "I am Dai's sister",
  'like-admire': 'I am kind and I make people laugh. Cymraeg: ŵ ŷ, café',
  'important-people': 'My sister Gwen.\nMy friend Ali from the day centre.',
  'important-places': 'The park by the river. Zoë\'s café on a Friday.',
  'important-routines': 'A cup of tea at 7 o\'clock, then the radio.',
  'important-things': 'My phone, my music and **my dog Bobi**.',
  'support-good-days': 'Let me do things for myself. Talk to me about rugby.',
  'support-bad-days': 'Give me quiet time <not the telly>. Do not rush me.',
  'communicate': 'I use some Makaton signs. Speak slowly — show me pictures.',
  'important': 'Seeing my family every week.\nLiving in my own flat in Llanelli.',
  'supported-family': 'Dad takes me shopping on Saturdays.',
  'supported-community': 'The walking group at the library, Tuesdays.',
  'supported-paid': 'A support worker helps me get dressed at 8am.',
  'supported-equipment': 'A talking clock and an alarm I can press: 😀 works!',
  'needs-missing': 'I also need help to take my tablets.',
  'control': 'I choose my support workers. I decide what I eat.',
  'carer-does': 'Mam cooks my tea and helps with my money.',
  'carer-outcomes': 'Mam wants to see her friends at chapel more.',
  'carer-life': 'Mam needs a break at weekends to keep her job.',
  'risks': 'I want to take the bus into town on my own.',
  'risks-managed': 'I take my phone and text Gwen when I get there.',
  'emergency': 'My brother Huw can stay with me. Call my support team.',
  'emergency-contact': 'Huw Jones, 07700 900123',
  'changes': 'If I get worse, Mam will phone my social worker.',
};
const CHANGED = { page: 'important-places', text: 'The beach at Pembrey. The park by the river.' };

const OUTCOMES = ['I want to cook my own meals.', 'I want to make new friends — ffrindiau newydd.'];
const BUDGET = [
  { what: 'Support worker to go swimming', cost: '40', shown: '£40' },
  { what: 'Cookery class at the college', cost: '25.50', shown: '£25.50' },
];
const ACTION = { what: 'Find a cookery class', who: 'Gwen and my social worker', when: '2027-05-31',
  shown: '31 May 2027' };
const DEMO_NEEDS_ELIGIBLE = [
  'You need help to wash and get dressed in the morning.',
  'You need help to cook a hot meal each day.',
  'You need help to go out and meet people.',
];
const DEMO_NEEDS_OTHER = [
  'You would like help to keep your garden tidy.',
  'You would like someone to clean your windows.',
];
// What the check page shows for the choices made.
const CHOSEN = {
  'who': 'I am helping someone write their plan',
  'managing': 'The council arranges my support',
  'direct-payment-again': 'No',
  'interpreter': 'Yes',
  'carer': 'Yes',
  'unsafe': 'Yes',
  'advocacy': 'Yes',
};

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

/** The demo code as a person might type it from the letter: lower case, with spaces. */
function spokenCode(code) {
  return code.toLowerCase().replace(/-/g, ' ');
}

async function clickNext(page, to) {
  await page.click('#next');
  await waitForPage(page, to);
}

/** Next by keyboard: Tab from the field to the Next button, then Enter. */
async function tabNext(page, to) {
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'next');
  await page.keyboard.press('Enter');
  await waitForPage(page, to);
}

/** A text or long-text page: empty at first; type the answer and wait for "Saved". */
async function answer(page, id, state = 'saved') {
  await waitForPage(page, id);
  assert.equal(await page.inputValue('#answer'), '', `${id} starts empty`);
  await typeAndSave(page, '#answer', TEXT[id], state);
  assert.equal(await page.inputValue('#answer'), TEXT[id]);
}

/** Chooses an option by clicking its words, and waits until it is stored. */
async function choose(page, value, state = 'saved') {
  const mark = await saveMark(page);
  await page.click(`label[for="option-${value}"]`);
  await waitForSave(page, mark, state);
  assert.ok(await page.isChecked(`#option-${value}`));
}

/** Chooses yes or no with the keyboard: Tab into the group, arrows to move, Space to pick. */
async function chooseByKeys(page, value) {
  const mark = await saveMark(page);
  await page.keyboard.press('Tab'); // from the h1 to the first option, "Yes"
  assert.equal(await page.evaluate(() => document.activeElement.id), 'option-yes');
  if (value === 'no') await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await waitForSave(page, mark);
  assert.ok(await page.isChecked(`#option-${value}`));
}

/** Adds one entry to a list page: Add, type each field (waiting for each save), Done. */
async function addItem(page, values, countBefore) {
  await page.click('#list-add');
  await page.waitForSelector('.item-edit[data-item-id]');
  // The editor puts focus in its first field.
  await page.waitForFunction(() => document.activeElement && document.activeElement.id.startsWith('field-'));
  for (const [name, value] of Object.entries(values)) {
    if (name === 'when') {
      // A date box: Tab into it from the field before, then type the numbers in the order
      // the box shows them.
      assert.equal(await page.evaluate(() => document.activeElement.id), 'field-who');
      const mark = await saveMark(page);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), `field-${name}`);
      await page.keyboard.type(await dateKeys(browser, value));
      await page.keyboard.press('Tab'); // leaving the box sends it at once
      await waitForSave(page, mark);
      assert.equal(await page.inputValue(`#field-${name}`), value);
    } else {
      await typeAndSave(page, `#field-${name}`, value);
    }
  }
  await page.click('#item-done');
  await page.waitForFunction((n) => !document.querySelector('.item-edit') &&
    document.querySelectorAll('li.item').length === n, countBefore + 1);
}

async function totalLines(page) {
  return page.$$eval('#list-total .total-line', (ls) => ls.map((l) => l.textContent));
}

/** The budget page's lines, in the content's words: the budget, what is planned, what is left. */
function budgetLines(budget, total, left) {
  return [message('budget.amount', { budget }), message('budget.total', { total }),
    message('budget.left', { left })];
}

async function flags(data) {
  return sql(data, 'select kind from flags order by id').map((r) => r.kind);
}

/** The check page's answer for a page: its words exactly, or its list entries as lines. */
async function checkAnswer(page, pageId) {
  return page.$eval(`.check-row[data-page="${pageId}"]`, (row) => {
    const text = row.querySelector('.check-answer-text');
    const items = [...row.querySelectorAll('.check-items li')].map((li) =>
      [...li.children].map((c) => c.textContent));
    return { text: text ? text.textContent : null, items,
      none: !!row.querySelector('.not-answered') };
  });
}

/** Every answer the journey typed or chose, as the check page must show it. */
async function assertCheckShowsEverything(page, expectText) {
  const rows = await page.$$eval('.check-row', (rs) => rs.map((r) => r.dataset.page));
  for (const [id, text] of Object.entries(expectText)) {
    assert.ok(rows.includes(id), `check page has a row for ${id}`);
    const a = await checkAnswer(page, id);
    assert.equal(a.text, text, `check page shows ${id} verbatim`);
  }
  for (const [id, words] of Object.entries(CHOSEN)) {
    assert.equal((await checkAnswer(page, id)).text, words, `check page shows the choice on ${id}`);
  }
  assert.deepEqual((await checkAnswer(page, 'outcomes')).items, OUTCOMES.map((o) => [o]));
  assert.deepEqual((await checkAnswer(page, 'budget')).items, BUDGET.map((b) => [b.what, b.shown]));
  assert.deepEqual((await checkAnswer(page, 'actions')).items,
    [[ACTION.what, ACTION.who, ACTION.shown]]);
  const unanswered = await page.$$eval('.check-row', (rs) => rs
    .filter((r) => r.querySelector('.not-answered')).map((r) => r.dataset.page));
  assert.deepEqual(unanswered, [], 'every question on the path was answered');
  // Stars and angle brackets stay as typed: no bold, no markup.
  assert.equal(await page.$eval('.check-row[data-page="important-things"] .check-answer-text',
    (e) => e.querySelector('strong') === null), true);
  const helpers = await page.$$eval('#check-helpers li', (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(helpers, [`${TEXT['helper-name']} (${TEXT['helper-relationship']})`]);
}

test('a person writes the whole plan and finds it all again', async () => {
  const { context, page, sockets, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    // Welcome: nothing to save yet, so no "Save and finish later".
    assert.equal(await page.isHidden('#save-later'), true);
    await page.click('#next'); // "Start"
    await waitForPage(page, 'who');

    // Who is writing: a helper. Before the code the choice is kept for this visit.
    await choose(page, 'helper', 'kept');
    await clickNext(page, 'helper-name');
    await answer(page, 'helper-name', 'kept');
    await page.keyboard.press('Enter'); // Enter in a one-line box moves on
    await answer(page, 'helper-relationship', 'kept');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'helper-words');
    await clickNext(page, 'code');

    // The code from the letter, typed in lower case with spaces.
    assert.equal(await page.isHidden('#save-later'), true);
    await page.click('#code-input');
    await page.keyboard.type(spokenCode(server.code));
    await page.keyboard.press('Enter');
    await waitForPage(page, 'profile-intro');
    assert.equal(await page.isVisible('#save-later'), true, 'a plan is open: save later is offered');
    // The helper's answers kept before the code are now in the plan.
    const visit = sql(server.data,
      "select writer, helper_name, helper_relationship from visits order by id desc limit 1")[0];
    assert.deepEqual(visit, { writer: 'helper', helper_name: TEXT['helper-name'],
      helper_relationship: TEXT['helper-relationship'] });

    // About me: the one-page profile. Next by mouse and by keyboard in turn.
    await clickNext(page, 'like-admire');
    const profile = ['like-admire', 'important-people', 'important-places', 'important-routines',
      'important-things', 'support-good-days', 'support-bad-days', 'communicate'];
    for (let i = 0; i < profile.length; i++) {
      await answer(page, profile[i]);
      const to = profile[i + 1] || 'interpreter';
      if (i % 2) await clickNext(page, to);
      else await tabNext(page, to);
    }
    await choose(page, 'yes'); // "Would you like an interpreter?"
    await clickNext(page, 'plan-intro');
    await clickNext(page, 'important');
    await answer(page, 'important');
    await tabNext(page, 'outcomes');

    // Outcomes: two entries.
    await waitForPage(page, 'outcomes');
    assert.equal(await page.locator('li.item').count(), 0);
    await addItem(page, { outcome: OUTCOMES[0] }, 0);
    await addItem(page, { outcome: OUTCOMES[1] }, 1);
    assert.deepEqual(await page.$$eval('li.item .item-name', (ns) => ns.map((n) => n.textContent)),
      OUTCOMES);
    await clickNext(page, 'supported-family');

    for (const [id, to] of [['supported-family', 'supported-community'],
      ['supported-community', 'supported-paid'], ['supported-paid', 'supported-equipment'],
      ['supported-equipment', 'needs']]) {
      await answer(page, id);
      await clickNext(page, to);
    }

    // Needs from the assessment: read-only, in two groups.
    assert.deepEqual(await page.$$eval('#needs-eligible li.need', (l) => l.map((n) => n.textContent)),
      DEMO_NEEDS_ELIGIBLE);
    assert.deepEqual(await page.$$eval('#needs-other li.need', (l) => l.map((n) => n.textContent)),
      DEMO_NEEDS_OTHER);
    await clickNext(page, 'needs-missing');
    await answer(page, 'needs-missing');
    await clickNext(page, 'budget-intro');
    await clickNext(page, 'budget');

    // The budget: two entries with weekly costs; the total and what is left of £245.50.
    assert.deepEqual(await totalLines(page), budgetLines('£245.50', '£0', '£245.50'));
    await addItem(page, { what: BUDGET[0].what, cost: BUDGET[0].cost }, 0);
    assert.deepEqual(await totalLines(page), budgetLines('£245.50', '£40', '£205.50'));
    await addItem(page, { what: BUDGET[1].what, cost: BUDGET[1].cost }, 1);
    assert.deepEqual(await totalLines(page), budgetLines('£245.50', '£65.50', '£180'));
    assert.deepEqual(await page.$$eval('li.item', (ls) => ls.map((l) => [
      l.querySelector('.item-name').textContent, l.querySelector('.item-value').textContent])),
    BUDGET.map((b) => [b.what, b.shown]));
    await clickNext(page, 'direct-payment');
    await clickNext(page, 'managing');

    // Managed by the council: so the direct payment is offered again.
    await choose(page, 'council');
    await clickNext(page, 'direct-payment-again');
    await chooseByKeys(page, 'no');
    await clickNext(page, 'control');
    await answer(page, 'control');
    await clickNext(page, 'carer');

    // A carer: the three carer pages follow.
    await chooseByKeys(page, 'yes');
    await clickNext(page, 'carer-does');
    for (const [id, to] of [['carer-does', 'carer-outcomes'], ['carer-outcomes', 'carer-life'],
      ['carer-life', 'risks'], ['risks', 'risks-managed'], ['risks-managed', 'unsafe']]) {
      await answer(page, id);
      await tabNext(page, to);
    }

    // "Is anyone hurting you?" Yes: the saved reply means the safeguarding flag is raised.
    assert.deepEqual(await flags(server.data), []);
    await choose(page, 'yes');
    assert.deepEqual(await flags(server.data), ['safeguarding']);
    await clickNext(page, 'unsafe-help');
    await clickNext(page, 'emergency');
    await answer(page, 'emergency');
    await clickNext(page, 'emergency-contact');
    await answer(page, 'emergency-contact');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'changes');
    await answer(page, 'changes');
    await clickNext(page, 'actions');

    // The action plan: what, who, and by when (a date).
    await addItem(page, { what: ACTION.what, who: ACTION.who, when: ACTION.when }, 0);
    assert.match(await page.textContent('li.item'), new RegExp(ACTION.shown));
    await clickNext(page, 'advocacy');
    await choose(page, 'yes');
    assert.deepEqual(await flags(server.data), ['safeguarding', 'advocacy']);
    await clickNext(page, 'advocacy-yes');
    await clickNext(page, 'check');

    // Check: every answer verbatim.
    await assertCheckShowsEverything(page, TEXT);

    // Change one answer: its Change button, new words, and Next comes back to the check page.
    await page.click(`#change-${CHANGED.page}`);
    await waitForPage(page, CHANGED.page);
    assert.equal(await page.inputValue('#answer'), TEXT[CHANGED.page]);
    await page.fill('#answer', '');
    const mark = await saveMark(page);
    await page.keyboard.type(CHANGED.text);
    await waitForSave(page, mark);
    await clickNext(page, 'check');
    const finalText = { ...TEXT, [CHANGED.page]: CHANGED.text };
    await assertCheckShowsEverything(page, finalText);

    // What was saved is what was typed, in the SQLite file itself.
    const stored = Object.fromEntries(sql(server.data,
      "select page, value from answers where item_id = 0").map((r) => [r.page, r.value]));
    for (const [id, text] of Object.entries(finalText)) assert.equal(stored[id], text, `stored ${id}`);

    // Send it.
    await clickNext(page, 'send');
    await page.click('#send-plan');
    await waitForPage(page, 'sent');
    assert.equal(await page.textContent('#page-title'), pageText('sent').title);
    assert.deepEqual(sql(server.data, 'select status from plans'), [{ status: 'submitted' }]);
    assert.deepEqual(await browserStorage(page), NOTHING_STORED);
    assert.deepEqual(pageErrors, []);
    assert.equal(sockets.length, 1, 'one websocket for the whole journey');
  } finally {
    await context.close();
  }

  // Coming back in a new browser, with the code.
  const again = await openKiosk(browser, server.url, { clock: true });
  try {
    const { page } = again;
    await page.click('#next');
    await waitForPage(page, 'who');
    await choose(page, 'me', 'kept');
    await clickNext(page, 'code');
    await page.click('#code-input');
    await page.keyboard.type(spokenCode(server.code));
    await page.click('#code-open');
    await waitForPage(page, 'welcome-back');
    // A sent plan cannot be changed now: no "carry on", only check, status and review.
    assert.deepEqual(await page.$$eval('#page [data-go]', (bs) => bs.map((b) => b.dataset.go)),
      ['check', 'status', 'review']);

    await page.click('#action-status');
    await waitForPage(page, 'status');
    assert.equal(await page.getAttribute('#plan-status', 'data-status'), 'submitted');
    assert.equal(await page.textContent('#plan-status'),
      'Your plan is with your social worker. They will read it.');
    await page.click('#back');
    await waitForPage(page, 'welcome-back');

    await page.click('#action-check');
    await waitForPage(page, 'check');
    await assertCheckShowsEverything(page, { ...TEXT, [CHANGED.page]: CHANGED.text });
    assert.equal(await page.locator('.check-change').count(), 0, 'no Change buttons on a sent plan');

    // Going back through the journey: every answer is there, none can be changed.
    await page.click('#back');
    await waitForPage(page, 'advocacy-yes');
    await page.click('#back');
    await waitForPage(page, 'advocacy');
    assert.equal(await page.isChecked('#option-yes'), true);
    assert.equal(await page.isDisabled('#option-yes'), true);
    assert.equal(await page.isDisabled('#option-no'), true);
    await page.click('#back');
    await waitForPage(page, 'actions');
    assert.equal(await page.locator('#list-add, .item-change, .item-remove').count(), 0);
    assert.match(await page.textContent('li.item'), new RegExp(ACTION.shown));
    await page.click('#back');
    await waitForPage(page, 'changes');
    assert.equal(await page.inputValue('#answer'), TEXT.changes);
    assert.equal(await page.$eval('#answer', (e) => e.readOnly), true);
    await page.click('#answer');
    await page.keyboard.type(' more words');
    assert.equal(await page.inputValue('#answer'), TEXT.changes, 'a read-only answer takes no typing');
    assert.equal(sql(server.data, "select value from answers where page = 'changes'")[0].value,
      TEXT.changes);
    assert.deepEqual(again.pageErrors, []);
  } finally {
    await again.context.close();
  }
});

test('a plan interrupted by a reload is found again with its code', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { clock: true });
  try {
    await page.click('#next');
    await waitForPage(page, 'who');
    await choose(page, 'me', 'kept');
    await clickNext(page, 'code');
    // No letter: start without a code, and the page shows the new one.
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    const code = (await page.textContent('#code-display')).trim();
    assert.match(code, /^[a-z]{3,8}-[a-z]{3,8}-[a-z]{3,8}-[2-9]{4}$/);
    assert.notEqual(code, server.code);
    await clickNext(page, 'profile-intro');
    await clickNext(page, 'like-admire');
    const words = { 'like-admire': 'I am good at darts. Diolch yn fawr — ŵ ŷ.',
      'important-people': 'Nain, and my cousin Siân.' };
    await typeAndSave(page, '#answer', words['like-admire']);
    await clickNext(page, 'important-people');
    await typeAndSave(page, '#answer', words['important-people']);

    // The page is reloaded: the browser kept nothing, so it starts again at the welcome page.
    await page.reload();
    await waitForPage(page, 'welcome');
    const shown = await page.evaluate(() => document.body.innerText);
    for (const w of [code, ...Object.values(words)]) assert.ok(!shown.includes(w), `no "${w}" after reload`);
    assert.deepEqual(await browserStorage(page), NOTHING_STORED);

    await page.click('#next');
    await waitForPage(page, 'who');
    await clickNext(page, 'code');
    await page.click('#code-input');
    await page.keyboard.type(code.toUpperCase().replace(/-/g, ' '));
    await page.keyboard.press('Enter');
    await waitForPage(page, 'welcome-back');
    // A draft can be carried on: it goes back to the last page reached, answers in place.
    assert.deepEqual(await page.$$eval('#page [data-go]', (bs) => bs.map((b) => b.dataset.go)),
      ['continue', 'check', 'status', 'review']);
    await page.click('#action-continue');
    await waitForPage(page, 'important-people');
    assert.equal(await page.inputValue('#answer'), words['important-people']);
    await page.click('#back');
    await waitForPage(page, 'like-admire');
    assert.equal(await page.inputValue('#answer'), words['like-admire']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
