/*
 * main.c: rpc.nfsd: flags, configuration, exports, listeners on 2049,
 * registration, privileges, the loop.
 *
 * The command line is nfs-utils' rpc.nfsd(8): [nthreads], -p, -N/-V, -t/-T,
 * -u/-U, -H, -s, -d. As with knfsd, "rpc.nfsd N" while one runs changes
 * its number of threads and "rpc.nfsd 0" stops it: the command finds the
 * daemon by its locked pid file, writes N to <pidfile>.ctl and sends it
 * SIGUSR2 (0: SIGTERM), then waits until the daemon removed the file (or
 * exited).
 */
#include <linux/capability.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/hostcache.h"
#include "common/log.h"
#include "common/rpc/auth_dh.h"
#include "common/rpc/rpc_gss.h"
#include "common/rpc/rpc_stats.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "nfsd/fhcache.h"
#include "nfsd/gidcache.h"
#include "nfsd/nfsacl.h"
#include "nfsd/nfsd.h"
#include "nfsd/nfsd_procs.h"
#include "nfsd/ofcache.h"

struct nfsd_conf {
	long	 port;
	long	 threads;
	bool	 udp;
	bool	 tcp;
	bool	 vers2;
	bool	 vers3;
	char	*bind;
	char	*pidfile;
	long	 max_conns;
	long	 idle_timeout;
	long	 open_files;
	long	 open_files_idle;
	long	 drc_size;
	bool	 manage_gids;
	bool	 acl;
	bool	 inline_calls;
	long	 handle_cache;
	struct rpc_stats_conf stats;
};

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct nfsd_conf, f), d, lo, hi, h }
static const struct conf_key nfsd_keys[] = {
	K("port", CONF_INT, port, "2049", 1, 65535, "port for TCP and UDP"),
	K("threads", CONF_INT, threads, "8", 1, 512, "worker threads"),
	K("udp", CONF_BOOL, udp, "no", 0, 0,
	    "serve over UDP (-u/-U; Debian 12: no)"),
	K("tcp", CONF_BOOL, tcp, "yes", 0, 0, "serve over TCP (-t/-T)"),
	K("vers2", CONF_BOOL, vers2, "no", 0, 0,
	    "serve NFS version 2 (-V 2/-N 2; Debian 12: no)"),
	K("vers3", CONF_BOOL, vers3, "yes", 0, 0,
	    "serve NFS version 3 (-V 3/-N 3)"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses or host names to listen on (-H; nfs.conf: host; "
	    "empty: all, IPv4 and IPv6)"),
	K("pidfile", CONF_STR, pidfile, RUNSTATEDIR "/rpc.nfsd.pid", 0, 0,
	    "pid file, locked while running"),
	K("max-connections", CONF_INT, max_conns, "1024", 4, 65536,
	    "connections before the least active is closed"),
	K("idle-timeout", CONF_INT, idle_timeout, "360", 1, 86400,
	    "seconds before an idle connection is closed"),
	K("open-files", CONF_INT, open_files, "1024", 16, 1000000,
	    "files kept open for READ and WRITE"),
	K("open-files-idle", CONF_INT, open_files_idle, "2", 1, 3600,
	    "seconds before an unused open file is closed"),
	K("drc-size", CONF_INT, drc_size, "4096", 64, 1000000,
	    "entries in the duplicate request cache"),
	K("manage-gids", CONF_BOOL, manage_gids, "no", 0, 0,
	    "take supplementary groups from the server's user database"),
	K("acl", CONF_BOOL, acl, "yes", 0, 0,
	    "serve NFS_ACL (100227, getfacl/setfacl on v2 and v3 mounts; "
	    "exports' no_acl hides ACLs)"),
	K("handle-cache", CONF_INT, handle_cache, "65536", 0, 16777216,
	    "objects whose handles READDIRPLUS and LOOKUP remember, by "
	    "device, inode and birth time (about 120 bytes each; 0: off)"),
	K("inline-calls", CONF_BOOL, inline_calls, "yes", 0, 0,
	    "run cheap calls (NULL, GETATTR, ACCESS, LOOKUP, FSSTAT, FSINFO, "
	    "PATHCONF) on the thread that read them"),
	RPC_STATS_CONF_KEYS(struct nfsd_conf, stats, "rpc.nfsd"),
	CONF_KEY_END
};
#undef K

/* The command line, as keys of [nfsd] added after the files (so that it
 * wins and --print-config says "command line"). */
struct overrides {
	struct suite_overrides	 s;
	const char		*port;
	int			 udp, tcp;	/* -1: not given */
	int			 vers2, vers3;
	char			 hosts[1024];	/* -H, comma separated */
	bool			 syslog;
	bool			 debug;
};

#define OPT_RDMA	300

static const struct option nfsd_long[] = {
	{ "debug",		no_argument,		NULL, 'd' },
	{ "host",		required_argument,	NULL, 'H' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "no-nfs-version",	required_argument,	NULL, 'N' },
	{ "nfs-version",	required_argument,	NULL, 'V' },
	{ "syslog",		no_argument,		NULL, 's' },
	{ "tcp",		no_argument,		NULL, 't' },
	{ "no-tcp",		no_argument,		NULL, 'T' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "no-udp",		no_argument,		NULL, 'U' },
	{ "rdma",		optional_argument,	NULL, OPT_RDMA },
	{ "lease-time",		required_argument,	NULL, 'L' },
	{ "grace-time",		required_argument,	NULL, 'G' },
	{ "state-dir",		required_argument,	NULL, 'S' },
	{ "exports-file",	required_argument,	NULL, 'e' },
	{ "exports-dir",	required_argument,	NULL, 'E' },
	{ NULL,			0,			NULL, 0 }
};

#define NFSD_OPTS	SUITE_CONF_OPTS "dH:p:N:V:stTuUrL:G:"
#define NFSD_USAGE \
	"[nthreads]\n" \
	"  nthreads\t\tworker threads ([nfsd] threads, 8); with an " \
	    "rpc.nfsd running:\n\t\t\tchange its count, 0 stops it\n" \
	"  -p, --port PORT\tport ([nfsd] port, 2049)\n" \
	"  -H, --host ADDR\tlisten on ADDR only (again for more; " \
	    "[nfsd] bind)\n" \
	"  -N, --no-nfs-version V\tdo not serve NFS version V (2, 3)\n" \
	"  -V, --nfs-version V\tserve NFS version V ([nfsd] vers2, vers3)\n" \
	"  -t, --tcp / -T, --no-tcp\tserve over TCP or not ([nfsd] tcp)\n" \
	"  -u, --udp / -U, --no-udp\tserve over UDP or not ([nfsd] udp)\n" \
	"  -s, --syslog\t\tlog to syslog even in the foreground\n" \
	"  -d, --debug\t\tlog debug messages\n" \
	"  -L, -G\t\taccepted; NFSv4 is not served, NLM's grace is " \
	    "[lockd] grace-period\n" \
	"  -S, --state-dir DIR\tstate directory ([global] state-dir)\n" \
	"  -e, --exports-file FILE\texports file ([exports] file)\n" \
	"  -E, --exports-dir DIR\texports directory ([exports] dir)\n"

static struct nfsd	nfsd;
static struct nfsd_conf	conf;
static struct rpc_gss_config gconf;
static struct suite_conf sconf;
static char		ack_path[PATH_MAX];
static char		ctl_path[PATH_MAX];
static struct exp_live_src xsrc;
static struct rpc_program nfs_prog;
static struct rpc_version nfs_vers[2];
static struct rpc_program acl_prog;
static struct rpc_version acl_vers[2];

/* -N / -V: 2 and 3 switch a version; NFSv4 is not served here, so -N 4
 * (Debian's RPCNFSDOPTS often has it) is what is done anyway. */
static int
nfs_version_opt(struct overrides *o, const char *arg, bool on)
{
	if (strcmp(arg, "2") == 0)
		o->vers2 = on;
	else if (strcmp(arg, "3") == 0)
		o->vers3 = on;
	else if (strcmp(arg, "4") == 0 || strcmp(arg, "4.0") == 0 ||
	    strcmp(arg, "4.1") == 0 || strcmp(arg, "4.2") == 0) {
		if (on)
			fprintf(stderr, "rpc.nfsd: NFS version %s is not "
			    "served by nfs-suite (versions 2 and 3 only)\n",
			    arg);
	} else
		return -EINVAL;
	return 0;
}

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct overrides *o = p;
	long port;
	size_t n;

	if (suite_conf_opt(&o->s, opt, arg) == 0)
		return 0;
	switch (opt) {
	case 'p':
		if (parse_port(arg, 1, &port) != 0)
			return -EINVAL;
		o->port = arg;
		return 0;
	case 'H':
		n = strlen(o->hosts);
		if (snprintf(o->hosts + n, sizeof(o->hosts) - n, "%s%s",
		    n > 0 ? "," : "", arg) >= (int)(sizeof(o->hosts) - n))
			return -EINVAL;
		return 0;
	case 'N':
		return nfs_version_opt(o, arg, false);
	case 'V':
		return nfs_version_opt(o, arg, true);
	case 't':
	case 'T':
		o->tcp = opt == 't';
		return 0;
	case 'u':
	case 'U':
		o->udp = opt == 'u';
		return 0;
	case 's':
		o->syslog = true;
		return 0;
	case 'd':
		o->debug = true;
		return 0;
	case 'r':
	case OPT_RDMA:
		fprintf(stderr, "rpc.nfsd: RDMA is not served by nfs-suite\n");
		return -EINVAL;
	case 'L':
	case 'G':
		/* nothing here to set: no NFSv4 leases; NLM's grace is
		 * rpc.lockd's */
		return 0;
	}
	return -EINVAL;
}

