/*
 * vfs.c: handles to objects, the export checks, and per-thread identity.
 *
 * Identity: the thread opens objects by handle as root (open_by_handle_at
 * needs CAP_DAC_READ_SEARCH), then takes the caller's squashed credentials
 * (common/ident.h), so every *at() call that follows is checked exactly as
 * for a local user. Workers keep the last caller's identity between
 * requests and switch only when the next caller differs.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/admit.h"
#include "common/fh_resolve.h"
#include "common/ident.h"
#include "common/hostcache.h"
#include "common/log.h"
#include "nfsd/fhcache.h"
#include "nfsd/fhmemo.h"
#include "nfsd/gidcache.h"
#include "nfsd/nfsd.h"
#include "nfsd/ofcache.h"
#include "nfsd/webnfs.h"

void
vfs_as_root(struct req *rq)
{
	(void)rq;
	/* cannot fail while we hold CAP_SETUID/CAP_SETGID */
	if (ident_root() != 0)
		log_warnx("cannot switch back to root");
}

void
vfs_as_caller(struct req *rq)
{
	struct nfsd_rq *nr = nfsd_rq(rq);

	/* on failure ident_set leaves the thread as nobody, never root */
	if (ident_set(nr->cred.uid, nr->cred.gid, nr->cred.ngroups,
	    nr->cred.groups) != 0)
		log_warnx("cannot switch to uid %u gid %u",
		    (unsigned)nr->cred.uid, (unsigned)nr->cred.gid);
}

bool
vfs_is_owner(const struct req *rq, const struct stat *st)
{
	return nfsd_rq(rq)->cred.uid == st->st_uid;
}

bool
vfs_export_ro(const struct req *rq)
{
	return (nfsd_rq(rq)->flags & EXP_F_RO) != 0;
}

/*
 * The first handle of a call fixes the export: who may use it, with which
 * flags, and as whom.
 */
/*
 * May this call reach an export's root with a flavour the export does not
 * list? As knfsd (NFSD_MAY_BYPASS_GSS_ON_ROOT): the Linux client mounts a
 * sec=krb5 export with AUTH_SYS GETATTR, FSINFO and FSSTAT of its root.
 */
static bool
root_bypass(const struct req *rq)
{
	if (rq->prog != NFS3_PROGRAM || rq->cred.flavor == CRED_RPCSEC_GSS)
		return false;
	if (rq->vers == NFS_V3)
		return rq->proc == NFSPROC3_GETATTR ||
		    rq->proc == NFSPROC3_FSSTAT || rq->proc == NFSPROC3_FSINFO;
	return rq->vers == 2 && (rq->proc == 1 || rq->proc == 17);
}

static int
admit(struct req *rq, const struct exp_live_export *ex)
{
	struct nfsd_rq *nr = nfsd_rq(rq);
	struct admit a;
	int rc;

	nr->root_only = false;
	if ((rc = admit_export(nfsd_of(rq)->hosts, ex, rq, NFSD_NAME_WAIT_MS,
	    &a)) == -EACCES && root_bypass(rq) &&
	    admit_export_nlm(nfsd_of(rq)->hosts, ex, rq, NFSD_NAME_WAIT_MS,
	    &a) == 0) {
		rc = 0;
		nr->root_only = true;
	}
	if (rc != 0) {
		/* a denial: at notice, but never a line per call */
		if (ratelog_allow(rc == -EPERM ? &nfsd_of(rq)->rate_port :
		    &nfsd_of(rq)->rate_denied,
		    (const struct sockaddr *)&rq->peer))
			log_notice("refused NFS call from %s for %s: %s",
			    req_peer_str(rq), ex->e->path, rc == -EPERM ?
			    "not from a privileged port" : "not exported to "
			    "this client (or not with this flavour)");
		else
			log_debug(LOG_D_EXPORT, "%s: %s refused: %s",
			    req_peer_str(rq), ex->e->path, strerror(-rc));
		return rc;
	}
	nr->ex = ex;
	nr->cl = a.cl;
	nr->flags = a.flags;
	nr->cred = rq->cred;
	/* manage-gids: the server's idea of the user's groups */
	if (rq->cred.flavor != CRED_AUTH_NONE && nfsd_of(rq)->gids != NULL)
		(void)gidcache_apply(nfsd_of(rq)->gids, &nr->cred);
	admit_cred(rq, &a, &nr->cred);
	return 0;
}

/*
 * The object kernel handle kh names in export ex, for this caller: the
 * checks every handle gets, whether it came from the wire (open_fh) or
 * stands for an export's root (the WebNFS public handle, vfs_open_root).
 */
