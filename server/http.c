/* http: the plain HTTP routes the static mount does not serve: /healthz, the staff login and
 * logout forms (POST /staff/auth/login, /staff/auth/logout), and a kiosk's enrolment (POST
 * /kiosk/enrol, from the one-time link an admin was given). */
#include "ws_int.h"

#include "devices.h"
#include "err.h"
#include "hasher.h"
#include "log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const form_fields[] = {"name", "password"};
static const char *const enrol_fields[] = {"t"}; /* the enrolment link's token */

/* /healthz: 200 when the database answers, 503 when it does not; and the logins whose
 * passwords are being checked (the loop answers while they are). */
static int healthz(struct lws *wsi, ws *w, int checking)
{
	unsigned char out[LWS_PRE + 2048], *start = out + LWS_PRE, *p = start,
					   *end = out + sizeof(out);
	char body[224];
	size_t done, total;
	int n, ok;

	ok = store_ping(w->cfg.st) == 0;
	kiosk_prerender_progress(w->cfg.proto, &done, &total);
	n = snprintf(body, sizeof(body),
		     "{\"status\":\"%s\",\"schema\":%d,\"prerendered\":%zu,\"texts\":%zu,"
		     "\"logins_checking\":%d}\n",
		     ok ? "ok" : "unavailable", ok ? store_schema_version(w->cfg.st) : -1, done,
		     total, checking);
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
/* The login and logout forms are a name and a password: anything bigger is not from our page. */
#define FORM_MAX_BYTES 4096
/* Password checks at once (queued or running) and the threads that run them: each check holds
 * 19 MiB while it runs. More logins than this at one moment are asked to wait a little. */
#define HASHES_IN_FLIGHT 4
#define HASHER_THREADS	 2

/* What the HTTP routes keep for the whole server (per vhost, as lws keeps it). */
typedef struct http_vhost {
	hasher *h;
} http_vhost;

/* A login while its password is checked: the worker's alone until it hands it back. */
typedef struct login_job {
	users_attempt a;
	char password[USERS_PASSWORD_MAX + 1];
} login_job;

static void login_job_free(void *job)
{
	if (!job)
		return;
	sodium_memzero(job, sizeof(login_job));
	free(job);
}

/* On a worker thread. */
static void login_job_check(void *job)
{
	login_job *j = job;

	users_login_check(&j->a, j->password);
	sodium_memzero(j->password, sizeof(j->password));
}

/* On a worker thread: lws_cancel_service is the one lws call safe from any thread. */
static void wake_loop(void *ctx)
{
	lws_cancel_service(ctx);
}

/* Answers with location (and cookie, when not NULL) once the connection is writeable. */
static int answer_later(http_req *r, const char *location, const char *cookie)
{
	snprintf(r->location, sizeof(r->location), "%s", location);
	snprintf(r->cookie, sizeof(r->cookie), "%s", cookie ? cookie : "");
	r->answer_ready = 1;
	lws_callback_on_writable(r->wsi);
	return 0;
}

/* Logs a refused login: what kind of refusal and where from, never the name or password; and
 * counts it (a wrong name or password, or refused before any check). */
static void log_refused(ws *w, const http_req *r, const char *why)
{
	char quoted[80];

	if (strcmp(why, "wrong") == 0)
		w->stats.logins_wrong++;
	else
		w->stats.logins_refused++;

	log_event(LOG_INFO, "login-refused", "reason=%s address=%s", why,
		  log_value(r->peer, quoted, sizeof(quoted)));
}

/* 1 when the text holds a control byte, or a NUL before its end (%00 in the form). */
static int has_control(const char *text, int len)
{
	if (len < 0 || strlen(text) != (size_t)len)
		return 1;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

/* The password has been checked (on the loop, from hasher_collect): the session is made or the
 * failure counted, and the answer waits for the connection to be writeable. */
static void login_checked(void *ctx, void *owner, void *job)
{
	ws *w = ctx;
	http_req *r = owner;
	login_job *j = job;
	unsigned char token[USERS_TOKEN_BYTES];
	char text[USERS_TOKEN_TEXT], cookie[160], err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	users_login_result result;
	users_staff who;
	long long wait_ms;

	r->checking = NULL;
	log_request_resume(0, r->req);
	commit_batch(w);
	if (users_login_finish(w->cfg.users, &j->a, &result, token, &who, &wait_ms, err,
			       sizeof(err))) {
		log_event(LOG_ERROR, "login-unchecked", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
		answer_later(r, LOGIN_PAGE "?problem=server", NULL);
	} else if (result != USERS_LOGIN_OK) {
		log_refused(w, r, "wrong");
		if (j->a.ceiling)
			log_event(LOG_WARN, "login-ceiling", "failures_per_minute=%d",
				  USERS_CEILING_PER_MINUTE);
		answer_later(r, LOGIN_PAGE "?problem=wrong", NULL);
	} else {
		w->stats.logins_ok++;
		log_event(LOG_INFO, "login-ok", "user=%lld", who.id);
		users_token_encode(token, text);
		snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
			 cookie_name(w), text, cookie_secure(w) ? "; Secure" : "");
		answer_later(r, "/staff/", cookie);
	}
	sodium_memzero(token, sizeof(token));
	sodium_memzero(text, sizeof(text));
	sodium_memzero(cookie, sizeof(cookie));
	sodium_memzero(&who, sizeof(who));
	login_job_free(j);
	log_request_end();
}

/* The login form has come: refused at once (missing, odd input, a name or address that must
 * wait, too many checks at once) or its password goes to the hasher, whose answer comes back
 * through login_checked. The password leaves this function only in the job. */
static int staff_login(struct lws *wsi, ws *w, http_vhost *hv, http_req *r)
{
	const char *name = lws_spa_get_string(r->spa, FIELD_NAME);
	const char *password = lws_spa_get_string(r->spa, FIELD_PASSWORD);
	char err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	users_login_result result;
	long long wait_ms;
	login_job *j;
	int rc;

	if (!name || !password || !*name || !*password)
		return see_other(wsi, LOGIN_PAGE "?problem=missing", NULL);
	/* A NUL or control byte is nobody's name or password: never cut short and let in. */
	if (has_control(name, lws_spa_get_length(r->spa, FIELD_NAME)) ||
	    has_control(password, lws_spa_get_length(r->spa, FIELD_PASSWORD)) ||
	    strlen(password) > USERS_PASSWORD_MAX) {
		log_refused(w, r, "bad-input");
		return see_other(wsi, LOGIN_PAGE "?problem=wrong", NULL);
	}
	j = calloc(1, sizeof(*j));
	if (!j || !hv || !hv->h)
		goto busy;
	commit_batch(w);
	rc = users_login_begin(w->cfg.users, name, r->peer, &j->a, &result, &wait_ms, err,
			       sizeof(err));
	if (rc < 0) {
		log_event(LOG_ERROR, "login-unchecked", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
		login_job_free(j);
		return see_other(wsi, LOGIN_PAGE "?problem=server", NULL);
	}
	if (rc == 0) {
		log_refused(w, r, "wait");
		login_job_free(j);
		return see_other(wsi, LOGIN_PAGE "?problem=slow-down", NULL);
	}
	snprintf(j->password, sizeof(j->password), "%s", password);
	if (hasher_submit(hv->h, j, r))
		goto busy;
	r->checking = hv->h;
	return 0; /* login_checked answers */
busy:
	log_refused(w, r, "busy");
	login_job_free(j);
	return see_other(wsi, LOGIN_PAGE "?problem=slow-down", NULL);
}

static int staff_logout(struct lws *wsi, ws *w, http_req *r)
{
	char cookie[128];

	if (r->has_token)
		users_logout(w->cfg.users, r->token);
	log_event(LOG_INFO, "logout", "had_session=%s", r->has_token ? "yes" : "no");
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

/* 1 when the form comes from this server's own page: Host is ours, and Sec-Fetch-Site says
 * same-origin, or Origin is ours, or (neither sent) Referer is a page of ours. A form posted from
 * another site (cross-site request forgery), or from nowhere a browser would say, is refused. */
static int form_from_our_page(const ws *w, struct lws *wsi)
{
	char host[256], v[512];
	const char *o;
	size_t hl;

	if (!origin_ok(w, wsi)) /* Host is ours, and Origin, when sent, is too */
		return 0;
	if (lws_hdr_custom_copy(wsi, v, sizeof(v), "sec-fetch-site:", 15) > 0)
		return strcmp(v, "same-origin") == 0;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0)
		return 1;
	if (lws_hdr_copy(wsi, v, sizeof(v), WSI_TOKEN_HTTP_REFERER) <= 0 ||
	    lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		return 0;
	o = strstr(v, "://");
	hl = strlen(host);
	return o && (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0) &&
	       strncmp(o + 3, host, hl) == 0 && (o[3 + hl] == '/' || o[3 + hl] == '\0');
}

/* How big the form says it is: 0 when it fits, HTTP_STATUS_REQ_ENTITY_TOO_LARGE when it says it
 * is bigger than a form of ours can be, HTTP_STATUS_LENGTH_REQUIRED when it does not say (sent in
 * chunks: browsers send a form's length, and chunked bodies are not read here). */
static unsigned int form_size_refusal(struct lws *wsi)
{
	char v[32];

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0 ||
	    lws_hdr_copy(wsi, v, sizeof(v), WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
		return HTTP_STATUS_LENGTH_REQUIRED;
	return strtoull(v, NULL, 10) > FORM_MAX_BYTES ? HTTP_STATUS_REQ_ENTITY_TOO_LARGE : 0;
}

/* The request has come (headers only): which route, and whether to hear its form at all. */
static int http_request(struct lws *wsi, ws *w, http_req *r)
{
	unsigned int refusal;
	char uri[64] = "";

	memset(r, 0, sizeof(*r));
	r->wsi = wsi;
	r->req = log_request_begin(0);
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI) > 0 ||
	    lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0)
		log_event(LOG_DEBUG, "http", "path=%s",
			  strcmp(uri, "/healthz") == 0 || strcmp(uri, "/metrics") == 0 ||
				  strcmp(uri, "/staff/auth/login") == 0 ||
				  strcmp(uri, "/staff/auth/logout") == 0 ||
				  strcmp(uri, "/kiosk/enrol") == 0
			      ? uri
			      : "other");
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
		client_address(w, wsi, r->peer, sizeof(r->peer));
		if (!form_from_our_page(w, wsi)) {
			log_refused(w, r, "not-our-page");
			r->route = ROUTE_NONE;
			return http_status(wsi, HTTP_STATUS_FORBIDDEN);
		}
		if ((refusal = form_size_refusal(wsi)) != 0) {
			log_refused(w, r, "too-big");
			r->route = ROUTE_NONE;
			return http_status(wsi, refusal);
		}
		r->has_token = staff_cookie(w, wsi, r->token) == 0;
		return 0; /* the form follows */
	}
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0 &&
	    strcmp(uri, "/metrics") == 0)
		return http_metrics(wsi, w);
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0 &&
	    strcmp(uri, "/healthz") == 0) {
		http_vhost *hv =
		    lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi));

		return healthz(wsi, w, hv && hv->h ? hasher_in_flight(hv->h) : 0);
	}
	if (strncmp(uri, "/staff/auth", 11) == 0 || strncmp(uri, "/kiosk/enrol", 12) == 0 ||
	    strncmp(uri, "/metrics", 8) == 0)
		return http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED);
	return http_status(wsi, HTTP_STATUS_NOT_FOUND);
}

