/*
 * test_rquotad.c: rpc.rquotad's pure parts: the kernel's quota in RQUOTA's
 * units (block size scaling up to limits near 2^64 without overflow,
 * usage rounding, saturation, grace times left, "no limit"), SETQUOTA's
 * commands back to the kernel's form, the access rules (own uid, own
 * groups, root unsquashed, SETQUOTA only when allowed, on rw exports,
 * for root), the quota types, the mount table parser of the quotactl
 * fallback, and the dispatch tables.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rquotad/rquotad.h"

#define NOW	((time_t)1800000000)	/* 2027-01-15 */

static struct if_dqblk
dq(uint64_t bhard, uint64_t bsoft, uint64_t space, uint64_t ihard,
    uint64_t isoft, uint64_t inodes, uint64_t btime, uint64_t itime)
{
	struct if_dqblk d;

	memset(&d, 0, sizeof(d));
	d.dqb_bhardlimit = bhard;
	d.dqb_bsoftlimit = bsoft;
	d.dqb_curspace = space;
	d.dqb_ihardlimit = ihard;
	d.dqb_isoftlimit = isoft;
	d.dqb_curinodes = inodes;
	d.dqb_btime = btime;
	d.dqb_itime = itime;
	d.dqb_valid = QIF_ALL;
	return d;
}

/* Small values: 1024-byte blocks as the kernel gives them. */
static void
test_plain(void **state)
{
	struct if_dqblk d = dq(2000, 1000, 512 * 1024, 300, 200, 17, 0, 0);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 1024);
	assert_true(q.rq_active);
	assert_int_equal(q.rq_bhardlimit, 2000);
	assert_int_equal(q.rq_bsoftlimit, 1000);
	assert_int_equal(q.rq_curblocks, 512);
	assert_int_equal(q.rq_fhardlimit, 300);
	assert_int_equal(q.rq_fsoftlimit, 200);
	assert_int_equal(q.rq_curfiles, 17);
	assert_int_equal(q.rq_btimeleft, 0);
	assert_int_equal(q.rq_ftimeleft, 0);
	rquota_from_kernel(&d, false, NOW, &q);
	assert_false(q.rq_active);
}

/* "No limit" is 0 and stays 0; no usage is 0 blocks. */
static void
test_no_limit(void **state)
{
	struct if_dqblk d = dq(0, 0, 0, 0, 0, 0, 0, 0);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 1024);
	assert_int_equal(q.rq_bhardlimit, 0);
	assert_int_equal(q.rq_bsoftlimit, 0);
	assert_int_equal(q.rq_curblocks, 0);
	assert_int_equal(q.rq_fhardlimit, 0);
}

/* Usage in bytes rounds up to a whole 1024-byte block. */
static void
test_usage_rounds_up(void **state)
{
	struct if_dqblk d = dq(0, 0, 1, 0, 0, 1, 0, 0);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_curblocks, 1);
	d.dqb_curspace = 1024;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_curblocks, 1);
	d.dqb_curspace = 1025;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_curblocks, 2);
}

/* The block size doubles until the largest count fits 32 bits. */
static void
test_scaling(void **state)
{
	/* 2^32 blocks of 1 KiB (4 TiB): one past what fits */
	struct if_dqblk d = dq(1ULL << 32, 1ULL << 31, 0, 0, 0, 0, 0, 0);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 2048);
	assert_int_equal(q.rq_bhardlimit, 1u << 31);
	assert_int_equal(q.rq_bsoftlimit, 1u << 30);
	/* exactly 2^32 - 1 still fits at 1024 */
	d.dqb_bhardlimit = UINT32_MAX;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 1024);
	assert_int_equal(q.rq_bhardlimit, UINT32_MAX);
	/* usage alone can force the scale: 16 TiB in use, no limits */
	d = dq(0, 0, 16ULL << 40, 0, 0, 0, 0, 0);
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 4096 * 2);
	assert_int_equal(q.rq_curblocks, (16ULL << 40) / 8192);
	/* the products still give the same byte counts */
	d = dq(3ULL << 40, 1ULL << 40, 5ULL << 50, 0, 0, 0, 0, 0);
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal((uint64_t)q.rq_bhardlimit * (uint64_t)q.rq_bsize,
	    (3ULL << 40) * 1024);
	assert_int_equal((uint64_t)q.rq_curblocks * (uint64_t)q.rq_bsize,
	    5ULL << 50);
}

