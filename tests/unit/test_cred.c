/*
 * test_cred.c: the squash matrix of exports(5): {no_,}root_squash x
 * {no_,}all_squash x {root, user} x {gid 0, other} x groups with and
 * without 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/cred.h"

#define ANONUID	65534
#define ANONGID	65533

static void
mkcred(struct cred *c, uid_t uid, gid_t gid, unsigned n, const gid_t *groups)
{
	memset(c, 0, sizeof(*c));
	c->flavor = CRED_AUTH_SYS;
	c->stamp = 42;
	c->uid = uid;
	c->gid = gid;
	c->ngroups = n;
	memcpy(c->groups, groups, n * sizeof(gid_t));
	strcpy(c->machname, "client");
}

/* What squashing did not touch must stay as it was. */
static void
assert_rest_kept(const struct cred *c)
{
	assert_int_equal(c->flavor, CRED_AUTH_SYS);
	assert_int_equal(c->stamp, 42);
	assert_string_equal(c->machname, "client");
}

static void
test_matrix(void **state)
{
	static const gid_t with0[] = { 5, 0, 100, 0 };
	static const gid_t without0[] = { 5, 100 };
	static const struct {
		bool	 root_squash, all_squash;
		uid_t	 uid;
		gid_t	 gid;
		bool	 grp0;		/* groups list holds 0 */
		uid_t	 xuid;
		gid_t	 xgid;
		int	 xgroups;	/* -1: unchanged, 0: none, 1: 0s squashed */
	} t[] = {
		/* no_root_squash, no_all_squash: nothing changes */
		{ false, false, 0, 0, true, 0, 0, -1 },
		{ false, false, 1000, 100, false, 1000, 100, -1 },
		/* root_squash */
		{ true, false, 0, 0, true, ANONUID, ANONGID, 1 },
		{ true, false, 0, 0, false, ANONUID, ANONGID, -1 },
		{ true, false, 0, 50, false, ANONUID, 50, -1 },
		{ true, false, 0, 50, true, ANONUID, 50, 1 },
		{ true, false, 1000, 0, false, 1000, ANONGID, -1 },
		{ true, false, 1000, 0, true, 1000, ANONGID, 1 },
		{ true, false, 1000, 100, true, 1000, 100, 1 },
		{ true, false, 1000, 100, false, 1000, 100, -1 },
		/* all_squash, with or without root_squash */
		{ false, true, 0, 0, true, ANONUID, ANONGID, 0 },
		{ false, true, 1000, 100, false, ANONUID, ANONGID, 0 },
		{ true, true, 0, 0, true, ANONUID, ANONGID, 0 },
		{ true, true, 1000, 100, false, ANONUID, ANONGID, 0 },
	};
	struct cred_squash sq;
	struct cred c;
	const gid_t *g;
	unsigned n, i;
	size_t k;

	(void)state;
	sq.anonuid = ANONUID;
	sq.anongid = ANONGID;
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		sq.root_squash = t[k].root_squash;
		sq.all_squash = t[k].all_squash;
		g = t[k].grp0 ? with0 : without0;
		n = t[k].grp0 ? 4 : 2;
		mkcred(&c, t[k].uid, t[k].gid, n, g);
		cred_squash(&c, &sq);
		if (c.uid != t[k].xuid || c.gid != t[k].xgid)
			fail_msg("case %zu: uid %u gid %u", k, (unsigned)c.uid,
			    (unsigned)c.gid);
		assert_rest_kept(&c);
		switch (t[k].xgroups) {
		case 0:
			assert_int_equal(c.ngroups, 0);
			break;
		case -1:
			assert_int_equal(c.ngroups, n);
			assert_memory_equal(c.groups, g, n * sizeof(gid_t));
			break;
		case 1:
			assert_int_equal(c.ngroups, n);
			for (i = 0; i < n; i++)
				assert_int_equal(c.groups[i],
				    g[i] == 0 ? ANONGID : g[i]);
			break;
		}
	}
}

static void
test_root_squash_full_list(void **state)
{
	struct cred_squash sq = { true, false, ANONUID, ANONGID };
	struct cred c;
	unsigned i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.ngroups = CRED_MAXGROUPS;	/* every one of them is 0 */
	cred_squash(&c, &sq);
	for (i = 0; i < CRED_MAXGROUPS; i++)
		assert_int_equal(c.groups[i], ANONGID);
}

static void
test_anon(void **state)
{
	static const gid_t g[] = { 1, 2, 3 };
	struct cred c;

	(void)state;
	mkcred(&c, 1000, 100, 3, g);
	cred_anon(&c, 99, 98);
	assert_int_equal(c.uid, 99);
	assert_int_equal(c.gid, 98);
	assert_int_equal(c.ngroups, 0);
	assert_rest_kept(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_root_squash_full_list),
		cmocka_unit_test(test_anon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
