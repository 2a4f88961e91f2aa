/*
 * test_nfsd_attr.c: the pure parts of nfsd's attribute handling:
 * struct stat -> fattr3/wcc (nfsd/attr.c) for every file type, sattr3 ->
 * the changes SETATTR and the create procedures make (nfsd/sattr.c), and
 * the EXCLUSIVE create verifier kept in a file's times.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nfsd/nfsd.h"
#include "nfsd/sattr.h"

static struct exp_live_export ex;

static struct stat
mkstat(mode_t mode)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_nlink = 3;
	st.st_uid = 1000;
	st.st_gid = 100;
	st.st_size = 123456789012LL;
	st.st_blocks = 17;
	st.st_ino = 0x1234567890ULL;
	st.st_atim.tv_sec = 1700000000;
	st.st_atim.tv_nsec = 1;
	st.st_mtim.tv_sec = 1700000001;
	st.st_mtim.tv_nsec = 999999999;
	st.st_ctim.tv_sec = 4000000000LL;	/* past 2038, fits uint32 */
	st.st_ctim.tv_nsec = 500;
	return st;
}

static void
test_types(void **state)
{
	static const struct {
		mode_t	 fmt;
		ftype3	 type;
	} t[] = {
		{ S_IFREG, NF3REG }, { S_IFDIR, NF3DIR }, { S_IFBLK, NF3BLK },
		{ S_IFCHR, NF3CHR }, { S_IFLNK, NF3LNK }, { S_IFSOCK, NF3SOCK },
		{ S_IFIFO, NF3FIFO },
	};
	struct stat st;
	fattr3 fa;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		st = mkstat(t[i].fmt | 07755);
		attr3_from_stat(&st, &ex, &fa);
		assert_int_equal(fa.type, t[i].type);
		/* permission bits with setuid, setgid, sticky; no type */
		assert_int_equal(fa.mode, 07755);
	}
}

static void
test_fields(void **state)
{
	struct stat st = mkstat(S_IFREG | 0644);
	fattr3 fa;

	(void)state;
	attr3_from_stat(&st, &ex, &fa);
	assert_int_equal(fa.nlink, 3);
	assert_int_equal(fa.uid, 1000);
	assert_int_equal(fa.gid, 100);
	assert_true(fa.size == 123456789012ULL);
	assert_true(fa.used == 17 * 512);	/* 512-byte blocks */
	assert_true(fa.fileid == 0x1234567890ULL);
	assert_int_equal(fa.atime.seconds, 1700000000);
	assert_int_equal(fa.atime.nseconds, 1);
	assert_int_equal(fa.mtime.seconds, 1700000001);
	assert_int_equal(fa.mtime.nseconds, 999999999);
	assert_true(fa.ctime.seconds == 4000000000U);
	assert_int_equal(fa.ctime.nseconds, 500);
	assert_int_equal(fa.rdev.specdata1, 0);
	assert_int_equal(fa.rdev.specdata2, 0);
	/* the fsid comes from the export's volume id, not st_dev */
	assert_true(fa.fsid == attr_fsid(&ex, &st));
	st.st_dev = 0x0803;
	attr3_from_stat(&st, &ex, &fa);
	assert_true(fa.fsid == attr_fsid(&ex, &st));
}

static void
test_rdev(void **state)
{
	struct stat st = mkstat(S_IFCHR | 0600);
	fattr3 fa;

	(void)state;
	st.st_rdev = makedev(4095, 0xfffff);	/* the kernel's largest */
	attr3_from_stat(&st, &ex, &fa);
	assert_int_equal(fa.rdev.specdata1, 4095);
	assert_int_equal(fa.rdev.specdata2, 0xfffff);
	st = mkstat(S_IFBLK | 0600);
	st.st_rdev = makedev(8, 1);
	attr3_from_stat(&st, &ex, &fa);
	assert_int_equal(fa.type, NF3BLK);
	assert_int_equal(fa.rdev.specdata1, 8);
	assert_int_equal(fa.rdev.specdata2, 1);
}

static void
test_fsid_per_export(void **state)
{
	struct exp_live_export other;
	struct stat st = mkstat(S_IFDIR | 0755);

	(void)state;
	memset(&other, 0, sizeof(other));
	memcpy(other.volid, ex.volid, sizeof(other.volid));
	other.volid[0] ^= 1;
	assert_true(attr_fsid(&ex, &st) != attr_fsid(&other, &st));
}

