// #plan/<id>: one plan, everything staff need on one page: the person's words verbatim (and who
// wrote them), comments per section, the council's parts (how each eligible need is met, which a
// direct payment could meet, support items and their cost against the budget, risks, the
// emergency plan), and the actions the plan's status and the reader's role allow. Every reply to
// a change is the whole plan again, shown afresh; what is typed elsewhere on the page stays.

import {
  h, tag, button, backLink, summaryList, table, warning, textarea, input, checkbox, time, money,
  isMoney, moneyText, showError, clearErrors, flagDetail, theirs,
} from './dom.js';
import { can } from './roles.js';
import { watched } from './easyread.js';
import {
  statusText, statusColour, FLAG_DETAIL, flagName, flagMeans, reviewKind, versionKind, managingText,
  languageWord, interpreterWords,
} from './words.js';

export const needs = 'read_plan';

// ---- reading the reply ------------------------------------------------------------

/** Who wrote an answer: "Sam (support worker)" for a helper, "the person" when they wrote it themselves. */
export function byText(by) {
  if (!by) return '';
  if (typeof by === 'string') return by;
  if (typeof by !== 'object') return String(by);
  const name = String(by.helper_name || by.helper || by.name || '').trim();
  const rel = String(by.relationship || '').trim();
  if (by.writer === 'me' || by.writer === 'person') return 'the person';
  if (!name) return rel ? `a helper (${rel})` : 'a helper';
  return rel ? `${name} (${rel})` : name;
}

/** Who wrote an answer, as byText says it, with a helper's name and relationship (typed by the
 * person) in their language: attrs from theirs(). Text or nodes. */
export function byNode(by, attrs = {}) {
  if (!by || typeof by !== 'object' || by.writer === 'me' || by.writer === 'person') return byText(by);
  const name = String(by.helper_name || by.helper || by.name || '').trim();
  const rel = String(by.relationship || '').trim();
  const mine = (text) => h('span', { ...attrs, text });
  if (!name) return rel ? ['a helper (', mine(rel), ')'] : 'a helper';
  return rel ? [mine(name), ' (', mine(rel), ')'] : mine(name);
}

function supportItems(p) {
  if (Array.isArray(p.support)) return p.support;
  if (p.support && Array.isArray(p.support.items)) return p.support.items;
  return [];
}

function supportTotal(p, items) {
  const t = p.support && !Array.isArray(p.support) ? p.support.total_pence : p.support_total_pence;
  return Number.isFinite(Number(t)) && t != null ? Number(t) : items.reduce((s, i) => s + (Number(i.cost_pence) || 0), 0);
}

/** A section id as part of an element id. */
function idPart(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '_');
}

/** An answer's value, verbatim: text keeps its line breaks; lists and list items show each part.
 * attrs: for the person's own words, their language's (theirs()). */
function value(v, attrs = {}) {
  if (v == null || v === '') return h('span', { class: 'app-secondary', text: 'Not answered' });
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'app-secondary', text: 'None' });
    return h('ul', { class: 'govuk-list govuk-list--bullet' }, v.map((x) => h('li', {}, value(x))));
  }
  if (typeof v === 'object') {
    return h('span', {}, Object.entries(v).filter(([k]) => k !== 'id').map(([k, x], i) => [
      i ? h('br') : null, h('span', { class: 'app-secondary', text: `${k[0].toUpperCase()}${k.slice(1).replace(/_/g, ' ')}: ` }),
      h('span', { class: 'app-verbatim', text: String(x) })]));
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  // In the person's language, a block of its own: Urdu and Arabic start at the right.
  return h(attrs.lang ? 'div' : 'span', { class: 'app-verbatim', ...attrs, text: String(v) });
}

/** An answer's words: what the person typed verbatim, in their language (attrs: theirs()); else
 * the content's words for it (a choice, the picture cards, an amount), in English. */
function answerValue(a, attrs) {
  if (a.verbatim) return value(a.value, attrs);
  return value(a.text != null && a.text !== '' ? a.text : a.value);
}

/**
 * A part's answers as pages: {page, title, rows: [{label, value, by}]}. A list page's item is
 * one row: its first field's label and value, its other fields beneath.
 */
function pagesOf(section, attrs) {
  const pages = [];
  for (const a of Array.isArray(section.answers) ? section.answers : []) {
    let pg = pages.find((x) => x.page === a.page);
    if (!pg) {
      pg = { page: String(a.page), title: String(a.label || a.page), rows: [], items: new Map() };
      pages.push(pg);
    }
    const by = a.value != null && a.value !== '' ? byNode(a.by, attrs) : '';
    if (!(Number(a.item) > 0)) {
      pg.rows.push({ label: String(a.label || a.page), value: answerValue(a, attrs), by });
      continue;
    }
    const row = pg.items.get(a.item);
    if (!row) {
      const r = { label: String(a.label || a.page), value: h('div', {}, answerValue(a, attrs)), by };
      pg.items.set(a.item, r);
      pg.rows.push(r);
    } else {
      row.value.append(h('div', { class: 'app-field' },
        h('span', { class: 'app-secondary', text: `${a.label}: ` }), answerValue(a, attrs)));
      if (!row.by) row.by = by;
    }
  }
  return pages;
}

