/* datadir: the data folder (the database, its -wal and -shm, the secret key, the audio cache)
 * kept the server's own. The server runs with umask 077, so what it makes is private; this checks
 * what was there before it: a folder others may use is refused (someone may already have read
 * it, so a person decides what to do), and a file in it that others may use is made private
 * (the folder around it was private, so nobody could reach it). */
#ifndef PLANALOUD_DATADIR_H
#define PLANALOUD_DATADIR_H

#include <stddef.h>

/* Makes the folder (mode 0700) when it is missing. Refuses (-1, err naming the folder) one whose
 * group or others may read, write or enter it, or that is not a folder. Then every file in it,
 * and in its folders one level down (the audio cache), that its group or others may use is made
 * the owner's alone (files 0600, folders 0700); *fixed (may be NULL) counts them. A file that
 * cannot be changed (another user's) is refused, naming it. Symbolic links are left alone.
 * 0, or -1. */
int datadir_check(const char *path, int *fixed, char *err, size_t errlen);
/* What datadir_check would find, changing nothing (planaloud --check-config): *missing is 1
 * when the folder is not there yet (it would be made: its parent must be writable); *loose
 * counts what would be made private. 0, or -1 (err says why) for what it would refuse. */
int datadir_inspect(const char *path, int *missing, int *loose, char *err, size_t errlen);

/* Takes the data folder for this process alone: an advisory lock (flock) on the folder, held
 * until datadir_unlock() or until the process ends, however it ends. The server holds it while it
 * runs and a restore while it works, so neither starts under the other. Staff accounts and
 * backups do not take it (SQLite keeps them and the server apart). 0 and *fd; 1 when another
 * process holds it; -1 (err says why). */
int datadir_lock(const char *path, int *fd, char *err, size_t errlen);
/* Lets the folder go (fd from datadir_lock; -1 is a no-op). */
void datadir_unlock(int fd);

#endif