static int
open_kh(struct req *rq, const struct exp_live_export *ex,
    const struct fh_khandle *kh, int flags,
    const struct exp_live_export *want, struct vnode *vn)
{
	struct nfsd *nd = nfsd_of(rq);
	struct nfsd_rq *nr = nfsd_rq(rq);
	struct ofile *of = NULL;
	bool fresh = false;
	int rc, fd;

	if (want != NULL && ex != want)
		return -EXDEV;
	if (nr->ex == NULL && (rc = admit(rq, ex)) != 0)
		return rc;
	if (nr->ex != ex && (rc = admit(rq, ex)) != 0)
		return rc;
	if (rq->pd != NULL && (rq->pd->flags & P_WRITE) && vfs_export_ro(rq))
		return -EROFS;
	if (flags != O_PATH) {
		/* not the common case: open it directly */
		vfs_as_root(rq);
		rc = fh_open(ex->root_fd, kh, flags, &fd, &vn->st);
		if (rc == 0 && (rc = admit_contained(ex, fd, &vn->st)) != 0)
			close(fd);
		vfs_as_caller(rq);
		if (rc != 0)
			return rc == -ENOENT ? -ESTALE : rc;
		vn->fd = fd;
	} else {
		/* the object cache: no open and no root for known objects */
		rc = ofcache_find_fh(nd->pathc, ex, kh, &of, &vn->st, &fresh);
		if (rc == -ENOENT) {
			vfs_as_root(rq);
			rc = ofcache_open_fh(nd->pathc, ex, kh, &of, &vn->st);
			fresh = true;
		}
		if (rc == 0 && fresh) {
			vfs_as_root(rq);
			if ((rc = admit_contained(ex, ofile_fd(of), &vn->st)) != 0)
				ofcache_drop(nd->pathc, of);
		}
		vfs_as_caller(rq);
		if (rc != 0)
			return rc == -ENOENT ? -ESTALE : rc;
		vn->fd = ofile_fd(of);
		vn->of = of;
		vn->ofc = nd->pathc;
	}
	if (nr->root_only && (vn->st.st_dev != ex->dev ||
	    vn->st.st_ino != ex->ino)) {
		vfs_close(vn);
		return -EACCES;		/* that flavour reaches the root only */
	}
	vn->ex = ex;
	vn->kh = *kh;
	return 0;
}

/* The kernel handle of an export's root (the public handle's object). */
static int
root_kh(const struct exp_live_export *ex, struct fh_khandle *kh)
{
	if (ex->err != 0 || ex->root_fd < 0 ||
	    fh_from_fd(ex->root_fd, kh, NULL) != 0)
		return -ESTALE;
	return 0;
}

static int
open_fh(struct req *rq, const void *fh, size_t fhlen, int flags,
    const struct exp_live_export *want, struct vnode *vn)
{
	struct nfsd *nd = nfsd_of(rq);
	struct nfsd_rq *nr = nfsd_rq(rq);
	const struct exp_live_export *ex;
	struct fh_fields f;
	int rc;

	vn->fd = -1;
	vn->of = NULL;
	if (webnfs_is_public_fh(rq->prog, rq->vers, fh, fhlen)) {
		/* WebNFS: the public export's root, checked as its handle */
		if ((ex = webnfs_public_export(nr->gen)) == NULL)
			return -EBADMSG;
		if ((rc = root_kh(ex, &f.kh)) != 0)
			return rc;
		return open_kh(rq, ex, &f.kh, flags, want, vn);
	}
	if ((rc = fhmemo_decode(&nd->key, fh, fhlen, &f)) != 0)
		return -EBADMSG;
	if ((ex = exp_live_by_id(nr->gen, f.export_id)) == NULL ||
	    fh_match_export(&f, ex->export_id, ex->volid) != 0)
		return -ESTALE;
	return open_kh(rq, ex, &f.kh, flags, want, vn);
}

int
vfs_open_fh(struct req *rq, const void *fh, size_t fhlen, int flags,
    struct vnode *vn)
{
	return open_fh(rq, fh, fhlen, flags, NULL, vn);
}

int
vfs_open_root(struct req *rq, const struct exp_live_export *ex, int flags,
    struct vnode *vn)
{
	struct fh_khandle kh;
	int rc;

	vn->fd = -1;
	vn->of = NULL;
	if ((rc = root_kh(ex, &kh)) != 0)
		return rc;
	return open_kh(rq, ex, &kh, flags, NULL, vn);
}

int
vfs_open_fh2(struct req *rq, const void *fh, size_t fhlen, int flags,
    const struct vnode *first, struct vnode *vn)
{
	return open_fh(rq, fh, fhlen, flags, first->ex, vn);
}

