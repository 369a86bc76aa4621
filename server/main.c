/* planaloud: the server. Reads the command line, opens the app (app.c), serves until a signal
 * says stop, and closes it. `planaloud user ...` manages staff accounts instead (cli_user.c). */
#include "app.h"
#include "cli_user.h"
#include "datadir.h"
#include "demo.h"
#include "log.h"
#include "limiter.h"
#include "path.h"
#include "peer.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PLANALOUD_SOURCE_DIR
#define PLANALOUD_SOURCE_DIR "."
#endif

static volatile sig_atomic_t stop;
/* For the signal handler's wake-up only: set while the app runs, NULL before it closes. The
 * handler runs only on the main thread (the others block SIGINT and SIGTERM), so it cannot be
 * halfway through a wake-up while app_close frees what the wake-up uses. */
static app *volatile running;

static void on_signal(int sig)
{
	app *a = running;

	(void)sig;
	stop = 1;
	if (a)
		app_wake(a);
}

static const char usage_text[] =
    "Usage: planaloud [options]\n"
    "       planaloud [--data DIR] user add NAME --role caseworker|manager|admin\n"
    "       planaloud [--data DIR] user password|disable|enable NAME\n"
    "       planaloud [--data DIR] user list\n"
    "\n"
    "Serves Plan Aloud: the kiosk page at http://HOST:PORT/, the staff pages at /staff/,\n"
    "and their websockets.\n"
    "\n"
    "Options:\n"
    "  --port N            port to listen on (default 8080; 0 lets the system choose)\n"
    "  --listen ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 for every\n"
    "                      interface, e.g. behind a TLS reverse proxy)\n"
    "  --host NAME         the name kiosks use to reach the server (e.g. "
    "plans.council.gov.uk);\n"
    "                      websockets for any other name but localhost are refused\n"
    "  --tls-cert FILE     serve HTTPS with this certificate (PEM, the full chain);\n"
    "  --tls-key FILE      and this private key (PEM, readable by the server's user\n"
    "                      alone). Plain HTTP on the same port is sent to HTTPS\n"
    "  --redirect-port N   with --tls-cert: also listen on port N (e.g. 80) and send\n"
    "                      every plain HTTP request there to HTTPS\n"
    "  --secure-cookies    the server is reached over HTTPS (a TLS reverse proxy): the\n"
    "                      staff login cookie is __Host- named and marked Secure\n"
    "  --allow-plain-http  serve plain HTTP on an address other than localhost (behind\n"
    "                      a TLS proxy, or for development); without TLS, it is refused\n"
    "  --trusted-proxy LIST\n"
    "                      the reverse proxies in front of the server, as addresses or\n"
    "                      ranges (e.g. 127.0.0.1,10.0.0.0/8): only their\n"
    "                      X-Forwarded-For or Forwarded header says who the client is\n"
    "                      (default: none, every connection is its own client)\n"
    "  --max-connections N connections held at once, in all (default: what the\n"
    "                      open-file limit allows, at most 20000)\n"
    "  --max-connections-per-address N\n"
    "                      connections held at once from one address (default 256)\n"
    "  --timeout-seconds N a request must arrive whole within N seconds (its headers\n"
    "                      within 10, or N if less); an idle websocket is pinged\n"
    "                      after N seconds and closed when it has not answered N\n"
    "                      seconds later (default 30)\n"
    "  --data DIR          where the database and the secret key live (default ./data;\n"
    "                      made on first start)\n"
    "  --demo              add a demo invitation (example needs and budget) and print its\n"
    "                      plan code; add a demo caseworker (" DEMO_CASEWORKER ") and manager\n"
    "                      (" DEMO_MANAGER "), or give them new passwords, and print those\n"
    "  --web DIR           the browser files (default: web/ in the source tree)\n"
    "  --easyread DIR      the easy-read content (default: easyread/ in the source tree)\n"
    "  --voices DIR        voice profiles and pronunciations (default: voices/ in the\n"
    "                      source tree)\n"
    "  --lang LANG         the content language (default en-GB)\n"
    "  --idle-seconds N    kiosk: seconds without input before \"Do you need more time?\"\n"
    "                      (default 120)\n"
    "  --warn-seconds N    kiosk: the countdown before the screen clears (default 30)\n"
    "  --headphones yes|ask\n"
    "                      kiosk: yes when every kiosk has headphones, so private things\n"
    "                      (the code, answers about safety, names) are read aloud without\n"
    "                      asking; ask (the default) asks each person first\n"
    "  --keyboard on|ask\n"
    "                      kiosk: on for a touch screen with no keyboard, so the keyboard\n"
    "                      on the screen shows for every text box; ask (the default)\n"
    "                      offers it with a button by each text box\n"
    "  --switch-keys KEYS  kiosk: the keys the kiosk's switches send, as the browser "
    "names\n"
    "                      them: the one that moves, then the one that chooses (default\n"
    "                      Space,Enter); one switch chooses with either\n"
    "  --wrong-codes-per-address N\n"
    "                      wrong plan codes one address (or enrolled kiosk) may try in\n"
    "                      10 minutes before it must wait (default 20)\n"
    "  --wrong-codes-overall N\n"
    "                      wrong codes from everyone together in 10 minutes before\n"
    "                      guesses wait, enrolled kiosks' apart (default 600; 0: none)\n"
    "  --new-plans-per-address N\n"
    "                      plans one address may start without a code in an hour\n"
    "                      (default 30; 0: no limit)\n"
    "  --new-plans-per-kiosk N\n"
    "                      plans one enrolled kiosk may start without a code in an hour\n"
    "                      (default 60; 0: no limit)\n"
    "  --new-plans-per-hour N\n"
    "                      the same for all but enrolled kiosks together (default 300)\n"
    "  --retain-drafts-days N\n"
    "                      erase a plan started at a kiosk without a code, never sent, "
    "when\n"
    "                      no one has touched it for N days (default 30; 0 keeps them)\n"
    "  --retain-closed-years N\n"
    "                      erase a plan not agreed or signed off when no one has "
    "touched\n"
    "                      it for N years (default 7; 0 keeps them)\n"
    "  --alert-smtp URL    tell the duty team of flags by email through the council's\n"
    "                      mail relay: smtp://relay:25 (STARTTLS when offered) or\n"
    "                      smtps://relay:465; needs --alert-from and --alert-to\n"
    "  --alert-from ADDR   the address alert emails come from\n"
    "  --alert-to LIST     the duty team's addresses, separated by commas\n"
    "  --alert-webhook URL also (or instead) POST each alert as JSON to this https://\n"
    "                      address (plain http:// only to this machine)\n"
    "  --alert-webhook-token-file FILE\n"
    "                      send the token on this file's first line as the webhook's\n"
    "                      bearer token (the file readable by the server's user alone)\n"
    "  --alert-kinds LIST  which flags send an alert: safeguarding, advocacy, review,\n"
    "                      separated by commas (default safeguarding)\n"
    "  --public-url URL    the address staff use (https://plans.council.gov.uk), for the\n"
    "                      link to the plan in an alert (default: from --host)\n"
    "  --check-content     check the easy-read content and the voice files, say what is\n"
    "                      wrong, and exit\n"
    "  --help              show this help\n"
    "\n"
    "Staff accounts (in the database under --data; the server may be running):\n"
    "  user add NAME --role ROLE\n"
    "                      add a staff user. ROLE is caseworker, manager or admin. NAME "
    "is\n"
    "                      1 to 64 letters (A to Z), digits, dots, hyphens or "
    "underscores;\n"
    "                      case does not make a different name\n"
    "  user password NAME  give a user a new password\n"
    "  user disable NAME   stop a user logging in, and end their sessions at once\n"
    "  user enable NAME    let a disabled user log in again\n"
    "  user list           every user, with their role, and whether they are disabled\n"
    "  A password is read from standard input: one line, at least 12 characters, at\n"
    "  most 256 bytes (e.g. `planaloud user add sam --role caseworker < file`, or type\n"
    "  it when asked). Every change is written to the audit log.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Where web/, easyread/ and voices/ are by default: the source tree when the program runs
 * from its build folder; else, installed, the data folder beside the program's
 * (PLANALOUD_SHARE_FROM_BIN, e.g. "../share/planaloud"), so an installed tree can be moved. */
