/*
 * test_posix_acl.c: common/posix_acl.c, POSIX ACLs between Linux's
 * system.posix_acl_* attribute values and NFS_ACL's entries: every entry
 * type both ways, default ACLs (NFS_ACL_DEFAULT), the mask (Solaris' form
 * of the minimal ACL, extra bits in it), the validity rules, and the
 * bounds (1024 entries, buffers too small, truncated values).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/posix_acl.h"

#define U	PACL_UNDEFINED_ID

static struct pacl a, b;

static void
set(struct pacl *acl, unsigned n, const struct pacl_entry *e)
{
	acl->n = n;
	memcpy(acl->e, e, n * sizeof(*e));
}

static void
assert_acl_equal(const struct pacl *x, const struct pacl *y)
{
	unsigned i;

	assert_int_equal(x->n, y->n);
	for (i = 0; i < x->n; i++) {
		assert_int_equal(x->e[i].tag, y->e[i].tag);
		assert_int_equal(x->e[i].perm, y->e[i].perm);
		assert_int_equal(x->e[i].id, y->e[i].id);
	}
}

/* Every entry type: owner, two users, group, a group, mask, other. */
static const struct pacl_entry full[] = {
	{ PACL_USER_OBJ, 6, U },
	{ PACL_USER, 6, 1001 },
	{ PACL_USER, 4, 1002 },
	{ PACL_GROUP_OBJ, 4, U },
	{ PACL_GROUP, 7, 50 },
	{ PACL_MASK, 6, U },
	{ PACL_OTHER, 0, U },
};
#define NFULL	(sizeof(full) / sizeof(full[0]))

static void
test_from_mode(void **st)
{
	(void)st;
	pacl_from_mode(040754, &a);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.e[0].tag, PACL_USER_OBJ);
	assert_int_equal(a.e[0].perm, 7);
	assert_int_equal(a.e[1].tag, PACL_GROUP_OBJ);
	assert_int_equal(a.e[1].perm, 5);
	assert_int_equal(a.e[2].tag, PACL_OTHER);
	assert_int_equal(a.e[2].perm, 4);
	assert_int_equal(pacl_valid(&a), 0);
	assert_true(pacl_is_minimal(&a));
	/* setuid, setgid, sticky are not permissions */
	pacl_from_mode(07000, &a);
	assert_int_equal(a.e[0].perm | a.e[1].perm | a.e[2].perm, 0);
}

