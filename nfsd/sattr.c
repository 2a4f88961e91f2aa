/*
 * sattr.c: NFSv3 sattr3 -> the changes to make (RFC 1813 2.6 "sattr3",
 * 3.3.2), and the EXCLUSIVE create verifier in a file's times (3.3.8).
 * Pure: no system calls; the unit test covers every decision.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "nfsd/sattr.h"

static int
wire_time(const nfstime3 *t, struct timespec *ts)
{
	/* a client value must never be read as UTIME_NOW or UTIME_OMIT */
	if (t->nseconds >= 1000000000u)
		return -EINVAL;
	ts->tv_sec = (time_t)t->seconds;	/* unsigned on the wire: to 2106 */
	ts->tv_nsec = (long)t->nseconds;
	return 0;
}

static int
set_time(time_how how, const nfstime3 *t, struct timespec *ts, unsigned bit,
    unsigned *what)
{
	switch (how) {
	case DONT_CHANGE:
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_OMIT;
		return 0;
	case SET_TO_SERVER_TIME:
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_NOW;
		break;
	case SET_TO_CLIENT_TIME:
		if (wire_time(t, ts) != 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	*what |= bit;
	return 0;
}

int
sattr_plan(const sattr3 *sa, const struct stat *st, unsigned flags,
    struct sattr_plan *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	if (sa->mode.set_it) {
		p->what |= SA_MODE;
		p->mode = sa->mode.set_mode3_u.mode & 07777;
	}
	if (sa->uid.set_it) {
		p->what |= SA_UID;
		p->uid = sa->uid.set_uid3_u.uid;
	}
	if (sa->gid.set_it) {
		p->what |= SA_GID;
		p->gid = sa->gid.set_gid3_u.gid;
	}
	if (sa->size.set_it) {
		p->what |= SA_SIZE;
		/* knfsd clamps to the largest offset; the filesystem then
		 * says EFBIG */
		p->size = sa->size.set_size3_u.size > INT64_MAX ? INT64_MAX :
		    (off_t)sa->size.set_size3_u.size;
	}
	if ((rc = set_time(sa->atime.set_it, &sa->atime.set_atime_u.atime,
	    &p->times[0], SA_ATIME, &p->what)) != 0 ||
	    (rc = set_time(sa->mtime.set_it, &sa->mtime.set_mtime_u.mtime,
	    &p->times[1], SA_MTIME, &p->what)) != 0)
		return rc;

	if (flags & SA_F_CREATED) {
		/* knfsd's nfsd_create_setattr(): the mode went to the create
		 * call; only root may give the new object away (IRIX sends
		 * the gid of setgid directories); a new file is empty */
		p->what &= ~SA_MODE;
		if (!(flags & SA_F_ROOT)) {
			p->what &= ~(SA_UID | SA_GID);
			p->uid = (uid_t)-1;
			p->gid = (gid_t)-1;
		}
		if (!S_ISREG(st->st_mode) || p->size == 0)
			p->what &= ~SA_SIZE;
	}
	/* symlinks have no mode of their own on Linux: knfsd ignores it */
	if (S_ISLNK(st->st_mode))
		p->what &= ~SA_MODE;
	if (p->what & SA_SIZE) {
		/* knfsd checks the type as fh_verify(S_IFREG) does */
		if (S_ISDIR(st->st_mode))
			return -EISDIR;
		if (!S_ISREG(st->st_mode))
			return -EINVAL;
		/* the size change sets mtime to now anyway */
		if ((p->what & SA_MTIME) && p->times[1].tv_nsec == UTIME_NOW &&
		    !(p->what & SA_ATIME))
			p->what &= ~SA_MTIME;
	}
	/* chown of a non-directory revokes setuid, and setgid when it
	 * means something (group execute): knfsd's nfsd_sanitize_attrs().
	 * The kernel does this for chown; a mode sent along must not put
	 * the bits back. */
	if ((p->what & SA_MODE) && (p->what & (SA_UID | SA_GID)) &&
	    !S_ISDIR(st->st_mode)) {
		p->mode &= ~(mode_t)S_ISUID;
		if (p->mode & S_IXGRP)
			p->mode &= ~(mode_t)S_ISGID;
	}
	if (!(p->what & SA_ATIME)) {
		p->times[0].tv_sec = 0;
		p->times[0].tv_nsec = UTIME_OMIT;
	}
	if (!(p->what & SA_MTIME)) {
		p->times[1].tv_sec = 0;
		p->times[1].tv_nsec = UTIME_OMIT;
	}
	return 0;
}

static uint32_t
be32(const char *b)
{
	const unsigned char *u = (const unsigned char *)b;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

void
createverf_times(const char verf[NFS3_CREATEVERFSIZE], struct timespec ts[2])
{
	ts[0].tv_sec = (time_t)(be32(verf + 4) & 0x7fffffffu);	/* atime */
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = (time_t)(be32(verf) & 0x7fffffffu);	/* mtime */
	ts[1].tv_nsec = 0;
}

bool
createverf_match(const char verf[NFS3_CREATEVERFSIZE], const struct stat *st)
{
	struct timespec ts[2];

	createverf_times(verf, ts);
	/* knfsd compares seconds and an empty file */
	return S_ISREG(st->st_mode) && st->st_size == 0 &&
	    st->st_atim.tv_sec == ts[0].tv_sec &&
	    st->st_mtim.tv_sec == ts[1].tv_sec;
}
