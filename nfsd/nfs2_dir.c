/*
 * nfs2_dir.c: NFSv2 READDIR (RFC 1094 2.2.17) and its 32-bit cookies.
 *
 * A v2 cookie is 4 bytes; a directory offset (d_off) is 64 bits. knfsd
 * opens directories for v2 with FMODE_32BITHASH, which userspace cannot
 * ask for (ext4 gives 32-bit hash offsets only to 32-bit system calls),
 * so the cookie is made from the 64-bit offset instead:
 *
 *  - An offset below 2^31 is the cookie as it is. That is every offset of
 *    tmpfs, btrfs, xfs (below 16 GiB of entries), f2fs, and of linear
 *    ext2/3/4 directories (byte offsets).
 *  - On ext2/3/4, a larger offset is a hash position, (major hash >> 1) <<
 *    32 | minor hash. Its upper half is exactly the 32-bit cookie ext4
 *    gives 32-bit callers (and knfsd gives v2 clients); the cookie is that
 *    with bit 31 set, and it resumes at (upper half) << 32, i.e. at the
 *    first entry of that major hash. Entries sharing a 31-bit major hash
 *    across a reply boundary may be listed twice, as with knfsd; never
 *    skipped. 2^63 - 1 (ext4's EOF) is 0xffffffff.
 *  - On other filesystems (ZFS, FUSE, overlay, ...) a larger offset cannot
 *    be expressed: the cookie is then bit 31 | the ordinal of the next
 *    entry from the start of the directory, and a call resuming from it
 *    re-reads the directory from the start (lseek 0 and count). That costs
 *    O(n) per call, O(n^2 / entries-per-reply) for a whole listing, so a
 *    resume is refused (IO) beyond NFS2_SCAN_MAX entries; and entries
 *    created or removed before the position between two calls shift it
 *    (an entry may be skipped or repeated): the price of a stateless
 *    server on a filesystem whose offsets do not fit v2.
 *
 * A cookie is stored big-endian in the opaque[4]. The reply holds at
 * most count bytes (capped at NFS2_MAXDATA) of entries, as knfsd counts
 * them: the entries plus the final "no more entries" word and eof. A
 * count too small for one entry is NFS2ERR_INVAL (v3's TOOSMALL): an
 * empty reply without eof would loop the client.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfs2.h"

#define EXT_SUPER_MAGIC	0xEF53		/* ext2, ext3, ext4 */
#define NFS2_SCAN_MAX	(1u << 22)	/* entries re-read to resume */
#define DENTS_BUF	(32 * 1024)

struct dent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

struct dscan {
	int	 fd;
	char	*buf;
	size_t	 len;		/* of buf */
	long	 n, pos;	/* bytes in buf, next record */
};

static long
dents(int fd, char *buf, size_t len)
{
	long n = syscall(SYS_getdents64, fd, buf, len);

	return n < 0 ? -errno : n;
}

/* The next entry, NULL at the end (*err 0) or on error (*err < 0). */
static struct dent64 *
dnext(struct dscan *d, int *err)
{
	struct dent64 *e;

	*err = 0;
	if (d->pos >= d->n) {
		d->n = dents(d->fd, d->buf, d->len);
		d->pos = 0;
		if (d->n <= 0) {
			*err = d->n < 0 ? (int)d->n : 0;
			d->n = 0;
			return NULL;
		}
	}
	e = (struct dent64 *)(d->buf + d->pos);
	d->pos += e->d_reclen;
	return e;
}

static int
dseek(struct dscan *d, int64_t off)
{
	d->n = d->pos = 0;
	return lseek(d->fd, (off_t)off, SEEK_SET) < 0 ? -errno : 0;
}