static void
test_wcc(void **state)
{
	struct stat st = mkstat(S_IFREG | 0644);
	pre_op_attr pa;
	wcc_data w;

	(void)state;
	attr3_pre_op(&st, &pa);
	assert_true(pa.attributes_follow);
	assert_true(pa.pre_op_attr_u.attributes.size == 123456789012ULL);
	assert_int_equal(pa.pre_op_attr_u.attributes.mtime.nseconds, 999999999);
	assert_true(pa.pre_op_attr_u.attributes.ctime.seconds == 4000000000U);
	attr3_pre_op(NULL, &pa);
	assert_false(pa.attributes_follow);
	/* no descriptor: no post-op attributes, never garbage */
	attr3_wcc(&st, -1, &ex, &w);
	assert_true(w.before.attributes_follow);
	assert_false(w.after.attributes_follow);
}

/* ---------------------------------------------------------------- sattr3 */

static sattr3
nothing(void)
{
	sattr3 sa;

	memset(&sa, 0, sizeof(sa));
	sa.atime.set_it = DONT_CHANGE;
	sa.mtime.set_it = DONT_CHANGE;
	return sa;
}

static void
test_sattr_empty(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 0644);
	struct sattr_plan p;

	(void)state;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, 0);
	assert_true(p.uid == (uid_t)-1 && p.gid == (gid_t)-1);
	assert_true(p.times[0].tv_nsec == UTIME_OMIT);
	assert_true(p.times[1].tv_nsec == UTIME_OMIT);
}

static void
test_sattr_mode(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 0644);
	struct sattr_plan p;

	(void)state;
	sa.mode.set_it = TRUE;
	sa.mode.set_mode3_u.mode = 0177777;	/* type bits from the wire */
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_MODE);
	assert_int_equal(p.mode, 07777);	/* kernel decides on s-bits */
	/* a symlink has no mode: ignored, not an error (knfsd) */
	st = mkstat(S_IFLNK | 0777);
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, 0);
}

static void
test_sattr_chown_kills_sbits(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 06755);
	struct sattr_plan p;

	(void)state;
	sa.uid.set_it = TRUE;
	sa.uid.set_uid3_u.uid = 2000;
	sa.mode.set_it = TRUE;
	sa.mode.set_mode3_u.mode = 06755;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_MODE | SA_UID);
	assert_int_equal(p.uid, 2000);
	assert_true(p.gid == (gid_t)-1);
	assert_int_equal(p.mode, 0755);		/* setgid with g+x: gone */
	/* setgid without group execute is mandatory locking: kept */
	sa.mode.set_mode3_u.mode = 06745;
	sa.uid.set_it = FALSE;
	sa.gid.set_it = TRUE;
	sa.gid.set_gid3_u.gid = 50;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.mode, 02745);
	assert_int_equal(p.gid, 50);
	/* directories keep theirs (setgid means inherit the group) */
	st = mkstat(S_IFDIR | 02775);
	sa.mode.set_mode3_u.mode = 02775;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.mode, 02775);
}

static void
test_sattr_size(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 0644);
	struct sattr_plan p;

	(void)state;
	sa.size.set_it = TRUE;
	sa.size.set_size3_u.size = 4096;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_SIZE);
	assert_int_equal(p.size, 4096);
	/* beyond off_t: clamped, the filesystem answers EFBIG */
	sa.size.set_size3_u.size = UINT64_MAX;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_true(p.size == INT64_MAX);
	st = mkstat(S_IFDIR | 0755);
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EISDIR);
	st = mkstat(S_IFLNK | 0777);
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	st = mkstat(S_IFIFO | 0644);
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	st = mkstat(S_IFCHR | 0644);
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
}

static void
test_sattr_times(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 0644);
	struct sattr_plan p;

	(void)state;
	sa.atime.set_it = SET_TO_SERVER_TIME;
	sa.mtime.set_it = SET_TO_CLIENT_TIME;
	sa.mtime.set_mtime_u.mtime.seconds = 0xfffffff0u;	/* 2106 */
	sa.mtime.set_mtime_u.mtime.nseconds = 999999999;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_ATIME | SA_MTIME);
	assert_true(p.times[0].tv_nsec == UTIME_NOW);
	assert_true(p.times[1].tv_sec == (time_t)0xfffffff0u);
	assert_true(p.times[1].tv_nsec == 999999999);
	/* a client's nanoseconds are never UTIME_NOW or UTIME_OMIT */
	sa.mtime.set_mtime_u.mtime.nseconds = (uint32)UTIME_NOW;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	sa.mtime.set_mtime_u.mtime.nseconds = (uint32)UTIME_OMIT;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	sa.mtime.set_mtime_u.mtime.nseconds = 1000000000;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	/* a time_how from outside the enum */
	sa = nothing();
	sa.atime.set_it = (time_how)7;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), -EINVAL);
	/* size + mtime=server: the size change sets mtime anyway */
	sa = nothing();
	sa.size.set_it = TRUE;
	sa.mtime.set_it = SET_TO_SERVER_TIME;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_SIZE);
	/* ... but not a client time */
	sa.mtime.set_it = SET_TO_CLIENT_TIME;
	assert_int_equal(sattr_plan(&sa, &st, 0, &p), 0);
	assert_int_equal(p.what, SA_SIZE | SA_MTIME);
}

