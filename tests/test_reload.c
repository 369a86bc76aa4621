/* test_reload: the settings file read again on SIGHUP, as a council's IT team would use it
 * (systemctl reload). The real server starts with --config FILE and one setting on the command
 * line. A changed timeout and a changed limit on wrong codes reach kiosks opened after the
 * reload, and the log names the keys that changed; a changed port is logged as needing a restart
 * (and the service manager's status says so) while the server keeps its port; a broken file is
 * refused with its name and line, and every setting before stays; the command line still wins
 * over the file. The log level, who may read /metrics and the cap on connections per address
 * change too; a metrics token file that
 * cannot be read is refused like a broken file. */
#include "check.h"
#include "testsrv.h"
#include "wsclient.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOST	"127.0.0.1"
#define WAIT_MS 10000

static char tmpdir[64], conf[128], logpath[128], status[512];
static int notify_fd = -1;
static testsrv srv;

/* Writes the settings file (mode 0600, as the server asks). */
static void write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	CHECK(chmod(conf, 0600) == 0);
}

/* Waits for a datagram holding the line `what`, skipping others; a STATUS= line in the same
 * datagram goes into status. 1 when it came within WAIT_MS. */
static int notified(const char *what)
{
	long long until = now_ms() + WAIT_MS;
	char buf[1024];

	while (now_ms() < until) {
		struct pollfd p = {.fd = notify_fd, .events = POLLIN};
		ssize_t n;
		int found = 0;

		if (poll(&p, 1, (int)(until - now_ms())) <= 0)
			return 0;
		n = recv(notify_fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return 0;
		buf[n] = 0;
		status[0] = '\0';
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			if (strcmp(line, what) == 0)
				found = 1;
			if (strncmp(line, "STATUS=", 7) == 0)
				snprintf(status, sizeof(status), "%s", line + 7);
		}
		if (found)
			return 1;
	}
	return 0;
}

/* SIGHUP, and waits until the server says the reload is done (taken or refused). */
static int reload(void)
{
	return kill(srv.pid, SIGHUP) == 0 && notified("RELOADING=1") && notified("READY=1");
}

/* How many lines of the server's log (its stderr) hold both a and b. */
static int logged(const char *a, const char *b)
{
	FILE *f = fopen(logpath, "r");
	char line[4096];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, a) && strstr(line, b);
	if (f)
		fclose(f);
	return n;
}

/* A number of the kiosk part of a new kiosk's hello, or -1. */
static int hello_number(const char *name)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	char path[64];
	int v = -1;

	snprintf(path, sizeof(path), "kiosk.%s", name);
	if (m && json_is_msg(m, "hello", NULL))
		v = (int)json_num(m, path, -1);
	cJSON_Delete(m);
	wsclient_free(c);
	return v;
}

/* Wrong codes from a new connection until the server says to slow down: how many it took as
 * merely wrong (at most 10), or -1 when a reply was neither. */
static int wrong_codes_before_slow_down(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	int n = -1;

	if (!c)
		return -1;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* the welcome page */
	for (int k = 0; k < 10 && n < 0; k++) {
		char text[128];
		const char *code;
		cJSON *m;

		snprintf(text, sizeof(text),
			 "{\"type\":\"code\",\"seq\":%d,\"code\":\"apple river boat 239%d\"}", k,
			 k);
		m = wsclient_ask(c, text, WAIT_MS);
		code = m ? json_str(m, "code") : NULL;
		if (code && strcmp(code, "slow-down") == 0)
			n = k;
		else if (!code || strcmp(code, "wrong-code") != 0)
			k = 10;
		cJSON_Delete(m);
	}
	wsclient_free(c);
	return n;
}

static void the_server_should_start_with_the_file_and_the_command_line(void)
{
	CHECK(notified("READY=1"));
	CHECK(hello_number("idle_seconds") == 60);
	CHECK(hello_number("warn_seconds") == 40); /* the command line's, not the file's 50 */
	CHECK(http_get(srv.port, "/metrics", NULL, 0, NULL, 0) == 200); /* loopback, by default */
	CHECK(logged("level=debug", "") == 0);
}

static void a_changed_timeout_and_limit_should_reach_new_kiosks_after_sighup(void)
{
	write_conf("port = 0\nidle-seconds = 75\nwarn-seconds = 55\nwrong-codes-per-address = 2\n"
		   "metrics-allow = 10.0.0.0/8\nlog-level = debug\n");
	CHECK(reload());
	CHECK(strstr(status, "Settings reloaded") != NULL);
	CHECK(strstr(status, "restart") == NULL);
	CHECK(logged("event=settings-reloaded", "idle-seconds") == 1);
	CHECK(logged("event=settings-reloaded", "wrong-codes-per-address") == 1);
	CHECK(logged("event=reload-needs-restart", "") == 0);
	CHECK(hello_number("idle_seconds") == 75);
	/* the command line still wins over the file */
	CHECK(hello_number("warn_seconds") == 40);
	CHECK(logged("event=settings-reloaded", "warn-seconds") == 0);
	/* the new limit holds: two wrong codes, then this address must wait */
	CHECK(wrong_codes_before_slow_down() == 2);
	/* /metrics is for the new range only now; the log says each message, at debug */
	CHECK(http_get(srv.port, "/metrics", NULL, 0, NULL, 0) == 403);
	CHECK(logged("level=debug", "") > 0);
}

