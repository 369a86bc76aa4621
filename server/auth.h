/* auth: who may do what. The staff roles, the actions of the caseworker workspace, and the one
 * table that joins them. No storage, no sessions, no passwords here (those are users.c): only the
 * rule, so that every handler asks the same question in the same way before it runs. */
#ifndef PLANALOUD_AUTH_H
#define PLANALOUD_AUTH_H

typedef enum auth_role {
	AUTH_CASEWORKER, /* social workers, assistants, OTs: plans on their caseload */
	AUTH_MANAGER,	 /* team managers: everything a caseworker does, plus sign-off */
	AUTH_ADMIN,	 /* council IT: accounts and the audit log, not people's plans */
	AUTH_ROLE_COUNT
} auth_role;

typedef enum auth_action {
	AUTH_VIEW_CASELOAD,	    /* the list of plans by status, flags first */
	AUTH_INVITE,		    /* a new plan: needs, budget, the letter with the code */
	AUTH_READ_PLAN,		    /* the person's words, who helped, the versions */
	AUTH_COMMENT,		    /* a comment on a section, for the person to hear */
	AUTH_FILL_COUNCIL_PARTS,    /* how needs are met, direct payments, costs, risk actions */
	AUTH_SEND_BACK,		    /* submitted -> changes_requested */
	AUTH_CASEWORKER_AGREE,	    /* the council's side of agreement */
	AUTH_RECORD_NOT_AGREED,	    /* reasons, steps to keep the person safe, complaints */
	AUTH_SIGN_OFF,		    /* agreed -> signed_off */
	AUTH_RECORD_PANEL_DECISION, /* a panel's decision and its date */
	AUTH_SCHEDULE_REVIEW,
	AUTH_COMPLETE_REVIEW,
	AUTH_MANAGE_USERS, /* add, disable, enable, reset passwords */
	AUTH_VIEW_AUDIT,
	AUTH_MANAGE_KIOSKS, /* enrol the council's kiosks, list and revoke them */
	AUTH_EXPORT_DATA,   /* everything held about a person's plan (a subject access request) */
	AUTH_ERASE_PLAN,    /* erase a person's plan, leaving a tombstone */
	AUTH_MANAGE_ALERTS, /* the alerts outbox: what was sent, what failed, try again now */
	AUTH_VIEW_SERVICE_AUDIT, /* the audit rows about no plan: logins, accounts, kiosks */
	AUTH_VIEW_HEALTH,	 /* the service's health: version, uptime, database, connections */
	AUTH_ACTION_COUNT
} auth_action;

/* "caseworker", "manager", "admin"; NULL for a value that is not a role. */
const char *auth_role_name(auth_role role);
/* 0 and *role, or -1 for a name that is not a role (exact, lower case). */
int auth_role_parse(const char *name, auth_role *role);
/* A short machine name ("sign_off"), for audit rows and logs; NULL for a value that is not an
 * action. */
const char *auth_action_name(auth_action action);
/* 1 when the role may do the action; 0 otherwise, and for values out of range. */
int auth_can(auth_role role, auth_action action);

#endif
