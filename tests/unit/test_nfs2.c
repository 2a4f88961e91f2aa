/*
 * test_nfs2.c: the pure parts of NFSv2 in rpc.nfsd: fattr2 from a stat
 * (types, the FIFO and socket conventions, devices, blocks, clamped sizes
 * and ids), sattr2 "don't set" values, the errno -> nfsstat2 map and its
 * dropped replies, READDIR cookie encoding, and the v2 table (18
 * procedures, no holes, the flags). The handlers are stubbed at link time:
 * only nfs2_attr.o, nfs2_procs.o and attr.o are linked.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "nfsd/nfs2.h"
#include "nfsd/nfsd_procs.h"

/* Link-time stubs: the table names every handler. */
#define STUB(name, A, R)						\
enum disp name(struct req *rq, A a, R r)				\
{ (void)rq; (void)a; (void)r; return DISP_REPLY; }
STUB(nfsd2_proc_null, void *, void *)
STUB(nfsd2_proc_getattr, char *, attrstat2 *)
STUB(nfsd2_proc_setattr, sattrargs2 *, attrstat2 *)
STUB(nfsd2_proc_root, void *, void *)
STUB(nfsd2_proc_lookup, diropargs2 *, diropres2 *)
STUB(nfsd2_proc_readlink, char *, readlinkres2 *)
STUB(nfsd2_proc_read, readargs2 *, readres2 *)
STUB(nfsd2_proc_writecache, void *, void *)
STUB(nfsd2_proc_write, writeargs2 *, attrstat2 *)
STUB(nfsd2_proc_create, createargs2 *, diropres2 *)
STUB(nfsd2_proc_remove, diropargs2 *, nfsstat2 *)
STUB(nfsd2_proc_rename, renameargs2 *, nfsstat2 *)
STUB(nfsd2_proc_link, linkargs2 *, nfsstat2 *)
STUB(nfsd2_proc_symlink, symlinkargs2 *, nfsstat2 *)
STUB(nfsd2_proc_mkdir, createargs2 *, diropres2 *)
STUB(nfsd2_proc_rmdir, diropargs2 *, nfsstat2 *)
STUB(nfsd2_proc_readdir, readdirargs2 *, readdirres2 *)
STUB(nfsd2_proc_statfs, char *, statfsres2 *)

static struct stat
mkstat(mode_t mode)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_nlink = 2;
	st.st_uid = 1000;
	st.st_gid = 100;
	st.st_size = 12345;
	st.st_blksize = 4096;
	st.st_blocks = 32;
	st.st_ino = 4242;
	st.st_atim.tv_sec = 1700000000;
	st.st_atim.tv_nsec = 123456789;
	st.st_mtim.tv_sec = 1700000001;
	st.st_mtim.tv_nsec = 999999999;
	st.st_ctim.tv_sec = 1700000002;
	st.st_ctim.tv_nsec = 1000;
	return st;
}

static void
fattr_regular(void **state)
{
	struct stat st = mkstat(S_IFREG | 0644);
	fattr2 fa;

	(void)state;
	fattr2_from_stat(&st, 0xabcdef01, &fa);
	assert_int_equal(fa.type, NFREG);
	assert_int_equal(fa.mode, S_IFREG | 0644);	/* type bits included */
	assert_int_equal(fa.nlink, 2);
	assert_int_equal(fa.uid, 1000);
	assert_int_equal(fa.gid, 100);
	assert_int_equal(fa.size, 12345);
	assert_int_equal(fa.blocksize, 4096);
	assert_int_equal(fa.blocks, 32);		/* 512-byte units */
	assert_int_equal(fa.rdev, 0xffffffffu);
	assert_int_equal(fa.fsid, 0xabcdef01);
	assert_int_equal(fa.fileid, 4242);
	assert_int_equal(fa.atime.seconds, 1700000000);
	assert_int_equal(fa.atime.useconds, 123456);
	assert_int_equal(fa.mtime.useconds, 999999);
	assert_int_equal(fa.ctime.seconds, 1700000002);
	assert_int_equal(fa.ctime.useconds, 1);
}

static void
fattr_types(void **state)
{
	static const struct {
		mode_t	 mode;
		ftype2	 type;
	} t[] = {
		{ S_IFDIR | 0755, NFDIR },
		{ S_IFLNK | 0777, NFLNK },
		{ S_IFSOCK | 0755, NFSOCK },
		{ S_IFIFO | 0644, NFCHR },	/* Sun: NFCHR + rdev -1 */
		{ S_IFBLK | 0660, NFBLK },
		{ S_IFCHR | 0660, NFCHR },
	};
	struct stat st;
	fattr2 fa;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		st = mkstat(t[i].mode);
		fattr2_from_stat(&st, 1, &fa);
		assert_int_equal(fa.type, t[i].type);
		assert_int_equal(fa.mode, t[i].mode);
	}
	st = mkstat(S_IFIFO | 0644);
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.rdev, NFS2_FIFO_DEV);
	st = mkstat(S_IFSOCK | 0755);
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.rdev, NFS2_NO_RDEV);
}

