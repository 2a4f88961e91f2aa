/*
 * sandbox.h: what a daemon gives up once its set-up is over, in one call
 * made right after priv_drop():
 *
 *   - PR_SET_NO_NEW_PRIVS: no execve(2) can gain privilege again;
 *   - the capability bounding set: priv_drop() reduced it to the kept
 *     capabilities (that needs CAP_SETPCAP, which it then drops); this
 *     checks and reports it;
 *   - a seccomp allow-list for the daemon (libseccomp): the base list every
 *     daemon needs, plus the daemon's own calls. Any other system call
 *     raises SIGSYS; the handler writes "seccomp: blocked syscall NAME (NR)"
 *     to the log (stderr in the foreground, syslog's socket otherwise) and
 *     aborts, so a call missing from a list fails loudly and by name.
 *
 * The lists and why each call is there are in sandbox.c.
 */
#ifndef NFS_SANDBOX_H
#define NFS_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

enum sandbox_prog {
	SANDBOX_RPCBIND,
	SANDBOX_MOUNTD,
	SANDBOX_NFSD,
	SANDBOX_LOCKD,
	SANDBOX_STATD,
	SANDBOX_RQUOTAD,
	SANDBOX_NPROGS
};

/*
 * Enter the sandbox for prog. keep_caps is what priv_drop() kept (0 when
 * not started as root). seccomp false: no_new_privs only (the [global]
 * seccomp = no switch, or --no-seccomp, for debugging). Returns 0 with msg
 * saying what is in force, or -errno with msg saying which step failed.
 * Call it while the process has one thread (the filter is synchronised to
 * every thread anyway).
 */
int	sandbox_enter(enum sandbox_prog prog, unsigned long long keep_caps,
	    bool seccomp, char *msg, size_t len);

/*
 * The system calls allowed to prog, by name: the base list, then prog's
 * own, then (in sanitizer builds) what the sanitizers' runtime needs.
 * *n gets the count. For tests.
 */
const char *const *sandbox_list(enum sandbox_prog prog, unsigned part,
	    size_t *n);

#endif
