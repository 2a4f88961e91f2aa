/*
 * daemon.c: process set-up shared by every daemon: the pidfile lock,
 * detaching, the signal self-pipe, dropping privileges and the common
 * command-line flags.
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/capability.h>

#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/log.h"
#include "common/nfsconf.h"
#include "common/util.h"

/* ---------------------------------------------------------------- pidfile */

static int
write_pid(int fd)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1)
		return -errno;
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return errno != 0 ? -errno : -EIO;
	return 0;
}

int
daemon_pidfile(const char *path)
{
	int fd, rc;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1)
		return -errno;
	/* flock(2) locks belong to the open file description: they survive
	 * daemon_detach()'s fork and vanish when the last holder dies. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		rc = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		close(fd);
		return rc;
	}
	if ((rc = write_pid(fd)) != 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int
daemon_pidfile_update(int fd)
{
	return write_pid(fd);
}

int
daemon_detach(void)
{
	pid_t pid;
	int fd;

	/* Whatever stdio holds must not be written twice. */
	fflush(NULL);
	if ((pid = fork()) == -1)
		return -errno;
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		return -errno;
	if (chdir("/") == -1)
		return -errno;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -errno;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		int rc = -errno;

		if (fd > STDERR_FILENO)
			close(fd);
		return rc;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* ---------------------------------------------------------------- signals */

/*
 * The write end of the self-pipe. A signal handler gets no context
 * argument, so this is the one piece of file-scope state in common/: set
 * by daemon_sigpipe() before the handlers are installed, read only by the
 * handler.
 */
static volatile sig_atomic_t sigpipe_wfd = -1;

static void
sig_handler(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n;

	/* A full pipe drops the byte: a pending byte is already queued. */
	n = write(sigpipe_wfd, &b, 1);
	(void)n;
	errno = saved;
}

int
daemon_sigpipe(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	int fds[2], old;
	size_t i;

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1)
		return -errno;
	old = sigpipe_wfd;
	sigpipe_wfd = fds[1];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < nitems(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			goto fail;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		goto fail;
	/* A second call replaces the pipe; the caller owns the old read end. */
	if (old != -1)
		close(old);
	return fds[0];
fail: {
		int rc = -errno;

		sigpipe_wfd = old;
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
}

int
daemon_sigpipe_read(int fd)
{
	unsigned char b;
	ssize_t n;

	for (;;) {
		n = read(fd, &b, 1);
		if (n == 1)
			return b;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
}

/* ---------------------------------------------------------------- privileges */

static int
pw_lookup(const char *name, uid_t uid, uid_t *uidp, gid_t *gidp)
{
	struct passwd pw, *res = NULL;
	char *buf = NULL, *nbuf;
	size_t len = 1024;
	int rc;

	for (;;) {
		if ((nbuf = realloc(buf, len)) == NULL) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		if (name != NULL)
			rc = getpwnam_r(name, &pw, buf, len, &res);
		else
			rc = getpwuid_r(uid, &pw, buf, len, &res);
		if (rc != ERANGE || len >= 1024 * 1024)
			break;
		len *= 4;
	}
	if (rc == 0 && res != NULL) {
		*uidp = pw.pw_uid;
		*gidp = pw.pw_gid;
	}
	free(buf);
	if (rc == ERANGE || rc == ENOMEM)
		return -rc;
	return res != NULL ? 0 : -ENOENT;
}

int
priv_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	unsigned long v;
	char *end;
	int rc;

	if (user == NULL || *user == '\0')
		return -ENOENT;
	if ((rc = pw_lookup(user, 0, uid, gid)) != -ENOENT)
		return rc;
	/* A numeric uid must still have a passwd entry: that is where its
	 * group comes from. */
	if (user[0] < '0' || user[0] > '9')
		return -ENOENT;
	errno = 0;
	v = strtoul(user, &end, 10);
	if (*end != '\0' || errno != 0 || v >= (uid_t)-1)
		return -ENOENT;
	return pw_lookup(NULL, (uid_t)v, uid, gid);
}

static int
capget_self(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};

	memset(data, 0, 2 * sizeof(data[0]));
	if (syscall(SYS_capget, &hdr, data) == -1)
		return -errno;
	return 0;
}

/* Permitted = effective = keep, inheritable empty. */
static int
capset_self(unsigned long long keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].permitted = data[0].effective = (uint32_t)keep;
	data[1].permitted = data[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		return -errno;
	return 0;
}

