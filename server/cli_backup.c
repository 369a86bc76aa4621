/* cli_backup: the database's backups from the command line, for council IT and the systemd
 * timer. Part of the command line, like main.c: it prints. */
#include "cli_backup.h"

#include "backup.h"
#include "code.h"
#include "path.h"
#include "restore.h"
#include "store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_backup_is_command(const char *word)
{
	return strcmp(word, "backup") == 0 || strcmp(word, "restore") == 0 ||
	       strcmp(word, "check") == 0;
}

/* A size in words: "812 KB", "3.4 MB". */
static void size_words(long long bytes, char *out, size_t n)
{
	if (bytes < 1000 * 1000)
		snprintf(out, n, "%lld KB", (bytes + 999) / 1000);
	else
		snprintf(out, n, "%.1f MB", (double)bytes / 1e6);
}

static int do_backup(const char *data, const char *dest, int keep)
{
	char err[2 * PATH_LEN], size[32];
	backup_result r;

	if (backup_take(data, dest, keep < 0 ? 0 : keep, &r, err, sizeof(err))) {
		fprintf(stderr, "planaloud: the backup failed: %s.\n", err);
		return 1;
	}
	size_words(r.bytes, size, sizeof(size));
	printf("Backed up the database to %s (%s, checked, in %lld ms).\n", r.path, size,
	       r.took_ms);
	if (r.key_written)
		printf("The secret key the plan codes need is beside it: %s\n", r.key_path);
	else if (!r.key_path[0])
		printf("There is no secret key in %s yet, so none was copied.\n", data);
	if (r.removed)
		printf("Removed %d older backup%s, keeping the newest %d.\n", r.removed,
		       r.removed == 1 ? "" : "s", keep);
	return 0;
}

static int do_restore(const char *data, const char *src)
{
	char err[2 * PATH_LEN];
	restore_result r;
	int rc = restore_run(data, src, &r, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "planaloud: %s. Nothing was changed.\n", err);
		return 1;
	}
	printf("Restored %s into %s: %lld plan%s.\n", src, data, r.plans, r.plans == 1 ? "" : "s");
	if (r.aside[0])
		printf("The database that was there is kept as %s\n", r.aside);
	if (r.key_copied)
		printf("The backup's secret key is now the data folder's.%s%s\n",
		       r.key_aside[0] ? " The old key is kept as " : "", r.key_aside);
	if (r.key_unchecked)
		printf("This backup is from before keys were checked: make sure its plan codes "
		       "work.\n");
	printf("Start the server again (systemctl start planaloud).\n");
	return 0;
}

/* How long ago ms was, in words: "3 hours", "2 days". */
static void age_words(long long ms, char *out, size_t n)
{
	long long s = (long long)time(NULL) - ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, n, "%lld second%s", s, s == 1 ? "" : "s");
	else if (s < 2 * 3600)
		snprintf(out, n, "%lld minutes", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, n, "%lld hours", s / 3600);
	else
		snprintf(out, n, "%lld days", s / 86400);
}

/* Whether the data folder's key is the database's: a line for the report; 0 when it is. */
static int key_line(const char *data, const store_health *h)
{
	char path[PATH_LEN];
	unsigned char key[CODE_KEY_BYTES], id[CODE_HASH_BYTES];
	int got, rc = 0;

	if (path_join(path, sizeof(path), data, "secret.key", NULL, 0) ||
	    (got = code_key_read(path, key, NULL, 0)) < 0) {
		printf("  Secret key:   cannot be read\n");
		return 1;
	}
	if (got == 1) {
		printf("  Secret key:   missing: no plan code would open its plan\n");
		return 1;
	}
	code_key_id(key, id);
	sodium_memzero(key, sizeof(key));
	if (!h->has_key_id)
		printf("  Secret key:   there (recorded at the server's next start)\n");
	else if (memcmp(id, h->key_id, sizeof(id)) == 0)
		printf("  Secret key:   the one this database was made with\n");
	else {
		printf("  Secret key:   NOT the one this database was made with\n");
		rc = 1;
	}
	return rc;
}

static int do_check(const char *data)
{
	char path[PATH_LEN], err[STORE_ERR_LEN], age[32], size[32];
	store_health h;
	int bad;

	if (path_join(path, sizeof(path), data, "planaloud.db", NULL, 0) || access(path, F_OK)) {
		fprintf(stderr, "planaloud: there is no database in %s.\n", data);
		return 1;
	}
	if (store_check_file(path, &h, err, sizeof(err))) {
		fprintf(stderr, "planaloud: cannot check the database %s: %s.\n", path, err);
		return 1;
	}
	bad = h.problem[0] != '\0' || !h.integrity_ok || !h.foreign_keys_ok;
	printf("%s %s\n", path, bad ? "HAS A PROBLEM:" : "is sound.");
	if (bad)
		printf("  Problem:      %s\n", h.problem[0] ? h.problem : "see below");
	printf("  Integrity:    %s\n", h.integrity_ok ? "ok" : "FAILED");
	printf("  Foreign keys: %s\n", h.foreign_keys_ok ? "ok" : "FAILED");
	printf("  Schema:       %d (this program's: %d)\n", h.schema, h.schema_known);
	printf("  Plans:        %lld\n", h.plans);
	bad |= key_line(data, &h);
	if (h.has_backup) {
		age_words(h.last_backup.at_ms, age, sizeof(age));
		size_words(h.last_backup.bytes, size, sizeof(size));
		printf("  Last backup:  %s ago (%s)\n", age, size);
	} else {
		printf("  Last backup:  none recorded\n");
	}
	return bad ? 1 : 0;
}

int cli_backup(const char *data, int keep, int nargs, char **args)
{
	const char *cmd = args[0];
	int wants = strcmp(cmd, "check") == 0 ? 1 : 2;

	if (nargs != wants) {
		fprintf(stderr, "planaloud: %s.\n",
			strcmp(cmd, "backup") == 0
			    ? "say where the backup goes: backup DEST (a file or a folder)"
			: strcmp(cmd, "restore") == 0
			    ? "say which backup to put back: restore SRC"
			    : "check takes nothing more: planaloud --data DIR check");
		return 2;
	}
	if (keep >= 0 && strcmp(cmd, "backup") != 0) {
		fprintf(stderr, "planaloud: --keep is only for backup.\n");
		return 2;
	}
	if (strcmp(cmd, "backup") == 0)
		return do_backup(data, args[1], keep);
	if (strcmp(cmd, "restore") == 0)
		return do_restore(data, args[1]);
	return do_check(data);
}
