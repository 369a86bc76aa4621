// The kiosk's screen at the sizes kiosks have: 1024×768, 1280×800, 1366×768 and a portrait
// 1080×1920. On every journey page, from the welcome page to the send page, the main action (Next,
// Open, Send) is on the first screen without scrolling, whole and not covered, and so are the
// sound controls; the sound bar's words are as big as the rest (24px at least); and nothing
// jumps when the sound controls arrive with the server's hello (cumulative layout shift under
// 0.1). axe finds no WCAG 2.2 A/AA violation on the pages at 1280×800.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, launchBrowser, openKiosk, waitForPage, saveMark, waitForSave, axeViolations,
  formatViolations,
} = require('./harness.js');

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1080, height: 1920 },
];
const AXE_SIZE = 1280;

// Layout shifts from the start of the page, added up in window.__shift (buffered, so none is
// missed), each with what moved in window.__shifts.
const SHIFT_LOG = `
  window.__shift = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      window.__shift += e.value;
      (window.__shifts = window.__shifts || []).push(e.value.toFixed(3) + ' ' + e.sources.map((x) =>
        x.node ? (x.node.id || x.node.className || x.node.nodeName) : '?').join(','));
    }
  }).observe({ type: 'layout-shift', buffered: true });
`;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Where the main action and Listen are on the page as first shown, and what covers them. */
async function screenOf(page, action) {
  return page.evaluate((sel) => {
    const inside = (e) => {
      if (!e) return 'missing';
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return 'not shown';
      if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) {
        return `at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},` +
          `${Math.round(r.bottom)} outside ${window.innerWidth}×${window.innerHeight}`;
      }
      const over = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!over || !e.contains(over)) return `covered by ${over ? over.tagName + '.' + over.className : 'nothing'}`;
      return 'ok';
    };
    return {
      scrolled: window.scrollY,
      action: inside(document.querySelector(sel)),
      listen: inside(document.getElementById('narration-listen')),
    };
  }, action);
}

/** The font sizes of the sound bar's words that show, smallest first. */
async function barTextSizes(page) {
  return page.$$eval('#narration button, #narration summary, #narration label, #narration select, ' +
    '#narration .narration-label, #narration .narration-status', (es) => es
    .filter((e) => e.getClientRects().length && e.textContent.trim())
    .map((e) => ({ id: e.id || e.className, px: parseFloat(getComputedStyle(e).fontSize) }))
    .sort((a, b) => a.px - b.px));
}

/** The page's main action: Open on the code page, Send on the send page, otherwise Next. */
async function mainAction(page) {
  const id = await page.getAttribute('#page', 'data-page-id');
  if (id === 'code') return '#code-open';
  if (id === 'send') return '#send-plan';
  return '#next';
}

async function nextPage(page) {
  const was = await page.getAttribute('#page', 'data-page-id');
  await page.click('#next');
  const to = await (await page.waitForFunction((w) => {
    const p = document.querySelector('#page');
    return p && p.dataset.pageId && p.dataset.pageId !== w && document.getElementById('page-title') &&
      p.dataset.pageId;
  }, was)).jsonValue();
  await waitForPage(page, to);
  return to;
}

for (const size of SIZES) {
  test(`at ${size.width}×${size.height} the main action and the sound controls are on the first ` +
    'screen of every journey page, and nothing jumps', async () => {
    const server = await startServer();
    const { context, page, pageErrors } = await openKiosk(browser, server.url, {
      viewport: size, beforeOpen: (p) => p.addInitScript(SHIFT_LOG),
    });
    const problems = [];
    const kinds = new Set();
    const axe = [];
    async function look() {
      const id = await page.getAttribute('#page', 'data-page-id');
      kinds.add(await page.getAttribute('#page', 'data-kind'));
      const s = await screenOf(page, await mainAction(page));
      if (s.scrolled) problems.push(`${id}: the page starts scrolled by ${s.scrolled}px`);
      if (s.action !== 'ok') problems.push(`${id}: the main action is ${s.action}`);
      if (s.listen !== 'ok') problems.push(`${id}: Listen is ${s.listen}`);
      if (size.width === AXE_SIZE) {
        const v = await axeViolations(page);
        if (v.length) axe.push(formatViolations(id, v));
      }
      return id;
    }
    try {
      // The sound controls come with the server's hello: nothing moved for them to appear.
      await page.waitForSelector('#narration-speed-normal');
      await page.waitForTimeout(300);
      const shift = await page.evaluate(() => window.__shift);
      assert.ok(shift < 0.05, `the layout shifts by ${shift.toFixed(3)} as the page and sound controls ` +
        `load: ${await page.evaluate(() => (window.__shifts || []).join('; '))}`);
      const small = (await barTextSizes(page)).filter((t) => t.px < 24);

      await look(); // welcome
      assert.equal(await nextPage(page), 'who');
      await look();
      const mark = await saveMark(page);
      await page.click('label[for="option-me"]');
      await waitForSave(page, mark, 'kept');
      assert.equal(await nextPage(page), 'code');
      await look();
      await page.fill('#code-input', server.code);
      await page.click('#code-open');
      await waitForPage(page, 'profile-intro');
      for (let n = 0, id = await look(); id !== 'send'; n++) {
        assert.ok(n < 80, 'the journey reaches the send page');
        await nextPage(page);
        id = await look();
      }
      for (const kind of ['info', 'code', 'choice', 'yes-no', 'text', 'long-text', 'list', 'needs', 'check',
        'send']) {
        assert.ok(kinds.has(kind), `a ${kind} page was looked at (${[...kinds]})`);
      }
      assert.deepEqual(small, [], 'the sound bar\'s words are 24px or more');
      assert.deepEqual(problems, [], `at ${size.width}×${size.height}:\n${problems.join('\n')}`);
      assert.deepEqual(axe, [], axe.join('\n'));
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}
