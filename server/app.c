#include "app.h"

#include "content.h"
#include "demo.h"
#include "err.h"
#include "log.h"
#include "narrate.h"
#include "path.h"
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

#define AUDIO_CACHE_BYTES ((size_t)256 << 20) /* synthesised audio kept under the data folder */

struct app {
	content *c;
	voices *vs;
	unsigned char key[CODE_KEY_BYTES];
	store *st;
	users *accounts;
	kiosk *proto;
	staff *workspace;
	ws *server;
	narrator *nar;
	retention_config retain;
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

/* The content and the voices, checked. */
static int load_content(const app_config *cfg, content **c, voices **vs, char *err, size_t errlen)
{
	char pictures[PATH_LEN], why[1024];

	if (path_join(pictures, sizeof(pictures), cfg->web, "pictures", err, errlen))
		return -1;
	*c = content_load(cfg->easyread, cfg->lang, pictures, why, sizeof(why));
	if (!*c)
		return err_set(err, errlen, "the easy-read content has a problem:\n  %s", why);
	*vs = voices_load(cfg->voices, why, sizeof(why));
	if (!*vs) {
		content_free(*c);
		*c = NULL;
		return err_set(err, errlen, "the voice files have a problem:\n  %s", why);
	}
	return 0;
}

int app_check_content(const app_config *cfg, char *summary, size_t summarylen, char *err,
		      size_t errlen)
{
	content *c = NULL;
	voices *vs = NULL;

	if (load_content(cfg, &c, &vs, err, errlen))
		return -1;
	snprintf(summary, summarylen, "%zu pages in %zu parts; %zu voices", content_page_count(c),
		 content_part_count(c), voices_count(vs));
	voices_free(vs);
	content_free(c);
	return 0;
}

/* The secret key and the database under the data folder. */
static int open_data(app *a, const app_config *cfg, char *err, size_t errlen)
{
	char path[PATH_LEN], why[STORE_ERR_LEN];

	if (make_dir(cfg->data, err, errlen) ||
	    path_join(path, sizeof(path), cfg->data, "secret.key", err, errlen) ||
	    code_key_load(path, a->key, err, errlen) ||
	    path_join(path, sizeof(path), cfg->data, "planaloud.db", err, errlen))
		return -1;
	a->st = store_open(path, why, sizeof(why));
	if (!a->st)
		return err_set(err, errlen, "cannot open the database %s: %s", path, why);
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
		a->nar = narrator_open(a->vs, path, AUDIO_CACHE_BYTES, wake_loop, a->server, why,
				       sizeof(why));
	if (!a->nar) {
		snprintf(a->warning, sizeof(a->warning), "narration is off: %s", why);
		return;
	}
	kiosk_set_narrator(a->proto, a->nar);
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

app *app_open(const app_config *cfg, char *err, size_t errlen)
{
	app *a = calloc(1, sizeof(*a));
	ws_config wcfg;

	if (!a) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	if (load_content(cfg, &a->c, &a->vs, err, errlen) || open_data(a, cfg, err, errlen) ||
	    (cfg->demo && make_demo(a, err, errlen)))
		goto fail;
	a->proto = kiosk_new(a->c, a->st, a->key, &cfg->kiosk, ws_io());
	a->workspace = a->proto ? staff_new(a->c, a->st, a->accounts, a->key, ws_io()) : NULL;
	if (!a->workspace) {
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
			   .timeout_seconds = cfg->timeout_seconds};
	a->server = ws_new(&wcfg, err, errlen);
	if (!a->server)
		goto fail;
	a->retain = cfg->retain;
	ws_every(a->server, 0, retention_job, a);
	start_narration(a, cfg);
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
	ws_free(a->server);
	if (a->proto && kiosk_flush(a->proto, err, errlen))
		rc = -1;
	kiosk_free(a->proto);
	staff_free(a->workspace);
	users_free(a->accounts);
	store_close(a->st);
	voices_free(a->vs);
	content_free(a->c);
	sodium_memzero(a, sizeof(*a));
	free(a);
	return rc;
}
