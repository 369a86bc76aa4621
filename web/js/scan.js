// Switches (docs/access.md, "Switches"): scanning for people who use one or two switches, the
// question "How do you use the screen?" on the welcome page, and choice pages that work with keys.
//
// A switch arrives as a key press (hello.kiosk.switch_keys: the one that moves, then the one that
// chooses; Space and Enter unless the kiosk says otherwise). With two switches, one moves a thick
// frame to the next thing and the other chooses it; with one switch, the frame moves by itself at
// the person's speed and any switch chooses. Scanning goes by groups: the page's own groups (the
// sound bar, a question's options, a list entry's buttons, the main actions, a keyboard's rows:
// any element marked `data-scan-group`, or one of GROUPS below), then the controls in a group, and
// a last step in each group that goes back out. Only the open dialog is scanned while one shows.
// What the frame is on is said when sound is on: a control through focus speech (it gets real
// focus), a group by its name.

import { el } from './dom.js';
import { msg, setText, textEl } from './text.js';
import * as narration from './narration.js';
import { describe } from './focus.js';

const MODES = ['touch', 'keyboard', 'one-switch', 'two-switches'];
const SPEEDS = [500, 1000, 1500, 2000, 3000, 5000]; // ms a step, one switch
const WELCOME_STEP_MS = 3000; // the welcome question's own slow scan, before anyone answered
const WELCOME_ROUNDS = 2; // then it waits for a press to go round again

// Containers scanned as a group without being marked (the page's structure).
const GROUPS = [
  '[data-scan-group]', '#narration', '.narration-more', '.narration-speeds', '.options', '.nav',
  '.site-footer', 'li.item', '.item-edit', '.check-section', '.button-group', '.actions',
].join(',');
const ITEMS = 'button, input:not([type="hidden"]), select, textarea, summary, a[href], [tabindex="0"]';

let mode = null;   // the person's answer to "How do you use the screen?"; null: not yet
let keys = ['Space', 'Enter'];
let stepMs = 1500;
let levels = [];   // [{owner, entries, index}], the outermost first
let timer = null;
let welcome = null; // {group} while the welcome question scans itself
let touchedFirst = false; // 'key' (a switch's) or 'other': how the person first reached the page
let welcomeOff = false;   // they moved with a keyboard: the welcome question does not scan itself
let pressed = null; // the keydown this module acts on once every listener has heard it
let restarts = 0;   // counts the scan starting again (a choice that opened the keyboard)

/** The name a key has in hello.kiosk.switch_keys. */
function keyName(e) {
  return e.key === ' ' ? 'Space' : e.key;
}

function isKey(e, name) {
  const k = keyName(e);
  return k === name || (k.length === 1 && k.toLowerCase() === String(name).toLowerCase());
}

/** True for a press of one of the kiosk's switches. */
export function isSwitchKey(e) {
  return !e.ctrlKey && !e.metaKey && !e.altKey && keys.some((k) => isKey(e, k));
}

/** True while the person uses one or two switches: the page is scanned. */
export function scanning() {
  return mode === 'one-switch' || mode === 'two-switches';
}

// ---- what is scanned -------------------------------------------------------------------

function visible(e) {
  if (!e.isConnected || e.closest('[hidden], [inert]') || !e.getClientRects().length) return false;
  return getComputedStyle(e).visibility !== 'hidden';
}

function usable(e) {
  if (e.disabled || e.classList.contains('skip-link') || !visible(e)) return false;
  if ((e.tagName === 'INPUT' || e.tagName === 'TEXTAREA') && e.readOnly) return false;
  return !e.closest('details:not([open])') || e.tagName === 'SUMMARY';
}

/** The entries directly in node: groups and controls, in document order, flattened. */
function entriesOf(node) {
  const out = [];
  const walk = (n) => {
    for (const c of n.children) {
      if (c.matches(GROUPS) && c !== node) {
        const inner = entriesOf(c);
        if (inner.length === 1) out.push(inner[0]);
        else if (inner.length > 1) out.push({ group: c });
      } else if (c.matches(ITEMS)) {
        if (usable(c)) out.push({ item: c });
      } else if (!c.hidden) {
        walk(c);
      }
    }
  };
  walk(node);
  return out;
}

/** The entries of a level: a level of one group alone is that group's. */
function levelEntries(owner) {
  let entries = entriesOf(owner);
  while (entries.length === 1 && entries[0].group) entries = entriesOf(entries[0].group);
  return entries;
}

function elOf(entry) {
  return entry ? entry.group || entry.item || null : null;
}