static const char *default_share_dir(void)
{
	static char dir[PATH_LEN];
	char exe[PATH_LEN];

#if defined(PLANALOUD_BUILD_DIR) && defined(PLANALOUD_SHARE_FROM_BIN)
	if (path_exe_dir(exe, sizeof(exe)) == 0 && strcmp(exe, PLANALOUD_BUILD_DIR) != 0 &&
	    path_join(dir, sizeof(dir), exe, PLANALOUD_SHARE_FROM_BIN, NULL, 0) == 0)
		return dir;
#else
	(void)exe;
#endif
	return PLANALOUD_SOURCE_DIR;
}

typedef struct options {
	app_config app;
	int check_only;
	int allow_plain;  /* --allow-plain-http */
	const char *role; /* user add --role */
	int user_args;	  /* argv index of "user", or 0 */
	char web[PATH_LEN], easyread[PATH_LEN], voices[PATH_LEN];
} options;

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
    {"alert-smtp", required_argument, NULL, O_ALERT_SMTP},
    {"alert-from", required_argument, NULL, O_ALERT_FROM},
    {"alert-to", required_argument, NULL, O_ALERT_TO},
    {"alert-webhook", required_argument, NULL, O_ALERT_WEBHOOK},
    {"alert-webhook-token-file", required_argument, NULL, O_ALERT_TOKEN_FILE},
    {"alert-kinds", required_argument, NULL, O_ALERT_KINDS},
    {"public-url", required_argument, NULL, O_PUBLIC_URL},
    {NULL, 0, NULL, 0},
};

