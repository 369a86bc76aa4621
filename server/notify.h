/* notify: telling systemd how the server is, through sd_notify (Type=notify units): ready to
 * serve, still alive (the watchdog), reloading, stopping. A server not started by systemd (no
 * NOTIFY_SOCKET) says nothing and each call does nothing. Safe from any thread; not from a signal
 * handler. */
#ifndef PLANALOUD_NOTIFY_H
#define PLANALOUD_NOTIFY_H

/* READY=1, with a one-line status (borrowed; may be NULL). */
void notify_ready(const char *status);
/* RELOADING=1: READY=1 follows when the reload is done, taken or refused. */
void notify_reloading(void);
/* STOPPING=1. */
void notify_stopping(void);
/* WATCHDOG=1: the loop is turning. */
void notify_alive(void);
/* How often to say notify_alive: a third of the unit's WatchdogSec= in whole seconds (at least
 * 1), or 0 when there is no watchdog. */
long long notify_alive_every_s(void);

#endif
