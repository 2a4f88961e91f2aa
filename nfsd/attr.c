/*
 * attr.c: struct stat -> NFSv3 attributes (RFC 1813 2.6, 2.5).
 */
#include <sys/sysmacros.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfsd.h"

static ftype3
ftype_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:	return NF3DIR;
	case S_IFBLK:	return NF3BLK;
	case S_IFCHR:	return NF3CHR;
	case S_IFLNK:	return NF3LNK;
	case S_IFSOCK:	return NF3SOCK;
	case S_IFIFO:	return NF3FIFO;
	default:	return NF3REG;
	}
}

/*
 * The fsid clients see: from the export's volume id, so it is stable
 * across restarts and differs between exports on different filesystems
 * (the Linux client uses a change of fsid to spot submounts).
 */
uint64_t
attr_fsid(const struct exp_live_export *ex, const struct stat *st)
{
	uint64_t v = 0;
	unsigned i;

	(void)st;
	for (i = 0; i < FH_VOLID_LEN; i++)
		v = (v << 8 | v >> 56) ^ ex->volid[i];
	return v;
}

void
attr3_from_stat(const struct stat *st, const struct exp_live_export *ex,
    fattr3 *fa)
{
	fa->type = ftype_of(st->st_mode);
	fa->mode = st->st_mode & 07777;
	fa->nlink = (uint32)st->st_nlink;
	fa->uid = st->st_uid;
	fa->gid = st->st_gid;
	fa->size = (uint64)st->st_size;
	fa->used = (uint64)st->st_blocks * 512;
	fa->rdev.specdata1 = major(st->st_rdev);
	fa->rdev.specdata2 = minor(st->st_rdev);
	fa->fsid = attr_fsid(ex, st);
	fa->fileid = st->st_ino;
	fa->atime.seconds = (uint32)st->st_atim.tv_sec;
	fa->atime.nseconds = (uint32)st->st_atim.tv_nsec;
	fa->mtime.seconds = (uint32)st->st_mtim.tv_sec;
	fa->mtime.nseconds = (uint32)st->st_mtim.tv_nsec;
	fa->ctime.seconds = (uint32)st->st_ctim.tv_sec;
	fa->ctime.nseconds = (uint32)st->st_ctim.tv_nsec;
}

void
attr3_post_op(const struct vnode *vn, post_op_attr *pa)
{
	struct stat st;

	if (vn->fd >= 0 && fstat(vn->fd, &st) == 0) {
		pa->attributes_follow = TRUE;
		attr3_from_stat(&st, vn->ex, &pa->post_op_attr_u.attributes);
	} else
		pa->attributes_follow = FALSE;
}

void
attr3_post_op_fd(int fd, const struct exp_live_export *ex, post_op_attr *pa)
{
	struct stat st;

	if (fd >= 0 && ex != NULL && fstat(fd, &st) == 0) {
		pa->attributes_follow = TRUE;
		attr3_from_stat(&st, ex, &pa->post_op_attr_u.attributes);
	} else
		pa->attributes_follow = FALSE;
}

void
attr3_pre_op(const struct stat *st, pre_op_attr *pa)
{
	if (st == NULL) {
		pa->attributes_follow = FALSE;
		return;
	}
	pa->attributes_follow = TRUE;
	pa->pre_op_attr_u.attributes.size = (uint64)st->st_size;
	pa->pre_op_attr_u.attributes.mtime.seconds = (uint32)st->st_mtim.tv_sec;
	pa->pre_op_attr_u.attributes.mtime.nseconds = (uint32)st->st_mtim.tv_nsec;
	pa->pre_op_attr_u.attributes.ctime.seconds = (uint32)st->st_ctim.tv_sec;
	pa->pre_op_attr_u.attributes.ctime.nseconds = (uint32)st->st_ctim.tv_nsec;
}

void
attr3_wcc(const struct stat *pre, int fd, const struct exp_live_export *ex,
    wcc_data *w)
{
	attr3_pre_op(pre, &w->before);
	attr3_post_op_fd(fd, ex, &w->after);
}
