// Shared by the sound-only tests (focus.test.js, sound-journey.test.js): a person who cannot see
// the screen moves with keys and listens. Needs openKiosk(..., {audio: true}) (harness.js,
// AUDIO_LOG): each narrate the page sends records how many keys had been pressed then, and how
// many audio sources had been made.
'use strict';

/** Hides the page from sight, as for a person who cannot see it; focus still moves through it. */
async function hide(page) {
  await page.evaluate(() => {
    for (const e of document.querySelectorAll('header, #main, footer, .connection')) e.style.opacity = '0';
  });
}

/** Keys pressed in the page so far. */
async function keysPressed(page) {
  return page.evaluate(() => window.__audio.keys);
}

/** What the page has sent since `keys` keys, for a message: [[type, ids...]]. */
async function sentSince(page, keys) {
  return page.evaluate((k) => window.__audio.sent.filter((m) => m.keys > k)
    .map((m) => (m.type === 'narrate' ? m.ids.join(' ') : m.type)), keys);
}

/**
 * Waits for what the page said after the key that made the count go past `keys`: the first narrate
 * sent since that nothing cut off (no narrate_stop after it), whose first text has begun to play
 * (an audio source made after it was asked for, started while that text was being read). Words
 * asked for just before that key, or the rest of a page reading asked for just as it went down,
 * are passed over: what the key said is what goes on being said. Returns {ids, before}: its text
 * ids, and what was sent just before it ('narrate_stop' when it cut something off).
 * Fails, saying what was sent, when nothing is heard.
 */
async function speechAfter(page, keys, { timeout = 10000 } = {}) {
  try {
    const h = await page.waitForFunction((k) => {
      const { sent, sources } = window.__audio;
      // The speech going on now: the first narrate after the last narrate_stop since the key.
      let from = sent.findIndex((m) => m.keys > k);
      if (from < 0) return null;
      for (let j = from; j < sent.length; j++) if (sent[j].type === 'narrate_stop') from = j + 1;
      const i = sent.findIndex((m, j) => j >= from && m.type === 'narrate');
      if (i < 0) return null;
      const m = sent[i];
      const playing = sources.some((s, j) => j >= m.sources && s.id === m.ids[0] && s.startTime !== null);
      return playing ? { ids: m.ids, before: i > 0 ? sent[i - 1].type : null } : null;
    }, keys, { timeout });
    return h.jsonValue();
  } catch (e) {
    if (!/Timeout/i.test(String(e))) throw e;
    const sent = await sentSince(page, keys);
    const at = await page.evaluate(() => {
      const a = document.activeElement;
      return a ? `${a.tagName.toLowerCase()}#${a.id}` : 'nothing';
    });
    throw new Error(`nothing was heard after the key (focus on ${at}); sent since: ${JSON.stringify(sent)}`);
  }
}

/** Presses key and returns what was heard for it (see speechAfter). */
async function press(page, key) {
  const keys = await keysPressed(page);
  await page.keyboard.press(key);
  return speechAfter(page, keys);
}

module.exports = { hide, keysPressed, sentSince, speechAfter, press };
