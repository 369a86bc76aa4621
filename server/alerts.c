/* alerts: the duty team told of a flag, through the outbox (alerts.h). */
#include "alerts.h"

#include "alerts_send.h"
#include "err.h"
#include "log.h"
#include "store_alerts.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define BATCH	      8	  /* alerts handed to the delivery thread at once */
#define URL_MAX	      512 /* an option's URL */
#define ADDRESS_MAX   320 /* an email address (RFC 5321's longest path) */
#define TOKEN_MAX     512
#define BACKOFF_FIRST 30000LL
#define BACKOFF_MAX   (30LL * 60 * 1000)

static const char *const kind_names[] = {"safeguarding", "advocacy", "review"};
#define NKINDS (sizeof(kind_names) / sizeof(*kind_names))

enum { IDLE, HANDED, FINISHED }; /* whose the jobs are: the loop's, the thread's, the loop's */

typedef struct alert_job {
	long long id;
	int tries;
	char kind[16];
	char channel[8];
	char *payload; /* the whole email, or the webhook's JSON; NULL: this way is not set up */
	int ok;
	char why[ALERTS_REASON_LEN];
} alert_job;

struct alerts {
	char *smtp, *from, *to, *webhook;
	char token[TOKEN_MAX + 1];
	int has_token;
	unsigned kinds; /* bit k: kind_names[k] alerts */
	char link_base[URL_MAX + 64];
	const content *c;
	store *st;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;
	atomic_int stop;
	alert_job jobs[BATCH];
	int njobs;
};

/* ---- the configuration ---- */

int alerts_configured(const alerts_config *cfg)
{
	return cfg->smtp || cfg->webhook;
}

static int kind_index(const char *name, size_t len)
{
	for (size_t k = 0; k < NKINDS; k++)
		if (strlen(kind_names[k]) == len && strncmp(kind_names[k], name, len) == 0)
			return (int)k;
	return -1;
}

/* "safeguarding,review" -> bits; -1 for a name that is no kind of flag. */
static int parse_kinds(const char *list, unsigned *bits)
{
	*bits = 0;
	if (!list)
		list = "safeguarding";
	while (*list) {
		size_t n = strcspn(list, ",");
		int k = kind_index(list, n);

		if (k < 0 || (list[n] == ',' && !list[n + 1]))
			return -1;
		*bits |= 1u << k;
		list += n + (list[n] == ',');
	}
	return *bits ? 0 : -1;
}

/* Printable ASCII with no space: nothing that could break a header or a command. */
static int plain_text(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '<' || s[i] == '>' || s[i] == '"')
			return 0;
	return 1;
}

static int address_ok(const char *a, size_t n)
{
	char one[ADDRESS_MAX + 1];
	const char *at;

	if (n == 0 || n > ADDRESS_MAX)
		return 0;
	memcpy(one, a, n);
	one[n] = '\0';
	at = strchr(one, '@');
	return plain_text(one, ADDRESS_MAX) && at && at != one && at[1] && !strchr(at + 1, '@') &&
	       !strchr(one, ',');
}

static int addresses_ok(const char *list)
{
	while (*list) {
		size_t n = strcspn(list, ",");

		if (!address_ok(list, n) || (list[n] == ',' && !list[n + 1]))
			return 0;
		list += n + (list[n] == ',');
	}
	return 1;
}

/* scheme://host... with a host, printable and not too long. */
static int url_ok(const char *url, const char *const *schemes)
{
	const char *rest = NULL;

	if (!plain_text(url, URL_MAX))
		return 0;
	for (; *schemes && !rest; schemes++)
		if (strncmp(url, *schemes, strlen(*schemes)) == 0)
			rest = url + strlen(*schemes);
	return rest && *rest && *rest != '/' && *rest != ':' && !strchr(url, '#');
}

static int loopback_url(const char *url)
{
	static const char *const hosts[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};

	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
		size_t n = strlen(hosts[i]);

		if (strncmp(url, hosts[i], n) == 0 && (url[n] == ':' || url[n] == '/' || !url[n]))
			return 1;
	}
	return 0;
}

