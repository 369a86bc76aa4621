/* http: the plain HTTP routes the static mount does not serve: /healthz, the staff login and
 * logout forms (POST /staff/auth/login, /staff/auth/logout), and a kiosk's enrolment (POST
 * /kiosk/enrol, from the one-time link an admin was given). */
#include "ws_int.h"

#include "devices.h"
#include "err.h"
#include "log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *const form_fields[] = {"name", "password"};
static const char *const enrol_fields[] = {"t"}; /* the enrolment link's token */

/* /healthz: 200 when the database answers, 503 when it does not. */
static int healthz(struct lws *wsi, ws *w)
{
	unsigned char out[LWS_PRE + 2048], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);
	char body[192];
	size_t done, total;
	int n, ok;

	ok = store_ping(w->cfg.st) == 0;
	kiosk_prerender_progress(w->cfg.proto, &done, &total);
	n = snprintf(body, sizeof(body),
		     "{\"status\":\"%s\",\"schema\":%d,\"prerendered\":%zu,\"texts\":%zu}\n",
		     ok ? "ok" : "unavailable", ok ? store_schema_version(w->cfg.st) : -1, done,
		     total);
	if (lws_add_http_common_headers(wsi, ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE,
					"application/json", (lws_filepos_t)n, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	memcpy(p, body, (size_t)n);
	if (lws_write(wsi, p, (size_t)n, LWS_WRITE_HTTP_FINAL) != n)
		return 1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Answers with a status and no body. */
static int http_status(struct lws *wsi, unsigned int status)
{
	lws_return_http_status(wsi, status, NULL);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* 303 See Other to location, setting cookie (when not NULL). */
static int see_other(struct lws *wsi, const char *location, const char *cookie)
{
	unsigned char out[LWS_PRE + 2048], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);

	if (lws_add_http_header_status(wsi, HTTP_STATUS_SEE_OTHER, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_LOCATION,
					 (const unsigned char *)location, (int)strlen(location), &p,
					 end) ||
	    (cookie && lws_add_http_header_by_name(
			   wsi, (const unsigned char *)"set-cookie:", (const unsigned char *)cookie,
			   (int)strlen(cookie), &p, end)) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

#define LOGIN_PAGE "/staff/login.html"

/* The login form has come: check it and answer with the workspace and a cookie, or the login page
 * saying what was wrong. The password never leaves this function but into users_login. */
static int staff_login(struct lws *wsi, ws *w, http_req *r)
{
	const char *name = lws_spa_get_string(r->spa, FIELD_NAME);
	const char *password = lws_spa_get_string(r->spa, FIELD_PASSWORD);
	unsigned char token[USERS_TOKEN_BYTES];
	char text[USERS_TOKEN_TEXT], cookie[160], err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	users_login_result result = USERS_LOGIN_WRONG;
	users_staff who;
	long long wait_ms = 0;
	time_t now = time(NULL);
	int rc;

	if (!name || !password || !*name || !*password)
		return see_other(wsi, LOGIN_PAGE "?problem=missing", NULL);
	if (limiter_wait(w->logins, r->peer, now) > 0)
		return see_other(wsi, LOGIN_PAGE "?problem=slow-down", NULL);
	commit_batch(w);
	if (users_login(w->cfg.users, name, password, &result, token, &who, &wait_ms, err,
			sizeof(err))) {
		log_event(LOG_ERROR, "login-unchecked", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
		return see_other(wsi, LOGIN_PAGE "?problem=server", NULL);
	}
	if (result != USERS_LOGIN_OK) {
		limiter_fail(w->logins, r->peer, now);
		return see_other(wsi,
				 result == USERS_LOGIN_LOCKED ? LOGIN_PAGE "?problem=slow-down"
							      : LOGIN_PAGE "?problem=wrong",
				 NULL);
	}
	users_token_encode(token, text);
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 cookie_name(w), text, cookie_secure(w) ? "; Secure" : "");
	rc = see_other(wsi, "/staff/", cookie);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(text, sizeof(text));
	sodium_memzero(cookie, sizeof(cookie));
	return rc;
}

static int staff_logout(struct lws *wsi, ws *w, http_req *r)
{
	char cookie[128];

	if (r->has_token)
		users_logout(w->cfg.users, r->token);
	snprintf(cookie, sizeof(cookie), "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 cookie_name(w), cookie_secure(w) ? "; Secure" : "");
	return see_other(wsi, LOGIN_PAGE "?problem=out", cookie);
}

/* ---- enrolled kiosks ---- */

#define ENROL_PAGE	 "/staff/enrol.html"
#define KIOSK_COOKIE_AGE "157680000" /* five years: a kiosk stays enrolled until revoked */

/* The enrolment form has come (POST /kiosk/enrol, t=the link's token): the kiosk's browser gets
 * its device cookie and the kiosk page, or the enrolment page saying the link did not work. */
static int kiosk_enrol(struct lws *wsi, ws *w, http_req *r)
{
	const char *link = r->spa ? lws_spa_get_string(r->spa, 0) : NULL;
	char device[DEVICES_TOKEN_TEXT], cookie[200], err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	long long id = 0;
	int rc, found;

	commit_batch(w);
	found = devices_enrol(w->cfg.st, link ? link : "", (long long)time(NULL) * 1000, device,
			      &id, err, sizeof(err));
	if (found < 0)
		log_event(LOG_ERROR, "kiosk-enrol-failed", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
	if (found)
		return see_other(
		    wsi, found < 0 ? ENROL_PAGE "?problem=server" : ENROL_PAGE "?problem=link",
		    NULL);
	log_event(LOG_INFO, "kiosk-enrolled", "kiosk=%lld", id);
	snprintf(cookie, sizeof(cookie),
		 "%s=%s; Path=/; Max-Age=" KIOSK_COOKIE_AGE "; HttpOnly; SameSite=Strict%s",
		 kiosk_cookie_name(w), device, cookie_secure(w) ? "; Secure" : "");
	rc = see_other(wsi, "/", cookie);
	sodium_memzero(device, sizeof(device));
	sodium_memzero(cookie, sizeof(cookie));
	return rc;
}

void kiosk_device_pass(const ws *w, kiosk_session *sess, struct lws *wsi)
{
	char text[DEVICES_TOKEN_TEXT + 8];
	unsigned char token[DEVICES_TOKEN_BYTES];
	size_t max = sizeof(text);

	if (lws_http_cookie_get(wsi, kiosk_cookie_name(w), text, &max))
		return;
	text[max < sizeof(text) ? max : sizeof(text) - 1] = '\0';
	if (devices_decode(text, token) == 0)
		kiosk_session_device(sess, token);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(text, sizeof(text));
}

/* /healthz, the staff login and logout forms (POST /staff/auth/login, /staff/auth/logout), and a
 * kiosk's enrolment (POST /kiosk/enrol). */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	ws *w = lws_context_user(lws_get_context(wsi));
	http_req *r = user;
	char uri[64] = "";
	int rc;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		memset(r, 0, sizeof(*r));
		if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI) > 0) {
			/* Each mount matches any path that starts with it; only these are ours. */
			if (!w->cfg.users)
				return http_status(wsi, HTTP_STATUS_NOT_FOUND);
			if (strcmp(uri, "/staff/auth/login") == 0)
				r->route = ROUTE_LOGIN;
			else if (strcmp(uri, "/staff/auth/logout") == 0)
				r->route = ROUTE_LOGOUT;
			else if (strcmp(uri, "/kiosk/enrol") == 0)
				r->route = ROUTE_ENROL;
			else
				return http_status(wsi, HTTP_STATUS_NOT_FOUND);
			/* A form posted from another site (cross-site request forgery) is refused.
			 */
			if (!origin_ok(w, wsi))
				return http_status(wsi, HTTP_STATUS_FORBIDDEN);
			client_address(w, wsi, r->peer, sizeof(r->peer));
			r->has_token = staff_cookie(w, wsi, r->token) == 0;
			return 0; /* the form follows */
		}
		if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0 &&
		    strcmp(uri, "/healthz") == 0)
			return healthz(wsi, w);
		if (strncmp(uri, "/staff/auth", 11) == 0 || strncmp(uri, "/kiosk/enrol", 12) == 0)
			return http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED);
		return http_status(wsi, HTTP_STATUS_NOT_FOUND);

	case LWS_CALLBACK_HTTP_BODY:
		if (!r->route)
			return -1;
		if (!r->spa) {
			r->spa = r->route == ROUTE_ENROL
				     ? lws_spa_create(wsi, enrol_fields,
						      LWS_ARRAY_SIZE(enrol_fields), 128, NULL, NULL)
				     : lws_spa_create(wsi, form_fields, LWS_ARRAY_SIZE(form_fields),
						      1024, NULL, NULL);
			if (!r->spa)
				return -1;
		}
		return lws_spa_process(r->spa, in, (int)len) ? -1 : 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!r->route)
			return -1;
		if (r->spa)
			lws_spa_finalize(r->spa);
		if (r->route == ROUTE_ENROL)
			rc = kiosk_enrol(wsi, w, r);
		else if (r->route == ROUTE_LOGIN)
			rc = r->spa ? staff_login(wsi, w, r)
				    : see_other(wsi, LOGIN_PAGE "?problem=missing", NULL);
		else
			rc = staff_logout(wsi, w, r);
		sodium_memzero(r->token, sizeof(r->token));
		return rc;

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (r && r->spa) {
			lws_spa_destroy(r->spa);
			r->spa = NULL;
		}
		if (r)
			sodium_memzero(r->token, sizeof(r->token));
		break;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}
