/* settings: the settings read again on SIGHUP (settings.h). */
#include "settings.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_KEYS 512 /* bytes for a list of key names */

struct settings {
	const options *start; /* what the server started with: what a restart would change */
	const options *now;   /* the settings last read: the start's, or the last reload's */
	options **read;	      /* every options a reload took: borrowed by the app until the end */
	size_t nread;
	const char *share;
	int argc;
	char **argv;
};

/* The keys whose change is applied while the server runs: the kiosk's, its limits, the
 * retention schedule, the log level, the trusted proxies, the connections per address and who
 * may read /metrics (app_set_settings). */
static const char *const live_keys[] = {"log-level",
					"idle-seconds",
					"warn-seconds",
					"headphones",
					"keyboard",
					"switch-keys",
					"wrong-codes-per-address",
					"wrong-codes-overall",
					"new-plans-per-address",
					"new-plans-per-kiosk",
					"new-plans-per-hour",
					"retain-drafts-days",
					"retain-closed-years",
					"trusted-proxy",
					"max-connections-per-address",
					"metrics-allow",
					"metrics-token-file"};

int settings_live(const char *key)
{
	for (size_t i = 0; i < sizeof(live_keys) / sizeof(live_keys[0]); i++)
		if (strcmp(key, live_keys[i]) == 0)
			return 1;
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Adds name to the comma-separated list (n bytes); a name that does not fit is left out. */
static void add_name(char *list, size_t n, const char *name)
{
	size_t len = strlen(list);

	if (len + strlen(name) + 2 <= n)
		snprintf(list + len, n - len, "%s%s", len ? "," : "", name);
}

int settings_compare(const options *was, const options *now, char *changed, size_t n, char *restart,
		     size_t m)
{
	int needs = 0;

	changed[0] = restart[0] = '\0';
	for (int i = 0; options_name(i) && i < OPTIONS_MAX; i++) {
		if (same_text(was->given[i], now->given[i]))
			continue;
		add_name(changed, n, options_name(i));
		if (!settings_live(options_name(i))) {
			add_name(restart, m, options_name(i));
			needs++;
		}
	}
	return needs;
}

settings *settings_new(const options *start, const char *share, int argc, char **argv)
{
	settings *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->start = s->now = start;
	s->share = share;
	s->argc = argc;
	s->argv = argv;
	return s;
}

/* The log level in use. */
static log_level current_level(void)
{
	log_level l = LOG_DEBUG;

	while (l < LOG_ERROR && !log_enabled(l))
		l++;
	return l;
}

/* Reads the settings afresh into a new options (the log level as the file and command line say,
 * the default when neither does). NULL, with the reason in err, when they are wrong. */
static options *read_again(settings *s, char *err, size_t errlen)
{
	options *o = malloc(sizeof(*o));

	if (!o || options_init(o, s->share)) {
		snprintf(err, errlen, "out of memory");
		free(o);
		return NULL;
	}
	log_set_level(LOG_INFO);
	if (options_parse(o, s->argc, s->argv, err, errlen) == 0)
		return o;
	if (!err[0])
		snprintf(err, errlen, "the command line cannot be read again");
	options_release(o);
	free(o);
	return NULL;
}

/* Keeps o until settings_free. 0, or -1 when memory runs out. */
static int keep(settings *s, options *o)
{
	options **r = realloc(s->read, (s->nread + 1) * sizeof(*r));

	if (!r)
		return -1;
	s->read = r;
	s->read[s->nread++] = o;
	return 0;
}

/* Refused: the settings in use stay, the log level too (was). */
static int refused(const char *why, log_level was, char *status, size_t n)
{
	char quoted[1024];

	log_set_level(was);
	log_event(LOG_WARN, "reload-refused", "settings=kept reason=%s",
		  log_value(why, quoted, sizeof(quoted)));
	snprintf(status, n, "Settings not reloaded: see the log");
	return -1;
}

int settings_reload(settings *s, app *a, char *status, size_t n)
{
	char err[1024] = "", changed[STATUS_KEYS], restart[STATUS_KEYS], unused[STATUS_KEYS];
	log_level was = current_level();
	options *o = read_again(s, err, sizeof(err));
	int needs;

	if (!o)
		return refused(err, was, status, n);
	if (keep(s, o)) {
		options_release(o);
		free(o);
		return refused("out of memory", was, status, n);
	}
	/* o stays kept even when refused: part of it may be borrowed if memory ran out halfway */
	if (app_set_settings(a, &o->app, err, sizeof(err)))
		return refused(err, was, status, n);
	/* changed since the last reload; waiting for a restart: what differs from the start's */
	settings_compare(s->now, o, changed, sizeof(changed), unused, sizeof(unused));
	needs = settings_compare(s->start, o, unused, sizeof(unused), restart, sizeof(restart));
	s->now = o;
	log_event(LOG_INFO, "settings-reloaded", "changed=%s", changed[0] ? changed : "none");
	if (needs) {
		log_event(LOG_WARN, "reload-needs-restart", "keys=%s", restart);
		snprintf(status, n, "Settings reloaded; restart to apply: %s", restart);
	} else {
		snprintf(status, n, "Settings reloaded");
	}
	return 0;
}

void settings_free(settings *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nread; i++) {
		options_release(s->read[i]);
		free(s->read[i]);
	}
	free(s->read);
	free(s);
}