/** Comments, oldest first; with pages, each says which question it is about. */
function commentList(comments, pages) {
  return h('ul', { class: 'govuk-list app-comments' }, comments.map((c) => {
    const on = pages && pages.length > 1 ? pages.find((pg) => pg.page === c.section) : null;
    return h('li', { class: 'app-comment' },
      on ? h('p', { class: 'govuk-body-s app-secondary', text: `About: ${on.title}` }) : null,
      h('p', { class: 'govuk-body app-verbatim', text: String(c.text) }),
      h('p', { class: 'govuk-body-s app-secondary' }, `${c.by || 'Staff'}, `, time(c.at), '. ',
        c.seen ? 'The person has seen this.' : 'Not seen by the person yet.'));
  }));
}

// ---- keeping what is typed across a fresh showing ----------------------------------

function drafts(root, except) {
  const kept = [];
  for (const e of root.querySelectorAll('input[id], textarea[id]')) {
    if (except && except.contains(e)) continue;
    if (e.type === 'checkbox' || e.type === 'radio') {
      if (e.checked !== e.defaultChecked) kept.push([e.id, 'checked', e.checked]);
    } else if (e.type !== 'hidden' && e.value !== e.defaultValue) kept.push([e.id, 'value', e.value]);
  }
  return kept;
}

function restore(kept) {
  for (const [id, prop, v] of kept) {
    const e = document.getElementById(id);
    if (e) {
      e[prop] = v;
      e.dispatchEvent(new Event('change')); // conditional parts follow their checkbox
    }
  }
}

// ---- the view -----------------------------------------------------------------------

export async function render(ctx, id) {
  if (!/^\d+$/.test(id || '')) {
    ctx.show(h('h1', { class: 'govuk-heading-l', text: 'Page not found' }),
      h('p', { class: 'govuk-body', text: 'This address does not name a plan.' }));
    return;
  }
  const r = await ctx.request({ type: 'plan', plan: Number(id) });
  if (r.type !== 'plan') {
    ctx.show(backLink('#caseload', 'Back to caseload'), h('h1', { class: 'govuk-heading-l', text: `Plan ${id}` }));
    ctx.failed(r);
    return;
  }
  new PlanView(ctx, Number(id)).show(r);
}

class PlanView {
  constructor(ctx, id) {
    this.ctx = ctx;
    this.id = id;
    this.p = null;
    this.busy = false;
  }

  /**
   * Sends a change. On the plan coming back: shows it afresh, then either a success banner with
   * focus (done.banner) or, for small changes, a quiet "done" line by the form, focus back where
   * it was (done.focus) and the words said to screen readers. On an error: the error summary.
   */
  async change(m, done, form) {
    if (this.busy) return null;
    this.busy = true;
    const r = await this.ctx.request({ ...m, plan: this.id });
    this.busy = false;
    if (r.type !== 'plan') {
      this.ctx.failed(r, done.errorHref);
      if (done.errorField) showError(done.errorField, this.ctx.errorText(r));
      return null;
    }
    const kept = drafts(this.ctx.main, form);
    this.show(r);
    restore(kept);
    if (done.banner) {
      this.ctx.success(done.banner);
    } else {
      const line = done.line && document.getElementById(done.line);
      if (line) line.textContent = done.text;
      const f = done.focus && document.getElementById(done.focus);
      if (f) f.focus();
      if (done.text) this.ctx.announce(done.text);
    }
    return r;
  }

  show(p) {
    this.p = p;
    const ctx = this.ctx;
    const person = String(p.label || p.person || `Plan ${p.plan ?? this.id}`);
    const [statusWords, colour] = [statusText(p.status), statusColour(p.status)];
    const flags = Array.isArray(p.flags) ? p.flags.filter((f) => f.open !== false && !f.closed) : [];
    ctx.show(
      backLink('#caseload', 'Back to caseload'),
      h('span', { class: 'govuk-caption-l', text: `Care and support plan ${p.plan ?? this.id}` }),
      h('h1', { class: 'govuk-heading-l' }, person),
      h('p', { class: 'govuk-body' }, 'Status: ', tag(statusWords, colour)),
      this.facts(),
      flags.map((f, i) => this.flag(f, i, person)),
      this.contents(),
      this.words(),
      this.needsPart(),
      this.supportPart(),
      this.risksPart(),
      this.actionsPart(),
      this.reviewsPart());
  }

  /** The language the person wrote in (by its English name) and whether they asked for an
   * interpreter to meet their social worker: what a caseworker arranges before they meet. */
  facts() {
    const interpreter = interpreterWords(this.p.interpreter);
    return summaryList([
      [languageWord(), String(this.p.language || this.p.lang || '')],
      [interpreter.title, this.p.interpreter === 'yes' ? h('strong', { text: interpreter.text }) : interpreter.text],
    ], 'app-plan-facts');
  }

