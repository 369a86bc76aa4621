/* planaloud: the server. Reads its flags, checks the content, opens the database, serves. */
#include "code.h"
#include "content.h"
#include "demo.h"
#include "narrate.h"
#include "protocol.h"
#include "store.h"
#include "voices.h"
#include "ws.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		"\n"
		"Serves Plan Aloud: the kiosk page at http://HOST:PORT/ and its websocket.\n"
		"\n"
		"Options:\n"
		"  --port N            port to listen on (default 8080; 0 lets the system choose)\n"
		"  --listen ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 for every\n"
		"                      interface, e.g. behind a TLS reverse proxy)\n"
		"  --host NAME         the name kiosks use to reach the server (e.g. plans.council.gov.uk);\n"
		"                      websockets for any other name but localhost are refused\n"
		"  --data DIR          where the database and the secret key live (default ./data;\n"
		"                      made on first start)\n"
		"  --demo              add a demo invitation (example needs and budget) and print its\n"
		"                      plan code\n"
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
		"  --help              show this help\n");
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

int main(int argc, char **argv)
{
	enum { O_PORT = 1, O_LISTEN, O_HOST, O_DATA, O_DEMO, O_WEB, O_EASYREAD, O_VOICES, O_LANG, O_IDLE,
	       O_WARN, O_CHECK, O_HELP };
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
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1", *data = "data", *lang = "en-GB", *host = NULL;
	const char *web = PLANALOUD_SOURCE_DIR "/web", *easyread = PLANALOUD_SOURCE_DIR "/easyread";
	const char *voices_dir = PLANALOUD_SOURCE_DIR "/voices";
	int port = 8080, demo = 0, check_only = 0, opt;
	protocol_config pcfg = { .idle_seconds = 120, .warn_seconds = 30, .address_failures = 20,
				 .address_window = 600 };
	char err[1024], path[4096], pictures[4096], demo_code[CODE_MAX];
	unsigned char key[CODE_KEY_BYTES];
	content *c = NULL;
	voices *vs = NULL;
	store *st = NULL;
	protocol *proto = NULL;
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
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "planaloud: libsodium could not start\n");
		return 1;
	}
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
	if (demo && demo_invite(st, c, key, demo_code, err, sizeof(err))) {
		fprintf(stderr, "planaloud: cannot make the demo invitation: %s\n", err);
		goto out;
	}
	proto = protocol_new(c, st, key, &pcfg, ws_protocol_io());
	if (!proto) {
		fprintf(stderr, "planaloud: out of memory\n");
		goto out;
	}
	wcfg = (ws_config){ .listen = listen, .port = port, .web_dir = web, .host = host,
			    .proto = proto, .st = st };
	server = ws_new(&wcfg, err, sizeof(err));
	if (!server) {
		fprintf(stderr, "planaloud: %s\n", err);
		goto out;
	}
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
	printf("  Health:     http://localhost:%d/healthz\n", ws_port(server));
	if (demo)
		printf("  Demo plan code: %s\n", demo_code);
	printf("Press Ctrl+C to stop.\n");
	sodium_memzero(demo_code, sizeof(demo_code));

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
	store_close(st);
	voices_free(vs);
	content_free(c);
	sodium_memzero(key, sizeof(key));
	return rc;
bad_flag:
	fprintf(stderr, "planaloud: '%s' is not a valid value for that option\n", optarg);
	usage(stderr);
	return 2;
}