/* A piece of the form: counted (a form bigger than ours gets 413 and the connection closes,
 * whether its size was announced or not) and parsed. */
static int http_body(struct lws *wsi, ws *w, http_req *r, const void *in, size_t len)
{
	if (!r->route || r->too_big)
		return -1;
	r->body_bytes += len;
	if (r->body_bytes > FORM_MAX_BYTES) {
		r->too_big = 1;
		log_refused(w, r, "too-big");
		lws_return_http_status(wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, NULL);
		return -1;
	}
	if (!r->spa) {
		r->spa = r->route == ROUTE_ENROL
			     ? lws_spa_create(wsi, enrol_fields, LWS_ARRAY_SIZE(enrol_fields), 128,
					      NULL, NULL)
			     : lws_spa_create(wsi, form_fields, LWS_ARRAY_SIZE(form_fields),
					      FORM_MAX_BYTES, NULL, NULL);
		if (!r->spa)
			return -1;
	}
	return lws_spa_process(r->spa, in, (int)len) ? -1 : 0;
}

/* The whole form has come. */
static int http_body_done(struct lws *wsi, ws *w, http_req *r)
{
	http_vhost *hv = lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi));
	const char *pw;
	int rc;

	if (!r->route || r->too_big)
		return -1;
	if (r->spa)
		lws_spa_finalize(r->spa);
	if (r->route == ROUTE_ENROL)
		return kiosk_enrol(wsi, w, r);
	if (r->route == ROUTE_LOGIN)
		rc = r->spa ? staff_login(wsi, w, hv, r)
			    : see_other(wsi, LOGIN_PAGE "?problem=missing", NULL);
	else
		rc = staff_logout(wsi, w, r);
	/* The form's copy of the password is the parser's: wiped before it is freed. */
	pw = r->spa ? lws_spa_get_string(r->spa, FIELD_PASSWORD) : NULL;
	if (pw)
		sodium_memzero((char *)pw, strlen(pw));
	sodium_memzero(r->token, sizeof(r->token));
	return rc;
}

