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

/* Refuses, before the database is opened, everything that can be refused without it. 0 to go
 * on (with *role for add), else main's exit status. */
static int check_args(const char *verb, const char *name, int nargs, const char *role_name,
		      auth_role *role)
{
	static const char *const verbs[] = {"add", "password", "disable", "enable", "list"};
	int wants_name = strcmp(verb, "list") != 0, known = 0;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		known |= strcmp(verb, verbs[i]) == 0;
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
	if (wants_name && !users_name_valid(name)) {
		fprintf(
		    stderr,
		    "planaloud: '%s' cannot be a user name. A user name is 1 to 64 letters (A to "
		    "Z), digits, dots, hyphens or underscores, with no spaces.\n",
		    name);
		return 1;
	}
	if (strcmp(verb, "add") == 0 && (!role_name || auth_role_parse(role_name, role))) {
		fprintf(stderr,
			"planaloud: %s. The role must be caseworker, manager or admin, "
			"e.g. --role caseworker.\n",
			role_name ? "that role does not exist" : "say which role with --role");
		return 1;
	}
	return 0;
}

/* The new password for add and password, read and checked. 0, or -1 (said why). */
static int get_password(const char *verb, const char *name, char *pw, size_t n)
{
	char err[STORE_ERR_LEN];

	if (read_password(name, pw, n)) {
		fprintf(stderr,
			"planaloud: no password came on standard input. Give it on one line, "
			"e.g. planaloud user %s %s ... < password-file\n",
			verb, name);
		return -1;
	}
	if (users_password_acceptable(pw, err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s Nothing was changed.\n", err);
		return -1;
	}
	return 0;
}

/* The accounts in the database under data (made if need be). 0, or -1 (said why). */
static int open_accounts(const char *data, store **st, users **u)
{
	char err[STORE_ERR_LEN + PATH_LEN], path[PATH_LEN];

	if (mkdir(data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "planaloud: cannot make the data folder %s: %s\n", data,
			strerror(errno));
		return -1;
	}
	if (path_join(path, sizeof(path), data, "planaloud.db", err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return -1;
	}
	*st = store_open(path, err, sizeof(err));
	*u = *st ? users_new(*st) : NULL;
	if (!*u) {
		fprintf(stderr, "planaloud: cannot open the database %s: %s\n", path,
			*st ? "out of memory" : err);
		return -1;
	}
	return 0;
}

/* Does what the verb says and tells what was done. 0, or -1 (said why; nothing changed). */
static int run_verb(users *u, const char *verb, const char *name, auth_role role, const char *pw)
{
	char err[STORE_ERR_LEN];
	int r, listed = 0;

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
			r < 0 && strcmp(verb, "list") == 0 ? "The database could not be read."
							   : err);
		return -1;
	}
	if (strcmp(verb, "add") == 0)
		printf("Added %s as a %s.\n", name, auth_role_name(role));
	else if (strcmp(verb, "password") == 0)
		printf("%s has a new password.\n", name);
	else if (strcmp(verb, "disable") == 0)
		printf("%s is disabled: they cannot log in, and their sessions have ended.\n",
		       name);
	else if (strcmp(verb, "enable") == 0)
		printf("%s can log in again.\n", name);
	else if (!listed)
		printf("There are no staff users yet. Add one with: planaloud user add NAME --role "
		       "caseworker\n");
	return 0;
}

int cli_user(const char *data, const char *role_name, int nargs, char **args)
{
	const char *verb = nargs > 0 ? args[0] : "", *name = nargs > 1 ? args[1] : NULL;
	char pw[USERS_PASSWORD_MAX + 3] = "";
	auth_role role = AUTH_CASEWORKER;
	store *st = NULL;
	users *u = NULL;
	int rc;

	rc = check_args(verb, name, nargs, role_name, &role);
	if (rc)
		return rc;
	rc = 1;
	if ((strcmp(verb, "add") == 0 || strcmp(verb, "password") == 0) &&
	    get_password(verb, name, pw, sizeof(pw)))
		goto out;
	if (open_accounts(data, &st, &u) || run_verb(u, verb, name, role, pw))
		goto out;
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	users_free(u);
	store_close(st);
	return rc;
}
