/* test_notify: the real server under a service manager's eyes. With NOTIFY_SOCKET naming a
 * datagram socket this test reads (as systemd's Type=notify does), READY=1 arrives once the
 * server answers, WATCHDOG=1 while its loop turns, and STOPPING=1 when SIGTERM stops it. SIGHUP
 * reads the easy-read content again: a changed message reaches new kiosks while a kiosk already
 * open keeps working; a broken change is refused with a log line saying why, and the content
 * before stays in use. The voices too: a changed label is taken, a renamed voice refused. */
#include "check.h"
#include "testsrv.h"
#include "wsclient.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOST	"127.0.0.1"
#define WAIT_MS 10000

static char tmpdir[64], easyread[128], messages[192], voices_dir[128], profiles[192], logpath[128];
static int notify_fd = -1;
static testsrv srv;

/* Waits for a datagram holding `what` (a line such as "READY=1"), skipping others. 1 when it
 * came within WAIT_MS. */
static int notified(const char *what)
{
	long long until = now_ms() + WAIT_MS;
	char buf[512];

	while (now_ms() < until) {
		struct pollfd p = {.fd = notify_fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, (int)(until - now_ms())) <= 0)
			return 0;
		n = recv(notify_fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return 0;
		buf[n] = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (strcmp(line, what) == 0)
				return 1;
	}
	return 0;
}

/* The text of message `name` in a new kiosk's hello (malloc'd), or NULL. */
static char *hello_text(const char *name)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	const char *t =
	    m ? json_str(cJSON_GetObjectItem(json_at(m, "messages"), name), "text") : NULL;
	char *out = t ? strdup(t) : NULL;

	cJSON_Delete(m);
	wsclient_free(c);
	return out;
}

/* The label of the first voice in a new kiosk's hello (malloc'd), or NULL. */
static char *first_voice_label(void)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	cJSON *m = c ? wsclient_recv_json(c, WAIT_MS) : NULL;
	const char *t = m ? json_str(cJSON_GetArrayItem(json_at(m, "voices"), 0), "label") : NULL;
	char *out = t ? strdup(t) : NULL;

	cJSON_Delete(m);
	wsclient_free(c);
	return out;
}

/* Replaces the first line of path starting "name: " with "name: text". */
static void set_line(const char *path, const char *name, const char *text)
{
	FILE *f = fopen(path, "r");
	char *all = NULL, *line = NULL;
	size_t cap = 0, len = 0, linecap = 0, nl = strlen(name);
	ssize_t n;
	int done = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	while ((n = getline(&line, &linecap, f)) > 0) {
		const char *put = line;
		char own[1024];

		if (!done && strncmp(line, name, nl) == 0 && line[nl] == ':') {
			done = 1;
			snprintf(own, sizeof(own), "%s: %s\n", name, text);
			put = own;
		}
		if (len + strlen(put) + 1 > cap) {
			cap = (len + strlen(put) + 1) * 2;
			all = realloc(all, cap);
		}
		memcpy(all + len, put, strlen(put) + 1);
		len += strlen(put);
	}
	fclose(f);
	f = fopen(path, "w");
	CHECK(f && fwrite(all, 1, len, f) == len);
	if (f)
		fclose(f);
	free(all);
	free(line);
}

static void set_message(const char *name, const char *text)
{
	set_line(messages, name, text);
}

/* 1 when the server's log (its stderr) has a line holding both a and b. */
static int logged(const char *a, const char *b)
{
	FILE *f = fopen(logpath, "r");
	char line[4096];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, a) && strstr(line, b);
	if (f)
		fclose(f);
	return found;
}

static void the_server_should_say_ready_once_it_answers_and_then_that_it_is_alive(void)
{
	char body[512];

	CHECK(notified("READY=1"));
	CHECK(http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) == 200);
	/* the unit's watchdog is 3 s here: a ping every second while the loop turns */
	CHECK(notified("WATCHDOG=1"));
	CHECK(notified("WATCHDOG=1"));
}

static void sighup_should_serve_a_changed_message_to_new_kiosks_and_keep_open_ones_working(void)
{
	wsclient *open = wsclient_connect(HOST, srv.port, NULL);
	char *before = hello_text("saved"), *after, changed[256];
	cJSON *m;

	CHECK(open != NULL && before != NULL);
	if (!open || !before)
		goto out;
	cJSON_Delete(wsclient_recv_json(open, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(open, WAIT_MS)); /* the welcome page */
	snprintf(changed, sizeof(changed), "%s here", before);
	set_message("saved", changed);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("RELOADING=1"));
	CHECK(notified("READY=1"));
	after = hello_text("saved");
	CHECK_STR(after, changed);
	free(after);
	CHECK(logged("event=reloaded", "pages"));
	/* the kiosk that was open before answers as ever */
	m = wsclient_ask(open, "{\"type\":\"go\",\"to\":\"next\"}", WAIT_MS);
	CHECK(json_is_msg(m, "page", NULL));
	cJSON_Delete(m);
out:
	free(before);
	wsclient_free(open);
}

/* A new kiosk asks for msg/<name> and reads its narration to the end: whether it came from
 * what the server keeps for everyone (1), was made afresh (0), or never came (-1). */
