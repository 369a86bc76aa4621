#include "app.h"

#include "content.h"
#include "demo.h"
#include "languages.h"
#include "err.h"
#include "log.h"
#include "narrate.h"
#include "notify.h"
#include "metrics.h"
#include "path.h"
#include "probe.h"
#include "staff.h"
#include "store.h"
#include "voices.h"
#include "ws.h"

#include <errno.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Synthesised audio kept under the data folder, for each language offered: one language's fixed
 * texts for two voices take about 170 to 260 MB (docs/performance.md, "Languages"). */
#define AUDIO_CACHE_BYTES_PER_LANGUAGE ((size_t)320 << 20)

struct app {
	const app_config *cfg;
	languages *langs;
	const content *c; /* English, of langs: the staff pages' and the alerts' */
	voices *vs;
	/* The content and voices a reload replaced: kept until app_close, as open sessions and
	 * narrations in flight may still hold their words. */
	languages **old_c;
	voices **old_vs;
	size_t nold;
	unsigned char key[CODE_KEY_BYTES];
	store *st;
	users *accounts;
	kiosk *proto;
	staff *workspace;
	ws *server;
	narrator *nar;
	metrics *stats; /* what /metrics shows (probe.c says what) */
	probe *probe;
	retention_config retain;
	long long retention_at; /* when the retention schedule's next turn is (monotonic s) */
	alerts *alerts;		/* NULL: no alerts set up */
	int has_demo;
	app_demo demo;
	char warning[512];
};

/* The kiosk's news for staff (kiosk_set_news), handed to their open pages. */
static void tell_staff(void *workspace, long long plan, const char *what)
{
	staff_live_tell(workspace, plan, what);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return err_set(err, errlen, "cannot make the data folder %s: %s", path, strerror(errno));
}

/* The content in every language and the voices, checked. */
static int load_content(const app_config *cfg, languages **c, voices **vs, char *err, size_t errlen)
{
	char pictures[PATH_LEN], why[1024];

	if (path_join(pictures, sizeof(pictures), cfg->web, "pictures", err, errlen))
		return -1;
	*c = languages_load(cfg->easyread, cfg->languages, pictures, why, sizeof(why));
	if (!*c)
		return err_set(err, errlen, "the easy-read content has a problem:\n  %s", why);
	if (!languages_find(*c, cfg->lang)) {
		languages_free(*c);
		*c = NULL;
		return err_set(err, errlen,
			       "--lang %s: there is no such language in %s (or --languages leaves "
			       "it out)",
			       cfg->lang, cfg->easyread);
	}
	*vs = voices_load(cfg->voices, why, sizeof(why));
	if (!*vs) {
		languages_free(*c);
		*c = NULL;
		return err_set(err, errlen, "the voice files have a problem:\n  %s", why);
	}
	return 0;
}

/* "58 pages in 9 parts, in 8 languages; 2 voices" */
static void say_loaded(char *out, size_t outlen, const languages *l, const voices *vs)
{
	const content *c = languages_reference(l);

	snprintf(out, outlen, "%zu pages in %zu parts, in %zu language%s; %zu voices",
		 content_page_count(c), content_part_count(c), languages_count(l),
		 languages_count(l) == 1 ? "" : "s", voices_count(vs));
}

int app_check_content(const app_config *cfg, char *summary, size_t summarylen, char *err,
		      size_t errlen)
{
	languages *c = NULL;
	voices *vs = NULL;

	if (load_content(cfg, &c, &vs, err, errlen))
		return -1;
	say_loaded(summary, summarylen, c, vs);
	voices_free(vs);
	languages_free(c);
	return 0;
}