static void
fattr_devices(void **state)
{
	struct stat st = mkstat(S_IFCHR | 0666);
	fattr2 fa;

	(void)state;
	st.st_rdev = makedev(1, 3);		/* /dev/null */
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.rdev, (1 << 8) | 3);
	assert_true(nfs2_decode_dev(fa.rdev) == st.st_rdev);
	st.st_mode = S_IFBLK | 0660;
	st.st_rdev = makedev(259, 0x12345);	/* big minor, 12-bit major */
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.type, NFBLK);
	assert_int_equal(fa.rdev, 0x45 | 259 << 8 | 0x12300 << 12);
	assert_true(nfs2_decode_dev(fa.rdev) == st.st_rdev);
	assert_true(nfs2_decode_dev(nfs2_encode_dev(makedev(8, 17))) ==
	    makedev(8, 17));
}

static void
fattr_clamps(void **state)
{
	struct stat st = mkstat(S_IFREG | 0600);
	fattr2 fa;

	(void)state;
	st.st_size = 5LL << 30;			/* 5 GiB: not 1 GiB */
	st.st_blocks = 1LL << 33;
	st.st_ino = 0x100000002ULL;		/* folded, not truncated */
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.size, 0xffffffffu);
	assert_int_equal(fa.blocks, 0xffffffffu);
	assert_int_equal(fa.fileid, 3);
	assert_int_equal(nfs2_fileid(0x100000002ULL), 3);
	assert_int_equal(nfs2_fileid(77), 77);
	st = mkstat(S_IFLNK | 0777);
	st.st_size = 4000;			/* a symlink: at most MAXPATHLEN */
	fattr2_from_stat(&st, 1, &fa);
	assert_int_equal(fa.size, NFS2_MAXPATHLEN);
}

static sattr2
unset_sattr(void)
{
	sattr2 sa;

	memset(&sa, 0xff, sizeof(sa));
	return sa;
}

static void
sattr_unset(void **state)
{
	sattr2 sa = unset_sattr();
	struct nfs2_sattr d;

	(void)state;
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_int_equal(d.set, 0);
	sa.mode = 0xffff;			/* Sun's "unset" mode */
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_int_equal(d.set, 0);
	/* a time is unset if either half is -1 */
	sa = unset_sattr();
	sa.atime.seconds = 5;
	sa.mtime.useconds = 5;
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_int_equal(d.set, 0);
}

static void
sattr_values(void **state)
{
	sattr2 sa = unset_sattr();
	struct nfs2_sattr d;

	(void)state;
	sa.mode = S_IFREG | 04755;
	sa.uid = 0;
	sa.gid = 0;
	sa.size = 0;
	sa.atime.seconds = 100;
	sa.atime.useconds = 999999;
	sa.mtime.seconds = 200;
	sa.mtime.useconds = 0;
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_int_equal(d.set, SA2_MODE | SA2_UID | SA2_GID | SA2_SIZE |
	    SA2_ATIME | SA2_MTIME);
	assert_int_equal(d.mode, S_IFREG | 04755);
	assert_int_equal(d.uid, 0);
	assert_int_equal(d.size, 0);
	assert_int_equal(d.atime.tv_sec, 100);
	assert_int_equal(d.atime.tv_nsec, 999999000);
	assert_int_equal(d.mtime.tv_sec, 200);
	assert_int_equal(d.mtime.tv_nsec, 0);
}

static void
sattr_server_time(void **state)
{
	sattr2 sa = unset_sattr();
	struct nfs2_sattr d;

	(void)state;
	/* useconds of one second: the server's time; mtime drags atime */
	sa.atime.seconds = 100;
	sa.atime.useconds = 5;
	sa.mtime.seconds = 100;
	sa.mtime.useconds = NFS2_SERVER_TIME;
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_true(d.mtime.tv_nsec == UTIME_NOW);
	assert_true(d.atime.tv_nsec == UTIME_NOW);
	sa.mtime.useconds = 0;
	sa.atime.useconds = NFS2_SERVER_TIME;
	assert_int_equal(sattr2_decode(&sa, &d), 0);
	assert_true(d.atime.tv_nsec == UTIME_NOW);
	assert_int_equal(d.mtime.tv_nsec, 0);
	/* beyond one second: invalid, never wrapped */
	sa.atime.useconds = NFS2_SERVER_TIME + 1;
	assert_int_equal(sattr2_decode(&sa, &d), -EINVAL);
	sa = unset_sattr();
	sa.mtime.seconds = 1;
	sa.mtime.useconds = 0xfffffffe;
	assert_int_equal(sattr2_decode(&sa, &d), -EINVAL);
}

