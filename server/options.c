/* options: the one table of the server's options, read from the configuration file and the
 * command line (options.h). */
#include "options.h"

#include "cli_backup.h"
#include "err.h"
#include "limiter.h"
#include "log.h"
#include "peer.h"
#include "usage.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Says why a value was refused (what it must be, in plain words), and returns 1. */
static int refuse(options *o, const char *why)
{
	snprintf(o->why, sizeof(o->why), "%s", why);
	return 1;
}

/* A whole number from min to max into *out: 0; else 1, and o->why says the range. */
static int whole(options *o, const char *arg, int min, int max, int *out)
{
	if (parse_int(arg, min, max, out) == 0)
		return 0;
	snprintf(o->why, sizeof(o->why), "must be a whole number from %d to %d", min, max);
	return 1;
}

enum {
	O_PORT = 1,
	O_LISTEN,
	O_HOST,
	O_DATA,
	O_DEMO,
	O_WEB,
	O_EASYREAD,
	O_VOICES,
	O_LANG,
	O_LANGUAGES,
	O_READ_AHEAD,
	O_IDLE,
	O_WARN,
	O_CHECK,
	O_HELP,
	O_ROLE,
	O_SECURE,
	O_HEADPHONES,
	O_KEYBOARD,
	O_SWITCH_KEYS,
	O_TLS_CERT,
	O_TLS_KEY,
	O_REDIRECT_PORT,
	O_ALLOW_PLAIN,
	O_CODES_ADDRESS,
	O_CODES_OVERALL,
	O_PLANS_ADDRESS,
	O_PLANS_KIOSK,
	O_PLANS_HOUR,
	O_RETAIN_DRAFTS,
	O_RETAIN_CLOSED,
	O_TRUSTED_PROXY,
	O_MAX_CONNECTIONS,
	O_MAX_PER_ADDRESS,
	O_TIMEOUT,
	O_CONFIG,
	O_CHECK_CONFIG,
	O_METRICS_ALLOW,
	O_METRICS_TOKEN_FILE,
	O_LOG_LEVEL,
	O_KEEP,
	O_ALERT_SMTP,
	O_ALERT_FROM,
	O_ALERT_TO,
	O_ALERT_WEBHOOK,
	O_ALERT_TOKEN_FILE,
	O_ALERT_KINDS,
	O_PUBLIC_URL
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, O_PORT},
    {"listen", required_argument, NULL, O_LISTEN},
    {"host", required_argument, NULL, O_HOST},
    {"data", required_argument, NULL, O_DATA},
    {"demo", no_argument, NULL, O_DEMO},
    {"web", required_argument, NULL, O_WEB},
    {"easyread", required_argument, NULL, O_EASYREAD},
    {"voices", required_argument, NULL, O_VOICES},
    {"lang", required_argument, NULL, O_LANG},
    {"languages", required_argument, NULL, O_LANGUAGES},
    {"read-ahead", required_argument, NULL, O_READ_AHEAD},
    {"idle-seconds", required_argument, NULL, O_IDLE},
    {"warn-seconds", required_argument, NULL, O_WARN},
    {"check-content", no_argument, NULL, O_CHECK},
    {"help", no_argument, NULL, O_HELP},
    {"role", required_argument, NULL, O_ROLE},
    {"secure-cookies", no_argument, NULL, O_SECURE},
    {"headphones", required_argument, NULL, O_HEADPHONES},
    {"keyboard", required_argument, NULL, O_KEYBOARD},
    {"switch-keys", required_argument, NULL, O_SWITCH_KEYS},
    {"tls-cert", required_argument, NULL, O_TLS_CERT},
    {"tls-key", required_argument, NULL, O_TLS_KEY},
    {"redirect-port", required_argument, NULL, O_REDIRECT_PORT},
    {"allow-plain-http", no_argument, NULL, O_ALLOW_PLAIN},
    {"wrong-codes-per-address", required_argument, NULL, O_CODES_ADDRESS},
    {"wrong-codes-overall", required_argument, NULL, O_CODES_OVERALL},
    {"new-plans-per-address", required_argument, NULL, O_PLANS_ADDRESS},
    {"new-plans-per-kiosk", required_argument, NULL, O_PLANS_KIOSK},
    {"new-plans-per-hour", required_argument, NULL, O_PLANS_HOUR},
    {"retain-drafts-days", required_argument, NULL, O_RETAIN_DRAFTS},
    {"retain-closed-years", required_argument, NULL, O_RETAIN_CLOSED},
    {"trusted-proxy", required_argument, NULL, O_TRUSTED_PROXY},
    {"max-connections", required_argument, NULL, O_MAX_CONNECTIONS},
    {"max-connections-per-address", required_argument, NULL, O_MAX_PER_ADDRESS},
    {"timeout-seconds", required_argument, NULL, O_TIMEOUT},
    {"config", required_argument, NULL, O_CONFIG},
    {"check-config", no_argument, NULL, O_CHECK_CONFIG},
    {"metrics-allow", required_argument, NULL, O_METRICS_ALLOW},
    {"metrics-token-file", required_argument, NULL, O_METRICS_TOKEN_FILE},
    {"log-level", required_argument, NULL, O_LOG_LEVEL},
    {"keep", required_argument, NULL, O_KEEP},
    {"alert-smtp", required_argument, NULL, O_ALERT_SMTP},
    {"alert-from", required_argument, NULL, O_ALERT_FROM},
    {"alert-to", required_argument, NULL, O_ALERT_TO},
    {"alert-webhook", required_argument, NULL, O_ALERT_WEBHOOK},
    {"alert-webhook-token-file", required_argument, NULL, O_ALERT_TOKEN_FILE},
    {"alert-kinds", required_argument, NULL, O_ALERT_KINDS},
    {"public-url", required_argument, NULL, O_PUBLIC_URL},
    {NULL, 0, NULL, 0},
};