void
vfs_close(struct vnode *vn)
{
	if (vn->of != NULL)
		ofcache_put(vn->ofc, vn->of);	/* the cache's fd */
	else if (vn->fd >= 0)
		close(vn->fd);
	vn->of = NULL;
	vn->fd = -1;
}

void
vfs_forget(struct req *rq, dev_t dev, ino_t ino)
{
	/* each cache asks one of its own fds whether a link is left */
	(void)ofcache_forget_unlinked(nfsd_of(rq)->ofc, dev, ino);
	(void)ofcache_forget_unlinked(nfsd_of(rq)->pathc, dev, ino);
}

int
vfs_reopen(const struct vnode *vn, int flags)
{
	char path[32];
	int fd;

	/*
	 * Through /proc: a permission-checked open of the same inode. Not
	 * O_NOFOLLOW: /proc/self/fd/N is itself a (magic) link, so that
	 * flag fails every open (ELOOP, or ENOTDIR with O_DIRECTORY); the
	 * jump lands on the object itself and never follows it further.
	 */
	if (!S_ISREG(vn->st.st_mode) && !S_ISDIR(vn->st.st_mode))
		return -EINVAL;	/* a FIFO would block, a device node is live */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", vn->fd);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return -EINVAL;		/* it is a symlink */
	return fd >= 0 ? fd : -errno;
}