/* Limits near 2^64: rq_bsize stops at 2^30 (an int), counts saturate. */
static void
test_near_2_64(void **state)
{
	struct if_dqblk d = dq(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX,
	    UINT64_MAX, 1ULL << 32, (1ULL << 32) - 1, 0, 0);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 1 << 30);
	assert_true(q.rq_bsize > 0);
	assert_int_equal(q.rq_bhardlimit, UINT32_MAX);
	assert_int_equal(q.rq_bsoftlimit, UINT32_MAX);
	assert_int_equal(q.rq_curblocks, UINT32_MAX);
	assert_int_equal(q.rq_fhardlimit, UINT32_MAX);
	assert_int_equal(q.rq_fsoftlimit, UINT32_MAX);
	assert_int_equal(q.rq_curfiles, UINT32_MAX);
	/* 2^50 KiB: 2^20 times the 32-bit range, exactly the largest
	 * scale, and no saturation */
	d = dq(1ULL << 51, 0, 0, 0, 0, 0, 0, 0);
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bsize, 1 << 30);
	assert_int_equal(q.rq_bhardlimit, 1u << 31);
	/* one step further saturates */
	d = dq(1ULL << 53, 0, 0, 0, 0, 0, 0, 0);
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal(q.rq_bhardlimit, UINT32_MAX);
}

/* Grace deadlines become the seconds left, signed; 0 only for none. */
static void
test_grace(void **state)
{
	struct if_dqblk d = dq(10, 5, 8 * 1024, 10, 5, 8, NOW + 3600,
	    NOW + 7 * 86400);
	rquota q;

	(void)state;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal((int32_t)q.rq_btimeleft, 3600);
	assert_int_equal((int32_t)q.rq_ftimeleft, 7 * 86400);
	/* expired: negative, so quota(1) shows "none" */
	d.dqb_btime = NOW - 60;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal((int32_t)q.rq_btimeleft, -60);
	/* running out this very second: never 0 */
	d.dqb_btime = NOW;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal((int32_t)q.rq_btimeleft, -1);
	/* far away: clamped to the signed 32-bit range */
	d.dqb_btime = (uint64_t)NOW + (1ULL << 40);
	d.dqb_itime = UINT64_MAX;
	rquota_from_kernel(&d, true, NOW, &q);
	assert_int_equal((int32_t)q.rq_btimeleft, INT32_MAX);
	assert_int_equal((int32_t)q.rq_ftimeleft, INT32_MAX);
	d.dqb_btime = 1;
	rquota_from_kernel(&d, true, (time_t)1 << 40, &q);
	assert_int_equal((int32_t)q.rq_btimeleft, INT32_MIN);
}

