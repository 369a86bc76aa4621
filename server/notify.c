#include "notify.h"

#include <stdint.h>
#include <systemd/sd-daemon.h>

void notify_ready(const char *status)
{
	if (status)
		sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	else
		sd_notify(0, "READY=1");
}

void notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void notify_alive(void)
{
	sd_notify(0, "WATCHDOG=1");
}

long long notify_alive_every_s(void)
{
	uint64_t usec = 0;
	long long s;

	/* 0: the variables are kept for the threads and programs that may ask later */
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	s = (long long)(usec / 3000000);
	return s > 0 ? s : 1;
}
