// Sound only, the whole way: a person who cannot see the screen, with headphones and a keyboard
// but no screen reader, writes a new plan from the welcome page to "sent" with the page hidden
// from sight. They find each control by listening (Tab until they hear "Next, button"), and
// every focus move says that control's words, what it is and its state: each is checked as the
// narrate the page asked for and as its audio starting to play. A new page reads itself from
// the top. Answers are typed key by key, chosen with arrows and Space, list entries added and
// the plan checked and sent, all by keys.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, openKiosk, waitForPage, saveMark, waitForSave, dateKeys, pageText,
  axeViolations, formatViolations, sql,
} = require('./harness.js');
const { hide, press, keysPressed, speechAfter, sentSince } = require('./sound.js');

let server;
let browser;
let code = null; // the new plan's code, as the first test heard it

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const m = (name) => 'msg/' + name;
const AUTOSAVE_PAUSE_MS = 1000; // web/js/autosave.js, DELAY_MS

/** What has focus now, as the test needs it to know what should be said. */
async function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    const root = document.getElementById('page');
    const radios = a.type === 'radio' ? [...document.querySelectorAll(`input[type=radio][name="${a.name}"]`)] : [];
    return {
      id: a.id, tag: a.tagName.toLowerCase(), type: a.type || '', value: a.value || '',
      checked: !!a.checked, name: a.name || '', n: radios.indexOf(a) + 1, of: radios.length,
      page: root.dataset.pageId, kind: root.dataset.kind,
      entry: a.closest('.item-edit')?.dataset.itemId ?? null,
      item: a.closest('li.item')?.dataset.itemId ?? null,
      row: a.closest('.check-row')?.dataset.page ?? null,
      back: !!document.getElementById('back'),
      textId: a.dataset.textId || '',
      card: a.dataset.card ?? null, pressed: a.getAttribute('aria-pressed') === 'true',
      cardN: [...document.querySelectorAll('[data-card]')].indexOf(a) + 1,
      cards: document.querySelectorAll('[data-card]').length,
    };
  });
}

// The first field of each list's entries: an entry's name, said on its Change and Remove.
const FIRST_FIELD = { outcomes: 'outcome', budget: 'what', actions: 'what' };

/** The id of a page's question, as its box or list is labelled: its ask, or its title. */
function askOf(id) {
  return pageText(id).ask ? `${id}/ask` : `${id}/title`;
}

const hintOf = (id) => (pageText(id).hint ? [`${id}/hint`] : []);

/**
 * What focus speech should say for what has focus: its name (text ids from the content and
 * messages), what it is and its state, and its hint.
 */
