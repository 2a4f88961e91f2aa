/*
 * test_daemon.c: pidfile locking, detaching, the signal self-pipe,
 * privilege dropping and the common command-line flags.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/log.h"

/* Run fn in a child; returns its exit status (or -1 if it did not exit). */
static int
in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(fn(arg));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---------------------------------------------------------------- pidfile */

static int
child_pidfile(void *arg)
{
	int fd = daemon_pidfile(arg);

	if (fd == -EAGAIN)
		return 10;
	if (fd >= 0)
		return 0;
	return 20;
}

static void
test_pidfile(void **state)
{
	char dir[] = "/tmp/test_daemon.XXXXXX", path[128], want[32], *buf;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.pid", dir);
	/* stale contents are replaced */
	assert_int_equal(atomic_write_file(path, "99999999999\n", 12, 0644),
	    0);
	fd = daemon_pidfile(path);
	assert_true(fd >= 0);
	assert_int_equal(read_file(path, 64, &buf, NULL), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);
	free(buf);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* another process cannot take it while we hold it */
	assert_int_equal(in_child(child_pidfile, path), 10);
	/* ... nor can a second open in this process (flock is per open) */
	assert_int_equal(daemon_pidfile(path), -EAGAIN);
	assert_int_equal(daemon_pidfile_update(fd), 0);
	assert_int_equal(read_file(path, 64, &buf, NULL), 0);
	assert_string_equal(buf, want);
	free(buf);

	/* released with the fd: the next instance gets it */
	close(fd);
	assert_int_equal(in_child(child_pidfile, path), 0);

	snprintf(want, sizeof(want), "%s/nodir/x.pid", dir);
	assert_int_equal(daemon_pidfile(want), -ENOENT);
	unlink(path);
	rmdir(dir);
}

/* ---------------------------------------------------------------- detach */

static int
child_detach(void *arg)
{
	int *fds = arg;
	char cwd[16], ok;

	close(fds[0]);
	if (daemon_detach() != 0)
		return 3;
	/* the grandchild: its own session, in /, stdio on /dev/null */
	ok = getsid(0) == getpid() && getcwd(cwd, sizeof(cwd)) != NULL &&
	    strcmp(cwd, "/") == 0 && isatty(STDIN_FILENO) == 0 &&
	    write(STDOUT_FILENO, "x", 1) == 1;
	if (write(fds[1], &ok, 1) != 1)
		_exit(4);
	_exit(0);
}

static void
test_detach(void **state)
{
	int fds[2];
	char ok = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	/* the intermediate parent exits 0 at once */
	assert_int_equal(in_child(child_detach, fds), 0);
	close(fds[1]);
	assert_int_equal(read_full(fds[0], &ok, 1), 0);
	assert_int_equal(ok, 1);
	close(fds[0]);
}

/* ---------------------------------------------------------------- signals */

