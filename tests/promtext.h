/* promtext: a strict reader of Prometheus's text exposition format (version 0.0.4), for the
 * tests of /metrics. It refuses what a scraper would, and more: a sample before its family's
 * TYPE, a family written in two places, HELP or TYPE twice, a bad name, label or value, a
 * counter not named _total or below zero, a histogram whose buckets are not cumulative and
 * ascending, or whose +Inf bucket is not its _count, or without _sum. */
#ifndef PLANALOUD_PROMTEXT_H
#define PLANALOUD_PROMTEXT_H

#include <stddef.h>

/* 0 when text is valid; else -1 and why (with the line) in err. */
int promtext_check(const char *text, char *err, size_t errlen);
/* The value of the sample name{labels} (labels exactly as written, "" for none), or -1 when
 * there is no such sample (every value here is 0 or more). */
double promtext_value(const char *text, const char *name, const char *labels);

#endif
