/*
 * proc_dir.c: READDIR and READDIRPLUS (RFC 1813 3.3.16, 3.3.17).
 *
 * The directory is re-opened O_RDONLY as the caller (read permission, the
 * kernel's check), positioned with lseek(2) at the cookie and read with
 * getdents64(2). Cookies are the filesystem's d_off values (cookie.h); the
 * verifier only names the directory, so cookies survive changes to the
 * directory and server restarts. A cookie that does not belong (wrong
 * verifier, beyond an off_t, refused by lseek) is NFS3ERR_BAD_COOKIE; a
 * garbage cookie the filesystem accepts just lists from the position it
 * names. Work per call is bounded: at most NFSD_DIR_MAXENT entries (the
 * XDR encoder recurses per entry) and the client's count/maxcount, each
 * entry measured at its exact XDR size; dircount is honoured after the
 * first entry. Not even one entry fitting is NFS3ERR_TOOSMALL.
 *
 * "." and ".." are listed as the kernel lists them. At the root of an
 * export ".." is the root itself (its fileid, attributes and handle), as
 * knfsd answers. READDIRPLUS leaves out the attributes and handle (both
 * optional) of an entry it cannot stat or make a handle for, and of a
 * mount point: those belong to another filesystem, whose handle only a
 * LOOKUP (with its crossmnt/nohide rules) may give out. An export with
 * nordirplus answers READDIRPLUS with NFS3ERR_NOTSUPP; clients fall back
 * to READDIR.
 */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/cookie.h"
#include "nfsd/nfsd_procs.h"

/* Largest reply over UDP. */
#define NFSD_UDP_MAXDIR	(32 * 1024)
/* getdents64 buffer: a few thousand short names per call. */
#define DENTS_BUF	(32 * 1024)

