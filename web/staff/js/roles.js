// Who may do what: the same rule as the server's auth.c (the server checks every request; this
// only decides which links and buttons to show, so that no one meets a button they cannot use).

const CASEWORK = ['caseworker', 'manager'];

const ROLES = {
  caseload: CASEWORK,
  invite: CASEWORK,
  plan: CASEWORK,
  comment: CASEWORK,
  council: CASEWORK,
  flag_close: CASEWORK,
  send_back: CASEWORK,
  ready: CASEWORK,
  agree: CASEWORK,
  not_agreed: CASEWORK,
  sign_off: ['manager'],
  versions: CASEWORK,
  review: CASEWORK,
  audit: ['manager', 'admin'],
};

/** True when me's role may do what (a key of ROLES). */
export function can(me, what) {
  return !!me && Object.prototype.hasOwnProperty.call(ROLES, what) && ROLES[what].includes(me.role);
}
