/* app: the running server as one thing: the content, the voices, the secret key, the database,
 * the staff accounts, the kiosk's and the staff's protocols, narration and the websocket server,
 * opened in that order and closed in reverse. main.c reads the command line into an app_config,
 * opens the app, runs it and closes it.
 *
 * Everything here runs on the thread that calls it (the server's loop thread), except
 * app_wake(), which is safe from a signal handler. */
#ifndef PLANALOUD_APP_H
#define PLANALOUD_APP_H

#include "alerts.h"
#include "code.h"
#include "kiosk.h"
#include "retention.h"
#include "users.h"

#include <signal.h>
#include <stddef.h>

typedef struct app_config {
	const char *listen;   /* address; NULL for every interface */
	int port;	      /* 0: the kernel picks one */
	const char *host;     /* the name kiosks use, besides localhost; or NULL */
	int secure_cookies;   /* reached over HTTPS through a proxy: the cookie is Secure */
	const char *tls_cert; /* PEM files: serve HTTPS itself (both, or neither) */
	const char *tls_key;
	int redirect_port;     /* with TLS: a second port whose plain HTTP is sent to HTTPS; or 0 */
	const char *data;      /* the database, the secret key and the audio cache live here */
	const char *web;       /* the browser files */
	const char *easyread;  /* the easy-read content (a folder per language) */
	const char *voices;    /* voice profiles and pronunciations */
	const char *lang;      /* the language a page starts in (easyread/<lang>/) */
	const char *languages; /* the languages offered besides English: "cy,pl", or "all" */
	int read_ahead_all;    /* read every language's fixed texts into the cache at start-up, not
				  only the first's and those chosen since */
	int demo;	       /* add the demo invitation and the demo staff */
	/* The network edge (ws.h's ws_config says what each means; 0 for the defaults) */
	const char *trusted_proxy;
	int max_connections;
	int max_connections_per_address;
	int timeout_seconds;
	kiosk_config kiosk;
	retention_config retain; /* the retention schedule, run at start and then hourly */
	/* Who may read /metrics (ws.h's ws_config says what each means; NULL for the defaults) */
	const char *metrics_allow;
	const char *metrics_token_file;
	alerts_config alerts; /* telling the duty team of flags (host, tls and port set by
				 app_open) */
} app_config;

typedef struct app app;

/* What --demo made, for main to print once: the plan code and the demo staff's passwords. */
typedef struct app_demo {
	char code[CODE_MAX];
	char numbers[CODE_NUMBERS_MAX]; /* the same code in digits only */
	char caseworker_password[USERS_GENERATED_TEXT];
	char manager_password[USERS_GENERATED_TEXT];
} app_demo;

/* Loads and checks the content and the voice files only, and says what was found in summary
 * (e.g. "11 pages in 3 parts; 8 voices"). 0, or -1 with the reason in err. */
int app_check_content(const app_config *cfg, char *summary, size_t summarylen, char *err,
		      size_t errlen);

/* Opens everything cfg names (borrowed until app_close), making the data folder if need be.
 * NULL with the reason in err. A server whose narration could not start still opens: pages
 * work without sound; app_warning() says why. */
app *app_open(const app_config *cfg, char *err, size_t errlen);
/* Why something optional is off (narration), or NULL. Borrowed until app_close. */
const char *app_warning(const app *a);
int app_port(const app *a);
/* The plain HTTP port that redirects to HTTPS, or 0 when there is none. */
int app_redirect_port(const app *a);
/* What --demo made, or NULL without --demo. Borrowed; app_forget_demo() wipes it. */
const app_demo *app_demo_made(const app *a);
void app_forget_demo(app *a);
/* Reads the easy-read content and the voice files again (SIGHUP) and, when they are fine and
 * keep the journey's shape (the same pages in the same order, the same code words, the same
 * voices), serves them from now on: open sessions carry on with the new words. Otherwise
 * nothing changes: -1 with the reason in err. On success, summary says what is served, as
 * app_check_content's does. */
int app_reload(app *a, char *summary, size_t summarylen, char *err, size_t errlen);
/* The settings that can change while people are using the server (the settings read again on
 * SIGHUP): the kiosk's (for kiosks opened from now on) and its limits; the retention schedule
 * (run again at the loop's next turn when changed); the trusted proxies, the connections per
 * address and who may read /metrics (for connections and requests from now on). cfg's strings
 * are borrowed until app_close; its other settings are not read. 0, or -1 with the reason in
 * err: nothing changed (but for memory running out halfway, when the edge's are taken). */
int app_set_settings(app *a, const app_config *cfg, char *err, size_t errlen);
/* Serves until *stop becomes non-zero. 0, or -1 when the loop failed. */
int app_run(app *a, volatile sig_atomic_t *stop);
/* Safe from a signal handler: makes app_run notice *stop at once. */
void app_wake(app *a);
/* Commits what is left, stops narration, closes everything. Reports a failed last commit in err
 * (and still closes): 0, or -1. app_close(NULL, ...) is a no-op. */
int app_close(app *a, char *err, size_t errlen);

#endif
