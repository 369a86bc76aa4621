/* staff: the staff sessions, the route table checked in one place, the replies and the readers
 * of a request's fields (staff.h; the files behind it share staff_int.h). */
#include "staff_int.h"

#include "auth.h"
#include "utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- time ---- */

static long long real_clock(void *ctx)
{
	(void)ctx;
	return (long long)time(NULL);
}

long long staff_now(const staff *sf)
{
	return sf->clock(sf->clock_ctx);
}

void staff_today(const staff *sf, char out[PLAN_DATE_LEN])
{
	plan_date_of(staff_now(sf), out);
}

void staff_iso_ms(long long ms, char out[STAFF_ISO_LEN])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&t, &tm)) {
		snprintf(out, STAFF_ISO_LEN, "?");
		return;
	}
	snprintf(out, STAFF_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* ---- replies ---- */

void staff_reply(staff_session *ss, cJSON *msg, int close_after)
{
	char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;

	if (text)
		ss->sf->io.send(ss->conn, text, strlen(text), close_after);
	free(text);
	cJSON_Delete(msg);
}

/* The error reply for e with seq. not-allowed also says the plan's status now. */
static void reply_error(void *session, const message_error *e, long long seq)
{
	staff_session *ss = session;

	staff_reply(
	    ss, staff_view_error(ss->sf->c, e->code, seq, e->kv[0] ? e->kv : NULL, ss->err_status),
	    0);
}

int staff_fail(staff_session *ss, const char *code)
{
	message_fail(&ss->err, code, NULL, 0);
	return -1; /* here, so the compiler sees every failing path return -1 */
}

int staff_fail_with(staff_session *ss, const char *code, const char *name, long long value)
{
	message_fail(&ss->err, code, name, value);
	return -1;
}

int staff_fail_status(staff_session *ss, plan_status status)
{
	ss->err_status = plan_status_name(status);
	return staff_fail(ss, "not-allowed");
}

/* The login has gone (logged out elsewhere, idle too long, user disabled): say so and close. */
static void login_needed(staff_session *ss, long long seq)
{
	ss->closing = 1;
	sodium_memzero(ss->token, sizeof(ss->token));
	ss->has_token = 0;
	staff_reply(ss, staff_view_error(ss->sf->c, "login-needed", seq, NULL, NULL), 1);
}

store_actor staff_actor(const staff_session *ss)
{
	return (store_actor){STORE_ACTOR_STAFF, ss->who.id, auth_role_name(ss->who.role)};
}

/* ---- reading requests ---- */

int staff_plan_arg(staff_session *ss, const cJSON *m, store_plan *pl)
{
	long long id = message_id(m, "plan");

	if (id <= 0)
		return staff_fail(ss, "bad-message");
	switch (store_plan_get(ss->sf->st, id, pl)) {
	case 0:
		return 0;
	case 1:
		return staff_fail(ss, "no-plan");
	default:
		return staff_fail(ss, "server");
	}
}

/* 1 when text has something other than spaces in it. */
static int has_words(const char *text)
{
	for (; *text; text++)
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return 1;
	return 0;
}

int staff_text_ok(staff_session *ss, const char *text, int min, int max)
{
	if (min > 0 && !has_words(text))
		return staff_fail(ss, "bad-field");
	if (utf8_chars(text, strlen(text)) > (size_t)max)
		return staff_fail_with(ss, "too-long", "limit", max);
	return 0;
}

int staff_text_arg(staff_session *ss, const cJSON *m, const char *name, int min, int max,
		   const char **out)
{
	const char *t = message_str(m, name);

	if (!t)
		return staff_fail(ss, "bad-message");
	if (staff_text_ok(ss, t, min, max))
		return -1;
	*out = t;
	return 0;
}

int staff_bool_arg(staff_session *ss, const cJSON *v, int *out)
{
	if (!cJSON_IsBool(v))
		return staff_fail(ss, "bad-field");
	*out = cJSON_IsTrue(v);
	return 0;
}

int staff_money_arg(staff_session *ss, const cJSON *v, long long *pence)
{
	if (!cJSON_IsString(v) || plan_money_parse(v->valuestring, pence))
		return staff_fail(ss, "bad-money");
	return 0;
}

int staff_may_move(staff_session *ss, const store_plan *pl, plan_status to)
{
	if (!plan_can_transition(pl->status, to))
		return staff_fail_status(ss, pl->status);
	return 0;
}

workflow staff_workflow(staff_session *ss, store_actor *by)
{
	*by = staff_actor(ss);
	return (workflow){ss->sf->st, by, staff_now(ss->sf) * 1000};
}

int staff_wrote(staff_session *ss, long long plan, int rc)
{
	store_plan now;

	if (rc == 0)
		return 0;
	if (rc == 1) {
		if (store_plan_get(ss->sf->st, plan, &now) == 0)
			return staff_fail_status(ss, now.status);
		return staff_fail(ss, "not-allowed");
	}
	return staff_fail(ss, "not-saved");
}

/* ---- the way in ---- */

#define ANYONE ((unsigned)-1) /* any logged-in role */

/* need: the auth_action the role must be allowed, or ANYONE. */
static const message_route routes[] = {
    {"me", staff_handle_me, ANYONE},
    {"caseload", staff_handle_caseload, AUTH_VIEW_CASELOAD},
    {"invite", staff_handle_invite, AUTH_INVITE},
    {"new_code", staff_handle_new_code, AUTH_INVITE},
    {"plan", staff_handle_plan, AUTH_READ_PLAN},
    {"council", staff_handle_council, AUTH_FILL_COUNCIL_PARTS},
    {"comment", staff_handle_comment, AUTH_COMMENT},
    {"send_back", staff_handle_send_back, AUTH_SEND_BACK},
    {"ready", staff_handle_ready, AUTH_CASEWORKER_AGREE},
    {"agree", staff_handle_agree, AUTH_CASEWORKER_AGREE},
    {"not_agreed", staff_handle_not_agreed, AUTH_RECORD_NOT_AGREED},
    {"sign_off", staff_handle_sign_off, AUTH_SIGN_OFF},
    {"versions", staff_handle_versions, AUTH_READ_PLAN},
    {"diff", staff_handle_diff, AUTH_READ_PLAN},
    {"audit", staff_handle_audit, AUTH_VIEW_AUDIT},
    {"review", staff_handle_review, AUTH_COMPLETE_REVIEW},
    {"flag_close", staff_handle_flag_close, AUTH_FILL_COUNCIL_PARTS},
    {"check_words", staff_handle_check_words, ANYONE},
    {"letter_words", staff_handle_letter_words, AUTH_INVITE},
    {"kiosks", staff_handle_kiosks, AUTH_MANAGE_KIOSKS},
    {"kiosk_add", staff_handle_kiosk_add, AUTH_MANAGE_KIOSKS},
    {"kiosk_revoke", staff_handle_kiosk_revoke, AUTH_MANAGE_KIOSKS},
    {"export", staff_handle_export, AUTH_EXPORT_DATA},
    {"erase", staff_handle_erase, AUTH_ERASE_PLAN},
    {"alerts", staff_handle_alerts, AUTH_MANAGE_ALERTS},
    {"alert_retry", staff_handle_alert_retry, AUTH_MANAGE_ALERTS},
    {"users", staff_handle_users, AUTH_MANAGE_USERS},
    {"user_add", staff_handle_user_add, AUTH_MANAGE_USERS},
    {"user_password", staff_handle_user_password, AUTH_MANAGE_USERS},
    {"user_disable", staff_handle_user_disable, AUTH_MANAGE_USERS},
    {"user_enable", staff_handle_user_enable, AUTH_MANAGE_USERS},
    {"user_role", staff_handle_user_role, AUTH_MANAGE_USERS},
    {"audit_log", staff_handle_audit_log, AUTH_VIEW_SERVICE_AUDIT},
    {"health", staff_handle_health, AUTH_VIEW_HEALTH},
};

/* Before a handler runs: the user's role may take its action. */
static int admit(void *session, const message_route *r, message_error *e)
{
	staff_session *ss = session;

	if (r->need != ANYONE && !auth_can(ss->who.role, (auth_action)r->need))
		return message_fail(e, "not-allowed-role", NULL, 0);
	return 0;
}

static const message_protocol staff_protocol = {
    routes, sizeof(routes) / sizeof(*routes), admit, NULL, reply_error,
};

void staff_handle(staff_session *ss, const char *msg, size_t len, int binary)
{
	if (ss->closing)
		return;
	ss->err_status = NULL;
	ss->quiet = 0;
	/* Every message proves the login is still alive: logout, idle time and disabling all end
	 * it at once, not at the next page load. */
	if (!ss->has_token || users_session_alive(ss->sf->u, ss->token, &ss->who) != 0) {
		if (ss->has_token) /* a dead session is forgotten, as users_session_check does */
			users_session_check(ss->sf->u, ss->token, &ss->who);
		login_needed(ss, -1);
		return;
	}
	message_handle(&staff_protocol, ss, &ss->err, msg, len, binary);
	/* The user's use keeps the login alive; what the page asked by itself (ss->quiet: the
	 * caseload read again after news) does not. A failed touch is tried again next time. */
	if (!ss->quiet)
		users_session_touch(ss->sf->u, ss->token);
}

void staff_too_big(staff_session *ss)
{
	ss->err_status = NULL;
	message_too_big(&staff_protocol, ss, &ss->err);
}

/* ---- sessions ---- */

staff_session *staff_session_open(staff *sf, void *conn, const char *address,
				  const unsigned char *token)
{
	staff_session *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->sf = sf;
	ss->conn = conn;
	snprintf(ss->addr, sizeof(ss->addr), "%s", address ? address : "");
	if (token) {
		memcpy(ss->token, token, sizeof(ss->token));
		ss->has_token = 1;
	}
	if (!ss->has_token || users_session_check(sf->u, ss->token, &ss->who) != 0)
		login_needed(ss, -1);
	ss->next = sf->sessions;
	if (sf->sessions)
		sf->sessions->prev = ss;
	sf->sessions = ss;
	return ss;
}

void staff_session_close(staff_session *ss)
{
	if (!ss)
		return;
	if (ss->prev)
		ss->prev->next = ss->next;
	else
		ss->sf->sessions = ss->next;
	if (ss->next)
		ss->next->prev = ss->prev;
	sodium_memzero(ss->token, sizeof(ss->token));
	free(ss);
}

staff *staff_new(const content *c, store *st, users *u, const unsigned char *code_key,
		 message_io io)
{
	staff *sf = calloc(1, sizeof(*sf));

	if (!sf)
		return NULL;
	sf->c = c;
	sf->st = st;
	sf->u = u;
	sf->code_key = code_key;
	sf->io = io;
	sf->clock = real_clock;
	sf->started_s = real_clock(NULL);
	return sf;
}

void staff_set_content(staff *sf, const content *c)
{
	sf->c = c;
	sf->langs = NULL;
}

void staff_set_alerts(staff *sf, const alerts *al)
{
	sf->alerts = al;
}

void staff_set_clock(staff *sf, staff_clock_fn fn, void *ctx)
{
	sf->clock = fn ? fn : real_clock;
	sf->clock_ctx = fn ? ctx : NULL;
}

void staff_free(staff *sf)
{
	free(sf);
}