/** What shows the frame: a radio button's whole option, else the thing itself. */
function frameOf(e) {
  return (e.type === 'radio' && e.closest('.option')) || e;
}

function rootNow() {
  const open = [...document.querySelectorAll('dialog[open]')].pop();
  return open || document.body;
}

// ---- the frame ---------------------------------------------------------------------------

function clearFrame() {
  for (const e of document.querySelectorAll('.is-scanned')) e.classList.remove('is-scanned');
  delete document.body.dataset.scanAt;
}

function current() {
  const l = levels[levels.length - 1];
  if (!l) return null;
  return l.index < l.entries.length ? l.entries[l.index] : { out: l.owner };
}

/** The texts that name a group (ids), with their elements. */
function groupName(g) {
  const ids = [];
  const els = {};
  const add = (e) => {
    for (const t of [e, ...e.querySelectorAll('[data-text-id]')]) {
      if (t.dataset && t.dataset.textId && !ids.includes(t.dataset.textId)) {
        ids.push(t.dataset.textId);
        els[t.dataset.textId] = t;
      }
    }
  };
  if (g.dataset.scanName) return { ids: [msg(g.dataset.scanName).id], els };
  const parent = g.parentElement;
  const labelled = g.getAttribute('aria-labelledby') ||
    (parent && parent.getAttribute('role') === 'group' && parent.getAttribute('aria-labelledby'));
  const by = (labelled || '').split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean);
  const legend = g.closest('fieldset') && g.closest('fieldset').querySelector('legend');
  if (by.length) by.forEach(add);
  else if (g.classList.contains('options') && legend) add(legend);
  else if (g.tagName === 'DETAILS' && g.querySelector('summary')) add(g.querySelector('summary'));
  else entriesOf(g).slice(0, 3).map(elOf).forEach(add);
  return { ids, els };
}

/**
 * Puts the frame on what the scan is at. quiet: the frame only (nothing said, focus stays), for
 * the frame's first place on a new page or after a choice, and for steps the frame takes by
 * itself while the page is being read aloud.
 */
function show(quiet) {
  clearFrame();
  const at = current();
  if (!at) return;
  const target = at.out || elOf(at);
  if (!target) return;
  const frame = at.item ? frameOf(at.item) : target;
  frame.classList.add('is-scanned');
  document.body.dataset.scanAt = at.out ? 'out' : at.group ? 'group' : 'item';
  frame.scrollIntoView({ block: 'nearest' });
  if (quiet) return;
  if (at.item && welcome) {
    // Focus stays where it is before the person has said they use switches: it may be a
    // keyboard's. The answer is only said.
    const { ids, els } = describe(at.item);
    if (ids.length) narration.speak(ids, els);
  } else if (at.item) {
    at.item.focus({ preventScroll: true });
  } else if (at.out) {
    narration.speak([msg('scan.out').id]);
  } else {
    const { ids, els } = groupName(at.group);
    if (ids.length) narration.speak(ids, els);
  }
}

/** The levels from root down to target, the frame on it (a group or a control); null: not there. */
function pathTo(root, target) {
  const out = [];
  let owner = root;
  for (let depth = 0; depth < 12; depth++) {
    const entries = levelEntries(owner);
    const i = entries.findIndex((e) => elOf(e) === target || elOf(e).contains(target));
    if (i < 0) return null;
    out.push({ owner, entries, index: i });
    if (entries[i].item || entries[i].group === target) return out;
    owner = entries[i].group;
  }
  return null;
}

/**
 * Starts at the top: in the dialog if one is open, else at the page (`prefer`: the entry with it).
 * A group marked `data-scan-start` (the on-screen keyboard, open) is gone into: the frame starts
 * on its first row.
 */
function restart(prefer) {
  restarts += 1;
  const root = welcome ? welcome.group : rootNow();
  const entries = levelEntries(root);
  let index = 0;
  const page = document.getElementById('page');
  const start = root.querySelector('[data-scan-start]');
  const into = !prefer && start && visible(start) ? pathTo(root, start) : null;
  if (into) {
    const inner = levelEntries(start);
    levels = into;
    if (inner.length > 1 && levels[levels.length - 1].entries[levels[levels.length - 1].index].group) {
      levels.push({ owner: start, entries: inner, index: 0 });
    }
    show(true);
    schedule();
    return;
  }
  const want = prefer || (root === document.body ? page : null);
  if (want) {
    const i = entries.findIndex((e) => elOf(e) === want || elOf(e).contains(want) ||
      (!prefer && want.contains(elOf(e))));
    if (i >= 0) index = i;
  }
  levels = entries.length ? [{ owner: root, entries, index }] : [];
  show(true);
  schedule();
}

