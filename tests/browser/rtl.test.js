// The kiosk in a right-to-left language (Arabic, Urdu): the layout mirrors, nothing is pushed off
// the screen, and the words are drawn in the served fonts for their script. Real server (--demo,
// its own data folder), real headless Chromium, a touch screen.
//
// On the welcome page with the narration bar's choices open, a long-text page with picture cards
// and the keyboard on the screen open, and a list page with an entry, for ar and then ur:
// - at 1024px and at 320px nothing scrolls sideways and no element's box reaches outside the
//   screen, left or right;
// - at 1024px the main button (Next) and the picture sit on the other side from where they are
//   left to right, mirrored; so do the first picture card and an entry's Change button; the
//   keyboard's Latin letters stay a to z from the left;
// - real words of the language put on the page are drawn in its served font (Noto Sans Arabic,
//   Noto Nastaliq Urdu), and Latin letters and digits among them in Atkinson Hyperlegible, as
//   Chromium itself reports; only the faces the page uses are downloaded;
// - Urdu lines are 2.2 high, and every button's words fit inside it;
// - axe-core finds no WCAG 2.2 A/AA violation at either width.
// And, in any language: Welsh, Polish and Romanian letters are all drawn by served fonts; on the
// staff pages, the person's words in Arabic, Urdu, Punjabi and Bengali (an element with their lang
// and dir) are drawn in the served font of their script, right to left where they are so.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, openKiosk, waitForPage, saveMark, waitForSave, setWidth, sidewaysScroll,
  axeCleanAtBothWidths, axeViolations, formatViolations, NARROW, WIDE, message,
} = require('./harness.js');

const KIOSK = { width: 1024, height: 768 };
const RTL = new Set(['ar', 'ur', 'fa', 'he', 'ps', 'sd', 'yi']);
const LATIN_FONT = 'Atkinson Hyperlegible';

// Real words of each language, put on the page for the checks of fonts and fit; a code among
// them stays left to right (.ltr-isolate).
const WORDS = {
  ar: {
    family: 'Noto Sans Arabic',
    say: 'خطتك بكلماتك أنت. يمكنك الاستماع إليها وإرسالها إلى الأخصائي الاجتماعي.',
    button: 'التالي',
  },
  ur: {
    family: 'Noto Nastaliq Urdu',
    say: 'آپ کا پلان آپ کے اپنے الفاظ میں ہے۔ آپ اسے سن سکتے ہیں اور اپنے سوشل ورکر کو بھیج سکتے ہیں۔',
    button: 'آگے',
  },
};
const CODE = 'KDRM 4729';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Until the page's fonts are in and two frames have been drawn. */
async function settle(page) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/**
 * The same page in language `lang`, chosen as a person chooses it: on the welcome page in the
 * choice there, elsewhere under "Language" in the header. The server sends the page again in it,
 * with lang and dir on <html>. With 'en-GB' it is the page left to right, to compare with.
 */
async function showIn(page, lang) {
  if (await page.evaluate((l) => document.documentElement.lang === l, lang)) return;
  const onPage = await page.$(`#language-choice button[lang="${lang}"]`);
  if (onPage) {
    await onPage.click();
  } else {
    await page.click('#language-more summary');
    await page.click(`#language-list button[lang="${lang}"]`);
  }
  await page.waitForFunction(([l, dir]) => document.documentElement.lang === l &&
    document.documentElement.dir === dir && document.getElementById('page-title'),
  [lang, RTL.has(lang) ? 'rtl' : 'ltr']);
  await settle(page);
}

