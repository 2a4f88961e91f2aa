/*
 * nfs2_attr.c: the pure parts of NFSv2 (RFC 1094): struct stat -> fattr2,
 * sattr2 decoding, the errno -> nfsstat2 map and READDIR cookie encoding.
 *
 * Attributes follow knfsd's long-standing v2 encoding, which the Linux,
 * BSD and Solaris clients decode:
 *  - mode carries the file type bits as well (RFC 1094 2.3.5), and the
 *    client trusts them over the type field;
 *  - a FIFO is type NFCHR with rdev 0xffffffff (the Sun convention v2
 *    clients turn back into S_IFIFO), a socket is NFSOCK (the extension in
 *    Sun's nfs_prot.x);
 *  - rdev is the kernel's new_encode_dev() of st_rdev for devices and
 *    0xffffffff for everything else;
 *  - blocksize is st_blksize and blocks is st_blocks, in 512-byte units
 *    whatever blocksize says: the Linux client stores it as i_blocks and
 *    the BSD clients multiply it by 512 (NFS_FABLKSIZE);
 *  - sizes over 32 bits are clamped to 0xffffffff (knfsd truncates, which
 *    shows a 5 GiB file as 1 GiB; clamping shows "at least 4 GiB"), and a
 *    symlink's size is at most NFS2_MAXPATHLEN like knfsd's;
 *  - file ids over 32 bits are folded (high ^ low), the same in GETATTR
 *    and READDIR, so on filesystems with 32-bit inode numbers they are the
 *    inode number.
 */
#include <sys/sysmacros.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfs2.h"

uint32_t
nfs2_encode_dev(dev_t dev)
{
	uint32_t maj = major(dev), min = minor(dev);

	return (min & 0xff) | (maj & 0xfff) << 8 | (min & ~0xffu) << 12;
}

dev_t
nfs2_decode_dev(uint32_t v)
{
	return makedev((v & 0xfff00) >> 8, (v & 0xff) | ((v >> 12) & 0xfff00));
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint32_t
fold32(uint64_t v)
{
	return (uint32_t)(v ^ (v >> 32));
}

uint32_t
nfs2_fileid(uint64_t ino)
{
	return fold32(ino);
}

uint32_t
nfs2_fsid(const struct exp_live_export *ex, const struct stat *st)
{
	return fold32(attr_fsid(ex, st));
}

void
fattr2_from_stat(const struct stat *st, uint32_t fsid, fattr2 *fa)
{
	memset(fa, 0, sizeof(*fa));
	fa->rdev = NFS2_NO_RDEV;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		fa->type = NFREG;
		break;
	case S_IFDIR:
		fa->type = NFDIR;
		break;
	case S_IFBLK:
		fa->type = NFBLK;
		fa->rdev = nfs2_encode_dev(st->st_rdev);
		break;
	case S_IFCHR:
		fa->type = NFCHR;
		fa->rdev = nfs2_encode_dev(st->st_rdev);
		break;
	case S_IFLNK:
		fa->type = NFLNK;
		break;
	case S_IFSOCK:
		fa->type = NFSOCK;
		break;
	case S_IFIFO:
		fa->type = NFCHR;
		fa->rdev = NFS2_FIFO_DEV;
		break;
	default:
		fa->type = NFNON;
		break;
	}
	fa->mode = st->st_mode;
	fa->nlink = clamp32(st->st_nlink);
	fa->uid = st->st_uid;
	fa->gid = st->st_gid;
	if (S_ISLNK(st->st_mode) && st->st_size > NFS2_MAXPATHLEN)
		fa->size = NFS2_MAXPATHLEN;
	else
		fa->size = clamp32(st->st_size < 0 ? 0 : (uint64_t)st->st_size);
	fa->blocksize = st->st_blksize < 0 ? 0 : clamp32(st->st_blksize);
	fa->blocks = clamp32(st->st_blocks < 0 ? 0 : (uint64_t)st->st_blocks);
	fa->fsid = fsid;
	fa->fileid = nfs2_fileid(st->st_ino);
	fa->atime.seconds = (uint32_t)st->st_atim.tv_sec;
	fa->atime.useconds = (uint32_t)(st->st_atim.tv_nsec / 1000);
	fa->mtime.seconds = (uint32_t)st->st_mtim.tv_sec;
	fa->mtime.useconds = (uint32_t)(st->st_mtim.tv_nsec / 1000);
	fa->ctime.seconds = (uint32_t)st->st_ctim.tv_sec;
	fa->ctime.useconds = (uint32_t)(st->st_ctim.tv_nsec / 1000);
}

static int
time_decode(const nfstime2 *t, struct timespec *ts, bool *set)
{
	*set = false;
	if (t->seconds == NFS2_DONT_SET || t->useconds == NFS2_DONT_SET)
		return 0;
	if (t->useconds > NFS2_SERVER_TIME)
		return -EINVAL;
	*set = true;
	ts->tv_sec = t->seconds;
	ts->tv_nsec = t->useconds == NFS2_SERVER_TIME ? UTIME_NOW :
	    (long)t->useconds * 1000;
	return 0;
}

/*
 * RFC 1094 2.3.6: a field of all ones is not set. As knfsd: a mode of
 * 0xffff (some Sun clients) is "not set" too, and useconds of exactly one
 * second means "the server's time" (the Sun convention that lets touch(1)
 * work for a non-owner with write access); a server-time mtime makes the
 * atime server time as well.
 */
