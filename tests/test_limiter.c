/* Tests for server/limiter.c: wrong plan codes cannot be guessed at speed, one address or all
 * together, and new plans cannot be made without end. */
#include "check.h"

#include "limiter.h"

#include <stdio.h>

#define MAX    5
#define WINDOW 60
#define T0     ((time_t)1700000000)

static void limiter_should_let_a_new_key_try_at_once(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	CHECK(l != NULL);
	CHECK(limiter_wait(l, "192.0.2.1", T0) == 0);
	limiter_free(l);
}

static void limiter_should_let_a_key_try_while_under_the_limit(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	for (int i = 0; i < MAX - 1; i++) {
		limiter_fail(l, "192.0.2.1", T0 + i);
		CHECK(limiter_wait(l, "192.0.2.1", T0 + i) == 0);
	}
	limiter_free(l);
}

static void limiter_should_make_a_key_wait_after_max_failures(void)
{
	limiter *l = limiter_new(MAX, WINDOW);
	int wait;

	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0 + i);
	wait = limiter_wait(l, "192.0.2.1", T0 + MAX);
	CHECK(wait > 0);
	CHECK(wait <= WINDOW);
	/* The first failure leaves the window WINDOW seconds after it happened. */
	CHECK(wait == WINDOW - MAX);
	limiter_free(l);
}

static void limiter_wait_should_never_exceed_the_window(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	for (int i = 0; i < 50; i++) {
		int wait;

		limiter_fail(l, "192.0.2.1", T0);
		wait = limiter_wait(l, "192.0.2.1", T0);
		CHECK(wait >= 0 && wait <= WINDOW);
	}
	CHECK(limiter_wait(l, "192.0.2.1", T0) == WINDOW);
	limiter_free(l);
}

static void limiter_should_let_the_key_try_again_after_the_window(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + WINDOW - 1) == 1);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + WINDOW) == 0);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + 10 * WINDOW) == 0);
	limiter_free(l);
}

static void limiter_should_count_only_failures_inside_the_window(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	/* Failures spread out slower than MAX per WINDOW never block. */
	for (int i = 0; i < 3 * MAX; i++) {
		time_t now = T0 + (time_t)i * (WINDOW / (MAX - 1) + 1);

		limiter_fail(l, "192.0.2.1", now);
		CHECK(limiter_wait(l, "192.0.2.1", now) == 0);
	}
	limiter_free(l);
}

static void limiter_should_block_again_after_new_failures(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + WINDOW) == 0);
	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0 + WINDOW);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + WINDOW) == WINDOW);
	limiter_free(l);
}

static void limiter_should_keep_different_keys_apart(void)
{
	limiter *l = limiter_new(MAX, WINDOW);

	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0);
	CHECK(limiter_wait(l, "192.0.2.1", T0) > 0);
	CHECK(limiter_wait(l, "192.0.2.2", T0) == 0);
	CHECK(limiter_wait(l, "2001:db8::1", T0) == 0);
	CHECK(limiter_wait(l, "", T0) == 0);
	limiter_fail(l, "192.0.2.2", T0);
	CHECK(limiter_wait(l, "192.0.2.2", T0) == 0);
	CHECK(limiter_wait(l, "192.0.2.1", T0) > 0);
	limiter_free(l);
}

static void limiter_should_survive_many_distinct_keys(void)
{
	limiter *l = limiter_new(MAX, WINDOW);
	int blocked = 0;
	char key[64];

	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "10.%d.%d.%d", i / 65536, (i / 256) % 256, i % 256);
		for (int k = 0; k < MAX; k++)
			limiter_fail(l, key, T0 + i);
		if (limiter_wait(l, key, T0 + i) > 0)
			blocked++;
	}
	/* Each key is blocked right after its own failures, however many others came before. */
	CHECK(blocked == 10000);
	/* The key that failed last is still remembered; a new one is still free to try. */
	CHECK(limiter_wait(l, key, T0 + 10000) > 0);
	CHECK(limiter_wait(l, "198.51.100.7", T0 + 10000) == 0);
	limiter_free(l);
}

static void limiter_should_handle_very_long_keys(void)
{
	limiter *l = limiter_new(MAX, WINDOW);
	char key[300];

	for (size_t i = 0; i < sizeof(key) - 1; i++)
		key[i] = (char)('a' + i % 26);
	key[sizeof(key) - 1] = '\0';
	for (int i = 0; i < MAX; i++)
		limiter_fail(l, key, T0);
	CHECK(limiter_wait(l, key, T0) > 0);
	limiter_free(l);
}

