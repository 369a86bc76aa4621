/* restore: a backup put back as the data folder's database, never while a server runs on that
 * folder (datadir_lock), only once the backup has passed its check and its secret key is found,
 * and never deleting what was there: the old database (its log written into it first) and, when
 * it changes, the old key are kept aside under a dated name. The command line prints
 * (cli_backup.c). */
#ifndef PLANALOUD_RESTORE_H
#define PLANALOUD_RESTORE_H

#include "path.h"

#include <stddef.h>

typedef struct restore_result {
	char aside[PATH_LEN];	  /* where the old database now is ("" when there was none) */
	char key_aside[PATH_LEN]; /* where the old key now is ("" when the key did not change) */
	int key_copied;		  /* 1 when the backup's key became the data folder's */
	long long plans;	  /* plans in the restored database */
	int key_unchecked; /* 1: a backup from before keys had ids: the key was not checked */
} restore_result;

/* Restores the database file src into the data folder (made 0700 if missing). The key: src's
 * folder's secret.key, else the data folder's own, whichever the backup was made with. 0 and
 * *out; 1 when a server (or another restore) is using the folder; -1 (err says why in plain
 * words). On 1 and -1 nothing in the data folder changed. */
int restore_run(const char *data, const char *src, restore_result *out, char *err, size_t errlen);

#endif
