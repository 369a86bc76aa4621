// #users: the staff accounts, for administrators: every user with their role and state, and a
// form to add one. #users/<name>: one user: a new password, a new role, disable or enable.
// A new password is made by the server and shown here once, for the administrator to give to the
// person; it is kept nowhere the page or the server can show it again. Disabling, and changing
// your own role, are confirmed first. The server checks everything again and audits each change
// with the administrator who made it (docs/staff.md, "Users").

import { h, backLink, input, choices, table, time, tag, warning, summaryList, showError, clearErrors } from './dom.js';
import { roleName } from './words.js';

export const needs = 'manage_users';

const NAME_RULE = /^[A-Za-z0-9._-]{1,64}$/;
const NAME_HINT = 'Letters (A to Z), digits, dots, hyphens or underscores, with no spaces. For example: jo.smith';

/** The roles in the order the server lists their words (caseworker, manager, admin). */
function roles(ctx) {
  const told = ctx.me?.words?.roles;
  return told && typeof told === 'object' ? Object.keys(told) : ['caseworker', 'manager', 'admin'];
}

function stateTag(u) {
  return u.disabled ? tag('Disabled', 'grey') : tag('Active', 'green');
}

/** The new password, shown once, with what to do with it. */
function passwordPanel(r) {
  return h('div', { class: 'govuk-inset-text', id: 'password-panel' },
    h('h2', { class: 'govuk-heading-m', text: `New password for ${r.user?.name || 'the user'}` }),
    h('p', { class: 'govuk-body app-verbatim app-password', id: 'new-password', text: String(r.password || '') }),
    h('p', { class: 'govuk-body', text: 'Give it to them yourself, in person or by phone. It is shown only now: nobody can see it again. If it is lost, give them a new one.' }));
}

// ---- the list ----------------------------------------------------------------------

function list(users) {
  return table(['Name', 'Role', 'State', 'Added', 'Manage'], users.map((u) => [
    h('span', {}, String(u.name), u.you ? h('span', { class: 'app-secondary', text: ' (you)' }) : null),
    roleName(u.role),
    stateTag(u),
    time(u.added),
    h('a', { class: 'govuk-link', href: `#users/${encodeURIComponent(u.name)}` }, 'Manage',
      h('span', { class: 'govuk-visually-hidden', text: ` ${u.name}` })),
  ]), { caption: 'Staff users, by name' });
}

function addForm(ctx, onAdded) {
  const form = h('form', { novalidate: true, id: 'user-form' },
    h('h2', { class: 'govuk-heading-m', text: 'Add a user' }),
    input('user-name', { label: 'User name', hint: NAME_HINT, maxlength: 64, spellcheck: false }),
    choices('user-role', {
      legend: 'Role',
      items: roles(ctx).map((r) => ({ value: r, text: roleName(r) })),
    }),
    h('button', { type: 'submit', class: 'govuk-button', id: 'user-add', text: 'Add user' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    ctx.clearMessages();
    const name = form.querySelector('#user-name').value.trim();
    const role = form.querySelector('input[name="user-role"]:checked')?.value;
    const problems = [];
    if (!NAME_RULE.test(name)) {
      const text = name ? 'A user name has only letters, digits, dots, hyphens or underscores, at most 64' : 'Enter a user name';
      showError('user-name', text);
      problems.push({ text, href: '#user-name' });
    }
    if (!role) {
      showError('user-role', 'Choose a role');
      problems.push({ text: 'Choose a role', href: '#user-role' });
    }
    if (problems.length) {
      ctx.errors(problems);
      return;
    }
    const r = await ctx.request({ type: 'user_add', name, role });
    if (r.type !== 'user_added') {
      const field = r.code === 'bad-role' ? 'user-role' : 'user-name';
      showError(field, ctx.errorText(r));
      ctx.failed(r, `#${field}`);
      return;
    }
    form.reset();
    await onAdded(r);
  });
  return form;
}

async function showList(ctx) {
  const r = await ctx.request({ type: 'users' });
  const head = [h('h1', { class: 'govuk-heading-l', text: 'Users' }),
    h('p', { class: 'govuk-body', text: 'The people who can log in to the staff pages, and what each may do.' })];
  if (r.type !== 'users') {
    ctx.show(...head);
    ctx.failed(r);
    return;
  }
  const slot = h('div', { id: 'user-list' }, list(r.users || []));
  const panel = h('div', { id: 'password-slot' });
  const form = addForm(ctx, async (added) => {
    const again = await ctx.request({ type: 'users' });
    if (again.type === 'users') slot.replaceChildren(list(again.users || []));
    panel.replaceChildren(passwordPanel(added));
    ctx.success(`${added.user.name} is added as a ${roleName(added.user.role)}. Give them the password below.`);
  });
  ctx.show(...head, panel, slot, form);
}

// ---- one user ----------------------------------------------------------------------

/** A question with a Yes button (warning colour when warn) and a Cancel button. */
function confirmBox(id, question, yesText, warn, onYes, onNo) {
  const yes = h('button', { type: 'button', class: 'govuk-button' + (warn ? ' govuk-button--warning' : ''), id: `${id}-yes`, text: yesText });
  const no = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: `${id}-no`, text: 'Cancel' });
  yes.addEventListener('click', onYes);
  no.addEventListener('click', onNo);
  const box = h('div', { class: 'app-confirm', id, role: 'group', 'aria-labelledby': `${id}-question` },
    h('h2', { class: 'govuk-heading-m', id: `${id}-question`, tabindex: '-1', text: question.title }),
    warning(question.warning),
    h('div', { class: 'govuk-button-group' }, yes, no));
  return box;
}

