/* planaloud: the server. Reads its flags, checks the content, opens the database, serves.
 * `planaloud user ...` manages staff accounts in the same database instead, and exits. */
#include "auth.h"
#include "code.h"
#include "content.h"
#include "demo.h"
#include "narrate.h"
#include "protocol.h"
#include "store.h"
#include "users.h"
#include "voices.h"
#include "ws.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define AUDIO_CACHE_BYTES ((size_t)256 << 20) /* synthesised audio kept under --data */

#ifndef PLANALOUD_SOURCE_DIR
#define PLANALOUD_SOURCE_DIR "."
#endif

static volatile sig_atomic_t stop;
static ws *server; /* for the signal handler's wake-up only */

/* The synthesis thread's wake-up: the loop then collects the narration. */
static void wake_loop(void *w)
{
	ws_wake(w);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
	if (server)
		ws_wake(server);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: planaloud [options]\n"
		"       planaloud [--data DIR] user add NAME --role caseworker|manager|admin\n"
		"       planaloud [--data DIR] user password|disable|enable NAME\n"
		"       planaloud [--data DIR] user list\n"
		"\n"
		"Serves Plan Aloud: the kiosk page at http://HOST:PORT/, the staff pages at /staff/,\n"
		"and their websockets.\n"
		"\n"
		"Options:\n"
		"  --port N            port to listen on (default 8080; 0 lets the system choose)\n"
		"  --listen ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 for every\n"
		"                      interface, e.g. behind a TLS reverse proxy)\n"
		"  --host NAME         the name kiosks use to reach the server (e.g. plans.council.gov.uk);\n"
		"                      websockets for any other name but localhost are refused\n"
		"  --secure-cookies    the server is reached over HTTPS (a TLS reverse proxy): the\n"
		"                      staff login cookie is marked Secure\n"
		"  --data DIR          where the database and the secret key live (default ./data;\n"
		"                      made on first start)\n"
		"  --demo              add a demo invitation (example needs and budget) and print its\n"
		"                      plan code; add a demo caseworker (" DEMO_CASEWORKER ") and manager\n"
		"                      (" DEMO_MANAGER "), or give them new passwords, and print those\n"
		"  --web DIR           the browser files (default: web/ in the source tree)\n"
		"  --easyread DIR      the easy-read content (default: easyread/ in the source tree)\n"
		"  --voices DIR        voice profiles and pronunciations (default: voices/ in the\n"
		"                      source tree)\n"
		"  --lang LANG         the content language (default en-GB)\n"
		"  --idle-seconds N    kiosk: seconds without input before \"Do you need more time?\"\n"
		"                      (default 120)\n"
		"  --warn-seconds N    kiosk: the countdown before the screen clears (default 30)\n"
		"  --check-content     check the easy-read content and the voice files, say what is\n"
		"                      wrong, and exit\n"
		"  --help              show this help\n"
		"\n"
		"Staff accounts (in the database under --data; the server may be running):\n"
		"  user add NAME --role ROLE\n"
		"                      add a staff user. ROLE is caseworker, manager or admin. NAME is\n"
		"                      1 to 64 letters (A to Z), digits, dots, hyphens or underscores;\n"
		"                      case does not make a different name\n"
		"  user password NAME  give a user a new password\n"
		"  user disable NAME   stop a user logging in, and end their sessions at once\n"
		"  user enable NAME    let a disabled user log in again\n"
		"  user list           every user, with their role, and whether they are disabled\n"
		"  A password is read from standard input: one line, at least 12 characters, at\n"
		"  most 256 bytes (e.g. `planaloud user add sam --role caseworker < file`, or type\n"
		"  it when asked). Every change is written to the audit log.\n");
}

