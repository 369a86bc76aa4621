/* cli_user: `planaloud user add|password|disable|enable|list`, the staff accounts managed from
 * the command line, on the same database as the server (which may be running: SQLite's locking
 * and the busy timeout keep the two apart). Part of the command line, like main.c: it prints. */
#include "cli_user.h"

#include "auth.h"
#include "path.h"
#include "store.h"
#include "users.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Reads one line from standard input into pw (at least USERS_PASSWORD_MAX + 3 bytes), without its
 * newline; asks for it without echo when standard input is a terminal. 0, or -1 when nothing
 * came. */
static int read_password(const char *name, char *pw, size_t n)
{
	struct termios was, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &was) == 0;
	size_t len;
	char *got;

	if (tty) {
		fprintf(stderr, "Password for %s (at least %d characters): ", name,
			USERS_PASSWORD_MIN);
		quiet = was;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(pw, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &was);
		fputc('\n', stderr);
	}
	if (!got)
		return -1;
	len = strlen(pw);
	if (len && pw[len - 1] == '\n')
		pw[--len] = '\0';
	if (len && pw[len - 1] == '\r')
		pw[--len] = '\0';
	return 0;
}

static void print_user(void *ctx, const char *name, auth_role role, int disabled)
{
	int *n = ctx;

	if ((*n)++ == 0)
		printf("%-24s %-12s %s\n", "NAME", "ROLE", "STATE");
	printf("%-24s %-12s %s\n", name, auth_role_name(role), disabled ? "disabled" : "active");
}

int cli_user(const char *data, const char *role_name, int nargs, char **args)
{
	static const char *const verbs[] = { "add", "password", "disable", "enable", "list" };
	char err[STORE_ERR_LEN + PATH_LEN], path[PATH_LEN], pw[USERS_PASSWORD_MAX + 3];
	const char *verb = nargs > 0 ? args[0] : "", *name = nargs > 1 ? args[1] : NULL;
	int wants_name, known = 0, rc = 1, r = 0, listed = 0;
	auth_role role = AUTH_CASEWORKER;
	store *st = NULL;
	users *u = NULL;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		known |= strcmp(verb, verbs[i]) == 0;
	wants_name = strcmp(verb, "list") != 0;
	if (!known || nargs != (wants_name ? 2 : 1)) {
		fprintf(stderr, "planaloud: say what to do with users: user add NAME --role ROLE, "
				"user password NAME, user disable NAME, user enable NAME, or user "
				"list.\n");
		return 2;
	}
	if (role_name && strcmp(verb, "add") != 0) {
		fprintf(stderr, "planaloud: --role is only for user add.\n");
		return 2;
	}
	/* Everything that can be refused without the database is refused before it is opened. */
	if (wants_name && !users_name_valid(name)) {
		fprintf(stderr,
			"planaloud: '%s' cannot be a user name. A user name is 1 to 64 letters (A to "
			"Z), digits, dots, hyphens or underscores, with no spaces.\n",
			name);
		return 1;
	}
	if (strcmp(verb, "add") == 0 && (!role_name || auth_role_parse(role_name, &role))) {
		fprintf(stderr, "planaloud: %s. The role must be caseworker, manager or admin, "
				"e.g. --role caseworker.\n",
			role_name ? "that role does not exist" : "say which role with --role");
		return 1;
	}
	if (strcmp(verb, "add") == 0 || strcmp(verb, "password") == 0) {
		if (read_password(name, pw, sizeof(pw))) {
			fprintf(stderr, "planaloud: no password came on standard input. Give it on "
					"one line, e.g. planaloud user %s %s ... < password-file\n",
				verb, name);
			goto out;
		}
		if (users_password_acceptable(pw, err, sizeof(err))) {
			fprintf(stderr, "planaloud: %s Nothing was changed.\n", err);
			goto out;
		}
	}
	if (mkdir(data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "planaloud: cannot make the data folder %s: %s\n", data,
			strerror(errno));
		goto out;
	}
	if (path_join(path, sizeof(path), data, "planaloud.db", err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		goto out;
	}
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	if (!u) {
		fprintf(stderr, "planaloud: cannot open the database %s: %s\n", path,
			st ? "out of memory" : err);
		goto out;
	}
	if (strcmp(verb, "add") == 0)
		r = users_add(u, name, role, pw, NULL, NULL, err, sizeof(err));
	else if (strcmp(verb, "password") == 0)
		r = users_set_password(u, name, pw, NULL, err, sizeof(err));
	else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)
		r = users_set_disabled(u, name, strcmp(verb, "disable") == 0, NULL, err,
				       sizeof(err));
	else
		r = users_each(u, print_user, &listed);
	if (r) {
		fprintf(stderr, "planaloud: %s Nothing was changed.\n",
			r < 0 && strcmp(verb, "list") == 0 ? "The database could not be read." : err);
		goto out;
	}
	if (strcmp(verb, "add") == 0)
		printf("Added %s as a %s.\n", name, auth_role_name(role));
	else if (strcmp(verb, "password") == 0)
		printf("%s has a new password.\n", name);
	else if (strcmp(verb, "disable") == 0)
		printf("%s is disabled: they cannot log in, and their sessions have ended.\n", name);
	else if (strcmp(verb, "enable") == 0)
		printf("%s can log in again.\n", name);
	else if (!listed)
		printf("There are no staff users yet. Add one with: planaloud user add NAME --role "
		       "caseworker\n");
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	users_free(u);
	store_close(st);
	return rc;
}

