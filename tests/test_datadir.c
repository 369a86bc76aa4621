/* test_datadir: the data folder kept the server's own, on real folders under /tmp. */
#include "check.h"
#include "datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static mode_t mode_of(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 ? sb.st_mode & 0777 : (mode_t)-1;
}

/* A file at dir/name with this mode. */
static void make_file(const char *dir, const char *name, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(chmod(path, mode) == 0);
}

static void a_missing_folder_should_be_made_the_owners_alone(void)
{
	char dir[128], err[256] = "";
	int fixed = -1;

	snprintf(dir, sizeof(dir), "%s/new", tmpdir);
	CHECK(datadir_check(dir, &fixed, err, sizeof(err)) == 0);
	CHECK(mode_of(dir) == 0700);
	CHECK(fixed == 0);
}

static void a_folder_others_can_open_should_be_refused_naming_it_and_left_alone(void)
{
	static const mode_t modes[] = {0755, 0750, 0701, 0710, 0703};
	char dir[128], db[160], err[512];

	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
		snprintf(dir, sizeof(dir), "%s/open%zu", tmpdir, i);
		CHECK(mkdir(dir, 0700) == 0 && chmod(dir, modes[i]) == 0);
		make_file(dir, "planaloud.db", 0644);
		err[0] = '\0';
		CHECK(datadir_check(dir, NULL, err, sizeof(err)) == -1);
		CHECK(strstr(err, dir) != NULL);
		CHECK(mode_of(dir) == modes[i]);
		snprintf(db, sizeof(db), "%s/planaloud.db", dir);
		CHECK(mode_of(db) == 0644); /* nothing inside is touched either */
	}
}

static void a_file_that_is_not_a_folder_should_be_refused(void)
{
	char err[256] = "";

	make_file(tmpdir, "plain-file", 0600);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/plain-file", tmpdir);
		CHECK(datadir_check(path, NULL, err, sizeof(err)) == -1);
		CHECK(strstr(err, "not a folder") != NULL);
	}
}

/* The database, its journal files, the key and the audio cache's folder and files. */
static void files_others_could_read_should_be_made_private_and_counted(void)
{
	char dir[128], audio[160], path[256], err[256] = "";
	int fixed = -1;

	snprintf(dir, sizeof(dir), "%s/loose", tmpdir);
	CHECK(mkdir(dir, 0700) == 0);
	make_file(dir, "planaloud.db", 0644);
	make_file(dir, "planaloud.db-wal", 0664);
	make_file(dir, "planaloud.db-shm", 0604);
	make_file(dir, "secret.key", 0600); /* already private: left as it is */
	snprintf(audio, sizeof(audio), "%s/audio", dir);
	CHECK(mkdir(audio, 0755) == 0 && chmod(audio, 0755) == 0);
	make_file(audio, "0a1b.wav", 0644);
	CHECK(datadir_check(dir, &fixed, err, sizeof(err)) == 0);
	CHECK(fixed == 5);
	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	CHECK(mode_of(path) == 0600);
	snprintf(path, sizeof(path), "%s/planaloud.db-wal", dir);
	CHECK(mode_of(path) == 0600);
	snprintf(path, sizeof(path), "%s/planaloud.db-shm", dir);
	CHECK(mode_of(path) == 0600);
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	CHECK(mode_of(path) == 0600);
	CHECK(mode_of(audio) == 0700);
	snprintf(path, sizeof(path), "%s/0a1b.wav", audio);
	CHECK(mode_of(path) == 0600);
	/* A second start has nothing to change. */
	CHECK(datadir_check(dir, &fixed, err, sizeof(err)) == 0);
	CHECK(fixed == 0);
}

/* A link may point anywhere (a backup disk): the server does not change what it points to. */
static void a_symbolic_link_should_be_left_alone(void)
{
	char dir[128], target[160], link[160], err[256] = "";
	int fixed = -1;

	snprintf(dir, sizeof(dir), "%s/linked", tmpdir);
	CHECK(mkdir(dir, 0700) == 0);
	make_file(tmpdir, "elsewhere", 0644);
	snprintf(target, sizeof(target), "%s/elsewhere", tmpdir);
	snprintf(link, sizeof(link), "%s/backup", dir);
	CHECK(symlink(target, link) == 0);
	CHECK(datadir_check(dir, &fixed, err, sizeof(err)) == 0);
	CHECK(fixed == 0);
	CHECK(mode_of(target) == 0644);
}

/* What --check-config says of the folder: the same rules as at start, and nothing changed. */
static void inspecting_should_find_what_start_would_and_change_nothing(void)
{
	char dir[128], db[160], err[512] = "";
	int missing = -1, loose = -1;

	snprintf(dir, sizeof(dir), "%s/inspect", tmpdir);
	CHECK(datadir_inspect(dir, &missing, &loose, err, sizeof(err)) == 0);
	CHECK(missing == 1 && loose == 0);
	CHECK(access(dir, F_OK) != 0); /* not made */
	CHECK(mkdir(dir, 0700) == 0);
	make_file(dir, "planaloud.db", 0644);
	CHECK(datadir_inspect(dir, &missing, &loose, err, sizeof(err)) == 0);
	CHECK(missing == 0 && loose == 1);
	snprintf(db, sizeof(db), "%s/planaloud.db", dir);
	CHECK(mode_of(db) == 0644); /* counted, not changed */
	CHECK(chmod(dir, 0750) == 0);
	CHECK(datadir_inspect(dir, &missing, &loose, err, sizeof(err)) == -1);
	CHECK(strstr(err, dir) && strstr(err, "chmod 700"));
	CHECK(mode_of(dir) == 0750);
	/* a folder that cannot be made where it is named */
	snprintf(dir, sizeof(dir), "%s/nowhere/data", tmpdir);
	CHECK(datadir_inspect(dir, &missing, &loose, err, sizeof(err)) == -1);
	CHECK(strstr(err, "cannot make the data folder") != NULL);
}

int main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-datadir-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(a_missing_folder_should_be_made_the_owners_alone);
	RUN(a_folder_others_can_open_should_be_refused_naming_it_and_left_alone);
	RUN(a_file_that_is_not_a_folder_should_be_refused);
	RUN(files_others_could_read_should_be_made_private_and_counted);
	RUN(a_symbolic_link_should_be_left_alone);
	RUN(inspecting_should_find_what_start_would_and_change_nothing);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_report();
}