/* The defaults: the content beside the program (default_share_dir), data in ./data. 0, or -1
 * when the program's folder is too long a path. */
static int set_defaults(options *o)
{
	const char *share = default_share_dir();

	if (path_join(o->web, sizeof(o->web), share, "web", NULL, 0) ||
	    path_join(o->easyread, sizeof(o->easyread), share, "easyread", NULL, 0) ||
	    path_join(o->voices, sizeof(o->voices), share, "voices", NULL, 0))
		return -1;
	o->app = (app_config){.listen = "127.0.0.1",
			      .port = 8080,
			      .data = "data",
			      .lang = "en-GB",
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

/* 0 when list is addresses and ranges (peer.h); else says which entry is wrong, and 1. */
static int trusted_proxy_check(const char *list)
{
	char err[160];
	peer_list *l = peer_list_new(list, err, sizeof(err));

	if (!l) {
		fprintf(stderr, "planaloud: --trusted-proxy: %s\n", err);
		return 1;
	}
	peer_list_free(l);
	return 0;
}

/* An option that takes a whole number: 0; 1 for a value out of its range; -1 when opt is not
 * one of them. */
static int take_number(options *o, int opt, const char *arg)
{
	app_config *a = &o->app;

	switch (opt) {
	case O_PORT:
		return parse_int(arg, 0, 65535, &a->port) ? 1 : 0;
	case O_IDLE:
		return parse_int(arg, 5, 86400, &a->kiosk.idle_seconds) ? 1 : 0;
	case O_WARN:
		return parse_int(arg, 5, 600, &a->kiosk.warn_seconds) ? 1 : 0;
	case O_REDIRECT_PORT:
		return parse_int(arg, 1, 65535, &a->redirect_port) ? 1 : 0;
	case O_CODES_ADDRESS:
		return parse_int(arg, 1, LIMITER_KEY_MAX, &a->kiosk.address_failures) ? 1 : 0;
	case O_CODES_OVERALL:
		return parse_int(arg, 0, LIMITER_ALL_MAX, &a->kiosk.codes_overall) ? 1 : 0;
	case O_PLANS_ADDRESS:
		return parse_int(arg, 0, LIMITER_KEY_MAX, &a->kiosk.new_plans_per_address) ? 1 : 0;
	case O_PLANS_KIOSK:
		return parse_int(arg, 0, LIMITER_KEY_MAX, &a->kiosk.new_plans_per_kiosk) ? 1 : 0;
	case O_PLANS_HOUR:
		return parse_int(arg, 0, LIMITER_ALL_MAX, &a->kiosk.new_plans_per_hour) ? 1 : 0;
	case O_MAX_CONNECTIONS:
		return parse_int(arg, 1, 1000000, &a->max_connections) ? 1 : 0;
	case O_MAX_PER_ADDRESS:
		return parse_int(arg, 1, 1000000, &a->max_connections_per_address) ? 1 : 0;
	case O_TIMEOUT:
		return parse_int(arg, 1, 3600, &a->timeout_seconds) ? 1 : 0;
	case O_RETAIN_DRAFTS:
		return parse_int(arg, 0, 36500, &a->retain.drafts_days) ? 1 : 0;
	case O_RETAIN_CLOSED:
		return parse_int(arg, 0, 100, &a->retain.closed_years) ? 1 : 0;
	default:
		return -1;
	}
}

static int take_alert_option(options *o, int opt, const char *arg);

/* One option and its value (arg, borrowed from argv). 0; 1 for a value that is not valid. */
static int take_option(options *o, int opt, const char *arg)
{
	app_config *a = &o->app;
	int rc = take_number(o, opt, arg);

	if (rc >= 0)
		return rc;
	switch (opt) {
	case O_TLS_CERT:
		a->tls_cert = arg;
		return 0;
	case O_TLS_KEY:
		a->tls_key = arg;
		return 0;
	case O_ALLOW_PLAIN:
		o->allow_plain = 1;
		return 0;
	case O_TRUSTED_PROXY:
		a->trusted_proxy = arg;
		return trusted_proxy_check(arg);
	case O_LISTEN:
		a->listen = strcmp(arg, "0.0.0.0") == 0 ? NULL : arg;
		return 0;
	case O_HOST:
		a->host = arg;
		return 0;
	case O_DATA:
		a->data = arg;
		return 0;
	case O_WEB:
		a->web = arg;
		return 0;
	case O_EASYREAD:
		a->easyread = arg;
		return 0;
	case O_VOICES:
		a->voices = arg;
		return 0;
	case O_LANG:
		a->lang = arg;
		return 0;
	case O_ROLE:
		o->role = arg;
		return 0;
	case O_HEADPHONES:
		if (strcmp(arg, "yes") && strcmp(arg, "ask"))
			return 1;
		a->kiosk.headphones = strcmp(arg, "yes") == 0;
		return 0;
	case O_KEYBOARD:
		if (strcmp(arg, "on") && strcmp(arg, "ask"))
			return 1;
		a->kiosk.keyboard = strcmp(arg, "on") == 0;
		return 0;
	case O_SWITCH_KEYS:
		if (switch_keys_check(arg))
			return 1;
		a->kiosk.switch_keys = arg;
		return 0;
	case O_DEMO:
		a->demo = 1;
		return 0;
	case O_CHECK:
		o->check_only = 1;
		return 0;
	default:
		return take_alert_option(o, opt, arg);
	}
}

/* The alerts' options (alerts.h; checked whole when the app opens). */
static int take_alert_option(options *o, int opt, const char *arg)
{
	alerts_config *al = &o->app.alerts;

	switch (opt) {
	case O_ALERT_SMTP:
		al->smtp = arg;
		return 0;
	case O_ALERT_FROM:
		al->from = arg;
		return 0;
	case O_ALERT_TO:
		al->to = arg;
		return 0;
	case O_ALERT_WEBHOOK:
		al->webhook = arg;
		return 0;
	case O_ALERT_TOKEN_FILE:
		al->token_file = arg;
		return 0;
	case O_ALERT_KINDS:
		al->kinds = arg;
		return 0;
	case O_PUBLIC_URL:
		al->public_url = arg;
		return 0;
	default: /* O_SECURE */
		o->app.secure_cookies = 1;
		return 0;
	}
}

/* Reads the command line into o. 0 to go on; else main's exit status (-1: --help was shown). */
static int parse_options(int argc, char **argv, options *o)
{
	int opt;

	if (set_defaults(o)) {
		fprintf(stderr, "planaloud: the program's folder has too long a path\n");
		return 1;
	}
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (opt == O_HELP) {
			usage(stdout);
			return -1;
		}
		if (opt == '?' || opt == ':') {
			usage(stderr);
			return 2;
		}
		if (take_option(o, opt, optarg)) {
			fprintf(stderr, "planaloud: '%s' is not a valid value for that option\n",
				optarg);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "user") != 0) {
		fprintf(stderr, "planaloud: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o->role && optind == argc) {
		fprintf(stderr, "planaloud: --role is only for user add.\n");
		return 2;
	}
	o->user_args = optind < argc ? optind : 0;
	return 0;
}

/* 1 when addr is a loopback address (localhost, 127.x.x.x, ::1): only this machine reaches it. */
static int loopback(const char *addr)
{
	return addr && (strcmp(addr, "localhost") == 0 || strncmp(addr, "127.", 4) == 0 ||
			strcmp(addr, "::1") == 0);
}

/* The TLS files, if any: both given, readable, and the key the server's user's alone. 0; else
 * main's exit status (said why). */
static int check_tls_files(const app_config *a)
{
	struct stat sb;

	if (!a->tls_cert != !a->tls_key) {
		fprintf(stderr, "planaloud: --tls-cert and --tls-key go together: give both, or "
				"neither.\n");
		return 2;
	}
	if (a->redirect_port && !a->tls_cert) {
		fprintf(stderr, "planaloud: --redirect-port sends plain HTTP to HTTPS, so it needs "
				"--tls-cert and --tls-key.\n");
		return 2;
	}
	if (!a->tls_cert)
		return 0;
	if (access(a->tls_cert, R_OK) != 0) {
		fprintf(stderr, "planaloud: cannot read the TLS certificate %s: %s\n", a->tls_cert,
			strerror(errno));
		return 1;
	}
	if (stat(a->tls_key, &sb) != 0 || access(a->tls_key, R_OK) != 0) {
		fprintf(stderr, "planaloud: cannot read the TLS key %s: %s\n", a->tls_key,
			strerror(errno));
		return 1;
	}
	if (sb.st_mode & 077) {
		fprintf(stderr,
			"planaloud: other users can read the TLS key %s (mode %03o). With it, "
			"anyone could pretend to be this server. Make it the server's user's "
			"alone: chmod 600 %s\n",
			a->tls_key, (unsigned)(sb.st_mode & 0777), a->tls_key);
		return 1;
	}
	return 0;
}

/* How browsers reach the server: TLS that fits together, and no plain HTTP open to the network
 * unless a TLS proxy is said to be in front. 0; else main's exit status (said why). */
static int check_transport(const options *o)
{
	const app_config *a = &o->app;
	int rc = check_tls_files(a);

	if (rc || a->tls_cert)
		return rc;
	if (!loopback(a->listen) && !o->allow_plain && !a->secure_cookies && !a->trusted_proxy) {
		fprintf(
		    stderr,
		    "planaloud: plain HTTP on %s would carry staff passwords and people's "
		    "plans unencrypted over the network. Give --tls-cert and --tls-key, or "
		    "--trusted-proxy (or --allow-plain-http) when a TLS proxy is in front of the "
		    "server.\n",
		    a->listen ? a->listen : "every interface");
		return 2;
	}
	return 0;
}

static void print_welcome(app *a, const app_config *cfg)
{
	const app_demo *demo = app_demo_made(a);
	const char *scheme = cfg->tls_cert ? "https" : "http";

	printf("Plan Aloud is running.\n");
	printf("  Kiosk page: %s://localhost:%d/\n", scheme, app_port(a));
	printf("  Staff pages: %s://localhost:%d/staff/\n", scheme, app_port(a));
	printf("  Health:     %s://localhost:%d/healthz\n", scheme, app_port(a));
	if (app_redirect_port(a))
		printf("  Plain HTTP on port %d is sent to HTTPS.\n", app_redirect_port(a));
	if (demo) {
		printf("  Demo plan code: %s\n", demo->code);
		printf("  Demo caseworker: %s / %s\n", DEMO_CASEWORKER, demo->caseworker_password);
		printf("  Demo manager: %s / %s\n", DEMO_MANAGER, demo->manager_password);
	}
	printf("Press Ctrl+C to stop.\n");
	app_forget_demo(a);
}

/* Serves until SIGINT or SIGTERM. Returns main's exit status. */
static int serve(const app_config *cfg)
{
	char err[2 * PATH_LEN];
	struct sigaction sa = {0};
	sigset_t stops;
	int rc, fixed = 0;
	app *a;

	if (datadir_check(cfg->data, &fixed, err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	if (fixed)
		log_event(LOG_WARN, "data-files-made-private", "count=%d", fixed);
	/* The threads the app starts inherit these blocked: only this thread takes them. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, NULL);
	a = app_open(cfg, err, sizeof(err));
	if (!a) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	if (app_warning(a))
		fprintf(stderr, "planaloud: %s\n", app_warning(a));
	/* sigaction, not signal(): in strict C11 glibc's signal() resets the handler after one
	 * signal, and a second Ctrl+C then killed the server halfway through closing. */
	sa.sa_handler = on_signal;
	sa.sa_mask = stops;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	print_welcome(a, cfg);
	running = a;
	pthread_sigmask(SIG_UNBLOCK, &stops, NULL); /* one that came while opening stops it now */
	rc = app_run(a, &stop) ? 1 : 0;
	/* Closing frees what app_wake uses: another signal now waits, blocked, until the process
	 * ends (it is stopping anyway), and finds no app to wake. */
	pthread_sigmask(SIG_BLOCK, &stops, NULL);
	running = NULL;
	printf("Stopping.\n");
	if (app_close(a, err, sizeof(err))) {
		fprintf(stderr, "planaloud: the last commit failed: %s\n", err);
		rc = 1;
	}
	return rc;
}

static int check_content(const app_config *cfg)
{
	char err[2 * PATH_LEN], summary[128];

	if (app_check_content(cfg, summary, sizeof(summary), err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	printf("The easy-read content is fine: %s.\n", summary);
	return 0;
}

int main(int argc, char **argv)
{
	static options o; /* the paths are large */
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(077); /* the database, the key and the audio cache are the server's alone */
	rc = parse_options(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (sodium_init() < 0) {
		fprintf(stderr, "planaloud: libsodium could not start\n");
		return 1;
	}
	if (o.user_args)
		return cli_user(o.app.data, o.role, argc - o.user_args - 1, argv + o.user_args + 1);
	if (o.check_only)
		return check_content(&o.app);
	rc = check_transport(&o);
	if (rc)
		return rc;
	return serve(&o.app);
}