int options_init(options *o, const char *share)
{
	memset(o, 0, sizeof(*o));
	o->keep = -1;
	if (path_join(o->web, sizeof(o->web), share, "web", NULL, 0) ||
	    path_join(o->easyread, sizeof(o->easyread), share, "easyread", NULL, 0) ||
	    path_join(o->voices, sizeof(o->voices), share, "voices", NULL, 0))
		return -1;
	o->app = (app_config){.listen = "127.0.0.1",
			      .port = 8080,
			      .data = "data",
			      .lang = "en-GB",
			      .languages = "all",
			      .web = o->web,
			      .easyread = o->easyread,
			      .voices = o->voices,
			      .kiosk = {.idle_seconds = 120,
					.warn_seconds = 30,
					.address_failures = 20,
					.address_window = 600,
					.codes_overall = KIOSK_DEFAULT_CODES_OVERALL,
					.new_plans_per_address = KIOSK_DEFAULT_PLANS_PER_ADDRESS,
					.new_plans_per_kiosk = KIOSK_DEFAULT_PLANS_PER_KIOSK,
					.new_plans_per_hour = KIOSK_DEFAULT_PLANS_PER_HOUR},
			      .retain = {.drafts_days = RETENTION_DRAFT_DAYS,
					 .closed_years = RETENTION_CLOSED_YEARS}};
	return 0;
}

#define SWITCH_KEY_LEN 20 /* as view.h's VIEW_SWITCH_KEY_LEN */

/* "Space,Enter": 0 when keys is one or two key names (letters and digits, as the browser names
 * keys, up to SWITCH_KEY_LEN each), comma-separated and different; else -1. */
static int switch_keys_check(const char *keys)
{
	size_t first = strcspn(keys, ","), n = 0, len = strlen(keys);

	for (size_t i = 0; i < len; i++) {
		if (keys[i] == ',') {
			if (n == 0 || i != first)
				return -1;
			n = 0;
		} else if (!isalnum((unsigned char)keys[i]) || ++n > SWITCH_KEY_LEN) {
			return -1;
		}
	}
	if (n == 0)
		return -1;
	/* two keys that are the same key cannot tell moving from choosing */
	return first < len && len - first - 1 == first &&
		       strncmp(keys, keys + first + 1, first) == 0
		   ? -1
		   : 0;
}

/* 0 when list is addresses and ranges (peer.h); else o->why says which entry is wrong, and 1. */
static int address_list_check(options *o, const char *list)
{
	char err[160];
	peer_list *l = peer_list_new(list, err, sizeof(err));

	if (!l) {
		snprintf(o->why, sizeof(o->why), "must be addresses or ranges: %s", err);
		return 1;
	}
	peer_list_free(l);
	return 0;
}

/* --log-level: 0, or 1 for a name that is not a level. */
static int take_log_level(options *o, const char *arg)
{
	log_level level;

	if (log_level_parse(arg, &level)) {
		snprintf(o->why, sizeof(o->why), "must be debug, info, warn or error");
		return 1;
	}
	log_set_level(level);
	return 0;
}

/* An option that takes a whole number: 0; 1 for a value out of its range; -1 when opt is not
 * one of them. */
