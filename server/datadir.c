#define _DEFAULT_SOURCE /* flock() */
#include "datadir.h"

#include "err.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OTHERS_BITS ((mode_t)(S_IRWXG | S_IRWXO))

/* Makes one entry (dir/name, of sb) the owner's alone when others may use it (only counts it
 * when dry). */
static int make_private(const char *path, const struct stat *sb, int dry, int *fixed, char *err,
			size_t errlen)
{
	mode_t want = S_ISDIR(sb->st_mode) ? 0700 : 0600;

	if (!(sb->st_mode & OTHERS_BITS))
		return 0;
	if (!dry && chmod(path, (sb->st_mode & 0700) | want) != 0)
		return err_set(err, errlen,
			       "other users can read %s, and it cannot be made private (%s): "
			       "make it the server's own, mode 600",
			       path, strerror(errno));
	(*fixed)++;
	return 0;
}

/* Every file and folder in dir made private (counted only, when dry); folders' contents too
 * while depth > 0. */
static int fix_folder(const char *dir, int depth, int dry, int *fixed, char *err, size_t errlen)
{
	char path[PATH_LEN];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);
	int rc = -1;

	if (!d)
		return err_set(err, errlen, "cannot read the folder %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (path_join(path, sizeof(path), dir, e->d_name, err, errlen))
			goto out;
		if (lstat(path, &sb) != 0 || S_ISLNK(sb.st_mode))
			continue; /* gone since, or a link: not ours to change */
		if (make_private(path, &sb, dry, fixed, err, errlen))
			goto out;
		if (S_ISDIR(sb.st_mode) && depth > 0 &&
		    fix_folder(path, depth - 1, dry, fixed, err, errlen))
			goto out;
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

/* The folder's own rules: a folder, and no one else's to open. 0, or -1 with the reason. */
static int check_folder(const char *path, const struct stat *sb, char *err, size_t errlen)
{
	if (!S_ISDIR(sb->st_mode))
		return err_set(err, errlen, "the data folder %s is not a folder", path);
	if (sb->st_mode & OTHERS_BITS)
		return err_set(err, errlen,
			       "other users can open the data folder %s (mode %03o). It holds "
			       "people's plans. Check who has read it, then make it the server's "
			       "alone: chmod 700 %s",
			       path, (unsigned)(sb->st_mode & 0777), path);
	return 0;
}

int datadir_check(const char *path, int *fixed, char *err, size_t errlen)
{
	struct stat sb;
	int count = 0, rc;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return err_set(err, errlen, "cannot make the data folder %s: %s", path,
			       strerror(errno));
	if (stat(path, &sb) != 0)
		return err_set(err, errlen, "cannot read the data folder %s: %s", path,
			       strerror(errno));
	if (check_folder(path, &sb, err, errlen))
		return -1;
	rc = fix_folder(path, 1, 0, &count, err, errlen);
	if (fixed)
		*fixed = count;
	return rc;
}

int datadir_inspect(const char *path, int *missing, int *loose, char *err, size_t errlen)
{
	char parent[PATH_LEN];
	struct stat sb;
	size_t len;
	int count = 0, rc;

	*missing = 0;
	*loose = 0;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return err_set(err, errlen, "cannot read the data folder %s: %s", path,
				       strerror(errno));
		/* made at start: its parent must be there, and writable */
		*missing = 1;
		len = strlen(path);
		while (len > 1 && path[len - 1] == '/')
			len--;
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (snprintf(parent, sizeof(parent), "%.*s", len ? (int)len : 1,
			     len ? path : ".") >= (int)sizeof(parent))
			return err_set(err, errlen, "the data folder's name %s is too long", path);
		if (access(parent, W_OK | X_OK) != 0)
			return err_set(err, errlen, "cannot make the data folder %s in %s: %s",
				       path, parent, strerror(errno));
		return 0;
	}
	if (check_folder(path, &sb, err, errlen))
		return -1;
	rc = fix_folder(path, 1, 1, &count, err, errlen);
	*loose = count;
	return rc;
}

int datadir_lock(const char *path, int *fd, char *err, size_t errlen)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*fd = -1;
	if (d < 0)
		return err_set(err, errlen, "cannot open the data folder %s: %s", path,
			       strerror(errno));
	if (flock(d, LOCK_EX | LOCK_NB) != 0) {
		int busy = errno == EWOULDBLOCK;

		if (!busy)
			err_set(err, errlen, "cannot lock the data folder %s: %s", path,
				strerror(errno));
		close(d);
		return busy ? 1 : -1;
	}
	*fd = d;
	return 0;
}

void datadir_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the last descriptor lets the lock go */
}
