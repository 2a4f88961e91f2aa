/*
 * test_addr.c: universal addresses, formatting, loopback and CIDR tests.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/addr.h"

/* A numeric host and port as a sockaddr (port in host order). */
static const struct sockaddr *
mk(struct sockaddr_storage *ss, const char *host, int port)
{
	socklen_t len;

	assert_int_equal(addr_pton(host, ss, &len), 0);
	assert_int_equal(len, addr_len((struct sockaddr *)ss));
	addr_set_port((struct sockaddr *)ss, port);
	return (const struct sockaddr *)ss;
}

static void
test_uaddr_v4(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char buf[ADDR_STRLEN];
	socklen_t len;

	(void)state;
	assert_int_equal(addr_from_uaddr("127.0.0.1.0.111", AF_INET, &ss,
	    &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(addr_port((struct sockaddr *)&ss), 111);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "127.0.0.1.0.111");

	/* port 2049 = 8 * 256 + 1, 65535 = 255.255 */
	assert_int_equal(addr_from_uaddr("192.0.2.10.8.1", AF_UNSPEC, &ss,
	    NULL), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(addr_port((struct sockaddr *)&ss), 2049);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.10.8.1");
	mk(&ss, "10.1.2.3", 65535);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "10.1.2.3.255.255");
	mk(&ss, "0.0.0.0", 0);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "0.0.0.0.0.0");

	/* too small a buffer */
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf, 11),
	    -ENOSPC);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf, 12), 0);
}

static void
test_uaddr_v6(void **state)
{
	static const char *const rt[] = {
		"::1.0.111", "::.8.1", "2001:db8::1:2.255.255",
		"fe80::1.3.0", "::ffff:192.0.2.1.0.111",
		"2001:db8:1:2:3:4:5:6.0.1",
	};
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char buf[ADDR_STRLEN];
	socklen_t len;
	size_t i;

	(void)state;
	assert_int_equal(addr_from_uaddr("::1.0.111", AF_INET6, &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	assert_int_equal(addr_port((struct sockaddr *)&ss), 111);

	for (i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		assert_int_equal(addr_from_uaddr(rt[i], AF_UNSPEC, &ss, &len),
		    0);
		assert_int_equal(ss.ss_family, AF_INET6);
		assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
		    sizeof(buf)), 0);
		assert_string_equal(buf, rt[i]);
	}
	/* inet_ntop's canonical form is what goes out */
	assert_int_equal(addr_from_uaddr("2001:0db8:0:0:0:0:0:1.0.1",
	    AF_INET6, &ss, NULL), 0);
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8::1.0.1");
}

static void
test_uaddr_local(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	char buf[ADDR_STRLEN], big[200];
	socklen_t len;

	(void)state;
	assert_int_equal(addr_from_uaddr("/run/rpcbind.sock", AF_UNSPEC, &ss,
	    &len), 0);
	assert_int_equal(ss.ss_family, AF_LOCAL);
	assert_int_equal(len, sizeof(struct sockaddr_un));
	assert_string_equal(sun->sun_path, "/run/rpcbind.sock");
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/run/rpcbind.sock");
	assert_int_equal(addr_port((struct sockaddr *)&ss), 0);
	assert_true(addr_is_local((struct sockaddr *)&ss));
	assert_false(addr_is_loopback((struct sockaddr *)&ss));

	assert_int_equal(addr_from_uaddr("/x", AF_LOCAL, &ss, NULL), 0);
	assert_int_equal(addr_from_uaddr("", AF_LOCAL, &ss, NULL), -EINVAL);
	assert_int_equal(addr_from_uaddr("rel/path", AF_LOCAL, &ss, NULL),
	    -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(addr_from_uaddr(big, AF_LOCAL, &ss, NULL), -EINVAL);
}

static void
test_uaddr_malformed(void **state)
{
	static const struct {
		const char	*u;
		int		 family;
	} bad[] = {
		{ "", AF_UNSPEC },
		{ "127.0.0.1", AF_INET },		/* no port */
		{ "127.0.0.1.0", AF_INET },		/* half a port */
		{ "127.0.0.1.0.111x", AF_INET },	/* trailing junk */
		{ "127.0.0.1.0.111 ", AF_INET },
		{ " 127.0.0.1.0.111", AF_INET },
		{ "127.0.0.1.0.256", AF_INET },		/* octet > 255 */
		{ "127.0.0.1.256.0", AF_INET },
		{ "127.0.0.1.0.0111", AF_INET },	/* four digits */
		{ "127.0.0.1..111", AF_INET },		/* empty octet */
		{ "127.0.0.1.0.", AF_INET },
		{ "127.0.0.1.-1.111", AF_INET },
		{ "127.0.0.1.+1.111", AF_INET },
		{ "127.0.0.0.111", AF_INET },		/* three host parts */
		{ "127.0.0.256.0.111", AF_INET },
		{ "127.0.0.1.2.0.111", AF_INET },	/* five host parts */
		{ ".0.111", AF_INET },
		{ "..", AF_INET },
		{ "0.111", AF_INET },
		{ "localhost.0.111", AF_INET },
		{ "::1.0.111", AF_INET },		/* wrong family */
		{ "127.0.0.1.0.111", AF_INET6 },
		{ "::1", AF_INET6 },
		{ "::1.0", AF_INET6 },
		{ "::1.0.111.", AF_INET6 },
		{ ":::1.0.111", AF_INET6 },
		{ "fe80::1%eth0.0.111", AF_INET6 },
		{ "[::1].0.111", AF_INET6 },
		{ "127.0.0.1.0.111", AF_LOCAL },
		{ "127.0.0.1.0.111", 12345 },
	};
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = 99;
		if (addr_from_uaddr(bad[i].u, bad[i].family, &ss, &len) !=
		    -EINVAL)
			fail_msg("accepted \"%s\" (family %d)", bad[i].u,
			    bad[i].family);
		assert_int_equal(len, 0);
	}
}