/** Puts a paragraph and a button of real words in `lang` under the page's title, with a code. */
async function putWords(page, lang) {
  await page.evaluate(({ lang: l, words, code }) => {
    document.getElementById('words-sample')?.remove();
    const box = document.createElement('div');
    box.id = 'words-sample';
    box.lang = l;
    const p = document.createElement('p');
    p.className = 'say';
    p.id = 'words-sample-say';
    p.append(words.say + ' ');
    const c = document.createElement('span');
    c.className = 'ltr-isolate';
    c.id = 'words-sample-code';
    c.textContent = code;
    p.append(c);
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button button-secondary';
    b.id = 'words-sample-button';
    b.textContent = words.button;
    box.append(p, b);
    document.getElementById('page-title').after(box);
  }, { lang, words: WORDS[lang], code: CODE });
  await settle(page);
}

/** Where each selector's first element is: {left, right, top, width} (null when none shows). */
function boxes(page, selectors) {
  return page.evaluate((sels) => Object.fromEntries(sels.map((s) => {
    const e = document.querySelector(s);
    const r = e && e.getBoundingClientRect();
    return [s, r && r.width > 0 ? { left: r.left, right: r.right, top: r.top, width: r.width } : null];
  })), selectors);
}

/** The box of the page's content (.main), whose middle the layout mirrors about. */
async function mainBox(page) {
  return (await boxes(page, ['#main']))['#main'];
}

/**
 * Each selector's element sits, right to left, where its mirror image was left to right: as far
 * from the right edge of the page's content as it was from the left, within 2px, on the other
 * side of the middle.
 */
function assertMirrored(where, ltr, rtl, ltrMain, rtlMain) {
  for (const [sel, a] of Object.entries(ltr)) {
    const b = rtl[sel];
    assert.ok(a && b, `${where}: ${sel} shows left to right and right to left`);
    const mid = (rtlMain.left + rtlMain.right) / 2;
    const ltrMid = (ltrMain.left + ltrMain.right) / 2;
    assert.ok(a.left < ltrMid && b.right > mid,
      `${where}: ${sel} moves from the left (${Math.round(a.left)}) to the right (${Math.round(b.right)})`);
    const fromStart = a.left - ltrMain.left;
    const fromEnd = rtlMain.right - b.right;
    // (the words may be another language's, so only the edge it starts from is compared)
    assert.ok(Math.abs(fromStart - fromEnd) <= 2,
      `${where}: ${sel} is mirrored: ${Math.round(fromStart)}px from the left, then ` +
      `${Math.round(fromEnd)}px from the right (widths ${Math.round(a.width)}, ${Math.round(b.width)})`);
  }
}

/**
 * The elements whose box, as far as it shows, reaches outside the screen at its width now, left or
 * right. What an ancestor clips (a line of words running on past the end of a one-line box, the
 * words only a screen reader hears) is not seen, so it counts only as far as it shows.
 */
