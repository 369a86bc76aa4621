/* Tests for server/throttle.c: waits that double past a free allowance up to a cap, keys kept
 * apart, a quiet key forgotten, a success forgetting its key, and a full table forgetting the
 * key whose last failure is oldest. Times are the test's own numbers. */
#include "check.h"

#include "throttle.h"

#include <sodium.h>
#include <string.h>

static const throttle_rule rule = {2, 1000, 8000, 60000}; /* 2 free, 1 s doubling to 8 s */

static long long fail(throttle *t, const char *key, long long now)
{
	long long wait = -1;

	throttle_fail(t, key, strlen(key), &rule, now, &wait);
	return wait;
}

static void waits_should_double_past_the_free_failures_up_to_the_cap(void)
{
	throttle *t = throttle_new(16);
	long long expect[] = {0, 0, 1000, 2000, 4000, 8000, 8000}, now = 0;

	for (size_t i = 0; i < sizeof(expect) / sizeof(*expect); i++) {
		CHECK(throttle_wait(t, "casey", 5, now) == 0);
		CHECK(fail(t, "casey", now) == expect[i]);
		CHECK(throttle_wait(t, "casey", 5, now) == expect[i]);
		now += expect[i];
	}
	/* another key is another count */
	CHECK(throttle_wait(t, "morgan", 6, now - 1) == 0);
	throttle_free(t);
}

static void a_quiet_key_should_start_again_and_a_success_should_forget_it(void)
{
	throttle *t = throttle_new(16);

	fail(t, "casey", 0);
	fail(t, "casey", 0);
	CHECK(fail(t, "casey", 0) == 1000);
	CHECK(fail(t, "casey", 60000 + 1000) == 0); /* a minute quiet: the first failure again */
	fail(t, "casey", 61000);
	CHECK(fail(t, "casey", 61000) == 1000);
	throttle_forget(t, "casey", 5);
	CHECK(throttle_wait(t, "casey", 5, 61000) == 0);
	CHECK(fail(t, "casey", 61000) == 0);
	throttle_free(t);
}

static void a_full_table_should_forget_the_key_whose_last_failure_is_oldest(void)
{
	throttle *t = throttle_new(2);

	for (int i = 0; i < 3; i++)
		fail(t, "old", 0);
	for (int i = 0; i < 3; i++)
		fail(t, "newer", 10);
	CHECK(throttle_wait(t, "old", 3, 10) > 0);
	for (int i = 0; i < 3; i++)
		fail(t, "newest", 20); /* no room: "old" goes */
	CHECK(throttle_wait(t, "old", 3, 20) == 0);
	CHECK(throttle_wait(t, "newer", 5, 20) > 0);
	CHECK(throttle_wait(t, "newest", 6, 20) > 0);
	throttle_free(t);
	throttle_free(NULL);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(waits_should_double_past_the_free_failures_up_to_the_cap);
	RUN(a_quiet_key_should_start_again_and_a_success_should_forget_it);
	RUN(a_full_table_should_forget_the_key_whose_last_failure_is_oldest);
	return check_report();
}
