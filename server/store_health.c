/* store_health: what the health page reads from the database: its size and the open flags by
 * kind (the plans in each status are store_caseload_counts). */

#include "store_int.h"

#include <string.h>

int store_size(store *s, long long *bytes)
{
	return db_query_int(s, bytes,
			    "SELECT p.page_count * s.page_size FROM pragma_page_count() p, "
			    "pragma_page_size() s",
			    "") == 0
		   ? 0
		   : -1;
}

static int add_count(void *ctx, sqlite3_stmt *st)
{
	long long *counts = ctx;
	const char *kind = db_col_text(st, 0);

	for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
		if (strcmp(kind, store_flag_kind(i)) == 0)
			counts[i] = sqlite3_column_int64(st, 1);
	return 0;
}

int store_open_flags_counts(store *s, long long counts[STORE_FLAG_KINDS])
{
	for (size_t i = 0; i < STORE_FLAG_KINDS; i++)
		counts[i] = 0;
	/* From the index of open flags by kind (flags_urgent), not the flags themselves. */
	return db_rows(s, add_count, counts,
		       "SELECT kind, count(*) FROM flags WHERE closed_at IS NULL GROUP BY kind",
		       "") < 0
		   ? -1
		   : 0;
}