static int take_number(options *o, int opt, const char *arg)
{
	app_config *a = &o->app;

	switch (opt) {
	case O_PORT:
		return whole(o, arg, 0, 65535, &a->port);
	case O_IDLE:
		return whole(o, arg, 5, 86400, &a->kiosk.idle_seconds);
	case O_WARN:
		return whole(o, arg, 5, 600, &a->kiosk.warn_seconds);
	case O_REDIRECT_PORT:
		return whole(o, arg, 1, 65535, &a->redirect_port);
	case O_CODES_ADDRESS:
		return whole(o, arg, 1, LIMITER_KEY_MAX, &a->kiosk.address_failures);
	case O_CODES_OVERALL:
		return whole(o, arg, 0, LIMITER_ALL_MAX, &a->kiosk.codes_overall);
	case O_PLANS_ADDRESS:
		return whole(o, arg, 0, LIMITER_KEY_MAX, &a->kiosk.new_plans_per_address);
	case O_PLANS_KIOSK:
		return whole(o, arg, 0, LIMITER_KEY_MAX, &a->kiosk.new_plans_per_kiosk);
	case O_PLANS_HOUR:
		return whole(o, arg, 0, LIMITER_ALL_MAX, &a->kiosk.new_plans_per_hour);
	case O_MAX_CONNECTIONS:
		return whole(o, arg, 1, 1000000, &a->max_connections);
	case O_MAX_PER_ADDRESS:
		return whole(o, arg, 1, 1000000, &a->max_connections_per_address);
	case O_TIMEOUT:
		return whole(o, arg, 1, 3600, &a->timeout_seconds);
	case O_KEEP:
		return whole(o, arg, 1, 100000, &o->keep);
	case O_RETAIN_DRAFTS:
		return whole(o, arg, 0, 36500, &a->retain.drafts_days);
	case O_RETAIN_CLOSED:
		return whole(o, arg, 0, 100, &a->retain.closed_years);
	default:
		return -1;
	}
}

/* Where an option whose value is kept as it is (a path, a name, a URL) goes; NULL when opt is
 * not one of them. */
static const char **text_of(options *o, int opt)
{
	app_config *a = &o->app;

	switch (opt) {
	case O_TLS_CERT:
		return &a->tls_cert;
	case O_TLS_KEY:
		return &a->tls_key;
	case O_METRICS_TOKEN_FILE:
		return &a->metrics_token_file;
	case O_HOST:
		return &a->host;
	case O_DATA:
		return &a->data;
	case O_WEB:
		return &a->web;
	case O_EASYREAD:
		return &a->easyread;
	case O_VOICES:
		return &a->voices;
	case O_LANG:
		return &a->lang;
	case O_LANGUAGES:
		return &a->languages;
	case O_ROLE:
		return &o->role;
	case O_CONFIG:
		return &o->config_path;
	case O_ALERT_SMTP: /* the alerts' options are checked whole when the app opens */
		return &a->alerts.smtp;
	case O_ALERT_FROM:
		return &a->alerts.from;
	case O_ALERT_TO:
		return &a->alerts.to;
	case O_ALERT_WEBHOOK:
		return &a->alerts.webhook;
	case O_ALERT_TOKEN_FILE:
		return &a->alerts.token_file;
	case O_ALERT_KINDS:
		return &a->alerts.kinds;
	case O_PUBLIC_URL:
		return &a->alerts.public_url;
	default:
		return NULL;
	}
}

/* One option and its value (arg, borrowed from argv or the file). 0; 1 for a value that is not
 * valid (o->why may say why). */
static int take_option(options *o, int opt, const char *arg)
{
	app_config *a = &o->app;
	const char **text = text_of(o, opt);
	int rc = take_number(o, opt, arg);

	if (rc >= 0)
		return rc;
	if (text) {
		*text = arg;
		return 0;
	}
	switch (opt) {
	case O_ALLOW_PLAIN:
		o->allow_plain = 1;
		return 0;
	case O_TRUSTED_PROXY:
		a->trusted_proxy = arg;
		return address_list_check(o, arg);
	case O_METRICS_ALLOW:
		a->metrics_allow = arg;
		return address_list_check(o, arg);
	case O_LOG_LEVEL:
		return take_log_level(o, arg);
	case O_LISTEN:
		a->listen = strcmp(arg, "0.0.0.0") == 0 ? NULL : arg;
		return 0;
	case O_HEADPHONES:
		if (strcmp(arg, "yes") && strcmp(arg, "ask"))
			return refuse(o, "must be yes or ask");
		a->kiosk.headphones = strcmp(arg, "yes") == 0;
		return 0;
	case O_READ_AHEAD:
		if (strcmp(arg, "chosen") && strcmp(arg, "all"))
			return refuse(o, "must be chosen or all");
		a->read_ahead_all = strcmp(arg, "all") == 0;
		return 0;
	case O_KEYBOARD:
		if (strcmp(arg, "on") && strcmp(arg, "ask"))
			return refuse(o, "must be on or ask");
		a->kiosk.keyboard = strcmp(arg, "on") == 0;
		return 0;
	case O_SWITCH_KEYS:
		if (switch_keys_check(arg))
			return refuse(o, "must be one or two different key names, comma-separated, "
					 "such as Space,Enter");
		a->kiosk.switch_keys = arg;
		return 0;
	case O_DEMO:
		a->demo = 1;
		return 0;
	case O_CHECK:
		o->check_only = 1;
		return 0;
	case O_CHECK_CONFIG:
		o->check_config = 1;
		return 0;
	default: /* O_SECURE */
		a->secure_cookies = 1;
		return 0;
	}
}

