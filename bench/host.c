/* host: what the machine did while the benchmark ran (clocks, CPU used by whom, the WAL commit
 * counter) and the folders the benchmark makes. */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

double cpu_seconds_self(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds of this process's children that have ended (the espeak-ng programs). */
double cpu_seconds_children(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU seconds (user + system) a process has used, from /proc; -1 when unknown. */
double cpu_seconds_of(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* the command name may hold spaces: fields are counted from after its ')' */
	p = ok ? strrchr(line, ')') : NULL;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds all processes on the machine spent (user and system, all CPUs), from /proc/stat;
 * -1 when unknown. Interrupt time is left out: loopback networking is done there, and it is
 * the benchmark's own work, not another process's. */
double cpu_seconds_machine(void)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	int n = 0;

	if (f) {
		n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]);
		fclose(f);
	}
	if (n < 5)
		return -1;
	/* user nice system [idle iowait irq softirq steal] */
	return (double)(v[0] + v[1] + v[2]) / (double)sysconf(_SC_CLK_TCK);
}

/* The CPU's model name from /proc/cpuinfo into out ("unknown" when it does not say). */
static void cpu_model(char *out, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, len, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(out, len, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
			break;
		}
	}
	if (f)
		fclose(f);
}

void bench_machine_print(void)
{
	char model[256];
	double load[3] = {-1, -1, -1};
	FILE *f = fopen("/proc/loadavg", "r");

	cpu_model(model, sizeof(model));
	if (!f || fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
		load[0] = load[1] = load[2] = -1;
	if (f)
		fclose(f);
	printf("Machine:    %ld cores online, %s; load average %.2f %.2f %.2f\n",
	       sysconf(_SC_NPROCESSORS_ONLN), model, load[0], load[1], load[2]);
}

/* ---- the WAL commit counter ----
 * SQLite's wal-index (the -shm file) starts with a header whose third 32-bit word (native byte
 * order) is incremented on every commit. Reading it before and after a run tells how many
 * commits the server made without touching the server. */
long long wal_commit_counter(const char *db_path)
{
	char path[4096];
	uint32_t hdr[3];
	int fd;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s-shm", db_path) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	return n == (ssize_t)sizeof(hdr) ? (long long)hdr[2] : -1;
}

/* ---- files ---- */

const char *fs_name(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf))
		return "unknown filesystem";
	switch ((unsigned long)sf.f_type) {
	case 0xEF53UL:
		return "ext4";
	case 0x58465342UL:
		return "xfs";
	case 0x9123683EUL:
		return "btrfs";
	case 0x01021994UL:
		return "tmpfs";
	case 0x794C7630UL:
		return "overlayfs";
	case 0x2FC12FC1UL:
		return "zfs";
	default:
		return "another filesystem";
	}
}

/* Removes a temporary folder the benchmark made, and the folders in it (the server's audio
 * cache). */
void remove_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(path))
				continue;
			if (!lstat(path, &st) && S_ISDIR(st.st_mode))
				remove_dir(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	if (rmdir(dir))
		fprintf(stderr, "planaloud-bench: could not remove %s: %s\n", dir, strerror(errno));
}

/* Raises the open-file limit so that n connections fit (the server inherits it too). */
void raise_fd_limit(unsigned n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n * 2 + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fprintf(stderr, "planaloud-bench: could not raise the open-file limit: %s\n",
			strerror(errno));
}
