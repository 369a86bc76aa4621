/* test_config: the configuration file's format (config.c): settings, comments, quotes, and
 * each kind of bad line refused with the file's name and the line's number; and the file
 * itself refused when others could change it. */
#include "check.h"
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[512];

static config *parse(const char *text)
{
	err[0] = '\0';
	return config_parse("planaloud.conf", text, strlen(text), err, sizeof(err));
}

/* The value of key in c, or NULL. */
static const char *value_of(const config *c, const char *key)
{
	for (size_t i = 0; c && i < config_count(c); i++)
		if (strcmp(config_at(c, i)->key, key) == 0)
			return config_at(c, i)->value;
	return NULL;
}

static int line_of(const config *c, const char *key)
{
	for (size_t i = 0; c && i < config_count(c); i++)
		if (strcmp(config_at(c, i)->key, key) == 0)
			return config_at(c, i)->line;
	return 0;
}

/* text is refused, and the reason starts with "planaloud.conf:LINE: " and holds `about`. */
static int refused_at(const char *text, int line, const char *about)
{
	char prefix[64];
	config *c = parse(text);
	int ok;

	snprintf(prefix, sizeof(prefix), "planaloud.conf:%d: ", line);
	ok = !c && strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, about);
	if (!ok)
		fprintf(stderr, "  expected a refusal at line %d about \"%s\"; got: %s\n", line,
			about, c ? "(accepted)" : err);
	config_free(c);
	return ok;
}

static void settings_should_be_read_with_their_lines_and_blanks_trimmed(void)
{
	config *c = parse("port = 8443\n"
			  "\n"
			  "  idle-seconds=60  \n"
			  "\tlisten\t=\t0.0.0.0\t\r\n"
			  "demo = yes");
	CHECK(c != NULL);
	CHECK(config_count(c) == 4);
	CHECK_STR(value_of(c, "port"), "8443");
	CHECK_STR(value_of(c, "idle-seconds"), "60");
	CHECK_STR(value_of(c, "listen"), "0.0.0.0");
	CHECK_STR(value_of(c, "demo"), "yes"); /* the last line needs no line break */
	CHECK(line_of(c, "port") == 1);
	CHECK(line_of(c, "idle-seconds") == 3);
	CHECK(line_of(c, "listen") == 4);
	CHECK(line_of(c, "demo") == 5);
	CHECK_STR(config_name(c), "planaloud.conf");
	config_free(c);
}

static void comments_and_blank_lines_should_be_skipped(void)
{
	config *c = parse("# Plan Aloud\n"
			  "   # indented comment = not a setting\n"
			  "\n"
			  "   \t\n"
			  "port = 8080 # the kiosk port\n"
			  "host = plans.example.gov.uk\t# the name\n"
			  "switch-keys = Space,Enter#no space before it, so part of the value\n"
			  "lang = # nothing but a comment\n");
	CHECK(c != NULL);
	CHECK(config_count(c) == 4);
	CHECK_STR(value_of(c, "port"), "8080");
	CHECK_STR(value_of(c, "host"), "plans.example.gov.uk");
	CHECK_STR(value_of(c, "switch-keys"),
		  "Space,Enter#no space before it, so part of the value");
	CHECK_STR(value_of(c, "lang"), "");
	CHECK(line_of(c, "port") == 5);
	config_free(c);
}

static void quoted_values_should_be_taken_exactly(void)
{
	config *c = parse("data = \"/srv/plan aloud/data\"\n"
			  "host = \"  spaced # not a comment \"  # a comment\n"
			  "lang = \"\"\n"
			  "web = \"caf\xc3\xa9\"\n");
	CHECK(c != NULL);
	CHECK_STR(value_of(c, "data"), "/srv/plan aloud/data");
	CHECK_STR(value_of(c, "host"), "  spaced # not a comment ");
	CHECK_STR(value_of(c, "lang"), "");
	CHECK_STR(value_of(c, "web"), "caf\xc3\xa9");
	config_free(c);
}

static void a_byte_order_mark_at_the_start_should_be_skipped(void)
{
	config *c = parse("\xEF\xBB\xBFport = 1\n");

	CHECK(c != NULL);
	CHECK_STR(value_of(c, "port"), "1");
	config_free(c);
}

static void an_empty_file_should_hold_no_settings(void)
{
	config *c = parse("");

	CHECK(c != NULL);
	CHECK(config_count(c) == 0);
	CHECK(config_at(c, 0) == NULL);
	config_free(c);
	config_free(NULL);
}

