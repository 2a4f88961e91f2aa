/*
 * test_rpcbd.c: rpcbind's registration database (rpcbind/rpcbd_db.c):
 * set/unset and the owner rules, find_service fallback, address merging,
 * the warm-start state file (versions 2 and 1), the owner-process
 * operations of the liveness checks and the GETSTAT counters.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rpcbind/rpcbd_db.h"

static void
str_copy_test(char *dst, const char *src, size_t n)
{
	snprintf(dst, n, "%s", src);
}

static void
add(struct rpcbd_db *db, uint32_t prog, uint32_t vers, const char *netid,
    const char *uaddr, const char *owner, int want)
{
	struct rpcbd_ent e;

	assert_int_equal(rpcbd_ent_make(&e, prog, vers, netid, uaddr, owner),
	    0);
	assert_int_equal(rpcbd_db_set(db, &e), want);
}

static void
test_set_dup(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_ent e;

	(void)state;
	add(db, 100003, 3, "tcp", "0.0.0.0.8.1", "superuser", 0);
	add(db, 100003, 3, "udp", "0.0.0.0.8.1", "superuser", 0);
	/* Same prog/vers/netid: refused, whatever the address. */
	add(db, 100003, 3, "tcp", "0.0.0.0.8.1", "superuser", -EEXIST);
	add(db, 100003, 3, "TCP", "0.0.0.0.8.2", "1000", -EEXIST);
	add(db, 100003, 4, "tcp", "0.0.0.0.8.1", "superuser", 0);
	assert_int_equal(rpcbd_db_count(db), 3);
	/* Bad entries never get in. */
	assert_int_equal(rpcbd_ent_make(&e, 1, 1, "tc p", "x", "u"), -EINVAL);
	assert_int_equal(rpcbd_ent_make(&e, 1, 1, "tcp", "", "u"), -EINVAL);
	assert_int_equal(rpcbd_ent_make(&e, 1, 1, "tcp", "a\nb", "u"),
	    -EINVAL);
	assert_int_equal(rpcbd_ent_make(&e, 1, 1,
	    "a-very-long-netid-that-does-not-fit-at-all", "x", "u"),
	    -ENAMETOOLONG);
	rpcbd_db_free(db);
}

static void
test_uaddr_rules(void **state)
{
	(void)state;
	assert_int_equal(rpcbd_uaddr_check("tcp", "127.0.0.1.8.1"), 0);
	assert_int_equal(rpcbd_uaddr_check("tcp", "::1.8.1"), -EINVAL);
	assert_int_equal(rpcbd_uaddr_check("tcp6", "::1.8.1"), 0);
	assert_int_equal(rpcbd_uaddr_check("udp", "1.2.3.4.5"), -EINVAL);
	assert_int_equal(rpcbd_uaddr_check("local", "/run/x.sock"), 0);
	assert_int_equal(rpcbd_uaddr_check("local", "relative"), -EINVAL);
	assert_true(rpcbd_uaddr_privileged("udp", "0.0.0.0.3.255"));
	assert_false(rpcbd_uaddr_privileged("udp", "0.0.0.0.4.0"));
	assert_true(rpcbd_uaddr_privileged("tcp6", "::.0.111"));
	assert_false(rpcbd_uaddr_privileged("local", "/run/rpcbind.sock"));
}

static void
test_unset_owner(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();

	(void)state;
	add(db, 300000, 1, "udp", "0.0.0.0.200.1", "1000", 0);
	add(db, 300000, 1, "tcp", "0.0.0.0.200.1", "1000", 0);
	add(db, 300000, 2, "tcp", "0.0.0.0.200.2", "1000", 0);
	add(db, 100021, 4, "udp", "0.0.0.0.3.0", "superuser", 0);
	/* Another user may not; nothing is removed. */
	assert_int_equal(rpcbd_db_unset(db, 300000, 1, "", "1001", false),
	    -EPERM);
	assert_int_equal(rpcbd_db_unset(db, 300000, 1, "udp", "unknown",
	    true), -EPERM);
	assert_int_equal(rpcbd_db_count(db), 4);
	/* The owner removes one netid, then every netid. */
	assert_int_equal(rpcbd_db_unset(db, 300000, 1, "udp", "1000", false),
	    1);
	assert_int_equal(rpcbd_db_unset(db, 300000, 1, "", "1000", false), 1);
	assert_int_equal(rpcbd_db_unset(db, 300000, 1, NULL, "1000", false),
	    0);
	/* A privileged mapping needs a privileged caller even for its
	 * owner; superuser always may. */
	assert_int_equal(rpcbd_db_unset(db, 100021, 4, "", "unknown", true),
	    -EPERM);
	assert_int_equal(rpcbd_db_unset(db, 300000, 2, "tcp", "superuser",
	    false), 1);
	assert_int_equal(rpcbd_db_unset(db, 100021, 4, "", "superuser",
	    false), 1);
	assert_int_equal(rpcbd_db_count(db), 0);
	/* The list stays usable after removing the tail. */
	add(db, 1, 1, "udp", "0.0.0.0.8.1", "u", 0);
	add(db, 2, 1, "udp", "0.0.0.0.8.1", "u", 0);
	assert_int_equal(rpcbd_db_count(db), 2);
	rpcbd_db_free(db);
}

