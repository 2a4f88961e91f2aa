/*
 * test_ratelog.c: the log limiter: the burst, the count and callers of a
 * summary, the roll-over of an interval, and the logging wrappers (with
 * log_notice wrapped at link time).
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/ratelog.h"

/* ------------------------------------------------------------ log stub */

static unsigned notices;
static char last_notice[1024];

void __wrap_log_notice(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

void
__wrap_log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_notice, sizeof(last_notice), fmt, ap);
	va_end(ap);
	notices++;
}

static const struct sockaddr *
v4(struct sockaddr_storage *ss, const char *host)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(700);
	assert_int_equal(inet_pton(AF_INET, host, &sin->sin_addr), 1);
	return (const struct sockaddr *)ss;
}

/* ------------------------------------------------------------ core */

static void
test_burst(void **state)
{
	struct ratelog r;
	struct ratelog_summary s;
	struct sockaddr_storage a;
	int i;

	(void)state;
	ratelog_init(&r, "refused test calls", 3, 5);
	for (i = 0; i < 3; i++) {
		assert_true(ratelog_event(&r, 100, v4(&a, "192.0.2.1"), &s));
		assert_int_equal(s.count, 0);
	}
	/* the rest of the interval is counted, not logged */
	for (i = 0; i < 1000; i++) {
		assert_false(ratelog_event(&r, 100 + i % 5, v4(&a, "192.0.2.1"),
		    &s));
		assert_int_equal(s.count, 0);
	}
	assert_int_equal(r.suppressed, 1000);
	ratelog_destroy(&r);
}