static void
test_to_kernel(void **state)
{
	sq_dqblk sq;
	struct if_dqblk d;

	(void)state;
	memset(&sq, 0, sizeof(sq));
	sq.rq_bhardlimit = 4000;
	sq.rq_bsoftlimit = 3000;
	sq.rq_fhardlimit = 40;
	sq.rq_fsoftlimit = 30;
	sq.rq_curblocks = 7;
	sq.rq_curfiles = 2;
	/* limits only; no grace given: the kernel's timers are kept */
	assert_int_equal(rquota_to_kernel(&sq, RQUOTA_Q_SETQLIM | USRQUOTA,
	    NOW, &d), 0);
	assert_int_equal(d.dqb_valid, QIF_LIMITS);
	assert_int_equal(d.dqb_bhardlimit, 4000);
	assert_int_equal(d.dqb_bsoftlimit, 3000);
	assert_int_equal(d.dqb_ihardlimit, 40);
	assert_int_equal(d.dqb_isoftlimit, 30);
	/* a grace time left becomes a deadline */
	sq.rq_btimeleft = 600;
	sq.rq_ftimeleft = (u_int)-5;
	assert_int_equal(rquota_to_kernel(&sq, RQUOTA_Q_SETQLIM | GRPQUOTA,
	    NOW, &d), 0);
	assert_int_equal(d.dqb_valid, QIF_LIMITS | QIF_TIMES);
	assert_int_equal(d.dqb_btime, NOW + 600);
	assert_int_equal(d.dqb_itime, NOW - 5);
	/* usage only, in bytes */
	assert_int_equal(rquota_to_kernel(&sq, RQUOTA_Q_SETUSE | USRQUOTA,
	    NOW, &d), 0);
	assert_int_equal(d.dqb_valid, QIF_USAGE);
	assert_int_equal(d.dqb_curspace, 7 * 1024);
	assert_int_equal(d.dqb_curinodes, 2);
	assert_int_equal(d.dqb_bhardlimit, 0);
	/* both */
	sq.rq_btimeleft = sq.rq_ftimeleft = 0;
	assert_int_equal(rquota_to_kernel(&sq, RQUOTA_Q_SETQUOTA | USRQUOTA,
	    NOW, &d), 0);
	assert_int_equal(d.dqb_valid, QIF_LIMITS | QIF_USAGE);
	/* the largest block count does not overflow the byte count */
	sq.rq_curblocks = UINT32_MAX;
	assert_int_equal(rquota_to_kernel(&sq, RQUOTA_Q_SETUSE, NOW, &d), 0);
	assert_int_equal(d.dqb_curspace, (uint64_t)UINT32_MAX * 1024);
	/* anything else: refused */
	assert_int_equal(rquota_to_kernel(&sq, Q_SETQUOTA, NOW, &d), -EINVAL);
	assert_int_equal(rquota_to_kernel(&sq, 0x0300, NOW, &d), -EINVAL);
	assert_int_equal(rquota_to_kernel(&sq, -1, NOW, &d), -EINVAL);
}

static struct cred
cred_of(uid_t uid, gid_t gid, unsigned n, const gid_t *groups)
{
	struct cred c;
	unsigned i;

	memset(&c, 0, sizeof(c));
	c.flavor = CRED_AUTH_SYS;
	c.uid = uid;
	c.gid = gid;
	c.ngroups = n;
	for (i = 0; i < n; i++)
		c.groups[i] = groups[i];
	return c;
}

static void
test_may_get(void **state)
{
	static const gid_t groups[] = { 100, 2000, 3000 };
	struct cred u = cred_of(1001, 1001, 3, groups);
	struct cred root = cred_of(0, 0, 0, NULL);
	struct cred anon = cred_of(65534, 65534, 0, NULL);

	(void)state;
	assert_true(rquota_may_get(&u, RQUOTA_USRQUOTA, 1001));
	assert_false(rquota_may_get(&u, RQUOTA_USRQUOTA, 1002));
	assert_false(rquota_may_get(&u, RQUOTA_USRQUOTA, 0));
	assert_false(rquota_may_get(&u, RQUOTA_USRQUOTA, -1));
	assert_true(rquota_may_get(&u, RQUOTA_GRPQUOTA, 1001));	/* gid */
	assert_true(rquota_may_get(&u, RQUOTA_GRPQUOTA, 2000));	/* group */
	assert_true(rquota_may_get(&u, RQUOTA_GRPQUOTA, 3000));
	assert_false(rquota_may_get(&u, RQUOTA_GRPQUOTA, 2001));
	/* a uid is no group: 1001 as a group is the gid, 100 is a user */
	assert_false(rquota_may_get(&u, RQUOTA_USRQUOTA, 100));
	/* unknown types: only root gets past the rule (then NOQUOTA) */
	assert_false(rquota_may_get(&u, 2, 1001));
	assert_true(rquota_may_get(&root, 2, 1001));
	/* root (unsquashed) asks for anyone */
	assert_true(rquota_may_get(&root, RQUOTA_USRQUOTA, 1001));
	assert_true(rquota_may_get(&root, RQUOTA_GRPQUOTA, 2000));
	/* squashed root is nobody: only nobody's own */
	assert_true(rquota_may_get(&anon, RQUOTA_USRQUOTA, 65534));
	assert_false(rquota_may_get(&anon, RQUOTA_USRQUOTA, 0));
	assert_false(rquota_may_get(&anon, RQUOTA_USRQUOTA, 1001));
}

