/*
 * nfs3_stat.c: the one errno -> nfsstat3 map (RFC 1813 2.6), modelled on
 * knfsd's nfserrno(). Handlers return 0 or -errno from the vfs layer; the
 * suite's own conditions use these errnos:
 *	EBADMSG		a handle that is not ours		BADHANDLE
 *	ESTALE		a handle whose object is gone		STALE
 *	EXDEV		two handles of different exports	XDEV
 *	ENOTSUP		operation not supported			NOTSUPP
 *	EOVERFLOW	offset/count out of range		INVAL / FBIG
 */
#include <errno.h>
#include <stdlib.h>

#include "nfsd/nfsd.h"

static const struct {
	int		err;
	nfsstat3	st;
} map[] = {
	{ 0,		NFS3_OK },
	{ EPERM,	NFS3ERR_PERM },
	{ ENOENT,	NFS3ERR_NOENT },
	{ EIO,		NFS3ERR_IO },
	{ ENXIO,	NFS3ERR_NXIO },
	{ EACCES,	NFS3ERR_ACCES },
	{ EEXIST,	NFS3ERR_EXIST },
	{ EXDEV,	NFS3ERR_XDEV },
	{ ENODEV,	NFS3ERR_NODEV },
	{ ENOTDIR,	NFS3ERR_NOTDIR },
	{ EISDIR,	NFS3ERR_ISDIR },
	{ EINVAL,	NFS3ERR_INVAL },
	{ EFBIG,	NFS3ERR_FBIG },
	{ ENOSPC,	NFS3ERR_NOSPC },
	{ EROFS,	NFS3ERR_ROFS },
	{ EMLINK,	NFS3ERR_MLINK },
	{ ENAMETOOLONG,	NFS3ERR_NAMETOOLONG },
	{ ENOTEMPTY,	NFS3ERR_NOTEMPTY },
	{ EDQUOT,	NFS3ERR_DQUOT },
	{ ESTALE,	NFS3ERR_STALE },
	{ EREMOTE,	NFS3ERR_REMOTE },
	{ EBADMSG,	NFS3ERR_BADHANDLE },
	{ ENOTSUP,	NFS3ERR_NOTSUPP },
	{ EOPNOTSUPP,	NFS3ERR_NOTSUPP },
	{ ELOOP,	NFS3ERR_INVAL },	/* a symlink where a file was wanted */
	{ EOVERFLOW,	NFS3ERR_INVAL },
	{ ETXTBSY,	NFS3ERR_ACCES },
	{ EAGAIN,	NFS3ERR_JUKEBOX },
	{ EWOULDBLOCK,	NFS3ERR_JUKEBOX },
	{ ENOMEM,	NFS3ERR_JUKEBOX },	/* try again later */
	{ EBADF,	NFS3ERR_STALE },
	{ ENFILE,	NFS3ERR_JUKEBOX },
	{ EMFILE,	NFS3ERR_JUKEBOX },
	{ EBUSY,	NFS3ERR_ACCES },
	{ ENOTEMPTY,	NFS3ERR_NOTEMPTY },
	{ ENOTTY,	NFS3ERR_NOTSUPP },
	{ EFAULT,	NFS3ERR_SERVERFAULT },
};

nfsstat3
nfs3_stat(int err)
{
	size_t i;

	err = abs(err);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].err == err)
			return map[i].st;
	return NFS3ERR_IO;
}
