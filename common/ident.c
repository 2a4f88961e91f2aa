/*
 * ident.c: per-thread filesystem identity (see ident.h).
 */
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "common/cred.h"
#include "common/ident.h"

static __thread struct {
	bool		known;		/* the fields below are what is set */
	uid_t		uid;
	gid_t		gid;
	unsigned	ngroups;
	gid_t		groups[CRED_MAXGROUPS];
} tid;

static bool
tid_is(uid_t uid, gid_t gid, unsigned ngroups, const gid_t *groups)
{
	return tid.known && tid.uid == uid && tid.gid == gid &&
	    tid.ngroups == ngroups && (ngroups == 0 ||
	    memcmp(tid.groups, groups, ngroups * sizeof(*groups)) == 0);
}

int
ident_set(uid_t uid, gid_t gid, unsigned ngroups, const gid_t *groups)
{
	if (ngroups > CRED_MAXGROUPS)
		return -EINVAL;
	if (tid_is(uid, gid, ngroups, groups))
		return 0;
	tid.known = false;
	/* to root: fsuid first, it brings the filesystem capabilities back;
	 * to a caller: groups and fsgid while we still may, fsuid last */
	if (uid == 0)
		setfsuid(0);
	if (syscall(SYS_setgroups, (size_t)ngroups, groups) != 0)
		goto fail;
	setfsgid(gid);
	setfsuid(uid);
	/* setfs*id report no errors: read back what is in force */
	if ((uid_t)setfsuid((uid_t)-1) != uid ||
	    (gid_t)setfsgid((gid_t)-1) != gid) {
		errno = EPERM;
		goto fail;
	}
	tid.uid = uid;
	tid.gid = gid;
	tid.ngroups = ngroups;
	if (ngroups > 0)
		memcpy(tid.groups, groups, ngroups * sizeof(*groups));
	tid.known = true;
	return 0;
fail:
	{
		int err = errno;

		/* never go on as root: make every later call fail */
		setfsuid(65534);
		setfsgid(65534);
		return -err;
	}
}

int
ident_root(void)
{
	return ident_set(0, 0, 0, NULL);
}