int
vfs_check_name(const char *name, bool allow_dots)
{
	size_t n = strlen(name);

	if (n == 0)
		return -EACCES;		/* RFC 1813: empty names are invalid */
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	if (strchr(name, '/') != NULL)
		return -EACCES;
	if (!allow_dots && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
		return -EEXIST;
	return 0;
}

/*
 * LOOKUP crossed a mount boundary (st is what it found). Down into a
 * filesystem mounted below the export: allowed as the export's implicit
 * child under crossmnt, or as another export of ours marked nohide that
 * admits this caller. Up out of an implicit child's root: back to the
 * parent export. Anything else stays hidden (-EACCES): a userspace server
 * cannot reach the directory a mount covers.
 */
static int
cross_mount(struct req *rq, const struct vnode *dir, const char *name,
    const struct stat *st, const struct exp_live_export **exp)
{
	const struct exp_live *gen = nfsd_rq(rq)->gen;
	const struct exp_live_export *x;
	size_t i;

	if (strcmp(name, "..") == 0) {
		if (dir->ex->parent != NULL && st->st_dev == dir->ex->parent->dev) {
			*exp = dir->ex->parent;
			return 0;
		}
		if (st->st_dev == dir->ex->dev) {
			*exp = dir->ex;
			return 0;
		}
		return -EACCES;
	}
	if (st->st_dev == dir->ex->dev) {
		*exp = dir->ex;
		return 0;
	}
	for (i = 0; i < gen->n; i++) {
		x = &gen->ex[i];
		if (x->err != 0 || x->dev != st->st_dev || x->ino != st->st_ino)
			continue;
		if (x->parent == dir->ex) {
			if (!(nfsd_rq(rq)->flags & EXP_F_CROSSMNT))
				return -EACCES;
			*exp = x;		/* crossmnt */
			return 0;
		}
		if (x->parent == NULL) {
			const struct exp_client *cl;

			cl = hostcache_match_export(nfsd_of(rq)->hosts, x->e,
			    (const struct sockaddr *)&rq->peer, NFSD_NAME_WAIT_MS);
			if (cl != NULL && (cl->opts.flags & EXP_F_NOHIDE)) {
				*exp = x;	/* nohide */
				return 0;
			}
		}
	}
	return -EACCES;
}

int
vfs_lookup(struct req *rq, const struct vnode *dir, const char *name,
    int flags, struct vnode *vn)
{
	struct stat st;
	int rc, fd;

	vn->fd = -1;
	vn->of = NULL;
	if (!S_ISDIR(dir->st.st_mode))
		return -ENOTDIR;
	if ((rc = vfs_check_name(name, true)) != 0)
		return rc;
	if (strcmp(name, "..") == 0 && dir->ex->parent == NULL &&
	    dir->st.st_dev == dir->ex->dev && dir->st.st_ino == dir->ex->ino)
		name = ".";		/* the export root is its own parent */
	fd = openat(dir->fd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP && !(flags & O_PATH))
		return -ELOOP;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	vn->ex = dir->ex;
	if (st.st_dev != dir->ex->dev) {
		if ((rc = cross_mount(rq, dir, name, &st, &vn->ex)) != 0) {
			close(fd);
			return rc;
		}
	}
	if (strcmp(name, "..") == 0 && S_ISDIR(st.st_mode) && vn->ex == dir->ex) {
		/* ".." of a directory moved out of the export: refuse */
		vfs_as_root(rq);
		rc = fh_in_export(fd, dir->ex->dev, dir->ex->ino);
		vfs_as_caller(rq);
		if (rc != 0) {
			close(fd);
			return -EACCES;
		}
	}
	vn->fd = fd;
	vn->st = st;
	if ((rc = fh_from_fd(fd, &vn->kh, NULL)) != 0) {
		vfs_close(vn);
		return rc;
	}
	return 0;
}

static int
encode(struct req *rq, const struct exp_live_export *ex,
    const struct fh_khandle *kh, int form, uint8_t **fhp, size_t *lenp)
{
	struct fh_fields f;
	uint8_t *buf;
	size_t len = FH_MAXSIZE;
	int rc;

	memset(&f, 0, sizeof(f));
	f.export_id = ex->export_id;
	memcpy(f.volid, ex->volid, sizeof(f.volid));
	f.kh = *kh;
	if ((buf = req_alloc(rq, FH_MAXSIZE)) == NULL)
		return -ENOMEM;
	if ((rc = fhmemo_encode(&nfsd_of(rq)->key, &f, form, buf, &len)) != 0)
		return rc;
	*fhp = buf;
	*lenp = len;
	return 0;
}

int
vfs_make_fh(struct req *rq, const struct vnode *vn, int form, uint8_t **fhp,
    size_t *lenp)
{
	return encode(rq, vn->ex, &vn->kh, form, fhp, lenp);
}

int
vfs_make_fh_at(struct req *rq, const struct exp_live_export *ex, int dirfd,
    const char *name, int form, uint8_t **fhp, size_t *lenp)
{
	struct fh_khandle kh;
	int rc;

	if ((rc = fh_from_path(dirfd, name, &kh, NULL)) != 0)
		return rc;
	return encode(rq, ex, &kh, form, fhp, lenp);
}

/* statx -> stat, and the object's cache key. */
static void
stat_from_statx(const struct statx *x, struct stat *st, struct fhc_key *k)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(x->stx_dev_major, x->stx_dev_minor);
	st->st_ino = x->stx_ino;
	st->st_mode = x->stx_mode;
	st->st_nlink = x->stx_nlink;
	st->st_uid = x->stx_uid;
	st->st_gid = x->stx_gid;
	st->st_rdev = makedev(x->stx_rdev_major, x->stx_rdev_minor);
	st->st_size = (off_t)x->stx_size;
	st->st_blksize = x->stx_blksize;
	st->st_blocks = (blkcnt_t)x->stx_blocks;
	st->st_atim.tv_sec = x->stx_atime.tv_sec;
	st->st_atim.tv_nsec = x->stx_atime.tv_nsec;
	st->st_mtim.tv_sec = x->stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = x->stx_mtime.tv_nsec;
	st->st_ctim.tv_sec = x->stx_ctime.tv_sec;
	st->st_ctim.tv_nsec = x->stx_ctime.tv_nsec;
	memset(k, 0, sizeof(*k));
	k->dev = st->st_dev;
	k->ino = x->stx_ino;
	if (x->stx_mask & STATX_BTIME) {
		k->btime_sec = x->stx_btime.tv_sec;
		k->btime_nsec = x->stx_btime.tv_nsec;
	}
}

/* Is kh one of the kernel's handle types that begin with a 32-bit inode
 * number (FILEID_INO32_GEN, FILEID_INO32_GEN_PARENT), and that number ino? */
static bool
kh_ino_is(const struct fh_khandle *kh, uint64_t ino)
{
	uint32_t v;

	if ((kh->type != 1 && kh->type != 2) || kh->len < 8 ||
	    ino > UINT32_MAX)
		return false;
	memcpy(&v, kh->bytes, sizeof(v));
	return v == (uint32_t)ino;
}

/* Fresh attributes of dirfd/name (a final symlink not followed) and its
 * cache key: 0 or -errno. */
static int
stat_name(int dirfd, const char *name, struct stat *st, struct fhc_key *k)
{
	struct statx x;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
	    STATX_BASIC_STATS | STATX_BTIME, &x) != 0)
		return -errno;
	stat_from_statx(&x, st, k);
	return 0;
}

/* The handle cache's wire handle of k in ex, copied into the arena: true
 * on a hit (never with the cache off or a key it cannot hold). */
