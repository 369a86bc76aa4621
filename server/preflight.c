/* preflight: the checks made before the server listens, and planaloud --check-config's report
 * of the settings in force (preflight.h). */
#include "preflight.h"

#include "datadir.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when addr is a loopback address (localhost, 127.x.x.x, ::1): only this machine reaches it. */
static int loopback(const char *addr)
{
	return addr && (strcmp(addr, "localhost") == 0 || strncmp(addr, "127.", 4) == 0 ||
			strcmp(addr, "::1") == 0);
}

/* The TLS files, if any: both given, readable, and the key the server's user's alone. 0; else
 * main's exit status (said why). */
static int check_tls_files(const app_config *a)
{
	struct stat sb;

	if (!a->tls_cert != !a->tls_key) {
		fprintf(stderr, "planaloud: --tls-cert and --tls-key go together: give both, or "
				"neither.\n");
		return 2;
	}
	if (a->redirect_port && !a->tls_cert) {
		fprintf(stderr, "planaloud: --redirect-port sends plain HTTP to HTTPS, so it needs "
				"--tls-cert and --tls-key.\n");
		return 2;
	}
	if (!a->tls_cert)
		return 0;
	if (access(a->tls_cert, R_OK) != 0) {
		fprintf(stderr, "planaloud: cannot read the TLS certificate %s: %s\n", a->tls_cert,
			strerror(errno));
		return 1;
	}
	if (stat(a->tls_key, &sb) != 0 || access(a->tls_key, R_OK) != 0) {
		fprintf(stderr, "planaloud: cannot read the TLS key %s: %s\n", a->tls_key,
			strerror(errno));
		return 1;
	}
	if (sb.st_mode & 077) {
		fprintf(stderr,
			"planaloud: other users can read the TLS key %s (mode %03o). With it, "
			"anyone could pretend to be this server. Make it the server's user's "
			"alone: chmod 600 %s\n",
			a->tls_key, (unsigned)(sb.st_mode & 0777), a->tls_key);
		return 1;
	}
	return 0;
}

/* How browsers reach the server: TLS that fits together, and no plain HTTP open to the network
 * unless a TLS proxy is said to be in front. 0; else main's exit status (said why). */
static int check_transport(const options *o)
{
	const app_config *a = &o->app;
	int rc = check_tls_files(a);

	if (rc || a->tls_cert)
		return rc;
	if (!loopback(a->listen) && !o->allow_plain && !a->secure_cookies && !a->trusted_proxy) {
		fprintf(
		    stderr,
		    "planaloud: plain HTTP on %s would carry staff passwords and people's "
		    "plans unencrypted over the network. Give --tls-cert and --tls-key, or "
		    "--trusted-proxy (or --allow-plain-http) when a TLS proxy is in front of the "
		    "server.\n",
		    a->listen ? a->listen : "every interface");
		return 2;
	}
	return 0;
}

int preflight_transport(const options *o)
{
	return check_transport(o);
}

/* Every option that a file may set, with its value and where it came from. */
static void print_settings(const options *o, FILE *out)
{
	const char *file = o->file ? config_name(o->file) : NULL;

	if (file)
		fprintf(out, "Settings, from %s and the command line:\n", file);
	else
		fprintf(out, "Settings, from the command line (no configuration file was read: "
			     "--config FILE names one):\n");
	for (int i = 0; options_name(i); i++) {
		const char *key = options_name(i);
		char value[PATH_LEN + 64], from[PATH_LEN + 32];

		if (options_file_refuses(key))
			continue;
		if (i < OPTIONS_MAX && o->given[i]) {
			options_show(key, o->given[i], value, sizeof(value));
			if (o->given_line[i])
				snprintf(from, sizeof(from), "%s:%d", file, o->given_line[i]);
			else
				snprintf(from, sizeof(from), "command line");
		} else {
			usage_default(key, value, sizeof(value));
			if (!value[0])
				snprintf(value, sizeof(value), "%s",
					 options_takes_value(i) ? "(not set)" : "no");
			snprintf(from, sizeof(from), "default");
		}
		fprintf(out, "  %-28s = %-24s (%s)\n", key, value, from);
	}
}

/* The data folder as start-up would find it, changing nothing. 0, or 1 (said why). */
static int check_data(const options *o, FILE *out)
{
	char err[2 * PATH_LEN];
	int missing, loose;

	if (datadir_inspect(o->app.data, &missing, &loose, err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	if (missing)
		fprintf(out,
			"  The data folder %s is not there yet: it will be made, private, at "
			"start.\n",
			o->app.data);
	else if (loose)
		fprintf(out,
			"  The data folder %s is private; %d files in it that others could use "
			"will be made private at start.\n",
			o->app.data, loose);
	else
		fprintf(out, "  The data folder %s is private.\n", o->app.data);
	return 0;
}

/* The content, the voices and the browser files. 0, or 1 (said why). */
static int check_files(const options *o, FILE *out)
{
	char err[2 * PATH_LEN], summary[128];
	struct stat sb;

	if (stat(o->app.web, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "planaloud: the browser files' folder %s is not there (--web)\n",
			o->app.web);
		return 1;
	}
	if (app_check_content(&o->app, summary, sizeof(summary), err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		return 1;
	}
	fprintf(out, "  The easy-read content (%s, %s) is fine: %s.\n", o->app.easyread,
		o->app.lang, summary);
	fprintf(out, "  The voices are in %s; the browser files in %s.\n", o->app.voices,
		o->app.web);
	return 0;
}

int preflight_report(const options *o, FILE *out)
{
	int rc, worst;

	print_settings(o, out);
	fprintf(out, "Checks:\n");
	worst = check_transport(o);
	if (!worst && o->app.tls_cert)
		fprintf(out, "  HTTPS: the certificate and the key can be read, and the key is "
			     "private.\n");
	else if (!worst && loopback(o->app.listen))
		fprintf(out, "  Plain HTTP on %s, which only this machine can reach.\n",
			o->app.listen);
	else if (!worst)
		fprintf(out, "  Plain HTTP on %s, with a TLS proxy said to be in front.\n",
			o->app.listen ? o->app.listen : "every interface");
	rc = check_data(o, out);
	worst = rc > worst ? rc : worst;
	rc = check_files(o, out);
	worst = rc > worst ? rc : worst;
	if (worst)
		fprintf(out, "The settings are not ready: see what is wrong above.\n");
	else
		fprintf(out, "The settings are fine: the server would start with them.\n");
	return worst;
}