static void
test_sigpipe(void **state)
{
	struct sigaction sa;
	int fd;

	(void)state;
	fd = daemon_sigpipe();
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(daemon_sigpipe_read(fd), 0);

	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(daemon_sigpipe_read(fd), SIGUSR1);
	assert_int_equal(daemon_sigpipe_read(fd), SIGHUP);
	assert_int_equal(daemon_sigpipe_read(fd), SIGTERM);
	assert_int_equal(daemon_sigpipe_read(fd), 0);

	/* SIGPIPE is ignored: the process survives it */
	assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
	assert_ptr_equal(sa.sa_handler, SIG_IGN);
	assert_int_equal(raise(SIGPIPE), 0);
	assert_int_equal(daemon_sigpipe_read(fd), 0);
	close(fd);

	/* a second call gives a working new pipe */
	fd = daemon_sigpipe();
	assert_true(fd >= 0);
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(raise(SIGINT), 0);
	assert_int_equal(daemon_sigpipe_read(fd), SIGUSR2);
	assert_int_equal(daemon_sigpipe_read(fd), SIGINT);
	close(fd);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---------------------------------------------------------------- privileges */

static void
test_priv_lookup(void **state)
{
	uid_t uid = 1;
	gid_t gid = 1;

	(void)state;
	assert_int_equal(priv_lookup("root", &uid, &gid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	uid = gid = 1;
	assert_int_equal(priv_lookup("0", &uid, &gid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(priv_lookup("no-such-user-here", &uid, &gid),
	    -ENOENT);
	assert_int_equal(priv_lookup("", &uid, &gid), -ENOENT);
	assert_int_equal(priv_lookup("0x", &uid, &gid), -ENOENT);
	assert_int_equal(priv_lookup("4000000000", &uid, &gid), -ENOENT);
}

static unsigned long long
caps(int which)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) == -1)
		return ~0ULL;
	if (which == 0)
		return (unsigned long long)d[1].permitted << 32 | d[0].permitted;
	return (unsigned long long)d[1].effective << 32 | d[0].effective;
}

struct drop {
	const char		*user;
	unsigned long long	 keep;
};

static int
child_drop(void *arg)
{
	struct drop *d = arg;
	uid_t uid;
	gid_t gid;
	int fd;

	if (priv_lookup(d->user, &uid, &gid) != 0)
		return 2;
	if (priv_drop(d->user, d->keep) != 0)
		return 3;
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || getgroups(0, NULL) != 0)
		return 4;
	if (caps(0) != d->keep || caps(1) != d->keep)
		return 5;
	if (setuid(0) != -1 || seteuid(0) != -1)
		return 6;
	/* nothing left to regain by execve(2) either */
	if (priv_bounding_set() != d->keep)
		return 9;
	/* a kept capability works: CAP_DAC_READ_SEARCH reads /etc/shadow
	 * (open, not access(2): that one ignores capabilities) */
	fd = open("/etc/shadow", O_RDONLY);
	if (fd >= 0)
		close(fd);
	if ((d->keep & (1ULL << CAP_DAC_READ_SEARCH)) != 0 && fd < 0)
		return 7;
	if (d->keep == 0 && fd >= 0)
		return 8;
	return 0;
}

static void
test_priv_drop(void **state)
{
	struct drop d = { "nobody", 0 };
	uid_t uid = 0;
	gid_t gid = 0;

	(void)state;
	if (geteuid() != 0 || priv_lookup("nobody", &uid, &gid) != 0)
		skip();
	assert_int_equal(in_child(child_drop, &d), 0);
	d.keep = 1ULL << CAP_DAC_READ_SEARCH | 1ULL << CAP_CHOWN;
	assert_int_equal(in_child(child_drop, &d), 0);
	/* by number too */
	d.keep = 0;
	d.user = "65534";
	if (uid == 65534)
		assert_int_equal(in_child(child_drop, &d), 0);
	/* no such user: nothing changes */
	assert_int_equal(priv_drop("no-such-user-here", 0), -ENOENT);
	assert_int_equal(priv_drop("nobody", 1ULL << 63), -EINVAL);
	assert_int_equal(geteuid(), 0);
}

/* ---------------------------------------------------------------- flags */

struct extra_seen {
	int	 port;
	bool	 n;
};

static int
extra_cb(int opt, const char *arg, void *ctx)
{
	struct extra_seen *s = ctx;
	char *end;

	switch (opt) {
	case 'p':
		s->port = (int)strtol(arg, &end, 10);
		return *end == '\0' && s->port > 0 ? 0 : -EINVAL;
	case 'N':
		s->n = true;
		return 0;
	}
	return -EINVAL;
}

/* Call daemon_parse_args on a NULL-terminated list of arguments. */
static int
parse(struct daemon_args *da, int *optindp, struct extra_seen *seen, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)"/usr/sbin/rpc.nfsd";
	va_start(ap, seen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return daemon_parse_args(argc, argv, "nfsd", "p:N", "[nthreads]",
	    extra_cb, seen, da, optindp);
}

struct nfsd_vals {
	long	 threads;
	char	*user;
};

static const struct conf_key nfsd_keys[] = {
	{ "threads", CONF_INT, offsetof(struct nfsd_vals, threads), "8", 1,
	    64, NULL },
	{ "user", CONF_STR, offsetof(struct nfsd_vals, user), "nobody", 0, 0,
	    NULL },
	CONF_KEY_END
};

static void
test_args_defaults(void **state)
{
	struct extra_seen seen = { 0, false };
	struct daemon_args da;
	int ind = -1;

	(void)state;
	assert_int_equal(parse(&da, &ind, &seen, NULL), 0);
	assert_false(da.foreground);
	assert_false(da.check_only);
	assert_false(da.print_conf);
	assert_int_equal(da.debug, 0);
	assert_string_equal(da.conf_path, CONF_DEFAULT_PATH);
	assert_non_null(da.cf);	/* a missing default file is empty */
	assert_int_equal(ind, 1);
	conf_file_free(da.cf);
}

static void
test_args_sample(void **state)
{
	char dir[] = "/tmp/test_daemon.XXXXXX", path[128];
	const char *text = "[nfsd]\nthreads = 4\nuser = fromfile\n";
	struct extra_seen seen = { 0, false };
	struct nfsd_vals v;
	struct parse_err err;
	struct daemon_args da;
	int ind = -1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/n.conf", dir);
	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);

	assert_int_equal(parse(&da, &ind, &seen, "-F", "-o", "threads=16",
	    "-f", path, "-D", "call,auth", "-t", "-T", "-p", "2050", "-N",
	    "-o", " User =spaced value ", "32", "-d", NULL), 0);
	assert_true(da.foreground);
	assert_true(da.check_only);
	assert_true(da.print_conf);
	assert_int_equal(da.debug, LOG_D_CALL | LOG_D_AUTH);
	assert_string_equal(da.conf_path, path);
	assert_string_equal(conf_file_path(da.cf), path);
	assert_int_equal(seen.port, 2050);
	assert_true(seen.n);
	/* operands start at "32"; "-d" after it is an operand too */
	assert_int_equal(ind, 15);
	/* -o beats the file, whatever the order on the command line */
	assert_int_equal(conf_apply(da.cf, "nfsd", nfsd_keys, &v, &err), 0);
	assert_int_equal(v.threads, 16);
	/* the key is trimmed, the value kept as given */
	assert_string_equal(v.user, "spaced value ");
	conf_free_values(nfsd_keys, &v);
	conf_file_free(da.cf);

	/* -d: all debugging, in the foreground */
	assert_int_equal(parse(&da, &ind, &seen, "-d", "-f", path, NULL), 0);
	assert_true(da.foreground);
	assert_int_equal(da.debug, LOG_D_ALL);
	assert_int_equal(ind, 4);
	assert_int_equal(conf_apply(da.cf, "nfsd", nfsd_keys, &v, &err), 0);
	assert_int_equal(v.threads, 4);
	assert_string_equal(v.user, "fromfile");
	conf_free_values(nfsd_keys, &v);
	conf_file_free(da.cf);

	/* an -o key the daemon does not know fails in conf_apply */
	assert_int_equal(parse(&da, &ind, &seen, "-f", path, "-o",
	    "thread=1", NULL), 0);
	assert_int_equal(conf_apply(da.cf, "nfsd", nfsd_keys, &v, &err),
	    -EINVAL);
	assert_non_null(strstr(err.msg, "command line"));
	assert_non_null(strstr(err.msg, "'thread'"));
	conf_file_free(da.cf);

	unlink(path);
	rmdir(dir);
}

