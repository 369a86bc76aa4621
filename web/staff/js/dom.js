// Small helpers the staff views share: making elements, GOV.UK Frontend's components as plain
// DOM (error summary, notification banner, warning text, tags, form fields with their error
// states), and money and dates written the way people read them. No innerHTML anywhere: every
// word from the server or a person goes in as text.

// h(tag, attrs, ...children): the shared element builder (/js/dom.js), by its staff name.
import { el as h } from '/js/dom.js';

export { h };

// ---- GOV.UK components -----------------------------------------------------------

/** An error summary (items: [{text, href}]); focus it once it is in the page. */
export function errorSummary(items, title = 'There is a problem') {
  return h('div', { class: 'govuk-error-summary', tabindex: '-1', 'data-module': 'govuk-error-summary' },
    h('div', { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title', text: title }),
      h('div', { class: 'govuk-error-summary__body' },
        h('ul', { class: 'govuk-list govuk-error-summary__list' },
          items.map((it) => h('li', {}, it.href ? h('a', { href: it.href, text: it.text }) : it.text))))));
}

let bannerCount = 0;

/** A notification banner: success ones are alerts (and take focus), others a labelled region. */
export function banner(content, { success = false, title, id } = {}) {
  const titleId = `banner-title-${++bannerCount}`;
  return h('div', {
    class: 'govuk-notification-banner' + (success ? ' govuk-notification-banner--success' : ''),
    role: success ? 'alert' : 'region', 'aria-labelledby': titleId, tabindex: success ? '-1' : null, id,
    'data-module': 'govuk-notification-banner',
  },
  h('div', { class: 'govuk-notification-banner__header' },
    h('h2', { class: 'govuk-notification-banner__title', id: titleId, text: title || (success ? 'Success' : 'Important') })),
  h('div', { class: 'govuk-notification-banner__content' }, content));
}

/**
 * The attributes for an element holding the person's own words, from a reply that names their
 * language (`lang`, as the plan, caseload row, versions and diff replies do): `lang` so that screen
 * readers switch voice and the script's font applies, and `dir="auto"` so that Urdu and Arabic read
 * right to left inside the English page (and a word typed in Latin letters still reads left to
 * right). Empty when the reply names none.
 */
export function theirs(reply) {
  const lang = reply && typeof reply.lang === 'string' && reply.lang ? reply.lang : null;
  return lang ? { lang, dir: 'auto' } : {};
}

/** What the person wrote with a flag (a review request's reason), verbatim after `label`; null when
 * they wrote nothing. attrs: their language's (theirs()). */
export function flagDetail(label, detail, attrs = {}) {
  if (typeof detail !== 'string' || !detail.trim()) return null;
  return h('span', { class: 'app-flag-detail' }, ` ${label} `, h('q', { class: 'app-verbatim', ...attrs, text: detail }));
}

/** Warning text: the "!" icon, then the words (strong). */

export function warning(...content) {
  return h('div', { class: 'govuk-warning-text' },
    h('span', { class: 'govuk-warning-text__icon', 'aria-hidden': 'true', text: '!' }),
    h('strong', { class: 'govuk-warning-text__text' },
      h('span', { class: 'govuk-visually-hidden', text: 'Warning' }), ...content));
}

export function tag(text, colour) {
  return h('strong', { class: 'govuk-tag' + (colour ? ` govuk-tag--${colour}` : ''), text });
}

export function button(text, props = {}) {
  const { secondary, warn, ...rest } = props;
  return h('button', {
    type: 'button',
    class: 'govuk-button' + (secondary ? ' govuk-button--secondary' : '') + (warn ? ' govuk-button--warning' : ''),
    'data-module': 'govuk-button',
    ...rest,
  }, text);
}

export function backLink(href, text = 'Back') {
  return h('a', { href, class: 'govuk-back-link app-no-print', text });
}

/** A summary list from [[key, value, extra?]] rows (value: node or text). */
export function summaryList(rows, cls = '') {
  return h('dl', { class: 'govuk-summary-list ' + cls },
    rows.map(([k, v]) => h('div', { class: 'govuk-summary-list__row' },
      h('dt', { class: 'govuk-summary-list__key', text: k }),
      h('dd', { class: 'govuk-summary-list__value' }, v))));
}

/** A table: heads [text], rows [[cell, ...]] (cells: text or node; the first is the row's header).
 * opts: caption (text), labelledby (the id of the heading that names it). On a narrow screen each
 * row stacks, every cell led by its column's name (data-label; staff.css). */
export function table(heads, rows, { caption, labelledby } = {}) {
  return h('table', { class: 'govuk-table app-table', 'aria-labelledby': labelledby },
    caption ? h('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: caption }) : null,
    h('thead', { class: 'govuk-table__head' },
      h('tr', { class: 'govuk-table__row' }, heads.map((t) => h('th', { scope: 'col', class: 'govuk-table__header', text: t })))),
    h('tbody', { class: 'govuk-table__body' },
      rows.map((r) => h('tr', { class: 'govuk-table__row' },
        r.map((c, i) => (i === 0
          ? h('th', { scope: 'row', class: 'govuk-table__header' }, c)
          : h('td', { class: 'govuk-table__cell', dataset: { label: heads[i] } }, c)))))));
}

// ---- form fields -----------------------------------------------------------------
// Each field is a .govuk-form-group with a hidden error message ready; showError/clearErrors
// turn the GOV.UK error state on and off.

function describedBy(...ids) {
  return ids.filter(Boolean).join(' ') || null;
}

function hintFor(id, hint) {
  return hint ? h('div', { class: 'govuk-hint', id: `${id}-hint`, text: hint }) : null;
}

function errorFor(id) {
  return h('p', { class: 'govuk-error-message', id: `${id}-error`, hidden: true });
}

/** A text input. opts: label, hint, value, type, width (class suffix), prefix, autocomplete, inputmode, labelClass. */
export function input(id, opts = {}) {
  const control = h('input', {
    class: 'govuk-input' + (opts.width ? ` govuk-input--width-${opts.width}` : ''),
    id, name: opts.name || id, type: opts.type || 'text', value: opts.value ?? '',
    autocomplete: opts.autocomplete || 'off', spellcheck: opts.spellcheck === false ? 'false' : null,
    inputmode: opts.inputmode, maxlength: opts.maxlength,
    'aria-describedby': describedBy(opts.hint && `${id}-hint`),
  });
  return h('div', { class: 'govuk-form-group', id: `${id}-group` },
    h('label', { class: 'govuk-label' + (opts.labelClass ? ' ' + opts.labelClass : ''), for: id }, opts.label),
    hintFor(id, opts.hint), errorFor(id),
    opts.prefix
      ? h('div', { class: 'govuk-input__wrapper' },
        h('div', { class: 'govuk-input__prefix', 'aria-hidden': 'true', text: opts.prefix }), control)
      : control);
}

/** A textarea. opts: label, hint, value, rows, labelClass. */
export function textarea(id, opts = {}) {
  return h('div', { class: 'govuk-form-group', id: `${id}-group` },
    h('label', { class: 'govuk-label' + (opts.labelClass ? ' ' + opts.labelClass : ''), for: id }, opts.label),
    hintFor(id, opts.hint), errorFor(id),
    h('textarea', {
      class: 'govuk-textarea', id, name: opts.name || id, rows: opts.rows || 4,
      maxlength: opts.maxlength, 'aria-describedby': describedBy(opts.hint && `${id}-hint`),
    }, opts.value ?? ''));
}

/**
 * Radios or checkboxes in a fieldset. opts: kind ('radios'|'checkboxes'), legend, legendClass,
 * hint, items [{value, text, hint, checked}], inline, small.
 */
export function choices(id, opts) {
  const kind = opts.kind || 'radios';
  const type = kind === 'radios' ? 'radio' : 'checkbox';
  const one = kind === 'radios' ? 'govuk-radios' : 'govuk-checkboxes';
  return h('div', { class: 'govuk-form-group', id: `${id}-group` },
    h('fieldset', { class: 'govuk-fieldset', 'aria-describedby': describedBy(opts.hint && `${id}-hint`) },
      h('legend', { class: 'govuk-fieldset__legend ' + (opts.legendClass || 'govuk-fieldset__legend--s') }, opts.legend),
      hintFor(id, opts.hint), errorFor(id),
      h('div', {
        class: one + (opts.inline ? ` ${one}--inline` : '') + (opts.small ? ` ${one}--small` : ''),
        'data-module': one,
      },
      opts.items.map((it, i) => {
        const itemId = i === 0 ? id : `${id}-${i + 1}`; // the first takes the field's id (error links)
        return h('div', { class: `${one}__item` },
          h('input', {
            class: `${one}__input`, id: itemId, name: opts.name || id, type, value: it.value,
            checked: it.checked, 'aria-describedby': it.hint ? `${itemId}-item-hint` : null,
          }),
          h('label', { class: `govuk-label ${one}__label`, for: itemId, text: it.text }),
          it.hint ? h('div', { class: `govuk-hint ${one}__hint`, id: `${itemId}-item-hint`, text: it.hint }) : null);
      }))));
}

/** A single checkbox (for yes/no settings). */
export function checkbox(id, text, checked, hint) {
  return h('div', { class: 'govuk-checkboxes govuk-checkboxes--small', 'data-module': 'govuk-checkboxes' },
    h('div', { class: 'govuk-checkboxes__item' },
      h('input', {
        class: 'govuk-checkboxes__input', id, name: id, type: 'checkbox', checked,
        'aria-describedby': hint ? `${id}-hint` : null,
      }),
      h('label', { class: 'govuk-label govuk-checkboxes__label', for: id, text }),
      hint ? h('div', { class: 'govuk-hint govuk-checkboxes__hint', id: `${id}-hint`, text: hint }) : null));
}

/** Shows message as the error of the field whose group is #<id>-group. */
export function showError(id, message) {
  const group = document.getElementById(`${id}-group`);
  const msg = document.getElementById(`${id}-error`);
  if (!group || !msg) return;
  group.classList.add('govuk-form-group--error');
  msg.replaceChildren(h('span', { class: 'govuk-visually-hidden', text: 'Error: ' }), message);
  msg.hidden = false;
  const fieldset = group.querySelector('fieldset');
  const controls = fieldset ? [fieldset] : [...group.querySelectorAll('input, textarea, select')];
  for (const c of controls) {
    const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!ids.includes(msg.id)) c.setAttribute('aria-describedby', [...ids, msg.id].join(' '));
    if (c.matches('input:not([type=radio]):not([type=checkbox])')) c.classList.add('govuk-input--error');
    if (c.matches('textarea')) c.classList.add('govuk-textarea--error');
  }
}

/** Takes every field's error state away inside root. */
export function clearErrors(root) {
  for (const group of root.querySelectorAll('.govuk-form-group--error')) group.classList.remove('govuk-form-group--error');
  for (const msg of root.querySelectorAll('.govuk-error-message')) {
    msg.hidden = true;
    msg.replaceChildren();
    for (const c of root.querySelectorAll(`[aria-describedby~="${msg.id}"]`)) {
      const rest = c.getAttribute('aria-describedby').split(' ').filter((x) => x && x !== msg.id);
      if (rest.length) c.setAttribute('aria-describedby', rest.join(' '));
      else c.removeAttribute('aria-describedby');
    }
  }
  for (const c of root.querySelectorAll('.govuk-input--error')) c.classList.remove('govuk-input--error');
  for (const c of root.querySelectorAll('.govuk-textarea--error')) c.classList.remove('govuk-textarea--error');
}

/**
 * Links to places in the page (#main-content, an error summary's #field) move focus there
 * without changing the address: the address's # says which view is shown. Focus goes to the
 * control, and the field's label or legend is scrolled into view with it (as GOV.UK's own
 * script does).
 */
export function focusSkipTargets(doc) {
  doc.addEventListener('click', (ev) => {
    const a = ev.target instanceof Element ? ev.target.closest('a[href^="#"]') : null;
    if (!a) return;
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    const target = id && doc.getElementById(id);
    if (!target) return; // a view's address: the router handles it
    ev.preventDefault();
    if (!target.matches('input, textarea, select, button, a[href], [tabindex]')) target.setAttribute('tabindex', '-1');
    const label = target.closest('fieldset')?.querySelector('legend') ||
      doc.querySelector(`label[for="${CSS.escape(id)}"]`) || target;
    target.focus({ preventScroll: true });
    label.scrollIntoView({ block: 'start' });
  });
}

// ---- words ------------------------------------------------------------------------

/** 24550 -> "£245.50" */
export function money(pence) {
  const p = Number(pence) || 0;
  const sign = p < 0 ? '-' : '';
  const a = Math.abs(Math.round(p));
  return `${sign}£${Math.floor(a / 100).toLocaleString('en-GB')}.${String(a % 100).padStart(2, '0')}`;
}

/** "245.50" or "245" -> true; what the server accepts as money (docs/staff.md: "12.50"). */
export function isMoney(text) {
  return /^\d{1,7}(\.\d{1,2})?$/.test(String(text).trim());
}

/** Money as typed ("£1,245.5") -> "1245.5", or the text trimmed if it is not money. */
export function moneyText(text) {
  return String(text).trim().replace(/^£\s*/, '').replace(/,/g, '');
}

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });

function parseWhen(s) {
  if (!s) return null;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(s + 'T12:00:00Z') : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2026-11-22T19:00:00Z" -> "22 November 2026 at 7:00pm"; a bare date -> "22 November 2026". */
export function when(s) {
  const d = parseWhen(s);
  if (!d) return s ? String(s) : '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return dateFmt.format(d);
  return `${dateFmt.format(d)} at ${timeFmt.format(d).replace(' ', '').toLowerCase()}`;
}

/** A <time> element for a date or date and time. */
export function time(s) {
  return s ? h('time', { datetime: s, text: when(s) }) : '';
}

