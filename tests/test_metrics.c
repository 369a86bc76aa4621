/* Tests for server/metrics.c: counters, gauges, histograms and readers written out as
 * Prometheus's text format, which a strict reader (promtext.c) accepts. */
#include "check.h"

#include "buf.h"
#include "metrics.h"
#include "promtext.h"

#include <math.h>

static const double bounds[] = {0.001, 0.01, 0.1};

static char *render(metrics *m)
{
	buf b = BUF_INIT;

	CHECK(metrics_render(m, &b) == 0);
	return buf_detach(&b, NULL);
}

static int well_formed(const char *text)
{
	char err[512] = "";
	int ok = promtext_check(text, err, sizeof(err)) == 0;

	if (!ok)
		fprintf(stderr, "not Prometheus text: %s\n%s", err, text);
	return ok;
}

static void a_counter_should_show_its_value_where_it_lives(void)
{
	metrics *m = metrics_new();
	unsigned long long saves = 0;
	char *text;

	CHECK(metrics_counter(m, "planaloud_saves_total", NULL, "Saves.", &saves) == 0);
	saves = 41;
	saves++;
	text = render(m);
	CHECK(well_formed(text));
	CHECK(strstr(text, "# HELP planaloud_saves_total Saves.\n"
			   "# TYPE planaloud_saves_total counter\n"
			   "planaloud_saves_total 42\n") != NULL);
	CHECK(promtext_value(text, "planaloud_saves_total", NULL) == 42);
	free(text);
	metrics_free(m);
}

static void series_of_one_name_should_share_one_help_and_type(void)
{
	metrics *m = metrics_new();
	unsigned long long ok = 3, failed = 1;
	long long open = 2;
	char *text;

	CHECK(metrics_counter(m, "x_total", "result=\"ok\"", "X.", &ok) == 0);
	CHECK(metrics_gauge(m, "y", NULL, "Y.", &open) == 0);
	CHECK(metrics_counter(m, "x_total", "result=\"failed\"", "X.", &failed) == 0);
	text = render(m);
	CHECK(well_formed(text));
	CHECK(promtext_value(text, "x_total", "result=\"ok\"") == 3);
	CHECK(promtext_value(text, "x_total", "result=\"failed\"") == 1);
	CHECK(promtext_value(text, "y", NULL) == 2);
	CHECK(strstr(strstr(text, "# TYPE x_total") + 1, "# TYPE x_total") == NULL);
	free(text);
	metrics_free(m);
}

static void a_histogram_should_have_cumulative_buckets_and_inf_equal_to_count(void)
{
	metrics *m = metrics_new();
	metrics_histogram h;
	char *text;

	metrics_histogram_init(&h, bounds, 3);
	metrics_observe(&h, 0.0005);
	metrics_observe(&h, 0.001); /* on a bound: in that bucket (le is "less or equal") */
	metrics_observe(&h, 0.05);
	metrics_observe(&h, 7);
	CHECK(metrics_histogram_add(m, "t_seconds", NULL, "T.", &h) == 0);
	text = render(m);
	CHECK(well_formed(text));
	CHECK(promtext_value(text, "t_seconds_bucket", "le=\"0.001\"") == 2);
	CHECK(promtext_value(text, "t_seconds_bucket", "le=\"0.01\"") == 2);
	CHECK(promtext_value(text, "t_seconds_bucket", "le=\"0.1\"") == 3);
	CHECK(promtext_value(text, "t_seconds_bucket", "le=\"+Inf\"") == 4);
	CHECK(promtext_value(text, "t_seconds_count", NULL) == 4);
	CHECK(fabs(promtext_value(text, "t_seconds_sum", NULL) - 7.0515) < 1e-9);
	free(text);
	metrics_free(m);
}

static int two_kinds(void *ctx, metrics_out *o)
{
	(void)ctx;
	return metrics_put(o, "kind=\"safeguarding\"", 2) || metrics_put(o, "kind=\"review\"", 0);
}

static int cannot_read(void *ctx, metrics_out *o)
{
	(void)ctx;
	(void)o;
	return -1;
}

static void a_reader_should_write_its_samples_at_scrape_time(void)
{
	metrics *m = metrics_new();
	char *text;

	CHECK(metrics_reader(m, "flags", METRICS_GAUGE, "Flags.", two_kinds, NULL) == 0);
	CHECK(metrics_reader(m, "broken", METRICS_GAUGE, "Broken.", cannot_read, NULL) == 0);
	text = render(m);
	CHECK(well_formed(text));
	CHECK(promtext_value(text, "flags", "kind=\"safeguarding\"") == 2);
	CHECK(promtext_value(text, "flags", "kind=\"review\"") == 0);
	/* a reader that fails leaves a comment, and the rest is still written */
	CHECK(strstr(text, "# broken could not be read\n") != NULL);
	free(text);
	metrics_free(m);
}

static void the_strict_reader_should_refuse_what_is_not_prometheus_text(void)
{
	char err[256];

	CHECK(promtext_check("# TYPE a_total counter\na_total 1\n", err, sizeof(err)) == 0);
	CHECK(promtext_check("a_total 1\n", err, sizeof(err)) < 0);		/* no TYPE */
	CHECK(promtext_check("# TYPE a counter\na 1\n", err, sizeof(err)) < 0); /* not _total */
	CHECK(promtext_check("# TYPE a gauge\na one\n", err, sizeof(err)) < 0);
	CHECK(promtext_check("# TYPE a gauge\na{b=c} 1\n", err, sizeof(err)) < 0);
	CHECK(promtext_check("# TYPE a gauge\na 1", err, sizeof(err)) < 0);
	CHECK(promtext_check("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n", err,
			     sizeof(err)) < 0);
	CHECK(promtext_check("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\n"
			     "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n",
			     err, sizeof(err)) < 0); /* not cumulative */
	CHECK(promtext_check("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
			     "h_sum 1\nh_count 3\n",
			     err, sizeof(err)) < 0); /* +Inf is not the count */
	CHECK(promtext_check("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", err,
			     sizeof(err)) < 0); /* no +Inf */
}

int main(void)
{
	RUN(a_counter_should_show_its_value_where_it_lives);
	RUN(series_of_one_name_should_share_one_help_and_type);
	RUN(a_histogram_should_have_cumulative_buckets_and_inf_equal_to_count);
	RUN(a_reader_should_write_its_samples_at_scrape_time);
	RUN(the_strict_reader_should_refuse_what_is_not_prometheus_text);
	return check_report();
}