static void
test_args_errors(void **state)
{
	static const struct {
		const char	*a1, *a2;
		const char	*msg;
	} t[] = {
		{ "-D", "call,bogus", "-D call,bogus" },
		{ "-D", "", NULL },	/* empty list is fine */
		{ "-x", NULL, "unknown option -x" },
		{ "-f", NULL, "needs an argument" },
		{ "-f", "/nonexistent/nfs-suite.conf", "No such file" },
		{ "-o", "noequals", "KEY=VALUE" },
		{ "-o", "=value", "KEY=VALUE" },
		{ "-o", "bad key=1", "-o bad key=1" },
		{ "-p", "0", "-p 0" },		/* the daemon's callback said no */
		{ "-p", NULL, "needs an argument" },
	};
	struct extra_seen seen = { 0, false };
	struct daemon_args da;
	size_t i;
	int rc, ind;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = parse(&da, &ind, &seen, t[i].a1, t[i].a2, NULL);
		if (t[i].msg == NULL) {
			assert_int_equal(rc, 0);
			conf_file_free(da.cf);
			continue;
		}
		if (rc != -EINVAL || strstr(da.err, t[i].msg) == NULL)
			fail_msg("%s %s: rc %d err \"%s\"", t[i].a1,
			    t[i].a2 ? t[i].a2 : "", rc, da.err);
		assert_null(da.cf);
	}
}