function expectedFor(f) {
  const p = f.page;
  const box = (name, holds, hint = []) => [name, m('focus.text-box'), holds ?? m('focus.empty'), ...hint];
  const button = (...ids) => [...ids, m('focus.button')];
  if (f.type === 'radio') {
    const name = f.kind === 'yes-no' ? m(f.value) : `${p}/option/${f.value}`;
    return [name, m(f.checked ? 'focus.selected' : 'focus.not-selected'), `msg/focus.position?n=${f.n}&of=${f.of}`];
  }
  if (/^language-(page|header)-/.test(f.id) && f.tag === 'button') { // each language in its own voice
    return [`lang/${f.id.replace(/^language-(page|header)-/, '')}`, m('focus.button'),
      m(f.pressed ? 'focus.chosen' : 'focus.not-chosen')];
  }
  if (/^input-/.test(f.id) && f.tag === 'button') {
    return [m('input.' + f.id.slice(6)), m('focus.button'), m(f.pressed ? 'focus.chosen' : 'focus.not-chosen')];
  }
  if (f.card != null) {
    return [`${p}/card/${f.card}`, m('focus.button'), m(f.pressed ? 'focus.chosen' : 'focus.not-chosen'),
      `msg/focus.position?n=${f.cardN}&of=${f.cards}`];
  }
  if (f.id === 'answer') return box(askOf(p), f.value ? `answer/${p}` : null, hintOf(p));
  if (f.entry != null && f.id.startsWith('field-')) {
    return box(`${p}/item/${f.name}`, f.value ? `answer/${p}/${f.entry}/${f.name}` : null);
  }
  if (f.item != null && /^item-(change|remove)-/.test(f.id)) {
    const verb = f.id.startsWith('item-change-') ? 'list.change' : 'list.remove';
    return button(m(verb), `answer/${p}/${f.item}/${FIRST_FIELD[p]}`);
  }
  if (f.row != null && f.id.startsWith('change-')) return button(m('check.change'), askOf(f.row));
  // Coming back: what the person can do, each in the words of the content.
  if (f.id.startsWith('action-') && f.textId.startsWith('msg/welcome-back.')) return button(f.textId);
  const fixed = {
    'next': () => button(m((f.kind === 'info' || f.kind === 'welcome') && !f.back ? 'start' : 'next')),
    'back': () => button(m('back')),
    'list-add': () => [...button(m('list.add')), ...hintOf(p)],
    'item-done': () => button(m('list.save-item')),
    'code-input': () => box(m('code.label'), f.value ? m('focus.has-words') : null, [m('code.hint'), m('code.or-numbers')]),
    'code-open': () => button(m('code.open')),
    'code-new': () => [...button(m('code.new')), m('code.new-hint')],
    'send-plan': () => button(m('send.button')),
    'save-later': () => button(m('save-later')),
    'finish': () => button(m('finish')),
    'headphones-yes': () => button(m('headphones.yes')),
    'headphones-no': () => button(m('headphones.no')),
    'finish-page': () => button(m('finish')),
    'comments-done': () => button(m('comments.carry-on')),
    'code-check-yes': () => button(m('finish-code.yes')),
    'code-check-back': () => button(m('finish-code.back')),
  }[f.id];
  return fixed ? fixed() : null;
}

/**
 * Presses key (Tab by default) until what is heard begins with the text `want`, as a person
 * listening does; each move must say what has focus (expectedFor). Fails after `max` presses,
 * saying what was heard.
 */
async function listenFor(page, want, { key = 'Tab', max = 20 } = {}) {
  const heard = [];
  for (let i = 0; i < max; i++) {
    const said = await press(page, key);
    const f = await focused(page);
    const expected = expectedFor(f);
    assert.ok(expected, `focus went to ${f.tag}#${f.id} on ${f.page}, which this test does not know; ` +
      `it said ${said.ids}`);
    assert.deepEqual(said.ids, expected, `what ${f.tag}#${f.id} on ${f.page} says`);
    heard.push(said.ids[0]);
    if (said.ids[0] === want) return said;
  }
  assert.fail(`${want} was not heard after ${max} presses of ${key} on ` +
    `${await page.getAttribute('#page', 'data-page-id')}; heard: ${heard.join(', ')}`);
}

/** Presses Enter (on Next, or another button that opens a page) and waits for the page `to` to
 * read itself from the top; its heading has focus and is not said on its own. */
async function enterTo(page, to) {
  const keys = await keysPressed(page);
  await page.keyboard.press('Enter');
  await waitForPage(page, to);
  const said = await speechAfter(page, keys);
  assert.ok(said.ids.includes(`${to}/title`), `the page ${to} is read: ${said.ids}`);
  assert.ok(said.ids.indexOf(`${to}/title`) <= 2, `${to} is read from its title: ${said.ids}`);
  return said;
}

/** Tab to Next, hear it, and go on to the page `to`. */
async function next(page, to) {
  await listenFor(page, m('next'));
  return enterTo(page, to);
}

/**
 * From the welcome page: Tab to "Yes, I am using headphones" and press it (its thanks is said),
 * Start, choose "me" on who is writing, and go on to the code page.
 */
