/*
 * test_sandbox.c: the seccomp allow-lists name real system calls; a child
 * in the sandbox runs what every daemon does (threads, files, sockets,
 * name lookups), shows Seccomp: 2 and NoNewPrivs: 1, and dies naming a
 * call that is not on its list.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/sandbox.h"

static void
test_names(void **state)
{
	const char *const *l;
	unsigned p, part;
	size_t i, n, total;

	(void)state;
	for (p = 0; p < SANDBOX_NPROGS; p++) {
		total = 0;
		for (part = 0; (l = sandbox_list(p, part, &n)) != NULL;
		    part++) {
			for (i = 0; i < n; i++) {
				if (seccomp_syscall_resolve_name(l[i]) ==
				    __NR_SCMP_ERROR)
					fail_msg("program %u: \"%s\" is not a "
					    "system call here", p, l[i]);
			}
			total += n;
		}
		assert_int_equal(part, 3);
		assert_true(total > 60);
	}
	assert_null(sandbox_list(SANDBOX_NPROGS, 0, &n));
	assert_int_equal(n, 0);
}

/* Is "Key:\tvalue" in /proc/self/status? */
static int
status_has(const char *key, const char *value)
{
	char line[256], want[128];
	FILE *fp;
	int found = 0;

	snprintf(want, sizeof(want), "%s:\t%s\n", key, value);
	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strcmp(line, want) == 0)
			found = 1;
	fclose(fp);
	return found;
}

static void *
thread_main(void *arg)
{
	return arg;
}

/* What every daemon does after set-up, under its filter. */
static int
everyday(void)
{
	struct addrinfo hints, *res = NULL;
	char path[] = "/tmp/test_sandbox.XXXXXX";
	pthread_t t;
	void *r = NULL;
	gid_t groups[8];
	int fd, sv[2], ngroups = 8;

	if (pthread_create(&t, NULL, thread_main, (void *)1) != 0 ||
	    pthread_join(t, &r) != 0 || r != (void *)1)
		return 20;
	if ((fd = mkstemp(path)) == -1 || write(fd, "x", 1) != 1 ||
	    fsync(fd) != 0 || close(fd) != 0 || unlink(path) != 0)
		return 21;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    send(sv[0], "y", 1, 0) != 1)
		return 22;
	close(sv[0]);
	close(sv[1]);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo("localhost", "111", &hints, &res) != 0)
		return 23;
	freeaddrinfo(res);
	/* every NSS module of passwd and group (manage-gids, names) */
	if (getpwnam("no-such-user-here") != NULL ||
	    getgrouplist("no-such-user-here", 12345, groups, &ngroups) < 0)
		return 24;
	free(malloc(4 << 20));	/* mmap'ed */
	printf("stdio ok\n");
	fflush(stdout);
	return 0;
}

struct child {
	enum sandbox_prog prog;
	bool		 seccomp;
	long		 forbidden;	/* a call to make at the end, or -1 */
};

/* Run c in a child with stderr into a pipe; returns its wait status, its
 * stderr in err. */
static int
in_child(const struct child *c, char *err, size_t len)
{
	char msg[256];
	int p[2], status, rc;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		log_init(1, "test_sandbox");
		if (sandbox_enter(c->prog, 0, c->seccomp, msg,
		    sizeof(msg)) != 0) {
			fprintf(stderr, "%s\n", msg);
			_exit(10);
		}
		if (strstr(msg, c->seccomp ? "allow-list of" :
		    "filter off") == NULL)
			_exit(11);
		if (!status_has("NoNewPrivs", "1"))
			_exit(12);
		if (!status_has("Seccomp", c->seccomp ? "2" : "0"))
			_exit(13);
		if ((rc = everyday()) != 0)
			_exit(rc);
		/* kexec_load with 17 segments (over KEXEC_SEGMENT_MAX):
		 * EINVAL before it could touch anything, should the filter
		 * let it through */
		if (c->forbidden >= 0)
			(void)syscall(c->forbidden, 0, 17, 0, 0);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < len && (n = read(p[0], err + got,
	    len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
test_filter_on(void **state)
{
	struct child c = { SANDBOX_STATD, true, -1 };
	char err[1024];
	unsigned p;
	int st;

	(void)state;
	for (p = 0; p < SANDBOX_NPROGS; p++) {
		c.prog = p;
		st = in_child(&c, err, sizeof(err));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("program %u: status %#x: %s", p, st, err);
	}
}

static void
test_filter_off(void **state)
{
	struct child c = { SANDBOX_NFSD, false, SYS_kexec_load };
	char err[1024];
	int st;

	(void)state;
	/* no filter: the call fails (EINVAL, or EPERM without
	 * CAP_SYS_BOOT) and the child goes on */
	st = in_child(&c, err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_blocked_by_name(void **state)
{
	struct child c = { SANDBOX_RPCBIND, true, SYS_kexec_load };
	char err[1024], want[128];
	int st;

	(void)state;
	st = in_child(&c, err, sizeof(err));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	snprintf(want, sizeof(want),
	    "test_sandbox: seccomp: blocked syscall kexec_load (%d)\n",
	    (int)SYS_kexec_load);
	if (strstr(err, want) == NULL)
		fail_msg("expected \"%s\" in: %s", want, err);

	/* one only nfsd and lockd may make */
	c.forbidden = SYS_open_by_handle_at;
	st = in_child(&c, err, sizeof(err));
	assert_true(WIFSIGNALED(st));
	assert_non_null(strstr(err, "blocked syscall open_by_handle_at ("));
	c.prog = SANDBOX_NFSD;
	st = in_child(&c, err, sizeof(err));
	assert_true(WIFEXITED(st));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_filter_on),
		cmocka_unit_test(test_filter_off),
		cmocka_unit_test(test_blocked_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