/* Skip the first n entries from the start. */
static int
skip_to(struct dscan *d, uint32_t n)
{
	uint32_t i;
	int rc;

	if (n > NFS2_SCAN_MAX)
		return -EIO;
	if ((rc = dseek(d, 0)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (dnext(d, &rc) == NULL)
			return rc;	/* fewer now: resume at the end */
	return 0;
}

/* The ordinal of the entry at offset off: how many entries precede it. */
static int
ordinal_of(struct req *rq, const struct vnode *vn, int64_t off,
    uint32_t *ord)
{
	struct dscan d = { .len = DENTS_BUF };
	struct dent64 *e;
	uint32_t i = 0;
	int rc = 0;

	*ord = 0;
	if (off == 0)
		return 0;
	if ((d.buf = req_alloc(rq, d.len)) == NULL)
		return -ENOMEM;
	if ((d.fd = vfs_reopen(vn, O_RDONLY | O_DIRECTORY)) < 0)
		return d.fd;
	while ((e = dnext(&d, &rc)) != NULL && i < NFS2_SCAN_MAX) {
		i++;
		if (e->d_off == off) {
			*ord = i;
			close(d.fd);
			return 0;
		}
	}
	close(d.fd);
	return rc != 0 ? rc : -EIO;	/* the offset is gone */
}

static void
put_cookie(char *out, uint32_t ck)
{
	out[0] = (char)(ck >> 24);
	out[1] = (char)(ck >> 16);
	out[2] = (char)(ck >> 8);
	out[3] = (char)ck;
}

static uint32_t
get_cookie(const char *in)
{
	const unsigned char *p = (const unsigned char *)in;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* XDR size of an entry2 with its "value follows" word. */
static size_t
entry_size(size_t namelen)
{
	return 4 + 4 + 4 + ((namelen + 3) & ~(size_t)3) + 4;
}

/* RFC 1094 2.2.17 */
enum disp
nfsd2_proc_readdir(struct req *rq, readdirargs2 *a, readdirres2 *res)
{
	dirlist2 *dl = &res->readdirres2_u.readdirok;
	struct vnode vn = VNODE_INIT;
	struct dscan d = { .fd = -1, .len = DENTS_BUF };
	struct statfs sfs;
	struct dent64 *e;
	entry2 **tail = &dl->entries;
	size_t avail, cost;
	int64_t off, start;
	uint32_t ck, ord = 0, n = 0, count;
	bool hash, ord_known, by_off;
	int rc;

	count = a->count > NFS2_MAXDATA ? NFS2_MAXDATA : a->count;
	avail = count >= 8 ? count - 8 : 0;
	if ((rc = vfs_open_fh(rq, a->dir, NFS2_FHSIZE, O_PATH, &vn)) != 0)
		goto out;
	if (!S_ISDIR(vn.st.st_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	if ((d.buf = req_alloc(rq, d.len)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if ((d.fd = vfs_reopen(&vn, O_RDONLY | O_DIRECTORY)) < 0) {
		rc = d.fd;
		goto out;
	}
	hash = fstatfs(d.fd, &sfs) == 0 && sfs.f_type == EXT_SUPER_MAGIC;
	by_off = nfs2_cookie_to_off(get_cookie(a->cookie), hash, &off, &ord);
	if (by_off) {
		start = off;
		ord_known = off == 0;
		rc = dseek(&d, off);
	} else {
		start = -1;
		ord_known = true;
		rc = skip_to(&d, ord);
	}
	if (rc != 0)
		goto out;

	dl->eof = FALSE;
	for (;;) {
		entry2 *ent;

		if ((e = dnext(&d, &rc)) == NULL) {
			if (rc != 0)
				goto out;
			dl->eof = TRUE;
			break;
		}
		cost = entry_size(strlen(e->d_name));
		if (cost > avail)
			break;
		if (!nfs2_cookie_from_off(e->d_off, hash, &ck)) {
			if (!ord_known) {
				/* started from an offset cookie */
				if ((rc = ordinal_of(rq, &vn, start, &ord)) != 0)
					goto out;
				ord_known = true;
			}
			if ((uint64_t)ord + n + 1 >= NFS2_CK_BIG) {
				rc = -EOVERFLOW;
				goto out;
			}
			ck = NFS2_CK_BIG | (ord + n + 1);
		}
		if ((ent = req_alloc(rq, sizeof(*ent))) == NULL ||
		    (ent->name = req_strdup(rq, e->d_name)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		ent->fileid = nfs2_fileid(e->d_ino);
		put_cookie(ent->cookie, ck);
		*tail = ent;
		tail = &ent->nextentry;
		avail -= cost;
		n++;
	}
	if (dl->entries == NULL && !dl->eof)
		rc = -EINVAL;		/* count too small for one entry */
out:
	if (d.fd >= 0)
		close(d.fd);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}