/*
 * Drop from the bounding set every capability not in keep, so that no
 * execve(2) can ever bring one back. Needs CAP_SETPCAP: without it (not
 * started with privilege) there is nothing a program could regain anyway,
 * and the set is left alone.
 */
static int
bounding_drop(unsigned long long keep)
{
	struct __user_cap_data_struct data[2];
	int cap, rc;

	if ((rc = capget_self(data)) != 0)
		return rc;
	if ((data[0].effective & (1U << CAP_SETPCAP)) == 0)
		return 0;
	/* up to the kernel's last capability (it may know more than our
	 * headers): PR_CAPBSET_READ says EINVAL past it */
	for (cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == -1) {
			if (errno == EINVAL)
				break;
			return -errno;
		}
		if ((keep & (1ULL << cap)) == 0 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return -errno;
	}
	return 0;
}

unsigned long long
priv_bounding_set(void)
{
	unsigned long long set = 0;
	int cap, r;

	for (cap = 0; cap < 64; cap++) {
		if ((r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) == -1)
			break;
		if (r == 1)
			set |= 1ULL << cap;
	}
	return set;
}

int
priv_drop(const char *user, unsigned long long keep_caps)
{
	struct __user_cap_data_struct data[2];
	unsigned long long perm, eff;
	uid_t uid;
	gid_t gid;
	int rc, was_root = geteuid() == 0;

	if (keep_caps >> (CAP_LAST_CAP + 1) != 0)
		return -EINVAL;
	if ((rc = priv_lookup(user, &uid, &gid)) != 0)
		return rc;
	/*
	 * Already that user and without privilege (a daemon run by a user,
	 * or a test): nothing left to drop, and setgroups() would fail.
	 */
	if (!was_root && getuid() == uid && geteuid() == uid &&
	    getgid() == gid && getegid() == gid && keep_caps == 0)
		return 0;
	if ((rc = bounding_drop(keep_caps)) != 0)
		return rc;
	/* Without KEEPCAPS the kernel clears every capability at setuid. */
	if (keep_caps != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return -errno;
	if (setgroups(0, NULL) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		rc = -errno;
		goto out;
	}
	if (keep_caps != 0 && (rc = capset_self(keep_caps)) != 0)
		goto out;

	/* Check the result rather than trust it. */
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || getgroups(0, NULL) != 0) {
		rc = -EPERM;
		goto out;
	}
	if ((rc = capget_self(data)) != 0)
		goto out;
	perm = (unsigned long long)data[1].permitted << 32 | data[0].permitted;
	eff = (unsigned long long)data[1].effective << 32 | data[0].effective;
	if (uid != 0 && (perm != keep_caps || eff != keep_caps)) {
		rc = -EPERM;
		goto out;
	}
	if (was_root && uid != 0 &&
	    (keep_caps & (1ULL << CAP_SETUID)) == 0 && setuid(0) != -1) {
		rc = -EPERM;
		goto out;
	}
	if (was_root && gid != 0 &&
	    (keep_caps & (1ULL << CAP_SETGID)) == 0 && setgid(0) != -1) {
		rc = -EPERM;
		goto out;
	}
	rc = 0;
out:
	if (keep_caps != 0)
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return rc;
}

/* ---------------------------------------------------------------- flags */

#define COMMON_OPTS	"Ff:dD:tTo:Vh"

static const char *
prog_name(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return "nfs-suite";
	p = strrchr(argv0, '/');
	return p != NULL ? p + 1 : argv0;
}

/*
 * usage_extra is either operands for the usage line ("[nthreads]") or, when
 * it spans lines, descriptions of the daemon's own options printed below.
 */
static void
usage(FILE *fp, const char *prog, const char *extra_opts,
    const char *usage_extra)
{
	const char *x = usage_extra != NULL ? usage_extra : "";
	bool lines = strchr(x, '\n') != NULL;
	size_t n = strlen(x), i, j = 0;
	char flags[8], ops[64] = "";

	/* "[nthreads]\n  -p ...": operands, then the descriptions */
	if (lines && *x != ' ' && *x != '\t' &&
	    (i = strcspn(x, "\n")) < sizeof(ops)) {
		snprintf(ops, sizeof(ops), " %.*s", (int)i, x);
		x += i + 1;
		n = strlen(x);
		lines = n > 0;
	}

	/* the common letters a daemon took over mean what it says below */
#define TAKEN(c)	(strchr(extra_opts, (c)) != NULL)
	for (i = 0; i < sizeof("dFhTtV") - 1; i++)
		if (!TAKEN("dFhTtV"[i]))
			flags[j++] = "dFhTtV"[i];
	flags[j] = '\0';
	fprintf(fp, "usage: %s [-%s]%s%s%s%s%s%s\n", prog, flags,
	    TAKEN('D') ? "" : " [-D facilities]", TAKEN('f') ? "" : " [-f file]",
	    TAKEN('o') ? "" : " [-o key=value]", !lines && n > 0 ? " " : "",
	    lines ? "" : x, ops);
#undef TAKEN
	if (lines)
		fprintf(fp, "%s%s", x, x[n - 1] == '\n' ? "" : "\n");
	fprintf(fp, "  --config FILE, --check-config, --print-config, "
	    "--set KEY=VALUE, --nfs-conf FILE,\n  --foreground, --no-seccomp, "
	    "--help, --version\n");
}

