/* Tests for server/log.c: one logfmt line per event, and nothing from outside can break a line. */
#include "check.h"

#include "log.h"

#include <stdio.h>
#include <string.h>

static char last[1100];
static log_level last_level;

static void capture(void *ctx, log_level level, const char *line)
{
	(void)ctx;
	last_level = level;
	snprintf(last, sizeof(last), "%s", line);
}

static void log_should_write_level_event_and_pairs(void)
{
	log_event(LOG_WARN, "code-budget", "guesses=%d window_s=%d", 600, 600);
	CHECK(last_level == LOG_WARN);
	CHECK(strcmp(last, "level=warn event=code-budget guesses=600 window_s=600") == 0);
}

static void log_should_write_an_event_without_pairs(void)
{
	log_event(LOG_INFO, "start", NULL);
	CHECK(strcmp(last, "level=info event=start") == 0);
}

static void log_value_should_quote_spaces_quotes_and_equals(void)
{
	char out[64];

	CHECK(strcmp(log_value("203.0.113.9", out, sizeof(out)), "203.0.113.9") == 0);
	CHECK(strcmp(log_value("a b", out, sizeof(out)), "\"a b\"") == 0);
	CHECK(strcmp(log_value("x=\"y\"", out, sizeof(out)), "\"x=\\\"y\\\"\"") == 0);
	CHECK(strcmp(log_value("", out, sizeof(out)), "\"\"") == 0);
}

static void log_value_should_turn_control_bytes_into_question_marks(void)
{
	char out[64];

	CHECK(strcmp(log_value("a\nb\x1b", out, sizeof(out)), "a?b?") == 0);
}

static void log_value_should_cut_a_long_value_to_fit(void)
{
	char out[8];

	log_value("abcdefghijkl", out, sizeof(out));
	CHECK(strlen(out) < sizeof(out));
	CHECK(strncmp(out, "abcde", 5) == 0);
}

static void log_should_keep_one_event_on_one_line(void)
{
	log_event(LOG_ERROR, "commit-failed", "reason=%s", "disk\nfull");
	CHECK(strchr(last, '\n') == NULL);
	CHECK(strstr(last, "level=error event=commit-failed") == last);
}

static void log_should_leave_out_lines_below_its_level(void)
{
	log_level l;

	last[0] = '\0';
	log_event(LOG_DEBUG, "message", "type=%s", "answer");
	CHECK(last[0] == '\0'); /* info by default */
	log_set_level(LOG_DEBUG);
	log_event(LOG_DEBUG, "message", "type=%s", "answer");
	CHECK(strcmp(last, "level=debug event=message type=answer") == 0);
	log_set_level(LOG_WARN);
	log_event(LOG_INFO, "start", NULL);
	CHECK(strcmp(last, "level=debug event=message type=answer") == 0);
	log_set_level(LOG_INFO);
	CHECK(log_level_parse("warn", &l) == 0 && l == LOG_WARN);
	CHECK(log_level_parse("loud", &l) == -1);
}

static void lines_of_one_request_should_share_its_connection_and_id(void)
{
	unsigned long long conn = log_connection_number(), req, again;
	char first[1100], want[64];

	req = log_request_begin(conn);
	log_event(LOG_INFO, "plan-opened", NULL);
	snprintf(first, sizeof(first), "%s", last);
	log_event(LOG_WARN, "code-burst", "guesses=%d", 20);
	snprintf(want, sizeof(want), " conn=%llu req=%llu", conn, req);
	CHECK(strstr(first, want) != NULL);
	CHECK(strstr(last, want) != NULL);
	log_request_end();
	log_event(LOG_INFO, "stopping", NULL);
	CHECK(strstr(last, "req=") == NULL && strstr(last, "conn=") == NULL);
	/* the next request has a new id; an earlier one can be made current again */
	again = log_request_begin(0);
	CHECK(again != req);
	log_request_resume(conn, req);
	log_event(LOG_INFO, "login-ok", NULL);
	CHECK(strstr(last, want) != NULL);
	log_request_end();
}

int main(void)
{
	log_set_sink(capture, NULL);
	log_should_write_level_event_and_pairs();
	log_should_write_an_event_without_pairs();
	log_value_should_quote_spaces_quotes_and_equals();
	log_value_should_turn_control_bytes_into_question_marks();
	log_value_should_cut_a_long_value_to_fit();
	log_should_keep_one_event_on_one_line();
	log_should_leave_out_lines_below_its_level();
	lines_of_one_request_should_share_its_connection_and_id();
	log_set_sink(NULL, NULL);
	return check_report();
}
