/*
 * sandbox.c: no_new_privs, the bounding set check and the seccomp
 * allow-lists (see sandbox.h).
 *
 * The lists were taken from strace(1) of every daemon through the whole
 * integration suite and the kernel-client tests, then checked by running
 * both with the filters on (a missing call aborts the daemon and names the
 * call). They are lists of names: libseccomp maps them to this
 * architecture's numbers, and a name it does not know on this architecture
 * is skipped. Calls from other architectures (the x32 and i386 entry
 * points on x86-64) are refused like any other.
 *
 * Deliberately absent everywhere: execve/execveat (statd's ha-callout runs
 * from a process forked before the filter, statd_ha.c), ptrace, kill (no
 * daemon signals another process), mount and every other administrative
 * call, bpf, keyctl, io_uring, userfaultfd, perf_event_open, the setuid
 * family but for the per-thread setfsuid/setfsgid/setgroups of the
 * daemons that act as a caller. ioctl is allowed only for the requests
 * glibc's stdio and resolver make, prctl only for options that read.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/capability.h>
#include <linux/sockios.h>

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/daemon.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER	1
#endif
#endif
#ifndef SANDBOX_SANITIZER
#define SANDBOX_SANITIZER	0
#endif

/* ---------------------------------------------------------------- lists */

/*
 * Every daemon: glibc (malloc, stdio, NSS and the resolver: host names
 * are looked up after set-up), libtirpc's XDR and client calls, pthreads,
 * the RPC core (epoll loop, sockets of every family, the signal
 * self-pipe, the timer), the log, state files written atomically
 * (common/atomicio.c), and daemon_detach(), which runs after this.
 */
static const char *const base_list[] = {
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* threads, glibc's start-up of one (clone3, else clone), locks */
	"clone", "clone3", "futex", "set_robust_list", "rseq",
	"set_tid_address", "exit", "exit_group", "sched_yield",
	"sched_getaffinity", "gettid", "restart_syscall",
	/* signals: the self-pipe, abort(), pthread_kill() */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"tgkill", "getpid",
	/* descriptors and files: state files, /etc/hosts and the NSS
	 * modules, /dev/null for daemon_detach() */
	"openat", "close", "read", "write", "readv", "writev", "pread64",
	"pwrite64", "lseek", "fstat", "newfstatat", "statx", "fcntl",
	"fsync", "fdatasync", "ftruncate", "rename", "renameat",
	"renameat2", "unlink", "unlinkat", "mkdir", "mkdirat", "fchmod",
	"getdents64", "flock", "readlink", "readlinkat", "access",
	"faccessat", "faccessat2", "dup", "dup2", "dup3", "pipe2",
	/* daemon_detach() */
	"setsid", "chdir",
	/* time */
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
	"gettimeofday", "time",
	/* the event loop */
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "eventfd2", "poll", "ppoll",
	/* sockets: listeners, clients (rpcbind, statd, callbacks, DNS),
	 * AF_LOCAL credentials, netlink for interface lists */
	"socket", "socketpair", "bind", "listen", "accept", "accept4",
	"connect", "getsockname", "getpeername", "setsockopt", "getsockopt",
	"sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
	"shutdown",
	/* who we are */
	"getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid",
	"getresgid", "capget",
	/* the rest */
	"getrandom", "uname", "prlimit64", "getrlimit", "sysinfo",
	NULL
};

/* Exports (re)loaded on SIGHUP: the roots, their filesystems and handles
 * (common/exports_live.c), in every daemon that serves exports. */
#define EXPORTS_CALLS \
	"name_to_handle_at", "fstatfs", "statfs"

/* Acting as the caller, per thread (common/ident.c: glibc's setgroups()
 * would change every thread, so the raw call). */
#define IDENT_CALLS \
	"setfsuid", "setfsgid", "setgroups"

/*
 * Each daemon's own calls: what only it does. A daemon that needs a new
 * call adds it here, with a word on why.
 */
static const char *const rpcbind_list[] = {
	/* registrations, CALLIT forwarding, the warm-start file and the
	 * port probes are sockets and state files; the owner of a
	 * registration made over the local socket is watched by a pidfd
	 * (rpcbd_live.c) */
	"pidfd_open",
	NULL
};