async function headphonesToCode(page) {
  await listenFor(page, m('headphones.yes'));
  const keys = await keysPressed(page);
  await page.keyboard.press('Enter');
  let said = await speechAfter(page, keys);
  assert.deepEqual(said.ids, [m('headphones.said-yes')]);
  await listenFor(page, m('start'));
  await enterTo(page, 'who');
  // Who is writing: me.
  said = await press(page, 'Tab');
  assert.deepEqual(said.ids, expectedFor(await focused(page)));
  await choose(page, 'me', 'kept');
  await next(page, 'code');
}

/** Types words into the box with focus, key by key, and waits for them to be saved (on the
 * fake clock, the autosave's pause passes at once). Typing stops the voice. */
async function typeWords(page, words, state = 'saved') {
  const mark = await saveMark(page);
  await page.keyboard.type(words);
  await page.clock.runFor(AUTOSAVE_PAUSE_MS);
  await waitForSave(page, mark, state);
}

/** Arrow keys to the option `value` of the choice with focus, then Space; each arrow says it. */
async function choose(page, value, state = 'saved') {
  const mark = await saveMark(page);
  for (let i = 0; i < 8; i++) {
    const f = await focused(page);
    assert.equal(f.type, 'radio', `focus is on a choice: ${f.tag}#${f.id}`);
    if (f.value === value) break;
    const said = await press(page, 'ArrowDown');
    assert.deepEqual(said.ids, expectedFor(await focused(page)));
  }
  await page.keyboard.press('Space'); // arrows choose already; Space is what a person tries
  await waitForSave(page, mark, state);
  assert.equal(await page.evaluate(() => document.activeElement.value), value);
  assert.equal(await page.evaluate(() => document.activeElement.checked), true);
}

/**
 * On a list page: Tab to Add and press it; in the new entry, each field is found by listening,
 * typed and saved; Tab to Done and press it. The entry is on the list, its name said on its
 * Change button.
 */
async function addEntry(page, id, values) {
  await listenFor(page, m('list.add'));
  let keys = await keysPressed(page);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.item-edit[data-item-id]');
  // Focus is in the new entry's first box, and that is what is said (not the page again).
  let said = await speechAfter(page, keys);
  assert.deepEqual(said.ids, expectedFor(await focused(page)), 'the new entry\'s first box is said');
  assert.equal((await focused(page)).id, `field-${values[0][0]}`);
  const entry = await page.getAttribute('.item-edit', 'data-item-id');
  for (const [name, value] of values) {
    if ((await focused(page)).id !== `field-${name}`) await listenFor(page, `${id}/item/${name}`);
    if (name === 'when') {
      // A date: its digits, then Tab on through the rest of the box (each Tab says it again),
      // to Done. Leaving the box saves it; no error is said on the way.
      const mark = await saveMark(page);
      const keysAt = await keysPressed(page);
      await page.keyboard.type(await dateKeys(browser, value));
      await listenFor(page, m('list.save-item'));
      await waitForSave(page, mark);
      assert.deepEqual((await sentSince(page, keysAt)).filter((x) => x.includes('error')), [],
        'no error is said while a date is typed');
      continue;
    }
    await typeWords(page, value);
  }
  if ((await focused(page)).id !== 'item-done') await listenFor(page, m('list.save-item'));
  keys = await keysPressed(page);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.item-edit'));
  // Back on the list, focus is on the entry's Change button, which says the entry's name.
  said = await speechAfter(page, keys);
  const f = await focused(page);
  assert.equal(f.id, `item-change-${entry}`);
  assert.deepEqual(said.ids, expectedFor(f), 'the entry\'s Change button is said');
  return entry;
}

/** A text or long-text page: Tab to its box (hearing its question), type, save; then Next. */
async function answerPage(page, id, words, to) {
  await listenFor(page, askOf(id));
  await typeWords(page, words);
  // Back to the box: it says the words as saved.
  await press(page, 'Shift+Tab');
  await listenFor(page, askOf(id));
  await next(page, to);
}

