/* settings: the configuration file and the command line read again on SIGHUP, exactly as at
 * start (options.h: the same file, the same command line, the command line still winning), and
 * compared with the settings the server runs with. A file that is now wrong changes nothing.
 * Otherwise the keys that can change while people use the server (settings_live) are applied at
 * once (app_set_settings, and the log level); any other key that changed needs a restart and
 * is not applied. Each reload is logged: settings-reloaded with the keys that changed (names
 * only), reload-needs-restart with those not applied, or reload-refused with the file, the line
 * and the reason (never a secret's value).
 *
 * Every options a reload read is kept until settings_free: the app and the kiosk borrow their
 * strings. Runs on the loop's thread, between two turns of the loop. */
#ifndef PLANALOUD_SETTINGS_H
#define PLANALOUD_SETTINGS_H

#include "app.h"
#include "options.h"

#include <stddef.h>

typedef struct settings settings;

/* The settings the server started with (start, borrowed until settings_free), and what
 * reading them again needs: the share folder (options_init's) and the command line (borrowed).
 * NULL when memory runs out. */
settings *settings_new(const options *start, const char *share, int argc, char **argv);
/* Reads the settings again and applies what can be applied to a (see above). status (n bytes)
 * gets one line for the service manager: what was done, and which keys wait for a restart.
 * 0 when read (even if some keys need a restart), -1 when refused (nothing changed). */
int settings_reload(settings *s, app *a, char *status, size_t n);
/* 1 when a change of option key can be applied while the server runs. */
int settings_live(const char *key);
/* The keys (names, comma-separated) whose values differ between was and now, into changed (n
 * bytes); those of them that need a restart into restart (m bytes). Returns how many need a
 * restart. */
int settings_compare(const options *was, const options *now, char *changed, size_t n, char *restart,
		     size_t m);
/* settings_free(NULL) is a no-op. */
void settings_free(settings *s);

#endif