int
sattr2_decode(const sattr2 *sa, struct nfs2_sattr *out)
{
	bool set;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sa->mode != NFS2_DONT_SET && sa->mode != 0xffff) {
		out->set |= SA2_MODE;
		out->mode = sa->mode;
	}
	if (sa->uid != NFS2_DONT_SET) {
		out->set |= SA2_UID;
		out->uid = sa->uid;
	}
	if (sa->gid != NFS2_DONT_SET) {
		out->set |= SA2_GID;
		out->gid = sa->gid;
	}
	if (sa->size != NFS2_DONT_SET) {
		out->set |= SA2_SIZE;
		out->size = sa->size;
	}
	if ((rc = time_decode(&sa->atime, &out->atime, &set)) != 0)
		return rc;
	if (set)
		out->set |= SA2_ATIME;
	if ((rc = time_decode(&sa->mtime, &out->mtime, &set)) != 0)
		return rc;
	if (set) {
		out->set |= SA2_MTIME;
		if (out->mtime.tv_nsec == UTIME_NOW && (out->set & SA2_ATIME))
			out->atime.tv_nsec = UTIME_NOW;
	}
	return 0;
}

/*
 * errno -> nfsstat2, as knfsd's nfserrno() followed by its v2 remapping:
 * BADHANDLE (EBADMSG) is STALE, XDEV is ACCES, NOTSUPP is OPNOTSUPP (45,
 * the v2 code Sun and Linux clients know), SERVERFAULT is IO. INVAL and
 * MLINK go out as their errno values like knfsd's. The "try again later"
 * conditions have no v2 code: nfs2_done() drops those replies.
 */
static const struct {
	int		err;
	nfsstat2	st;
} map2[] = {
	{ 0,		NFS_OK },
	{ EPERM,	NFSERR_PERM },
	{ ENOENT,	NFSERR_NOENT },
	{ EIO,		NFSERR_IO },
	{ ENXIO,	NFSERR_NXIO },
	{ EACCES,	NFSERR_ACCES },
	{ EEXIST,	NFSERR_EXIST },
	{ EXDEV,	NFSERR_ACCES },
	{ ENODEV,	NFSERR_NODEV },
	{ ENOTDIR,	NFSERR_NOTDIR },
	{ EISDIR,	NFSERR_ISDIR },
	{ EINVAL,	NFS2ERR_INVAL },
	{ EFBIG,	NFSERR_FBIG },
	{ ENOSPC,	NFSERR_NOSPC },
	{ EROFS,	NFSERR_ROFS },
	{ EMLINK,	NFS2ERR_MLINK },
	{ ENAMETOOLONG,	NFSERR_NAMETOOLONG },
	{ ENOTEMPTY,	NFSERR_NOTEMPTY },
	{ EDQUOT,	NFSERR_DQUOT },
	{ ESTALE,	NFSERR_STALE },
	{ EBADMSG,	NFSERR_STALE },		/* v3 BADHANDLE */
	{ EBADF,	NFSERR_STALE },
	{ ENOTSUP,	NFS2ERR_OPNOTSUPP },
	{ EOPNOTSUPP,	NFS2ERR_OPNOTSUPP },
	{ ENOTTY,	NFS2ERR_OPNOTSUPP },
	{ EOVERFLOW,	NFS2ERR_INVAL },
	{ ELOOP,	NFSERR_IO },		/* knfsd: nfserr_symlink -> IO */
	{ ETXTBSY,	NFSERR_ACCES },
	{ EBUSY,	NFSERR_ACCES },
	{ EFAULT,	NFSERR_IO },		/* v3 SERVERFAULT */
	{ EREMOTE,	NFSERR_IO },
};

nfsstat2
nfs2_stat(int err)
{
	size_t i;

	err = abs(err);
	for (i = 0; i < sizeof(map2) / sizeof(map2[0]); i++)
		if (map2[i].err == err)
			return map2[i].st;
	return NFSERR_IO;
}

bool
nfs2_retry_later(int err)
{
	switch (abs(err)) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOMEM:
	case ENFILE:
	case EMFILE:
	case EINTR:
	case ETIMEDOUT:
		return true;
	default:
		return false;
	}
}

enum disp
nfs2_done(int err, nfsstat2 *st)
{
	*st = nfs2_stat(err);
	return nfs2_retry_later(err) ? DISP_DROP : DISP_REPLY;
}

bool
nfs2_cookie_from_off(int64_t off, bool hash, uint32_t *ck)
{
	if (off >= 0 && off < (int64_t)NFS2_CK_BIG) {
		*ck = (uint32_t)off;
		return true;
	}
	if (!hash || off < 0)
		return false;
	/* the upper half is ext4's 32-bit hash cookie (major hash >> 1);
	 * EOF (2^63 - 1) becomes 0xffffffff */
	*ck = NFS2_CK_BIG | (uint32_t)((uint64_t)off >> 32);
	return true;
}

bool
nfs2_cookie_to_off(uint32_t ck, bool hash, int64_t *off, uint32_t *ordinal)
{
	*off = 0;
	*ordinal = 0;
	if (ck < NFS2_CK_BIG) {
		*off = ck;
		return true;
	}
	if (!hash) {
		*ordinal = ck & ~NFS2_CK_BIG;
		return false;
	}
	if (ck == UINT32_MAX)
		*off = NFS2_HASH_EOF;
	else if (ck == NFS2_CK_BIG)
		*off = 1;	/* major hash 0: never restart from the top */
	else
		*off = (int64_t)(ck & ~NFS2_CK_BIG) << 32;
	return true;
}
