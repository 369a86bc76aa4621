/* test_settings: what a reload compares (settings.c). Between the settings a server runs with
 * and those read again, the keys that changed are named, and those of them that cannot change
 * while people use the server are named as needing a restart; the command line still wins, so
 * a file's change under a command-line option is no change. */
#include "check.h"
#include "settings.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64], conf[128];

/* Writes the file and parses it (and the extra arguments, may be NULL) into o. */
static int read_into(options *o, const char *text, const char *extra)
{
	char err[512], *argv[] = {(char *)"planaloud", (char *)"--config", conf, NULL, NULL, NULL};
	FILE *f = fopen(conf, "w");
	int argc = 3;

	CHECK(f != NULL);
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	CHECK(chmod(conf, 0600) == 0);
	if (extra) {
		argv[argc++] = (char *)"--warn-seconds";
		argv[argc++] = (char *)extra;
	}
	CHECK(options_init(o, "/usr/share/planaloud") == 0);
	return options_parse(o, argc, argv, err, sizeof(err));
}

static void changed_keys_should_be_named_and_restart_keys_set_apart(void)
{
	static options was, now;
	char changed[256], restart[256];

	CHECK(read_into(&was, "port = 8080\nidle-seconds = 60\nlisten = 127.0.0.1\n", NULL) == 0);
	CHECK(read_into(&now,
			"port = 8081\nidle-seconds = 61\nwrong-codes-per-address = 3\n"
			"listen = 127.0.0.1\ntls-cert = /etc/ssl/a.pem\n",
			NULL) == 0);
	CHECK(settings_compare(&was, &now, changed, sizeof(changed), restart, sizeof(restart)) ==
	      2);
	CHECK_STR(changed, "port,idle-seconds,tls-cert,wrong-codes-per-address");
	CHECK_STR(restart, "port,tls-cert");
	options_release(&was);
	options_release(&now);
}

static void the_same_settings_should_name_nothing(void)
{
	static options was, now;
	char changed[256], restart[256];

	CHECK(read_into(&was, "idle-seconds = 60\n", "40") == 0);
	/* the file's warn-seconds is under the command line's: no change */
	CHECK(read_into(&now, "idle-seconds = 60\nwarn-seconds = 50\n", "40") == 0);
	CHECK(settings_compare(&was, &now, changed, sizeof(changed), restart, sizeof(restart)) ==
	      0);
	CHECK_STR(changed, "");
	CHECK_STR(restart, "");
	options_release(&was);
	options_release(&now);
}

static void only_the_safe_keys_should_be_live(void)
{
	CHECK(settings_live("idle-seconds") && settings_live("log-level") &&
	      settings_live("wrong-codes-overall") && settings_live("metrics-allow"));
	CHECK(!settings_live("port") && !settings_live("listen") && !settings_live("data") &&
	      !settings_live("tls-key") && !settings_live("alert-webhook") &&
	      !settings_live("max-connections") && !settings_live("easyread"));
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-settings-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(conf, sizeof(conf), "%s/planaloud.conf", tmpdir);
	RUN(changed_keys_should_be_named_and_restart_keys_set_apart);
	RUN(the_same_settings_should_name_nothing);
	RUN(only_the_safe_keys_should_be_live);
	remove(conf);
	rmdir(tmpdir);
	return check_report();
}
