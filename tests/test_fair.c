/* fair: requests for one shared worker started in turn across owners, within each owner's and
 * each group's share, and identical fixed requests joined. */
#include "check.h"
#include "fair.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dropped;

static void drop(void *payload)
{
	(void)payload;
	dropped++;
}

static const char A[] = "a", B[] = "b", C[] = "c"; /* owners: only their addresses matter */

/* The owner (A, B or C) of the payload of the next request that starts; 0 when none may. */
static char next_owner(fair *f, uint64_t *number)
{
	void *payload = NULL;

	*number = fair_next(f, &payload);
	return *number ? *(const char *)payload : 0;
}

static uint64_t add(fair *f, const char *owner, uint64_t id, const char *key)
{
	int joined;

	return fair_add(f, owner, id, key, key ? strlen(key) : 0, (void *)owner, &joined);
}

static void requests_should_start_in_turn_across_owners_not_first_come(void)
{
	fair *f =
	    fair_new((fair_limits){.running = 1, .per_owner = 1, .per_group = 1, .held = 9}, drop);
	char order[16] = "";
	uint64_t number;
	size_t k = 0;

	/* A asks for five first, then B for two, then C for one */
	for (uint64_t i = 0; i < 5; i++)
		add(f, A, i, NULL);
	add(f, B, 10, NULL);
	add(f, B, 11, NULL);
	add(f, C, 20, NULL);
	CHECK(fair_waiting(f) == 8);
	while (k < sizeof(order) - 1 && (order[k] = next_owner(f, &number))) {
		CHECK(fair_next(f, &(void *){NULL}) == 0); /* one at a time */
		CHECK(fair_done(f, number) != NULL);
		k++;
	}
	order[k] = '\0';
	CHECK_STR(order, "abcabaaa");
	CHECK(fair_waiting(f) == 0 && fair_running(f) == 0);
	fair_free(f);
}

static void an_owner_and_an_address_should_have_no_more_than_their_share_running(void)
{
	fair *f = fair_new((fair_limits){.running = 16, .per_owner = 2, .per_group = 3, .held = 99},
			   drop);
	int started[3] = {0};
	uint64_t number;
	char who;

	CHECK(fair_set_group(f, A, "192.0.2.1") == 0);
	CHECK(fair_set_group(f, B, "192.0.2.1") == 0); /* the same library's address */
	CHECK(fair_set_group(f, C, "198.51.100.7") == 0);
	for (uint64_t i = 0; i < 10; i++) {
		add(f, A, i, NULL);
		add(f, B, 100 + i, NULL);
		add(f, C, 200 + i, NULL);
	}
	while ((who = next_owner(f, &number)))
		started[who - 'a']++;
	/* A and B share their address's three; C has its own two */
	CHECK(started[0] + started[1] == 3 && started[0] <= 2 && started[1] <= 2);
	CHECK(started[2] == 2);
	CHECK(fair_running(f) == 5);
	fair_free(f);
	CHECK(dropped >= 30); /* every payload still held went to drop */
}

static void the_same_fixed_text_should_be_one_request_and_a_personal_one_never(void)
{
	fair *f =
	    fair_new((fair_limits){.running = 4, .per_owner = 4, .per_group = 4, .held = 9}, drop);
	int joined = 0;
	const uint64_t *ids;
	uint64_t first, second, number;
	size_t n;

	first = fair_add(f, A, 1, "v3|ruth|Next", 12, (void *)A, &joined);
	CHECK(first && !joined);
	CHECK(next_owner(f, &number) == 'a' && number == first); /* running now */
	second = fair_add(f, B, 2, "v3|ruth|Next", 12, (void *)B, &joined);
	CHECK(second == first && joined); /* joins the one running */
	ids = fair_waiters(f, first, &n);
	CHECK(n == 2 && ids && ids[0] == 1 && ids[1] == 2);
	/* without a key (a person's own words): alone, even with the same owner */
	CHECK(add(f, A, 3, NULL) != add(f, A, 4, NULL));
	CHECK(fair_waiting(f) == 2);
	CHECK(fair_done(f, first) == A);
	CHECK(fair_waiters(f, first, &n) == NULL && n == 0);
	fair_free(f);
}

static int gone_running, gone_waiting;

static void gone(void *ctx, void *payload, int running)
{
	(void)ctx;
	(void)payload;
	if (running)
		gone_running++;
	else
		gone_waiting++;
}

static void a_forgotten_owner_should_take_only_what_nobody_else_waits_for(void)
{
	fair *f =
	    fair_new((fair_limits){.running = 4, .per_owner = 4, .per_group = 4, .held = 9}, drop);
	uint64_t shared, alone, waiting, number;
	const uint64_t *ids;
	size_t n;

	shared = add(f, A, 1, "v3|ruth|Hello");
	alone = add(f, A, 2, NULL);
	CHECK(next_owner(f, &number) == 'a' && number == shared);
	CHECK(next_owner(f, &number) == 'a' && number == alone);
	waiting = add(f, A, 3, NULL);
	add(f, B, 9, "v3|ruth|Hello"); /* B waits for the shared one too */
	fair_leave(f, A, gone, NULL);
	CHECK(gone_running == 1 && gone_waiting == 1); /* `alone` stopped, `waiting` dropped */
	ids = fair_waiters(f, shared, &n);
	CHECK(n == 1 && ids && ids[0] == 9);
	CHECK(fair_waiters(f, waiting, &n) == NULL);
	CHECK(fair_running(f) == 1 && fair_waiting(f) == 0);
	CHECK(fair_done(f, shared) == A); /* its payload, now B's request */
	fair_free(f);
}

static void what_one_address_holds_should_be_bounded(void)
{
	fair *f =
	    fair_new((fair_limits){.running = 4, .per_owner = 4, .per_group = 4, .held = 3}, drop);

	fair_set_group(f, A, "203.0.113.5");
	fair_set_group(f, B, "203.0.113.5");
	CHECK(fair_hold(f, A) == 0 && fair_hold(f, A) == 0 && fair_hold(f, B) == 0);
	CHECK(fair_hold(f, B) == -1 && fair_hold(f, A) == -1); /* the address has its three */
	CHECK(fair_hold(f, C) == 0);			       /* another address: its own */
	fair_unhold(f, A);
	CHECK(fair_hold(f, B) == 0);
	fair_leave(f, B, NULL, NULL); /* what B held goes with it */
	CHECK(fair_hold(f, A) == 0 && fair_hold(f, A) == 0 && fair_hold(f, A) == -1);
	fair_free(f);
}

int main(void)
{
	RUN(requests_should_start_in_turn_across_owners_not_first_come);
	RUN(an_owner_and_an_address_should_have_no_more_than_their_share_running);
	RUN(the_same_fixed_text_should_be_one_request_and_a_personal_one_never);
	RUN(a_forgotten_owner_should_take_only_what_nobody_else_waits_for);
	RUN(what_one_address_holds_should_be_bounded);
	return check_report();
}