static void limiter_should_block_a_key_that_fails_once_when_max_is_one(void)
{
	limiter *l = limiter_new(1, WINDOW);

	CHECK(limiter_wait(l, "192.0.2.1", T0) == 0);
	limiter_fail(l, "192.0.2.1", T0);
	CHECK(limiter_wait(l, "192.0.2.1", T0 + 1) == WINDOW - 1);
	limiter_free(l);
}

static void limiter_wait_should_not_exceed_the_window_when_the_clock_goes_back(void)
{
	limiter *l = limiter_new(MAX, WINDOW);
	int wait;

	/* The server passes time(NULL), which steps back when the kiosk's clock is corrected. */
	for (int i = 0; i < MAX; i++)
		limiter_fail(l, "192.0.2.1", T0);
	wait = limiter_wait(l, "192.0.2.1", T0 - 3600);
	CHECK(wait >= 0 && wait <= WINDOW);
	limiter_free(l);
}

static void limiter_fail_should_say_once_when_a_key_reaches_its_limit(void)
{
	limiter *l = limiter_new(MAX, WINDOW);
	int said = 0;

	for (int i = 0; i < MAX - 1; i++)
		said += limiter_fail(l, "192.0.2.1", T0);
	CHECK(said == 0);
	CHECK(limiter_fail(l, "192.0.2.1", T0) == 1); /* the max-th: now it must wait */
	/* More while it waits are not news. */
	CHECK(limiter_fail(l, "192.0.2.1", T0 + 1) == 0);
	CHECK(limiter_fail(l, "192.0.2.1", T0 + 2) == 0);
	/* Another key reaching its own limit is. */
	for (int i = 0; i < MAX - 1; i++)
		CHECK(limiter_fail(l, "192.0.2.2", T0) == 0);
	CHECK(limiter_fail(l, "192.0.2.2", T0) == 1);
	limiter_free(l);
}

static void an_overall_limiter_should_count_every_key_together(void)
{
	limiter *l = limiter_new_overall(600, 600);
	char key[64];
	int said = 0;

	CHECK(l != NULL);
	CHECK(limiter_max(l) == 600 && limiter_window(l) == 600);
	/* Six addresses, a hundred guesses each: the six hundredth closes the budget for all. */
	for (int i = 0; i < 600; i++) {
		snprintf(key, sizeof(key), "198.51.100.%d", i % 6);
		CHECK(limiter_wait(l, key, T0 + i / 10) == 0);
		said += limiter_fail(l, key, T0 + i / 10);
	}
	CHECK(said == 1);
	CHECK(limiter_wait(l, "198.51.100.0", T0 + 60) > 0);
	CHECK(limiter_wait(l, "203.0.113.9", T0 + 60) > 0); /* an address never seen waits too */
	/* The budget comes back as the first guesses leave the window. */
	CHECK(limiter_wait(l, "203.0.113.9", T0 + 600) == 0);
	limiter_free(l);
}

static void a_limiter_should_count_more_than_sixty_four_per_key(void)
{
	limiter *l = limiter_new(200, 3600);

	for (int i = 0; i < 199; i++)
		CHECK(limiter_fail(l, "kiosk:1", T0 + i) == 0);
	CHECK(limiter_wait(l, "kiosk:1", T0 + 199) == 0);
	CHECK(limiter_fail(l, "kiosk:1", T0 + 199) == 1);
	CHECK(limiter_wait(l, "kiosk:1", T0 + 200) == 3600 - 200);
	CHECK(limiter_wait(l, "kiosk:2", T0 + 200) == 0);
	limiter_free(l);
}

static void limiter_free_should_accept_null(void)
{
	limiter_free(NULL); /* must not crash */
}

int main(void)
{
	RUN(limiter_should_let_a_new_key_try_at_once);
	RUN(limiter_should_let_a_key_try_while_under_the_limit);
	RUN(limiter_should_make_a_key_wait_after_max_failures);
	RUN(limiter_wait_should_never_exceed_the_window);
	RUN(limiter_should_let_the_key_try_again_after_the_window);
	RUN(limiter_should_count_only_failures_inside_the_window);
	RUN(limiter_should_block_again_after_new_failures);
	RUN(limiter_should_keep_different_keys_apart);
	RUN(limiter_should_survive_many_distinct_keys);
	RUN(limiter_should_handle_very_long_keys);
	RUN(limiter_should_block_a_key_that_fails_once_when_max_is_one);
	RUN(limiter_wait_should_not_exceed_the_window_when_the_clock_goes_back);
	RUN(limiter_fail_should_say_once_when_a_key_reaches_its_limit);
	RUN(an_overall_limiter_should_count_every_key_together);
	RUN(a_limiter_should_count_more_than_sixty_four_per_key);
	RUN(limiter_free_should_accept_null);
	return check_report();
}