/* The token's one line, from a file the server's user alone may read. */
static int read_token(const char *path, char out[TOKEN_MAX + 1], char *err, size_t errlen)
{
	struct stat sb;
	FILE *f = NULL;
	int rc = -1;
	size_t n;

	if (stat(path, &sb) != 0 || !(f = fopen(path, "r"))) {
		err_set(err, errlen, "--alert-webhook-token-file: cannot read %s", path);
		goto out;
	}
	if (sb.st_mode & 077) {
		err_set(err, errlen,
			"--alert-webhook-token-file: other users can read %s (mode %03o). Make it "
			"the server's user's alone: chmod 600 %s",
			path, (unsigned)(sb.st_mode & 0777), path);
		goto out;
	}
	if (!fgets(out, TOKEN_MAX + 1, f)) {
		err_set(err, errlen, "--alert-webhook-token-file: %s is empty", path);
		goto out;
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (!plain_text(out, TOKEN_MAX)) {
		err_set(err, errlen,
			"--alert-webhook-token-file: the first line of %s must be the token alone "
			"(1 to %d letters, digits or signs, no spaces)",
			path, TOKEN_MAX);
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	return rc;
}

static int check_email(const alerts_config *cfg, char *err, size_t errlen)
{
	static const char *const smtp[] = {"smtp://", "smtps://", NULL};

	if (!cfg->smtp)
		return cfg->from || cfg->to ? err_set(err, errlen,
						      "--alert-from and --alert-to go with "
						      "--alert-smtp (the council's mail relay)")
					    : 0;
	if (!url_ok(cfg->smtp, smtp))
		return err_set(err, errlen,
			       "--alert-smtp: '%s' is not a mail relay's address. Write "
			       "smtp://relay.council.gov.uk:25 (STARTTLS when the relay offers "
			       "it) or smtps://relay.council.gov.uk:465",
			       cfg->smtp);
	if (!cfg->from || !address_ok(cfg->from, strlen(cfg->from)))
		return err_set(err, errlen,
			       "--alert-from: give the address alerts come from, such as "
			       "planaloud@council.gov.uk");
	if (!cfg->to || !addresses_ok(cfg->to))
		return err_set(err, errlen,
			       "--alert-to: give the duty team's addresses, separated by commas, "
			       "such as duty@council.gov.uk,manager@council.gov.uk");
	return 0;
}

static int check_webhook(const alerts_config *cfg, char *token, char *err, size_t errlen)
{
	static const char *const web[] = {"https://", "http://", NULL};

	if (!cfg->webhook)
		return cfg->token_file ? err_set(err, errlen,
						 "--alert-webhook-token-file goes with "
						 "--alert-webhook")
				       : 0;
	if (!url_ok(cfg->webhook, web) ||
	    (strncmp(cfg->webhook, "http://", 7) == 0 && !loopback_url(cfg->webhook)))
		return err_set(err, errlen,
			       "--alert-webhook: '%s' is not a webhook address. Write "
			       "https://hooks.council.gov.uk/... (plain http:// only to this "
			       "machine)",
			       cfg->webhook);
	return cfg->token_file ? read_token(cfg->token_file, token, err, errlen) : 0;
}

static int check_config(const alerts_config *cfg, char *token, char *err, size_t errlen)
{
	static const char *const web[] = {"https://", "http://", NULL};
	unsigned bits;

	if (check_email(cfg, err, errlen) || check_webhook(cfg, token, err, errlen))
		return -1;
	if (parse_kinds(cfg->kinds, &bits))
		return err_set(err, errlen,
			       "--alert-kinds: '%s' is not a list of flags. Write one or more of "
			       "safeguarding, advocacy and review, separated by commas",
			       cfg->kinds);
	if (cfg->kinds && !alerts_configured(cfg))
		return err_set(err, errlen,
			       "--alert-kinds says which flags send an alert: give --alert-smtp or "
			       "--alert-webhook too");
	if (cfg->public_url && !url_ok(cfg->public_url, web))
		return err_set(err, errlen,
			       "--public-url: '%s' is not the address staff use, such as "
			       "https://plans.council.gov.uk",
			       cfg->public_url);
	return 0;
}

int alerts_config_check(const alerts_config *cfg, char *err, size_t errlen)
{
	char token[TOKEN_MAX + 1];
	int rc = check_config(cfg, token, err, errlen);

	memset(token, 0, sizeof(token));
	return rc;
}

/* ---- the messages ---- */

int alerts_link(const alerts *a, long long plan, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/staff/#plan/%lld", a->link_base, plan);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static void link_base(alerts *a, const alerts_config *cfg)
{
	size_t n;

	if (cfg->public_url)
		snprintf(a->link_base, sizeof(a->link_base), "%s", cfg->public_url);
	else if (cfg->host && cfg->tls && cfg->port != 443)
		snprintf(a->link_base, sizeof(a->link_base), "https://%s:%d", cfg->host, cfg->port);
	else if (cfg->host) /* HTTPS itself on 443, or a TLS proxy in front */
		snprintf(a->link_base, sizeof(a->link_base), "https://%s", cfg->host);
	else
		snprintf(a->link_base, sizeof(a->link_base), "%s://localhost:%d",
			 cfg->tls ? "https" : "http", cfg->port);
	n = strlen(a->link_base);
	while (n && a->link_base[n - 1] == '/')
		a->link_base[--n] = '\0';
}

static void iso_ms(long long ms, char out[40])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, 40, "?");
		return;
	}
	strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A message of the content with its blanks filled ("" when it is missing). malloc'd or NULL. */
static char *words(const alerts *a, const char *name, const char *const *kv)
{
	char *t = content_message(a->c, name) ? content_fill(a->c, name, kv) : strdup("");

	/* **bold** marks are for the kiosk's page: an email is plain text */
	for (char *p = t ? strstr(t, "**") : NULL; p; p = strstr(p, "**"))
		memmove(p, p + 2, strlen(p + 2) + 1);
	return t;
}

/* The words every alert says: subject, what happened, the link, its number. */
typedef struct alert_words {
	char *subject, *body, *link_line, *id_line;
	char link[URL_MAX + 128], id[64], raised[40];
} alert_words;

static void words_release(alert_words *w)
{
	free(w->subject);
	free(w->body);
	free(w->link_line);
	free(w->id_line);
}

static int words_make(const alerts *a, const store_alert *al, alert_words *w)
{
	char plan[32], name[64], means[80];
	const char *kind, *meaning;

	memset(w, 0, sizeof(*w));
	snprintf(plan, sizeof(plan), "%lld", al->plan);
	snprintf(name, sizeof(name), "staff.flag.%s", al->kind);
	snprintf(means, sizeof(means), "staff.flag.%s.means", al->kind);
	kind = content_message(a->c, name) ? content_message(a->c, name) : al->kind;
	meaning = content_message(a->c, means) ? content_message(a->c, means) : "";
	/* the id joins the row's number to when it was made, so that another server's alert 7
	 * is never taken for a repeat of this one's */
	snprintf(w->id, sizeof(w->id), "planaloud-alert-%lld-%lld", al->id, al->created_ms);
	iso_ms(al->created_ms, w->raised);
	if (alerts_link(a, al->plan, w->link, sizeof(w->link)))
		return -1;
	w->subject =
	    words(a, "alert.subject", (const char *const[]){"kind", kind, "plan", plan, NULL});
	w->body =
	    words(a, "alert.body",
		  (const char *const[]){"plan", plan, "means", meaning, "raised", w->raised, NULL});
	w->link_line = words(a, "alert.link", (const char *const[]){"link", w->link, NULL});
	w->id_line = words(a, "alert.id", (const char *const[]){"id", w->id, NULL});
	return w->subject && w->body && w->link_line && w->id_line ? 0 : -1;
}

static char *email_text(const alerts *a, const store_alert *al, const alert_words *w)
{
	time_t t = (time_t)(al->created_ms / 1000);
	char date[64], *out;
	struct tm tm;
	size_t len;
	const char *domain = strchr(a->from, '@') + 1;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	len = strlen(a->from) + strlen(a->to) + strlen(w->subject) + strlen(w->body) +
	      strlen(w->link_line) + strlen(w->id_line) + 2 * strlen(w->id) + strlen(domain) + 512;
	out = malloc(len);
	if (out)
		snprintf(out, len,
			 "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
			 "Message-ID: <%s@%s>\r\nX-Plan-Aloud-Alert: %s\r\n"
			 "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n\r\n%s\r\n\r\n%s\r\n",
			 date, a->from, a->to, w->subject, w->id, domain, w->id, w->body,
			 w->link_line, w->id_line);
	return out;
}

static char *webhook_json(const store_alert *al, const alert_words *w)
{
	cJSON *o = cJSON_CreateObject();
	char *out = NULL;

	if (o && cJSON_AddStringToObject(o, "id", w->id) &&
	    cJSON_AddStringToObject(o, "kind", al->kind) &&
	    cJSON_AddNumberToObject(o, "plan", (double)al->plan) &&
	    cJSON_AddStringToObject(o, "raised", w->raised) &&
	    cJSON_AddStringToObject(o, "link", w->link) &&
	    cJSON_AddStringToObject(o, "text", w->subject))
		out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

/* ---- the delivery thread ---- */

static void deliver(alerts *a, alert_job *j)
{
	alerts_route r = {a->smtp, a->from, a->to, a->webhook, a->has_token ? a->token : NULL};

	if (!j->payload) {
		snprintf(j->why, sizeof(j->why),
			 "Alerts by %s are not set up now (see --alert-%s): it waits until they "
			 "are.",
			 j->channel, strcmp(j->channel, "email") == 0 ? "smtp" : "webhook");
		j->ok = 0;
		return;
	}
	j->ok = strcmp(j->channel, "email") == 0
		    ? alerts_send_email(&r, j->payload, &a->stop, j->why) == 0
		    : alerts_send_webhook(&r, j->payload, &a->stop, j->why) == 0;
}

static void *delivery_thread(void *p)
{
	alerts *a = p;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!atomic_load(&a->stop) && a->state != HANDED)
			pthread_cond_wait(&a->cv, &a->mu);
		if (atomic_load(&a->stop))
			break;
		pthread_mutex_unlock(&a->mu);
		for (int i = 0; i < a->njobs; i++)
			deliver(a, &a->jobs[i]);
		pthread_mutex_lock(&a->mu);
		a->state = FINISHED;
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* ---- the loop's side ---- */

long long alerts_backoff_ms(int tries)
{
	long long wait = BACKOFF_FIRST;

	for (int i = 1; i < tries && wait < BACKOFF_MAX; i++)
		wait *= 2;
	return wait < BACKOFF_MAX ? wait : BACKOFF_MAX;
}

static void clear_jobs(alerts *a)
{
	for (int i = 0; i < a->njobs; i++)
		free(a->jobs[i].payload);
	memset(a->jobs, 0, sizeof(a->jobs));
	a->njobs = 0;
}

static void record(alerts *a, const alert_job *j, long long now_ms)
{
	char quoted[2 * ALERTS_REASON_LEN];

	if (j->ok) {
		if (store_alert_sent(a->st, j->id, now_ms) < 0)
			log_event(LOG_ERROR, "alert-not-recorded", "id=%lld", j->id);
		else
			log_event(LOG_INFO, "alert-sent", "id=%lld kind=%s channel=%s tries=%d",
				  j->id, j->kind, j->channel, j->tries + 1);
		return;
	}
	if (store_alert_failed(a->st, j->id, j->why, now_ms + alerts_backoff_ms(j->tries + 1)) < 0)
		log_event(LOG_ERROR, "alert-not-recorded", "id=%lld", j->id);
	log_event(LOG_WARN, "alert-failed", "id=%lld kind=%s channel=%s tries=%d reason=%s", j->id,
		  j->kind, j->channel, j->tries + 1, log_value(j->why, quoted, sizeof(quoted)));
}

static void add_job(void *ctx, const store_alert *al)
{
	alerts *a = ctx;
	alert_job *j;
	alert_words w = {0};
	int email = strcmp(al->channel, "email") == 0;

	if (a->njobs >= BATCH)
		return;
	j = &a->jobs[a->njobs++];
	j->id = al->id;
	j->tries = al->tries;
	snprintf(j->kind, sizeof(j->kind), "%s", al->kind);
	snprintf(j->channel, sizeof(j->channel), "%s", al->channel);
	if ((email ? a->smtp != NULL : a->webhook != NULL) && words_make(a, al, &w) == 0)
		j->payload = email ? email_text(a, al, &w) : webhook_json(al, &w);
	words_release(&w);
}

void alerts_turn(alerts *a, long long now_ms)
{
	int state;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	state = a->state;
	pthread_mutex_unlock(&a->mu);
	if (state == HANDED)
		return;
	for (int i = 0; state == FINISHED && i < a->njobs; i++)
		record(a, &a->jobs[i], now_ms);
	clear_jobs(a);
	if (store_alerts_due(a->st, now_ms, BATCH, add_job, a) < 0)
		log_event(LOG_ERROR, "alert-outbox-unread", NULL);
	pthread_mutex_lock(&a->mu);
	a->state = a->njobs ? HANDED : IDLE;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

int alerts_tells(const alerts *a, const char *kind)
{
	int k = kind ? kind_index(kind, strlen(kind)) : -1;

	return a && k >= 0 && (a->kinds & (1u << k));
}

int alerts_by(const alerts *a, const char *channel)
{
	if (!a)
		return 0;
	return strcmp(channel, "email") == 0 ? a->smtp != NULL : a->webhook != NULL;
}

int alerts_queue(alerts *a, long long plan, const char *kind, long long now_ms)
{
	if (!alerts_tells(a, kind))
		return 0;
	if (a->smtp && store_alert_queue(a->st, plan, kind, "email", now_ms))
		return -1;
	if (a->webhook && store_alert_queue(a->st, plan, kind, "webhook", now_ms))
		return -1;
	return 0;
}

/* ---- open and close ---- */

static int copy(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? -1 : 0;
}

alerts *alerts_open(const alerts_config *cfg, const content *c, store *st, long long now_ms,
		    char *err, size_t errlen)
{
	alerts *a = calloc(1, sizeof(*a));

	if (!a) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->c = c;
	a->st = st;
	if (check_config(cfg, a->token, err, errlen))
		goto fail;
	a->has_token = cfg->token_file != NULL;
	parse_kinds(cfg->kinds, &a->kinds);
	link_base(a, cfg);
	if (copy(&a->smtp, cfg->smtp) || copy(&a->from, cfg->from) || copy(&a->to, cfg->to) ||
	    copy(&a->webhook, cfg->webhook)) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	if (alerts_send_init()) {
		err_set(err, errlen, "the alerts could not start libcurl");
		goto fail;
	}
	/* a restart is often the fix (a relay's address corrected): try everything waiting now */
	if (store_alerts_all_due(st, now_ms)) {
		alerts_send_cleanup();
		err_set(err, errlen, "cannot read the alerts outbox");
		goto fail;
	}
	if (pthread_create(&a->thread, NULL, delivery_thread, a) != 0) {
		alerts_send_cleanup();
		err_set(err, errlen, "cannot start the alerts' delivery thread");
		goto fail;
	}
	a->started = 1;
	return a;
fail:
	alerts_close(a);
	return NULL;
}

void alerts_close(alerts *a)
{
	struct timespec now;

	if (!a)
		return;
	if (a->started) {
		pthread_mutex_lock(&a->mu);
		atomic_store(&a->stop, 1);
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
		alerts_send_cleanup();
		/* what was delivered before the stop is recorded, so that it is not sent again */
		clock_gettime(CLOCK_REALTIME, &now);
		for (int i = 0; a->state == FINISHED && i < a->njobs; i++)
			record(a, &a->jobs[i],
			       (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	}
	clear_jobs(a);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a->smtp);
	free(a->from);
	free(a->to);
	free(a->webhook);
	memset(a->token, 0, sizeof(a->token));
	free(a);
}