function outsideScreen(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      // not drawn: inside a closed <details> (the header's languages), or hidden
      if (!e.checkVisibility({ visibilityProperty: true })) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      let { left, right } = r;
      for (let a = e; a && a !== document.body; a = a.parentElement) {
        const cs = getComputedStyle(a);
        const clips = cs.clipPath !== 'none' || (a !== e && cs.overflowX !== 'visible');
        if (clips) {
          const c = a.getBoundingClientRect();
          left = Math.max(left, c.left);
          right = Math.min(right, c.right);
        }
        if (cs.position === 'fixed') break;
      }
      if (right - left <= 0) continue; // none of it shows
      if (left < -0.5 || right > w + 0.5) {
        out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} ` +
          `[${Math.round(left)}, ${Math.round(right)}] "${e.textContent.slice(0, 40)}"`);
      }
    }
    return out.slice(0, 8);
  });
}

/** At 1024px and at 320px: no sideways scroll and nothing outside the screen. Left at 1024px. */
async function assertFits(page, where, atNarrow = null) {
  for (const size of [KIOSK, NARROW]) {
    await setWidth(page, size);
    await settle(page); // the page's own answer to the new width first (it closes the sound choices)
    if (size === NARROW && atNarrow) {
      await atNarrow();
      await settle(page);
    }
    assert.equal(await sidewaysScroll(page), null, `${where} at ${size.width}px`);
    assert.deepEqual(await outsideScreen(page), [], `${where} at ${size.width}px: boxes outside the screen`);
  }
  await setWidth(page, KIOSK);
}

/** Every button shown holds its words: nothing spills out of it, up, down or sideways. */
async function assertButtonsHoldWords(page, where) {
  const spilling = await page.evaluate(() => [...document.querySelectorAll('.button, .card')]
    .filter((b) => b.getClientRects().length && (b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1))
    .map((b) => `${b.id || b.className} (${b.scrollWidth}×${b.scrollHeight} in ${b.clientWidth}×${b.clientHeight})`));
  assert.deepEqual(spilling, [], `${where}: buttons whose words spill out`);
}

/** The fonts Chromium drew an element's text with: {family: glyphs}, and whether each was served. */
async function fontsUsed(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    await cdp.send('CSS.enable');
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => ({ family: f.familyName, served: f.isCustomFont, glyphs: f.glyphCount }));
  } finally {
    await cdp.detach();
  }
}

/** The served faces of a family, by weight, with their status (unloaded, loading, loaded, error). */
function faces(page, family) {
  return page.evaluate((fam) => [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === fam)
    .map((f) => `${f.weight} ${f.status}`).sort(), family);
}

/** The words of `lang` are drawn in its font, the code among them in the Latin one, all served. */
async function assertDrawnInServedFonts(page, lang, where) {
  const { family } = WORDS[lang];
  assert.deepEqual(await faces(page, family), ['400 loaded', '700 loaded'],
    `${where}: ${family}, regular and bold, downloaded and used`);
  const ok = await page.evaluate(({ fam, say, button }) => document.fonts.check(`16px "${fam}"`, say) &&
    document.fonts.check(`bold 16px "${fam}"`, button), { fam: family, ...WORDS[lang] });
  assert.ok(ok, `${where}: document.fonts.check says ${family} is ready for the words`);
  // Chromium's own account of what drew the glyphs: the script's served font, and for the code
  // and the spaces, Atkinson Hyperlegible; never a font of the machine's.
  const say = await fontsUsed(page, '#words-sample-say');
  assert.deepEqual(say.filter((f) => !f.served), [], `${where}: only served fonts: ${JSON.stringify(say)}`);
  assert.ok(say.some((f) => f.family === family && f.glyphs > 20), `${where}: ${family} drew the words: ${JSON.stringify(say)}`);
  const code = await fontsUsed(page, '#words-sample-code');
  assert.deepEqual(code.map((f) => f.family), [LATIN_FONT], `${where}: the code is drawn in ${LATIN_FONT}`);
  const button = await fontsUsed(page, '#words-sample-button');
  assert.deepEqual(button.map((f) => f.family), [family], `${where}: the button's word is drawn in ${family}`);
  const brand = await fontsUsed(page, '#brand');
  assert.deepEqual(brand.map((f) => f.family), [LATIN_FONT], `${where}: "Plan Aloud" stays in ${LATIN_FONT}`);
  // The code is read left to right, kept apart from the words around it.
  assert.deepEqual(await page.$eval('#words-sample-code', (e) => [getComputedStyle(e).direction,
    getComputedStyle(e).unicodeBidi]), ['ltr', 'isolate']);
}

/** Urdu's lines are 2.2 times their text high, in the page's words and on its buttons. */
async function assertUrduLines(page, where) {
  const ratios = await page.evaluate(() => ['#words-sample-say', '#words-sample-button', '#page-title', '#next']
    .map((s) => document.querySelector(s)).filter(Boolean).map((e) => {
      const cs = getComputedStyle(e);
      return [e.id, parseFloat(cs.lineHeight) / parseFloat(cs.fontSize)];
    }));
  for (const [id, ratio] of ratios) assert.ok(ratio >= 2.19, `${where}: #${id}'s lines are ${ratio.toFixed(2)} high, not 2.2`);
}