struct dirent64_raw {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

struct dirlist {
	bool		 plus;
	entry3		*head3, **tail3;
	entryplus3	*headp, **tailp;
};

static bool
is_export_root(const struct vnode *vn)
{
	return vn->st.st_dev == vn->ex->dev && vn->st.st_ino == vn->ex->ino;
}

/* ".." at the root of an export is the root (a top-level export; at an
 * implicit crossmnt child's root ".." is the parent export's directory). */
static bool
dotdot_is_self(const struct vnode *dir, const char *name)
{
	return name[0] == '.' && name[1] == '.' && name[2] == '\0' &&
	    dir->ex->parent == NULL && is_export_root(dir);
}

/* READDIRPLUS: attributes and handle of name, when they may be given. */
static void
plus_fill(struct req *rq, const struct vnode *dir, int dfd, const char *name,
    post_op_attr *pa, post_op_fh3 *ph, int *fhlenp)
{
	struct stat st;
	uint8_t *fh;
	size_t fhlen;
	int rc;

	pa->attributes_follow = FALSE;
	ph->handle_follows = FALSE;
	*fhlenp = -1;
	if (dotdot_is_self(dir, name))
		name = ".";
	if ((rc = vfs_plus_at(rq, dir->ex, dfd, name, FH_FORM_V3, &st, &fh,
	    &fhlen)) < 0)
		return;
	if (st.st_dev != dir->ex->dev)
		return;		/* a mount point, or ".." above one */
	pa->attributes_follow = TRUE;
	attr3_from_stat(&st, dir->ex, &pa->post_op_attr_u.attributes);
	if (rc != 0)
		return;
	ph->handle_follows = TRUE;
	ph->post_op_fh3_u.handle.data.data_val = (char *)fh;
	ph->post_op_fh3_u.handle.data.data_len = (u_int)fhlen;
	*fhlenp = (int)fhlen;
}

/*
 * Add one directory entry if it fits. Returns 1 if added, 0 if the reply
 * is full, or -errno.
 */
static int
add_entry(struct req *rq, const struct vnode *dir, int dfd,
    const struct dirent64_raw *d, struct nfsd_dirbudget *b, struct dirlist *l)
{
	size_t nlen = strlen(d->d_name), size;
	uint64_t fileid = d->d_ino;
	entryplus3 *ep;
	entry3 *e;
	int fhlen;

	if (dotdot_is_self(dir, d->d_name))
		fileid = dir->st.st_ino;
	if (!l->plus) {
		size = nfsd_xdr_entry3(nlen);
		if (!nfsd_dirbudget_take(b, size, size))
			return 0;
		if ((e = req_alloc(rq, sizeof(*e))) == NULL ||
		    (e->name = req_strdup(rq, d->d_name)) == NULL)
			return -ENOMEM;
		e->fileid = fileid;
		e->cookie = (cookie3)d->d_off;
		*l->tail3 = e;
		l->tail3 = &e->nextentry;
		return 1;
	}
	if ((ep = req_alloc(rq, sizeof(*ep))) == NULL)
		return -ENOMEM;
	plus_fill(rq, dir, dfd, d->d_name, &ep->name_attributes,
	    &ep->name_handle, &fhlen);
	if (ep->name_attributes.attributes_follow)
		fileid = ep->name_attributes.post_op_attr_u.attributes.fileid;
	size = nfsd_xdr_entryplus3(nlen, ep->name_attributes.attributes_follow,
	    fhlen);
	if (!nfsd_dirbudget_take(b, size, nfsd_xdr_dirbytes(nlen)))
		return 0;
	if ((ep->name = req_strdup(rq, d->d_name)) == NULL)
		return -ENOMEM;
	ep->fileid = fileid;
	ep->cookie = (cookie3)d->d_off;
	*l->tailp = ep;
	l->tailp = &ep->nextentry;
	return 1;
}

/* A getdents64 buffer for about the entries a reply can take: a record is
 * about the size of a READDIR entry and a third of a READDIRPLUS one. */
static size_t
dents_want(size_t maxcount, size_t dircount, bool plus)
{
	size_t n = plus ? maxcount / 3 : maxcount;

	if (plus && dircount != 0 && dircount * 2 < n)
		n = dircount * 2;
	if (n < 1024)
		n = 1024;	/* room for the longest name */
	return n < DENTS_BUF ? n : DENTS_BUF;
}

/*
 * List dir from cookie into l within maxcount/dircount. Returns NFS3_OK
 * (with *eof), NFS3ERR_BAD_COOKIE, NFS3ERR_TOOSMALL or another error.
 */
static nfsstat3
list_dir(struct req *rq, const struct vnode *dir, uint64_t cookie,
    const char *verf, size_t maxcount, size_t dircount, struct dirlist *l,
    bool *eof)
{
	_Alignas(8) char buf[DENTS_BUF];
	struct nfsd_dirbudget b;
	const struct dirent64_raw *d;
	ssize_t n, pos;
	size_t bufsz;
	size_t limit = rq->kind == RPC_XPRT_UDP ? NFSD_UDP_MAXDIR : NFSD_RTMAX;
	nfsstat3 st = NFS3_OK;
	bool full = false;
	int dfd, rc;

	*eof = false;
	if (!nfsd_cookie_ok(cookie, (const uint8_t *)verf, dir->ex->export_id,
	    dir->st.st_ino))
		return NFS3ERR_BAD_COOKIE;
	if (maxcount > limit)
		maxcount = limit;
	if (!nfsd_dirbudget_init(&b, maxcount, dircount, NFSD_DIR_MAXENT))
		return NFS3ERR_TOOSMALL;
	if ((dfd = vfs_reopen(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return nfs3_stat(dfd);
	if (cookie != 0 && lseek(dfd, (off_t)cookie, SEEK_SET) < 0) {
		st = errno == EINVAL ? NFS3ERR_BAD_COOKIE : nfs3_stat(-errno);
		goto out;
	}
	/*
	 * Ask the kernel for about what can fit: ext4 rebuilds its hash tree
	 * for each call's fresh open, and reading a 32 KiB buffer to keep 40
	 * entries was most of the work of a small READDIRPLUS.
	 */
	bufsz = dents_want(maxcount, dircount, l->plus);
	while (!full) {
		n = getdents64(dfd, buf, bufsz);
		bufsz = sizeof(buf);	/* more room left: read on in bulk */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* after some entries: stop there, the client goes on */
			if (b.n == 0)
				st = nfs3_stat(-errno);
			break;
		}
		if (n == 0) {
			*eof = true;
			break;
		}
		for (pos = 0; pos < n; pos += d->d_reclen) {
			d = (const struct dirent64_raw *)(buf + pos);
			if (d->d_reclen == 0)
				break;		/* never: the kernel's record */
			if ((rc = add_entry(rq, dir, dfd, d, &b, l)) < 0) {
				if (b.n == 0)
					st = nfs3_stat(rc);
				full = true;
				break;
			}
			if (rc == 0) {
				full = true;
				break;
			}
		}
	}
	if (st == NFS3_OK && b.n == 0 && !*eof)
		st = NFS3ERR_TOOSMALL;	/* not even one entry fits */
out:
	close(dfd);
	return st;
}

static nfsstat3
open_dir(struct req *rq, const nfs_fh3 *fh, bool plus, struct vnode *vn)
{
	int rc;

	if ((rc = vfs_open_fh(rq, fh->data.data_val, fh->data.data_len, O_PATH,
	    vn)) != 0)
		return nfs3_stat(rc);
	if (!S_ISDIR(vn->st.st_mode))
		return NFS3ERR_NOTDIR;
	if (plus && (nfsd_rq(rq)->flags & EXP_F_NORDIRPLUS))
		return NFS3ERR_NOTSUPP;
	return NFS3_OK;
}

/* RFC 1813 3.3.16 */
enum disp
nfsd_proc_readdir(struct req *rq, READDIR3args *a, READDIR3res *res)
{
	READDIR3resok *ok = &res->READDIR3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct dirlist l = { .plus = false };
	bool eof = false;

	l.tail3 = &l.head3;
	if ((res->status = open_dir(rq, &a->dir, false, &vn)) == NFS3_OK)
		res->status = list_dir(rq, &vn, a->cookie, a->cookieverf,
		    a->count, 0, &l, &eof);
	if (res->status == NFS3_OK) {
		attr3_post_op(&vn, &ok->dir_attributes);
		nfsd_cookieverf(vn.ex->export_id, vn.st.st_ino,
		    (uint8_t *)ok->cookieverf);
		ok->reply.entries = l.head3;
		ok->reply.eof = eof;
	} else
		attr3_post_op(&vn, &res->READDIR3res_u.resfail.dir_attributes);
	vfs_close(&vn);
	return DISP_REPLY;
}

/* RFC 1813 3.3.17 */
enum disp
nfsd_proc_readdirplus(struct req *rq, READDIRPLUS3args *a,
    READDIRPLUS3res *res)
{
	READDIRPLUS3resok *ok = &res->READDIRPLUS3res_u.resok;
	struct vnode vn = VNODE_INIT;
	struct dirlist l = { .plus = true };
	bool eof = false;

	l.tailp = &l.headp;
	if ((res->status = open_dir(rq, &a->dir, true, &vn)) == NFS3_OK)
		res->status = list_dir(rq, &vn, a->cookie, a->cookieverf,
		    a->maxcount, a->dircount, &l, &eof);
	if (res->status == NFS3_OK) {
		attr3_post_op(&vn, &ok->dir_attributes);
		nfsd_cookieverf(vn.ex->export_id, vn.st.st_ino,
		    (uint8_t *)ok->cookieverf);
		ok->reply.entries = l.headp;
		ok->reply.eof = eof;
	} else
		attr3_post_op(&vn, &res->READDIRPLUS3res_u.resfail.dir_attributes);
	vfs_close(&vn);
	return DISP_REPLY;
}
