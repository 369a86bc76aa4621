/* A pretend connection for unit tests of the kiosk and staff.c: everything they send to it,
 * kept as NUL-terminated copies in order. Pass fake_send as message_io.send. */
#ifndef PLANALOUD_FAKE_CONN_H
#define PLANALOUD_FAKE_CONN_H

#include <stddef.h>

#define FAKE_CONN_MAX 256 /* messages kept; sending more fails */

typedef struct fake_conn {
	char *sent[FAKE_CONN_MAX];
	int close_after[FAKE_CONN_MAX];
	int n;
} fake_conn;

/* conn is a fake_conn. 0, or -1 when it is full or memory runs out. */
int fake_send(void *conn, const char *data, size_t len, int close_after);
/* Frees what was sent and starts again empty. */
void fake_reset(fake_conn *fc);

#endif
