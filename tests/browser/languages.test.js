// A person who reads Welsh, Polish, Romanian, Urdu, Punjabi, Bengali or Arabic better than English
// chooses their language on the first page and writes and sends their plan in it: every page in
// that language (its words from easyread/<lang>/), `lang` and `dir` right on the page and on each
// language's own name, no sideways scrolling at 320px (Urdu and Arabic right to left), axe clean,
// the page read aloud in the language's voice with the highlight moving forward, and the plan
// opening in that language when they come back with the code on another machine.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, sql, openKiosk, waitForPage, saveMark, waitForSave, message, pageText,
  translations, axeCleanAtBothWidths,
} = require('./harness.js');

// Words a person might type, in each language (kept as typed: the staff read them verbatim).
const TYPED = {
  cy: 'Rwy’n hoffi cerdded gyda’r ci. Mae fy chwaer yn fy helpu.',
  pl: 'Lubię spacerować z psem. Moja siostra mi pomaga.',
  ro: 'Îmi place să merg cu câinele. Sora mea mă ajută.',
  ur: 'مجھے کتے کے ساتھ چلنا پسند ہے۔ میری بہن میری مدد کرتی ہے۔',
  pa: 'ਮੈਨੂੰ ਕੁੱਤੇ ਨਾਲ ਤੁਰਨਾ ਪਸੰਦ ਹੈ। ਮੇਰੀ ਭੈਣ ਮੇਰੀ ਮਦਦ ਕਰਦੀ ਹੈ।',
  bn: 'আমি কুকুরের সাথে হাঁটতে ভালোবাসি। আমার বোন আমাকে সাহায্য করে।',
  ar: 'أحب المشي مع الكلب. أختي تساعدني.',
};
const FALLBACK_TYPED = 'Hello';

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

/** The page's language and direction, and its heading's words. */
function shown(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    title: document.getElementById('page-title')?.textContent.trim(),
    id: document.getElementById('page')?.dataset.pageId,
  }));
}

/** Waits for the page `id` in language `lang` (its heading as the content writes it there). */
async function waitForPageIn(page, id, lang) {
  const title = pageText(id, lang).title;
  await page.waitForFunction(([l, i, t]) => document.documentElement.lang === l &&
    document.getElementById('page')?.dataset.pageId === i &&
    document.getElementById('page-title')?.textContent.trim() === t, [lang, id, title]);
}

/** Next, and the page that comes (whichever it is). */
async function next(page) {
  const was = await page.evaluate(() => document.getElementById('page').dataset.pageId);
  await page.click('#next');
  await page.waitForFunction((w) => {
    const p = document.getElementById('page');
    return document.body.dataset.connection === 'open' && p.dataset.pageId && p.dataset.pageId !== w &&
      document.getElementById('page-title');
  }, was);
  return page.evaluate(() => document.getElementById('page').dataset.pageId);
}

/** Records every word the highlight lands on, in order: window.__spoken [{id, at}]. */
async function recordHighlight(page) {
  await page.evaluate(() => {
    window.__spoken = [];
    new MutationObserver(() => {
      const w = document.querySelector('.is-spoken');
      if (!w) return;
      const id = w.closest('[data-text-id]')?.dataset.textId;
      const at = Number(w.dataset.at);
      const last = window.__spoken[window.__spoken.length - 1];
      if (!last || last.id !== id || last.at !== at) window.__spoken.push({ id, at });
    }).observe(document.getElementById('page'), { subtree: true, attributes: true, attributeFilter: ['class'] });
  });
}

