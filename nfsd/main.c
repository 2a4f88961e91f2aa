/*
 * main.c: rpc.nfsd: flags, configuration, exports, listeners on 2049,
 * registration, privileges, the loop.
 */
#include <linux/capability.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
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
#include "common/rpc/rpc_gss.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "nfsd/gidcache.h"
#include "nfsd/nfsd.h"
#include "nfsd/nfsd_procs.h"
#include "nfsd/ofcache.h"

struct nfsd_conf {
	long	 port;
	long	 threads;
	bool	 udp;
	char	*bind;
	char	*pidfile;
	long	 max_conns;
	long	 idle_timeout;
	long	 open_files;
	long	 open_files_idle;
	long	 drc_size;
	bool	 manage_gids;
};

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct nfsd_conf, f), d, lo, hi, h }
static const struct conf_key nfsd_keys[] = {
	K("port", CONF_INT, port, "2049", 1, 65535, "port for TCP and UDP"),
	K("threads", CONF_INT, threads, "16", 1, 512, "worker threads"),
	K("udp", CONF_BOOL, udp, "yes", 0, 0, "serve UDP as well as TCP"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on (empty: all, IPv4 and IPv6)"),
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
	CONF_KEY_END
};
#undef K

struct overrides {
	struct suite_overrides	 s;
	long			 port;
};

static struct nfsd	nfsd;
static struct nfsd_conf	conf;
static struct rpc_gss_config gconf;
static struct suite_conf sconf;
static char		ack_path[PATH_MAX];
static struct exp_live_src xsrc;

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct overrides *o = p;

	if (suite_conf_opt(&o->s, opt, arg) == 0)
		return 0;
	if (opt == 'p')
		return parse_port(arg, 1, &o->port);
	return -EINVAL;
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
	}
}

int
main(int argc, char **argv)
{
	struct daemon_args da;
	struct overrides o = { 0 };
	struct parse_err perr;
	struct rpc_srv_config sc;
	struct rpc_srv *srv;
	struct ofcache_sweeper *sweeper;
	struct ofcache *caches[2];
	char **binds = NULL;
	const char *cpath;
	int rc, oi, sigfd, pidfd;
	unsigned long long caps;
	char msg[256];

	rc = daemon_parse_args(argc, argv, "nfsd", SUITE_CONF_OPTS "p:",
	    SUITE_CONF_USAGE "  -p port\tport ([nfsd] port, 2049)\n",
	    extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "rpc.nfsd: %s\n", da.err);
		return 2;
	}
	log_init(da.foreground, "rpc.nfsd");
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
		return 1;
	}
	if (o.port != 0)
		conf.port = o.port;
	log_set_burst((unsigned)sconf.log_burst);
	if (suite_conf_ack_path(&sconf, "rpc.nfsd", ack_path,
	    sizeof(ack_path)) != 0)
		fatalx("state directory path too long");
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			suite_conf_print(stdout, &sconf);
			conf_print(stdout, "nfsd", nfsd_keys, &conf);
			conf_print(stdout, "gss", rpc_gss_conf_keys, &gconf);
			rc = 0;
		} else
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
	if (conf.manage_gids && (nfsd.gids = gidcache_new(4096)) == NULL)
		fatalx("out of memory");

	memset(&sc, 0, sizeof(sc));
	sc.nthreads = (unsigned)conf.threads;
	sc.max_conns = (unsigned)conf.max_conns;
	sc.idle_timeout = (unsigned)conf.idle_timeout;
	sc.max_record = NFSD_WTMAX + 64 * 1024;
	sc.queue_max = (unsigned)conf.threads * 64;
	sc.no_udp = !conf.udp;
	if ((srv = rpc_srv_new(&sc)) == NULL)
		fatalx("out of memory");
	rpc_srv_add_program(srv, nfsd_program(&nfsd));
	if (rpc_srv_enable_drc(srv, (unsigned)conf.drc_size) != 0)
		fatalx("out of memory");
	if ((binds = conf_list_split(conf.bind)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_listen_std(srv, (int)conf.port,
	    binds[0] != NULL ? (const char *const *)binds : NULL)) != 0)
		fatalx("cannot listen on port %ld: %s", conf.port, strerror(-rc));
	if (rpc_srv_register(srv) != 0)
		log_warnx("registration with rpcbind failed; is rpcbind running?");
	if ((sigfd = daemon_sigpipe()) < 0)
		fatalx("signals: %s", strerror(-sigfd));

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
	log_notice("rpc.nfsd %s serving NFS v3 and v2 on port %ld (%ld threads)",
	    PACKAGE_VERSION, conf.port, conf.threads);
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
	hostcache_free(nfsd.hosts);
	exp_holder_destroy(&nfsd.exports);
	ratelog_destroy(&nfsd.rate_denied);
	ratelog_destroy(&nfsd.rate_port);
	free(binds);
	conf_free_values(nfsd_keys, &conf);
	conf_free_values(rpc_gss_conf_keys, &gconf);
	suite_conf_free(&sconf);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