test('a person who cannot see writes and sends a new plan by keys and sound alone', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true, clock: true });
  try {
    await hide(page);
    // The first key allows sound, and the welcome page reads itself with its question about
    // headphones; focus is on Yes, which the reading says.
    let said = await press(page, 'Tab');
    assert.deepEqual(said.ids.slice(0, 3), [m('progress'), 'part/1/title', 'welcome/title']);
    assert.ok(said.ids.includes(m('headphones.ask')), `the question is read: ${said.ids}`);
    // Focus is on the first language, English (the one in use); Tab goes on through the others,
    // each said in its own voice, to "How do you use the screen?": they use a keyboard.
    assert.equal((await focused(page)).id, 'language-page-en-GB');
    await listenFor(page, m('input.keyboard'));
    let keys = await keysPressed(page);
    await page.keyboard.press('Enter');
    said = await speechAfter(page, keys);
    assert.deepEqual(said.ids, [m('input.said-keyboard')]);
    assert.equal(await page.evaluate(() => document.body.dataset.input), 'keyboard');
    await headphonesToCode(page);

    // No code: start a new plan. The new code is read, piece by piece (headphones on).
    await listenFor(page, m('code.new'));
    keys = await keysPressed(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-display');
    said = await speechAfter(page, keys);
    assert.ok(said.ids.includes('code/1'), `the new code is read: ${said.ids}`);
    code = (await page.textContent('#code-display')).trim();
    await next(page, 'profile-intro');
    await next(page, 'like-admire');
    await answerPage(page, 'like-admire', 'I am kind and I make people laugh', 'important-people');
    for (const [id, to] of [['important-people', 'important-places'], ['important-places', 'important-routines'],
      ['important-routines', 'important-things'], ['important-things', 'support-good-days'],
      ['support-good-days', 'support-bad-days'], ['support-bad-days', 'communicate'],
      ['communicate', 'interpreter'], ['interpreter', 'plan-intro'], ['plan-intro', 'important'], ['important', 'outcomes'],
      ['outcomes', 'supported-family'], ['supported-family', 'supported-community'],
      ['supported-community', 'supported-paid'], ['supported-paid', 'supported-equipment'],
      ['supported-equipment', 'needs'], ['needs', 'needs-missing'], ['needs-missing', 'budget-intro'],
      ['budget-intro', 'budget']]) {
      if (id === 'important-places') {
        // A picture card, found by ear and chosen with Space: it is saved, and says it is chosen.
        await listenFor(page, 'important-places/card/park');
        const mark = await saveMark(page);
        await page.keyboard.press('Space');
        await waitForSave(page, mark);
        assert.equal(await page.getAttribute('#card-park', 'aria-pressed'), 'true');
      }
      await next(page, to);
    }
    const entry = await addEntry(page, 'budget', [['what', 'A support worker to go swimming'], ['cost', '40']]);
    // Remove asks first, and the question is said with the answer focus lands on; "No, keep it"
    // goes back to Remove.
    await listenFor(page, m('list.remove'));
    said = await press(page, 'Enter');
    assert.ok(await page.evaluate(() => document.activeElement.matches('.item-confirm .item-remove-no')),
      'focus is on "No, keep it"');
    assert.deepEqual(said.ids, [m('list.remove.no'), m('focus.button'), m('list.remove.ask')]);
    said = await press(page, 'Enter');
    assert.equal((await focused(page)).id, `item-remove-${entry}`);
    assert.deepEqual(said.ids, expectedFor(await focused(page)));
    await next(page, 'direct-payment');
    await next(page, 'managing');
    await listenFor(page, 'managing/option/direct-payment');
    await choose(page, 'council');
    await next(page, 'direct-payment-again');
    await listenFor(page, m('yes'));
    await choose(page, 'no');
    await next(page, 'control');
    await next(page, 'carer');
    await next(page, 'risks');
    await next(page, 'risks-managed');
    await next(page, 'unsafe');
    await next(page, 'emergency');
    await next(page, 'emergency-contact');
    await answerPage(page, 'emergency-contact', 'My sister Huw on 07700 900123', 'changes');
    await next(page, 'actions');
    await addEntry(page, 'actions', [['what', 'Find a cookery class'], ['who', 'My sister'],
      ['when', '2027-05-31']]);
    await next(page, 'advocacy');
    await listenFor(page, m('yes'));
    await choose(page, 'yes');
    await next(page, 'advocacy-yes');
    // The check page: every Change button on the way to Next says what it changes.
    await next(page, 'check');
    const rows = await page.$$eval('.check-change', (b) => b.length);
    assert.ok(rows > 20, `a Change button for each answer: ${rows}`);
    await listenFor(page, m('next'), { max: rows + 5 });
    await enterTo(page, 'send');
    await listenFor(page, m('send.button'));
    await enterTo(page, 'sent');

    // Finish: a plan begun without a code asks first whether they have the code, in a dialog
    // that says the code; "No, go back" shows it on its page, whose Finish asks again.
    await listenFor(page, m('finish'));
    keys = await keysPressed(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog#code-check[open]');
    const dialog = async (k) => {
      const words = await speechAfter(page, k);
      assert.equal(words.ids[0], m('finish-code.ask'), `the dialog is read from its question: ${words.ids}`);
      assert.ok(words.ids.includes('code/1') && words.ids.includes(m('finish-code.why')),
        `the dialog says the code and why: ${words.ids}`);
      assert.equal((await focused(page)).id, 'code-check-title');
    };
    await dialog(keys);
    await listenFor(page, m('finish-code.yes'));
    await listenFor(page, m('finish-code.back'));
    said = await press(page, 'Enter');
    assert.deepEqual(said.ids, ['saved-code/title'], 'back on the page, its heading is said');
    assert.equal(await page.$('dialog#code-check[open]'), null);
    await listenFor(page, m('finish'));
    keys = await keysPressed(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog#code-check[open]');
    await dialog(keys);
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('the dialog asking about the code', v));
    await listenFor(page, m('finish-code.yes'));
    await page.keyboard.press('Enter');
    await waitForPage(page, 'welcome');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

/** The caseworker, on the staff page, comments on the plan. */
async function staffComment(plan, words) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(server.url + 'staff/login.html');
    await page.fill('#name', server.caseworker.name);
    await page.fill('#password', server.caseworker.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    await page.goto(`${server.url}staff/#plan/${plan}`);
    await page.waitForSelector('form.app-comment-form textarea');
    const id = await page.$eval('form.app-comment-form textarea', (e) => e.id);
    await page.fill(`#${id}`, words);
    await page.click(`#${id}-add`);
    await page.waitForSelector(`#${id}-done:not(:empty)`);
  } finally {
    await context.close();
  }
}

test('coming back with the code, by keys and sound, the person hears what their social worker wrote', async () => {
  assert.ok(code, 'the first test started a plan and heard its code');
  const plan = sql(server.data, 'select max(id) as id from plans')[0].id;
  await staffComment(plan, 'Can we talk about the swimming?');
  const comment = sql(server.data, 'select max(id) as id from comments')[0].id;

  const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true, clock: true });
  try {
    await hide(page);
    let said = await press(page, 'Tab');
    assert.equal(said.ids[0], m('progress'));
    // They leave "How do you use the screen?" unanswered and go on to the headphones question.
    await headphonesToCode(page);

    // The code, typed; Enter opens the plan, and what the social worker wrote comes first.
    await listenFor(page, m('code.label'));
    await page.keyboard.type(code);
    said = await enterTo(page, 'comments');
    const id = `comment/${comment}`;
    assert.ok(said.ids.includes(id), `the comment is read with the page: ${said.ids}`);
    await page.waitForFunction((i) => window.__audio.narrations.some((n) => n.id === i && n.samples > 0), id);
    await listenFor(page, m('comments.carry-on'));
    await enterTo(page, 'welcome-back');
    await listenFor(page, m('welcome-back.check'));
    await enterTo(page, 'check');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});