/* ---- the file and the command line, through the table above ---- */

/* The keys that make no sense in a file: what to do now, the file itself, and user add's. */
static const char *const file_refuses[] = {"help",   "check-content", "check-config",
					   "config", "role",	      "keep"};

int options_file_refuses(const char *key)
{
	for (size_t i = 0; i < sizeof(file_refuses) / sizeof(file_refuses[0]); i++)
		if (strcmp(key, file_refuses[i]) == 0)
			return 1;
	return 0;
}

int options_secret(const char *key)
{
	static const char *const words[] = {"token", "password", "secret", "webhook"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(key, words[i]))
			return 1;
	return 0;
}

void options_show(const char *key, const char *value, char *out, size_t n)
{
	const char *scheme = strstr(value, "://"), *at, *slash;

	if (options_secret(key)) {
		snprintf(out, n, "(set; secret, not shown)");
		return;
	}
	at = scheme ? strchr(scheme + 3, '@') : NULL;
	slash = scheme ? strchr(scheme + 3, '/') : NULL;
	if (at && (!slash || at < slash))
		snprintf(out, n, "%.*s(hidden)%s", (int)(scheme + 3 - value), value, at);
	else
		snprintf(out, n, "%s", value);
}

static int table_size(void)
{
	int n = 0;

	while (long_options[n].name)
		n++;
	return n;
}

const char *options_name(int i)
{
	return i >= 0 && i < table_size() ? long_options[i].name : NULL;
}

int options_takes_value(int i)
{
	return i >= 0 && i < table_size() && long_options[i].has_arg != no_argument;
}

static int find_option(const char *key)
{
	for (int i = 0; long_options[i].name; i++)
		if (strcmp(long_options[i].name, key) == 0)
			return i;
	return -1;
}

/* Keeps where option i got its value: the value as written, and the file's line (0: the
 * command line). */
static void given(options *o, int i, const char *value, int line)
{
	if (i < OPTIONS_MAX) {
		o->given[i] = value;
		o->given_line[i] = line;
	}
}

/* Why option key refused a value: o->why, or a general reason. */
static const char *why_refused(const options *o)
{
	return o->why[0] ? o->why : "cannot take that value (planaloud --help says what it takes)";
}

/* The reason a value in the file was refused, after label (e.g. "planaloud.conf:12: 'port'"),
 * and the value, unless key's is a secret. Returns 2. */
static int bad_value(const options *o, const char *label, const char *key, const char *value,
		     char *err, size_t errlen)
{
	if (options_secret(key))
		err_set(err, errlen, "%s %s (its value is secret, so not shown here)", label,
			why_refused(o));
	else
		err_set(err, errlen, "%s %s, and it is '%s'", label, why_refused(o), value);
	return 2;
}

/* A key the table does not hold; with the one meant when only its case or underscores differ
 * (Idle_Seconds for idle-seconds). Returns 2. */
static int unknown_key(const char *where, const char *key, char *err, size_t errlen)
{
	char near[64];
	size_t n = 0;
	int i;

	for (; key[n] && n + 1 < sizeof(near); n++)
		near[n] = key[n] == '_' ? '-' : (char)tolower((unsigned char)key[n]);
	near[n] = '\0';
	i = find_option(near);
	if (i >= 0 && !options_file_refuses(near))
		err_set(err, errlen, "%s'%s' is not a setting of Plan Aloud: did you mean '%s'?",
			where, key, near);
	else
		err_set(err, errlen,
			"%s'%s' is not a setting of Plan Aloud: the keys are the options that "
			"planaloud --help lists, without their dashes",
			where, key);
	return 2;
}