/** The frame's place is still on the page (not redrawn under it). */
function stillThere() {
  const at = current();
  if (!at) return false;
  const e = at.out || elOf(at);
  return !!e && e.isConnected && (at.out || visible(e)) && levels[0].owner === (welcome ? welcome.group : rootNow());
}

function move() {
  if (!stillThere()) {
    restart();
    return;
  }
  const l = levels[levels.length - 1];
  const steps = l.entries.length + (levels.length > 1 ? 1 : 0); // the step that goes out
  l.index = (l.index + 1) % steps;
  show(false);
}

/** Does what the chosen control does. */
function activate(e) {
  const tag = e.tagName;
  const type = (e.getAttribute('type') || '').toLowerCase();
  if (tag === 'SELECT') {
    e.selectedIndex = (e.selectedIndex + 1) % Math.max(1, e.options.length);
    e.dispatchEvent(new Event('change', { bubbles: true }));
  } else if (tag === 'INPUT' && type === 'range') {
    const step = Number(e.step) || 1;
    const v = Number(e.value) + step;
    e.value = String(v > Number(e.max) ? Number(e.min) : v);
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  } else if (tag === 'TEXTAREA' || (tag === 'INPUT' && type !== 'radio' && type !== 'checkbox')) {
    // A text box: the on-screen keyboard opens for it (it listens for this).
    e.focus();
    e.dispatchEvent(new CustomEvent('scan-choose', { bubbles: true }));
  } else {
    e.click();
  }
}

/** Controls that change in place: the frame stays on them after a choice. */
function staysPut(e) {
  return e.tagName === 'SUMMARY' || e.tagName === 'SELECT' || e.type === 'range' ||
    e.hasAttribute('aria-pressed');
}

function choose() {
  if (!stillThere()) {
    restart();
    return;
  }
  const at = current();
  if (at.group) {
    levels.push({ owner: at.group, entries: levelEntries(at.group), index: 0 });
    show(false);
    schedule();
    return;
  }
  if (at.out) {
    levels.pop();
    const l = levels[levels.length - 1];
    l.index = (l.index + 1) % (l.entries.length + (levels.length > 1 ? 1 : 0));
    show(false);
    schedule();
    return;
  }
  const item = at.item;
  const path = levels.map((l) => l.owner);
  const top = levels[0] && levels[0].entries[levels[0].index];
  const home = item.closest('[data-scan-start]');
  const wasWelcome = !!welcome;
  const was = restarts;
  activate(item);
  if (wasWelcome || !scanning() || restarts !== was) return; // (the keyboard opened or closed)
  if (staysPut(item) && item.isConnected) {
    again(path, item);
  } else if (home && home.isConnected && home.hasAttribute('data-scan-start') && visible(home)) {
    restart(); // a key typed: back to the keyboard's first row for the next one
  } else {
    // On to what comes after the group the choice was in (an answer chosen: on to Next).
    levels = [];
    afterChoice(top ? elOf(top) : null);
  }
}

/** The same place again after a change in place (the groups are counted afresh). */
function again(path, item) {
  const root = rootNow();
  if (path[0] !== root) {
    restart();
    return;
  }
  levels = [];
  for (const owner of path) {
    if (!owner.isConnected) break;
    const entries = levelEntries(owner);
    const i = entries.findIndex((e) => elOf(e) === item || elOf(e).contains(item));
    levels.push({ owner, entries, index: Math.max(0, i) });
    if (i < 0 || entries[i].item) break;
  }
  show(true);
  schedule();
}

function afterChoice(was) {
  if (levels.length || !scanning()) return; // a page drawn meanwhile has started again
  const root = rootNow();
  const entries = levelEntries(root);
  let index = 0;
  const i = was && was.isConnected
    ? entries.findIndex((e) => elOf(e) === was || elOf(e).contains(was) || was.contains(elOf(e))) : -1;
  if (i >= 0) index = (i + 1) % entries.length;
  else {
    restart();
    return;
  }
  levels = entries.length ? [{ owner: root, entries, index }] : [];
  show(true);
  schedule();
}

// ---- one switch: the frame moves by itself ----------------------------------------------------

function schedule() {
  clearTimeout(timer);
  timer = null;
  const auto = welcome || mode === 'one-switch';
  if (!auto || !levels.length) return;
  timer = setTimeout(tick, welcome ? WELCOME_STEP_MS : stepMs);
}