static void
test_xattr_layout(void **st)
{
	static const uint8_t want[] = {
		2, 0, 0, 0,				/* version 2 */
		0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* user:: rw- */
		0x02, 0, 6, 0, 0xe9, 0x03, 0, 0,	/* user:1001: rw- */
		0x02, 0, 4, 0, 0xea, 0x03, 0, 0,	/* user:1002: r-- */
		0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* group:: r-- */
		0x08, 0, 7, 0, 50, 0, 0, 0,		/* group:50: rwx */
		0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* mask:: rw- */
		0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,	/* other:: --- */
	};
	uint8_t buf[sizeof(want) + 8];

	(void)st;
	set(&a, NFULL, full);
	assert_int_equal(pacl_xattr_size(NFULL), sizeof(want));
	assert_int_equal(pacl_to_xattr(&a, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(pacl_from_xattr(want, sizeof(want), &b), 0);
	assert_acl_equal(&a, &b);
	/* too small a buffer */
	assert_int_equal(pacl_to_xattr(&a, buf, sizeof(want) - 1), -ERANGE);
	/* the ids of unnamed entries are not taken from the value */
	memcpy(buf, want, sizeof(want));
	buf[8] = 7;
	assert_int_equal(pacl_from_xattr(buf, sizeof(want), &b), 0);
	assert_int_equal(b.e[0].id, U);
}

static void
test_xattr_bad(void **st)
{
	uint8_t buf[64];
	size_t len;

	(void)st;
	set(&a, NFULL, full);
	len = (size_t)pacl_to_xattr(&a, buf, sizeof(buf));
	/* a version alone: no ACL */
	assert_int_equal(pacl_from_xattr(buf, 4, &b), 0);
	assert_int_equal(b.n, 0);
	/* truncated: no version, half an entry */
	assert_int_equal(pacl_from_xattr(buf, 3, &b), -EINVAL);
	assert_int_equal(pacl_from_xattr(buf, 0, &b), -EINVAL);
	assert_int_equal(pacl_from_xattr(buf, len - 1, &b), -EINVAL);
	assert_int_equal(pacl_from_xattr(buf, 4 + 4, &b), -EINVAL);
	/* version 1 */
	buf[0] = 1;
	assert_int_equal(pacl_from_xattr(buf, len, &b), -EINVAL);
	assert_int_equal(b.n, 0);
	buf[0] = 2;
	/* an unknown tag, bits beyond rwx, named entries out of order */
	buf[4 + 8 * 6] = 0x40;
	assert_int_equal(pacl_from_xattr(buf, len, &b), -EINVAL);
	buf[4 + 8 * 6] = 0x20;
	buf[4 + 8 * 6 + 2] = 8;
	assert_int_equal(pacl_from_xattr(buf, len, &b), -EINVAL);
	buf[4 + 8 * 6 + 2] = 0;
	buf[4 + 8 * 1 + 4] = 0xeb;	/* user:1003 before user:1002 */
	assert_int_equal(pacl_from_xattr(buf, len, &b), -EINVAL);
	buf[4 + 8 * 1 + 4] = 0xe9;
	assert_int_equal(pacl_from_xattr(buf, len, &b), 0);
	/* without the mask, named entries are not valid */
	memmove(buf + 4 + 8 * 5, buf + 4 + 8 * 6, 8);
	assert_int_equal(pacl_from_xattr(buf, len - 8, &b), -EINVAL);
}

/* The most entries there may be: 1020 users, owner, group, mask, other. */
static void
biggest(struct pacl *acl, unsigned users)
{
	unsigned i;

	acl->n = 0;
	acl->e[acl->n++] = (struct pacl_entry){ PACL_USER_OBJ, 7, U };
	for (i = 0; i < users; i++)
		acl->e[acl->n++] = (struct pacl_entry){ PACL_USER, 4, 2000 + i };
	acl->e[acl->n++] = (struct pacl_entry){ PACL_GROUP_OBJ, 5, U };
	acl->e[acl->n++] = (struct pacl_entry){ PACL_MASK, 7, U };
	acl->e[acl->n++] = (struct pacl_entry){ PACL_OTHER, 0, U };
}

static void
test_bounds(void **st)
{
	static uint8_t buf[4 + 8 * 1100];
	static aclent ents[1100];
	ssize_t len;
	unsigned i;

	(void)st;
	biggest(&a, PACL_MAX_ENTRIES - 4);
	assert_int_equal(a.n, 1024);
	assert_int_equal(pacl_valid(&a), 0);
	len = pacl_to_xattr(&a, buf, sizeof(buf));
	assert_int_equal(len, 4 + 8 * 1024);
	assert_int_equal(pacl_from_xattr(buf, (size_t)len, &b), 0);
	assert_acl_equal(&a, &b);
	/* one more entry than the protocol carries */
	assert_int_equal(pacl_from_xattr(buf, (size_t)len + 8, &b), -E2BIG);
	/* on the wire: all 1024, not one more */
	assert_int_equal(pacl_nfs_count(&a), 1024);
	assert_int_equal(pacl_to_nfs(&a, 1, 2, false, ents, 1023), -ERANGE);
	assert_int_equal(pacl_to_nfs(&a, 1, 2, false, ents, 1024), 1024);
	assert_int_equal(pacl_from_nfs(ents, 1024, &b), 0);
	assert_acl_equal(&a, &b);
	for (i = 1024; i < 1025; i++)
		ents[i] = (aclent){ PACL_USER, 9000 + i, 4 };
	assert_int_equal(pacl_from_nfs(ents, 1025, &b), -EINVAL);
	assert_int_equal(b.n, 0);
	/* a valid ACL with more entries than we keep is still refused */
	a.n = PACL_MAX_ENTRIES + 1;
	assert_int_equal(pacl_valid(&a), -EINVAL);
}

static void
test_to_nfs_minimal(void **st)
{
	aclent e[8];

	(void)st;
	pacl_from_mode(0640, &a);
	assert_int_equal(pacl_nfs_count(&a), 4);
	/* owner, group, mask (= group), other; ids: owner, group, 0, 0 */
	assert_int_equal(pacl_to_nfs(&a, 1000, 100, false, e, 8), 4);
	assert_int_equal(e[0].type, NA_USER_OBJ);
	assert_int_equal(e[0].id, 1000);
	assert_int_equal(e[0].perm, 6);
	assert_int_equal(e[1].type, NA_GROUP_OBJ);
	assert_int_equal(e[1].id, 100);
	assert_int_equal(e[1].perm, 4);
	assert_int_equal(e[2].type, NA_CLASS_OBJ);
	assert_int_equal(e[2].id, 0);
	assert_int_equal(e[2].perm, 4);
	assert_int_equal(e[3].type, NA_OTHER_OBJ);
	assert_int_equal(e[3].id, 0);
	assert_int_equal(e[3].perm, 0);
	/* the same as a default ACL */
	assert_int_equal(pacl_to_nfs(&a, 1000, 100, true, e, 8), 4);
	assert_int_equal(e[0].type, NA_USER_OBJ | NFS_ACL_DEFAULT);
	assert_int_equal(e[2].type, NA_CLASS_OBJ | NFS_ACL_DEFAULT);
	assert_int_equal(e[3].type, NA_OTHER_OBJ | NFS_ACL_DEFAULT);
	/* and back: the mask equal to the group entry goes */
	assert_int_equal(pacl_from_nfs(e, 4, &b), 0);
	assert_acl_equal(&a, &b);
	/* no ACL: nothing on the wire */
	a.n = 0;
	assert_int_equal(pacl_nfs_count(&a), 0);
	assert_int_equal(pacl_to_nfs(&a, 1, 1, false, e, 0), 0);
	assert_int_equal(pacl_to_nfs(&a, 1, 1, false, e, 8), 0);
}

static void
test_to_nfs_full(void **st)
{
	static const aclent want[] = {
		{ NA_USER_OBJ, 1000, 6 }, { NA_USER, 1001, 6 },
		{ NA_USER, 1002, 4 }, { NA_GROUP_OBJ, 100, 4 },
		{ NA_GROUP, 50, 7 }, { NA_CLASS_OBJ, 0, 6 },
		{ NA_OTHER_OBJ, 0, 0 },
	};
	aclent e[NFULL];
	unsigned i;

	(void)st;
	set(&a, NFULL, full);
	assert_int_equal(pacl_nfs_count(&a), NFULL);
	assert_int_equal(pacl_to_nfs(&a, 1000, 100, false, e, NFULL - 1),
	    -ERANGE);
	assert_int_equal(pacl_to_nfs(&a, 1000, 100, false, e, NFULL), NFULL);
	for (i = 0; i < NFULL; i++) {
		assert_int_equal(e[i].type, want[i].type);
		assert_int_equal(e[i].id, want[i].id);
		assert_int_equal(e[i].perm, want[i].perm);
	}
	assert_int_equal(pacl_from_nfs(e, NFULL, &b), 0);
	assert_acl_equal(&a, &b);
	/* default: every type flagged, the round trip the same */
	assert_int_equal(pacl_to_nfs(&a, 1000, 100, true, e, NFULL), NFULL);
	for (i = 0; i < NFULL; i++)
		assert_int_equal(e[i].type, want[i].type | NFS_ACL_DEFAULT);
	assert_int_equal(pacl_from_nfs(e, NFULL, &b), 0);
	assert_acl_equal(&a, &b);
	assert_false(pacl_is_minimal(&b));
}

static void
test_from_nfs_order(void **st)
{
	/* Solaris' ACLs are unsorted; ids of unnamed entries are ignored */
	static const aclent in[] = {
		{ NA_OTHER_OBJ, 77, 0 }, { NA_GROUP, 50, 7 },
		{ NA_CLASS_OBJ, 5, 6 }, { NA_USER, 1002, 4 },
		{ NA_GROUP_OBJ, 100, 4 }, { NA_USER_OBJ, 1000, 6 },
		{ NA_USER, 1001, 6 },
	};

	(void)st;
	assert_int_equal(pacl_from_nfs(in, NFULL, &b), 0);
	set(&a, NFULL, full);
	assert_acl_equal(&a, &b);
}

static void
test_from_nfs_mask(void **st)
{
	/* a four-entry ACL with a mask other than the group is kept */
	aclent e[] = {
		{ NA_USER_OBJ, 1, 6 }, { NA_GROUP_OBJ, 1, 6 },
		{ NA_CLASS_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 },
	};

	(void)st;
	assert_int_equal(pacl_from_nfs(e, 4, &b), 0);
	assert_int_equal(b.n, 4);
	assert_int_equal(b.e[2].tag, PACL_MASK);
	assert_int_equal(b.e[2].perm, 4);
	assert_false(pacl_is_minimal(&b));
	/* Solaris may set more bits in the mask: cleared */
	e[2].perm = 0xff4;
	assert_int_equal(pacl_from_nfs(e, 4, &b), 0);
	assert_int_equal(b.e[2].perm, 4);
	/* equal to the group once cleared: the minimal ACL */
	e[2].perm = 0x1006;
	assert_int_equal(pacl_from_nfs(e, 4, &b), 0);
	assert_int_equal(b.n, 3);
	assert_true(pacl_is_minimal(&b));
	/* three entries without a mask are the minimal ACL as well */
	e[2] = e[3];
	assert_int_equal(pacl_from_nfs(e, 3, &b), 0);
	assert_int_equal(b.n, 3);
	/* no entries: no ACL (SETACL removes it) */
	assert_int_equal(pacl_from_nfs(e, 0, &b), 0);
	assert_int_equal(b.n, 0);
}

/* Each ACL must be refused by pacl_from_nfs. */
static void
test_from_nfs_bad(void **st)
{
	static const struct {
		const char	*what;
		unsigned	 n;
		aclent		 e[6];
	} bad[] = {
		{ "unknown type", 4, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { 0x40, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "type 0", 4, { { NA_USER_OBJ, 0, 6 }, { 0, 0, 0 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "two types", 3, { { NA_USER_OBJ | NA_USER, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "type over 16 bits", 3, { { 0x10001, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "perm 8", 3, { { NA_USER_OBJ, 0, 8 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "perm of a named user", 5, { { NA_USER_OBJ, 0, 6 },
		    { NA_USER, 5, 0x17 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_CLASS_OBJ, 0, 7 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "no owner", 2, { { NA_GROUP_OBJ, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "no group", 2, { { NA_USER_OBJ, 0, 6 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "no other", 2, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 } } },
		{ "two owners", 4, { { NA_USER_OBJ, 0, 6 },
		    { NA_USER_OBJ, 1, 6 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "two others", 4, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "a user twice", 6, { { NA_USER_OBJ, 0, 6 },
		    { NA_USER, 7, 4 }, { NA_USER, 7, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_CLASS_OBJ, 0, 6 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "a group twice", 6, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP, 7, 4 }, { NA_GROUP, 7, 4 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_CLASS_OBJ, 0, 6 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "two masks", 5, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP_OBJ, 0, 4 }, { NA_CLASS_OBJ, 0, 6 },
		    { NA_CLASS_OBJ, 0, 4 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "named user, no mask", 4, { { NA_USER_OBJ, 0, 6 },
		    { NA_USER, 5, 4 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "named group, no mask", 4, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP, 5, 4 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_OTHER_OBJ, 0, 4 } } },
		{ "user id -1", 5, { { NA_USER_OBJ, 0, 6 },
		    { NA_USER, 0xffffffff, 4 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_CLASS_OBJ, 0, 6 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "group id -1", 5, { { NA_USER_OBJ, 0, 6 },
		    { NA_GROUP, 0xffffffff, 4 }, { NA_GROUP_OBJ, 0, 4 },
		    { NA_CLASS_OBJ, 0, 6 }, { NA_OTHER_OBJ, 0, 4 } } },
		{ "a mask alone", 1, { { NA_CLASS_OBJ, 0, 6 } } },
	};
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pacl_from_nfs(bad[i].e, bad[i].n, &b) != -EINVAL)
			fail_msg("accepted: %s", bad[i].what);
		assert_int_equal(b.n, 0);
	}
}

static void
test_valid(void **st)
{
	struct pacl_entry e[NFULL];

	(void)st;
	set(&a, NFULL, full);
	assert_int_equal(pacl_valid(&a), 0);
	/* named entries before the owner, group before owner */
	memcpy(e, full, sizeof(e));
	e[0] = full[1];
	e[1] = full[0];
	set(&a, NFULL, e);
	assert_int_equal(pacl_valid(&a), -EINVAL);
	memcpy(e, full, sizeof(e));
	e[4] = full[5];
	e[5] = full[4];		/* mask before a named group */
	set(&a, NFULL, e);
	assert_int_equal(pacl_valid(&a), -EINVAL);
	/* a mask without named entries is fine */
	e[0] = full[0];
	e[1] = full[3];
	e[2] = full[5];
	e[3] = full[6];
	set(&a, 4, e);
	assert_int_equal(pacl_valid(&a), 0);
	/* nothing after other */
	e[4] = full[6];
	set(&a, 5, e);
	assert_int_equal(pacl_valid(&a), -EINVAL);
	/* empty */
	a.n = 0;
	assert_int_equal(pacl_valid(&a), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_mode),
		cmocka_unit_test(test_xattr_layout),
		cmocka_unit_test(test_xattr_bad),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_to_nfs_minimal),
		cmocka_unit_test(test_to_nfs_full),
		cmocka_unit_test(test_from_nfs_order),
		cmocka_unit_test(test_from_nfs_mask),
		cmocka_unit_test(test_from_nfs_bad),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
