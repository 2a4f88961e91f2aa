/*
 * proc_io.c: READ, WRITE and COMMIT (RFC 1813 3.3.6, 3.3.7, 3.3.21).
 *
 * The handle is opened O_PATH as usual (export and client checks, the
 * thread then runs as the caller); permission is checked as the caller
 * with vfs_access() (knfsd's owner override: the client checked at open
 * time); the data moves through a cached fd opened by root (ofcache), so a
 * READ or WRITE costs no open or close. The read or write itself runs as
 * the caller: the kernel clears setuid/setgid bits on a write as for a
 * local user.
 *
 * Ranges, as knfsd (fs/nfsd/nfs3proc.c since 5.17) does them:
 *  - READ: count is clamped to the transfer size; an offset past
 *    OFFSET_MAX (2^63 - 1) is clamped to it and count to what is left
 *    below it, so such a READ returns 0 bytes with eof set, not an error.
 *  - WRITE: offset > OFFSET_MAX or offset + count > OFFSET_MAX is
 *    NFS3ERR_FBIG, and nothing is written; no write ever happens at a
 *    wrapped offset.
 *  - COMMIT: offset and count are not checked (knfsd: "COMMIT must not
 *    return INVAL"); the whole file is flushed.
 *
 * Stability (the rule, which differs from knfsd on purpose):
 *  - a `sync` export (the default) makes every WRITE stable: UNSTABLE and
 *    FILE_SYNC are written with RWF_SYNC and answered FILE_SYNC,
 *    DATA_SYNC with RWF_DSYNC and answered DATA_SYNC. knfsd leaves
 *    UNSTABLE writes unstable on sync exports.
 *  - an `async` export honours what the client asked: UNSTABLE is not
 *    synced, DATA_SYNC/FILE_SYNC are. knfsd instead never syncs there
 *    (and answers UNSTABLE).
 *  - COMMIT always makes the data durable (fdatasync), on async exports
 *    too (knfsd skips it there).
 *  - the cached fd that took UNSTABLE writes may be closed before the
 *    COMMIT comes (idle, evicted): the cache flushes it first and a failed
 *    flush changes the write verifier, so COMMIT on a fresh fd keeps its
 *    promise (ofcache.c).
 * WRITE with count != the length of its data is NFS3ERR_INVAL (knfsd
 * rejects the call as GARBAGE_ARGS; a status with wcc data is more useful
 * to a client and still writes nothing).
 */
#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfsd_procs.h"
#include "nfsd/ofcache.h"

#define OFFSET_MAX	((uint64_t)INT64_MAX)
/* Largest READ/WRITE over UDP, as knfsd (RPCSVC_MAXPAYLOAD_UDP). */

static uint32_t
max_data(const struct req *rq, uint32_t max)
{
	return rq->kind == RPC_XPRT_UDP && max > NFSD_UDP_MAXDATA ?
	    NFSD_UDP_MAXDATA : max;
}

/* Regular files only: a directory is ISDIR, anything else INVAL. */
static int
check_reg(const struct vnode *vn)
{
	if (S_ISREG(vn->st.st_mode))
		return 0;
	return S_ISDIR(vn->st.st_mode) ? -EISDIR : -EINVAL;
}

/* The cached open file of vn (opened by handle, hence as root). */
static int
get_file(struct req *rq, const struct vnode *vn, bool write, struct ofile **ofp)
{
	int rc;

	vfs_as_root(rq);
	rc = ofcache_get(nfsd_of(rq)->ofc, vn, write, ofp);
	vfs_as_caller(rq);
	return rc;
}

