#include "path.h"

#include "err.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int path_join(char *out, size_t outlen, const char *dir, const char *name, char *err, size_t errlen)
{
	int n;

	if (outlen == 0)
		return err_set(err, errlen, "no room for a path");
	n = snprintf(out, outlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return err_set(err, errlen, "a path would be longer than %zu characters: %s/%s",
			       outlen - 1, dir, name);
	}
	return 0;
}

int path_exe_dir(char *out, size_t outlen)
{
	ssize_t n;
	char *slash;

	if (outlen < 2)
		return -1;
	n = readlink("/proc/self/exe", out, outlen - 1);
	if (n <= 0 || (size_t)n >= outlen - 1)
		return -1;
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (!out[0]) /* the program is in / */
		return -1;
	return 0;
}
