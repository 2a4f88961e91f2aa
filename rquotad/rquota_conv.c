/*
 * rquota_conv.c: the kernel's quota in RQUOTA's units and back, and who
 * may ask for what (see rquotad.h). No system calls: unit-tested whole.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rquotad/rquotad.h"

#define KBLOCK_BITS	QIF_DQBLKSIZE_BITS	/* the kernel's 1024 bytes */
#define MAX_BSIZE_BITS	30			/* rq_bsize is an int */

static u_int
sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (u_int)v;
}

/* Seconds from now to deadline t as the protocol carries them: signed 32
 * bits, 0 only for "no deadline". */
static u_int
time_left(uint64_t t, time_t now)
{
	int64_t left;

	if (t == 0)
		return 0;
	if (t > (uint64_t)INT64_MAX)
		return (u_int)INT32_MAX;
	left = (int64_t)t - (int64_t)now;
	if (left > INT32_MAX)
		left = INT32_MAX;
	else if (left < INT32_MIN)
		left = INT32_MIN;
	else if (left == 0)
		left = -1;	/* ran out just now */
	return (u_int)(int32_t)left;
}

void
rquota_from_kernel(const struct if_dqblk *d, bool active, time_t now,
    rquota *out)
{
	uint64_t cur, max;
	unsigned shift = 0;

	memset(out, 0, sizeof(*out));
	/* usage in bytes, to whole 1024-byte blocks, rounding up */
	cur = d->dqb_curspace / QIF_DQBLKSIZE +
	    (d->dqb_curspace % QIF_DQBLKSIZE != 0);
	max = d->dqb_bhardlimit;
	if (d->dqb_bsoftlimit > max)
		max = d->dqb_bsoftlimit;
	if (cur > max)
		max = cur;
	while ((max >> shift) > UINT32_MAX &&
	    KBLOCK_BITS + shift < MAX_BSIZE_BITS)
		shift++;
	out->rq_bsize = 1 << (KBLOCK_BITS + shift);
	out->rq_active = active;
	out->rq_bhardlimit = sat32(d->dqb_bhardlimit >> shift);
	out->rq_bsoftlimit = sat32(d->dqb_bsoftlimit >> shift);
	out->rq_curblocks = sat32(cur >> shift);
	out->rq_fhardlimit = sat32(d->dqb_ihardlimit);
	out->rq_fsoftlimit = sat32(d->dqb_isoftlimit);
	out->rq_curfiles = sat32(d->dqb_curinodes);
	out->rq_btimeleft = time_left(d->dqb_btime, now);
	out->rq_ftimeleft = time_left(d->dqb_itime, now);
}

/* A time left as the client sent it (signed), as an absolute deadline. */
static uint64_t
deadline(u_int left, time_t now)
{
	int64_t t = (int64_t)now + (int32_t)left;

	return t < 1 ? 1 : (uint64_t)t;	/* 0 would mean "none" */
}

int
rquota_to_kernel(const sq_dqblk *sq, int qcmd, time_t now,
    struct if_dqblk *out)
{
	int cmd = (int)((unsigned)qcmd >> SUBCMDSHIFT);
	bool limits, usage;

	memset(out, 0, sizeof(*out));
	switch (cmd) {
	case RQUOTA_Q_SETQLIM >> SUBCMDSHIFT:
		limits = true, usage = false;
		break;
	case RQUOTA_Q_SETUSE >> SUBCMDSHIFT:
		limits = false, usage = true;
		break;
	case RQUOTA_Q_SETQUOTA >> SUBCMDSHIFT:
		limits = usage = true;
		break;
	default:
		return -EINVAL;
	}
	if (limits) {
		out->dqb_bhardlimit = sq->rq_bhardlimit;
		out->dqb_bsoftlimit = sq->rq_bsoftlimit;
		out->dqb_ihardlimit = sq->rq_fhardlimit;
		out->dqb_isoftlimit = sq->rq_fsoftlimit;
		out->dqb_valid |= QIF_LIMITS;
		/* a running grace period the client names; 0 leaves the
		 * kernel's timers as they are */
		if (sq->rq_btimeleft != 0) {
			out->dqb_btime = deadline(sq->rq_btimeleft, now);
			out->dqb_valid |= QIF_BTIME;
		}
		if (sq->rq_ftimeleft != 0) {
			out->dqb_itime = deadline(sq->rq_ftimeleft, now);
			out->dqb_valid |= QIF_ITIME;
		}
	}
	if (usage) {
		out->dqb_curspace = (uint64_t)sq->rq_curblocks << KBLOCK_BITS;
		out->dqb_curinodes = sq->rq_curfiles;
		out->dqb_valid |= QIF_USAGE;
	}
	return 0;
}

int
rquota_type(int type)
{
	switch (type) {
	case RQUOTA_USRQUOTA:
		return USRQUOTA;
	case RQUOTA_GRPQUOTA:
		return GRPQUOTA;
	default:
		return -1;
	}
}

bool
rquota_may_get(const struct cred *c, int type, int id)
{
	unsigned i;

	if (c->uid == 0)
		return true;
	switch (type) {
	case RQUOTA_USRQUOTA:
		return (uid_t)id == c->uid;
	case RQUOTA_GRPQUOTA:
		if ((gid_t)id == c->gid)
			return true;
		for (i = 0; i < c->ngroups && i < CRED_MAXGROUPS; i++)
			if (c->groups[i] == (gid_t)id)
				return true;
		return false;
	default:
		return false;
	}
}

bool
rquota_may_set(const struct cred *c, bool allow_set, bool export_ro)
{
	return allow_set && !export_ro && c->uid == 0;
}