static int make_dir(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* ---- planaloud user ... ---- */

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

/* `planaloud user VERB [NAME]`: args are what follows "user". Returns main's exit status. */
static int user_command(const char *data, const char *role_name, int nargs, char **args)
{
	static const char *const verbs[] = { "add", "password", "disable", "enable", "list" };
	char err[STORE_ERR_LEN], path[4096], pw[USERS_PASSWORD_MAX + 3];
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
	if (make_dir(data)) {
		fprintf(stderr, "planaloud: cannot make the data folder %s: %s\n", data,
			strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/planaloud.db", data);
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

/* Narration moves half a megabyte of audio per text through malloc. By default glibc maps such
 * blocks fresh and hands emptied heap back to the system, so every text's memory was faulted in
 * page by page again, on the loop: twenty cached texts asked for at once took 30 ms to send.
 * Kept (blocks under 32 MiB from the heap, and up to 128 MiB of free heap kept), it took 2 ms
 * (docs/performance.md). The price: memory once used for audio stays the server's. */
static void keep_heap(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

int main(int argc, char **argv)
{
	enum { O_PORT = 1, O_LISTEN, O_HOST, O_DATA, O_DEMO, O_WEB, O_EASYREAD, O_VOICES, O_LANG, O_IDLE,
	       O_WARN, O_CHECK, O_HELP, O_ROLE, O_SECURE };
	static const struct option opts[] = {
		{ "port", required_argument, NULL, O_PORT },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "host", required_argument, NULL, O_HOST },
		{ "data", required_argument, NULL, O_DATA },
		{ "demo", no_argument, NULL, O_DEMO },
		{ "web", required_argument, NULL, O_WEB },
		{ "easyread", required_argument, NULL, O_EASYREAD },
		{ "voices", required_argument, NULL, O_VOICES },
		{ "lang", required_argument, NULL, O_LANG },
		{ "idle-seconds", required_argument, NULL, O_IDLE },
		{ "warn-seconds", required_argument, NULL, O_WARN },
		{ "check-content", no_argument, NULL, O_CHECK },
		{ "help", no_argument, NULL, O_HELP },
		{ "role", required_argument, NULL, O_ROLE },
		{ "secure-cookies", no_argument, NULL, O_SECURE },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1", *data = "data", *lang = "en-GB", *host = NULL;
	const char *web = PLANALOUD_SOURCE_DIR "/web", *easyread = PLANALOUD_SOURCE_DIR "/easyread";
	const char *voices_dir = PLANALOUD_SOURCE_DIR "/voices", *role = NULL;
	int port = 8080, demo = 0, check_only = 0, secure_cookies = 0, opt;
	protocol_config pcfg = { .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20,
				 .address_window = 600 };
	char err[1024], path[4096], pictures[4096], demo_code[CODE_MAX];
	char demo_casey[USERS_GENERATED_TEXT], demo_morgan[USERS_GENERATED_TEXT];
	unsigned char key[CODE_KEY_BYTES];
	content *c = NULL;
	voices *vs = NULL;
	store *st = NULL;
	users *accounts = NULL;
	protocol *proto = NULL;
	staff *workspace = NULL;
	narrator *nar = NULL;
	ws_config wcfg;
	int rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_PORT:
			if (parse_int(optarg, 0, 65535, &port))
				goto bad_flag;
			break;
		case O_LISTEN:
			listen = strcmp(optarg, "0.0.0.0") == 0 ? NULL : optarg;
			break;
		case O_HOST: host = optarg; break;
		case O_DATA: data = optarg; break;
		case O_DEMO: demo = 1; break;
		case O_WEB: web = optarg; break;
		case O_EASYREAD: easyread = optarg; break;
		case O_VOICES: voices_dir = optarg; break;
		case O_LANG: lang = optarg; break;
		case O_IDLE:
			if (parse_int(optarg, 5, 86400, &pcfg.idle_seconds))
				goto bad_flag;
			break;
		case O_WARN:
			if (parse_int(optarg, 5, 600, &pcfg.warn_seconds))
				goto bad_flag;
			break;
		case O_CHECK: check_only = 1; break;
		case O_HELP: usage(stdout); return 0;
		case O_ROLE: role = optarg; break;
		case O_SECURE: secure_cookies = 1; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "user") != 0) {
		fprintf(stderr, "planaloud: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (role && optind == argc) {
		fprintf(stderr, "planaloud: --role is only for user add.\n");
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "planaloud: libsodium could not start\n");
		return 1;
	}
	if (optind < argc)
		return user_command(data, role, argc - optind - 1, argv + optind + 1);
	snprintf(pictures, sizeof(pictures), "%s/pictures", web);
	c = content_load(easyread, lang, pictures, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "planaloud: the easy-read content has a problem:\n  %s\n", err);
		return 1;
	}
	vs = voices_load(voices_dir, err, sizeof(err));
	if (!vs) {
		fprintf(stderr, "planaloud: the voice files have a problem:\n  %s\n", err);
		goto out;
	}
	if (check_only) {
		printf("The easy-read content is fine: %zu pages in %zu parts; %zu voices.\n",
		       content_page_count(c), content_part_count(c), voices_count(vs));
		rc = 0;
		goto out;
	}
	if (make_dir(data)) {
		fprintf(stderr, "planaloud: cannot make the data folder %s: %s\n", data, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/secret.key", data);
	if (code_key_load(path, key, err, sizeof(err))) {
		fprintf(stderr, "planaloud: %s\n", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/planaloud.db", data);
	st = store_open(path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "planaloud: cannot open the database %s: %s\n", path, err);
		goto out;
	}
	accounts = users_new(st);
	if (!accounts) {
		fprintf(stderr, "planaloud: out of memory\n");
		goto out;
	}
	if (demo && demo_staff(accounts, demo_casey, demo_morgan, err, sizeof(err))) {
		fprintf(stderr, "planaloud: cannot make the demo staff users: %s\n", err);
		goto out;
	}
	if (demo && demo_invite(st, c, key, demo_code, err, sizeof(err))) {
		fprintf(stderr, "planaloud: cannot make the demo invitation: %s\n", err);
		goto out;
	}
	proto = protocol_new(c, st, key, &pcfg, ws_protocol_io());
	if (!proto) {
		fprintf(stderr, "planaloud: out of memory\n");
		goto out;
	}
	workspace = staff_new(c, st, accounts, key, ws_protocol_io());
	if (!workspace) {
		fprintf(stderr, "planaloud: out of memory\n");
		goto out;
	}
	wcfg = (ws_config){ .listen = listen, .port = port, .web_dir = web, .host = host,
			    .proto = proto, .st = st, .staff = workspace, .users = accounts,
			    .secure_cookies = secure_cookies };
	server = ws_new(&wcfg, err, sizeof(err));
	if (!server) {
		fprintf(stderr, "planaloud: %s\n", err);
		goto out;
	}
	keep_heap();
	snprintf(path, sizeof(path), "%s/audio", data);
	nar = narrator_open(vs, path, AUDIO_CACHE_BYTES, wake_loop, server, err, sizeof(err));
	if (nar) {
		protocol_set_narrator(proto, nar);
		protocol_prerender(proto);
	} else /* pages work without sound, and say so when someone presses Listen */
		fprintf(stderr, "planaloud: narration is off: %s\n", err);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	printf("Plan Aloud is running.\n");
	printf("  Kiosk page: http://localhost:%d/\n", ws_port(server));
	printf("  Staff pages: http://localhost:%d/staff/\n", ws_port(server));
	printf("  Health:     http://localhost:%d/healthz\n", ws_port(server));
	if (demo) {
		printf("  Demo plan code: %s\n", demo_code);
		printf("  Demo caseworker: %s / %s\n", DEMO_CASEWORKER, demo_casey);
		printf("  Demo manager: %s / %s\n", DEMO_MANAGER, demo_morgan);
	}
	printf("Press Ctrl+C to stop.\n");
	sodium_memzero(demo_code, sizeof(demo_code));
	sodium_memzero(demo_casey, sizeof(demo_casey));
	sodium_memzero(demo_morgan, sizeof(demo_morgan));

	rc = ws_run(server, &stop) ? 1 : 0;
	printf("Stopping.\n");
out:
	/* The synthesis thread wakes the loop: stop it before the loop goes. */
	if (proto)
		protocol_set_narrator(proto, NULL);
	narrator_close(nar);
	ws_free(server);
	server = NULL;
	if (proto && protocol_flush(proto, err, sizeof(err)))
		fprintf(stderr, "planaloud: the last commit failed: %s\n", err);
	protocol_free(proto);
	staff_free(workspace);
	users_free(accounts);
	store_close(st);
	voices_free(vs);
	content_free(c);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(demo_casey, sizeof(demo_casey));
	sodium_memzero(demo_morgan, sizeof(demo_morgan));
	return rc;
bad_flag:
	fprintf(stderr, "planaloud: '%s' is not a valid value for that option\n", optarg);
	usage(stderr);
	return 2;
}