static void
test_may_set(void **state)
{
	struct cred u = cred_of(1001, 1001, 0, NULL);
	struct cred root = cred_of(0, 0, 0, NULL);

	(void)state;
	assert_true(rquota_may_set(&root, true, false));
	assert_false(rquota_may_set(&root, false, false));	/* off */
	assert_false(rquota_may_set(&root, true, true));	/* ro */
	assert_false(rquota_may_set(&u, true, false));	/* not root */
	assert_false(rquota_may_set(&u, false, false));
}

static void
test_types(void **state)
{
	(void)state;
	assert_int_equal(rquota_type(RQUOTA_USRQUOTA), USRQUOTA);
	assert_int_equal(rquota_type(RQUOTA_GRPQUOTA), GRPQUOTA);
	assert_int_equal(rquota_type(2), -1);	/* no project quotas */
	assert_int_equal(rquota_type(-1), -1);
	assert_int_equal(rquota_type(INT_MAX), -1);
}

static void
test_mountinfo(void **state)
{
	static const char mi[] =
	    "21 1 0:20 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	    "35 21 7:0 / /srv/q rw,relatime shared:9 - ext4 /dev/loop0 "
	    "rw,quota,usrquota,grpquota\n"
	    "36 21 0:30 / /srv/a\\040b rw - ext4 /dev/disk\\040by\\040x rw\n"
	    "37 21 0:31 / /t rw master:3 - tmpfs tmpfs rw\n"
	    "38 21 0:32 / /odd rw - fuse.x - - rw\n";
	char buf[64], tiny[8];

	(void)state;
	assert_int_equal(qctl_mountinfo_source(mi, 35, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/loop0");
	assert_int_equal(qctl_mountinfo_source(mi, 21, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/vda1");
	assert_int_equal(qctl_mountinfo_source(mi, 36, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/disk by x");
	assert_int_equal(qctl_mountinfo_source(mi, 37, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "tmpfs");
	/* a mount point containing " - " does not mislead the parser */
	assert_int_equal(qctl_mountinfo_source(mi, 38, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-");
	assert_int_equal(qctl_mountinfo_source(mi, 3, buf, sizeof(buf)),
	    -ENOENT);
	assert_int_equal(qctl_mountinfo_source(mi, 350, buf, sizeof(buf)),
	    -ENOENT);
	assert_int_equal(qctl_mountinfo_source(mi, 35, tiny, sizeof(tiny)),
	    -ENAMETOOLONG);
	assert_int_equal(qctl_mountinfo_source("", 1, buf, sizeof(buf)),
	    -ENOENT);
	assert_int_equal(qctl_mountinfo_source("5 1 0:1 / / rw\n", 5, buf,
	    sizeof(buf)), -ENOENT);
}

static void
test_tables(void **state)
{
	struct rquotad rqd;
	const struct rpc_program *p;
	unsigned v, i;

	(void)state;
	memset(&rqd, 0, sizeof(rqd));
	p = rquotad_program(&rqd);
	assert_int_equal(p->prog, 100011);
	assert_ptr_equal(p->ctx, &rqd);
	assert_int_equal(p->nversions, 2);
	for (v = 0; v < p->nversions; v++) {
		assert_int_equal(p->versions[v].vers, v + 1);
		assert_int_equal(p->versions[v].nprocs, 5);
		assert_int_equal(p->versions[v].procs[0].args_size, 0);
		for (i = 0; i < p->versions[v].nprocs; i++) {
			const struct rpc_proc *pd = &p->versions[v].procs[i];

			assert_non_null(pd->fn);
			assert_non_null(pd->xdr_args);
			assert_non_null(pd->xdr_res);
			/* every quota procedure needs an identity */
			if (i > 0)
				assert_true(pd->flags & P_CRED);
			/* none is cached: a repeated SETQUOTA is harmless */
			assert_false(pd->flags & P_DRC);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_no_limit),
		cmocka_unit_test(test_usage_rounds_up),
		cmocka_unit_test(test_scaling),
		cmocka_unit_test(test_near_2_64),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_to_kernel),
		cmocka_unit_test(test_may_get),
		cmocka_unit_test(test_may_set),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