/* The request is over (answered, or the browser went away): its password check, if any, is
 * forgotten, and what it held is wiped. */
static void http_req_end(http_req *r)
{
	if (r->checking)
		hasher_cancel(r->checking, r);
	r->checking = NULL;
	if (r->spa) {
		lws_spa_destroy(r->spa);
		r->spa = NULL;
	}
	sodium_memzero(r->token, sizeof(r->token));
	sodium_memzero(r->cookie, sizeof(r->cookie));
	r->answer_ready = 0;
}

/* /healthz, /metrics, the staff login and logout forms (POST /staff/auth/login,
 * /staff/auth/logout), and a kiosk's enrolment (POST /kiosk/enrol). */
static int http_route(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		      size_t len)
{
	ws *w = lws_context_user(lws_get_context(wsi));
	http_req *r = user;
	http_vhost *hv;
	int rc;

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
		hv = lws_protocol_vh_priv_zalloc(lws_get_vhost(wsi), lws_get_protocol(wsi),
						 sizeof(*hv));
		if (!hv)
			return -1;
		hv->h = hasher_new(HASHER_THREADS, HASHES_IN_FLIGHT, login_job_check,
				   login_job_free, wake_loop, lws_get_context(wsi));
		return hv->h ? 0 : -1;

	case LWS_CALLBACK_PROTOCOL_DESTROY:
		hv = lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi));
		if (hv) {
			hasher_free(hv->h);
			hv->h = NULL;
		}
		return 0;

	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: /* a password check may be done */
		hv = lws_protocol_vh_priv_get(lws_get_vhost(wsi), lws_get_protocol(wsi));
		if (hv && hv->h && w)
			hasher_collect(hv->h, login_checked, w);
		return 0;

	case LWS_CALLBACK_HTTP:
		return http_request(wsi, w, r);

	case LWS_CALLBACK_HTTP_BODY:
		return http_body(wsi, w, r, in, len);

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return http_body_done(wsi, w, r);

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!r || !r->answer_ready)
			break;
		r->answer_ready = 0;
		rc = see_other(wsi, r->location, r->cookie[0] ? r->cookie : NULL);
		sodium_memzero(r->cookie, sizeof(r->cookie));
		return rc;

	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (r)
			http_req_end(r);
		break;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* The routes, each request's log lines under its id (log.h). */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	http_req *r = user;
	int in_request = reason == LWS_CALLBACK_HTTP || reason == LWS_CALLBACK_HTTP_BODY ||
			 reason == LWS_CALLBACK_HTTP_BODY_COMPLETION ||
			 reason == LWS_CALLBACK_HTTP_WRITEABLE;
	int rc;

	if (in_request && r && r->req)
		log_request_resume(0, r->req);
	rc = http_route(wsi, reason, user, in, len);
	if (in_request)
		log_request_end();
	return rc;
}
