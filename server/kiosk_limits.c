/* kiosk_limits: how fast codes may be guessed and plans started without a code. Each is counted
 * per address, or per enrolled kiosk (a device token a council's admin issued, devices.h), and
 * for everyone together; a limit reached is logged once, with the key, the count and the window:
 * never a code, never a person's words. */
#include "kiosk_int.h"

#include "devices.h"
#include "log.h"

#include <stdio.h>
#include <time.h>

#define CONNECTION_FREE_TRIES 3 /* wrong codes on one connection before it must wait */
#define CONNECTION_WAIT_MAX   300
#define KEY_LEN		      64
#define QUOTED_LEN	      (KEY_LEN + 8)

int kiosk_limits_open(kiosk *p)
{
	const kiosk_config *cfg = &p->cfg;

	p->lim = limiter_new(cfg->address_failures, cfg->address_window);
	if (!p->lim)
		return -1;
	if (cfg->codes_overall > 0 &&
	    !(p->codes_all = limiter_new_overall(cfg->codes_overall, KIOSK_CODES_WINDOW)))
		return -1;
	if (cfg->new_plans_per_address > 0 &&
	    !(p->plans_addr = limiter_new(cfg->new_plans_per_address, KIOSK_NEW_PLAN_WINDOW)))
		return -1;
	if (cfg->new_plans_per_kiosk > 0 &&
	    !(p->plans_kiosk = limiter_new(cfg->new_plans_per_kiosk, KIOSK_NEW_PLAN_WINDOW)))
		return -1;
	if (cfg->new_plans_per_hour > 0 &&
	    !(p->plans_all = limiter_new_overall(cfg->new_plans_per_hour, KIOSK_NEW_PLAN_WINDOW)))
		return -1;
	return 0;
}

void kiosk_limits_close(kiosk *p)
{
	limiter_free(p->lim);
	limiter_free(p->codes_all);
	limiter_free(p->plans_addr);
	limiter_free(p->plans_kiosk);
	limiter_free(p->plans_all);
	p->lim = p->codes_all = p->plans_addr = p->plans_kiosk = p->plans_all = NULL;
}

/* 1 when a and b count the same limits. */
static int same_limits(const kiosk_config *a, const kiosk_config *b)
{
	return a->address_failures == b->address_failures &&
	       a->address_window == b->address_window && a->codes_overall == b->codes_overall &&
	       a->new_plans_per_address == b->new_plans_per_address &&
	       a->new_plans_per_kiosk == b->new_plans_per_kiosk &&
	       a->new_plans_per_hour == b->new_plans_per_hour;
}

int kiosk_set_config(kiosk *p, const kiosk_config *cfg)
{
	kiosk_config was = p->cfg;
	limiter *old[5] = {p->lim, p->codes_all, p->plans_addr, p->plans_kiosk, p->plans_all};

	p->cfg = *cfg;
	if (same_limits(&was, cfg))
		return 0;
	p->lim = p->codes_all = p->plans_addr = p->plans_kiosk = p->plans_all = NULL;
	if (kiosk_limits_open(p)) {
		kiosk_limits_close(p);
		p->cfg = was;
		p->lim = old[0];
		p->codes_all = old[1];
		p->plans_addr = old[2];
		p->plans_kiosk = old[3];
		p->plans_all = old[4];
		return -1;
	}
	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++)
		limiter_free(old[i]);
	p->codes_all_said = p->plans_all_said = 0;
	return 0;
}

void kiosk_session_device(kiosk_session *s, const unsigned char *token)
{
	if (!token)
		return;
	devices_hash(token, s->device_hash);
	s->has_device = 1;
}

/* The key the session's limits count under: "kiosk:<id>" while its kiosk is enrolled (asked
 * afresh each time, so a revoked kiosk falls back at once), else its address. */
static const char *limit_key(kiosk_session *s, char out[KEY_LEN], int *enrolled)
{
	long long id;

	*enrolled = s->has_device && devices_find(s->p->st, s->device_hash, &id) == 0;
	if (!*enrolled)
		return s->addr;
	snprintf(out, KEY_LEN, "kiosk:%lld", id);
	return out;
}