static void
test_summary(void **state)
{
	struct ratelog r;
	struct ratelog_summary s;
	struct sockaddr_storage a;
	char buf[512];
	int i;

	(void)state;
	ratelog_init(&r, "refused MNT calls", 2, 5);
	assert_true(ratelog_event(&r, 1000, v4(&a, "192.0.2.1"), &s));
	assert_true(ratelog_event(&r, 1000, v4(&a, "192.0.2.1"), &s));
	assert_false(ratelog_event(&r, 1001, v4(&a, "192.0.2.7"), &s));
	for (i = 0; i < 10; i++)
		assert_false(ratelog_event(&r, 1002, v4(&a, "192.0.2.8"), &s));
	assert_false(ratelog_event(&r, 1004, v4(&a, "192.0.2.9"), &s));

	/* the interval is not over: a flush says nothing yet */
	ratelog_take(&r, 1004, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(r.suppressed, 12);

	/* over (5 s after its start): the count, the span, the callers */
	ratelog_take(&r, 1005, &s);
	assert_int_equal(s.count, 12);
	assert_int_equal(s.secs, 4);
	assert_string_equal(ratelog_format(&r, &s, buf, sizeof(buf)),
	    "... and 12 more refused MNT calls in the last 4 s (first from "
	    "192.0.2.7, last from 192.0.2.9)");
	/* reported once */
	ratelog_take(&r, 1006, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(r.suppressed, 0);

	/* one caller: said once; no caller: no address */
	s.count = 3;
	s.secs = 1;
	v4(&s.first, "192.0.2.2");
	v4(&s.last, "192.0.2.2");
	assert_string_equal(ratelog_format(&r, &s, buf, sizeof(buf)),
	    "... and 3 more refused MNT calls in the last 1 s (all from "
	    "192.0.2.2)");
	memset(&s.first, 0, sizeof(s.first));
	assert_string_equal(ratelog_format(&r, &s, buf, sizeof(buf)),
	    "... and 3 more refused MNT calls in the last 1 s");
	ratelog_destroy(&r);
}

static void
test_rollover(void **state)
{
	struct ratelog r;
	struct ratelog_summary s;
	struct sockaddr_storage a;

	(void)state;
	ratelog_init(&r, "x", 1, 10);
	assert_true(ratelog_event(&r, 50, NULL, &s));
	assert_false(ratelog_event(&r, 51, v4(&a, "192.0.2.3"), &s));
	assert_false(ratelog_event(&r, 59, NULL, &s));
	/* the first event of the next interval brings the summary and is
	 * logged itself */
	assert_true(ratelog_event(&r, 60, NULL, &s));
	assert_int_equal(s.count, 2);
	assert_int_equal(s.secs, 9);
	assert_int_equal(s.first.ss_family, AF_INET);
	assert_int_equal(s.last.ss_family, AF_UNSPEC);
	assert_false(ratelog_event(&r, 60, NULL, &s));
	assert_int_equal(s.count, 0);

	/* a quiet interval: no summary, and the next one starts afresh */
	assert_true(ratelog_event(&r, 200, NULL, &s));
	assert_int_equal(s.count, 1);
	ratelog_take(&r, 300, &s);
	assert_int_equal(s.count, 0);
	assert_true(ratelog_event(&r, 301, NULL, &s));
	assert_false(ratelog_event(&r, 301, NULL, &s));

	/* a clock that went back ends the interval */
	assert_true(ratelog_event(&r, 290, NULL, &s));
	assert_int_equal(s.count, 1);
	assert_int_equal(s.secs, 1);
	ratelog_destroy(&r);

	/* interval 0 is 1 s */
	ratelog_init(&r, "x", 1, 0);
	assert_true(ratelog_event(&r, 5, NULL, &s));
	assert_false(ratelog_event(&r, 5, NULL, &s));
	assert_true(ratelog_event(&r, 6, NULL, &s));
	assert_int_equal(s.count, 1);
	ratelog_destroy(&r);
}

/* RATELOG_BURST: the process's setting ([global] log-burst), 0 no limit. */
static void
test_default_burst(void **state)
{
	struct ratelog r;
	struct ratelog_summary s;
	int i;

	(void)state;
	assert_int_equal(log_get_burst(), 5);
	ratelog_init(&r, "x", RATELOG_BURST, 5);
	for (i = 0; i < 5; i++)
		assert_true(ratelog_event(&r, 10, NULL, &s));
	assert_false(ratelog_event(&r, 10, NULL, &s));
	/* read at each event */
	log_set_burst(7);
	assert_true(ratelog_event(&r, 10, NULL, &s));
	assert_true(ratelog_event(&r, 10, NULL, &s));
	assert_false(ratelog_event(&r, 10, NULL, &s));
	log_set_burst(0);
	for (i = 0; i < 1000; i++)
		assert_true(ratelog_event(&r, 11, NULL, &s));
	ratelog_take(&r, 20, &s);
	assert_int_equal(s.count, 2);
	log_set_burst(5);
	ratelog_destroy(&r);
}

/* A flood over many intervals costs burst + 1 lines per interval. */
static void
test_flood_bound(void **state)
{
	struct ratelog r;
	struct ratelog_summary s;
	unsigned long lines = 0, counted = 0;
	unsigned b = log_get_burst();
	time_t t;
	int i;

	(void)state;
	ratelog_init(&r, "x", RATELOG_BURST, RATELOG_INTERVAL);
	for (t = 0; t < 60; t++)
		for (i = 0; i < 1000; i++) {
			if (ratelog_event(&r, 1000 + t, NULL, &s))
				lines++;
			if (s.count > 0) {
				lines++;
				counted += s.count;
			}
		}
	ratelog_take(&r, 1000 + t, &s);
	lines += s.count > 0;
	counted += s.count;
	/* every event is either logged or counted in a summary */
	assert_int_equal(counted + (unsigned long)(60 / RATELOG_INTERVAL * b),
	    60000);
	assert_int_equal(lines, 60 / RATELOG_INTERVAL * (b + 1));
	ratelog_destroy(&r);
}

/* ------------------------------------------------------------ wrappers */

static void
test_logging(void **state)
{
	struct ratelog r;
	struct sockaddr_storage a;
	int i, allowed = 0;

	(void)state;
	notices = 0;
	ratelog_init(&r, "refused wrapped calls", 2, 1);
	for (i = 0; i < 50; i++)
		allowed += ratelog_allow(&r, v4(&a, "198.51.100.4"));
	assert_int_equal(allowed, 2);
	assert_int_equal(notices, 0);
	/* the interval (1 s on the monotonic clock) ends: one summary */
	usleep(1100 * 1000);
	ratelog_flush(&r);
	assert_int_equal(notices, 1);
	assert_non_null(strstr(last_notice, "... and 48 more refused wrapped "
	    "calls in the last "));
	assert_non_null(strstr(last_notice, "(all from 198.51.100.4)"));
	ratelog_flush(&r);
	assert_int_equal(notices, 1);
	ratelog_destroy(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_default_burst),
		cmocka_unit_test(test_flood_bound),
		cmocka_unit_test(test_logging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