static void
test_unset_privileged_owner(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();

	(void)state;
	add(db, 100099, 1, "udp", "0.0.0.0.2.0", "unknown", 0);
	assert_int_equal(rpcbd_db_unset(db, 100099, 1, "udp", "unknown",
	    false), -EPERM);
	assert_int_equal(rpcbd_db_unset(db, 100099, 1, "udp", "unknown",
	    true), 1);
	rpcbd_db_free(db);
}

static void
test_find_fallback(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_ent e;

	(void)state;
	add(db, 100005, 1, "udp", "0.0.0.0.2.1", "superuser", 0);
	add(db, 100005, 3, "udp", "0.0.0.0.2.3", "superuser", 0);
	add(db, 100005, 3, "tcp", "0.0.0.0.2.4", "superuser", 0);
	assert_int_equal(rpcbd_db_find(db, 100005, 1, "udp", &e), 0);
	assert_int_equal(e.vers, 1);
	assert_string_equal(e.uaddr, "0.0.0.0.2.1");
	/* Missing version: another version of the program on that netid
	 * (the last registered), never another netid. */
	assert_int_equal(rpcbd_db_find(db, 100005, 2, "udp", &e), 0);
	assert_int_equal(e.vers, 3);
	assert_int_equal(rpcbd_db_find(db, 100005, 1, "tcp", &e), 0);
	assert_int_equal(e.vers, 3);
	assert_string_equal(e.netid, "tcp");
	assert_int_equal(rpcbd_db_find(db, 100005, 3, "udp6", &e), -ENOENT);
	assert_int_equal(rpcbd_db_find(db, 100006, 3, "udp", &e), -ENOENT);
	rpcbd_db_free(db);
}

static void
test_merge(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	char out[128];

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(111);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(111);
	inet_pton(AF_INET6, "2001:db8::7", &sin6.sin6_addr);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/rpcbind.sock");

	/* Wildcards take the address the request came to, keep the port. */
	assert_int_equal(rpcbd_merge_addr("0.0.0.0.8.1",
	    (struct sockaddr *)&sin, out, sizeof(out)), 0);
	assert_string_equal(out, "192.0.2.7.8.1");
	assert_int_equal(rpcbd_merge_addr("::.8.1",
	    (struct sockaddr *)&sin6, out, sizeof(out)), 0);
	assert_string_equal(out, "2001:db8::7.8.1");
	/* Over AF_LOCAL: loopback of the registration's family. */
	assert_int_equal(rpcbd_merge_addr("0.0.0.0.8.1",
	    (struct sockaddr *)&sun, out, sizeof(out)), 0);
	assert_string_equal(out, "127.0.0.1.8.1");
	assert_int_equal(rpcbd_merge_addr("::.8.1",
	    (struct sockaddr *)&sun, out, sizeof(out)), 0);
	assert_string_equal(out, "::1.8.1");
	/* A specific address and a path are answered as registered. */
	assert_int_equal(rpcbd_merge_addr("10.1.2.3.8.1",
	    (struct sockaddr *)&sin, out, sizeof(out)), 0);
	assert_string_equal(out, "10.1.2.3.8.1");
	assert_int_equal(rpcbd_merge_addr("/run/rpcbind.sock",
	    (struct sockaddr *)&sin, out, sizeof(out)), 0);
	assert_string_equal(out, "/run/rpcbind.sock");
	/* Too small a buffer is an error, not an overflow. */
	assert_int_not_equal(rpcbd_merge_addr("0.0.0.0.8.1",
	    (struct sockaddr *)&sin, out, 5), 0);
}