/* One line when a key reaches its own limit. */
static void say_reached(const char *event, const char *key, const char *counted, const limiter *l)
{
	char quoted[QUOTED_LEN];

	log_event(LOG_WARN, event, "key=%s %s=%d window_s=%d",
		  log_value(key, quoted, sizeof(quoted)), counted, limiter_max(l),
		  limiter_window(l));
}

/* One line when everyone together reaches an overall budget, at most once a window. */
static void say_budget(const char *event, const char *counted, const limiter *l, time_t now,
		       time_t *said)
{
	if (*said && now - *said < limiter_window(l) && now >= *said)
		return;
	*said = now;
	log_event(LOG_WARN, event, "%s=%d window_s=%d", counted, limiter_max(l), limiter_window(l));
}

/* Seconds this session must wait before its next guess (0: none); with overall, past the overall
 * budget every guess waits, except an enrolled kiosk's: it has its own count, and a flood from
 * elsewhere must not lock the library's kiosks out. */
static int guess_wait(kiosk_session *s, int overall)
{
	char buf[KEY_LEN];
	time_t now = time(NULL);
	int enrolled, wait;
	const char *key = limit_key(s, buf, &enrolled);

	if (now < s->wait_until)
		wait = (int)(s->wait_until - now);
	else if ((wait = limiter_wait(s->p->lim, key, now)) <= 0)
		wait = overall && s->p->codes_all && !enrolled
			   ? limiter_wait(s->p->codes_all, key, now)
			   : 0;
	if (wait > 0)
		s->p->stats.limited++;
	return wait;
}

/* A wrong guess: counted for the connection, its address or kiosk, and (overall) everyone. */
static void guess_wrong(kiosk_session *s, int overall)
{
	kiosk *p = s->p;
	char buf[KEY_LEN];
	time_t now = time(NULL);
	int enrolled;
	const char *key = limit_key(s, buf, &enrolled);

	p->stats.wrong_codes++;
	if (limiter_fail(p->lim, key, now))
		say_reached("code-burst", key, "guesses", p->lim);
	if (overall && p->codes_all && limiter_fail(p->codes_all, key, now))
		say_budget("code-budget", "guesses", p->codes_all, now, &p->codes_all_said);
	if (++s->wrong_codes >= CONNECTION_FREE_TRIES) {
		int w = 5 << (s->wrong_codes - CONNECTION_FREE_TRIES < 6
				  ? s->wrong_codes - CONNECTION_FREE_TRIES
				  : 6);

		s->wait_until = now + (w < CONNECTION_WAIT_MAX ? w : CONNECTION_WAIT_MAX);
	}
}

int kiosk_guess_wait(kiosk_session *s)
{
	return guess_wait(s, 0);
}

void kiosk_guess_wrong(kiosk_session *s)
{
	guess_wrong(s, 0);
}

int kiosk_code_wait(kiosk_session *s)
{
	return guess_wait(s, 1);
}

void kiosk_code_wrong(kiosk_session *s)
{
	guess_wrong(s, 1);
}

int kiosk_new_plan_allowed(kiosk_session *s)
{
	kiosk *p = s->p;
	char buf[KEY_LEN];
	time_t now = time(NULL);
	int enrolled;
	const char *key = limit_key(s, buf, &enrolled);
	limiter *own = enrolled ? p->plans_kiosk : p->plans_addr;

	if ((own && limiter_wait(own, key, now) > 0) ||
	    (p->plans_all && !enrolled && limiter_wait(p->plans_all, key, now) > 0)) {
		p->stats.limited++;
		return -1;
	}
	return 0;
}

void kiosk_new_plan_counted(kiosk_session *s)
{
	kiosk *p = s->p;
	char buf[KEY_LEN];
	time_t now = time(NULL);
	int enrolled;
	const char *key = limit_key(s, buf, &enrolled);
	limiter *own = enrolled ? p->plans_kiosk : p->plans_addr;

	if (own && limiter_fail(own, key, now))
		say_reached("new-plan-limit", key, "plans", own);
	if (p->plans_all && limiter_fail(p->plans_all, key, now))
		say_budget("new-plan-budget", "plans", p->plans_all, now, &p->plans_all_said);
}
