#include "auth.h"

#include <string.h>

#define CASEWORKER (1u << AUTH_CASEWORKER)
#define MANAGER	   (1u << AUTH_MANAGER)
#define ADMIN	   (1u << AUTH_ADMIN)

static const char *const role_names[AUTH_ROLE_COUNT] = {
    [AUTH_CASEWORKER] = "caseworker",
    [AUTH_MANAGER] = "manager",
    [AUTH_ADMIN] = "admin",
};

/* The whole rule. Plan work belongs to caseworkers and managers; sign-off and panel decisions to
 * managers only; accounts and enrolled kiosks to admins only. Admins (council IT) read no one's
 * plan: least privilege. Managers and admins read the audit log and export what is held about a
 * person (a subject access request); only admins erase a plan. Whether this caseworker may touch
 * this plan (their caseload, not signing off what they agreed themselves) is a question about the
 * plan, answered above this table. */
static const struct {
	const char *name;
	unsigned roles;
} actions[AUTH_ACTION_COUNT] = {
    [AUTH_VIEW_CASELOAD] = {"view_caseload", CASEWORKER | MANAGER},
    [AUTH_INVITE] = {"invite", CASEWORKER | MANAGER},
    [AUTH_READ_PLAN] = {"read_plan", CASEWORKER | MANAGER},
    [AUTH_COMMENT] = {"comment", CASEWORKER | MANAGER},
    [AUTH_FILL_COUNCIL_PARTS] = {"fill_council_parts", CASEWORKER | MANAGER},
    [AUTH_SEND_BACK] = {"send_back", CASEWORKER | MANAGER},
    [AUTH_CASEWORKER_AGREE] = {"caseworker_agree", CASEWORKER | MANAGER},
    [AUTH_RECORD_NOT_AGREED] = {"record_not_agreed", CASEWORKER | MANAGER},
    [AUTH_SIGN_OFF] = {"sign_off", MANAGER},
    [AUTH_RECORD_PANEL_DECISION] = {"record_panel_decision", MANAGER},
    [AUTH_SCHEDULE_REVIEW] = {"schedule_review", CASEWORKER | MANAGER},
    [AUTH_COMPLETE_REVIEW] = {"complete_review", CASEWORKER | MANAGER},
    [AUTH_MANAGE_USERS] = {"manage_users", ADMIN},
    [AUTH_VIEW_AUDIT] = {"view_audit", MANAGER | ADMIN},
    [AUTH_MANAGE_KIOSKS] = {"manage_kiosks", ADMIN},
    [AUTH_EXPORT_DATA] = {"export_data", MANAGER | ADMIN},
    [AUTH_ERASE_PLAN] = {"erase_plan", ADMIN},
    [AUTH_MANAGE_ALERTS] = {"manage_alerts", ADMIN},
    [AUTH_VIEW_SERVICE_AUDIT] = {"view_service_audit", ADMIN},
    [AUTH_VIEW_HEALTH] = {"view_health", ADMIN},
};

const char *auth_role_name(auth_role role)
{
	return (unsigned)role < AUTH_ROLE_COUNT ? role_names[role] : NULL;
}

int auth_role_parse(const char *name, auth_role *role)
{
	for (int r = 0; r < AUTH_ROLE_COUNT; r++)
		if (strcmp(name, role_names[r]) == 0) {
			*role = (auth_role)r;
			return 0;
		}
	return -1;
}

const char *auth_action_name(auth_action action)
{
	return (unsigned)action < AUTH_ACTION_COUNT ? actions[action].name : NULL;
}

int auth_can(auth_role role, auth_action action)
{
	if ((unsigned)role >= AUTH_ROLE_COUNT || (unsigned)action >= AUTH_ACTION_COUNT)
		return 0;
	return (actions[action].roles >> role) & 1u;
}