static const char *const mountd_list[] = {
	EXPORTS_CALLS,
	/* MNT: the path resolved beneath the export root */
	"openat2",
	NULL
};

static const char *const nfsd_list[] = {
	EXPORTS_CALLS,
	IDENT_CALLS,
	/* handles */
	"open_by_handle_at",
	/* the procedures of NFS v2 and v3 */
	"symlinkat", "linkat", "mknodat", "fchmodat", "chmod", "fchownat",
	"fchown", "utimensat", "preadv", "pwritev", "preadv2", "pwritev2",
	/* NFS_ACL: the POSIX ACL attributes, through /proc/self/fd/N */
	"getxattr", "setxattr", "removexattr",
	NULL
};

static const char *const lockd_list[] = {
	EXPORTS_CALLS,
	IDENT_CALLS,
	/* the file a lock is on, by handle; OFD locks are fcntl() */
	"open_by_handle_at",
	NULL
};

static const char *const statd_list[] = {
	/* the monitor files, SM_NOTIFY and callbacks are state files and
	 * sockets; the ha-callout program is run by a process forked before
	 * the filter (statd_ha.c), which statd reaps in the foreground */
	"wait4",
	NULL
};

static const char *const rquotad_list[] = {
	EXPORTS_CALLS,
	/* the path resolved beneath the export root, as MNT's */
	"openat2",
	/* quotactl_fd, or quotactl on the device of the descriptor's mount
	 * (statx for its mount ID, /proc/self/mountinfo) */
	"quotactl", "quotactl_fd", "statx",
	NULL
};

/*
 * Sanitizer builds only (make SANITIZE=1): AddressSanitizer's leak check
 * at exit stops the world with a tracer (clone, ptrace, waitpid,
 * PR_SET_PTRACER / PR_SET_DUMPABLE), and a report runs llvm-symbolizer
 * (fork, execve, pipes). Never in a normal build.
 */
static const char *const sanitizer_list[] = {
#if SANDBOX_SANITIZER
	"ptrace", "prctl", "wait4", "waitid", "fork", "vfork", "execve",
	"execveat", "kill", "tkill", "getppid", "pipe", "process_vm_readv",
	"arch_prctl", "setpgid", "getpgid", "personality", "sched_getparam",
	"sched_getscheduler",
	/* the runtime's own raw calls use the old x86-64 entry points
	 * (the leak check's tracer lists /proc/PID/task with getdents) */
	"open", "stat", "lstat", "getdents", "readlink", "unlink", "rename",
#endif
	NULL
};

static const char *const *const prog_lists[SANDBOX_NPROGS] = {
	[SANDBOX_RPCBIND] = rpcbind_list,
	[SANDBOX_MOUNTD] = mountd_list,
	[SANDBOX_NFSD] = nfsd_list,
	[SANDBOX_LOCKD] = lockd_list,
	[SANDBOX_STATD] = statd_list,
	[SANDBOX_RQUOTAD] = rquotad_list,
};

/* ioctl requests: stdio's isatty(), the resolver and the interface
 * lookups of glibc. */
static const unsigned long ioctl_ok[] = {
	TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, SIOCGIFCONF, SIOCGIFFLAGS,
	SIOCGIFINDEX, SIOCGIFNAME,
};

/* prctl options that only read: libcap, loaded with NSS modules such as
 * libnss_systemd (user and group lookups, e.g. nfsd's manage-gids),
 * counts the capabilities with PR_CAPBSET_READ in its constructor. */
static const unsigned long prctl_ok[] = {
	PR_CAPBSET_READ, PR_GET_SECUREBITS, PR_GET_KEEPCAPS, PR_GET_DUMPABLE,
	PR_GET_NAME, PR_GET_NO_NEW_PRIVS,
};

static size_t
count(const char *const *l)
{
	size_t n = 0;

	while (l[n] != NULL)
		n++;
	return n;
}

const char *const *
sandbox_list(enum sandbox_prog prog, unsigned part, size_t *n)
{
	const char *const *l;

	*n = 0;
	if ((unsigned)prog >= SANDBOX_NPROGS)
		return NULL;
	switch (part) {
	case 0:
		l = base_list;
		break;
	case 1:
		l = prog_lists[prog];
		break;
	case 2:
		l = sanitizer_list;
		break;
	default:
		return NULL;
	}
	*n = count(l);
	return l;
}

