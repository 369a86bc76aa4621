// Picture cards: a page that asks about people, places, things or support can be answered by
// touching pictures, as well as or instead of typing (docs/content-format.md, "Picture cards").
// Each card is a large toggle button (aria-pressed) with its picture and one to three words; the
// cards sit in a group named by the page's question. Touching a card says it, with whether it is
// now chosen; focus speech says the same (focus.js). The chosen cards are sent at once as the
// page's `cards` answer and acknowledged like typed words (autosave.js). The cards' words and
// pictures come from the server; nothing is kept here.

import { el } from './dom.js';
import { textEl } from './text.js';
import * as autosave from './autosave.js';
import * as narration from './narration.js';
import { describe } from './focus.js';

function safeId(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '_');
}

function card(c, readOnly) {
  const b = el('button', {
    type: 'button', class: 'card', id: 'card-' + safeId(c.id),
    'aria-pressed': c.chosen ? 'true' : 'false', dataset: { card: String(c.id) },
  });
  // The words name the card; the picture shows them, so it needs no words of its own.
  if (c.picture && c.picture.src) {
    b.append(el('img', {
      class: 'card-picture', src: c.picture.src, alt: '', width: 64, height: 64, decoding: 'async',
    }));
  }
  b.append(textEl('span', c.text, 'card-text'));
  if (readOnly) b.setAttribute('aria-disabled', 'true');
  return b;
}

/** Says a card just touched, with its new state (a key's press is said by focus.js). */
function sayTouched(b) {
  if (b.matches(':focus-visible') || !narration.aloud()) return;
  const { ids, els } = describe(b);
  if (ids.length) narration.speak(ids, els);
}

/**
 * The page's cards, labelled by the question (the element labelId), or null when the page has
 * none. Returns {node, group}.
 */
export function cardsField(p, labelId) {
  if (!Array.isArray(p.cards) || !p.cards.length) return null;
  const group = el('div', {
    class: 'cards', id: 'cards', role: 'group', 'aria-labelledby': labelId, dataset: { cards: 'true' },
    'data-scan-group': '', // switches: the cards are one group, and the frame stays in it after a choice
  });
  const error = el('p', { class: 'field-error', id: 'cards-error', role: 'alert', hidden: true });
  let touch = null;
  if (p.cards_touch) {
    touch = textEl('p', p.cards_touch, 'cards-touch hint');
    touch.id = 'cards-touch';
    group.setAttribute('aria-describedby', touch.id);
    group.dataset.describedby = touch.id;
  }
  const list = el('div', { class: 'cards-list' });
  const buttons = p.cards.map((c) => card(c, p.read_only));
  list.append(...buttons);
  group.append(error, list);
  const initial = p.cards.filter((c) => c.chosen).map((c) => String(c.id)).join(',');
  if (!p.read_only) {
    for (const b of buttons) {
      b.addEventListener('click', () => {
        b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
        sayTouched(b);
      });
    }
    // After the press above has turned the card on or off: the watcher sends what is chosen now.
    autosave.watchCards(buttons, { page: p.id, initial, errorEl: error, group });
  }
  const node = el('div', { class: 'field cards-field' }, touch, group);
  return { node, group };
}

/** The cards a person chose, with their pictures, for the check page and the copy. */
export function chosenCards(cards) {
  if (!Array.isArray(cards) || !cards.length) return null;
  const ul = el('ul', { class: 'chosen-cards' });
  for (const c of cards) {
    const li = el('li', { class: 'chosen-card' });
    if (c.picture && c.picture.src) {
      li.append(el('img', {
        class: 'chosen-card-picture', src: c.picture.src, alt: '', width: 48, height: 48, decoding: 'async',
      }));
    }
    li.append(textEl('span', c.text, 'chosen-card-text'));
    ul.append(li);
  }
  return ul;
}