void
daemon_usage(const struct daemon_args *da, FILE *fp)
{
	usage(fp, da->prog != NULL ? da->prog : "nfs-suite",
	    da->extra_opts != NULL ? da->extra_opts : "", da->usage_extra);
}

int
daemon_usage_error(const struct daemon_args *da, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", da->prog != NULL ? da->prog : "nfs-suite");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	daemon_usage(da, stderr);
	return 2;
}

int
daemon_nfs_conf(struct daemon_args *da, const char *section)
{
	struct conf_file *nfs = NULL;
	struct parse_err perr;
	const char *path;
	int rc;

	if ((path = da->nfs_conf) == NULL &&
	    (path = conf_get(da->cf, "global", "nfs-conf", NULL)) == NULL)
		path = NFSCONF_DEFAULT_PATH;
	if (*path == '\0' || da->cf == NULL)
		return 0;
	if ((rc = conf_load_foreign(path, &nfs, &perr)) != 0) {
		if (perr.line != 0)
			snprintf(da->err, sizeof(da->err), "%s:%u:%u: %s",
			    path, perr.line, perr.col, perr.msg);
		else
			snprintf(da->err, sizeof(da->err), "%s: %s", path,
			    strerror(-rc));
		return -EINVAL;
	}
	rc = nfsconf_import(da->cf, nfs, section);
	conf_file_free(nfs);
	if (rc < 0) {
		snprintf(da->err, sizeof(da->err), "%s: %s", path,
		    strerror(-rc));
		return -EINVAL;
	}
	return 0;
}

/* The long forms every daemon takes; a daemon's own come first. */
/*
 * The common long options come back from getopt_long as LONG_COMMON + the
 * letter of their short form, so that a daemon taking the letter over
 * (rpc.statd's -T and -o are nfs-utils') keeps the long option common:
 * --print-config must not reach rpc.statd as its -T.
 */
#define LONG_COMMON	0x10000
#define LONG_NO_SECCOMP	(LONG_COMMON + 0x100)	/* no short form */
#define LONG_NFS_CONF	(LONG_COMMON + 0x101)
static const struct option common_long[] = {
	{ "config",		required_argument,	NULL, LONG_COMMON + 'f' },
	{ "set",		required_argument,	NULL, LONG_COMMON + 'o' },
	{ "nfs-conf",		required_argument,	NULL, LONG_NFS_CONF },
	{ "check-config",	no_argument,		NULL, LONG_COMMON + 't' },
	{ "print-config",	no_argument,		NULL, LONG_COMMON + 'T' },
	{ "foreground",		no_argument,		NULL, LONG_COMMON + 'F' },
	{ "no-seccomp",		no_argument,		NULL, LONG_NO_SECCOMP },
	{ "help",		no_argument,		NULL, LONG_COMMON + 'h' },
	{ "version",		no_argument,		NULL, LONG_COMMON + 'V' },
};
#define NCOMMON_LONG	(sizeof(common_long) / sizeof(common_long[0]))

/* Is c one of the daemon's own options (a letter in extra_opts, or a
 * long-only value >= 256 in extra_long)? */
static bool
is_extra(int c, const char *extra_opts, const struct option *extra_long)
{
	const struct option *o;

	if (c > 0 && c < 256 && c != ':' && strchr(extra_opts, c) != NULL)
		return true;
	for (o = extra_long; o != NULL && o->name != NULL; o++)
		if (o->flag == NULL && o->val == c && c >= 256)
			return true;
	return false;
}

/*
 * Apply the -o KEY=VALUE overrides to da->cf. Blanks around KEY are
 * dropped; VALUE is taken as given (the shell has already quoted it).
 */
