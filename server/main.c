/* planaloud: the server. Reads the configuration file and the command line (options.c), opens
 * the app (app.c), serves until a signal says stop, and closes it. `planaloud user ...` manages
 * staff accounts instead (cli_user.c); `--check-config` checks the settings (preflight.c). */
#include "app.h"
#include "cli_backup.h"
#include "cli_user.h"
#include "datadir.h"
#include "demo.h"
#include "log.h"
#include "notify.h"
#include "options.h"
#include "path.h"
#include "preflight.h"
#include "settings.h"
#include "usage.h"

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

static volatile sig_atomic_t stop, reload, woken;
/* For the signal handler's wake-up only: set while the app runs, NULL before it closes. The
 * handler runs only on the main thread (the others block SIGINT and SIGTERM), so it cannot be
 * halfway through a wake-up while app_close frees what the wake-up uses. */
static app *volatile running;

static void on_signal(int sig)
{
	app *a = running;

	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
	woken = 1;
	if (a)
		app_wake(a);
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
		printf("  The same in numbers: %s\n", demo->numbers);
		printf("  Demo caseworker: %s / %s\n", DEMO_CASEWORKER, demo->caseworker_password);
		printf("  Demo manager: %s / %s\n", DEMO_MANAGER, demo->manager_password);
	}
	printf("Press Ctrl+C to stop.\n");
	app_forget_demo(a);
}

/* SIGHUP: the content and the voices read again; a change that is not fine keeps what is served
 * and says why. Then the settings file and the command line (settings.h; s NULL: not them). */
static void reload_content(app *a, settings *s)
{
	char err[2 * PATH_LEN], summary[128], quoted[4 * PATH_LEN], status[640];

	notify_reloading();
	if (app_reload(a, summary, sizeof(summary), err, sizeof(err)))
		log_event(LOG_WARN, "reload-refused", "reason=%s",
			  log_value(err, quoted, sizeof(quoted)));
	else
		log_event(LOG_INFO, "reloaded", "content=%s",
			  log_value(summary, quoted, sizeof(quoted)));
	if (s) {
		settings_reload(s, a, status, sizeof(status));
		notify_ready(status);
	} else {
		notify_ready(NULL);
	}
}

/* Turns the loop until SIGINT or SIGTERM, reloading on SIGHUP. 0, or -1 when the loop failed. */
static int run(app *a, settings *s)
{
	while (!stop) {
		woken = 0;
		if (reload) {
			reload = 0;
			reload_content(a, s);
		}
		if (!stop && app_run(a, &woken))
			return -1;
	}
	return 0;
}

/* Serves until SIGINT or SIGTERM, reading the settings again on SIGHUP through s (may be NULL:
 * the content only). Returns main's exit status. */
static int serve(const app_config *cfg, settings *s)
{
	char err[2 * PATH_LEN], status[64];
	struct sigaction sa = {0};
	sigset_t stops;
	int rc, fixed = 0, lock = -1;
	app *a;

	if (datadir_check(cfg->data, &fixed, err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	/* Held until the process ends: a restore waits for no server, and refuses while one runs.
	 */
	rc = datadir_lock(cfg->data, &lock, err, sizeof(err));
	if (rc) {
		if (rc > 0)
			fprintf(stderr,
				"planaloud: another Plan Aloud server, or a restore, is using the "
				"data folder %s. Stop it first, or give this one another --data.\n",
				cfg->data);
		else
			fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	if (fixed)
		log_event(LOG_WARN, "data-files-made-private", "count=%d", fixed);
	/* The threads the app starts inherit these blocked: only this thread takes them. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
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
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_event(LOG_INFO, "start", "port=%d tls=%s narration=%s", app_port(a),
		  cfg->tls_cert ? "yes" : "no", app_warning(a) ? "off" : "on");
	print_welcome(a, cfg);
	running = a;
	/* Listening: systemd may send the first requests now. */
	snprintf(status, sizeof(status), "Serving on port %d", app_port(a));
	notify_ready(status);
	pthread_sigmask(SIG_UNBLOCK, &stops, NULL); /* one that came while opening is taken now */
	rc = run(a, s) ? 1 : 0;
	/* Closing frees what app_wake uses: another signal now waits, blocked, until the process
	 * ends (it is stopping anyway), and finds no app to wake. */
	pthread_sigmask(SIG_BLOCK, &stops, NULL);
	running = NULL;
	notify_stopping();
	printf("Stopping.\n");
	log_event(LOG_INFO, "stopping", "reason=%s", rc ? "loop-failed" : "signal");
	if (app_close(a, err, sizeof(err))) {
		fprintf(stderr, "planaloud: the last commit failed: %s\n", err);
		rc = 1;
	}
	log_event(rc ? LOG_ERROR : LOG_INFO, "stopped", "status=%d", rc);
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
	settings *reloads = NULL;
	char err[3 * PATH_LEN];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(077); /* the database, the key and the audio cache are the server's alone */
	if (options_init(&o, default_share_dir())) {
		fprintf(stderr, "planaloud: the program's folder has too long a path\n");
		return 1;
	}
	rc = options_parse(&o, argc, argv, err, sizeof(err));
	if (rc) {
		if (err[0])
			fprintf(stderr, "planaloud: %s\n", err);
		else if (rc == 2)
			usage_print(stderr);
		rc = rc == OPTIONS_HELP ? 0 : rc;
		goto out;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "planaloud: libsodium could not start\n");
		rc = 1;
		goto out;
	}
	if (o.user_args && cli_backup_is_command(argv[o.user_args]))
		rc = cli_backup(o.app.data, o.keep, argc - o.user_args, argv + o.user_args);
	else if (o.user_args)
		rc = cli_user(o.app.data, o.role, argc - o.user_args - 1, argv + o.user_args + 1);
	else if (o.check_config)
		rc = preflight_report(&o, stdout);
	else if (o.check_only)
		rc = check_content(&o.app);
	else if ((rc = preflight_transport(&o)) == 0) {
		/* without memory for it, SIGHUP still reads the content again */
		reloads = settings_new(&o, default_share_dir(), argc, argv);
		rc = serve(&o.app, reloads);
	}
out:
	settings_free(reloads); /* after the app: it borrowed the settings' strings */
	options_release(&o);
	return rc;
}
