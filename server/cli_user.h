/* cli_user: the `planaloud user ...` command (see planaloud --help). */
#ifndef PLANALOUD_CLI_USER_H
#define PLANALOUD_CLI_USER_H

/* `planaloud user VERB [NAME]`: args are what follows "user"; role_name is --role's value or
 * NULL; data the data folder. Prints what it did or why not. Returns main's exit status. */
int cli_user(const char *data, const char *role_name, int nargs, char **args);

#endif
