/* test_options: the configuration file and the command line through the one table of options
 * (options.c): every long option is a key; the file first, then the command line, which wins;
 * switches as yes/no; keys that only make sense on the command line, unknown keys and bad values
 * refused with the file's name, the line, the key and the option's own rule; secrets never
 * repeated; and each option's default as the help says it. */
#include "check.h"
#include "options.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char tmpdir[64], conf[128], err[1024];
static options o;

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

/* options_parse of the NULL-terminated arguments (after the program's name) into o, freshly
 * initialised; returns its status. o is released by the next call (or at the end). */
static int parse_args(const char *const *args)
{
	char *argv[32];
	int argc = 0;

	options_release(&o);
	CHECK(options_init(&o, "/usr/share/planaloud") == 0);
	argv[argc++] = (char *)"planaloud";
	for (int i = 0; args[i] && argc < 31; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	err[0] = '\0';
	return options_parse(&o, argc, argv, err, sizeof(err));
}

#define PARSE(...) parse_args((const char *const[]){__VA_ARGS__, NULL})

/* The index of option key in the table, or -1. */
static int index_of(const char *key)
{
	for (int i = 0; options_name(i); i++)
		if (strcmp(options_name(i), key) == 0)
			return i;
	return -1;
}

static void without_config_no_file_should_be_read_and_defaults_hold(void)
{
	CHECK(PARSE("--port", "9000") == 0);
	CHECK(o.file == NULL);
	CHECK(o.config_path == NULL);
	CHECK(o.app.port == 9000);
	CHECK(o.app.kiosk.idle_seconds == 120);
	CHECK_STR(o.app.web, "/usr/share/planaloud/web");
	CHECK(o.given[index_of("port")] != NULL && o.given_line[index_of("port")] == 0);
	CHECK(o.given[index_of("idle-seconds")] == NULL);
}

static void every_setting_should_come_from_the_file_with_its_line(void)
{
	write_conf("# a council's kiosk server\n"
		   "port = 8443\n"
		   "idle-seconds = 60\n"
		   "warn-seconds = 15\n"
		   "data = \"/var/lib/plan aloud\"\n"
		   "headphones = yes\n"
		   "switch-keys = F2,F4\n"
		   "wrong-codes-per-address = 5\n"
		   "retain-drafts-days = 0\n"
		   "trusted-proxy = 127.0.0.1,10.0.0.0/8\n"
		   "listen = 0.0.0.0\n");
	CHECK(PARSE("--config", conf) == 0);
	CHECK(o.file != NULL);
	CHECK(o.app.port == 8443);
	CHECK(o.app.kiosk.idle_seconds == 60);
	CHECK(o.app.kiosk.warn_seconds == 15);
	CHECK_STR(o.app.data, "/var/lib/plan aloud");
	CHECK(o.app.kiosk.headphones == 1);
	CHECK_STR(o.app.kiosk.switch_keys, "F2,F4");
	CHECK(o.app.kiosk.address_failures == 5);
	CHECK(o.app.retain.drafts_days == 0);
	CHECK_STR(o.app.trusted_proxy, "127.0.0.1,10.0.0.0/8");
	CHECK(o.app.listen == NULL); /* every interface */
	CHECK(o.given_line[index_of("port")] == 2);
	CHECK(o.given_line[index_of("listen")] == 11);
	CHECK_STR(o.given[index_of("data")], "/var/lib/plan aloud");
}

static void the_command_line_should_win_over_the_file(void)
{
	write_conf("port = 8443\nidle-seconds = 60\nheadphones = yes\n");
	/* before the --config or after it: the command line comes second either way */
	CHECK(PARSE("--port", "9000", "--config", conf, "--headphones", "ask") == 0);
	CHECK(o.app.port == 9000);
	CHECK(o.app.kiosk.headphones == 0);
	CHECK(o.app.kiosk.idle_seconds == 60);
	CHECK(o.given_line[index_of("port")] == 0);
	CHECK_STR(o.given[index_of("port")], "9000");
	CHECK(o.given_line[index_of("idle-seconds")] == 2);
}

static void switches_should_be_yes_or_no(void)
{
	write_conf("demo = yes\nsecure-cookies = TRUE\nallow-plain-http = no\n");
	CHECK(PARSE("--config", conf) == 0);
	CHECK(o.app.demo == 1);
	CHECK(o.app.secure_cookies == 1);
	CHECK(o.allow_plain == 0);
	CHECK_STR(o.given[index_of("allow-plain-http")], "no");
	CHECK(o.given_line[index_of("allow-plain-http")] == 3);
	write_conf("demo = false\n");
	CHECK(PARSE("--config", conf) == 0);
	CHECK(o.app.demo == 0);
	write_conf("port = 1\ndemo = maybe\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":2: 'demo'") && strstr(err, "demo = yes"));
	CHECK(o.app.demo == 0);
	write_conf("demo =\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":1: 'demo'") != NULL);
}

static void a_bad_value_should_say_file_line_key_rule_and_value(void)
{
	char want[256];

	write_conf("port = 8080\n\n# the schedule\nretain-drafts-days = 99999\n");
	CHECK(PARSE("--config", conf) == 2);
	snprintf(want, sizeof(want),
		 "%s:4: 'retain-drafts-days' must be a whole number from 0 to 36500", conf);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	CHECK(strstr(err, "'99999'") != NULL);
	write_conf("headphones = always\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":1: 'headphones' must be yes or ask") && strstr(err, "'always'"));
	write_conf("\nswitch-keys = Space,Space\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":2: 'switch-keys' must be one or two different key names") != NULL);
	write_conf("trusted-proxy = 10.0.0.0/99\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":1: 'trusted-proxy' must be addresses or ranges") != NULL);
	write_conf("host =\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":1: 'host' has no value") != NULL);
	/* and on the command line, the same rule */
	CHECK(PARSE("--idle-seconds", "3") == 2);
	CHECK(strstr(err, "--idle-seconds: '3' is not a valid value: it must be a whole number "
			  "from 5 to 86400") != NULL);
}

static void unknown_and_command_line_only_keys_should_be_refused(void)
{
	static const char *const only[] = {"help", "check-content", "check-config", "config",
					   "role"};
	char text[128];

	write_conf("port = 8080\nidle_seconds = 60\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":2: 'idle_seconds' is not a setting") != NULL);
	CHECK(strstr(err, "did you mean 'idle-seconds'") != NULL);
	write_conf("colour = blue\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, ":1: 'colour' is not a setting") != NULL);
	for (size_t i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
		CHECK(options_file_refuses(only[i]));
		snprintf(text, sizeof(text), "# x\n%s = %s\n", only[i],
			 index_of(only[i]) >= 0 && options_takes_value(index_of(only[i]))
			     ? "something"
			     : "yes");
		write_conf(text);
		CHECK(PARSE("--config", conf) == 2);
		CHECK(strstr(err, ":2: '") && strstr(err, only[i]) &&
		      strstr(err, "command line only"));
	}
	CHECK(!options_file_refuses("port"));
}

static void a_file_that_cannot_be_read_or_is_bad_should_stop_start_up(void)
{
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/nowhere.conf", tmpdir);
	CHECK(PARSE("--config", missing) == 1);
	CHECK(strstr(err, "cannot read the configuration file") && strstr(err, missing));
	write_conf("port 8080\n");
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, conf) == err && strstr(err, ":1: ") != NULL);
	write_conf("port = 8080\n");
	CHECK(chmod(conf, 0666) == 0);
	CHECK(PARSE("--config", conf) == 2);
	CHECK(strstr(err, "other users can change") != NULL);
}

static void every_long_option_should_be_a_key_of_the_file(void)
{
	int n = 0;

	/* each option the file may hold, given a value it refuses: the error is about that key's
	 * value (so the key itself was known), never "not a setting" */
	for (int i = 0; options_name(i); i++, n++) {
		const char *key = options_name(i);
		char text[128];

		if (options_file_refuses(key))
			continue;
		snprintf(text, sizeof(text), "%s = %s\n", key,
			 options_takes_value(i) ? "" : "perhaps");
		write_conf(text);
		CHECK(PARSE("--config", conf) == 2);
		if (strstr(err, "not a setting"))
			fprintf(stderr, "  %s: %s\n", key, err);
		CHECK(!strstr(err, "not a setting") && strstr(err, key));
	}
	CHECK(n > 30);
}

static void secrets_should_never_be_repeated(void)
{
	CHECK(options_secret("metrics-token"));
	CHECK(options_secret("smtp-password"));
	CHECK(options_secret("alert-webhook"));
	CHECK(!options_secret("tls-key")); /* a path is not the key */
	CHECK(!options_secret("switch-keys"));
	CHECK(!options_secret("port"));
	{
		char shown[128];

		options_show("metrics-token", "s3cr3t-value", shown, sizeof(shown));
		CHECK(strstr(shown, "s3cr3t") == NULL && strstr(shown, "not shown") != NULL);
		options_show("smtp-relay", "smtp://duty:hunter2@relay.example:25/x@y", shown,
			     sizeof(shown));
		CHECK_STR(shown, "smtp://(hidden)@relay.example:25/x@y");
		options_show("smtp-relay", "smtp://relay.example/a@b", shown, sizeof(shown));
		CHECK_STR(shown, "smtp://relay.example/a@b");
		options_show("tls-key", "/etc/planaloud/key.pem", shown, sizeof(shown));
		CHECK_STR(shown, "/etc/planaloud/key.pem");
	}
}

static void defaults_should_be_those_the_help_gives(void)
{
	char d[128];

	usage_default("idle-seconds", d, sizeof(d));
	CHECK_STR(d, "120");
	usage_default("port", d, sizeof(d));
	CHECK_STR(d, "8080");
	usage_default("max-connections-per-address", d, sizeof(d));
	CHECK_STR(d, "256");
	usage_default("switch-keys", d, sizeof(d)); /* across a line break */
	CHECK_STR(d, "Space,Enter");
	usage_default("headphones", d, sizeof(d)); /* "ask (the default)" */
	CHECK_STR(d, "ask");
	usage_default("host", d, sizeof(d));
	CHECK_STR(d, "");
	usage_default("no-such-option", d, sizeof(d));
	CHECK_STR(d, "");
}

#ifndef PLANALOUD_SOURCE_DIR
#define PLANALOUD_SOURCE_DIR "."
#endif

/* The example in docs/deployment.md, each "# key = value" line uncommented, is a good file, and
 * it names every key a file may hold (a new option belongs in it). */
static void the_documented_example_should_hold_every_key_and_be_valid(void)
{
	static const char start[] = "```ini\n# /etc/planaloud/planaloud.conf";
	char *doc = NULL, line[512];
	const char *p, *end;
	long len;
	FILE *f = fopen(PLANALOUD_SOURCE_DIR "/docs/deployment.md", "r"), *out;

	CHECK(f != NULL);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	doc = calloc(1, (size_t)len + 1);
	CHECK(doc && fread(doc, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	p = doc ? strstr(doc, start) : NULL;
	end = p ? strstr(p + 3, "```") : NULL;
	CHECK(p && end);
	out = fopen(conf, "w");
	CHECK(out != NULL);
	while (p && end && out && p < end) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)((nl && nl < end ? nl : end) - p);

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strncmp(line, "# ", 2) == 0 && line[2] >= 'a' && line[2] <= 'z' &&
		    strstr(line, " = "))
			fprintf(out, "%s\n", line + 2);
		p += n + 1;
	}
	if (out)
		fclose(out);
	CHECK(chmod(conf, 0600) == 0);
	CHECK(PARSE("--config", conf) == 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	for (int i = 0; options_name(i); i++)
		if (!options_file_refuses(options_name(i)) && !o.given[i]) {
			fprintf(stderr, "  docs/deployment.md's example has no '%s'\n",
				options_name(i));
			CHECK(0);
		}
	free(doc);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-options-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf, sizeof(conf), "%s/planaloud.conf", tmpdir);
	RUN(without_config_no_file_should_be_read_and_defaults_hold);
	RUN(every_setting_should_come_from_the_file_with_its_line);
	RUN(the_command_line_should_win_over_the_file);
	RUN(switches_should_be_yes_or_no);
	RUN(a_bad_value_should_say_file_line_key_rule_and_value);
	RUN(unknown_and_command_line_only_keys_should_be_refused);
	RUN(a_file_that_cannot_be_read_or_is_bad_should_stop_start_up);
	RUN(every_long_option_should_be_a_key_of_the_file);
	RUN(secrets_should_never_be_repeated);
	RUN(defaults_should_be_those_the_help_gives);
	RUN(the_documented_example_should_hold_every_key_and_be_valid);
	options_release(&o);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return check_report();
}