static void
test_args_bad_conf(void **state)
{
	char dir[] = "/tmp/test_daemon.XXXXXX", path[128];
	const char *text = "[nfsd]\nthreads = 4\n[bogus]\n";
	struct extra_seen seen = { 0, false };
	struct daemon_args da;
	int ind;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/n.conf", dir);
	assert_int_equal(atomic_write_file(path, text, strlen(text), 0644), 0);
	assert_int_equal(parse(&da, &ind, &seen, "-f", path, NULL), -EINVAL);
	assert_null(da.cf);
	assert_non_null(strstr(da.err, path));
	assert_non_null(strstr(da.err, ":3:2: unknown section [bogus]"));
	unlink(path);
	rmdir(dir);
}

/* Run parse with stdout going to a file; returns rc, output in out. */
static int
parse_capture(const char *opt, char *out, size_t outlen)
{
	struct extra_seen seen = { 0, false };
	struct daemon_args da;
	char path[] = "/tmp/test_daemon_out.XXXXXX";
	int fd, saved, rc, ind;
	ssize_t n;

	assert_true((fd = mkstemp(path)) >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	rc = parse(&da, &ind, &seen, "-F", opt, "-x", NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	assert_null(da.cf);
	return rc;
}

static void
test_args_help_version(void **state)
{
	char out[512];

	(void)state;
	/* -h and -V answer before the bad option that follows them */
	assert_int_equal(parse_capture("-h", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "usage: rpc.nfsd "));
	assert_non_null(strstr(out, "-o key=value"));
	assert_non_null(strstr(out, " [nthreads]\n"));
	assert_int_equal(parse_capture("-V", out, sizeof(out)), 1);
	assert_string_equal(out, "rpc.nfsd nfs-suite " PACKAGE_VERSION "\n");
}

static void
test_args_help_lines(void **state)
{
	struct daemon_args da;
	char *argv[] = { (char *)"rpcbind", (char *)"-h", NULL };
	char path[] = "/tmp/test_daemon_out.XXXXXX", out[512];
	int fd, saved, rc, ind;
	ssize_t n;

	(void)state;
	/* option descriptions spanning lines go below the usage line */
	assert_true((fd = mkstemp(path)) >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	rc = daemon_parse_args(2, argv, "rpcbind", "w", "  -w\twarm start\n",
	    extra_cb, NULL, &da, &ind);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	assert_int_equal(rc, 1);
	assert_string_equal(out, "usage: rpcbind [-dFhTtV] [-D facilities] "
	    "[-f file] [-o key=value]\n  -w\twarm start\n"
	    "  --config FILE, --check-config, --print-config, --set KEY=VALUE, "
	    "--nfs-conf FILE,\n  --foreground, --no-seccomp, --help, "
	    "--version\n");
}

/* Operands first, then the descriptions; a daemon taking over common
 * letters (nfs-utils' -d, -t, -T, -V) hides them from the usage line; a
 * command-line error says so (exit 2 with the usage), a config error not. */
static int
usage_cb(int opt, const char *arg, void *p)
{
	(void)arg;
	(void)p;
	return opt == 'T' ? 0 : -EINVAL;
}

static void
test_args_usage_nfsd(void **state)
{
	struct daemon_args da;
	char *argv[] = { (char *)"rpc.nfsd", (char *)"-T", (char *)"-Z",
	    NULL };
	char *bad_conf[] = { (char *)"rpc.nfsd", (char *)"--config",
	    (char *)"/nonexistent/x.conf", NULL };
	char path[] = "/tmp/test_daemon_out.XXXXXX", out[512];
	int fd, saved, rc, ind;
	ssize_t n;

	(void)state;
	rc = daemon_parse_args(3, argv, "nfsd", "dtTV:", "[nthreads]\n"
	    "  -T\tno TCP\n", usage_cb, NULL, &da, &ind);
	assert_int_equal(rc, -EINVAL);
	assert_true(da.usage_error);
	assert_non_null(strstr(da.err, "-Z"));
	assert_true((fd = mkstemp(path)) >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	daemon_usage(&da, stdout);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	assert_non_null(strstr(out, "usage: rpc.nfsd [-Fh] [-D facilities] "
	    "[-f file] [-o key=value] [nthreads]\n  -T\tno TCP\n"));
	rc = daemon_parse_args(3, bad_conf, "nfsd", "dtTV:", NULL, usage_cb,
	    NULL, &da, &ind);
	assert_int_equal(rc, -EINVAL);
	assert_false(da.usage_error);
}

static int	long_seen[2];
static char	long_arg[32];

static int
long_cb(int opt, const char *arg, void *p)
{
	(void)p;
	if (opt == 'p' || opt == 300) {
		long_seen[opt == 'p' ? 0 : 1]++;
		if (arg != NULL)
			snprintf(long_arg, sizeof(long_arg), "%s", arg);
		return 0;
	}
	return -EINVAL;
}

static int
taken_cb(int opt, const char *arg, void *p)
{
	(void)p;
	if (opt == 'T' && arg != NULL && strcmp(arg, "4045") == 0) {
		long_seen[0]++;
		return 0;
	}
	return -EINVAL;
}

static void
test_args_long(void **state)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "no-notify", no_argument, NULL, 300 },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_args da;
	char *argv[] = { (char *)"rpc.statd", (char *)"--port", (char *)"662",
	    (char *)"--no-notify", (char *)"--check-config",
	    (char *)"--config", (char *)"/nonexistent/x.conf", NULL };
	char *bad[] = { (char *)"rpc.statd", (char *)"--bogus", NULL };
	char *taken[] = { (char *)"rpc.statd", (char *)"--print-config",
	    (char *)"-T4045", NULL };
	int rc, ind;

	(void)state;
	/* the daemon's own long options reach its callback; the common ones
	 * set the shared flags */
	rc = daemon_parse_args_long(5, argv, "statd", "p:", lo, NULL, long_cb,
	    NULL, &da, &ind);
	assert_int_equal(rc, 0);
	assert_int_equal(long_seen[0], 1);
	assert_int_equal(long_seen[1], 1);
	assert_string_equal(long_arg, "662");
	assert_true(da.check_only);
	conf_file_free(da.cf);
	/* an explicit --config must exist */
	rc = daemon_parse_args_long(7, argv, "statd", "p:", lo, NULL, long_cb,
	    NULL, &da, &ind);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(da.err, "/nonexistent/x.conf"));
	rc = daemon_parse_args_long(2, bad, "statd", "p:", lo, NULL, long_cb,
	    NULL, &da, &ind);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(da.err, "--bogus"));
	/* a daemon that takes over a common letter (rpc.statd: -T, -o)
	 * gets the letter, and the long option stays the common one */
	memset(long_seen, 0, sizeof(long_seen));
	rc = daemon_parse_args_long(3, taken, "statd", "p:T:", lo, NULL,
	    taken_cb, NULL, &da, &ind);
	assert_int_equal(rc, 0);
	assert_true(da.print_conf);
	assert_int_equal(long_seen[0], 1);
	conf_file_free(da.cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_sigpipe),
		cmocka_unit_test(test_priv_lookup),
		cmocka_unit_test(test_priv_drop),
		cmocka_unit_test(test_args_defaults),
		cmocka_unit_test(test_args_sample),
		cmocka_unit_test(test_args_errors),
		cmocka_unit_test(test_args_bad_conf),
		cmocka_unit_test(test_args_help_version),
		cmocka_unit_test(test_args_help_lines),
		cmocka_unit_test(test_args_usage_nfsd),
		cmocka_unit_test(test_args_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
