/* test_gidcache.c: manage-gids group resolution from the user database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <cmocka.h>

#include "nfsd/gidcache.h"

static void
known_user_gets_server_groups(void **st)
{
	struct gidcache *gc = gidcache_new(16);
	struct cred *c = calloc(1, sizeof(*c));
	gid_t want[64];
	int nwant = 64;
	struct passwd *pw = getpwuid(0);
	unsigned i;

	(void)st;
	assert_non_null(pw);
	assert_true(getgrouplist(pw->pw_name, pw->pw_gid, want, &nwant) >= 0);
	c->flavor = CRED_AUTH_SYS;
	c->uid = 0;
	c->gid = 4242;			/* the credential's primary gid stays */
	c->ngroups = 2;
	c->groups[0] = 777;
	c->groups[1] = 778;
	assert_false(gidcache_known(gc, 0));	/* not asked yet: NSS */
	assert_int_equal(gidcache_apply(gc, c), 0);
	assert_true(gidcache_known(gc, 0));	/* now from the cache */
	assert_false(gidcache_known(gc, 1));
	assert_int_equal(c->gid, 4242);
	assert_int_equal(c->ngroups, (unsigned)nwant);
	for (i = 0; i < c->ngroups; i++)
		assert_int_equal(c->groups[i], want[i]);
	/* a second call is answered from the cache */
	assert_int_equal(gidcache_apply(gc, c), 0);
	assert_int_equal(gidcache_count(gc), 1);
	free(c);
	gidcache_free(gc);
}

static void
unknown_user_keeps_credential(void **st)
{
	struct gidcache *gc = gidcache_new(16);
	struct cred *c = calloc(1, sizeof(*c));

	(void)st;
	c->uid = 3999999;	/* nobody has this uid here */
	c->ngroups = 1;
	c->groups[0] = 31;
	assert_int_equal(gidcache_apply(gc, c), -ENOENT);
	assert_int_equal(c->ngroups, 1);
	assert_int_equal(c->groups[0], 31);
	free(c);
	gidcache_free(gc);
}

static void
bounded(void **st)
{
	struct gidcache *gc = gidcache_new(8);
	struct cred *c = calloc(1, sizeof(*c));
	unsigned u;

	(void)st;
	for (u = 0; u < 200; u++) {
		c->uid = 3000000 + u * 1024;	/* all in one bucket */
		(void)gidcache_apply(gc, c);
		assert_true(gidcache_count(gc) <= 8);
	}
	for (u = 0; u < 200; u++) {
		c->uid = 3000000 + u;		/* spread over buckets */
		(void)gidcache_apply(gc, c);
		assert_true(gidcache_count(gc) <= 8);
	}
	free(c);
	gidcache_free(gc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_user_gets_server_groups),
		cmocka_unit_test(unknown_user_keeps_credential),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
