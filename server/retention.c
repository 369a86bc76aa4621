#include "retention.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIME_TEXT_LEN 64

/* now_ms less days and years, as the database's time text ("2026-11-22T19:00:00.000Z"); ""
 * when both are 0 (kept for ever). */
static void cutoff(long long now_ms, int days, int years, char out[TIME_TEXT_LEN])
{
	time_t t = (time_t)(now_ms / 1000 - (long long)days * 86400);
	struct tm tm;

	out[0] = '\0';
	if ((days <= 0 && years <= 0) || !gmtime_r(&t, &tm))
		return;
	tm.tm_year -= years; /* a 29 February a leap year back compares as the 1 March after */
	snprintf(out, TIME_TEXT_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now_ms % 1000));
}

typedef struct expired {
	long long plan;
	int draft; /* 1: an anonymous draft; 0: a closed plan */
} expired;

typedef struct expired_list {
	expired *items;
	int n, cap;
} expired_list;

static int note_expired(void *ctx, long long plan, const char *reason)
{
	expired_list *l = ctx;

	if (l->n == l->cap)
		return 1;
	l->items[l->n++] = (expired){plan, strcmp(reason, STORE_ERASE_DRAFT_EXPIRED) == 0};
	return 0;
}

int retention_run(store *s, const retention_config *cfg, long long now_ms, int max,
		  retention_counts *out, char *err, size_t errlen)
{
	char drafts[TIME_TEXT_LEN], closed[TIME_TEXT_LEN];
	expired_list l = {0};
	int rc = -1, failed = 0;

	memset(out, 0, sizeof(*out));
	if (max < 1 || max > 1000)
		return err_set(err, errlen, "retention: a batch of %d plans", max);
	cutoff(now_ms, cfg->drafts_days, 0, drafts);
	cutoff(now_ms, 0, cfg->closed_years, closed);
	if (!drafts[0] && !closed[0])
		return 0;
	l.items = calloc((size_t)max, sizeof(*l.items));
	l.cap = max;
	if (!l.items)
		return err_set(err, errlen, "out of memory");
	/* Listed first, then erased: nothing is deleted under an open listing. */
	if (store_expired_each(s, drafts, closed, max, note_expired, &l) < 0) {
		err_set(err, errlen, "retention: the plans whose time is up cannot be listed");
		goto out;
	}
	/* One transaction for the turn (one sync to disk), each erasure whole in its own
	 * savepoint inside it. */
	if (l.n && store_request_begin(s, err, errlen))
		goto out;
	for (int i = 0; i < l.n; i++) {
		const char *reason =
		    l.items[i].draft ? STORE_ERASE_DRAFT_EXPIRED : STORE_ERASE_CLOSED_EXPIRED;
		int r = store_plan_erase(s, l.items[i].plan, reason, NULL, now_ms, err, errlen);

		if (r < 0) {
			failed = 1; /* the savepoint undid it; what went before stays erased */
			break;
		}
		if (r == 0 && l.items[i].draft)
			out->drafts++;
		else if (r == 0)
			out->closed++;
	}
	if (l.n) {
		store_request_end(s);
		if (store_commit(s, err, errlen)) {
			out->drafts = out->closed = 0; /* rolled back: none went */
			goto out;
		}
	}
	out->more = l.n == max;
	rc = failed ? -1 : 0;
out:
	if (out->drafts || out->closed)
		store_checkpoint(s);
	free(l.items);
	return rc;
}