/* The secret key and the database under the data folder. */
static int open_data(app *a, const app_config *cfg, char *err, size_t errlen)
{
	char path[PATH_LEN], why[STORE_ERR_LEN];
	unsigned char id[STORE_KEY_ID_BYTES];
	int mine;

	if (make_dir(cfg->data, err, errlen) ||
	    path_join(path, sizeof(path), cfg->data, "secret.key", err, errlen) ||
	    code_key_load(path, a->key, err, errlen) ||
	    path_join(path, sizeof(path), cfg->data, "planaloud.db", err, errlen))
		return -1;
	a->st = store_open(path, why, sizeof(why));
	if (!a->st)
		return err_set(err, errlen, "cannot open the database %s: %s", path, why);
	code_key_id(a->key, id);
	mine = store_key_id_check(a->st, id, why, sizeof(why));
	if (mine < 0)
		return err_set(err, errlen, "cannot open the database %s: %s", path, why);
	if (mine)
		return err_set(err, errlen,
			       "the secret key in %s is not the one this database was made with, "
			       "so no plan code would open its plan. Put back the secret.key that "
			       "belongs to it (a restore keeps the one it replaced as "
			       "secret.key.before-restore-...). Nothing was changed.",
			       cfg->data);
	a->accounts = users_new(a->st);
	if (!a->accounts)
		return err_set(err, errlen, "out of memory");
	return 0;
}

static int make_demo(app *a, char *err, size_t errlen)
{
	char why[STORE_ERR_LEN];
	int real;

	if (demo_real_staff(a->accounts, &real))
		return err_set(err, errlen, "cannot read the staff users to check --demo");
	if (real > 0)
		return err_set(err, errlen,
			       "--demo is refused: this database has %d real staff user%s. The "
			       "demo would add an example plan to it. Nothing was changed. Start "
			       "without --demo, or give --demo a new --data folder.",
			       real, real == 1 ? "" : "s");
	/* The caseworker first: the demo invitation is theirs. */
	if (demo_staff(a->accounts, a->demo.caseworker_password, a->demo.manager_password, why,
		       sizeof(why)))
		return err_set(err, errlen, "cannot make the demo staff users: %s", why);
	if (demo_invite(a->st, a->c, a->key, a->demo.code, why, sizeof(why)))
		return err_set(err, errlen, "cannot make the demo invitation: %s", why);
	if (code_numbers(a->c, a->demo.code, a->demo.numbers))
		return err_set(err, errlen, "cannot write the demo code in numbers");
	a->has_demo = 1;
	return 0;
}

/* The synthesis thread's wake-up: the loop then collects the narration. */
static void wake_loop(void *w)
{
	ws_wake(w);
}

/* Narration moves half a megabyte of audio per text through malloc. By default glibc maps such
 * blocks fresh and hands emptied heap back to the system, so every text's memory was faulted in
 * page by page again, on the loop: twenty cached texts asked for at once took 30 ms to send.
 * Kept (blocks under 32 MiB from the heap, and up to 128 MiB of free heap kept), it took 2 ms
 * (docs/performance.md). The price: memory once used for audio stays the server's. */