static void each_bad_line_should_be_refused_with_its_number(void)
{
	char big[CONFIG_LINE_MAX + 64];

	CHECK(refused_at("port = 1\nidle-seconds 60\n", 2, "no '='"));
	CHECK(refused_at("# fine\n = 60\n", 2, "no key"));
	CHECK(refused_at("port = 1\n\n\nport = 2\n", 4, "'port' is set twice"));
	CHECK(refused_at("port = 1\n\n\nport = 2\n", 4, "line 1"));
	CHECK(refused_at("\n--port = 8080\n", 2, "'port = ...'"));
	CHECK(refused_at("idle seconds = 60\n", 1, "'idle seconds' is not a key"));
	CHECK(refused_at("host = \"plans.example\n", 1, "does not close"));
	CHECK(refused_at("host = \"plans\" example\n", 1, "closing double quote"));
	CHECK(refused_at("host = plans\"example\"\n", 1, "around the whole value"));
	CHECK(refused_at("port = 1\nhost = caf\xe9\n", 2, "not UTF-8"));
	CHECK(refused_at("port = 1\nhost = \xc0\xaf\n", 2, "not UTF-8")); /* an overlong '/' */
	{
		static const char nul[] = "port = 1\n#\0 hidden\n";
		config *c;

		err[0] = '\0';
		c = config_parse("planaloud.conf", nul, sizeof(nul) - 1, err, sizeof(err));
		CHECK(c == NULL);
		CHECK(strstr(err, "planaloud.conf:2: ") == err && strstr(err, "NUL") != NULL);
		config_free(c);
	}
	/* a line of exactly CONFIG_LINE_MAX bytes is fine; one more is not */
	memcpy(big, "# ", 2);
	memset(big + 2, 'x', CONFIG_LINE_MAX - 2);
	big[CONFIG_LINE_MAX] = '\0';
	{
		config *c = parse(big);

		CHECK(c != NULL);
		config_free(c);
	}
	snprintf(big, sizeof(big), "port = 1\n# ");
	memset(big + strlen(big), 'x', CONFIG_LINE_MAX - 1);
	big[9 + 2 + CONFIG_LINE_MAX - 1] = '\0';
	CHECK(refused_at(big, 2, "longer than 4096 bytes"));
}

/* ---- the file itself ---- */

static char tmpdir[64];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	CHECK(chmod(path, mode) == 0);
}

static void a_file_should_be_read_from_disk(void)
{
	char path[128];
	int unreadable = -1;
	config *c;

	snprintf(path, sizeof(path), "%s/planaloud.conf", tmpdir);
	write_file(path, "port = 9000\n", 0640);
	c = config_read(path, &unreadable, err, sizeof(err));
	CHECK(c != NULL);
	CHECK(unreadable == 0);
	CHECK_STR(value_of(c, "port"), "9000");
	CHECK_STR(config_name(c), path);
	config_free(c);
	/* its errors name it */
	write_file(path, "port = 9000\nport = 9001\n", 0600);
	c = config_read(path, &unreadable, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(unreadable == 0);
	CHECK(strncmp(err, path, strlen(path)) == 0 && strstr(err, ":2: ") != NULL);
	config_free(c);
}

static void a_missing_file_should_be_refused_as_unreadable(void)
{
	char path[128];
	int unreadable = 0;
	config *c;

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	c = config_read(path, &unreadable, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(unreadable == 1);
	CHECK(strstr(err, "cannot read the configuration file") && strstr(err, path));
	CHECK(strstr(err, "No such file") != NULL);
	c = config_read(tmpdir, &unreadable, err, sizeof(err)); /* a folder */
	CHECK(c == NULL);
	CHECK(strstr(err, "is not a file") != NULL);
}

static void a_file_others_can_change_should_be_refused_saying_so(void)
{
	char path[128];
	config *c;

	snprintf(path, sizeof(path), "%s/loose.conf", tmpdir);
	write_file(path, "port = 9000\n", 0664);
	c = config_read(path, NULL, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "other users can change") && strstr(err, path));
	CHECK(strstr(err, "chmod go-w") != NULL);
	write_file(path, "port = 9000\n", 0602);
	c = config_read(path, NULL, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "other users can change") != NULL);
	/* others may read it: it holds no secrets of the file format's own */
	write_file(path, "port = 9000\n", 0644);
	c = config_read(path, NULL, err, sizeof(err));
	CHECK(c != NULL);
	config_free(c);
}

static void a_file_of_another_user_should_be_refused(void)
{
	char path[128];
	config *c;

	if (geteuid() != 0) {
		printf("  (skipped the other user's file: it needs root to give a file away)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/theirs.conf", tmpdir);
	write_file(path, "port = 9000\n", 0600);
	CHECK(chown(path, 4242, 4242) == 0);
	c = config_read(path, NULL, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "another user") && strstr(err, "chown root"));
}

static void a_file_over_the_size_limit_should_be_refused(void)
{
	char path[128];
	FILE *f;
	config *c;

	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	for (int i = 0; i < CONFIG_FILE_MAX / 16 + 1; i++)
		fputs("# fifteen bytes\n", f);
	fclose(f);
	CHECK(chmod(path, 0600) == 0);
	c = config_read(path, NULL, err, sizeof(err));
	CHECK(c == NULL);
	CHECK(strstr(err, "larger than") != NULL);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-config-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(settings_should_be_read_with_their_lines_and_blanks_trimmed);
	RUN(comments_and_blank_lines_should_be_skipped);
	RUN(quoted_values_should_be_taken_exactly);
	RUN(a_byte_order_mark_at_the_start_should_be_skipped);
	RUN(an_empty_file_should_hold_no_settings);
	RUN(each_bad_line_should_be_refused_with_its_number);
	RUN(a_file_should_be_read_from_disk);
	RUN(a_missing_file_should_be_refused_as_unreadable);
	RUN(a_file_others_can_change_should_be_refused_saying_so);
	RUN(a_file_of_another_user_should_be_refused);
	RUN(a_file_over_the_size_limit_should_be_refused);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return check_report();
}