/* ---------------------------------------------------------------- SIGSYS */

/*
 * What the handler needs, prepared before the filter is loaded: a handler
 * gets no context argument and may call nothing that is not
 * async-signal-safe (libseccomp's name lookup allocates). Written once by
 * sandbox_enter(), read only by the handler.
 */
#define NAMES_MAX	512
#define NAME_LEN	32
static struct {
	char		names[NAMES_MAX][NAME_LEN];
	uint32_t	arch;		/* native, as in siginfo's si_arch */
	int		fd;		/* stderr, or a socket to syslog */
	int		syslog;		/* fd is a syslog datagram socket */
	int		journal;	/* fd is stderr, the journal's stream */
	char		ident[48];
} trap;

static size_t
put_str(char *buf, size_t off, size_t len, const char *s)
{
	while (*s != '\0' && off + 1 < len)
		buf[off++] = *s++;
	buf[off] = '\0';
	return off;
}

static size_t
put_num(char *buf, size_t off, size_t len, unsigned long v, unsigned base)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0 && n < sizeof(tmp));
	while (n > 0 && off + 1 < len)
		buf[off++] = tmp[--n];
	buf[off] = '\0';
	return off;
}

static void
sigsys(int sig, siginfo_t *si, void *ctx)
{
	char buf[256];
	size_t n = 0;
	int nr = si->si_syscall;
	ssize_t w;

	(void)sig;
	(void)ctx;
	if (trap.syslog) {
		/* <LOG_DAEMON|LOG_CRIT>ident[pid]: (syslog adds the time) */
		n = put_str(buf, n, sizeof(buf), "<26>");
		n = put_str(buf, n, sizeof(buf), trap.ident);
		n = put_str(buf, n, sizeof(buf), "[");
		n = put_num(buf, n, sizeof(buf), (unsigned long)getpid(), 10);
		n = put_str(buf, n, sizeof(buf), "]: ");
	} else if (trap.journal) {
		/* LOG_CRIT; the journal adds the time and ident */
		n = put_str(buf, n, sizeof(buf), "<2>");
	} else {
		n = put_str(buf, n, sizeof(buf), trap.ident);
		n = put_str(buf, n, sizeof(buf), ": ");
	}
	n = put_str(buf, n, sizeof(buf), "seccomp: blocked syscall ");
	if (si->si_arch != trap.arch) {
		n = put_str(buf, n, sizeof(buf), "of another architecture (");
		n = put_num(buf, n, sizeof(buf), (unsigned long)(unsigned)nr,
		    10);
		n = put_str(buf, n, sizeof(buf), ", arch 0x");
		n = put_num(buf, n, sizeof(buf), si->si_arch, 16);
		n = put_str(buf, n, sizeof(buf), ")");
	} else {
		n = put_str(buf, n, sizeof(buf), nr >= 0 && nr < NAMES_MAX &&
		    trap.names[nr][0] != '\0' ? trap.names[nr] : "unknown");
		n = put_str(buf, n, sizeof(buf), " (");
		n = put_num(buf, n, sizeof(buf), (unsigned long)(unsigned)nr,
		    10);
		n = put_str(buf, n, sizeof(buf), ")");
	}
	if (!trap.syslog)
		n = put_str(buf, n, sizeof(buf), "\n");
	w = write(trap.fd, buf, n);
	(void)w;
	/* the core dump shows where the call came from */
	abort();
}

/* The log's destination for the handler: stderr in the foreground, else
 * a datagram socket to syslog's /dev/log (syslog(3) is not
 * async-signal-safe, and after daemon_detach() stderr is /dev/null). */
static void
trap_setup(void)
{
	struct sockaddr_un sun;
	const char *id = log_ident_name();
	char *name;
	int nr, fd;

	memset(&trap, 0, sizeof(trap));
	trap.arch = seccomp_arch_native();
	for (nr = 0; nr < NAMES_MAX; nr++) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name != NULL) {
			str_copy(trap.names[nr], name, NAME_LEN);
			free(name);
		}
	}
	str_copy(trap.ident, id != NULL ? id : "nfs-suite", sizeof(trap.ident));
	trap.fd = STDERR_FILENO;
	trap.journal = log_to_journal();
	if (log_foreground())
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	str_copy(sun.sun_path, "/dev/log", sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return;
	}
	trap.fd = fd;
	trap.syslog = 1;
}