for (const { lang, name, dir } of translations()) {
  test(`in ${name} (${lang}): chosen on the first page, written, heard and sent; back with the code in ${lang}`, async () => {
    const { context, page, pageErrors } = await openKiosk(browser, server.url, { audio: true });
    let code;
    try {
      // The choice comes first on the welcome page: each language named in itself, in its own
      // language and direction; English is the one in use.
      const choices = await page.$$eval('#language-choice button', (bs) => bs.map((b) => ({
        lang: b.getAttribute('lang'), dir: b.getAttribute('dir'), text: b.textContent.trim(),
        id: b.dataset.textId, pressed: b.getAttribute('aria-pressed'),
      })));
      assert.deepEqual(choices[0], { lang: 'en-GB', dir: 'ltr', text: 'English', id: 'lang/en-GB', pressed: 'true' });
      assert.deepEqual(choices.find((c) => c.lang === lang), { lang, dir, text: name, id: `lang/${lang}`, pressed: 'false' });
      const first = await page.evaluate(() => {
        const main = document.querySelector('#page .answer-area');
        return main.querySelector('button, input, select, textarea')?.closest('#language-choice') !== null;
      });
      assert.ok(first, 'the language choice is the first thing to choose on the page');

      await page.click(`#language-choice button[lang="${lang}"]`);
      await waitForPageIn(page, 'welcome', lang);
      assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
        [lang, dir]);
      assert.equal(await page.getAttribute(`#language-choice button[lang="${lang}"]`, 'aria-pressed'), 'true');
      assert.equal(await page.textContent('#next'), message('start', {}, lang));
      await axeCleanAtBothWidths(page, `welcome in ${lang}`);

      // Read aloud in its voice: the highlight moves forward through the title and the text.
      await recordHighlight(page);
      await page.click('#narration-listen');
      await page.waitForFunction(() => window.__spoken.filter((s) => s.id.startsWith('welcome/')).length >= 4,
        null, { timeout: 30000 });
      const spoken = await page.evaluate(() => window.__spoken);
      const order = (s) => (s.id === 'welcome/title' ? 0 : s.id.startsWith('welcome/say/') ? Number(s.id.slice(12)) : -1);
      const read = spoken.filter((s) => order(s) >= 0);
      assert.ok(read.length >= 3, `words of the page were highlighted: ${JSON.stringify(spoken)}`);
      for (let i = 1; i < read.length; i++) {
        assert.ok(order(read[i]) > order(read[i - 1]) || (order(read[i]) === order(read[i - 1]) && read[i].at > read[i - 1].at),
          `the highlight moves forward: ${JSON.stringify(read.slice(i - 1, i + 1))}`);
      }
      await page.click('#narration-stop');

      // Start, who is writing, the code page in the language; a new plan without a code.
      assert.equal(await next(page), 'who');
      await waitForPageIn(page, 'who', lang);
      assert.equal(await next(page), 'code');
      await page.click('#code-new');
      await page.waitForSelector('#code-display');
      code = (await page.textContent('#code-display')).trim();
      assert.equal(await page.getAttribute('#code-display', 'dir'), 'ltr', 'the code reads left to right');

      // Every page in the language, to the send page: the first two text boxes get words.
      let typed = 0;
      let id = 'code';
      for (let guard = 0; guard < 80 && id !== 'send'; guard++) {
        id = await next(page);
        const { lang: l, title } = await shown(page);
        assert.equal(l, lang, `${id} is in ${lang}`);
        assert.equal(title, pageText(id, lang).title, `${id}'s heading is the ${lang} one`);
        const box = await page.$('textarea#answer, input#answer.input');
        if (box && typed < 2) {
          const mark = await saveMark(page);
          await page.click('#answer');
          await page.keyboard.insertText(TYPED[lang] || FALLBACK_TYPED);
          await waitForSave(page, mark);
          if (typed === 0) await axeCleanAtBothWidths(page, `${id} in ${lang}, with words`);
          typed++;
        }
      }
      assert.equal(id, 'send');
      assert.equal(typed, 2);
      await page.click('#send-plan');
      await page.waitForFunction(() => document.getElementById('page').dataset.kind === 'sent');
      assert.equal((await shown(page)).lang, lang);
      await axeCleanAtBothWidths(page, `sent in ${lang}`);

      // Stored as typed, and the plan keeps its language.
      const plan = sql(server.data, 'select id, lang, status from plans order by id desc limit 1')[0];
      assert.equal(plan.lang, lang);
      assert.equal(plan.status, 'submitted');
      const answers = sql(server.data, `select value from answers where plan_id = ${plan.id}`).map((r) => r.value);
      assert.ok(answers.includes(TYPED[lang] || FALLBACK_TYPED), `the words are kept as typed: ${answers}`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }

    // Back on another machine, which starts in English: the code opens the plan in the language.
    const again = await openKiosk(browser, server.url);
    try {
      assert.equal((await shown(again.page)).lang, 'en-GB');
      await again.page.click('#next');
      await waitForPage(again.page, 'who');
      await again.page.click('#next');
      await waitForPage(again.page, 'code');
      await again.page.fill('#code-input', code);
      await again.page.click('#code-open');
      await again.page.waitForFunction((l) => document.documentElement.lang === l &&
        document.getElementById('page').dataset.pageId !== 'code', lang);
      const { id, title, dir: d } = await shown(again.page);
      assert.equal(title, pageText(id, lang).title, `${id} comes in ${lang}`);
      assert.equal(d, dir);
      assert.deepEqual(again.pageErrors, []);
    } finally {
      await again.context.close();
    }
  });
}