static void keep_heap(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

/* Narration is optional: without it pages work and say so when someone presses Listen. */
static void start_narration(app *a, const app_config *cfg)
{
	char path[PATH_LEN], why[256];

	keep_heap();
	if (path_join(path, sizeof(path), cfg->data, "audio", why, sizeof(why)) == 0)
		a->nar = narrator_open(a->vs, path,
				       AUDIO_CACHE_BYTES_PER_LANGUAGE * languages_count(a->langs),
				       wake_loop, a->server, why, sizeof(why));
	if (!a->nar) {
		snprintf(a->warning, sizeof(a->warning), "narration is off: %s", why);
		return;
	}
	kiosk_set_narrator(a->proto, a->nar);
	if (cfg->read_ahead_all)
		kiosk_read_ahead_all(a->proto);
	kiosk_prerender(a->proto);
}

/* The retention schedule's turn: a batch of plans whose time is up, logged with counts only;
 * soon again while there may be more, else in an hour. */
static long long retention_job(void *ctx)
{
	app *a = ctx;
	retention_counts n;
	char err[STORE_ERR_LEN], quoted[STORE_ERR_LEN + 8];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (retention_run(a->st, &a->retain, (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000,
			  RETENTION_BATCH, &n, err, sizeof(err))) {
		log_event(LOG_ERROR, "retention-failed", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
		return RETENTION_EVERY_S;
	}
	if (n.drafts || n.closed)
		log_event(LOG_INFO, "retention-erased", "drafts=%d closed=%d", n.drafts, n.closed);
	return n.more ? 1 : RETENTION_EVERY_S;
}

/* The watchdog's ping: the loop is turning. */
static long long watchdog_job(void *ctx)
{
	(void)ctx;
	notify_alive();
	return notify_alive_every_s();
}

static long long realtime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static long long monotonic_s(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec;
}

/* The loop's one job: the alerts' turn every second (when they are set up), and the retention
 * schedule's when it is due. */
static long long app_tick(void *ctx)
{
	app *a = ctx;
	long long now = monotonic_s();

	if (now >= a->retention_at)
		a->retention_at = now + retention_job(a);
	if (!a->alerts)
		return a->retention_at - now;
	alerts_turn(a->alerts, realtime_ms());
	return 1;
}

/* The duty team's alerts, when set up: the link to a plan needs the port the server has. */
static int start_alerts(app *a, const app_config *cfg, char *err, size_t errlen)
{
	alerts_config ac = cfg->alerts;

	if (!alerts_configured(&ac))
		return 0;
	ac.host = cfg->host;
	ac.tls = cfg->tls_cert != NULL;
	ac.port = ws_port(a->server);
	a->alerts = alerts_open(&ac, a->c, a->st, realtime_ms(), err, errlen);
	if (!a->alerts)
		return -1;
	kiosk_set_alerts(a->proto, a->alerts);
	staff_set_alerts(a->workspace, a->alerts);
	return 0;
}

#ifndef PLANALOUD_VERSION
#define PLANALOUD_VERSION "unknown"
#endif

/* What the admins' health page shows of the running server (staff.h). */
static void health_of(void *ctx, staff_health *out)
{
	app *a = ctx;

	out->version = PLANALOUD_VERSION;
	ws_connections(a->server, &out->connections, &out->websockets);
}

app *app_open(const app_config *cfg, char *err, size_t errlen)
{
	app *a = calloc(1, sizeof(*a));
	ws_config wcfg;

	if (!a) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	/* a mistake in the alerts' options stops the start before anything is made */
	if (alerts_config_check(&cfg->alerts, err, errlen) ||
	    load_content(cfg, &a->langs, &a->vs, err, errlen) ||
	    !(a->c = languages_reference(a->langs)) || open_data(a, cfg, err, errlen) ||
	    (cfg->demo && make_demo(a, err, errlen)))
		goto fail;
	a->proto = kiosk_new(a->c, a->st, a->key, &cfg->kiosk, ws_io());
	if (a->proto && kiosk_set_languages(a->proto, a->langs, cfg->lang)) {
		kiosk_free(a->proto);
		a->proto = NULL;
	}
	a->workspace = a->proto ? staff_new(a->c, a->st, a->accounts, a->key, ws_io()) : NULL;
	if (a->workspace)
		staff_set_languages(a->workspace, a->langs);
	a->stats = metrics_new();
	if (!a->workspace || !a->stats) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	/* What a person does that staff must see at once reaches their open pages. */
	staff_set_live_send(a->workspace, ws_news_send());
	kiosk_set_news(a->proto, tell_staff, a->workspace);
	wcfg = (ws_config){.listen = cfg->listen,
			   .port = cfg->port,
			   .web_dir = cfg->web,
			   .host = cfg->host,
			   .proto = a->proto,
			   .st = a->st,
			   .staff = a->workspace,
			   .users = a->accounts,
			   .secure_cookies = cfg->secure_cookies,
			   .tls_cert = cfg->tls_cert,
			   .tls_key = cfg->tls_key,
			   .redirect_port = cfg->redirect_port,

			   .trusted_proxy = cfg->trusted_proxy,
			   .max_connections = cfg->max_connections,
			   .max_connections_per_address = cfg->max_connections_per_address,
			   .timeout_seconds = cfg->timeout_seconds,
			   .metrics = a->stats,
			   .metrics_allow = cfg->metrics_allow,
			   .metrics_token_file = cfg->metrics_token_file};
	a->server = ws_new(&wcfg, err, errlen);
	if (!a->server)
		goto fail;
	a->cfg = cfg;
	a->retain = cfg->retain;
	if (start_alerts(a, cfg, err, errlen))
		goto fail;
	if (ws_every(a->server, 0, app_tick, a) ||
	    (notify_alive_every_s() > 0 && ws_every(a->server, 0, watchdog_job, a))) {
		err_set(err, errlen, "too many jobs for the server's loop");
		goto fail;
	}
	staff_set_health(a->workspace, health_of, a);
	start_narration(a, cfg);
	a->probe = probe_new(
	    a->stats,
	    &(probe_sources){.server = a->server, .proto = a->proto, .nar = a->nar, .st = a->st});
	if (!a->probe) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	return a;
fail:
	app_close(a, NULL, 0);
	return NULL;
}

const char *app_warning(const app *a)
{
	return a->warning[0] ? a->warning : NULL;
}

int app_port(const app *a)
{
	return ws_port(a->server);
}

int app_redirect_port(const app *a)
{
	return ws_redirect_port(a->server);
}

const app_demo *app_demo_made(const app *a)
{
	return a->has_demo ? &a->demo : NULL;
}

void app_forget_demo(app *a)
{
	sodium_memzero(&a->demo, sizeof(a->demo));
	a->has_demo = 0;
}

/* The new content must have the pages of the old, in the same order and of the same kinds, and
 * the same code words: open sessions hold a page's place, and codes already given are read with
 * the words. The same languages too: open pages offer them. (Each translation has English's
 * shape, so comparing English is enough.) */
static int same_journey(const languages *was_l, const languages *now_l, char *err, size_t errlen)
{
	const content *was = languages_reference(was_l), *now = languages_reference(now_l);
	size_t n = content_page_count(was);

	if (languages_count(was_l) != languages_count(now_l))
		return err_set(err, errlen,
			       "there are %zu languages now, and %zu before: adding or "
			       "removing a language needs a restart",
			       languages_count(now_l), languages_count(was_l));
	for (size_t i = 0; i < languages_count(was_l); i++)
		if (strcmp(content_lang(languages_at(was_l, i)),
			   content_lang(languages_at(now_l, i))))
			return err_set(err, errlen,
				       "the languages have changed: that needs a restart");

	if (content_page_count(now) != n)
		return err_set(err, errlen,
			       "there are %zu pages now, and %zu before: adding or removing pages "
			       "needs a restart",
			       content_page_count(now), n);
	for (size_t i = 0; i < n; i++) {
		const content_page *p = content_page_at(was, i), *q = content_page_at(now, i);

		if (strcmp(p->id, q->id) != 0 || p->kind != q->kind)
			return err_set(err, errlen,
				       "page %zu is '%s' now, and was '%s': moving pages or "
				       "changing their kind needs a restart",
				       i + 1, q->id, p->id);
	}
	n = content_codeword_count(was);
	if (content_codeword_count(now) != n)
		return err_set(err, errlen, "the code words have changed: that needs a restart");
	for (size_t i = 0; i < n; i++)
		if (strcmp(content_codeword(was, i), content_codeword(now, i)) != 0)
			return err_set(err, errlen,
				       "the code words have changed: that needs a restart");
	return 0;
}

/* The same voices by name, in the same order: open kiosk pages offer them. */
static int same_voices(const voices *was, const voices *now, char *err, size_t errlen)
{
	if (voices_count(now) != voices_count(was))
		return err_set(err, errlen,
			       "there are %zu voices now, and %zu before: adding or removing "
			       "voices needs a restart",
			       voices_count(now), voices_count(was));
	for (size_t i = 0; i < voices_count(was); i++)
		if (strcmp(voices_at(was, i)->name, voices_at(now, i)->name) != 0)
			return err_set(err, errlen,
				       "voice %zu is '%s' now, and was '%s': renaming or moving "
				       "voices needs a restart",
				       i + 1, voices_at(now, i)->name, voices_at(was, i)->name);
	return 0;
}

/* Room to keep the content and voices a reload replaces. */
static int make_room(app *a)
{
	languages **c = realloc(a->old_c, (a->nold + 1) * sizeof(*c));
	voices **vs;

	if (!c)
		return -1;
	a->old_c = c;
	vs = realloc(a->old_vs, (a->nold + 1) * sizeof(*vs));
	if (!vs)
		return -1;
	a->old_vs = vs;
	return 0;
}

int app_reload(app *a, char *summary, size_t summarylen, char *err, size_t errlen)
{
	languages *c = NULL;
	voices *vs = NULL;
	int rc = -1;

	if (load_content(a->cfg, &c, &vs, err, errlen) || same_journey(a->langs, c, err, errlen) ||
	    same_voices(a->vs, vs, err, errlen))
		goto out;
	if (make_room(a) || kiosk_set_languages(a->proto, c, a->cfg->lang)) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	staff_set_languages(a->workspace, c);
	if (a->nar)
		narrator_set_voices(a->nar, vs);
	a->old_c[a->nold] = a->langs;
	a->old_vs[a->nold++] = a->vs;
	a->langs = c;
	a->c = languages_reference(c);
	a->vs = vs;
	c = NULL;
	vs = NULL;
	say_loaded(summary, summarylen, a->langs, a->vs);
	rc = 0;
out:
	voices_free(vs);
	languages_free(c);
	return rc;
}

int app_set_settings(app *a, const app_config *cfg, char *err, size_t errlen)
{
	ws_config edge = {.trusted_proxy = cfg->trusted_proxy,
			  .max_connections_per_address = cfg->max_connections_per_address,
			  .metrics_allow = cfg->metrics_allow,
			  .metrics_token_file = cfg->metrics_token_file};

	/* the edge first: a token file that cannot be read is the likeliest refusal */
	if (ws_set_edge(a->server, &edge, err, errlen))
		return -1;
	if (kiosk_set_config(a->proto, &cfg->kiosk))
		return err_set(err, errlen, "out of memory");
	/* a changed schedule runs at the loop's next turn, not up to an hour later */
	if (cfg->retain.drafts_days != a->retain.drafts_days ||
	    cfg->retain.closed_years != a->retain.closed_years)
		a->retention_at = monotonic_s();
	a->retain = cfg->retain;
	return 0;
}

int app_run(app *a, volatile sig_atomic_t *stop)
{
	return ws_run(a->server, stop);
}

void app_wake(app *a)
{
	ws_wake(a->server);
}

int app_close(app *a, char *err, size_t errlen)
{
	int rc = 0;

	if (!a)
		return 0;
	/* The synthesis thread wakes the loop: stop it before the loop goes. */
	if (a->proto)
		kiosk_set_narrator(a->proto, NULL);
	narrator_close(a->nar);
	if (a->proto)
		kiosk_set_alerts(a->proto, NULL);
	if (a->workspace)
		staff_set_alerts(a->workspace, NULL);
	alerts_close(a->alerts);
	ws_free(a->server);
	probe_free(a->probe);
	metrics_free(a->stats);
	if (a->proto && kiosk_flush(a->proto, err, errlen))
		rc = -1;
	kiosk_free(a->proto);
	staff_free(a->workspace);
	users_free(a->accounts);
	store_close(a->st);
	voices_free(a->vs);
	languages_free(a->langs);
	for (size_t i = 0; i < a->nold; i++) {
		voices_free(a->old_vs[i]);
		languages_free(a->old_c[i]);
	}
	free(a->old_vs);
	free(a->old_c);
	sodium_memzero(a, sizeof(*a));
	free(a);
	return rc;
}
