/* backup: a consistent copy of the database taken while the server runs, checked, recorded, and
 * kept beside the secret key it needs; a folder of dated backups with the oldest beyond N
 * removed (the systemd timer's daily backup). The command line prints what it did (cli_backup.c).
 *
 * The secret key keys the hash under which each plan code is stored (code.h): a database without
 * its key opens, but no plan code would open its plan. So every backup's folder holds the key as
 * `secret.key` (0600), written once, and a backup refuses to go beside another server's key. */
#ifndef PLANALOUD_BACKUP_H
#define PLANALOUD_BACKUP_H

#include "path.h"

#include <stddef.h>

#define BACKUP_KEY_NAME "secret.key" /* the key's name beside backups, as in the data folder */

typedef struct backup_result {
	char path[PATH_LEN];	 /* the backup written */
	char key_path[PATH_LEN]; /* the key beside it ("" when the data folder had none) */
	int key_written;	 /* 1 when this backup wrote the key there (the first) */
	long long bytes;
	long long took_ms;
	int removed; /* older backups removed to keep N */
} backup_result;

/* Backs up the database in the data folder to dest: a file (replaced only once the new backup is
 * whole and checked), or, when keep > 0 or dest is a folder (or ends in '/'), a new dated file
 * planaloud-YYYY-MM-DDTHHMMSS.mmmZ.db in that folder (made 0700 if missing), keeping the newest
 * keep (0: all). The backup is 0600, checked (integrity and foreign keys) before it takes its
 * name, and recorded in the database, as is a failure. Logs backup-done or backup-failed.
 * 0 and *out; -1 (err says why in plain words; nothing but a failure record changed). */
int backup_take(const char *data, const char *dest, int keep, backup_result *out, char *err,
		size_t errlen);

/* 1 when name is one of the dated backups backup_take makes in a folder. */
int backup_name_is_dated(const char *name);

#endif
