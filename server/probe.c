/* probe: the server's metrics, by name, and where each is read. */
#include "probe.h"
#include "store_alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct probe {
	probe_sources src;
	long long started_s; /* the process's start, wall clock */
	long long read_at; /* when the database's figures were last read (monotonic s; 0: never) */
	int read_failed;
	long long plans[PLAN_STATUS_COUNT];
	long long flags[STORE_FLAG_KINDS];
	long long db_bytes;
	long long backup_at_ms; /* the last good backup's time; 0: none yet */
	long long alerts_pending, alerts_failed;
};

static long long monotonic_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec;
}

/* The last good backup's time into p->backup_at_ms (0 when none). 0, or -1. */
static int last_backup(probe *p)
{
	store_backup_row row;
	int rc = store_last_backup(p->src.st, 1, &row);

	p->backup_at_ms = rc == 0 ? row.at_ms : 0;
	return rc < 0 ? -1 : 0;
}

/* The database's figures, read again when they are older than PROBE_DB_EVERY_S. 0, or -1. */
static int db_figures(probe *p)
{
	long long now = monotonic_s();

	if (p->read_at && now - p->read_at < PROBE_DB_EVERY_S)
		return p->read_failed ? -1 : 0;
	p->read_at = now ? now : 1;
	p->read_failed = store_caseload_counts(p->src.st, p->plans) ||
			 store_open_flag_counts(p->src.st, p->flags) ||
			 store_size(p->src.st, &p->db_bytes) || last_backup(p) ||
			 store_alert_counts(p->src.st, &p->alerts_pending, &p->alerts_failed);
	return p->read_failed ? -1 : 0;
}

static int read_plans(void *ctx, metrics_out *o)
{
	probe *p = ctx;
	char labels[64];

	if (db_figures(p))
		return -1;
	for (int i = 0; i < PLAN_STATUS_COUNT; i++) {
		snprintf(labels, sizeof(labels), "status=\"%s\"", plan_status_name((plan_status)i));
		if (metrics_put(o, labels, (double)p->plans[i]))
			return -1;
	}
	return 0;
}

static int read_flags(void *ctx, metrics_out *o)
{
	probe *p = ctx;
	char labels[64];

	if (db_figures(p))
		return -1;
	for (size_t i = 0; i < STORE_FLAG_KINDS; i++) {
		snprintf(labels, sizeof(labels), "kind=\"%s\"", store_flag_kind(i));
		if (metrics_put(o, labels, (double)p->flags[i]))
			return -1;
	}
	return 0;
}

static int read_db_bytes(void *ctx, metrics_out *o)
{
	probe *p = ctx;

	return db_figures(p) ? -1 : metrics_put(o, NULL, (double)p->db_bytes);
}

/* Seconds since the last good backup; nothing at all (no sample) before the first one, so an
 * alert rule can say "absent" as well as "too old". */
static int read_backup_age(void *ctx, metrics_out *o)
{
	probe *p = ctx;
	struct timespec now;
	double age;

	if (db_figures(p))
		return -1;
	if (!p->backup_at_ms)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	age = (double)now.tv_sec + (double)now.tv_nsec / 1e9 - (double)p->backup_at_ms / 1000.0;
	return metrics_put(o, NULL, age > 0 ? age : 0); /* a clock set back says "just now" */
}

static int read_alerts(void *ctx, metrics_out *o)
{
	probe *p = ctx;

	if (db_figures(p))
		return -1;
	if (metrics_put(o, "state=\"pending\"", (double)p->alerts_pending))
		return -1;
	return metrics_put(o, "state=\"failing\"", (double)p->alerts_failed);
}

static int read_connections(void *ctx, metrics_out *o)
{
	const ws_stats *st = ws_stats_of(((probe *)ctx)->src.server);
	long long http = st->open_tcp - st->open_kiosk - st->open_staff;

	if (metrics_put(o, "protocol=\"kiosk\"", (double)st->open_kiosk) ||
	    metrics_put(o, "protocol=\"staff\"", (double)st->open_staff))
		return -1;
	return metrics_put(o, "protocol=\"http\"", (double)(http > 0 ? http : 0));
}

static int read_queue(void *ctx, metrics_out *o)
{
	probe *p = ctx;
	size_t waiting = 0, running = 0;

	if (p->src.nar)
		narrator_queue(p->src.nar, &waiting, &running);
	if (metrics_put(o, "state=\"waiting\"", (double)waiting))
		return -1;
	return metrics_put(o, "state=\"running\"", (double)running);
}

static int read_start(void *ctx, metrics_out *o)
{
	return metrics_put(o, NULL, (double)((probe *)ctx)->started_s);
}