/* The command line's settings into [nfsd], after the files. */
static int
add_overrides(struct conf_file *cf, const struct overrides *o)
{
	int rc = 0;

#define ADD(k, v)	do { if (rc == 0) rc = conf_add(cf, "nfsd", k, v); } while (0)
	if (o->port != NULL)
		ADD("port", o->port);
	if (o->hosts[0] != '\0')
		ADD("bind", o->hosts);
	if (o->udp >= 0)
		ADD("udp", o->udp ? "yes" : "no");
	if (o->tcp >= 0)
		ADD("tcp", o->tcp ? "yes" : "no");
	if (o->vers2 >= 0)
		ADD("vers2", o->vers2 ? "yes" : "no");
	if (o->vers3 >= 0)
		ADD("vers3", o->vers3 ? "yes" : "no");
#undef ADD
	return rc;
}

/*
 * Is an rpc.nfsd running with this pid file? Its pid, 0 if none runs, or
 * -errno. It holds an flock(2) on the file while it runs.
 */
static long
running_pid(const char *pidfile)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd;

	if ((fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 0 : -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd);
		return 0;
	}
	if (errno != EWOULDBLOCK) {
		pid = -errno;
		close(fd);
		return pid;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 1 ? pid : -EIO;
}

/*
 * rpc.nfsd N with one running: tell it (0: stop it) and wait until it has
 * done so. Returns the exit status.
 */