static void
test_to_uaddr_family(void **state)
{
	struct sockaddr_storage ss;
	char buf[ADDR_STRLEN];

	(void)state;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_PACKET;
	assert_int_equal(addr_to_uaddr((struct sockaddr *)&ss, buf,
	    sizeof(buf)), -EAFNOSUPPORT);
	assert_int_equal(addr_len((struct sockaddr *)&ss), 0);
	assert_int_equal(addr_port((struct sockaddr *)&ss), 0);
}

static void
test_format(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	char buf[ADDR_STRLEN], tiny[8];

	(void)state;
	mk(&ss, "192.0.2.1", 111);
	assert_string_equal(addr_ntop((struct sockaddr *)&ss, buf,
	    sizeof(buf)), "192.0.2.1");
	assert_string_equal(addr_fmt((struct sockaddr *)&ss, buf,
	    sizeof(buf)), "192.0.2.1:111");
	mk(&ss, "::1", 2049);
	assert_string_equal(addr_ntop((struct sockaddr *)&ss, buf,
	    sizeof(buf)), "::1");
	assert_string_equal(addr_fmt((struct sockaddr *)&ss, buf,
	    sizeof(buf)), "[::1]:2049");
	mk(&ss, "2001:db8:0:0:0:0:0:7", 0);
	assert_string_equal(addr_fmt((struct sockaddr *)&ss, buf,
	    sizeof(buf)), "[2001:db8::7]:0");
	/* truncation never overflows and always terminates */
	addr_fmt((struct sockaddr *)&ss, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_LOCAL;
	strcpy(sun.sun_path, "/run/x.sock");
	assert_string_equal(addr_ntop((struct sockaddr *)&sun, buf,
	    sizeof(buf)), "local");
	assert_string_equal(addr_fmt((struct sockaddr *)&sun, buf,
	    sizeof(buf)), "local:/run/x.sock");
	assert_int_equal(addr_len((struct sockaddr *)&sun),
	    sizeof(struct sockaddr_un));
}

static void
test_pton(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	assert_int_equal(addr_pton("10.0.0.1", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(addr_port((struct sockaddr *)&ss), 0);
	assert_int_equal(addr_pton("fe80::2", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(addr_pton("", &ss, &len), -EINVAL);
	assert_int_equal(addr_pton("10.0.0", &ss, &len), -EINVAL);
	assert_int_equal(addr_pton("host.example", &ss, &len), -EINVAL);
	assert_int_equal(addr_pton("[::1]", &ss, &len), -EINVAL);
	assert_int_equal(addr_pton("10.0.0.1 ", &ss, &len), -EINVAL);
	assert_int_equal(len, 0);
}

static void
test_loopback(void **state)
{
	static const struct {
		const char	*host;
		bool		 loop;
		bool		 any;
	} t[] = {
		{ "127.0.0.1", true, false }, { "127.255.1.2", true, false },
		{ "128.0.0.1", false, false }, { "126.255.255.255", false, false },
		{ "10.0.0.1", false, false }, { "0.0.0.0", false, true },
		{ "::1", true, false }, { "::2", false, false },
		{ "::", false, true }, { "::ffff:127.0.0.1", true, false },
		{ "::ffff:127.9.9.9", true, false },
		{ "::ffff:10.0.0.1", false, false },
		{ "::ffff:0.0.0.0", false, true },
		{ "::127.0.0.1", false, false },	/* v4-compatible, not mapped */
		{ "fe80::1", false, false },
	};
	struct sockaddr_storage ss;
	const struct sockaddr *sa;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sa = mk(&ss, t[i].host, 111);
		if (addr_is_loopback(sa) != t[i].loop ||
		    addr_is_local(sa) != t[i].loop ||
		    addr_is_any(sa) != t[i].any)
			fail_msg("%s: loopback %d local %d any %d", t[i].host,
			    addr_is_loopback(sa), addr_is_local(sa),
			    addr_is_any(sa));
	}
}

static void
test_host_eq(void **state)
{
	struct sockaddr_storage a, b;

	(void)state;
	assert_true(addr_host_eq(mk(&a, "10.0.0.1", 1), mk(&b, "10.0.0.1", 2)));
	assert_false(addr_host_eq(mk(&a, "10.0.0.1", 1), mk(&b, "10.0.0.2", 1)));
	assert_true(addr_host_eq(mk(&a, "10.0.0.1", 1),
	    mk(&b, "::ffff:10.0.0.1", 1)));
	assert_true(addr_host_eq(mk(&a, "::ffff:10.0.0.1", 1),
	    mk(&b, "10.0.0.1", 1)));
	assert_false(addr_host_eq(mk(&a, "::ffff:10.0.0.1", 1),
	    mk(&b, "10.0.0.2", 1)));
	assert_true(addr_host_eq(mk(&a, "2001:db8::1", 1),
	    mk(&b, "2001:db8:0::1", 5)));
	assert_false(addr_host_eq(mk(&a, "2001:db8::1", 1),
	    mk(&b, "2001:db8::2", 1)));
	assert_false(addr_host_eq(mk(&a, "::1", 1), mk(&b, "127.0.0.1", 1)));
}

static void
test_cidr(void **state)
{
	static const struct {
		const char	*host;
		const char	*net;
		unsigned	 prefix;
		bool		 in;
	} t[] = {
		{ "10.1.2.3", "10.0.0.0", 8, true },
		{ "11.1.2.3", "10.0.0.0", 8, false },
		{ "192.168.1.130", "192.168.1.128", 25, true },
		{ "192.168.1.127", "192.168.1.128", 25, false },
		{ "192.168.1.1", "192.168.1.1", 32, true },
		{ "192.168.1.2", "192.168.1.1", 32, false },
		{ "1.2.3.4", "0.0.0.0", 0, true },
		{ "1.2.3.4", "1.2.3.4", 33, false },	/* bad prefix */
		{ "10.0.0.1", "::", 0, true },		/* ::/0 is everything */
		/* v4-mapped clients against v4 networks and back */
		{ "::ffff:10.1.2.3", "10.0.0.0", 8, true },
		{ "::ffff:11.1.2.3", "10.0.0.0", 8, false },
		{ "10.1.2.3", "::ffff:10.0.0.0", 104, true },
		{ "11.1.2.3", "::ffff:10.0.0.0", 104, false },
		{ "::ffff:10.1.2.3", "::ffff:10.0.0.0", 104, true },
		{ "10.1.2.3", "::ffff:0.0.0.0", 96, true },
		/* v6 */
		{ "2001:db8::1", "2001:db8::", 32, true },
		{ "2001:db9::1", "2001:db8::", 32, false },
		{ "2001:db8::1", "2001:db8::", 127, true },
		{ "2001:db8::2", "2001:db8::", 127, false },
		{ "2001:db8::1", "2001:db8::1", 128, true },
		{ "2001:db8::1", "2001:db8::1", 129, false },
		{ "fe80::1", "fe80::", 10, true },
		{ "febf::1", "fe80::", 10, true },
		{ "fec0::1", "fe80::", 10, false },
		{ "10.0.0.1", "2001:db8::", 32, false },
		{ "2001:db8::1", "10.0.0.0", 8, false },
	};
	struct sockaddr_storage a, n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (addr_in_net(mk(&a, t[i].host, 1), mk(&n, t[i].net, 0),
		    t[i].prefix) != t[i].in)
			fail_msg("%s in %s/%u: expected %d", t[i].host,
			    t[i].net, t[i].prefix, t[i].in);
}

static void
test_set_port(void **state)
{
	struct sockaddr_storage ss;

	(void)state;
	mk(&ss, "10.0.0.1", 0);
	addr_set_port((struct sockaddr *)&ss, 2049);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 2049);
	mk(&ss, "::1", 0);
	addr_set_port((struct sockaddr *)&ss, 65535);
	assert_int_equal(addr_port((struct sockaddr *)&ss), 65535);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uaddr_v4),
		cmocka_unit_test(test_uaddr_v6),
		cmocka_unit_test(test_uaddr_local),
		cmocka_unit_test(test_uaddr_malformed),
		cmocka_unit_test(test_to_uaddr_family),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_pton),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_host_eq),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_set_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