/* The counters the kiosk and the network keep. */
static int add_counters(metrics *m, const ws_stats *w, const kiosk_stats *k)
{
	return metrics_counter(m, "planaloud_connections_opened_total", "protocol=\"kiosk\"",
			       "Websockets opened since start, by protocol.", &w->opened_kiosk) ||
	       metrics_counter(m, "planaloud_connections_opened_total", "protocol=\"staff\"",
			       "Websockets opened since start, by protocol.", &w->opened_staff) ||
	       metrics_counter(m, "planaloud_tcp_connections_accepted_total", NULL,
			       "TCP connections accepted since start (HTTP and websockets).",
			       &w->accepted) ||
	       metrics_counter(m, "planaloud_saves_total", NULL,
			       "Changes people made that are durable on disk and acknowledged.",
			       &k->saves) ||
	       metrics_counter(m, "planaloud_commits_total", "result=\"ok\"",
			       "Batches of changes committed, or rolled back.", &k->commits) ||
	       metrics_counter(m, "planaloud_commits_total", "result=\"failed\"",
			       "Batches of changes committed, or rolled back.",
			       &k->commits_failed) ||
	       metrics_counter(m, "planaloud_wrong_codes_total", NULL,
			       "Plan codes (or resume tokens) typed or sent that were wrong.",
			       &k->wrong_codes) ||
	       metrics_counter(m, "planaloud_limited_total", NULL,
			       "Code guesses or new plans refused because a limit was reached.",
			       &k->limited) ||
	       metrics_counter(m, "planaloud_logins_total", "result=\"ok\"",
			       "Staff logins: let in, wrong name or password, refused before "
			       "checking (waits, odd forms).",
			       &w->logins_ok) ||
	       metrics_counter(m, "planaloud_logins_total", "result=\"wrong\"",
			       "Staff logins: let in, wrong name or password, refused before "
			       "checking (waits, odd forms).",
			       &w->logins_wrong) ||
	       metrics_counter(m, "planaloud_logins_total", "result=\"refused\"",
			       "Staff logins: let in, wrong name or password, refused before "
			       "checking (waits, odd forms).",
			       &w->logins_refused) ||
	       metrics_counter(m, "planaloud_metrics_refused_total", NULL,
			       "Requests for these metrics refused (403 or 401).",
			       &w->metrics_refused);
}

/* Narration: where the sound came from, what failed, how long the first audio took. */
static int add_narration(metrics *m, probe *p, const kiosk_stats *k)
{
	static const char cache_help[] =
	    "Narrations said before (cache hit) or synthesised for the request (miss).";
	static const char failed_help[] =
	    "Narrations with no sound: too much waiting for the voice (busy), or other.";

	return metrics_counter(m, "planaloud_narration_cache_total", "result=\"hit\"", cache_help,
			       &k->narrations_cached) ||
	       metrics_counter(m, "planaloud_narration_cache_total", "result=\"miss\"", cache_help,
			       &k->narrations_made) ||
	       metrics_counter(m, "planaloud_narrations_failed_total", "reason=\"busy\"",
			       failed_help, &k->narrations_busy) ||
	       metrics_counter(m, "planaloud_narrations_failed_total", "reason=\"other\"",
			       failed_help, &k->narrations_failed) ||
	       metrics_histogram_add(m, "planaloud_narration_first_audio_seconds", NULL,
				     "From a narrate request to its first audio sent.",
				     &k->first_audio_seconds) ||
	       metrics_reader(m, "planaloud_narration_queue", METRICS_GAUGE,
			      "Texts waiting for the voice, and being synthesised now.", read_queue,
			      p);
}

probe *probe_new(metrics *m, const probe_sources *src)
{
	probe *p = calloc(1, sizeof(*p));
	const ws_stats *w = ws_stats_of(src->server);
	const kiosk_stats *k = kiosk_stats_of(src->proto);

	if (!p)
		return NULL;
	p->src = *src;
	p->started_s = (long long)time(NULL);
	if (metrics_reader(m, "planaloud_connections", METRICS_GAUGE,
			   "Connections open now: kiosk and staff websockets, other HTTP.",
			   read_connections, p) ||
	    add_counters(m, w, k) ||
	    metrics_histogram_add(m, "planaloud_commit_duration_seconds", NULL,
				  "How long each batch's commit (its fsync) took.",
				  &k->commit_seconds) ||
	    metrics_histogram_add(m, "planaloud_batch_saves", NULL,
				  "Changes made durable together in one commit.",
				  &k->batch_saves) ||
	    add_narration(m, p, k) ||
	    metrics_reader(m, "planaloud_plans", METRICS_GAUGE, "Plans in each status.", read_plans,
			   p) ||
	    metrics_reader(m, "planaloud_open_flags", METRICS_GAUGE,
			   "Open flags for staff, by kind.", read_flags, p) ||
	    metrics_reader(m, "planaloud_database_bytes", METRICS_GAUGE,
			   "The database file's size (its pages).", read_db_bytes, p) ||
	    metrics_reader(m, "planaloud_backup_age_seconds", METRICS_GAUGE,
			   "Seconds since the last good backup (absent before the first).",
			   read_backup_age, p) ||
	    metrics_reader(
		m, "planaloud_alerts", METRICS_GAUGE,
		"Alerts to the duty team not yet delivered; failing: tried and failed at "
		"least once.",
		read_alerts, p) ||
	    metrics_reader(m, "process_start_time_seconds", METRICS_GAUGE,
			   "When the server started, in seconds since the Unix epoch.", read_start,
			   p)) {
		free(p);
		return NULL;
	}
	return p;
}

void probe_free(probe *p)
{
	free(p);
}
