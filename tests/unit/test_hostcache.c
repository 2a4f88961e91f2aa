/* test_hostcache.c: confirmed client names for wildcard exports, looked up
 * by the resolver thread and cached. Uses 127.0.0.1 <-> localhost from
 * /etc/hosts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "common/hostcache.h"

static struct sockaddr_in
v4(const char *a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, a, &sin.sin_addr);
	return sin;
}

static void
loopback_has_a_name(void **st)
{
	struct hostcache *hc = hostcache_new(16);
	struct sockaddr_in sin = v4("127.0.0.1");
	char name[256];
	int i;

	(void)st;
	assert_non_null(hc);
	assert_int_equal(hostcache_name(hc, (struct sockaddr *)&sin, name,
	    sizeof(name), 5000), 0);
	assert_string_equal(name, "localhost");
	/* cached: answered at once, again and again */
	for (i = 0; i < 100; i++)
		assert_int_equal(hostcache_name(hc, (struct sockaddr *)&sin,
		    name, sizeof(name), 0), 0);
	hostcache_free(hc);
}

static void
wildcard_needs_the_name(void **st)
{
	static const char text[] = "/srv/a local*(rw)\n/srv/b 192.0.2.9(rw)\n";
	struct hostcache *hc = hostcache_new(16);
	struct sockaddr_in lo = v4("127.0.0.1"), other = v4("192.0.2.9");
	struct exp_table *t;
	struct exp_err err;
	const struct exp_client *c;

	(void)st;
	assert_int_equal(exp_parse(text, sizeof(text) - 1, "t", &t, &err), 0);
	/* by address alone the wildcard cannot match */
	assert_null(hostcache_match_under(NULL, t, "/srv/a",
	    (struct sockaddr *)&lo, 0));
	c = hostcache_match_under(hc, t, "/srv/a/sub", (struct sockaddr *)&lo,
	    5000);
	assert_non_null(c);
	assert_string_equal(c->name, "local*");
	/* an address entry needs no name, and the wrong one gets nothing */
	assert_non_null(hostcache_match_under(hc, t, "/srv/b",
	    (struct sockaddr *)&other, 0));
	assert_null(hostcache_match_under(hc, t, "/srv/b",
	    (struct sockaddr *)&lo, 0));
	assert_non_null(hostcache_match_export(hc, exp_lookup(t, "/srv/a"),
	    (struct sockaddr *)&lo, 0));
	exp_table_free(t);
	hostcache_free(hc);
}

static void
bounded(void **st)
{
	struct hostcache *hc = hostcache_new(4);
	char name[256], a[32];
	int i, rc;

	(void)st;
	/* TEST-NET addresses have no names: answers are -ENOENT, or -EAGAIN
	 * while the lookups run; the table never holds more than 4 */
	for (i = 0; i < 40; i++) {
		struct sockaddr_in sin;

		snprintf(a, sizeof(a), "192.0.2.%d", 100 + i);
		sin = v4(a);
		rc = hostcache_name(hc, (struct sockaddr *)&sin, name,
		    sizeof(name), 0);
		assert_true(rc == -ENOENT || rc == -EAGAIN);
	}
	hostcache_free(hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback_has_a_name),
		cmocka_unit_test(wildcard_needs_the_name),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