static bool
cache_get(struct req *rq, const struct exp_live_export *ex,
    const struct fhc_key *k, int form, uint8_t **fhp, size_t *lenp)
{
	uint8_t tmp[FH_MAXSIZE], *buf;
	size_t len = sizeof(tmp);

	if (!fhcache_get(nfsd_of(rq)->fhc, k, ex->export_id, ex->volid, form,
	    tmp, &len) || (buf = req_alloc(rq, len)) == NULL)
		return false;
	memcpy(buf, tmp, len);
	*fhp = buf;
	*lenp = len;
	return true;
}

static void
cache_put(struct req *rq, const struct exp_live_export *ex,
    const struct fhc_key *k, int form, const uint8_t *fh, size_t len)
{
	fhcache_put(nfsd_of(rq)->fhc, k, ex->export_id, ex->volid, form, fh,
	    len);
}

int
vfs_plus_at(struct req *rq, const struct exp_live_export *ex, int dirfd,
    const char *name, int form, struct stat *st, uint8_t **fhp,
    size_t *lenp)
{
	struct statx x;
	struct fhc_key k;
	struct fh_khandle kh;
	int fd, rc;

	if ((rc = stat_name(dirfd, name, st, &k)) != 0)
		return rc;
	if (st->st_dev != ex->dev)
		return 1;	/* a mount point: attributes only */
	if (cache_get(rq, ex, &k, form, fhp, lenp))
		return 0;
	if (nfsd_of(rq)->fhc == NULL || !fhcache_keyable(&k))
		return vfs_make_fh_at(rq, ex, dirfd, name, form, fhp, lenp) ==
		    0 ? 0 : 1;
	/*
	 * Not known. The handle by name, when it names the inode number the
	 * key has (the kernel's ino32+generation handles of ext4, XFS...,
	 * whose first 4 bytes are the inode number): if the name was renamed
	 * over between the two calls, the numbers differ; if the inode was
	 * freed and reused meanwhile, the key's object is gone for good and
	 * its entry can never be asked for. Else the handle and the key come
	 * from one open object.
	 */
	if (fh_from_path(dirfd, name, &kh, NULL) == 0 && kh_ino_is(&kh, k.ino)) {
		if (encode(rq, ex, &kh, form, fhp, lenp) != 0)
			return 1;
		cache_put(rq, ex, &k, form, *fhp, *lenp);
		return 0;
	}
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME,
	    &x) != 0 || (stat_from_statx(&x, st, &k), st->st_dev != ex->dev) ||
	    fh_from_fd(fd, &kh, NULL) != 0) {
		close(fd);
		return 1;
	}
	close(fd);
	if ((rc = encode(rq, ex, &kh, form, fhp, lenp)) != 0)
		return 1;
	cache_put(rq, ex, &k, form, *fhp, *lenp);
	return 0;
}

int
vfs_lookup_cached(struct req *rq, const struct vnode *dir, const char *name,
    int form, struct stat *st, uint8_t **fhp, size_t *lenp)
{
	struct fhc_key k;
	int rc;

	if (nfsd_of(rq)->fhc == NULL || !S_ISDIR(dir->st.st_mode) ||
	    vfs_check_name(name, false) != 0)
		return 1;	/* ".", "..", bad names: vfs_lookup() says */
	/* as the caller: the kernel checks search permission on dir */
	if ((rc = stat_name(dir->fd, name, st, &k)) != 0)
		return rc == -ENOENT || rc == -EACCES || rc == -ENAMETOOLONG ?
		    rc : 1;
	if (st->st_dev != dir->ex->dev)
		return 1;	/* a mount point: crossmnt/nohide rules */
	return cache_get(rq, dir->ex, &k, form, fhp, lenp) ? 0 : 1;
}

void
vfs_fhcache_note(struct req *rq, const struct vnode *vn, int form,
    const uint8_t *fh, size_t len)
{
	struct statx x;
	struct stat st;
	struct fhc_key k;

	if (nfsd_of(rq)->fhc == NULL || vn->fd < 0 ||
	    statx(vn->fd, "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &x) != 0)
		return;
	stat_from_statx(&x, &st, &k);
	if (k.ino != (uint64_t)vn->st.st_ino || k.dev != (uint64_t)vn->st.st_dev)
		return;
	cache_put(rq, vn->ex, &k, form, fh, len);
}

int
vfs_access(struct req *rq, const struct vnode *vn, int mode, bool override)
{
	if (override && S_ISREG(vn->st.st_mode) && vfs_is_owner(rq, &vn->st))
		return 0;	/* the client checked at open time (knfsd) */
	if (faccessat(vn->fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) != 0)
		return -errno;
	return 0;
}
