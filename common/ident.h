/*
 * ident.h: the filesystem identity of the calling thread, for daemons that
 * act on files as their clients (rpc.nfsd, rpc.lockd).
 *
 * The thread's supplementary groups (raw setgroups: glibc's would change
 * every thread), fsgid and fsuid are set to the caller's; with a non-zero
 * fsuid the kernel drops the filesystem capabilities from the thread's
 * effective set, so every later call is checked as for a local user.
 * fsuid 0 brings them back. The identity in force is remembered per
 * thread, so a run of calls from one user costs no system call at all.
 */
#ifndef NFS_IDENT_H
#define NFS_IDENT_H

#include <sys/types.h>

/* Switch the calling thread to uid/gid/groups. 0, or -errno (then the
 * thread runs as 65534 until the next successful switch: never as root by
 * accident). */
int	ident_set(uid_t uid, gid_t gid, unsigned ngroups, const gid_t *groups);
/* Back to root (fsuid 0, no groups). 0 or -errno. */
int	ident_root(void);

#endif