static int
control_running(long pid, long n)
{
	char buf[32];
	int i, len, rc;

	if (n == 0) {
		if (kill((pid_t)pid, SIGTERM) != 0) {
			fprintf(stderr, "rpc.nfsd: stopping pid %ld: %s\n", pid,
			    strerror(errno));
			return 1;
		}
		/* it unregisters, then the pid file lock goes with it */
		for (i = 0; i < 600; i++) {
			if (running_pid(conf.pidfile) != pid)
				return 0;
			usleep(50 * 1000);
		}
		fprintf(stderr, "rpc.nfsd: pid %ld still running 30 s after "
		    "SIGTERM\n", pid);
		return 1;
	}
	len = snprintf(buf, sizeof(buf), "threads %ld\n", n);
	if ((rc = atomic_write_file(ctl_path, buf, (size_t)len, 0600)) != 0) {
		fprintf(stderr, "rpc.nfsd: %s: %s\n", ctl_path, strerror(-rc));
		return 1;
	}
	if (kill((pid_t)pid, SIGUSR2) != 0) {
		fprintf(stderr, "rpc.nfsd: signalling pid %ld: %s\n", pid,
		    strerror(errno));
		unlink(ctl_path);
		return 1;
	}
	for (i = 0; i < 200; i++) {
		if (access(ctl_path, F_OK) != 0)
			return 0;
		usleep(50 * 1000);
	}
	unlink(ctl_path);
	fprintf(stderr, "rpc.nfsd: pid %ld did not take the new thread count "
	    "within 10 s\n", pid);
	return 1;
}