function tick() {
  timer = null;
  if (welcome && rootNow() !== document.body) {
    schedule(); // a dialog over the welcome page: it waits
    return;
  }
  if (welcome && ++welcome.steps >= WELCOME_ROUNDS * levels[0].entries.length) {
    stopWelcome(false); // round twice: it waits for a switch to go round again
    return;
  }
  if (!stillThere()) {
    restart();
    return;
  }
  const l = levels[levels.length - 1];
  l.index = (l.index + 1) % (l.entries.length + (levels.length > 1 ? 1 : 0));
  // While the page is read aloud, the frame moves without cutting the reading off.
  show(narration.isPlaying());
  schedule();
}

// ---- keys ------------------------------------------------------------------------------

function onKeyDown(e) {
  pressed = null;
  if (e.isComposing || e.repeat) {
    if (e.repeat && (scanning() || welcome) && isSwitchKey(e)) e.preventDefault();
    return;
  }
  if (welcome && rootNow() === document.body) {
    if (!isSwitchKey(e)) {
      // A keyboard: the person moves with it (Escape only stops the voice).
      if (e.key !== 'Shift' && e.key !== 'Escape') stopWelcome();
      return;
    }
    const at = document.activeElement;
    const elsewhere = at && at !== document.body && at.matches(ITEMS) && !welcome.group.contains(at);
    if (elsewhere) {
      stopWelcome();
      return;
    }
    e.preventDefault();
    pressed = e;
    return;
  }
  if (!scanning() || !isSwitchKey(e)) return;
  e.preventDefault(); // the switch does only what scanning says, not what the key would
  pressed = e;
}

/** Once every listener has heard the press (kiosk activity, focus speech): move or choose. */
function onKeyDownLast(e) {
  if (e !== pressed) return;
  pressed = null;
  if (welcome) {
    if (welcome.waiting || !levels.length) {
      welcome.waiting = false;
      restart();
      return;
    }
    choose();
    return;
  }
  const twoMove = mode === 'two-switches' && isKey(e, keys[0]);
  if (twoMove) move();
  else choose();
  schedule();
}

function onKeyUp(e) {
  // Space acts on the key's release: a switch's release does nothing more.
  if ((scanning() || welcome) && isSwitchKey(e)) e.preventDefault();
}

// ---- choice pages with keys (without scanning) --------------------------------------------

function radiosOf(r) {
  const scope = r.form || document;
  return [...scope.querySelectorAll('input[type="radio"]')].filter((x) => x.name === r.name && !x.disabled);
}

/**
 * On a radio button: Enter chooses it and goes on (Next); Tab and Shift+Tab go from option to
 * option while none is chosen yet (so a switch that sends Tab reaches each), and leave the group
 * as usual once one is. Arrow keys and Space do what they always do: move and choose.
 */