/**
 * One state of the page: measured left to right, then shown in `lang` with real words, and
 * checked (see the top of this file). mirrored: the selectors that must swap sides at 1024px.
 */
async function checkState(page, lang, where, { mirrored, atNarrow = null, also = null }) {
  await setWidth(page, KIOSK);
  await showIn(page, 'en-GB');
  const ltr = await boxes(page, mirrored);
  const ltrMain = await mainBox(page);
  await showIn(page, lang);
  await putWords(page, lang);
  const rtl = await boxes(page, mirrored);
  assertMirrored(`${where} (${lang})`, ltr, rtl, ltrMain, await mainBox(page));
  if (also) await also();
  await assertDrawnInServedFonts(page, lang, `${where} (${lang})`);
  if (lang === 'ur') await assertUrduLines(page, where);
  await assertButtonsHoldWords(page, `${where} (${lang})`);
  await assertFits(page, `${where} (${lang})`, atNarrow);
  await assertButtonsHoldWords(page, `${where} (${lang}) at 1024px again`);
  await axeCleanAtBothWidths(page, `${where} (${lang}, right to left)`);
  await setWidth(page, KIOSK);
}

/** Next, and the page `to`. */
async function next(page, to) {
  await page.click('#next');
  await waitForPage(page, to);
}

/** Next until the page `to`, answering nothing on the way. */
async function nextUntil(page, to) {
  for (let i = 0; i < 40; i++) {
    const at = await page.evaluate(() => document.getElementById('page').dataset.pageId);
    if (at === to) return;
    await page.click('#next');
    await page.waitForFunction((id) => document.getElementById('page').dataset.pageId !== id, at);
    await page.waitForSelector('body[data-connection="open"] #page-title');
  }
  throw new Error(`never reached ${to}`);
}