static int said_from_the_cache(const char *name)
{
	wsclient *c = wsclient_connect(HOST, srv.port, NULL);
	char ask[256], *data = NULL;
	int cached = -1, binary = 0;

	if (!c)
		return -1;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* the welcome page */
	snprintf(ask, sizeof(ask),
		 "{\"type\":\"narrate\",\"seq\":1,\"ids\":[\"msg/%s\"],\"voice\":\"ruth\","
		 "\"speed\":\"normal\"}",
		 name);
	if (wsclient_send_text(c, ask) == 0)
		while (wsclient_recv(c, WAIT_MS, &data, NULL, &binary) == 1) {
			cJSON *m = binary ? NULL : cJSON_Parse(data);
			const char *type = json_str(m, "type");

			free(data);
			if (type && !strcmp(type, "narration"))
				cached = json_bool(m, "cached") == 1;
			if (type && (!strcmp(type, "narration_end") || !strcmp(type, "error"))) {
				cJSON_Delete(m);
				break;
			}
			cJSON_Delete(m);
		}
	wsclient_free(c);
	return cached;
}

/* A message reworded and reloaded is one of the content's fixed texts again: read ahead once, and
 * then heard by everyone from the cache (not made afresh for each kiosk, as a person's own words
 * are). */
static void sighup_should_read_a_changed_message_ahead_for_everyone(void)
{
	char *before = hello_text("bye"), changed[256];
	char body[512];

	CHECK(before != NULL);
	if (!before)
		return;
	snprintf(changed, sizeof(changed), "%s Come again soon.", before);
	set_message("bye", changed);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("READY=1"));
	CHECK(said_from_the_cache("bye") >= 0); /* the first kiosk: read ahead, or made now */
	CHECK(said_from_the_cache("bye") == 1); /* the next: kept for everyone */
	CHECK(http_get(srv.port, "/healthz", NULL, 0, body, sizeof(body)) == 200);
	set_message("bye", before);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("READY=1"));
	free(before);
}

static void sighup_should_refuse_a_broken_message_and_keep_the_content_before(void)
{
	char *before = hello_text("saved"), *after, broken[512] = "";

	CHECK(before != NULL);
	/* twenty words: longer than an easy-read sentence may be */
	for (int i = 0; i < 20; i++)
		strncat(broken, "word ", sizeof(broken) - strlen(broken) - 1);
	set_message("saved", broken);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("RELOADING=1"));
	CHECK(notified("READY=1"));
	after = hello_text("saved");
	CHECK_STR(after, before);
	CHECK(logged("event=reload-refused", "messages.txt"));
	CHECK(testsrv_alive(&srv));
	free(after);
	/* put right, it is taken again */
	set_message("saved", before);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("RELOADING=1") && notified("READY=1"));
	free(before);
}

static void sighup_should_take_a_changed_voice_label_and_refuse_a_renamed_voice(void)
{
	char *before = first_voice_label(), *after, changed[256];

	CHECK(before != NULL);
	if (!before)
		return;
	snprintf(changed, sizeof(changed), "%s here", before);
	/* the label a page shows is the content's (voice.<name>, in each language); a profile's
	 * own label stands in where the content has none */
	set_message("voice.ruth", changed);
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("RELOADING=1") && notified("READY=1"));
	after = first_voice_label();
	CHECK_STR(after, changed);
	free(after);
	/* open kiosks offer the voices by name: a renamed one waits for a restart */
	set_line(profiles, "voice", "someone-new");
	CHECK(kill(srv.pid, SIGHUP) == 0);
	CHECK(notified("RELOADING=1") && notified("READY=1"));
	CHECK(logged("event=reload-refused", "someone-new"));
	after = first_voice_label();
	CHECK_STR(after, changed);
	free(after);
	free(before);
}

static void sigterm_should_say_stopping_and_end_cleanly(void)
{
	int status = testsrv_stop(&srv);

	CHECK(notified("STOPPING=1"));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The notify socket, the content copy and a server whose stderr goes to logpath. */
static int start(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char cmd[512];
	const char *extra[] = {"--easyread", easyread, "--voices", voices_dir, NULL};
	int log_fd, saved_err, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", tmpdir);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd < 0 || bind(notify_fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	setenv("WATCHDOG_USEC", "3000000", 1);
	snprintf(easyread, sizeof(easyread), "%s/easyread", tmpdir);
	snprintf(messages, sizeof(messages), "%s/en-GB/messages.txt", easyread);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/easyread' '%s'", PLANALOUD_SOURCE_DIR, easyread);
	if (system(cmd) != 0)
		return -1;
	snprintf(voices_dir, sizeof(voices_dir), "%s/voices", tmpdir);
	snprintf(profiles, sizeof(profiles), "%s/profiles.txt", voices_dir);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/voices' '%s'", PLANALOUD_SOURCE_DIR, voices_dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/server.log", tmpdir);
	log_fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	saved_err = dup(2);
	if (log_fd < 0 || saved_err < 0)
		return -1;
	dup2(log_fd, 2); /* the server inherits it as its stderr */
	rc = testsrv_start(&srv, PLANALOUD_BINARY, NULL, 0, extra);
	dup2(saved_err, 2);
	close(saved_err);
	close(log_fd);
	return rc;
}

int main(void)
{
	char cmd[128];

	testsrv_watchdog(120);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-notify-XXXXXX");
	if (!mkdtemp(tmpdir) || start()) {
		fprintf(stderr, "the server did not start\n");
		return 1;
	}
	RUN(the_server_should_say_ready_once_it_answers_and_then_that_it_is_alive);
	RUN(sighup_should_serve_a_changed_message_to_new_kiosks_and_keep_open_ones_working);
	RUN(sighup_should_read_a_changed_message_ahead_for_everyone);
	RUN(sighup_should_refuse_a_broken_message_and_keep_the_content_before);
	RUN(sighup_should_take_a_changed_voice_label_and_refuse_a_renamed_voice);
	RUN(sigterm_should_say_stopping_and_end_cleanly);
	testsrv_cleanup(&srv);
	close(notify_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_report();
}