async function showUser(ctx, name) {
  const r = await ctx.request({ type: 'users' });
  const back = backLink('#users', 'Back to users');
  if (r.type !== 'users') {
    ctx.show(back, h('h1', { class: 'govuk-heading-l', text: name }));
    ctx.failed(r);
    return;
  }
  let u = (r.users || []).find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!u) {
    ctx.show(back, h('h1', { class: 'govuk-heading-l', text: 'User not found' }),
      h('p', { class: 'govuk-body', id: 'user-missing', text: 'There is no staff user with that name.' }));
    return;
  }
  const facts = h('div', { id: 'user-facts' });
  const panel = h('div', { id: 'password-slot' });
  const actions = h('div', { id: 'user-actions' });

  /** The user as the server now has them (a reply with `users`). */
  const update = (reply) => {
    u = (reply.users || []).find((x) => x.name === u.name) || u;
    draw();
  };

  const request = async (m, done) => {
    const reply = await ctx.request(m);
    if (reply.type === 'error') {
      ctx.failed(reply);
      return null;
    }
    if (reply.users) update(reply);
    if (done) ctx.success(done(reply));
    return reply;
  };

  function passwordSection() {
    if (u.you) {
      return h('div', {},
        h('h2', { class: 'govuk-heading-m', text: 'Password' }),
        h('p', { class: 'govuk-body', text: 'To change your own password, ask another administrator.' }));
    }
    const b = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'user-new-password', text: 'Give a new password' });
    b.addEventListener('click', async () => {
      ctx.clearMessages();
      const reply = await request({ type: 'user_password', name: u.name });
      if (!reply) return;
      panel.replaceChildren(passwordPanel(reply));
      ctx.success(`${u.name} has a new password. Their old one no longer works, and they have been logged out.`);
    });
    return h('div', {},
      h('h2', { class: 'govuk-heading-m', text: 'Password' }),
      h('p', { class: 'govuk-body', text: 'A new password is made for them and shown here once. The old one stops working, and they are logged out.' }),
      b);
  }

  function roleSection() {
    const form = h('form', { novalidate: true, id: 'role-form' },
      choices('user-new-role', {
        legend: 'Role', legendClass: 'govuk-fieldset__legend--m',
        items: roles(ctx).map((role) => ({ value: role, text: roleName(role), checked: role === u.role })),
      }),
      h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', id: 'user-change-role', text: 'Change role' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      ctx.clearMessages();
      const role = form.querySelector('input[name="user-new-role"]:checked')?.value;
      if (!role || role === u.role) {
        ctx.success(`${u.name} is already a ${roleName(u.role)}.`, false);
        return;
      }
      const change = async (confirm) => {
        const reply = await request({ type: 'user_role', name: u.name, role, ...(confirm ? { confirm: true } : {}) },
          () => `${u.name} is now a ${roleName(role)}.`);
        if (reply && u.you && role !== 'admin') location.reload(); // your own rights changed
      };
      if (!u.you) {
        change(false);
        return;
      }
      confirmHere(confirmBox('role-confirm', {
        title: `Change your own role to ${roleName(role)}?`,
        warning: 'You will lose the administrator\'s pages at once, and cannot change it back yourself.',
      }, 'Yes, change my role', true, () => change(true), () => cancelled('#user-change-role')));
    });
    return form;
  }

  function stateSection() {
    if (u.you) {
      return h('div', {},
        h('h2', { class: 'govuk-heading-m', text: 'Account' }),
        h('p', { class: 'govuk-body', text: 'You cannot disable your own account.' }));
    }
    const b = h('button', {
      type: 'button', class: 'govuk-button' + (u.disabled ? '' : ' govuk-button--warning'),
      id: u.disabled ? 'user-enable' : 'user-disable', text: u.disabled ? 'Enable this account' : 'Disable this account',
    });
    b.addEventListener('click', () => {
      ctx.clearMessages();
      if (u.disabled) {
        request({ type: 'user_enable', name: u.name }, () => `${u.name} can log in again.`);
        return;
      }
      confirmHere(confirmBox('disable-confirm', {
        title: `Disable ${u.name}?`,
        warning: `${u.name} will be logged out at once and cannot log in until an administrator enables the account again.`,
      }, `Yes, disable ${u.name}`, true,
      () => request({ type: 'user_disable', name: u.name }, () => `${u.name} is disabled and has been logged out.`),
      () => cancelled('#user-disable')));
    });
    return h('div', {},
      h('h2', { class: 'govuk-heading-m', text: 'Account' }),
      h('p', { class: 'govuk-body', text: u.disabled ? 'This account is disabled: they cannot log in.' : 'Disabling the account logs them out at once.' }),
      b);
  }

  /** Back from a confirmation: nothing changed; focus where it was. */
  function cancelled(selector) {
    draw();
    actions.querySelector(selector)?.focus();
  }

  /** Shows a confirmation in place of the actions, and moves focus to its question. */
  function confirmHere(box) {
    actions.replaceChildren(box);
    box.querySelector('h2').focus();
  }

  function draw() {
    facts.replaceChildren(summaryList([
      ['User name', String(u.name)],
      ['Role', roleName(u.role)],
      ['State', stateTag(u)],
      ['Added', time(u.added)],
    ]));
    actions.replaceChildren(passwordSection(), roleSection(), stateSection());
  }

  draw();
  ctx.show(back, h('span', { class: 'govuk-caption-l', text: 'User' }),
    h('h1', { class: 'govuk-heading-l', text: String(u.name) + (u.you ? ' (you)' : '') }),
    panel, facts, actions,
    h('p', { class: 'govuk-body' }, h('a', { class: 'govuk-link', href: '#audit', text: 'Read the audit log of logins and account changes' })));
}

export async function render(ctx, param) {
  if (param) await showUser(ctx, decodeURIComponent(param));
  else await showList(ctx);
}