  /** An open flag: what it is and when it was raised; staff who deal with it say what they did. */
  flag(f, i, person) {
    const words = warning(`${flagName(f.kind)}: ${person} ${flagMeans(f.kind)} Raised `, time(f.raised), '.',
      flagDetail(FLAG_DETAIL, f.detail, theirs(this.p)));
    if (!can(this.ctx.me, 'fill_council_parts')) return words;
    const id = `flag-${i + 1}`;
    const form = h('form', { novalidate: true },
      textarea(`${id}-note`, { label: 'What was done', rows: 3, hint: 'For example: Safeguarding referral made. Advocate arranged.' }),
      h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: `${id}-close`, text: 'Mark as dealt with' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const note = document.getElementById(`${id}-note`).value.trim();
      if (!note) {
        showError(`${id}-note`, 'Write what was done');
        this.ctx.errors([{ text: 'Write what was done', href: `#${id}-note` }]);
        return;
      }
      this.change({ type: 'flag_close', kind: f.kind, note }, { banner: `${flagName(f.kind)}: marked as dealt with.` }, form);
    });
    return h('div', { class: 'app-flag' }, words,
      h('details', { class: 'govuk-details' },
        h('summary', { class: 'govuk-details__summary' },
          h('span', { class: 'govuk-details__summary-text', text: `Mark the ${flagName(f.kind).toLowerCase()} flag as dealt with` })),
        h('div', { class: 'govuk-details__text' }, form)));
  }

  contents() {
    const link = (href, text) => h('li', {}, h('a', { class: 'govuk-link', href, text }));
    return h('nav', { class: 'app-contents', 'aria-label': 'On this page' },
      h('h2', { class: 'govuk-heading-s', text: 'On this page' }),
      h('ul', { class: 'govuk-list' },
        link('#words', "In the person's own words"),
        link('#needs', 'Needs and how they will be met'),
        link('#support', 'Support and budget'),
        link('#risks', 'Risks and the emergency plan'),
        link('#agreement', 'Agreement and sign-off'),
        link('#reviews', 'Reviews'),
        can(this.ctx.me, 'read_plan') ? link(`#versions/${this.id}`, 'Versions (compare)') : null,
        can(this.ctx.me, 'view_audit') ? link(`#audit/${this.id}`, 'Audit log') : null,
        can(this.ctx.me, 'export_data') ? link(`#export/${this.id}`, 'Everything held about this person') : null));
  }

  // ---- the person's words, and comments ----
  // sections: the journey's parts, each {part, title, answers: [{page, item, field, label, ask,
  // value, text, by}]}. A comment is about one page of the journey (its `section` is the page).

  words() {
    const sections = Array.isArray(this.p.sections) ? this.p.sections : [];
    const comments = Array.isArray(this.p.comments) ? this.p.comments : [];
    const shown = new Set();
    const parts = sections.map((s, i) => {
      const pages = pagesOf(s, theirs(this.p));
      for (const pg of pages) shown.add(pg.page);
      return this.section(s, i, pages, comments);
    });
    const other = comments.filter((c) => !shown.has(c.section) && c.section !== 'needs');
    return h('section', { class: 'app-part', 'aria-labelledby': 'words' },
      h('h2', { class: 'govuk-heading-l', id: 'words', text: "In the person's own words" }),
      h('p', { class: 'govuk-body', text: 'Their answers, exactly as written. Comments you add are shown and read aloud to them when they come back.' }),
      sections.length ? null : h('p', { class: 'govuk-body', text: 'Nothing written yet.' }),
      parts,
      other.length ? [h('h3', { class: 'govuk-heading-m', text: 'Other comments' }), commentList(other, null)] : null);
  }

  section(s, i, pages, comments) {
    const key = idPart(s.part ?? i + 1);
    const title = String(s.title || `Part ${s.part ?? i + 1}`);
    const mine = comments.filter((c) => pages.some((pg) => pg.page === c.section));
    return h('div', { class: 'app-section' },
      h('h3', { class: 'govuk-heading-m', id: `part-${key}`, text: title }),
      pages.length
        ? summaryList(pages.flatMap((pg) => pg.rows.map((row) => [row.label, [
          h('div', {}, row.value),
          row.by ? h('p', { class: 'govuk-body-s app-by' }, 'Written by: ', row.by) : null,
        ]])))
        : h('p', { class: 'govuk-body app-secondary', text: 'Not answered yet.' }),
      mine.length ? [h('h4', { class: 'govuk-heading-s', text: `Comments on ${title}` }), commentList(mine, pages)] : null,
      pages.length ? this.commentForm(`part-${key}`, title, pages) : null);
  }

  /** The form for a comment on one of pages ({page, label}): which page (when more than one), and the words. */
  commentForm(key, title, pages) {
    if (!can(this.ctx.me, 'comment')) return null;
    const id = `comment-${key}`;
    const which = pages.length > 1
      ? h('div', { class: 'govuk-form-group' },
        h('label', { class: 'govuk-label', for: `${id}-on`, text: 'What is the comment about?' }),
        h('select', { class: 'govuk-select app-select', id: `${id}-on`, name: `${id}-on` },
          pages.map((pg) => h('option', { value: pg.page, text: pg.title }))))
      : null;
    const form = h('form', { class: 'app-comment-form', novalidate: true },
      h('h4', { class: 'govuk-heading-s', text: `Add a comment on ${title}` }),
      which,
      watched(textarea(id, { label: 'Your comment', rows: 3, hint: 'Write in plain words. The person will hear it read aloud.' }), this.ctx),
      h('div', { class: 'govuk-button-group' },
        h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: `${id}-add` },
          'Add comment', h('span', { class: 'govuk-visually-hidden', text: ` on ${title}` })),
        h('p', { class: 'govuk-body app-done', id: `${id}-done` })));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const text = document.getElementById(id).value.trim();
      if (!text) {
        showError(id, 'Write the comment first');
        this.ctx.errors([{ text: 'Write the comment first', href: `#${id}` }]);
        return;
      }
      const section = which ? document.getElementById(`${id}-on`).value : pages[0].page;
      this.change({ type: 'comment', section, text },
        { line: `${id}-done`, focus: `${id}-add`, text: `Comment added on ${title}.`, errorHref: `#${id}`, errorField: id }, form);
    });
    return form;
  }

  // ---- the council's parts ----

  needsPart() {
    const list = Array.isArray(this.p.needs) ? this.p.needs : [];
    const edit = this.may('council', 'fill_council_parts');
    const said = (Array.isArray(this.p.comments) ? this.p.comments : []).filter((c) => c.section === 'needs');
    return h('section', { class: 'app-part', 'aria-labelledby': 'needs' },
      h('h2', { class: 'govuk-heading-l', id: 'needs', text: 'Needs and how they will be met' }),
      list.length ? null : h('p', { class: 'govuk-body', text: 'No needs were given with the invitation.' }),
      list.map((n, i) => {
        const nid = `need-${idPart(n.id ?? i)}`;
        const eligible = !!n.eligible;
        const head = [
          h('h3', { class: 'govuk-heading-s app-need-title' }, `Need ${i + 1}: `, h('span', { class: 'app-verbatim', text: String(n.text || '') })),
          h('p', { class: 'govuk-body' }, eligible ? tag('Eligible', 'green') : tag('Not eligible', 'grey')),
        ];
        if (!eligible) {
          return h('div', { class: 'app-need-card' }, head,
            h('p', { class: 'govuk-body app-secondary', text: 'The council does not meet this need. Give information and advice about other help.' }));
        }
        if (!edit) {
          return h('div', { class: 'app-need-card' }, head, summaryList([
            ['How this will be met', n.how ? value(n.how) : 'Not written yet'],
            ['Direct payment could meet this', n.direct_payment ? 'Yes' : 'No'],
          ]));
        }
        const form = h('form', { novalidate: true },
          watched(textarea(`${nid}-how`, { label: 'How will this be met?', labelClass: 'govuk-label--s', rows: 3, value: n.how || '' }), this.ctx),
          h('div', { class: 'govuk-form-group' }, checkbox(`${nid}-dp`, 'A direct payment could meet this need', !!n.direct_payment)),
          h('div', { class: 'govuk-button-group' },
            h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: `${nid}-save` },
              'Save', h('span', { class: 'govuk-visually-hidden', text: ` need ${i + 1}` })),
            h('p', { class: 'govuk-body app-done', id: `${nid}-done` })));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const how = document.getElementById(`${nid}-how`).value;
          const dp = document.getElementById(`${nid}-dp`).checked;
          const changes = [];
          if (how !== String(n.how || '')) changes.push({ field: `need/${n.id}/how`, value: how });
          if (dp !== !!n.direct_payment) changes.push({ field: `need/${n.id}/direct_payment`, value: dp });
          await this.council(changes, form, { line: `${nid}-done`, focus: `${nid}-save`, text: `Need ${i + 1} saved.`, errorHref: `#${nid}-how` });
        });
        return h('div', { class: 'app-need-card' }, head, form);
      }),
      edit ? null : this.closedNote(),
      said.length ? [h('h3', { class: 'govuk-heading-s', text: 'Comments on the needs' }), commentList(said, null)] : null,
      list.length ? this.commentForm('needs', 'the needs', [{ page: 'needs', title: 'The needs' }]) : null);
  }

  /** Whether the status and the role allow what: the role's action (auth.c's name) and the
   * plan's `can` when the server sends it. */
  may(what, action) {
    if (!can(this.ctx.me, action)) return false;
    const c = this.p.can;
    return c && typeof c === 'object' && what in c ? !!c[what] : true;
  }

  closedNote() {
    return h('div', { class: 'govuk-inset-text', text: 'The council’s parts cannot be changed now. Send the plan back for changes first, or review it once it is signed off.' });
  }

  /** Sends council changes one by one; the last plan reply is shown. */
  async council(changes, form, done) {
    if (!changes.length) {
      const line = document.getElementById(done.line);
      if (line) line.textContent = 'No changes to save.';
      this.ctx.announce('No changes to save.');
      return;
    }
    for (let i = 0; i < changes.length; i++) {
      const last = i === changes.length - 1;
      const ok = await this.change({ type: 'council', ...changes[i] },
        last ? done : { ...done, text: '' }, form);
      if (!ok) return;
    }
  }

  supportPart() {
    const items = supportItems(this.p);
    const total = supportTotal(this.p, items);
    const budget = Number(this.p.budget_pence) || 0;
    const edit = this.may('council', 'fill_council_parts');
    const ways = Array.isArray(this.p.managing) ? this.p.managing : [];
    const left = budget - total;
    const overview = items.length
      ? table(['Support', 'Cost a week'], items.map((it) => [h('span', { class: 'app-verbatim', text: String(it.what || '') }), money(it.cost_pence)]),
        { labelledby: 'support' })
      : h('p', { class: 'govuk-body', text: 'No support items yet.' });
    const sums = summaryList([
      ['Total a week', money(total)],
      ['Indicative budget a week', money(budget)],
      [left >= 0 ? 'Left in the budget' : 'Over the budget', money(Math.abs(left))],
      ...(ways.length ? [['Ways of managing offered', h('ul', { class: 'govuk-list' },
        ways.map((w) => h('li', { text: managingText(w) })))]] : []),
    ]);
    return h('section', { class: 'app-part', 'aria-labelledby': 'support' },
      h('h2', { class: 'govuk-heading-l', id: 'support', text: 'Support and budget' }),
      overview, sums,
      left < 0 ? warning(`The support costs ${money(-left)} a week more than the indicative budget. Talk to the person about it, or ask for the budget to be looked at again.`) : null,
      edit ? [items.map((it, i) => this.supportChange(it, i)), this.supportAdd()] : null);
  }

  supportChange(it, i) {
    const sid = `support-${idPart(it.id ?? i)}`;
    const what = String(it.what || '');
    const form = h('form', { novalidate: true },
      input(`${sid}-what`, { label: 'What support', value: what }),
      input(`${sid}-cost`, { label: 'Cost a week', prefix: '£', width: 5, inputmode: 'decimal', value: ((Number(it.cost_pence) || 0) / 100).toFixed(2), spellcheck: false }),
      h('div', { class: 'govuk-button-group' },
        h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: `${sid}-save`, text: 'Save changes' }),
        h('button', { type: 'button', class: 'govuk-button govuk-button--warning', id: `${sid}-remove` },
          'Remove', h('span', { class: 'govuk-visually-hidden', text: ` ${what}` }))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const m = this.readSupport(form, sid);
      if (!m) return;
      this.change({ type: 'council', field: `support/${it.id}`, value: m },
        { banner: `${m.what} changed.` }, form);
    });
    form.querySelector(`#${sid}-remove`).addEventListener('click', () => {
      this.change({ type: 'council', field: `support/${it.id}/remove`, value: true }, { banner: `${what} removed.` }, form);
    });
    return h('details', { class: 'govuk-details' },
      h('summary', { class: 'govuk-details__summary' },
        h('span', { class: 'govuk-details__summary-text' }, 'Change or remove ', h('span', { class: 'app-verbatim', text: what }))),
      h('div', { class: 'govuk-details__text' }, form));
  }

  readSupport(form, sid) {
    clearErrors(form);
    const what = document.getElementById(`${sid}-what`).value.trim();
    const cost = moneyText(document.getElementById(`${sid}-cost`).value);
    const errors = [];
    if (!what) errors.push([`${sid}-what`, 'Enter what the support is']);
    if (!isMoney(cost)) errors.push([`${sid}-cost`, 'Enter the cost a week in pounds, like 40 or 12.50']);
    if (errors.length) {
      for (const [f, t] of errors) showError(f, t);
      this.ctx.errors(errors.map(([f, t]) => ({ text: t, href: `#${f}` })));
      return null;
    }
    return { what, cost };
  }

  supportAdd() {
    const sid = 'support-new';
    const form = h('form', { novalidate: true, class: 'app-add-support' },
      h('h3', { class: 'govuk-heading-m', text: 'Add support' }),
      input(`${sid}-what`, { label: 'What support', hint: 'For example: Support worker, 6 hours a week' }),
      input(`${sid}-cost`, { label: 'Cost a week', prefix: '£', width: 5, inputmode: 'decimal', spellcheck: false }),
      h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: `${sid}-add`, text: 'Add support' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const m = this.readSupport(form, sid);
      if (!m) return;
      this.change({ type: 'council', field: 'support/add', value: m },
        { line: null, focus: `${sid}-what`, text: `${m.what} added to the support.`, errorHref: `#${sid}-what` }, form);
    });
    return form;
  }

  risksPart() {
    const edit = this.may('council', 'fill_council_parts');
    const head = h('h2', { class: 'govuk-heading-l', id: 'risks', text: 'Risks and the emergency plan' });
    const hint = h('p', { class: 'govuk-body', text: "The person's own words about risks and emergencies are above, in their sections." });
    if (!edit) {
      return h('section', { class: 'app-part', 'aria-labelledby': 'risks' }, head, hint, can(this.ctx.me, 'fill_council_parts') ? this.closedNote() : null, summaryList([
        ['How risks are managed', this.p.risks ? value(this.p.risks) : 'Not written yet'],
        ['Emergency plan checked', this.p.emergency_checked ? 'Yes' : 'No'],
      ]));
    }
    const form = h('form', { novalidate: true },
      textarea('risks-text', { label: 'How the risks will be managed', labelClass: 'govuk-label--s', rows: 5, value: this.p.risks || '',
        hint: 'The risks the person wants to take, and what is in place to keep them safe.' }),
      h('div', { class: 'govuk-form-group' }, checkbox('emergency-checked', 'The emergency plan has been checked', !!this.p.emergency_checked,
        'For example, what happens if the carer becomes ill, and who to contact.')),
      h('div', { class: 'govuk-button-group' },
        h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: 'risks-save', text: 'Save risks and emergency plan' }),
        h('p', { class: 'govuk-body app-done', id: 'risks-done' })));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const risks = document.getElementById('risks-text').value;
      const checked = document.getElementById('emergency-checked').checked;
      const changes = [];
      if (risks !== String(this.p.risks || '')) changes.push({ field: 'risks', value: risks });
      if (checked !== !!this.p.emergency_checked) changes.push({ field: 'emergency_checked', value: checked });
      this.council(changes, form, { line: 'risks-done', focus: 'risks-save', text: 'Risks and emergency plan saved.', errorHref: '#risks-text' });
    });
    return h('section', { class: 'app-part', 'aria-labelledby': 'risks' }, head, hint, form);
  }

  // ---- agreement and sign-off ----

  agreementFacts() {
    const p = this.p;
    const agreed = p.agreed || {};
    const rows = [
      ['Status', statusText(p.status)],
      ['Asked the person to agree', p.ready ? 'Yes, on their next visit' : 'Not yet'],
      ['The person agreed', agreed.person ? time(agreed.person) : 'Not yet'],
      ['The caseworker agreed', agreed.caseworker
        ? h('span', {}, time(agreed.caseworker), agreed.caseworker_name ? ` (${agreed.caseworker_name})` : '') : 'Not yet'],
    ];
    const dis = p.person_disagreed;
    if (dis && dis.at) {
      rows.push(['The person said they do not agree', h('div', {}, time(dis.at),
        dis.reason ? h('p', { class: 'govuk-body app-verbatim app-quote', ...theirs(p), text: String(dis.reason) }) : null)]);
    }
    const na = p.not_agreed;
    if (na && (na.reasons || na.safety)) {
      rows.push(['Recorded as not agreed', h('span', {}, time(na.at), na.by ? ` (${na.by})` : '')]);
      rows.push(['Why it was not agreed', value(na.reasons)]);
      rows.push(['Steps to keep the person safe', value(na.safety)]);
      rows.push(['Complaints information given', na.complaints_given ? 'Yes' : 'No']);
    }
    if (p.signed_off && p.signed_off.at) {
      rows.push(['Signed off', h('span', {}, time(p.signed_off.at), p.signed_off.by ? ` (${p.signed_off.by})` : '')]);
    }
    if (p.panel && (p.panel.decision || p.panel.date)) {
      rows.push(['Panel decision', value(p.panel.decision)]);
      rows.push(['Panel date', time(p.panel.date)]);
    }
    return summaryList(rows);
  }

  actionsPart() {
    const p = this.p;
    const me = this.ctx.me;
    const s = p.status;
    const agreed = p.agreed || {};
    const server = p.can && typeof p.can === 'object';
    // What the status allows: the server's `can` when it sends it, else the status graph.
    const allowed = {
      ready: server ? !!p.can.ready : s === 'submitted' && !p.ready,
      agree: server ? !!p.can.agree : s === 'submitted' && !agreed.caseworker,
      send_back: server ? !!p.can.send_back : ['submitted', 'agreed', 'not_agreed'].includes(s),
      not_agreed: server ? !!p.can.not_agreed : ['submitted', 'agreed'].includes(s),
      sign_off: server ? !!p.can.sign_off : s === 'agreed',
      review: server ? !!p.can.review : ['signed_off', 'review_due'].includes(s),
    };
    const parts = [];
    const act = (text, m, bannerText, opts = {}) => {
      const b = button(text, { id: opts.id, secondary: opts.secondary, warn: opts.warn });
      b.addEventListener('click', () => this.change(m, { banner: bannerText }));
      return b;
    };
    const buttons = [];
    if (allowed.ready && can(me, 'caseworker_agree')) {
      buttons.push(act('Ready to agree', { type: 'ready' }, 'The person will be asked to agree their plan when they next come back.', { id: 'action-ready' }));
    }
    if (allowed.agree && can(me, 'caseworker_agree')) {
      buttons.push(act('Agree the plan', { type: 'agree' }, 'You have agreed the plan.', { id: 'action-agree' }));
    }
    if (allowed.send_back && can(me, 'send_back')) {
      buttons.push(act('Send back for changes', { type: 'send_back' }, 'The plan is sent back to the person for changes.', { id: 'action-send-back', secondary: true }));
    }
    if (buttons.length) parts.push(h('div', { class: 'govuk-button-group' }, buttons));
    if (allowed.ready && can(me, 'caseworker_agree')) {
      parts.push(h('p', { class: 'govuk-body', text: 'Ready to agree asks the person to agree their plan on their next visit. You agree it too. Once you both have, it is agreed.' }));
    } else if (s === 'submitted' && p.ready && agreed.caseworker && !agreed.person) {
      parts.push(h('div', { class: 'govuk-inset-text', text: 'You have agreed. The person is asked to agree when they next come back.' }));
    }
    if (s === 'agreed') {
      // Four eyes (server/staff.c): a manager who agreed the plan as its caseworker does not sign it off.
      const own = agreed.caseworker_name && agreed.caseworker_name === me.name;
      if (allowed.sign_off && can(me, 'sign_off') && !own) parts.push(this.signOff());
      else if (own && can(me, 'sign_off')) parts.push(h('div', { class: 'govuk-inset-text', text: 'You agreed this plan as its caseworker, so another team manager signs it off.' }));
      else parts.push(h('div', { class: 'govuk-inset-text', text: 'Agreed. A team manager signs it off next.' }));
    }
    if (allowed.not_agreed && can(me, 'record_not_agreed')) parts.push(this.notAgreed());
    if (s === 'changes_requested' || s === 'draft') {
      parts.push(h('div', { class: 'govuk-inset-text', text: 'The person is writing or changing their plan. They see your comments when they come back, then send it again.' }));
    }
    if (allowed.review && can(me, 'complete_review')) {
      parts.push(h('a', { class: 'govuk-button', href: `#review/${this.id}`, draggable: 'false', id: 'action-review', text: 'Review this plan' }));
    }
    if (can(me, 'invite')) {
      parts.push(h('p', { class: 'govuk-body' },
        h('a', { class: 'govuk-link', href: `#letter/${this.id}`, text: 'Print a new invitation letter' }),
        ' (makes a new plan code; the old one stops working)'));
    }
    return h('section', { class: 'app-part', 'aria-labelledby': 'agreement' },
      h('h2', { class: 'govuk-heading-l', id: 'agreement', text: 'Agreement and sign-off' }),
      this.agreementFacts(), parts);
  }

  notAgreed() {
    const form = h('form', { novalidate: true },
      textarea('na-reasons', { label: 'Why the plan cannot be agreed', labelClass: 'govuk-label--s', rows: 4 }),
      textarea('na-safety', { label: 'The steps taken to keep the person safe', labelClass: 'govuk-label--s', rows: 4,
        hint: 'What is in place while the disagreement is sorted out.' }),
      h('div', { class: 'govuk-form-group', id: 'na-complaints-group' },
        h('p', { class: 'govuk-error-message', id: 'na-complaints-error', hidden: true }),
        checkbox('na-complaints', 'The person has been given information about how to complain', false)),
      h('button', { type: 'submit', class: 'govuk-button govuk-button--warning', id: 'na-send', text: 'Record that the plan is not agreed' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const reasons = document.getElementById('na-reasons').value.trim();
      const safety = document.getElementById('na-safety').value.trim();
      const complaints = document.getElementById('na-complaints').checked;
      const errors = [];
      if (!reasons) errors.push(['na-reasons', 'Enter why the plan cannot be agreed']);
      if (!safety) errors.push(['na-safety', 'Enter the steps taken to keep the person safe']);
      if (!complaints) errors.push(['na-complaints', 'Give the person information about how to complain, then tick the box']);
      if (errors.length) {
        for (const [f, t] of errors) showError(f, t);
        this.ctx.errors(errors.map(([f, t]) => ({ text: t, href: `#${f}` })));
        return;
      }
      this.change({ type: 'not_agreed', reasons, safety, complaints_given: complaints },
        { banner: 'Recorded: the plan is not agreed.' }, form);
    });
    return h('details', { class: 'govuk-details', id: 'not-agreed' },
      h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text', text: 'Agreement cannot be reached' })),
      h('div', { class: 'govuk-details__text' }, form));
  }

  signOff() {
    const panel = h('div', { class: 'govuk-checkboxes__conditional', id: 'panel-details', hidden: true },
      textarea('panel-decision', { label: "The panel's decision", rows: 3 }),
      h('div', { class: 'govuk-form-group', id: 'panel-date-group' },
        h('fieldset', { class: 'govuk-fieldset', role: 'group', 'aria-describedby': 'panel-date-hint' },
          h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s', text: 'Date of the panel' }),
          h('div', { class: 'govuk-hint', id: 'panel-date-hint', text: 'For example, 20 11 2026' }),
          h('p', { class: 'govuk-error-message', id: 'panel-date-error', hidden: true }),
          h('div', { class: 'govuk-date-input', id: 'panel-date' },
            [['day', 'Day', 2], ['month', 'Month', 2], ['year', 'Year', 4]].map(([k, label, w]) => h('div', { class: 'govuk-date-input__item' },
              h('div', { class: 'govuk-form-group' },
                h('label', { class: 'govuk-label govuk-date-input__label', for: `panel-date-${k}`, text: label }),
                h('input', { class: `govuk-input govuk-date-input__input govuk-input--width-${w}`, id: `panel-date-${k}`,
                  name: `panel-date-${k}`, type: 'text', inputmode: 'numeric' }))))))));
    const usePanel = checkbox('panel-used', 'A panel made the decision', false, 'Record the panel’s decision and its date.');
    const box = usePanel.querySelector('input');
    box.setAttribute('aria-controls', 'panel-details');
    box.setAttribute('aria-expanded', 'false');
    box.addEventListener('change', () => {
      panel.hidden = !box.checked;
      box.setAttribute('aria-expanded', String(box.checked));
    });
    const form = h('form', { novalidate: true, class: 'app-sign-off' },
      h('h3', { class: 'govuk-heading-m', text: 'Sign off' }),
      h('div', { class: 'govuk-form-group' }, usePanel, panel),
      h('button', { type: 'submit', class: 'govuk-button', id: 'action-sign-off', text: 'Sign off the plan' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      let panelValue = null;
      if (box.checked) {
        const decision = document.getElementById('panel-decision').value.trim();
        const [d, m, y] = ['day', 'month', 'year'].map((k) => document.getElementById(`panel-date-${k}`).value.trim());
        const date = /^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && /^\d{4}$/.test(y)
          ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : null;
        const real = date && !Number.isNaN(Date.parse(date + 'T00:00:00Z')) &&
          new Date(date + 'T00:00:00Z').toISOString().slice(0, 10) === date;
        const errors = [];
        if (!decision) errors.push(['panel-decision', "Enter the panel's decision", 'panel-decision']);
        if (!real) errors.push(['panel-date', 'Enter the date of the panel, like 20 11 2026', 'panel-date-day']);
        if (errors.length) {
          for (const [f, t] of errors) showError(f, t);
          for (const i of form.querySelectorAll('.govuk-date-input__input')) if (!real) i.classList.add('govuk-input--error');
          this.ctx.errors(errors.map(([, t, target]) => ({ text: t, href: `#${target}` })));
          return;
        }
        panelValue = { decision, date };
      }
      this.change({ type: 'sign_off', panel: panelValue }, { banner: 'The plan is signed off. Reviews are scheduled.' }, form);
    });
    return form;
  }

  reviewsPart() {
    const list = Array.isArray(this.p.reviews) ? this.p.reviews : [];
    const versions = Array.isArray(this.p.versions) ? this.p.versions : [];
    return h('section', { class: 'app-part', 'aria-labelledby': 'reviews' },
      h('h2', { class: 'govuk-heading-l', id: 'reviews', text: 'Reviews' }),
      list.length
        ? table(['Review', 'Due', 'Done', 'Outcome'], list.map((r) => [
          reviewKind(r.kind),
          h('span', {}, time(r.due), r.overdue ? [' ', tag('Overdue', 'red')] : r.due_soon ? [' ', tag('Due soon', 'yellow')] : null),
          r.done ? h('span', {}, time(r.done), r.by ? ` (${r.by})` : '') : 'Not yet',
          r.outcome === 'confirm' ? 'Plan confirmed' : r.outcome === 'reopen' ? 'Reopened for changes' : '']), { labelledby: 'reviews' })
        : h('p', { class: 'govuk-body', text: 'Reviews are scheduled when the plan is signed off.' }),
      versions.length
        ? h('p', { class: 'govuk-body' }, `${versions.length === 1 ? '1 version' : `${versions.length} versions`} kept, the latest: `,
          versionKind(versions[versions.length - 1].kind), ', ', time(versions[versions.length - 1].at), '. ',
          can(this.ctx.me, 'read_plan') ? h('a', { class: 'govuk-link', href: `#versions/${this.id}`, text: 'Compare versions' }) : null)
        : null);
  }
}