/* RFC 1813 3.3.6 */
enum disp
nfsd_proc_read(struct req *rq, READ3args *a, READ3res *res)
{
	READ3resok *ok = &res->READ3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct ofile *of = NULL;
	struct stat st;
	uint64_t off = a->offset;
	uint32_t count, want;
	size_t got = 0;
	ssize_t n;
	char *buf = NULL;
	int rc, fd;

	if ((rc = vfs_open_fh(rq, a->file.data.data_val, a->file.data.data_len,
	    O_PATH, &vn)) != 0)
		goto out;
	if ((rc = check_reg(&vn)) != 0)
		goto out;
	/* knfsd lets a caller read what it may only execute */
	if ((rc = vfs_access(rq, &vn, R_OK, true)) == -EACCES &&
	    vfs_access(rq, &vn, X_OK, false) == 0)
		rc = 0;
	if (rc != 0)
		goto out;

	count = a->count < max_data(rq, NFSD_RTMAX) ? a->count :
	    max_data(rq, NFSD_RTMAX);
	if (off > OFFSET_MAX)
		off = OFFSET_MAX;
	if (count > OFFSET_MAX - off)
		count = (uint32_t)(OFFSET_MAX - off);
	/* no buffer beyond the end of the file as it was at open */
	want = count;
	if ((uint64_t)vn.st.st_size <= off)
		want = 0;
	else if ((uint64_t)vn.st.st_size - off < want)
		want = (uint32_t)((uint64_t)vn.st.st_size - off);

	if ((rc = get_file(rq, &vn, false, &of)) != 0)
		goto out;
	fd = ofile_fd(of);
	if (want > 0 && (buf = req_alloc_raw(rq, want)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < want) {
		n = pread(fd, buf + got, want - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (rc != 0 && got == 0)
		goto out;
	rc = 0;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	ok->file_attributes.attributes_follow = TRUE;
	attr3_from_stat(&st, vn.ex, &ok->file_attributes.post_op_attr_u.attributes);
	ok->count = (count3)got;
	__atomic_fetch_add(&nfsd_of(rq)->io_read, (uint64_t)got,
	    __ATOMIC_RELAXED);
	ok->eof = off + got >= (uint64_t)st.st_size;
	ok->data.data_len = (u_int)got;
	ok->data.data_val = got > 0 ? buf : NULL;
	req_set_zerocopy(rq, buf, got);		/* sent from buf, not copied */
out:
	ofcache_put(nfsd_of(rq)->ofc, of);
	res->status = nfs3_stat(rc);
	if (rc != 0)
		attr3_post_op(&vn, &res->READ3res_u.resfail.file_attributes);
	vfs_close(&vn);
	return DISP_REPLY;
}

/*
 * The RWF_ flags and the committed level for a WRITE: see the top of the
 * file.
 */
static int
write_mode(const struct req *rq, stable_how asked, stable_how *committed)
{
	bool sync_export = !(nfsd_rq(rq)->flags & EXP_F_ASYNC);

	switch (asked) {
	case UNSTABLE:
		if (!sync_export) {
			*committed = UNSTABLE;
			return 0;
		}
		*committed = FILE_SYNC;
		return RWF_SYNC;
	case DATA_SYNC:
		*committed = DATA_SYNC;
		return RWF_DSYNC;
	default:
		*committed = FILE_SYNC;
		return RWF_SYNC;
	}
}

/* RFC 1813 3.3.7 */
enum disp
nfsd_proc_write(struct req *rq, WRITE3args *a, WRITE3res *res)
{
	WRITE3resok *ok = &res->WRITE3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct ofile *of = NULL;
	struct stat pre;
	struct iovec iov;
	stable_how committed = UNSTABLE;
	bool have_pre = false;
	uint64_t off = a->offset;
	uint32_t count = a->count;
	size_t done = 0;
	ssize_t n;
	int rc, fd = -1, rwf;

	if ((rc = vfs_open_fh(rq, a->file.data.data_val, a->file.data.data_len,
	    O_PATH, &vn)) != 0)
		goto out;
	if ((rc = check_reg(&vn)) != 0)
		goto out;
	if ((unsigned)a->stable > FILE_SYNC || count != a->data.data_len) {
		rc = -EINVAL;
		goto out;
	}
	if (off > OFFSET_MAX || count > OFFSET_MAX - off) {
		rc = -EFBIG;
		goto out;
	}
	if ((rc = vfs_access(rq, &vn, W_OK, true)) != 0)
		goto out;
	if (count > max_data(rq, NFSD_WTMAX))	/* short write: legal */
		count = max_data(rq, NFSD_WTMAX);
	if ((rc = get_file(rq, &vn, true, &of)) != 0)
		goto out;
	fd = ofile_fd(of);
	have_pre = fstat(fd, &pre) == 0;
	rwf = write_mode(rq, a->stable, &committed);
	while (done < count) {
		iov.iov_base = a->data.data_val + done;
		iov.iov_len = count - done;
		n = pwritev2(fd, &iov, 1, (off_t)(off + done), rwf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			if (rc != -ENOSPC && rc != -EDQUOT && rc != -EFBIG)
				nfsd_write_verf_reset(rq, rc);
			break;
		}
		done += (size_t)n;
	}
	if (rc != 0 && done > 0)
		rc = 0;			/* what was written is reported */
	if (rc != 0)
		goto out;
	if (committed == UNSTABLE)
		ofile_unstable(of);	/* flushed before the fd is closed */
	attr3_wcc(have_pre ? &pre : NULL, fd, vn.ex, &ok->file_wcc);
	ok->count = (count3)done;
	__atomic_fetch_add(&nfsd_of(rq)->io_written, (uint64_t)done,
	    __ATOMIC_RELAXED);
	ok->committed = committed;
	nfsd_write_verf(rq, ok->verf);
out:
	res->status = nfs3_stat(rc);
	if (rc != 0) {
		/* wcc on failure: what we know */
		if (fd >= 0)
			attr3_wcc(have_pre ? &pre : NULL, fd, vn.ex,
			    &res->WRITE3res_u.resfail.file_wcc);
		else {
			attr3_pre_op(vn.fd >= 0 ? &vn.st : NULL,
			    &res->WRITE3res_u.resfail.file_wcc.before);
			attr3_post_op(&vn, &res->WRITE3res_u.resfail.file_wcc.after);
		}
	}
	ofcache_put(nfsd_of(rq)->ofc, of);
	vfs_close(&vn);
	return DISP_REPLY;
}

/* RFC 1813 3.3.21 */
enum disp
nfsd_proc_commit(struct req *rq, COMMIT3args *a, COMMIT3res *res)
{
	struct vnode vn = VNODE_INIT;
	struct ofile *of = NULL;
	struct stat pre;
	bool have_pre = false;
	int rc, fd = -1;

	(void)a->offset;	/* the whole file, see the top of the file */
	if ((rc = vfs_open_fh(rq, a->file.data.data_val, a->file.data.data_len,
	    O_PATH, &vn)) != 0)
		goto out;
	if ((rc = check_reg(&vn)) != 0)
		goto out;
	if ((rc = vfs_access(rq, &vn, W_OK, true)) != 0)
		goto out;
	if ((rc = get_file(rq, &vn, false, &of)) != 0)
		goto out;
	fd = ofile_fd(of);
	have_pre = fstat(fd, &pre) == 0;
	if ((rc = ofcache_sync(of)) != 0)
		nfsd_write_verf_reset(rq, rc);
out:
	res->status = nfs3_stat(rc);
	if (rc == 0) {
		attr3_wcc(have_pre ? &pre : NULL, fd, vn.ex,
		    &res->COMMIT3res_u.resok.file_wcc);
		nfsd_write_verf(rq, res->COMMIT3res_u.resok.verf);
	} else if (fd >= 0)
		attr3_wcc(have_pre ? &pre : NULL, fd, vn.ex,
		    &res->COMMIT3res_u.resfail.file_wcc);
	else {
		attr3_pre_op(vn.fd >= 0 ? &vn.st : NULL,
		    &res->COMMIT3res_u.resfail.file_wcc.before);
		attr3_post_op(&vn, &res->COMMIT3res_u.resfail.file_wcc.after);
	}
	ofcache_put(nfsd_of(rq)->ofc, of);
	vfs_close(&vn);
	return DISP_REPLY;
}
