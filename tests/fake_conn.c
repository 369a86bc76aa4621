#include "fake_conn.h"

#include <stdlib.h>
#include <string.h>

int fake_send(void *conn, const char *data, size_t len, int close_after)
{
	fake_conn *fc = conn;
	char *copy;

	if (fc->n >= FAKE_CONN_MAX || !(copy = malloc(len + 1)))
		return -1;
	memcpy(copy, data, len);
	copy[len] = '\0';
	fc->close_after[fc->n] = close_after;
	fc->sent[fc->n++] = copy;
	return 0;
}

void fake_reset(fake_conn *fc)
{
	for (int i = 0; i < fc->n; i++)
		free(fc->sent[i]);
	fc->n = 0;
}