/* ---------------------------------------------------------------- filter */

static int
add_list(scmp_filter_ctx ctx, const char *const *l, unsigned *n,
    char *msg, size_t len)
{
	int nr, rc;

	for (; *l != NULL; l++) {
		if ((nr = seccomp_syscall_resolve_name(*l)) == __NR_SCMP_ERROR)
			continue;	/* not a call of this architecture */
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) != 0 &&
		    rc != -EEXIST) {
			snprintf(msg, len, "seccomp: allowing %s: %s", *l,
			    strerror(-rc));
			return rc;
		}
		(*n)++;
	}
	return 0;
}

static int
load_filter(enum sandbox_prog prog, unsigned *nallowed, char *msg,
    size_t len)
{
	scmp_filter_ctx ctx;
	struct sigaction sa;
	unsigned part;
	size_t i, n;
	const char *const *l;
	int rc;

	*nallowed = 0;
	trap_setup();
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(msg, len, "seccomp_init failed");
		return -ENOMEM;
	}
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_TRAP)) != 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0) {
		snprintf(msg, len, "seccomp attributes: %s", strerror(-rc));
		goto out;
	}
	/* the kernel logs a trapped call too (audit, type=1326): the one
	 * trace left if the handler cannot run, e.g. in a thread that blocks
	 * SIGSYS, which the kernel then kills (kernels before 4.14: no) */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	for (part = 0; (l = sandbox_list(prog, part, &n)) != NULL; part++)
		if ((rc = add_list(ctx, l, nallowed, msg, len)) != 0)
			goto out;
	for (i = 0; i < nitems(ioctl_ok); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
		    1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
		    ioctl_ok[i]))) != 0) {
			snprintf(msg, len, "seccomp: ioctl rule: %s",
			    strerror(-rc));
			goto out;
		}
	/* (sanitizer builds allow every prctl: a rule with arguments next
	 * to one without is redundant, EEXIST) */
	for (i = 0; i < nitems(prctl_ok); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl),
		    1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
		    prctl_ok[i]))) != 0 &&
		    rc != -EEXIST) {
			snprintf(msg, len, "seccomp: prctl rule: %s",
			    strerror(-rc));
			goto out;
		}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1) {
		rc = -errno;
		snprintf(msg, len, "SIGSYS handler: %s", strerror(errno));
		goto out;
	}
	if ((rc = seccomp_load(ctx)) != 0)
		snprintf(msg, len, "seccomp: loading the filter: %s (a kernel "
		    "without seccomp filters needs [global] seccomp = no)",
		    strerror(-rc));
out:
	seccomp_release(ctx);
	return rc;
}

/* ---------------------------------------------------------------- entry */

int
sandbox_enter(enum sandbox_prog prog, unsigned long long keep_caps,
    bool seccomp, char *msg, size_t len)
{
	unsigned long long bset;
	unsigned nallowed = 0;
	const char *bwhat;
	int rc;

	if ((unsigned)prog >= SANDBOX_NPROGS) {
		snprintf(msg, len, "no sandbox for program %d", (int)prog);
		return -EINVAL;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		rc = -errno;
		snprintf(msg, len, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return rc;
	}
	/* priv_drop() reduced it if it could (CAP_SETPCAP) */
	bset = priv_bounding_set();
	bwhat = (bset & ~keep_caps) == 0 ? "the kept capabilities" :
	    "not reduced (not started with CAP_SETPCAP)";
	if (seccomp && (rc = load_filter(prog, &nallowed, msg, len)) != 0)
		return rc;
	if (seccomp)
		snprintf(msg, len, "sandbox: no_new_privs, bounding set %s, "
		    "seccomp allow-list of %u system calls%s", bwhat, nallowed,
		    SANDBOX_SANITIZER ? " (with the sanitizers' extras)" : "");
	else
		snprintf(msg, len, "sandbox: no_new_privs, bounding set %s, "
		    "seccomp filter off", bwhat);
	return 0;
}