static void
stat_map(void **state)
{
	static const struct {
		int		err;
		nfsstat2	st;
	} t[] = {
		{ 0, NFS_OK }, { -EPERM, NFSERR_PERM }, { -ENOENT, NFSERR_NOENT },
		{ -EIO, NFSERR_IO }, { -ENXIO, NFSERR_NXIO },
		{ -EACCES, NFSERR_ACCES }, { -EEXIST, NFSERR_EXIST },
		{ -ENODEV, NFSERR_NODEV }, { -ENOTDIR, NFSERR_NOTDIR },
		{ -EISDIR, NFSERR_ISDIR }, { -EFBIG, NFSERR_FBIG },
		{ -ENOSPC, NFSERR_NOSPC }, { -EROFS, NFSERR_ROFS },
		{ -ENAMETOOLONG, NFSERR_NAMETOOLONG },
		{ -ENOTEMPTY, NFSERR_NOTEMPTY }, { -EDQUOT, NFSERR_DQUOT },
		{ -ESTALE, NFSERR_STALE },
		/* v3-only conditions, as knfsd maps them for v2 */
		{ -EBADMSG, NFSERR_STALE },	/* BADHANDLE */
		{ -EXDEV, NFSERR_ACCES },
		{ -EOPNOTSUPP, NFS2ERR_OPNOTSUPP },
		{ -ENOTSUP, NFS2ERR_OPNOTSUPP },
		{ -EFAULT, NFSERR_IO },		/* SERVERFAULT */
		{ -EINVAL, NFS2ERR_INVAL }, { -EMLINK, NFS2ERR_MLINK },
		{ -EOVERFLOW, NFS2ERR_INVAL },
		{ EACCES, NFSERR_ACCES },	/* positive works too */
		{ -12345, NFSERR_IO },		/* unknown */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (nfs2_stat(t[i].err) != t[i].st)
			fail_msg("errno %d -> %d, want %d", t[i].err,
			    (int)nfs2_stat(t[i].err), (int)t[i].st);
		assert_false(nfs2_retry_later(t[i].err));
	}
}

static void
stat_never_v3(void **state)
{
	int e;

	(void)state;
	/* nothing v3-only (>= 10000) ever reaches a v2 client */
	for (e = 0; e < 4096; e++)
		assert_true((int)nfs2_stat(-e) < 10000);
}

static void
stat_drop(void **state)
{
	static const int again[] = { EAGAIN, ENOMEM, ENFILE, EMFILE, EINTR,
	    ETIMEDOUT };
	nfsstat2 st;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(again) / sizeof(again[0]); i++) {
		assert_true(nfs2_retry_later(-again[i]));
		assert_int_equal(nfs2_done(-again[i], &st), DISP_DROP);
	}
	assert_int_equal(nfs2_done(0, &st), DISP_REPLY);
	assert_int_equal(st, NFS_OK);
	assert_int_equal(nfs2_done(-ESTALE, &st), DISP_REPLY);
	assert_int_equal(st, NFSERR_STALE);
}

static void
cookies_small(void **state)
{
	int64_t off;
	uint32_t ck, ord;

	(void)state;
	/* below 2^31: the offset itself, on any filesystem */
	assert_true(nfs2_cookie_from_off(0, false, &ck));
	assert_int_equal(ck, 0);
	assert_true(nfs2_cookie_from_off(0x7fffffff, true, &ck));
	assert_int_equal(ck, 0x7fffffff);
	assert_true(nfs2_cookie_to_off(12345, false, &off, &ord));
	assert_int_equal(off, 12345);
	assert_true(nfs2_cookie_to_off(12345, true, &off, &ord));
	assert_int_equal(off, 12345);
}

static void
cookies_ext4_hash(void **state)
{
	int64_t off, pos = ((int64_t)0x1234abcd << 32) | 0xdeadbeef;
	uint32_t ck, ord;

	(void)state;
	/* the upper half, ext4's 32-bit cookie, with bit 31 set */
	assert_true(nfs2_cookie_from_off(pos, true, &ck));
	assert_int_equal(ck, NFS2_CK_BIG | 0x1234abcd);
	assert_true(nfs2_cookie_to_off(ck, true, &off, &ord));
	assert_true(off == (int64_t)0x1234abcd << 32);
	assert_true(off <= pos);		/* may repeat, never skip */
	/* ext4's EOF stays EOF */
	assert_true(nfs2_cookie_from_off(NFS2_HASH_EOF, true, &ck));
	assert_int_equal(ck, 0xffffffffu);
	assert_true(nfs2_cookie_to_off(ck, true, &off, &ord));
	assert_true(off == NFS2_HASH_EOF);
	/* major hash 0 with a big minor: not a restart from the top */
	assert_true(nfs2_cookie_from_off(0x90000000LL, true, &ck));
	assert_int_equal(ck, NFS2_CK_BIG);
	assert_true(nfs2_cookie_to_off(ck, true, &off, &ord));
	assert_true(off > 0 && off <= 0x90000000LL);
}

