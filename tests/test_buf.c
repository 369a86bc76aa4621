/* Tests for server/buf.c: the growable, always NUL-terminated byte buffer. */
#include "check.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

static void buf_str_should_be_empty_string_before_any_append(void)
{
	buf b = BUF_INIT;

	CHECK(b.data == NULL);
	CHECK_STR(buf_str(&b), "");
	CHECK(b.len == 0);
	buf_release(&b);
}

static void buf_init_should_make_an_empty_buffer(void)
{
	buf b;

	memset(&b, 0xAB, sizeof(b));
	buf_init(&b);
	CHECK(b.data == NULL);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	buf_release(&b);
}

static void buf_append_should_keep_bytes_in_order_across_many_appends(void)
{
	buf b = BUF_INIT;
	char expected[10000 * 4 + 1];
	size_t n = 0;
	int ok = 1;

	for (int i = 0; i < 10000; i++) {
		char piece[5];

		snprintf(piece, sizeof(piece), "%04d", i);
		memcpy(expected + n, piece, 4);
		n += 4;
		if (buf_append(&b, piece, 4) != 0)
			ok = 0;
	}
	expected[n] = '\0';
	CHECK(ok);
	CHECK(b.len == n);
	CHECK(b.cap > b.len);
	CHECK(memcmp(buf_str(&b), expected, n + 1) == 0);
	CHECK(strlen(buf_str(&b)) == b.len);
	buf_release(&b);
}

static void buf_append_should_keep_embedded_nul_bytes(void)
{
	buf b = BUF_INIT;
	static const char bytes[] = {'a', '\0', 'b'};

	CHECK(buf_append(&b, bytes, sizeof(bytes)) == 0);
	CHECK(b.len == 3);
	CHECK(memcmp(b.data, bytes, 3) == 0);
	CHECK(b.data[3] == '\0');
	buf_release(&b);
}

static void buf_append_of_nothing_should_still_give_a_string(void)
{
	buf b = BUF_INIT;

	CHECK(buf_append(&b, "", 0) == 0);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	buf_release(&b);
}

static void buf_puts_should_append_a_whole_string(void)
{
	buf b = BUF_INIT;

	CHECK(buf_puts(&b, "Plan ") == 0);
	CHECK(buf_puts(&b, "Aloud") == 0);
	CHECK_STR(buf_str(&b), "Plan Aloud");
	CHECK(b.len == strlen("Plan Aloud"));
	buf_release(&b);
}

static void buf_printf_should_append_formatted_text_across_growth(void)
{
	buf b = BUF_INIT;
	int ok = 1;
	size_t expected_len = 0;

	for (int i = 0; i < 2000; i++) {
		char one[32];

		expected_len +=
		    (size_t)snprintf(one, sizeof(one), "[%d:%s]", i, i % 2 ? "odd" : "even");
		if (buf_printf(&b, "[%d:%s]", i, i % 2 ? "odd" : "even") != 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK(b.len == expected_len);
	CHECK(strlen(buf_str(&b)) == expected_len);
	CHECK(strncmp(buf_str(&b), "[0:even][1:odd][2:even]", 23) == 0);
	CHECK(strcmp(buf_str(&b) + b.len - strlen("[1999:odd]"), "[1999:odd]") == 0);
	buf_release(&b);
}

static void buf_printf_should_append_after_existing_text(void)
{
	buf b = BUF_INIT;

	buf_puts(&b, "total: ");
	CHECK(buf_printf(&b, "%s%d.%02d", "£", 12, 5) == 0);
	CHECK_STR(buf_str(&b), "total: £12.05");
	buf_release(&b);
}

static void buf_printf_should_handle_one_long_string(void)
{
	buf b = BUF_INIT;
	char *long_text = malloc(100001);

	memset(long_text, 'x', 100000);
	long_text[100000] = '\0';
	buf_puts(&b, "<");
	CHECK(buf_printf(&b, "%s>", long_text) == 0);
	CHECK(b.len == 100002);
	CHECK(b.data[0] == '<' && b.data[1] == 'x' && b.data[100000] == 'x');
	CHECK(b.data[100001] == '>' && b.data[100002] == '\0');
	free(long_text);
	buf_release(&b);
}

static void buf_detach_should_hand_over_the_memory_and_empty_the_buffer(void)
{
	buf b = BUF_INIT;
	size_t len = 0;
	char *s;

	buf_puts(&b, "hello");
	s = buf_detach(&b, &len);
	CHECK_STR(s, "hello");
	CHECK(len == 5);
	CHECK(b.data == NULL);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	/* The buffer is reusable and does not share memory with what was detached. */
	buf_puts(&b, "again");
	CHECK_STR(s, "hello");
	CHECK_STR(buf_str(&b), "again");
	free(s);
	buf_release(&b);
}

static void buf_detach_of_an_empty_buffer_should_give_an_empty_string(void)
{
	buf b = BUF_INIT;
	size_t len = 99;
	char *s = buf_detach(&b, &len);

	CHECK(s != NULL);
	CHECK_STR(s, "");
	CHECK(len == 0);
	free(s);
	s = buf_detach(&b, NULL);
	CHECK(s != NULL);
	free(s);
}

static void buf_reset_should_empty_the_text_and_keep_it_usable(void)
{
	buf b = BUF_INIT;

	buf_reset(&b);
	CHECK_STR(buf_str(&b), "");
	buf_puts(&b, "some words that will go");
	buf_reset(&b);
	CHECK(b.len == 0);
	CHECK_STR(buf_str(&b), "");
	buf_puts(&b, "new");
	CHECK_STR(buf_str(&b), "new");
	CHECK(b.len == 3);
	buf_release(&b);
}

static void buf_release_should_leave_an_empty_reusable_buffer(void)
{
	buf b = BUF_INIT;

	buf_puts(&b, "text");
	buf_release(&b);
	CHECK(b.data == NULL);
	CHECK(b.len == 0);
	CHECK(b.cap == 0);
	CHECK_STR(buf_str(&b), "");
	buf_puts(&b, "more");
	CHECK_STR(buf_str(&b), "more");
	buf_release(&b);
	buf_release(&b);
	CHECK(b.data == NULL);
}

int main(void)
{
	RUN(buf_str_should_be_empty_string_before_any_append);
	RUN(buf_init_should_make_an_empty_buffer);
	RUN(buf_append_should_keep_bytes_in_order_across_many_appends);
	RUN(buf_append_should_keep_embedded_nul_bytes);
	RUN(buf_append_of_nothing_should_still_give_a_string);
	RUN(buf_puts_should_append_a_whole_string);
	RUN(buf_printf_should_append_formatted_text_across_growth);
	RUN(buf_printf_should_append_after_existing_text);
	RUN(buf_printf_should_handle_one_long_string);
	RUN(buf_detach_should_hand_over_the_memory_and_empty_the_buffer);
	RUN(buf_detach_of_an_empty_buffer_should_give_an_empty_string);
	RUN(buf_reset_should_empty_the_text_and_keep_it_usable);
	RUN(buf_release_should_leave_an_empty_reusable_buffer);
	return check_report();
}
