/* test_configfile: the real program with a configuration file, as a council's IT team would use
 * it. `--check-config` passes on a good file, saying where each setting came from and changing
 * nothing; it fails with the file and the line on a bad one, and runs the start-up checks (data
 * folder, TLS key, plain HTTP) that need no listening socket; a bad file stops the server too;
 * and the server started with a file listens on the file's port and gives the kiosk the file's
 * settings (its timeouts, headphones and limit on wrong codes), with the command line winning
 * over the file. */
#include "check.h"
#include "runbin.h"
#include "wsclient.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

/* tmpdir/name with text, mode 0600 (or mode); its path into path. */
static void write_file(char *path, size_t n, const char *name, const char *text, mode_t mode)
{
	FILE *f;

	snprintf(path, n, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	CHECK(chmod(path, mode) == 0);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_mode & 0777 : (mode_t)-1;
}

/* The line of out that starts with "  key " (the setting's line of the report), or NULL. */
static const char *setting_line(const char *out, const char *key, char *line, size_t n)
{
	char pat[96];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\n  %s ", key);
	p = strstr(out, pat);
	if (!p)
		return NULL;
	p++;
	end = strchr(p, '\n');
	snprintf(line, n, "%.*s", end ? (int)(end - p) : (int)strlen(p), p);
	return line;
}

/* The report's line for key holds `value` and `from`. */
static int reported(const ran *r, const char *key, const char *value, const char *from)
{
	char line[512];
	int ok = setting_line(r->out, key, line, sizeof(line)) && strstr(line, value) &&
		 strstr(line, from);

	if (!ok)
		fprintf(stderr, "  expected %s = %s from %s; the report:\n%s\n", key, value, from,
			r->out);
	return ok;
}

/* A refusal: exit status `status`, and stderr a "planaloud: " sentence starting with `start`
 * (after that prefix) and holding `about`. */
static int refused(const ran *r, int status, const char *start, const char *about)
{
	int ok = r->status == status && strncmp(r->err, "planaloud: ", 11) == 0 &&
		 strncmp(r->err + 11, start, strlen(start)) == 0 && strstr(r->err, about) &&
		 !strstr(r->out, "is running");

	if (!ok)
		fprintf(stderr, "  expected exit %d, \"planaloud: %s...%s\"; exit %d, stderr: %s\n",
			status, start, about, r->status, r->err);
	return ok;
}

static void check_config_should_pass_and_say_where_each_setting_came_from(void)
{
	char conf[128], data[128], where[160], text[512];
	ran r;

	snprintf(data, sizeof(data), "%s/data-good", tmpdir);
	snprintf(text, sizeof(text),
		 "# Plan Aloud at the library\n"
		 "port = 8181\n"
		 "idle-seconds = 45\n"
		 "data = \"%s\"\n"
		 "headphones = yes\n"
		 "demo = no\n",
		 data);
	write_file(conf, sizeof(conf), "good.conf", text, 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config", "--warn-seconds", "12",
		"--idle-seconds", "50");
	CHECK(r.status == 0);
	CHECK(r.err[0] == '\0');
	snprintf(where, sizeof(where), "%s:2", conf);
	CHECK(reported(&r, "port", "8181", where));
	CHECK(reported(&r, "idle-seconds", "50", "command line")); /* the command line wins */
	snprintf(where, sizeof(where), "%s:5", conf);
	CHECK(reported(&r, "headphones", "yes", where));
	CHECK(reported(&r, "warn-seconds", "12", "command line"));
	CHECK(reported(&r, "new-plans-per-hour", "300", "default"));
	CHECK(reported(&r, "demo", "no", conf));
	/* checking changed nothing: the data folder it would make is not made */
	CHECK(access(data, F_OK) != 0);
	/* keys only for the command line are not listed as settings */
	CHECK(strstr(r.out, "\n  check-config ") == NULL && strstr(r.out, "\n  help ") == NULL);
	/* without --config, no file is read, and the report says so */
	RUN_BIN(&r, NULL, "--check-config", "--data", data);
	CHECK(r.status == 0);
	CHECK(reported(&r, "port", "8080", "default"));
	CHECK(strstr(r.out, "--config FILE") != NULL);
}

static void check_config_should_fail_with_the_file_and_the_line(void)
{
	char conf[128], start[192];
	ran r;

	write_file(conf, sizeof(conf), "bad.conf",
		   "port = 8181\n\n# keep drafts for a year\nretain-drafts-days = 99999\n", 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	snprintf(start, sizeof(start), "%s:4: 'retain-drafts-days'", conf);
	CHECK(refused(&r, 2, start, "0 to 36500"));
	CHECK(strstr(r.err, "99999") != NULL);
	CHECK(strstr(r.out, "Settings") == NULL); /* no report of settings not in force */
	/* the server itself will not start with it either */
	RUN_BIN(&r, NULL, "--config", conf, "--port", "0");
	CHECK(refused(&r, 2, start, "0 to 36500"));

	write_file(conf, sizeof(conf), "unknown.conf", "port = 8181\nkiosk-colour = blue\n", 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	snprintf(start, sizeof(start), "%s:2: 'kiosk-colour'", conf);
	CHECK(refused(&r, 2, start, "--help"));

	write_file(conf, sizeof(conf), "nokey.conf", "port 8181\n", 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	snprintf(start, sizeof(start), "%s:1: ", conf);
	CHECK(refused(&r, 2, start, "'='"));

	write_file(conf, sizeof(conf), "shared.conf", "port = 8181\n", 0664);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(refused(&r, 2, "other users can change", "chmod go-w"));

	snprintf(conf, sizeof(conf), "%s/missing.conf", tmpdir);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(refused(&r, 1, "cannot read the configuration file", conf));
}

static void check_config_should_run_the_start_up_checks_and_change_nothing(void)
{
	char conf[128], data[128], key[128], cert[128], text[512];
	ran r;

	snprintf(data, sizeof(data), "%s/data-open", tmpdir);
	CHECK(mkdir(data, 0755) == 0 && chmod(data, 0755) == 0);
	snprintf(text, sizeof(text), "data = %s\n", data);
	write_file(conf, sizeof(conf), "open.conf", text, 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(r.status == 1);
	CHECK(strstr(r.err, data) && strstr(r.err, "chmod 700"));
	CHECK(mode_of(data) == 0755); /* a person decides */

	write_file(cert, sizeof(cert), "cert.pem", "not checked here\n", 0644);
	write_file(key, sizeof(key), "key.pem", "not checked here\n", 0644);
	snprintf(data, sizeof(data), "%s/data-tls", tmpdir);
	snprintf(text, sizeof(text), "data = %s\ntls-cert = %s\ntls-key = %s\n", data, cert, key);
	write_file(conf, sizeof(conf), "tls.conf", text, 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(r.status == 1);
	CHECK(strstr(r.err, key) && strstr(r.err, "chmod 600"));
	CHECK(mode_of(key) == 0644);
	CHECK(chmod(key, 0600) == 0);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(r.status == 0);
	CHECK(reported(&r, "tls-key", key, conf)); /* a key's path is no secret */

	snprintf(text, sizeof(text), "data = %s\nlisten = 0.0.0.0\n", data);
	write_file(conf, sizeof(conf), "plain.conf", text, 0600);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config");
	CHECK(r.status == 2);
	CHECK(strstr(r.err, "--allow-plain-http") != NULL);
	RUN_BIN(&r, NULL, "--config", conf, "--check-config", "--allow-plain-http");
	CHECK(r.status == 0);
	CHECK(access(data, F_OK) != 0); /* never made by a check */
}

/* A port nothing listens on now (the kernel's choice, let go at once). */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* The kiosk part of hello on a new connection to s, or NULL. cJSON_Delete() it. */
static cJSON *hello(const testsrv *s)
{
	wsclient *c = wsclient_connect("127.0.0.1", s->port, NULL);
	cJSON *m = c ? wsclient_recv_json(c, 5000) : NULL;

	wsclient_free(c);
	if (m && !json_is_msg(m, "hello", NULL)) {
		cJSON_Delete(m);
		m = NULL;
	}
	return m;
}

/* Wrong codes from one connection until the server says to slow down: how many it took as
 * merely wrong (at most 10), or -1 when a reply was neither. */
static int wrong_codes_before_slow_down(const testsrv *s)
{
	wsclient *c = wsclient_connect("127.0.0.1", s->port, NULL);
	int n = -1;

	if (!c)
		return -1;
	cJSON_Delete(wsclient_recv_json(c, 5000)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, 5000)); /* the welcome page */
	for (int k = 0; k < 10; k++) {
		char text[128];
		const char *code;
		cJSON *m;

		snprintf(text, sizeof(text),
			 "{\"type\":\"code\",\"seq\":%d,\"code\":\"apple river boat 239%d\"}", k,
			 k);
		m = wsclient_ask(c, text, 5000);
		code = m ? json_str(m, "code") : NULL;
		if (code && strcmp(code, "slow-down") == 0)
			n = k;
		else if (!code || strcmp(code, "wrong-code") != 0)
			k = 10;
		cJSON_Delete(m);
		if (n >= 0)
			break;
	}
	wsclient_free(c);
	return n;
}

static void the_server_should_serve_with_the_file_s_settings(void)
{
	char conf[128], data[128], text[256];
	const char *const with_file[] = {"--config", conf, NULL};
	const char *const overridden[] = {"--config", conf, "--warn-seconds", "20", NULL};
	int port = free_port();
	testsrv s;
	cJSON *m;

	CHECK(port > 0);
	snprintf(data, sizeof(data), "%s/data-serve", tmpdir);
	snprintf(text, sizeof(text),
		 "port = %d\nidle-seconds = 45\nwarn-seconds = 12\nheadphones = yes\n"
		 "wrong-codes-per-address = 2\n",
		 port);
	write_file(conf, sizeof(conf), "serve.conf", text, 0600);
	/* no --port on the command line: the file's port */
	CHECK(testsrv_start_on(&s, PLANALOUD_BINARY, data, -1, 0, with_file) == 0);
	CHECK(s.port == port);
	CHECK(http_get(port, "/healthz", NULL, 0, NULL, 0) == 200);
	m = hello(&s);
	CHECK(json_num(m, "kiosk.idle_seconds", 0) == 45);
	CHECK(json_num(m, "kiosk.warn_seconds", 0) == 12);
	CHECK(json_str(m, "kiosk.headphones") &&
	      strcmp(json_str(m, "kiosk.headphones"), "yes") == 0);
	cJSON_Delete(m);
	/* the file's limit on wrong codes: two, and then the address must wait */
	CHECK(wrong_codes_before_slow_down(&s) == 2);
	CHECK(testsrv_stop(&s) == 0);
	/* the command line wins over the file */
	CHECK(testsrv_start_on(&s, PLANALOUD_BINARY, data, -1, 0, overridden) == 0);
	m = hello(&s);
	CHECK(json_num(m, "kiosk.idle_seconds", 0) == 45);
	CHECK(json_num(m, "kiosk.warn_seconds", 0) == 20);
	cJSON_Delete(m);
	CHECK(testsrv_stop(&s) == 0);
}

int main(void)
{
	testsrv_watchdog(120);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-configfile-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(check_config_should_pass_and_say_where_each_setting_came_from);
	RUN(check_config_should_fail_with_the_file_and_the_line);
	RUN(check_config_should_run_the_start_up_checks_and_change_nothing);
	RUN(the_server_should_serve_with_the_file_s_settings);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return check_report();
}
