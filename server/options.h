/* options: the server's settings, from the configuration file (--config FILE, config.h) and the
 * command line, through one table of options (options.c: the enum O_..., long_options,
 * take_option and take_number; the help, usage_text, is usage.c's). Every long option is also a key
 * of the file, with the same checks; the file is read first and the command line after it, so the
 * command line wins. Keys that make no sense in a file (help, check-content, check-config, config,
 * role) are refused there.
 *
 * The app_config's strings are borrowed from argv and from the file's settings: both must live
 * until options_release. */
#ifndef PLANALOUD_OPTIONS_H
#define PLANALOUD_OPTIONS_H

#include "app.h"
#include "config.h"
#include "path.h"

#include <stddef.h>
#include <stdio.h>

#define OPTIONS_MAX  128 /* options in the table, at most */
#define OPTIONS_HELP -1	 /* options_parse: --help was asked for (and printed) */

typedef struct options {
	app_config app;
	int check_only;		 /* --check-content */
	int check_config;	 /* --check-config */
	int allow_plain;	 /* --allow-plain-http */
	const char *role;	 /* user add --role */
	int user_args;		 /* argv index of "user" (or backup, restore, check), or 0 */
	int keep;		 /* backup --keep, or -1 */
	const char *config_path; /* --config FILE, or NULL: no file is read */
	config *file;		 /* what was read from it; owned */
	char web[PATH_LEN], easyread[PATH_LEN], voices[PATH_LEN];
	/* Where each option of the table (by its index) was given: its value as written (NULL
	 * when not given: the default), and its line in the file (0: the command line). */
	const char *given[OPTIONS_MAX];
	int given_line[OPTIONS_MAX];
	char why[256]; /* why take_option refused the last value, in plain words; or "" */
} options;

/* The defaults, with web/, easyread/ and voices/ in share (a folder, copied). 0, or -1 when
 * share is too long a path. Release with options_release. */
int options_init(options *o, const char *share);
/* Reads --config's file, if given, then the rest of the command line into o (argv is borrowed
 * until options_release, and permuted as getopt does). 0 to go on; OPTIONS_HELP when --help
 * was printed; else main's exit status: 1 when the file could not be read, 2 for a bad setting
 * or option, with the reason in err ("" when getopt has already said it on stderr; then the
 * usage belongs on stderr too). Values never appear in err for secret keys
 * (options_secret). */
int options_parse(options *o, int argc, char **argv, char *err, size_t errlen);
/* Frees what options_parse read. options_release on an options never parsed is a no-op. */
void options_release(options *o);

/* The table's long options, one by one: the name of the i-th (NULL past the end), and whether
 * it takes a value (0: a flag). */
const char *options_name(int i);
int options_takes_value(int i);
/* 1 when key cannot be set in the file (help, check-content, ...). */
int options_file_refuses(const char *key);
/* 1 when the value of option key must never be printed (tokens, passwords, secrets, webhook
 * addresses that carry one). */
int options_secret(const char *key);
/* value of option key as it may be printed, into out (n bytes): a secret's never ("(set;
 * secret, not shown)"); a user and password inside an address (smtp://user:pw@host) hidden. */
void options_show(const char *key, const char *value, char *out, size_t n);

#endif