static void
test_sattr_created(void **state)
{
	sattr3 sa = nothing();
	struct stat st = mkstat(S_IFREG | 0644);
	struct sattr_plan p;

	(void)state;
	sa.mode.set_it = TRUE;
	sa.mode.set_mode3_u.mode = 0600;
	sa.uid.set_it = TRUE;
	sa.uid.set_uid3_u.uid = 7;
	sa.gid.set_it = TRUE;
	sa.gid.set_gid3_u.gid = 8;
	sa.size.set_it = TRUE;
	sa.size.set_size3_u.size = 0;
	sa.mtime.set_it = SET_TO_CLIENT_TIME;
	sa.mtime.set_mtime_u.mtime.seconds = 5;
	/* mode went to the create call, size 0 is there, owner: root only */
	assert_int_equal(sattr_plan(&sa, &st, SA_F_CREATED, &p), 0);
	assert_int_equal(p.what, SA_MTIME);
	assert_true(p.uid == (uid_t)-1 && p.gid == (gid_t)-1);
	assert_int_equal(sattr_plan(&sa, &st, SA_F_CREATED | SA_F_ROOT, &p),
	    0);
	assert_int_equal(p.what, SA_UID | SA_GID | SA_MTIME);
	assert_int_equal(p.uid, 7);
	assert_int_equal(p.gid, 8);
	/* a size on a new file is made; on a new directory ignored */
	sa.size.set_size3_u.size = 10;
	assert_int_equal(sattr_plan(&sa, &st, SA_F_CREATED, &p), 0);
	assert_true(p.what & SA_SIZE);
	st = mkstat(S_IFDIR | 0755);
	assert_int_equal(sattr_plan(&sa, &st, SA_F_CREATED, &p), 0);
	assert_false(p.what & SA_SIZE);
}

/* ------------------------------------------------------- create verifier */

static void
test_createverf(void **state)
{
	const char verf[NFS3_CREATEVERFSIZE] = {
		(char)0x81, 0x02, 0x03, 0x04, (char)0xf5, 0x06, 0x07, 0x08 };
	const char other[NFS3_CREATEVERFSIZE] = {
		(char)0x81, 0x02, 0x03, 0x04, (char)0xf5, 0x06, 0x07, 0x09 };
	struct timespec ts[2];
	struct stat st;

	(void)state;
	createverf_times(verf, ts);
	/* mtime: first word, atime: second word, top bits cleared */
	assert_true(ts[1].tv_sec == 0x01020304);
	assert_true(ts[0].tv_sec == 0x75060708);
	assert_true(ts[0].tv_nsec == 0 && ts[1].tv_nsec == 0);
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG;
	st.st_atim = ts[0];
	st.st_mtim = ts[1];
	assert_true(createverf_match(verf, &st));
	assert_false(createverf_match(other, &st));
	/* the file was written to since: not our create any more */
	st.st_size = 1;
	assert_false(createverf_match(verf, &st));
	st.st_size = 0;
	st.st_mode = S_IFDIR;
	assert_false(createverf_match(verf, &st));
	/* verifiers differing only in the masked top bits collide (knfsd) */
	st.st_mode = S_IFREG;
	{
		char hi[NFS3_CREATEVERFSIZE];

		memcpy(hi, verf, sizeof(hi));
		hi[0] ^= (char)0x80;
		assert_true(createverf_match(hi, &st));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_rdev),
		cmocka_unit_test(test_fsid_per_export),
		cmocka_unit_test(test_wcc),
		cmocka_unit_test(test_sattr_empty),
		cmocka_unit_test(test_sattr_mode),
		cmocka_unit_test(test_sattr_chown_kills_sbits),
		cmocka_unit_test(test_sattr_size),
		cmocka_unit_test(test_sattr_times),
		cmocka_unit_test(test_sattr_created),
		cmocka_unit_test(test_createverf),
	};

	memcpy(ex.volid, "volume-A-0123456", sizeof(ex.volid));
	return cmocka_run_group_tests_name("nfsd attributes", tests, NULL,
	    NULL);
}