/* One setting of the file, as if given on the command line. 0, or 2 with the reason. */
static int take_setting(options *o, const config_entry *e, char *err, size_t errlen)
{
	char where[PATH_LEN + 32];
	int i = find_option(e->key);
	const char *value = e->value;

	snprintf(where, sizeof(where), "%s:%d: ", config_name(o->file), e->line);
	if (i < 0 || i >= OPTIONS_MAX)
		return unknown_key(where, e->key, err, errlen);
	if (options_file_refuses(e->key)) {
		err_set(err, errlen,
			"%s'%s' cannot be set in the configuration file: it is for the command "
			"line only",
			where, e->key);
		return 2;
	}
	if (long_options[i].has_arg == no_argument) {
		if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0) {
			given(o, i, value, e->line);
			return 0;
		}
		if (strcasecmp(value, "yes") && strcasecmp(value, "true")) {
			err_set(err, errlen, "%s'%s' is on or off: write %s = yes, or %s = no",
				where, e->key, e->key, e->key);
			return 2;
		}
		value = NULL;
	} else if (!value[0]) {
		err_set(err, errlen, "%s'%s' has no value: write %s = VALUE, or leave it out",
			where, e->key, e->key);
		return 2;
	}
	o->why[0] = '\0';
	if (take_option(o, long_options[i].val, value)) {
		char label[PATH_LEN + 128];

		snprintf(label, sizeof(label), "%s'%s'", where, e->key);
		return bad_value(o, label, e->key, e->value, err, errlen);
	}
	given(o, i, e->value, e->line);
	return 0;
}

/* The command line's options, as getopt read them: which, and the value (NULL for a flag). */
typedef struct taken {
	int i;
	const char *arg;
} taken;

/* Reads the command line into cmd (argc entries) without taking any yet; *n counts them. 0; 2
 * when getopt refused one (it said why); OPTIONS_HELP when --help was printed. */
static int read_command_line(options *o, int argc, char **argv, taken *cmd, int *n)
{
	int opt, i = 0;

	optind = 0; /* from the start, and afresh (glibc) */
	while ((opt = getopt_long(argc, argv, "", long_options, &i)) != -1) {
		if (opt == O_HELP) {
			usage_print(stdout);
			return OPTIONS_HELP;
		}
		if (opt == '?' || opt == ':')
			return 2;
		if (opt == O_CONFIG)
			o->config_path = optarg;
		cmd[(*n)++] = (taken){i, optarg};
	}
	return 0;
}

int options_parse(options *o, int argc, char **argv, char *err, size_t errlen)
{
	taken *cmd = calloc((size_t)argc + 1, sizeof(*cmd));
	int n = 0, rc = 2, unreadable = 0;

	err_set(err, errlen, "%s", "");
	if (!cmd) {
		err_set(err, errlen, "out of memory");
		return 1;
	}
	rc = read_command_line(o, argc, argv, cmd, &n);
	if (rc)
		goto out;
	rc = 2;
	if (optind < argc && strcmp(argv[optind], "user") != 0 &&
	    !cli_backup_is_command(argv[optind])) {
		err_set(err, errlen, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (o->config_path) {
		o->file = config_read(o->config_path, &unreadable, err, errlen);
		if (!o->file) {
			rc = unreadable ? 1 : 2;
			goto out;
		}
		for (size_t k = 0; k < config_count(o->file); k++)
			if (take_setting(o, config_at(o->file, k), err, errlen))
				goto out;
	}
	for (int k = 0; k < n; k++) {
		const char *name = long_options[cmd[k].i].name;

		o->why[0] = '\0';
		if (take_option(o, long_options[cmd[k].i].val, cmd[k].arg)) {
			err_set(err, errlen, "--%s: '%s' is not a valid value: it %s", name,
				options_secret(name) ? "(secret, not shown)" : cmd[k].arg,
				why_refused(o));
			goto out;
		}
		given(o, cmd[k].i, cmd[k].arg ? cmd[k].arg : "yes", 0);
	}
	if (o->role && optind == argc) {
		err_set(err, errlen, "--role is only for user add.");
		goto out;
	}
	if (o->keep >= 0 && (optind == argc || strcmp(argv[optind], "backup") != 0)) {
		err_set(err, errlen, "--keep is only for backup.");
		goto out;
	}
	o->user_args = optind < argc ? optind : 0;
	rc = 0;
out:
	free(cmd);
	return rc;
}

void options_release(options *o)
{
	config_free(o->file);
	o->file = NULL;
}
