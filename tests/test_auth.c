/* Tests for server/auth.c: the whole role x action table, written out here a second time so that
 * a change to the rule has to be made on purpose in both places. */
#include "check.h"

#include "auth.h"

#define C 1 /* caseworker */
#define M 2 /* manager */
#define A 4 /* admin */

static const struct {
	auth_action action;
	const char *name;
	int allowed; /* which roles may */
} expected[] = {
    {AUTH_VIEW_CASELOAD, "view_caseload", C | M},
    {AUTH_INVITE, "invite", C | M},
    {AUTH_READ_PLAN, "read_plan", C | M},
    {AUTH_COMMENT, "comment", C | M},
    {AUTH_FILL_COUNCIL_PARTS, "fill_council_parts", C | M},
    {AUTH_SEND_BACK, "send_back", C | M},
    {AUTH_CASEWORKER_AGREE, "caseworker_agree", C | M},
    {AUTH_RECORD_NOT_AGREED, "record_not_agreed", C | M},
    {AUTH_SIGN_OFF, "sign_off", M},
    {AUTH_RECORD_PANEL_DECISION, "record_panel_decision", M},
    {AUTH_SCHEDULE_REVIEW, "schedule_review", C | M},
    {AUTH_COMPLETE_REVIEW, "complete_review", C | M},
    {AUTH_MANAGE_USERS, "manage_users", A},
    {AUTH_VIEW_AUDIT, "view_audit", M | A},
    {AUTH_MANAGE_KIOSKS, "manage_kiosks", A},
    {AUTH_EXPORT_DATA, "export_data", M | A},
    {AUTH_ERASE_PLAN, "erase_plan", A},
    {AUTH_MANAGE_ALERTS, "manage_alerts", A},
    {AUTH_VIEW_SERVICE_AUDIT, "view_service_audit", A},
    {AUTH_VIEW_HEALTH, "view_health", A},
};

static void auth_can_should_match_the_table_for_every_role_and_action(void)
{
	static const int bit[AUTH_ROLE_COUNT] = {
	    [AUTH_CASEWORKER] = C, [AUTH_MANAGER] = M, [AUTH_ADMIN] = A};
	int n = (int)(sizeof(expected) / sizeof(*expected));

	CHECK(n == AUTH_ACTION_COUNT); /* a new action needs a row here */
	for (int i = 0; i < n; i++)
		for (int r = 0; r < AUTH_ROLE_COUNT; r++) {
			int want = (expected[i].allowed & bit[r]) != 0;

			if (auth_can((auth_role)r, expected[i].action) != want) {
				fprintf(stderr, "  %s may %s: expected %d\n",
					auth_role_name((auth_role)r), expected[i].name, want);
				CHECK(auth_can((auth_role)r, expected[i].action) == want);
			}
		}
}

static void a_caseworker_should_not_sign_off_and_a_manager_should(void)
{
	CHECK(auth_can(AUTH_CASEWORKER, AUTH_SIGN_OFF) == 0);
	CHECK(auth_can(AUTH_MANAGER, AUTH_SIGN_OFF) == 1);
	CHECK(auth_can(AUTH_ADMIN, AUTH_SIGN_OFF) == 0);
	CHECK(auth_can(AUTH_CASEWORKER, AUTH_RECORD_PANEL_DECISION) == 0);
	CHECK(auth_can(AUTH_MANAGER, AUTH_RECORD_PANEL_DECISION) == 1);
}

static void only_an_admin_should_manage_users(void)
{
	CHECK(auth_can(AUTH_ADMIN, AUTH_MANAGE_USERS) == 1);
	CHECK(auth_can(AUTH_MANAGER, AUTH_MANAGE_USERS) == 0);
	CHECK(auth_can(AUTH_CASEWORKER, AUTH_MANAGE_USERS) == 0);
}

static void an_admin_should_not_read_plans(void)
{
	CHECK(auth_can(AUTH_ADMIN, AUTH_READ_PLAN) == 0);
	CHECK(auth_can(AUTH_ADMIN, AUTH_VIEW_CASELOAD) == 0);
	CHECK(auth_can(AUTH_ADMIN, AUTH_VIEW_AUDIT) == 1);
}

static void auth_can_should_refuse_values_out_of_range(void)
{
	CHECK(auth_can(AUTH_ROLE_COUNT, AUTH_READ_PLAN) == 0);
	CHECK(auth_can((auth_role)-1, AUTH_READ_PLAN) == 0);
	CHECK(auth_can(AUTH_MANAGER, AUTH_ACTION_COUNT) == 0);
	CHECK(auth_can(AUTH_MANAGER, (auth_action)-1) == 0);
	CHECK(auth_role_name(AUTH_ROLE_COUNT) == NULL);
	CHECK(auth_action_name(AUTH_ACTION_COUNT) == NULL);
}

static void roles_should_parse_from_their_names_and_back(void)
{
	auth_role r = AUTH_ADMIN;

	CHECK(auth_role_parse("caseworker", &r) == 0 && r == AUTH_CASEWORKER);
	CHECK(auth_role_parse("manager", &r) == 0 && r == AUTH_MANAGER);
	CHECK(auth_role_parse("admin", &r) == 0 && r == AUTH_ADMIN);
	CHECK_STR(auth_role_name(AUTH_MANAGER), "manager");
	CHECK(auth_role_parse("Manager", &r) == -1);
	CHECK(auth_role_parse("root", &r) == -1);
	CHECK(auth_role_parse("", &r) == -1);
}

static void actions_should_have_their_machine_names(void)
{
	for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++)
		CHECK_STR(auth_action_name(expected[i].action), expected[i].name);
}

int main(void)
{
	RUN(auth_can_should_match_the_table_for_every_role_and_action);
	RUN(a_caseworker_should_not_sign_off_and_a_manager_should);
	RUN(only_an_admin_should_manage_users);
	RUN(an_admin_should_not_read_plans);
	RUN(auth_can_should_refuse_values_out_of_range);
	RUN(roles_should_parse_from_their_names_and_back);
	RUN(actions_should_have_their_machine_names);
	return check_report();
}