/* SIGUSR2: <pidfile>.ctl says "threads N" (written by rpc.nfsd N). */
static void
take_control(struct rpc_srv *srv)
{
	struct stat st;
	char buf[64];
	ssize_t len;
	long n;
	char *end;
	int fd, rc;

	if ((fd = open(ctl_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT)
			log_warn("%s", ctl_path);
		return;
	}
	/* only what root (or whoever runs us) wrote */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		log_warnx("%s: not a file of ours: ignored", ctl_path);
		close(fd);
		return;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0) {
		(void)unlink(ctl_path);
		return;
	}
	buf[len] = '\0';
	errno = 0;
	if (strncmp(buf, "threads ", 8) != 0 ||
	    (n = strtol(buf + 8, &end, 10)) < 1 || n > 512 || errno != 0 ||
	    (*end != '\n' && *end != '\0')) {
		log_warnx("%s: expected \"threads N\" (1 to 512)", ctl_path);
		(void)unlink(ctl_path);
		return;
	}
	if ((rc = rpc_srv_set_threads(srv, (unsigned)n)) != 0)
		log_warnx("changing to %ld threads: %s", n, strerror(-rc));
	/* gone once done: what rpc.nfsd N waits for */
	(void)unlink(ctl_path);
	log_notice("%u threads", rpc_srv_threads(srv));
}

/*
 * May the event loop run a cheap call itself (rpc_srv_set_inline)? Not
 * when a handler might wait: for a client's host name (exports with
 * wildcards or netgroups), or for the user database (manage-gids, unless
 * the caller's groups are cached). A metadata change (CREATE, REMOVE,
 * SETATTR...) only when every export is async: on a sync export it waits
 * for the disk.
 */
static bool
inline_gate(void *arg, const struct req *rq, bool meta)
{
	uint32_t uid;

	(void)arg;
	if (exp_holder_needs_names(&nfsd.exports) ||
	    (meta && exp_holder_any_sync(&nfsd.exports)))
		return false;
	if (nfsd.gids != NULL && rpc_req_peek_sys_uid(rq, &uid) &&
	    !gidcache_known(nfsd.gids, (uid_t)uid))
		return false;	/* a worker asks NSS; the next call is cached */
	return true;
}

/* Once a second, in the loop thread: what the denial limiters counted. */
static void
on_timer(struct rpc_srv *srv, void *arg)
{
	(void)srv;
	(void)arg;
	ratelog_flush(&nfsd.rate_denied);
	ratelog_flush(&nfsd.rate_port);
}

/* A cached fd with unstable writes could not be flushed at its close. */
static void
on_sync_error(void *arg, int err)
{
	nfsd_write_verf_bump(arg, err);
}

/*
 * Descriptors: the open-file cache, one object per worker, every
 * connection, and the export roots. Raise the soft limit to what they
 * need (the hard limit permitting).
 */
static void
raise_nofile(void)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)(conf.open_files * 5 + conf.max_conns +
	    conf.threads * 4 + 256);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		/* as root we may raise the hard limit too */
		rl.rlim_max = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			(void)getrlimit(RLIMIT_NOFILE, &rl);
			want = rl.rlim_max;
		}
	}
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("raising the descriptor limit to %lu",
		    (unsigned long)want);
}

static void
on_signal(struct rpc_srv *srv, int sig, void *arg)
{
	(void)arg;
	switch (sig) {
	case SIGHUP:
		exp_holder_reload_async(&nfsd.exports, &xsrc, ack_path);
		break;
	case SIGTERM:
	case SIGINT:
		rpc_srv_stop(srv);
		break;
	case SIGUSR2:
		take_control(srv);
		break;
	}
}