static void a_changed_port_should_wait_for_a_restart_and_the_port_stay(void)
{
	int port = srv.port, debug;

	write_conf("port = 1\nidle-seconds = 80\nwarn-seconds = 55\nwrong-codes-per-address = 2\n"
		   "metrics-allow = 10.0.0.0/8\n");
	CHECK(reload());
	debug = logged("level=debug", "");
	CHECK(logged("event=reload-needs-restart", "keys=port") == 1);
	CHECK(strstr(status, "restart") != NULL && strstr(status, "port") != NULL);
	CHECK(http_get(port, "/healthz", NULL, 0, NULL, 0) == 200);
	/* what can change did: the log level is back to its default, info */
	CHECK(hello_number("idle_seconds") == 80);
	CHECK(logged("level=debug", "") == debug);
}

static void a_lower_cap_on_connections_per_address_should_hold_for_new_connections(void)
{
	const wsclient_opts from = {NULL, NULL, "127.0.0.7"};
	wsclient *c[3] = {NULL};

	/* before: the default lets three in from one address */
	for (int i = 0; i < 3; i++)
		CHECK((c[i] = wsclient_open(HOST, srv.port, &from, NULL)) != NULL);
	for (int i = 0; i < 3; i++) {
		wsclient_free(c[i]);
		c[i] = NULL;
	}
	write_conf("port = 1\nidle-seconds = 80\nwarn-seconds = 55\nwrong-codes-per-address = 2\n"
		   "metrics-allow = 10.0.0.0/8\nmax-connections-per-address = 2\n");
	CHECK(reload());
	CHECK(logged("event=settings-reloaded", "max-connections-per-address") == 1);
	/* after: two, and the third is refused (the closed ones may take a moment to go) */
	for (long long until = now_ms() + WAIT_MS; now_ms() < until && !c[1];) {
		wsclient_free(c[0]);
		c[0] = wsclient_open(HOST, srv.port, &from, NULL);
		c[1] = c[0] ? wsclient_open(HOST, srv.port, &from, NULL) : NULL;
	}
	CHECK(c[0] != NULL && c[1] != NULL);
	c[2] = wsclient_open(HOST, srv.port, &from, NULL);
	CHECK(c[2] == NULL);
	for (int i = 0; i < 3; i++)
		wsclient_free(c[i]);
}

static void a_broken_file_should_be_refused_with_its_line_and_change_nothing(void)
{
	char where[160];
	const char *name = strrchr(conf, '/') + 1;

	/* line 3 has no "=" */
	write_conf("port = 0\nidle-seconds = 90\nwarn-seconds 55\nwrong-codes-per-address = 9\n");
	CHECK(reload());
	snprintf(where, sizeof(where), "%s:3", name);
	CHECK(logged("event=reload-refused", where) == 1);
	CHECK(strstr(status, "not reloaded") != NULL);
	CHECK(hello_number("idle_seconds") == 80);
	CHECK(hello_number("warn_seconds") == 40);
	/* the old limit still counts: this address used its two wrong codes already */
	CHECK(wrong_codes_before_slow_down() == 0);
	/* a value out of range: refused too, with its line */
	write_conf("port = 0\nidle-seconds = 1\n");
	CHECK(reload());
	snprintf(where, sizeof(where), "%s:2", name);
	CHECK(logged("event=reload-refused", where) == 1);
	CHECK(hello_number("idle_seconds") == 80);
	/* a metrics token file that cannot be read: refused, the access before kept */
	write_conf("port = 0\nidle-seconds = 95\nmetrics-token-file = /nonexistent/token\n");
	CHECK(reload());
	CHECK(logged("event=reload-refused", "metrics token file") == 1);
	CHECK(hello_number("idle_seconds") == 80);
	CHECK(http_get(srv.port, "/metrics", NULL, 0, NULL, 0) == 403);
	CHECK(testsrv_alive(&srv));
}

static void sigterm_should_end_cleanly_after_reloads(void)
{
	int rc = testsrv_stop(&srv);

	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

/* The notify socket, the file and a server whose stderr goes to logpath. */
static int start(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *extra[] = {"--config", conf, "--warn-seconds", "40", NULL};
	int log_fd, saved_err, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", tmpdir);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd < 0 || bind(notify_fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	snprintf(conf, sizeof(conf), "%s/reload.conf", tmpdir);
	write_conf(
	    "port = 0\nidle-seconds = 60\nwarn-seconds = 50\nwrong-codes-per-address = 20\n");
	snprintf(logpath, sizeof(logpath), "%s/server.log", tmpdir);
	log_fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	saved_err = dup(2);
	if (log_fd < 0 || saved_err < 0)
		return -1;
	dup2(log_fd, 2); /* the server inherits it as its stderr */
	rc = testsrv_start_on(&srv, PLANALOUD_BINARY, NULL, -1, 0, extra);
	dup2(saved_err, 2);
	close(saved_err);
	close(log_fd);
	return rc;
}

int main(void)
{
	char cmd[128];

	testsrv_watchdog(120);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-reload-XXXXXX");
	if (!mkdtemp(tmpdir) || start()) {
		fprintf(stderr, "the server did not start\n");
		return 1;
	}
	RUN(the_server_should_start_with_the_file_and_the_command_line);
	RUN(a_changed_timeout_and_limit_should_reach_new_kiosks_after_sighup);
	RUN(a_changed_port_should_wait_for_a_restart_and_the_port_stay);
	RUN(a_lower_cap_on_connections_per_address_should_hold_for_new_connections);
	RUN(a_broken_file_should_be_refused_with_its_line_and_change_nothing);
	RUN(sigterm_should_end_cleanly_after_reloads);
	testsrv_cleanup(&srv);
	close(notify_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_report();
}
