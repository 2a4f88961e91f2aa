/*
 * proc_fs.c: FSSTAT, FSINFO and PATHCONF (RFC 1813 3.3.18 - 3.3.20).
 *
 * Any handle of the filesystem will do; no permission is needed beyond
 * the export admitting the caller (knfsd: NFSD_MAY_NOP). fstatfs() and
 * fpathconf() work on O_PATH descriptors.
 */
#include <sys/statfs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdint.h>
#include <unistd.h>

#include "nfsd/nfsd_procs.h"

static void
post_op_vn(const struct vnode *vn, post_op_attr *pa)
{
	pa->attributes_follow = TRUE;
	attr3_from_stat(&vn->st, vn->ex, &pa->post_op_attr_u.attributes);
}

static int
open_any(struct req *rq, const nfs_fh3 *fh, struct vnode *vn)
{
	return vfs_open_fh(rq, fh->data.data_val, fh->data.data_len, O_PATH,
	    vn);
}

/* RFC 1813 3.3.18 FSSTAT: the filesystem's space and inodes, as statfs(2)
 * reports them (free space for the caller: f_bavail). */
enum disp
nfsd_proc_fsstat(struct req *rq, FSSTAT3args *a, FSSTAT3res *res)
{
	FSSTAT3resok *ok = &res->FSSTAT3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct statfs sf;
	uint64_t bs;
	int rc;

	if ((rc = open_any(rq, &a->fsroot, &vn)) != 0)
		goto out;
	if (fstatfs(vn.fd, &sf) != 0)
		rc = -errno;
	else {
		bs = sf.f_frsize != 0 ? (uint64_t)sf.f_frsize :
		    (uint64_t)sf.f_bsize;
		ok->tbytes = (uint64_t)sf.f_blocks * bs;
		ok->fbytes = (uint64_t)sf.f_bfree * bs;
		ok->abytes = (uint64_t)sf.f_bavail * bs;
		ok->tfiles = (uint64_t)sf.f_files;
		ok->ffiles = (uint64_t)sf.f_ffree;
		ok->afiles = (uint64_t)sf.f_ffree;	/* no inode reserve */
		ok->invarsec = 0;			/* it changes any time */
	}
	/* resok and resfail both start with the attributes */
	post_op_vn(&vn, &ok->obj_attributes);
out:
	res->status = nfs3_stat(rc);
	vfs_close(&vn);
	return DISP_REPLY;
}

/*
 * The largest file the filesystem takes (the kernel's s_maxbytes, which
 * userspace cannot read): ext4 addresses 2^32 - 1 blocks per file, FAT 4
 * GiB - 1; others (xfs, btrfs, tmpfs...) the largest off_t.
 */
static uint64_t
max_file_size(const struct statfs *sf)
{
	uint64_t bs = (uint64_t)sf->f_bsize;

	switch ((unsigned long)sf->f_type) {
	case EXT4_SUPER_MAGIC:
		if (bs == 0 || (bs & (bs - 1)) != 0)
			bs = 4096;
		return (((uint64_t)1 << 32) - 1) * bs;
	case MSDOS_SUPER_MAGIC:
		return UINT32_MAX;
	default:
		return INT64_MAX;
	}
}

/*
 * RFC 1813 3.3.19 FSINFO. Transfer sizes as knfsd advertises them for a
 * 1 MiB maximum: preferred = maximum, multiples of the page size. The
 * time granularity: a filesystem keeping nanoseconds shows them in the
 * object's times (all three nanosecond fields 0 is a filesystem storing
 * seconds, e.g. ext4 with 128-byte inodes: then 1 s, knfsd's value).
 */
enum disp
nfsd_proc_fsinfo(struct req *rq, FSINFO3args *a, FSINFO3res *res)
{
	FSINFO3resok *ok = &res->FSINFO3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct statfs sf;
	long page;
	int rc;

	if ((rc = open_any(rq, &a->fsroot, &vn)) != 0)
		goto out;
	if (fstatfs(vn.fd, &sf) != 0) {
		rc = -errno;
		goto attrs;
	}
	page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;
	/* a datagram cannot carry 1 MiB: advertise what UDP gets */
	ok->rtmax = rq->kind == RPC_XPRT_UDP ? NFSD_UDP_MAXDATA : NFSD_RTMAX;
	ok->rtpref = ok->rtmax;
	ok->rtmult = (uint32)page;
	ok->wtmax = rq->kind == RPC_XPRT_UDP ? NFSD_UDP_MAXDATA : NFSD_WTMAX;
	ok->wtpref = ok->wtmax;
	ok->wtmult = (uint32)page;
	ok->dtpref = NFSD_DTPREF;
	ok->maxfilesize = max_file_size(&sf);
	if ((unsigned long)sf.f_type == MSDOS_SUPER_MAGIC) {
		ok->time_delta.seconds = 2;
		ok->time_delta.nseconds = 0;
	} else if (vn.st.st_atim.tv_nsec != 0 || vn.st.st_mtim.tv_nsec != 0 ||
	    vn.st.st_ctim.tv_nsec != 0) {
		ok->time_delta.seconds = 0;
		ok->time_delta.nseconds = 1;
	} else {
		ok->time_delta.seconds = 1;
		ok->time_delta.nseconds = 0;
	}
	/* FAT has no links and no symlinks (knfsd's "BILLYBOY") */
	ok->properties = FSF3_HOMOGENEOUS | FSF3_CANSETTIME;
	if ((unsigned long)sf.f_type != MSDOS_SUPER_MAGIC)
		ok->properties |= FSF3_LINK | FSF3_SYMLINK;
attrs:
	post_op_vn(&vn, &ok->obj_attributes);
out:
	res->status = nfs3_stat(rc);
	vfs_close(&vn);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.20 PATHCONF. Names over name_max are refused with
 * NAMETOOLONG, never truncated (no_trunc); only a privileged caller may
 * give a file away (chown_restricted); names are case sensitive except on
 * FAT, which does not preserve case either (as knfsd says).
 */
enum disp
nfsd_proc_pathconf(struct req *rq, PATHCONF3args *a, PATHCONF3res *res)
{
	PATHCONF3resok *ok = &res->PATHCONF3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct statfs sf;
	long v;
	int rc;

	if ((rc = open_any(rq, &a->object, &vn)) != 0)
		goto out;
	if (fstatfs(vn.fd, &sf) != 0) {
		rc = -errno;
		goto attrs;
	}
	if ((unsigned long)sf.f_type == TMPFS_MAGIC)
		ok->linkmax = UINT32_MAX;	/* glibc says 127; no limit */
	else if ((v = fpathconf(vn.fd, _PC_LINK_MAX)) > 0)
		ok->linkmax = v > (long)UINT32_MAX ? UINT32_MAX : (uint32)v;
	else
		ok->linkmax = 255;		/* knfsd's "at least" */
	v = (long)sf.f_namelen;
	ok->name_max = v > 0 && v < NAME_MAX ? (uint32)v : NAME_MAX;
	ok->no_trunc = TRUE;
	ok->chown_restricted = TRUE;
	if ((unsigned long)sf.f_type == MSDOS_SUPER_MAGIC) {
		ok->case_insensitive = TRUE;
		ok->case_preserving = FALSE;
	} else {
		ok->case_insensitive = FALSE;
		ok->case_preserving = TRUE;
	}
attrs:
	post_op_vn(&vn, &ok->obj_attributes);
out:
	res->status = nfs3_stat(rc);
	vfs_close(&vn);
	return DISP_REPLY;
}