for (const lang of ['ar', 'ur']) {
  test(`the kiosk in ${lang}, right to left: mirrored, on the screen, in its served font`, { timeout: 300000 }, async () => {
    const server = await startServer(); // its own, so that the demo plan starts at its first page
    const { context, page, pageErrors } = await openKiosk(browser, server.url, { viewport: KIOSK, touch: true });
    try {
      // The English first page downloads Atkinson Hyperlegible, and for the language choice, where
      // each language is named in its own script on a bold button, only those scripts' bold faces.
      assert.deepEqual(await page.evaluate(() => [...document.fonts]
        .filter((f) => f.status !== 'unloaded' && f.family.replace(/["']/g, '') !== 'Atkinson Hyperlegible')
        .map((f) => `${f.family.replace(/["']/g, '')} ${f.weight}`).sort()),
      ['Noto Nastaliq Urdu 700', 'Noto Sans Arabic 700', 'Noto Sans Bengali 700', 'Noto Sans Gurmukhi 700'],
      'the English page loads no font its words do not need');

      // The welcome page, with the narration bar and its choices open at both widths.
      await page.waitForSelector('#narration:not([hidden])');
      const openChoices = async () => {
        await page.waitForFunction(() => !matchMedia('(min-width: 40em)').matches);
        if (!(await page.evaluate(() => document.getElementById('narration-more').open))) {
          await page.click('#narration-more summary');
        }
        await page.waitForSelector('#narration-speeds button', { state: 'visible' });
      };
      await checkState(page, lang, 'the welcome page with the narration bar', {
        mirrored: ['#next', '#page .picture', '#narration-listen'],
        atNarrow: openChoices,
        also: async () => {
          // The sound choices are open, and their row starts at the right.
          const r = await boxes(page, ['#narration-speed-slowest', '#narration-speed-fastest']);
          assert.ok(r['#narration-speed-slowest'].left > r['#narration-speed-fastest'].left,
            'the speeds read from the right, slowest first');
        },
      });
      // (Every script's font is downloaded on the welcome page: each language is named in itself
      // in the language choice there.)

      // A long-text page with picture cards, the keyboard on the screen open.
      await showIn(page, 'en-GB');
      await next(page, 'who');
      const mark = await saveMark(page);
      await page.click('label[for="option-me"]');
      await waitForSave(page, mark, 'kept');
      await next(page, 'code');
      await page.fill('#code-input', server.code);
      await page.click('#code-open');
      await waitForPage(page, 'profile-intro');
      await next(page, 'like-admire');
      await next(page, 'important-people');
      await page.click('.keyboard-show');
      await page.waitForSelector('#keyboard:not([hidden]) .key-char');
      await checkState(page, lang, 'a page of picture cards with the keyboard open', {
        mirrored: ['#next', '#page .picture', '#cards [data-card]'],
        also: async () => {
          // The keyboard's letters are the language's own, in its order from the right.
          const keys = await page.$$eval('#keyboard-keys .key-char', (bs) => bs.slice(0, 3)
            .map((b) => [b.dataset.char, b.getBoundingClientRect().left]));
          assert.deepEqual(keys.map((k) => k[0]), [...message('keyboard.alphabet', {}, lang)].slice(0, 3));
          assert.ok(keys[0][1] > keys[1][1] && keys[1][1] > keys[2][1], `from the right: ${JSON.stringify(keys)}`);
        },
      });

      // A list page with an entry.
      await showIn(page, 'en-GB');
      await nextUntil(page, 'outcomes');
      await page.click('#list-add');
      await page.waitForSelector('.item-edit[data-item-id]');
      const before = await saveMark(page);
      await page.fill('#field-outcome', 'Cook my own meals on Tuesdays, 2 times a week');
      await waitForSave(page, before);
      await page.click('#item-done');
      await page.waitForFunction(() => !document.querySelector('.item-edit') &&
        document.querySelectorAll('li.item').length === 1);
      await checkState(page, lang, 'a list page with an entry', {
        mirrored: ['#next', '#page .picture', 'li.item .item-actions .button'],
      });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}

test('Welsh, Polish and Romanian letters are all drawn by served fonts', async () => {
  const server = await startServer();
  const { context, page } = await openKiosk(browser, server.url, { viewport: KIOSK });
  try {
    const text = {
      cy: 'Ŵyr a ŷd: mae’r dŵr yn y tŷ. ẃ ẁ ẅ ỳ Ŷ',
      pl: 'Zażółć gęślą jaźń. ĄĆĘŁŃÓŚŹŻ',
      ro: 'Științe și țară. ȘȚ ăâî ĂÂÎ',
    };
    await page.evaluate((t) => {
      for (const [lang, words] of Object.entries(t)) {
        for (const bold of [false, true]) {
          const p = document.createElement('p');
          p.lang = lang;
          p.id = `latin-${lang}${bold ? '-bold' : ''}`;
          p.style.fontWeight = bold ? '700' : '400';
          p.textContent = words;
          document.getElementById('page-title').after(p);
        }
      }
    }, text);
    await settle(page);
    for (const lang of Object.keys(text)) {
      for (const id of [`latin-${lang}`, `latin-${lang}-bold`]) {
        const used = await fontsUsed(page, `#${id}`);
        assert.deepEqual(used.filter((f) => !f.served), [], `${id}: only served fonts: ${JSON.stringify(used)}`);
        assert.ok(used.some((f) => f.family === LATIN_FONT), `${id}: ${JSON.stringify(used)}`);
        // Atkinson Hyperlegible has all but Welsh ŵ ŷ (and w, y with other accents), which Noto Sans draws.
        const families = used.map((f) => f.family).sort();
        assert.deepEqual(families, lang === 'cy' ? [LATIN_FONT, 'Noto Sans'] : [LATIN_FONT], `${id}: ${JSON.stringify(used)}`);
      }
    }
  } finally {
    await context.close();
    await server.stop();
  }
});

test('on the staff pages the person\'s words are drawn in the served font of their script, in their direction', async () => {
  const server = await startServer();
  const context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  try {
    await page.goto(server.url + 'staff/login.html');
    await page.fill('#name', server.caseworker.name);
    await page.fill('#password', server.caseworker.password);
    await Promise.all([page.waitForURL(/\/staff\/(#.*)?$/), page.click('#login')]);
    await page.waitForSelector('#user:not([hidden])');
    // As the staff pages show an answer: in a paragraph, and in a table's cell, with lang and dir.
    const words = {
      ar: ['Noto Sans Arabic', 'rtl', 'أريد أن أطبخ وجباتي بنفسي.'],
      ur: ['Noto Nastaliq Urdu', 'rtl', 'میں اپنا کھانا خود بنانا چاہتا ہوں۔'],
      pa: ['Noto Sans Gurmukhi', 'ltr', 'ਮੈਂ ਆਪਣਾ ਖਾਣਾ ਆਪ ਬਣਾਉਣਾ ਚਾਹੁੰਦਾ ਹਾਂ।'],
      bn: ['Noto Sans Bengali', 'ltr', 'আমি নিজে রান্না করতে চাই।'],
    };
    await page.evaluate((w) => {
      const table = document.createElement('table');
      table.className = 'govuk-table';
      table.innerHTML = '<caption class="govuk-table__caption">Answers</caption><thead class="govuk-table__head"><tr class="govuk-table__row">' +
        '<th scope="col" class="govuk-table__header">Question</th><th scope="col" class="govuk-table__header">Answer</th></tr></thead>' +
        '<tbody class="govuk-table__body"></tbody>';
      for (const [lang, [, dir, text]] of Object.entries(w)) {
        const p = document.createElement('p');
        p.className = 'govuk-body';
        p.append('They wrote: ');
        const q = document.createElement('q');
        Object.assign(q, { className: 'app-verbatim', lang, dir, id: `said-${lang}`, textContent: text });
        p.append(q);
        const tr = document.createElement('tr');
        tr.className = 'govuk-table__row';
        tr.innerHTML = '<td class="govuk-table__cell">What I want</td>';
        const td = document.createElement('td');
        Object.assign(td, { className: 'govuk-table__cell app-verbatim', lang, dir, id: `cell-${lang}`, textContent: text });
        tr.append(td);
        table.tBodies[0].append(tr);
        document.querySelector('main').append(p);
      }
      document.querySelector('main').append(table);
    }, words);
    await settle(page);
    for (const [lang, [family, dir]] of Object.entries(words)) {
      for (const id of [`said-${lang}`, `cell-${lang}`]) {
        const used = await fontsUsed(page, `#${id}`);
        assert.deepEqual(used.filter((f) => !f.served), [], `${id}: only served fonts: ${JSON.stringify(used)}`);
        assert.ok(used.some((f) => f.family === family && f.glyphs >= 5), `${id} is drawn in ${family}: ${JSON.stringify(used)}`);
        assert.deepEqual(used.filter((f) => f.family !== family && f.family !== LATIN_FONT), [], `${id}: ${JSON.stringify(used)}`);
      }
      // Right-to-left words start at the right of their cell, whatever GOV.UK aligns a cell to.
      const align = await page.$eval(`#cell-${lang}`, (e) => getComputedStyle(e).textAlign);
      assert.equal(align, dir === 'rtl' ? 'start' : 'left', `#cell-${lang} is aligned to its start`);
      if (dir === 'rtl') {
        const [cell, text] = await page.$eval(`#cell-${lang}`, (e) => {
          const r = document.createRange();
          r.selectNodeContents(e);
          return [e.getBoundingClientRect().right, r.getBoundingClientRect().right];
        });
        assert.ok(cell - text < 25, `#cell-${lang}: the words end at the right of the cell (${cell - text}px short)`);
      }
    }
    const v = await axeViolations(page);
    assert.deepEqual(v, [], formatViolations('the staff page with the person\'s words in four scripts', v));
  } finally {
    await context.close();
    await server.stop();
  }
});
