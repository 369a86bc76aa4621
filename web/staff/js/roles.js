// Who may do what: the reply to `me` lists the actions the logged-in role may take (auth.c's
// names, such as "read_plan" or "sign_off"). The server checks every request; this only decides
// which links and buttons to show, so that no one meets a button they cannot use.

/** True when me's role may take the action (an auth.c action name). */
export function can(me, action) {
  const list = me?.words?.can;
  return Array.isArray(list) && list.includes(action);
}