function onChoiceKey(e) {
  const r = e.target;
  if (e.defaultPrevented || !(r instanceof HTMLInputElement) || r.type !== 'radio' || r.disabled ||
    e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  if (e.key === 'Enter') {
    e.preventDefault();
    if (!r.checked) r.click();
    const next = document.getElementById('next');
    if (next && visible(next)) next.click();
    return;
  }
  if (e.key !== 'Tab') return;
  const group = radiosOf(r);
  if (group.some((x) => x.checked)) return;
  const to = group[group.indexOf(r) + (e.shiftKey ? -1 : 1)];
  if (!to) return;
  e.preventDefault();
  to.focus();
}

// ---- how the person uses the screen -------------------------------------------------------

function setMode(m) {
  mode = m;
  document.body.dataset.input = m;
  const speed = document.getElementById('scan-speed');
  if (speed) speed.hidden = m !== 'one-switch';
  clearTimeout(timer);
  clearFrame();
  levels = [];
  welcome = null;
  // Others follow the answer (app.js: "I touch the screen" opens the keyboard for every box).
  document.dispatchEvent(new CustomEvent('input-mode', { detail: m }));
}

/**
 * The question "How do you use the screen?" for the welcome page. Before it is answered, the
 * first key (not a touch) starts a slow scan of its answers, and a switch chooses one.
 */
export function inputQuestion() {
  const ask = textEl('p', msg('input.ask'), 'question');
  ask.id = 'input-ask';
  const said = el('p', { class: 'confirmation', id: 'input-said', tabindex: '-1', hidden: true });
  const group = el('div', { class: 'input-question', id: 'input-question', role: 'group',
    'aria-labelledby': ask.id, 'data-scan-group': '', 'data-says-result': '' });
  const buttons = el('div', { class: 'button-group input-choices' });
  for (const m of MODES) {
    const b = el('button', { type: 'button', class: 'button button-secondary', id: 'input-' + m,
      'data-input': m, 'aria-pressed': m === mode ? 'true' : 'false' });
    setText(b, msg('input.' + m));
    b.addEventListener('click', () => {
      for (const o of buttons.children) o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      setMode(m);
      setText(said, msg('input.said-' + m));
      said.hidden = false;
      narration.speak([said.dataset.textId], { [said.dataset.textId]: said });
      if (scanning()) afterChoice(group);
    });
    buttons.append(b);
  }
  group.append(ask, buttons, said);
  return group;
}

function startWelcome(group) {
  if (mode || welcomeOff || !group.isConnected) return;
  welcome = { group, steps: 0 };
  levels = [];
  restart();
}

/** for good: the person moves with a keyboard; else it waits for a switch to go round again. */
function stopWelcome(forGood = true) {
  if (welcome && forGood) welcomeOff = true;
  welcome = forGood ? null : { group: welcome.group, steps: 0, waiting: true };
  clearTimeout(timer);
  clearFrame();
  levels = [];
}

function firstInput(e) {
  if (touchedFirst) return;
  // A switch's key (Tab or an arrow is a keyboard's, which moves by itself).
  touchedFirst = e.type === 'keydown' && isSwitchKey(e) ? 'key' : 'other';
  const group = document.getElementById('input-question');
  if (touchedFirst === 'key' && group && !mode) startWelcome(group);
}

// ---- set-up --------------------------------------------------------------------------------

function speedButtons() {
  const box = document.getElementById('scan-speeds');
  const label = document.getElementById('scan-speed-label');
  if (!box) return;
  if (label) setText(label, msg('scan.speed'));
  box.replaceChildren(...SPEEDS.map((ms) => {
    const b = el('button', { type: 'button', class: 'button button-secondary button-small scan-speed-button',
      id: 'scan-speed-' + ms, 'data-ms': String(ms), 'aria-pressed': ms === stepMs ? 'true' : 'false' });
    setText(b, msg('scan.speed-' + ms));
    b.addEventListener('click', () => {
      stepMs = ms;
      for (const o of box.children) o.setAttribute('aria-pressed', o === b ? 'true' : 'false');
      schedule();
    });
    return b;
  }));
}

/** hello.kiosk: which keys the switches send. */
export function configure(kiosk) {
  const k = kiosk && Array.isArray(kiosk.switch_keys)
    ? kiosk.switch_keys.filter((x) => typeof x === 'string' && x) : [];
  if (k.length) keys = k.slice(0, 2);
  if (keys.length < 2) keys.push(keys[0] === 'Enter' ? 'Space' : 'Enter');
  speedButtons();
}

/** A page was drawn: scanning starts again at its top. */
export function pageShown() {
  if (!mode) {
    const group = document.getElementById('input-question');
    welcome = null;
    clearTimeout(timer);
    clearFrame();
    levels = [];
    if (group && touchedFirst === 'key') startWelcome(group);
    return;
  }
  if (!scanning()) return;
  levels = [];
  restart();
}

/**
 * Something new to scan has shown itself (the on-screen keyboard opening or closing): scanning
 * starts again at the top, at the element marked `data-scan-start` if there is one. from: the
 * frame goes on from there instead (the box the keyboard typed into, once it closes).
 */
export function refresh(from) {
  if (!scanning()) return;
  levels = [];
  const root = rootNow();
  const path = from && from.isConnected && visible(from) && !welcome ? pathTo(root, from) : null;
  if (!path) {
    restart();
    return;
  }
  restarts += 1;
  levels = path;
  // The next thing after it: in its group, else after the group.
  for (;;) {
    const l = levels[levels.length - 1];
    l.index += 1;
    if (l.index < l.entries.length) break;
    if (levels.length === 1) {
      l.index = 0;
      break;
    }
    levels.pop();
  }
  show(true);
  schedule();
}

export function init() {
  window.addEventListener('keydown', onKeyDown, { capture: true });
  window.addEventListener('keydown', onKeyDownLast);
  window.addEventListener('keyup', onKeyUp, { capture: true });
  document.addEventListener('keydown', onChoiceKey);
  for (const t of ['keydown', 'pointerdown']) window.addEventListener(t, firstInput, { capture: true });
  // A dialog opens or closes: only it is scanned while it shows.
  new MutationObserver((records) => {
    if (scanning() && records.some((r) => r.target.tagName === 'DIALOG')) restart();
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['open'] });
}