test('the language can be changed on any page, and what was typed stays', async () => {
  const { context, page, pageErrors } = await openKiosk(browser, server.url);
  try {
    const [{ lang, name }] = translations();
    await page.click('#next');
    await waitForPage(page, 'who');
    await page.click('#next');
    await waitForPage(page, 'code');
    await page.click('#code-new');
    await page.waitForSelector('#code-display');
    let id = await next(page);
    while (!(await page.$('textarea#answer'))) id = await next(page);
    const mark = await saveMark(page);
    await page.click('#answer');
    await page.keyboard.insertText('My own words.');
    await waitForSave(page, mark);
    // "Language" in the header, then the language, named in itself.
    assert.equal(await page.isVisible('#language-more'), true);
    assert.equal((await page.textContent('#language-label')).trim(), message('language.button'));
    await page.click('#language-more summary');
    await page.click(`#language-list button[lang="${lang}"]`);
    await waitForPageIn(page, id, lang);
    assert.equal(await page.inputValue('#answer'), 'My own words.');
    assert.equal((await page.textContent('#language-label')).trim(), message('language.button', {}, lang));
    assert.equal(await page.getAttribute(`#language-list button[lang="${lang}"]`, 'aria-pressed'), 'true');
    assert.equal((await page.textContent(`#language-list button[lang="${lang}"]`)).trim(), name);
    // and back to English
    await page.click('#language-more summary');
    await page.click('#language-list button[lang="en-GB"]');
    await waitForPageIn(page, id, 'en-GB');
    assert.equal(await page.inputValue('#answer'), 'My own words.');
    assert.equal(sql(server.data, 'select lang from plans order by id desc limit 1')[0].lang, 'en-GB');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
  }
});

test('on a touch screen, the keyboard has the language\'s own letters, each said in its voice', async () => {
  const { openTouch, tap, showKeyboard } = require('./touch.js');
  for (const lang of ['pl', 'ar'].filter((l) => translations().some((t) => t.lang === l))) {
    const { context, page, said, pageErrors } = await openTouch(browser, server);
    try {
      await tap(page, `#language-choice button[lang="${lang}"]`);
      await waitForPageIn(page, 'welcome', lang);
      await tap(page, '#next');
      await waitForPageIn(page, 'who', lang);
      await tap(page, '#next');
      await waitForPageIn(page, 'code', lang);
      await tap(page, '#code-new');
      await page.waitForSelector('#code-display');
      while (!(await page.$('textarea#answer'))) {
        const was = await page.evaluate(() => document.getElementById('page').dataset.pageId);
        await tap(page, '#next');
        await page.waitForFunction((w) => document.getElementById('page').dataset.pageId !== w &&
          document.getElementById('page-title'), was);
      }
      await tap(page, '#narration-echo-letters');
      await showKeyboard(page, 'answer');
      // The letters are the language's alphabet, in its order (then . , ' ?), in its language.
      const alphabet = [...message('keyboard.alphabet', {}, lang)];
      const keys = await page.$$eval('#keyboard-keys .key-char', (ks) => ks.map((k) => k.dataset.char));
      assert.deepEqual(keys.slice(0, alphabet.length), alphabet);
      assert.equal(await page.getAttribute('#keyboard', 'lang'), lang);
      // A letter outside a to z is said as itself, in the language's voice; it is typed.
      const letter = alphabet.find((c) => !/[a-z]/.test(c));
      const key = `#keyboard-keys .key-char[data-char="${letter}"]`;
      assert.equal(await page.getAttribute(key, 'data-text-id'), `char/${letter}`);
      const from = said.length;
      const mark = await saveMark(page);
      await tap(page, key);
      await waitForSave(page, mark);
      assert.equal(await page.inputValue('#answer'), letter.toLocaleUpperCase());
      await page.waitForFunction(([n, id]) => window.__saidIds ? true : true, [from, letter]);
      assert.ok(said.slice(from).includes(`char/${letter}`), `the key is said: ${said.slice(from)}`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  }
});