/* The versions switched on, in a program of our own. */
static int
select_versions(void)
{
	const struct rpc_program *p = nfsd_program(&nfsd);
	unsigned i, n = 0;

	nfs_prog = *p;
	for (i = 0; i < p->nversions && n < nitems(nfs_vers); i++)
		if ((p->versions[i].vers == 2 && conf.vers2) ||
		    (p->versions[i].vers == 3 && conf.vers3))
			nfs_vers[n++] = p->versions[i];
	nfs_prog.versions = nfs_vers;
	nfs_prog.nversions = n;
	if (n == 0)
		return -EINVAL;
	/* NFS_ACL: the versions of NFS served (knfsd registers no others) */
	p = nfsacl_program(&nfsd);
	acl_prog = *p;
	for (i = 0, n = 0; i < p->nversions && n < nitems(acl_vers); i++)
		if ((p->versions[i].vers == 2 && conf.vers2) ||
		    (p->versions[i].vers == 3 && conf.vers3))
			acl_vers[n++] = p->versions[i];
	acl_prog.versions = acl_vers;
	acl_prog.nversions = n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct daemon_args da;
	struct overrides o;
	struct parse_err perr;
	struct rpc_srv_config sc;
	struct rpc_srv *srv;
	struct ofcache_sweeper *sweeper;
	struct ofcache *caches[2];
	char **binds = NULL;
	const char *cpath;
	int rc, oi, sigfd, pidfd;
	long nthreads = -1, running;
	unsigned long long caps;
	char msg[256], *end;

	memset(&o, 0, sizeof(o));
	o.udp = o.tcp = o.vers2 = o.vers3 = -1;
	rc = daemon_parse_args_long(argc, argv, "nfsd", NFSD_OPTS, nfsd_long,
	    NFSD_USAGE, extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (da.usage_error)
			return daemon_usage_error(&da, "%s", da.err);
		fprintf(stderr, "rpc.nfsd: %s\n", da.err);
		return 1;
	}
	if (oi < argc) {
		errno = 0;
		nthreads = strtol(argv[oi], &end, 10);
		if (oi + 1 < argc || *argv[oi] == '\0' || *end != '\0' ||
		    errno != 0 || nthreads < 0 || nthreads > 512) {
			rc = daemon_usage_error(&da, "unexpected argument "
			    "\"%s\" (the number of threads: 0 to 512)",
			    argv[oi + (oi + 1 < argc && *end == '\0')]);
			conf_file_free(da.cf);
			return rc;
		}
	}
	if (daemon_nfs_conf(&da, "nfsd") != 0 ||
	    add_overrides(da.cf, &o) != 0 ||
	    (nthreads > 0 && conf_add(da.cf, "nfsd", "threads",
	    argv[oi]) != 0)) {
		fprintf(stderr, "rpc.nfsd: %s\n", da.err[0] != '\0' ? da.err :
		    "out of memory");
		conf_file_free(da.cf);
		return 1;
	}
	if (o.debug)
		da.debug |= LOG_D_ALL;
	/* -s: syslog even in the foreground (nfs-utils logs to stderr) */
	log_init(da.foreground && !o.syslog, "rpc.nfsd");
	/* malloc's thresholds: see rpc_srv_new() (common/rpc/server.c) */
	log_set_debug(da.debug);
	cpath = da.cf != NULL ? conf_file_path(da.cf) : da.conf_path;
	memset(&perr, 0, sizeof(perr));
	if (conf_apply(da.cf, "nfsd", nfsd_keys, &conf, &perr) != 0 ||
	    conf_apply(da.cf, "gss", rpc_gss_conf_keys, &gconf, &perr) != 0 ||
	    suite_conf_apply(da.cf, &o.s, &sconf, &perr) != 0) {
		if (perr.line > 0)
			fprintf(stderr, "%s:%u:%u: %s\n", cpath, perr.line,
			    perr.col, perr.msg);
		else
			fprintf(stderr, "%s: %s\n", cpath, perr.msg);
		conf_file_free(da.cf);
		return 1;
	}
	log_set_burst((unsigned)sconf.log_burst);
	if (suite_conf_ack_path(&sconf, "rpc.nfsd", ack_path,
	    sizeof(ack_path)) != 0)
		fatalx("state directory path too long");
	if ((size_t)snprintf(ctl_path, sizeof(ctl_path), "%s.ctl",
	    conf.pidfile) >= sizeof(ctl_path))
		fatalx("pidfile path too long");
	rc = 0;
	if (!da.print_conf && !da.check_only) {
		if (!conf.vers2 && !conf.vers3) {
			fprintf(stderr, "rpc.nfsd: no NFS version to serve "
			    "(vers2 and vers3 are both off)\n");
			rc = 1;
		} else if (!conf.udp && !conf.tcp) {
			fprintf(stderr, "rpc.nfsd: no transport to serve "
			    "(udp and tcp are both off)\n");
			rc = 1;
		} else if (nthreads >= 0) {
			/* rpc.nfsd N: a running one changes, 0 stops it */
			running = running_pid(conf.pidfile);
			if (running > 0)
				rc = control_running(running, nthreads);
			else if (nthreads == 0)
				rc = 0;		/* nothing to stop */
			if (running > 0 || nthreads == 0) {
				da.check_only = true;	/* done: free, exit */
				rc = rc == 0 ? 0 : 1;
			}
		}
	}
	if (da.print_conf || da.check_only || rc != 0) {
		if (rc == 0 && da.print_conf) {
			suite_conf_print_src(stdout, &sconf, da.cf);
			conf_print_src(stdout, "nfsd", nfsd_keys, &conf, da.cf);
			conf_print_src(stdout, "gss", rpc_gss_conf_keys, &gconf,
			    da.cf);
		} else if (rc == 0 && nthreads < 0)
			rc = suite_conf_check_exports(&sconf, "rpc.nfsd");
		conf_free_values(nfsd_keys, &conf);
		conf_free_values(rpc_gss_conf_keys, &gconf);
		suite_conf_free(&sconf);
		conf_file_free(da.cf);
		return rc;
	}
	exp_holder_init(&nfsd.exports);
	ratelog_init(&nfsd.rate_denied, "NFS calls refused by the exports",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&nfsd.rate_port, "NFS calls refused from unprivileged "
	    "ports", RATELOG_BURST, RATELOG_INTERVAL);

	/* the modes clients send are the modes files get */
	umask(0);
	raise_nofile();
	if ((pidfd = daemon_pidfile(conf.pidfile)) < 0) {
		if (pidfd == -EAGAIN)
			fatalx("another rpc.nfsd is running (%s is locked)",
			    conf.pidfile);
		fatalx("%s: %s", conf.pidfile, strerror(-pidfd));
	}
	if ((rc = mkdir_p(sconf.state_dir, 0755)) != 0)
		fatalx("state directory %s: %s", sconf.state_dir, strerror(-rc));
	if ((rc = fh_key_load_or_create(sconf.keyfile, &nfsd.key)) != 0)
		fatalx("handle key %s: %s", sconf.keyfile, strerror(-rc));
	/* a new verifier on every start: clients resend unstable writes */
	{
		uint64_t v;

		if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
			fatal("getrandom");
		atomic_store(&nfsd.write_verf, v);
	}
	xsrc = suite_conf_src(&sconf);
	if (exp_holder_load(&nfsd.exports, &xsrc, ack_path, true) != 0)
		fatalx("no usable exports");
	if ((nfsd.ofc = ofcache_new((unsigned)conf.open_files)) == NULL ||
	    (nfsd.pathc = ofcache_new_path((unsigned)conf.open_files * 4)) ==
	    NULL)
		fatalx("out of memory");
	ofcache_set_idle(nfsd.ofc, (unsigned)conf.open_files_idle * 1000);
	ofcache_set_idle(nfsd.pathc, (unsigned)conf.open_files_idle * 1000);
	ofcache_set_sync_error(nfsd.ofc, on_sync_error, &nfsd);
	if (conf.handle_cache > 0 && (nfsd.fhc =
	    fhcache_new((unsigned)conf.handle_cache)) == NULL)
		fatalx("out of memory");
	if (conf.manage_gids && (nfsd.gids = gidcache_new(4096)) == NULL)
		fatalx("out of memory");

	if (select_versions() != 0)
		fatalx("no NFS version to serve");
	memset(&sc, 0, sizeof(sc));
	sc.nthreads = (unsigned)conf.threads;
	sc.max_conns = (unsigned)conf.max_conns;
	sc.idle_timeout = (unsigned)conf.idle_timeout;
	sc.max_record = NFSD_WTMAX + 64 * 1024;
	sc.queue_max = (unsigned)conf.threads * 64;
	sc.inline_fast = conf.inline_calls;
	sc.no_udp = !conf.udp;
	sc.no_tcp = !conf.tcp;
	if ((srv = rpc_srv_new(&sc)) == NULL)
		fatalx("out of memory");
	/* [global] auth-dh: keys read now, before the sandbox */
	if (sconf.auth_dh && (rc = rpc_srv_enable_dh(srv, sconf.dh_publickey,
	    sconf.dh_secretkey, msg, sizeof(msg))) != 0)
		fatalx("auth-dh: %s", msg);
	if (sconf.auth_dh)
		log_warnx("%s", msg);
	rpc_srv_add_program(srv, &nfs_prog);
	if (conf.acl)
		rpc_srv_add_program(srv, &acl_prog);
	rpc_srv_set_inline(srv, inline_gate, &conf);
	if (rpc_srv_enable_drc(srv, (unsigned)conf.drc_size) != 0)
		fatalx("out of memory");
	if (daemon_resolve_binds(conf.bind, NULL, &binds, msg,
	    sizeof(msg)) != 0)
		fatalx("bind: %s", msg);
	if ((rc = rpc_srv_listen_std(srv, (int)conf.port,
	    (const char *const *)binds)) != 0)
		fatalx("cannot listen on port %ld: %s", conf.port, strerror(-rc));
	if ((rc = rpc_srv_stats_setup(srv, "rpc.nfsd", &conf.stats, msg,
	    sizeof(msg))) < 0)
		fatalx("%s", msg);
	else if (rc > 0)
		log_warnx("%s", msg);
	(void)rpc_srv_add_metrics(srv, nfsd_metrics, &nfsd);
	/* signals before registering: once registered (NFS, then NFS_ACL)
	 * a SIGTERM must stop the daemon cleanly */
	if ((sigfd = daemon_sigpipe()) < 0)
		fatalx("signals: %s", strerror(-sigfd));
	if (rpc_srv_register(srv) != 0)
		log_warnx("registration with rpcbind failed; is rpcbind running?");

	/* stay uid 0, keep only what acting as the caller needs */
	caps = 1ULL << CAP_DAC_READ_SEARCH | 1ULL << CAP_DAC_OVERRIDE |
	    1ULL << CAP_FOWNER | 1ULL << CAP_CHOWN | 1ULL << CAP_FSETID |
	    1ULL << CAP_MKNOD | 1ULL << CAP_SETUID | 1ULL << CAP_SETGID;
	if ((rc = priv_drop("0", caps)) != 0)
		fatalx("dropping privileges: %s", strerror(-rc));
	log_info("running as uid 0 with CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE, "
	    "CAP_FOWNER, CAP_CHOWN, CAP_FSETID, CAP_MKNOD, CAP_SETUID, "
	    "CAP_SETGID only");
	if ((rc = sandbox_enter(SANDBOX_NFSD, caps, sconf.seccomp &&
	    !da.no_seccomp, msg, sizeof(msg))) != 0)
		fatalx("%s", msg);
	log_info("%s", msg);
	if (!da.foreground) {
		if (daemon_detach() != 0)
			fatal("detach");
		daemon_pidfile_update(pidfd);
	}
	log_notice("rpc.nfsd %s serving NFS %s%s on port %ld over %s (%ld "
	    "threads)", PACKAGE_VERSION, conf.vers2 && conf.vers3 ? "v3 and v2" :
	    conf.vers3 ? "v3" : "v2", conf.acl ? " with NFS_ACL" : "",
	    conf.port, conf.udp && conf.tcp ? "TCP and UDP" : conf.tcp ? "TCP" :
	    "UDP", conf.threads);
	/* threads only after detaching: fork() keeps none */
	if ((nfsd.hosts = hostcache_new(4096)) == NULL)
		fatalx("cannot start the host name resolver");
	/* Kerberos (sec=krb5, krb5i, krb5p) when there is a keytab */
	if (access(gconf.keytab, F_OK) != 0)
		log_info("no keytab %s: RPCSEC_GSS (sec=krb5*) is off",
		    gconf.keytab);
	else if ((rc = rpc_srv_enable_gss(srv, &gconf)) != 0)
		log_warnx("RPCSEC_GSS is off: %s", strerror(-rc));
	/* idle files closed (and flushed) by a thread of their own */
	caches[0] = nfsd.ofc;
	caches[1] = nfsd.pathc;
	if ((rc = ofcache_sweeper_start(caches, 2, &sweeper)) != 0)
		fatalx("cannot start the open-file sweeper: %s", strerror(-rc));
	rpc_srv_set_timer(srv, 1, on_timer, NULL);
	rc = rpc_srv_run(srv, sigfd, on_signal, NULL);
	log_notice("rpc.nfsd exiting");
	rpc_srv_unregister(srv);
	rpc_srv_free(srv);
	ofcache_sweeper_stop(sweeper);
	ofcache_free(nfsd.ofc);
	ofcache_free(nfsd.pathc);
	gidcache_free(nfsd.gids);
	fhcache_free(nfsd.fhc);
	hostcache_free(nfsd.hosts);
	exp_holder_destroy(&nfsd.exports);
	ratelog_destroy(&nfsd.rate_denied);
	ratelog_destroy(&nfsd.rate_port);
	daemon_binds_free(binds);
	conf_free_values(nfsd_keys, &conf);
	conf_free_values(rpc_gss_conf_keys, &gconf);
	suite_conf_free(&sconf);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