static void
test_state_roundtrip(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new(), *db2 = rpcbd_db_new();
	struct parse_err err;
	struct rpcbd_ent e;
	char *buf, *buf2;
	size_t len, len2;
	unsigned skipped;

	(void)state;
	add(db, 100000, 4, "tcp", "0.0.0.0.0.111", "superuser", 0);
	add(db, 100003, 3, "tcp", "0.0.0.0.8.1", "superuser", 0);
	add(db, 300002, 7, "tcp6", "::1.4.1", "unknown", 0);
	/* One with its owner process: pid and start time survive. */
	assert_int_equal(rpcbd_ent_make(&e, 300001, 1, "local",
	    "/run/my service%.sock", "1000"), 0);
	e.pid = 4242;
	e.start = 18446744073709551615ULL;
	e.checked = 77;
	assert_int_equal(rpcbd_db_set(db, &e), 0);
	assert_int_equal(rpcbd_state_serialize(db, 100000, &buf, &len), 0);
	assert_int_equal(strlen(buf), len);
	assert_int_equal(strncmp(buf, "nfs-suite-rpcbind-state 2\n", 26), 0);
	assert_null(strstr(buf, "100000 "));
	assert_non_null(strstr(buf, "300001 1 local /run/my%20service%25.sock "
	    "1000 4242 18446744073709551615\n"));
	assert_non_null(strstr(buf, "300002 7 tcp6 ::1.4.1 unknown 0 0\n"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(rpcbd_state_parse(db2, buf, 100000, &skipped, &err),
	    3);
	assert_int_equal(skipped, 0);
	assert_int_equal(rpcbd_db_find(db2, 300001, 1, "local", &e), 0);
	assert_string_equal(e.uaddr, "/run/my service%.sock");
	assert_string_equal(e.owner, "1000");
	assert_int_equal(e.pid, 4242);
	assert_true(e.start == 18446744073709551615ULL);
	assert_true(e.checked == 0);		/* not saved */
	assert_int_equal(rpcbd_db_find(db2, 300002, 7, "tcp6", &e), 0);
	assert_int_equal(e.pid, 0);
	assert_true(e.start == 0);
	assert_int_equal(rpcbd_state_serialize(db2, 100000, &buf2, &len2), 0);
	assert_string_equal(buf, buf2);
	/* Loading again: every entry clashes and is skipped. */
	assert_int_equal(rpcbd_state_parse(db2, buf, 100000, &skipped, &err),
	    0);
	assert_int_equal(skipped, 3);
	free(buf);
	free(buf2);
	rpcbd_db_free(db);
	rpcbd_db_free(db2);
}

static void
test_state_malformed(void **state)
{
	static const struct {
		const char	*text;
		unsigned	 line;
	} bad[] = {
		{ "", 1 },
		{ "garbage\n", 1 },
		{ "nfs-suite-rpcbind-state 3\n", 1 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u\n",
		  2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 1\n",
		  2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 1 2 3\n",
		  2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u -1 2\n",
		  2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u "
		  "4194305 2\n", 2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 01 2\n",
		  2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 1 "
		  "18446744073709551616\n", 2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 1 "
		  "99999999999999999999\n", 2 },
		{ "nfs-suite-rpcbind-state 2\n100003 3 tcp 0.0.0.0.8.1 u 1 x\n",
		  2 },
		{ "nfs-suite-rpcbind-state 1\n100003 3 tcp 0.0.0.0.8.1\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n# c\n\n"
		  "100003 3 tcp 0.0.0.0.8.1 superuser extra\n", 4 },
		{ "nfs-suite-rpcbind-state 1\n-1 3 tcp 0.0.0.0.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n4294967296 3 tcp 0.0.0.0.8.1 u\n",
		  2 },
		{ "nfs-suite-rpcbind-state 1\n0100 3 tcp 0.0.0.0.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3x tcp 0.0.0.0.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 1.2.3.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp6 0.0.0.0.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 local rel%2Fpath u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 0.0.0.0.8.1 a%0\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 0.0.0.0.8.1 a%zz\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 0.0.0.0.8.1 a%00b\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 t%0Acp 0.0.0.0.8.1 u\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 0.0.0.0.8.1 "
		  "an-owner-name-far-too-long-to-fit\n", 2 },
		{ "nfs-suite-rpcbind-state 1\n100 3 tcp 0.0.0.0.8.1 u\n"
		  "100 4 tcp 0.0.0.0.8.1\n", 3 },
	};
	struct rpcbd_db *db = rpcbd_db_new();
	struct parse_err err;
	unsigned skipped;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(rpcbd_state_parse(db, bad[i].text, 100000,
		    &skipped, &err), -EINVAL);
		if (err.line != bad[i].line)
			fail_msg("case %zu: line %u, want %u (%s)", i,
			    err.line, bad[i].line, err.msg);
		assert_true(err.msg[0] != '\0');
		/* All or nothing: a bad line later keeps the good ones out. */
		assert_int_equal(rpcbd_db_count(db), 0);
	}
	/* An over-long line. */
	{
		char *big = malloc(4096);

		strcpy(big, "nfs-suite-rpcbind-state 1\n1 1 tcp ");
		memset(big + strlen(big), 'x', 2000);
		big[4000] = '\0';
		assert_int_equal(rpcbd_state_parse(db, big, 0, NULL, &err),
		    -EINVAL);
		assert_int_equal(err.line, 2);
		free(big);
	}
	/* Comments, blanks and CRLF are fine. */
	assert_int_equal(rpcbd_state_parse(db, "nfs-suite-rpcbind-state 1\r\n"
	    "  # comment\r\n\r\n100 3   tcp\t0.0.0.0.8.1 u\r\n", 100000,
	    &skipped, &err), 1);
	/* The limits themselves; a start time without a pid means nothing. */
	assert_int_equal(rpcbd_state_parse(db, "nfs-suite-rpcbind-state 2\n"
	    "101 3 tcp 0.0.0.0.8.1 u 4194304 18446744073709551615\n"
	    "102 3 tcp 0.0.0.0.8.1 u 0 12\n", 100000, &skipped, &err), 2);
	{
		struct rpcbd_ent e;

		assert_int_equal(rpcbd_db_find(db, 101, 3, "tcp", &e), 0);
		assert_int_equal(e.pid, 4194304);
		assert_int_equal(rpcbd_db_find(db, 102, 3, "tcp", &e), 0);
		assert_int_equal(e.pid, 0);
		assert_true(e.start == 0);
	}
	rpcbd_db_free(db);
}

/* What the liveness checks do to entries: only to the same registration
 * they looked at (same address and owner process). */
static void
test_remove_disown(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_ent e, a, b, got;

	(void)state;
	assert_int_equal(rpcbd_ent_make(&a, 100005, 3, "udp", "0.0.0.0.3.1",
	    RPCBD_SUPERUSER), 0);
	a.pid = 100;
	a.start = 5000;
	a.checked = 1;
	assert_int_equal(rpcbd_db_set(db, &a), 0);
	assert_int_equal(rpcbd_ent_make(&b, 100005, 3, "tcp", "0.0.0.0.3.2",
	    RPCBD_SUPERUSER), 0);
	b.checked = 1000;
	assert_int_equal(rpcbd_db_set(db, &b), 0);
	add(db, 100005, 1, "tcp", "0.0.0.0.3.3", RPCBD_SUPERUSER, 0);

	/* Another process (pid reused), another address: untouched. */
	e = a;
	e.start = 5001;
	assert_int_equal(rpcbd_db_remove(db, &e), 0);
	assert_int_equal(rpcbd_db_disown(db, &e, 9), 0);
	e = a;
	str_copy_test(e.uaddr, "0.0.0.0.3.9", sizeof(e.uaddr));
	assert_int_equal(rpcbd_db_remove(db, &e), 0);
	assert_int_equal(rpcbd_db_count(db), 3);

	/* disown forgets the process, keeps the rest. */
	assert_int_equal(rpcbd_db_disown(db, &a, 2000), 1);
	assert_int_equal(rpcbd_db_find(db, 100005, 3, "udp", &got), 0);
	assert_int_equal(got.pid, 0);
	assert_true(got.start == 0);
	assert_true(got.checked == 2000);
	assert_string_equal(got.owner, RPCBD_SUPERUSER);
	/* ... so it is a different registration from what a was now. */
	assert_int_equal(rpcbd_db_remove(db, &a), 0);

	/* claim: at most once per min_age, and only if still there. */
	assert_false(rpcbd_db_claim_check(db, &b, 2000, 2000));
	assert_true(rpcbd_db_claim_check(db, &b, 3000, 2000));
	assert_false(rpcbd_db_claim_check(db, &b, 3500, 2000));
	assert_true(rpcbd_db_claim_check(db, &b, 5000, 2000));
	/* the clock went back */
	assert_true(rpcbd_db_claim_check(db, &b, 10, 2000));

	/* remove: the one, and the list stays usable at its end. */
	assert_int_equal(rpcbd_db_remove(db, &b), 1);
	assert_int_equal(rpcbd_db_remove(db, &b), 0);
	assert_false(rpcbd_db_claim_check(db, &b, 99999, 0));
	assert_int_equal(rpcbd_db_count(db), 2);
	add(db, 100005, 2, "udp", "0.0.0.0.3.4", RPCBD_SUPERUSER, 0);
	assert_int_equal(rpcbd_db_find(db, 100005, 2, "udp", &got), 0);
	/* the last one out, then one more in: the tail was kept right */
	assert_int_equal(rpcbd_db_remove(db, &got), 1);
	add(db, 100005, 4, "udp", "0.0.0.0.3.5", RPCBD_SUPERUSER, 0);
	assert_int_equal(rpcbd_db_find(db, 100005, 3, "tcp", &got), 0);
	assert_int_equal(got.vers, 1);		/* v3 tcp is gone */
	assert_int_equal(rpcbd_db_count(db), 3);
	rpcbd_db_free(db);
}

static void
test_stats(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_stat_vers st[RPCBD_NSV];
	unsigned i;

	(void)state;
	rpcbd_stat_proc(db, RPCBD_SV_2, 3);
	rpcbd_stat_proc(db, RPCBD_SV_2, 3);
	rpcbd_stat_proc(db, RPCBD_SV_4, 12);
	rpcbd_stat_proc(db, RPCBD_SV_4, 13);	/* out of range: ignored */
	rpcbd_stat_proc(db, 7, 1);		/* ditto */
	rpcbd_stat_set(db, RPCBD_SV_3, true);
	rpcbd_stat_set(db, RPCBD_SV_3, false);	/* only successes count */
	rpcbd_stat_unset(db, RPCBD_SV_3, true);
	rpcbd_stat_getaddr(db, RPCBD_SV_3, 100003, 3, "tcp", true);
	rpcbd_stat_getaddr(db, RPCBD_SV_3, 100003, 3, "tcp", false);
	rpcbd_stat_getaddr(db, RPCBD_SV_3, 100003, 3, "udp", true);
	rpcbd_stat_rmtcall(db, RPCBD_SV_4, 300000, 1, 2, "udp", true, true);
	rpcbd_stat_rmtcall(db, RPCBD_SV_4, 300000, 1, 2, "udp", false, false);
	rpcbd_stat_get(db, st);
	assert_int_equal(st[RPCBD_SV_2].info[3], 2);
	assert_int_equal(st[RPCBD_SV_4].info[12], 1);
	assert_int_equal(st[RPCBD_SV_3].setinfo, 1);
	assert_int_equal(st[RPCBD_SV_3].unsetinfo, 1);
	assert_int_equal(st[RPCBD_SV_3].naddr, 2);
	assert_int_equal(st[RPCBD_SV_3].addr[0].success, 1);
	assert_int_equal(st[RPCBD_SV_3].addr[0].failure, 1);
	assert_string_equal(st[RPCBD_SV_3].addr[1].netid, "udp");
	assert_int_equal(st[RPCBD_SV_4].nrmt, 1);
	assert_int_equal(st[RPCBD_SV_4].rmt[0].success, 1);
	assert_int_equal(st[RPCBD_SV_4].rmt[0].failure, 1);
	assert_int_equal(st[RPCBD_SV_4].rmt[0].indirect, 1);
	/* The rows are bounded. */
	for (i = 0; i < 3 * RPCBD_STAT_MAX; i++)
		rpcbd_stat_getaddr(db, RPCBD_SV_2, 400000 + i, 1, "udp", true);
	rpcbd_stat_get(db, st);
	assert_int_equal(st[RPCBD_SV_2].naddr, RPCBD_STAT_MAX);
	rpcbd_db_free(db);
}

struct thr {
	struct rpcbd_db	*db;
	uint32_t	 base;
};

static void *
worker(void *p)
{
	struct thr *t = p;
	struct rpcbd_ent e;
	uint32_t i;

	for (i = 0; i < 200; i++) {
		if (rpcbd_ent_make(&e, t->base + i, 1, "udp", "0.0.0.0.8.1",
		    RPCBD_SUPERUSER) != 0 || rpcbd_db_set(t->db, &e) != 0)
			return (void *)1;
		rpcbd_stat_getaddr(t->db, RPCBD_SV_3, 1, 1, "udp", true);
		if (i % 2 == 0 &&
		    rpcbd_db_unset(t->db, t->base + i, 1, "", RPCBD_SUPERUSER,
		    false) != 1)
			return (void *)1;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_stat_vers st[RPCBD_NSV];
	pthread_t th[4];
	struct thr t[4];
	void *rv;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		t[i].db = db;
		t[i].base = 1000u * (uint32_t)(i + 1);
		assert_int_equal(pthread_create(&th[i], NULL, worker, &t[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
	assert_int_equal(rpcbd_db_count(db), 400);
	rpcbd_stat_get(db, st);
	assert_int_equal(st[RPCBD_SV_3].addr[0].success, 800);
	rpcbd_db_free(db);
}

static void
test_limit(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_ent e;
	uint32_t i;

	(void)state;
	for (i = 0; i < RPCBD_DB_MAX; i++) {
		assert_int_equal(rpcbd_ent_make(&e, i, 1, "udp", "0.0.0.0.8.1",
		    RPCBD_SUPERUSER), 0);
		assert_int_equal(rpcbd_db_set(db, &e), 0);
	}
	assert_int_equal(rpcbd_ent_make(&e, i, 1, "udp", "0.0.0.0.8.1",
	    RPCBD_SUPERUSER), 0);
	assert_int_equal(rpcbd_db_set(db, &e), -ENOSPC);
	rpcbd_db_free(db);
}

/* A local user cannot crowd the system's daemons out of the table. */
static void
test_owner_quota(void **state)
{
	struct rpcbd_db *db = rpcbd_db_new();
	struct rpcbd_ent e;
	char owner[16];
	uint32_t i, n = 0;
	int rc;

	(void)state;
	for (i = 0; i < RPCBD_OWNER_QUOTA; i++) {
		assert_int_equal(rpcbd_ent_make(&e, i, 1, "udp", "0.0.0.0.8.1",
		    "1000"), 0);
		assert_int_equal(rpcbd_db_set(db, &e), 0);
	}
	assert_int_equal(rpcbd_ent_make(&e, i, 1, "udp", "0.0.0.0.8.1",
	    "1000"), 0);
	assert_int_equal(rpcbd_db_set(db, &e), -EDQUOT);
	/* many owners together stop short of the superuser's reserve */
	for (i = 0; i < RPCBD_DB_MAX; i++) {
		snprintf(owner, sizeof(owner), "%u", 2000 + i / 200);
		assert_int_equal(rpcbd_ent_make(&e, 100000 + i, 1, "tcp",
		    "0.0.0.0.8.1", owner), 0);
		if ((rc = rpcbd_db_set(db, &e)) != 0) {
			assert_int_equal(rc, -EDQUOT);
			break;
		}
		n++;
	}
	assert_int_equal(rpcbd_db_count(db), RPCBD_DB_MAX - RPCBD_ROOT_RESERVE);
	assert_true(n > 0);
	assert_int_equal(rpcbd_ent_make(&e, 100005, 3, "tcp", "0.0.0.0.78.80",
	    RPCBD_SUPERUSER), 0);
	assert_int_equal(rpcbd_db_set(db, &e), 0);
	rpcbd_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_dup),
		cmocka_unit_test(test_uaddr_rules),
		cmocka_unit_test(test_unset_owner),
		cmocka_unit_test(test_unset_privileged_owner),
		cmocka_unit_test(test_find_fallback),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_state_malformed),
		cmocka_unit_test(test_remove_disown),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_owner_quota),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