static void
cookies_ordinal(void **state)
{
	int64_t off;
	uint32_t ck, ord;

	(void)state;
	/* other filesystems: a big offset needs an ordinal cookie */
	assert_false(nfs2_cookie_from_off(1LL << 40, false, &ck));
	assert_false(nfs2_cookie_from_off(0x80000000LL, false, &ck));
	assert_false(nfs2_cookie_from_off(-1, true, &ck));
	assert_false(nfs2_cookie_to_off(NFS2_CK_BIG | 77, false, &off, &ord));
	assert_int_equal(ord, 77);
}

static void
table(void **state)
{
	static const char *const names[] = { "null", "getattr", "setattr",
	    "root", "lookup", "readlink", "read", "writecache", "write",
	    "create", "remove", "rename", "link", "symlink", "mkdir", "rmdir",
	    "readdir", "statfs" };
	static const unsigned writes[] = { NFSPROC_SETATTR, NFSPROC_WRITE,
	    NFSPROC_CREATE, NFSPROC_REMOVE, NFSPROC_RENAME, NFSPROC_LINK,
	    NFSPROC_SYMLINK, NFSPROC_MKDIR, NFSPROC_RMDIR };
	unsigned i, j;

	(void)state;
	assert_int_equal(nfsd_v2_nprocs, 18);
	assert_int_equal(NFSPROC_STATFS + 1, 18);
	for (i = 0; i < nfsd_v2_nprocs; i++) {
		const struct rpc_proc *pd = &nfsd_v2_procs[i];
		bool w = false;

		assert_non_null(pd->fn);
		assert_non_null(pd->name);
		assert_non_null(pd->xdr_args);
		assert_non_null(pd->xdr_res);
		if (strncasecmp(pd->name, "nfsd2_proc_", 11) != 0 ||
		    strcasecmp(pd->name + 11, names[i]) != 0)
			fail_msg("proc %u is %s, expected %s", i, pd->name,
			    names[i]);
		for (j = 0; j < sizeof(writes) / sizeof(writes[0]); j++)
			if (writes[j] == i)
				w = true;
		/* modifying procedures: refused on ro, answered from the DRC */
		assert_int_equal((pd->flags & P_WRITE) != 0, w);
		assert_int_equal((pd->flags & P_DRC) != 0, w);
	}
	/* NULL, ROOT and WRITECACHE are void both ways */
	assert_int_equal(nfsd_v2_procs[NFSPROC_NULL].args_size, 0);
	assert_int_equal(nfsd_v2_procs[NFSPROC_NULL].res_size, 0);
	assert_int_equal(nfsd_v2_procs[NFSPROC_ROOT].args_size, 0);
	assert_int_equal(nfsd_v2_procs[NFSPROC_ROOT].res_size, 0);
	assert_int_equal(nfsd_v2_procs[NFSPROC_WRITECACHE].args_size, 0);
	assert_int_equal(nfsd_v2_procs[NFSPROC_WRITECACHE].res_size, 0);
	/* handle arguments are the bare 32-byte fhandle */
	assert_int_equal(nfsd_v2_procs[NFSPROC_GETATTR].args_size, NFS2_FHSIZE);
	assert_int_equal(nfsd_v2_procs[NFSPROC_STATFS].args_size, NFS2_FHSIZE);
	assert_int_equal(nfsd_v2_procs[NFSPROC_READLINK].args_size, NFS2_FHSIZE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fattr_regular),
		cmocka_unit_test(fattr_types),
		cmocka_unit_test(fattr_devices),
		cmocka_unit_test(fattr_clamps),
		cmocka_unit_test(sattr_unset),
		cmocka_unit_test(sattr_values),
		cmocka_unit_test(sattr_server_time),
		cmocka_unit_test(stat_map),
		cmocka_unit_test(stat_never_v3),
		cmocka_unit_test(stat_drop),
		cmocka_unit_test(cookies_small),
		cmocka_unit_test(cookies_ext4_hash),
		cmocka_unit_test(cookies_ordinal),
		cmocka_unit_test(table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
