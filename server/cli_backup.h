/* cli_backup: `planaloud backup DEST`, `planaloud restore SRC` and `planaloud check` (see
 * planaloud --help). */
#ifndef PLANALOUD_CLI_BACKUP_H
#define PLANALOUD_CLI_BACKUP_H

/* 1 when word is one of the commands here. */
int cli_backup_is_command(const char *word);

/* The command args[0] with its arguments (nargs in all); data the data folder; keep is --keep's
 * value, or -1 when not given. Prints what it did or why not. Returns main's exit status. */
int cli_backup(const char *data, int keep, int nargs, char **args);

#endif
