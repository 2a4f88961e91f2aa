/*
 * sysinject: make a running process issue one system call of our choice,
 * with ptrace(2), so a test can see what that process's seccomp filter
 * does with a call its code never makes, without a test hook in the
 * daemon.
 *
 *	sysinject PID NAME|NUMBER [ARG]...	(up to 6 integer arguments)
 *
 * The thread PID is stopped (PTRACE_SEIZE + PTRACE_INTERRUPT) where it
 * waits in a system call (a daemon's loop thread sits in epoll_wait), its
 * registers are set to run that call from the same `syscall` instruction
 * again, and it is stepped to the call's exit (PTRACE_SYSCALL). Then:
 *
 *  - a SIGSYS is pending for it: the filter trapped the call. The
 *    registers are put back, the signal is delivered as the kernel queued
 *    it, and the tracer detaches (the daemon's handler runs, names the
 *    call and aborts). Output "trapped", exit 0.
 *  - no SIGSYS: the call ran. The registers are put back as they were
 *    (the thread goes on waiting), output "returned N", exit 1.
 *
 * Exit 2 on errors (no such process, not stopped in a system call, not
 * x86-64). Needs CAP_SYS_PTRACE for another user's or a non-dumpable
 * process.
 */
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __x86_64__
static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "sysinject: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Is signal sig pending for thread tid (its own queue or the process's)? */
static int
pending(pid_t tid, int sig)
{
	char path[64], line[256];
	unsigned long long mask;
	FILE *fp;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tid,
	    (int)tid);
	if ((fp = fopen(path, "r")) == NULL)
		die(path);
	while (fgets(line, sizeof(line), fp) != NULL)
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		    sscanf(line, "ShdPnd: %llx", &mask) == 1) &&
		    (mask & (1ULL << (sig - 1))) != 0)
			found = 1;
	fclose(fp);
	return found;
}

static int
wait_stop(pid_t tid, int *status)
{
	if (waitpid(tid, status, __WALL) != tid)
		die("waitpid");
	if (!WIFSTOPPED(*status)) {
		fprintf(stderr, "sysinject: %d ended (status %#x)\n", (int)tid,
		    *status);
		exit(2);
	}
	return WSTOPSIG(*status);
}

int
main(int argc, char **argv)
{
	struct user_regs_struct saved, regs;
	unsigned long long a[6] = { 0 };
	long nr, word;
	pid_t tid;
	char *end;
	int i, status, sig, trapped;

	if (argc < 3 || argc > 9) {
		fprintf(stderr, "usage: sysinject PID NAME|NUMBER [ARG]...\n");
		return 2;
	}
	tid = (pid_t)strtol(argv[1], &end, 10);
	if (*end != '\0' || tid <= 0) {
		fprintf(stderr, "sysinject: bad pid %s\n", argv[1]);
		return 2;
	}
	nr = strtol(argv[2], &end, 10);
	if (*end != '\0' &&
	    (nr = seccomp_syscall_resolve_name(argv[2])) == __NR_SCMP_ERROR) {
		fprintf(stderr, "sysinject: no system call %s\n", argv[2]);
		return 2;
	}
	for (i = 3; i < argc; i++)
		a[i - 3] = strtoull(argv[i], NULL, 0);

	if (ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_TRACESYSGOOD) == -1)
		die("PTRACE_SEIZE");
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) == -1)
		die("PTRACE_INTERRUPT");
	/* a signal arriving first is passed on; then the interrupt stop */
	while ((sig = wait_stop(tid, &status)) != SIGTRAP ||
	    (status >> 16) != PTRACE_EVENT_STOP)
		if (ptrace(PTRACE_CONT, tid, 0, sig) == -1 ||
		    ptrace(PTRACE_INTERRUPT, tid, 0, 0) == -1)
			die("PTRACE_CONT");
	if (ptrace(PTRACE_GETREGS, tid, 0, &saved) == -1)
		die("PTRACE_GETREGS");
	/* stopped in a call: rip is just past its `syscall` (0f 05) */
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, saved.rip - 2, 0);
	if ((long long)saved.orig_rax < 0 || errno != 0 ||
	    (word & 0xffff) != 0x050f) {
		fprintf(stderr, "sysinject: %d is not waiting in a system "
		    "call\n", (int)tid);
		(void)ptrace(PTRACE_DETACH, tid, 0, 0);
		return 2;
	}

	regs = saved;
	regs.rip = saved.rip - 2;
	regs.orig_rax = (unsigned long long)-1;	/* no restart of the old one */
	regs.rax = (unsigned long long)nr;
	regs.rdi = a[0];
	regs.rsi = a[1];
	regs.rdx = a[2];
	regs.r10 = a[3];
	regs.r8 = a[4];
	regs.r9 = a[5];
	if (ptrace(PTRACE_SETREGS, tid, 0, &regs) == -1)
		die("PTRACE_SETREGS");
	/* to the call's entry, then to its exit (a trapped call has one
	 * too: the filter skips it, and queues SIGSYS) */
	for (i = 0; i < 2; i++) {
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) == -1)
			die("PTRACE_SYSCALL");
		if ((sig = wait_stop(tid, &status)) != (SIGTRAP | 0x80)) {
			fprintf(stderr, "sysinject: unexpected stop (signal "
			    "%d)\n", sig);
			return 2;
		}
	}
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) == -1)
		die("PTRACE_GETREGS");
	trapped = pending(tid, SIGSYS);
	if (ptrace(PTRACE_SETREGS, tid, 0, &saved) == -1)
		die("PTRACE_SETREGS");
	if (!trapped) {
		if (ptrace(PTRACE_DETACH, tid, 0, 0) == -1)
			die("PTRACE_DETACH");
		printf("returned %lld\n", (long long)regs.rax);
		return 1;
	}
	/* let the kernel deliver it: a signal-delivery stop, then detach
	 * passing it on with the siginfo it queued */
	if (ptrace(PTRACE_CONT, tid, 0, 0) == -1)
		die("PTRACE_CONT");
	while ((sig = wait_stop(tid, &status)) != SIGSYS)
		if (ptrace(PTRACE_CONT, tid, 0, sig == SIGTRAP ? 0 : sig) == -1)
			die("PTRACE_CONT");
	if (ptrace(PTRACE_DETACH, tid, 0, SIGSYS) == -1)
		die("PTRACE_DETACH");
	printf("trapped\n");
	return 0;
}
#else
int
main(void)
{
	fprintf(stderr, "sysinject: x86-64 only\n");
	return 2;
}
#endif