static int
apply_overrides(struct daemon_args *da, const char *section,
    char **overrides, size_t n)
{
	const char *k, *kend, *eq;
	char *key;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		for (k = overrides[i]; *k == ' ' || *k == '\t'; k++)
			;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(da->err, sizeof(da->err),
			    "-o %s: expected KEY=VALUE", overrides[i]);
			return -EINVAL;
		}
		for (kend = eq; kend > k && (kend[-1] == ' ' ||
		    kend[-1] == '\t'); kend--)
			;
		if (kend == k) {
			snprintf(da->err, sizeof(da->err),
			    "-o %s: expected KEY=VALUE", overrides[i]);
			return -EINVAL;
		}
		if ((key = strndup(k, (size_t)(kend - k))) == NULL) {
			snprintf(da->err, sizeof(da->err), "out of memory");
			return -ENOMEM;
		}
		rc = conf_add(da->cf, section, key, eq + 1);
		free(key);
		if (rc != 0) {
			snprintf(da->err, sizeof(da->err),
			    "-o %s: %s", overrides[i], rc == -EINVAL ?
			    "bad key name or value" : strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int
daemon_parse_args(int argc, char **argv, const char *section,
    const char *extra_opts, const char *usage_extra,
    int (*extra)(int opt, const char *optarg, void *arg), void *arg,
    struct daemon_args *da, int *optindp)
{
	return daemon_parse_args_long(argc, argv, section, extra_opts, NULL,
	    usage_extra, extra, arg, da, optindp);
}

int
daemon_parse_args_long(int argc, char **argv, const char *section,
    const char *extra_opts, const struct option *extra_long,
    const char *usage_extra,
    int (*extra)(int opt, const char *optarg, void *arg), void *arg,
    struct daemon_args *da, int *optindp)
{
	struct option *longopts = NULL;
	size_t nlong = 0, i;
	struct parse_err perr;
	char *optstr = NULL, **overrides = NULL;
	const char *prog = prog_name(argc > 0 ? argv[0] : NULL);
	size_t noverrides = 0, len;
	bool explicit_conf = false;
	unsigned mask;
	int c, rc;

	memset(da, 0, sizeof(*da));
	da->conf_path = CONF_DEFAULT_PATH;
	da->prog = prog;
	da->extra_opts = extra_opts != NULL ? extra_opts : "";
	da->usage_extra = usage_extra;
	if (optindp != NULL)
		*optindp = argc;
	if (extra_opts == NULL)
		extra_opts = "";
	/*
	 * "+": stop at the first operand (no GNU permutation); ":": report a
	 * missing argument as ':'. The daemon's own options come first so
	 * one of them may take over a common letter.
	 */
	len = strlen(extra_opts) + sizeof(COMMON_OPTS) + 2;
	if ((optstr = malloc(len)) == NULL ||
	    (overrides = calloc((size_t)(argc > 0 ? argc : 1),
	    sizeof(*overrides))) == NULL) {
		snprintf(da->err, sizeof(da->err), "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	snprintf(optstr, len, "+:%s%s", extra_opts, COMMON_OPTS);
	while (extra_long != NULL && extra_long[nlong].name != NULL)
		nlong++;
	if ((longopts = calloc(nlong + NCOMMON_LONG + 1,
	    sizeof(*longopts))) == NULL) {
		snprintf(da->err, sizeof(da->err), "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nlong; i++)
		longopts[i] = extra_long[i];
	for (i = 0; i < NCOMMON_LONG; i++)
		longopts[nlong + i] = common_long[i];

	optind = 0;	/* glibc: full re-initialisation, for repeated calls */
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstr, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			da->usage_error = true;
		if (c == '?') {
			/* an unknown or ambiguous long option: name it */
			if (optopt == 0 && optind > 0 && optind <= argc)
				snprintf(da->err, sizeof(da->err),
				    "unknown option %s (--help lists them)",
				    argv[optind - 1]);
			else
				snprintf(da->err, sizeof(da->err),
				    "unknown option -%c", optopt);
			rc = -EINVAL;
			goto out;
		}
		if (c == ':') {
			if (optopt == 0 || optopt >= 256)
				snprintf(da->err, sizeof(da->err),
				    "option %s needs an argument",
				    argv[optind - 1]);
			else
				snprintf(da->err, sizeof(da->err),
				    "option -%c needs an argument", optopt);
			rc = -EINVAL;
			goto out;
		}
		if (is_extra(c, extra_opts, extra_long)) {
			if (extra == NULL ||
			    (rc = extra(c, optarg, arg)) != 0) {
				da->usage_error = true;
				if (c >= 256)
					snprintf(da->err, sizeof(da->err),
					    "bad value for a long option%s%s",
					    optarg != NULL ? ": " : "",
					    optarg != NULL ? optarg : "");
				else
					snprintf(da->err, sizeof(da->err),
					    "bad option -%c%s%s", c,
					    optarg != NULL ? " " : "",
					    optarg != NULL ? optarg : "");
				rc = -EINVAL;
				goto out;
			}
			continue;
		}
		if (c == LONG_NO_SECCOMP) {
			da->no_seccomp = true;
			continue;
		}
		if (c == LONG_NFS_CONF) {
			da->nfs_conf = optarg;
			continue;
		}
		if (c >= LONG_COMMON)
			c -= LONG_COMMON;
		switch (c) {
		case 'F':
			da->foreground = true;
			break;
		case 'f':
			da->conf_path = optarg;
			explicit_conf = true;
			break;
		case 'd':
			da->foreground = true;
			da->debug |= LOG_D_ALL;
			break;
		case 'D':
			if (log_parse_debug(optarg, &mask) != 0) {
				da->usage_error = true;
				snprintf(da->err, sizeof(da->err),
				    "-D %s: unknown debug facility (call, "
				    "auth, xprt, export, fh, vfs, state, all)",
				    optarg);
				rc = -EINVAL;
				goto out;
			}
			da->debug |= mask;
			break;
		case 't':
			da->check_only = true;
			break;
		case 'T':
			da->print_conf = true;
			break;
		case 'o':
			overrides[noverrides++] = optarg;
			break;
		case 'V':
			printf("%s nfs-suite %s\n", prog, PACKAGE_VERSION);
			rc = 1;
			goto out;
		case 'h':
			usage(stdout, prog, extra_opts, usage_extra);
			rc = 1;
			goto out;
		default:
			da->usage_error = true;
			snprintf(da->err, sizeof(da->err), "unknown option -%c",
			    c);
			rc = -EINVAL;
			goto out;
		}
	}
	if (optindp != NULL)
		*optindp = optind;

	rc = conf_load(da->conf_path, !explicit_conf, &da->cf, &perr);
	if (rc != 0) {
		if (perr.line != 0)
			snprintf(da->err, sizeof(da->err), "%s:%u:%u: %s",
			    da->conf_path, perr.line, perr.col, perr.msg);
		else
			snprintf(da->err, sizeof(da->err), "%s: %s",
			    da->conf_path, strerror(-rc));
		rc = -EINVAL;
		goto out;
	}
	if ((rc = apply_overrides(da, section, overrides, noverrides)) != 0) {
		da->usage_error = true;
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		conf_file_free(da->cf);
		da->cf = NULL;
	}
	free(optstr);
	free(overrides);
	free(longopts);
	return rc;
}

/* ---------------------------------------------------------------- addresses */

/* Append a copy of s to *v (n entries, NULL-terminated) unless there. */
static int
vec_add(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if ((nv = reallocarray(*v, *n + 2, sizeof(*nv))) == NULL)
		return -ENOMEM;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

void
daemon_binds_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
daemon_resolve_binds(const char *list, const char *const *extra, char ***out,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sl;
	char **names = NULL, **v = NULL, buf[INET6_ADDRSTRLEN + 8];
	size_t n = 0, i;
	int rc = 0, g;

	*out = NULL;
	if ((names = conf_list_split(list)) == NULL)
		return -ENOMEM;
	for (i = 0; names[i] != NULL && rc == 0; i++) {
		if (addr_pton(names[i], &ss, &sl) == 0) {
			rc = vec_add(&v, &n, names[i]);
			continue;
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_ADDRCONFIG;
		if ((g = getaddrinfo(names[i], NULL, &hints, &res)) != 0) {
			snprintf(err, errlen, "%s: %s", names[i],
			    gai_strerror(g));
			rc = -EINVAL;
			break;
		}
		for (ai = res; ai != NULL && rc == 0; ai = ai->ai_next)
			if ((ai->ai_family == AF_INET ||
			    ai->ai_family == AF_INET6) &&
			    addr_ntop(ai->ai_addr, buf, sizeof(buf)) != NULL)
				rc = vec_add(&v, &n, buf);
		freeaddrinfo(res);
	}
	/* the addresses always added to a non-empty list (rpcbind -h) */
	for (i = 0; rc == 0 && n > 0 && extra != NULL && extra[i] != NULL; i++)
		rc = vec_add(&v, &n, extra[i]);
	free(names);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc != 0) {
		daemon_binds_free(v);
		return rc;
	}
	*out = v;	/* NULL: the list was empty */
	return 0;
}
