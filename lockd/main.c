/*
 * rpc.lockd: the Network Lock Manager (program 100021, versions 1, 3, 4).
 * main() reads flags and the [lockd], [global] and [exports] sections of
 * the suite config, loads the exports (as rpc.nfsd: the same etab, the
 * same handle key), listens, registers with rpcbind, keeps only the
 * capabilities it needs, settles with statd (lockd_nsm.c), starts the
 * grace period and runs the RPC core. SIGHUP reloads the exports;
 * SIGTERM/SIGINT unregister and stop (the locks go with the process).
 */
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/hostcache.h"
#include "common/log.h"
#include "common/rpc/rpc_stats.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "lockd/lockd.h"

struct lockd_conf {
	long	 port;
	long	 threads;
	char	*bind;
	char	*pidfile;
	long	 grace;
	long	 max_hosts;
	long	 max_files;
	long	 max_waiters;
	long	 max_waiters_host;
	long	 host_idle;
	long	 statd_timeout;
	bool	 udp;
	struct rpc_stats_conf stats;
};

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct lockd_conf, f), d, lo, hi, h }
static const struct conf_key lockd_keys[] = {
	K("port", CONF_INT, port, "0", 0, 65535,
	    "UDP and TCP port (0: any free port; fix it for firewalls)"),
	K("threads", CONF_INT, threads, "4", 1, 64, "worker threads"),
	K("udp", CONF_BOOL, udp, "yes", 0, 0, "serve UDP as well as TCP"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	K("pidfile", CONF_STR, pidfile, RUNSTATEDIR "/rpc.lockd.pid", 0, 0,
	    "pid file, locked while running (exportfs signals it)"),
	K("grace-period", CONF_INT, grace, "90", 0, 3600,
	    "seconds after start when only reclaims are granted"),
	K("max-hosts", CONF_INT, max_hosts, "4096", 1, 1000000,
	    "client hosts holding locks"),
	K("max-files", CONF_INT, max_files, "8192", 16, 1000000,
	    "open file descriptions (one per owner and locked file)"),
	K("max-waiters", CONF_INT, max_waiters, "4096", 1, 1000000,
	    "blocked lock requests queued in all"),
	K("max-waiters-per-host", CONF_INT, max_waiters_host, "64", 1, 100000,
	    "blocked lock requests queued per client host"),
	K("host-idle", CONF_INT, host_idle, "300", 10, 86400,
	    "seconds before a host holding nothing is unmonitored"),
	K("statd-timeout", CONF_INT, statd_timeout, "5", 1, 60,
	    "seconds to wait for the local statd"),
	RPC_STATS_CONF_KEYS(struct lockd_conf, stats, "rpc.lockd"),
	CONF_KEY_END
};
#undef K

struct opts {
	long			 port;		/* -1: config */
	long			 grace;
	struct suite_overrides	 s;
};

#define OPT_GRACE	300

static struct lockd	 lk;
static struct lockd_conf conf;
static struct suite_conf sconf;
static struct exp_live_src xsrc;
static char		 ack_path[PATH_MAX];

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;
	char *end;

	if (suite_conf_opt(&o->s, opt, arg) == 0)
		return 0;
	switch (opt) {
	case 'p':
		return parse_port(arg, 0, &o->port);
	case 'g':
	case OPT_GRACE:
		errno = 0;
		o->grace = strtol(arg, &end, 10);
		return errno != 0 || *end != '\0' || end == arg ||
		    o->grace < 0 || o->grace > 3600 ? -EINVAL : 0;
	}
	return -EINVAL;
}

static void
on_timer(struct rpc_srv *srv, void *arg)
{
	static time_t next_gc;
	time_t now = time(NULL);

	(void)srv;
	(void)arg;
	pthread_mutex_lock(&lk.lock);
	(void)lk_in_grace(&lk, now);
	lk_blocks_timer(&lk, now);
	if (now >= next_gc) {
		next_gc = now + 60;
		lk_hosts_gc(&lk, now);
	}
	pthread_mutex_unlock(&lk.lock);
	lk_nsm_timer(&lk, now);
	ratelog_flush(&lk.rate_denied);
	ratelog_flush(&lk.rate_limits);
}

static void
on_signal(struct rpc_srv *srv, int sig, void *arg)
{
	(void)arg;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: stopping", sig);
		rpc_srv_unregister(srv);
		rpc_srv_stop(srv);
		break;
	case SIGHUP:
		exp_holder_reload_async(&lk.exports, &xsrc, ack_path);
		break;
	default:
		break;
	}
}

static void
raise_nofile(void)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)(conf.max_files + 1024 + 256);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
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

/* The UDP sockets callbacks leave from, on a reserved port (clients'
 * lock managers may insist on one). */
static int
callback_socket(int family)
{
	int fd, rc;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (family == AF_INET6) {
		int on = 1;

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (geteuid() == 0 && (rc = rpc_bind_reserved(fd, family)) < 0)
		log_warnx("no reserved port for callbacks: %s", strerror(-rc));
	return fd;
}

static int
apply_config(const struct daemon_args *da, const struct opts *o)
{
	struct parse_err err;
	const char *path;

	path = da->cf != NULL ? conf_file_path(da->cf) : da->conf_path;
	memset(&err, 0, sizeof(err));
	if (conf_apply(da->cf, "lockd", lockd_keys, &conf, &err) != 0 ||
	    suite_conf_apply(da->cf, &o->s, &sconf, &err) != 0) {
		if (err.line > 0)
			fprintf(stderr, "rpc.lockd: %s:%u:%u: %s\n", path,
			    err.line, err.col, err.msg);
		else
			fprintf(stderr, "rpc.lockd: %s: %s\n", path, err.msg);
		return -EINVAL;
	}
	if (o->port >= 0)
		conf.port = o->port;
	if (o->grace >= 0)
		conf.grace = o->grace;
	if (suite_conf_ack_path(&sconf, "rpc.lockd", ack_path,
	    sizeof(ack_path)) != 0)
		return -ENAMETOOLONG;
	xsrc = suite_conf_src(&sconf);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "grace-period", required_argument, NULL, OPT_GRACE },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_args da;
	struct rpc_srv_config scfg;
	struct rpc_clnt_config ccfg;
	struct opts o = { -1, -1, { NULL, NULL, NULL } };
	struct rpc_srv *srv;
	char path[PATH_MAX], **bind = NULL, **keys = NULL;
	size_t nkeys = 0;
	unsigned long long caps = 0;
	char msg[256];
	int rc, oi, pidfd, sigfd;

	rc = daemon_parse_args_long(argc, argv, "lockd", SUITE_CONF_OPTS "p:g:",
	    longopts, SUITE_CONF_USAGE
	    "  -p, --port port\tport to listen on ([lockd] port, 0: any)\n"
	    "  -g, --grace-period secs\tgrace period ([lockd] grace-period, "
	    "90)\n", extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (da.usage_error)
			return daemon_usage_error(&da, "%s", da.err);
		fprintf(stderr, "rpc.lockd: %s\n", da.err);
		return 2;
	}
	if (oi < argc) {
		(void)daemon_usage_error(&da, "unexpected argument \"%s\"",
		    argv[oi]);
		conf_file_free(da.cf);
		return 2;
	}
	if (daemon_nfs_conf(&da, "lockd") != 0) {
		fprintf(stderr, "rpc.lockd: %s\n", da.err);
		conf_file_free(da.cf);
		return 1;
	}
	if (apply_config(&da, &o) != 0)
		return 1;
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			conf_print_src(stdout, "lockd", lockd_keys, &conf,
			    da.cf);
			suite_conf_print_src(stdout, &sconf, da.cf);
			rc = 0;
		} else
			rc = suite_conf_check_exports(&sconf, "rpc.lockd");
		conf_free_values(lockd_keys, &conf);
		suite_conf_free(&sconf);
		conf_file_free(da.cf);
		return rc;
	}

	log_init(da.foreground, "rpc.lockd");
	log_set_debug(da.debug);
	log_set_burst((unsigned)sconf.log_burst);
	raise_nofile();
	if ((pidfd = daemon_pidfile(conf.pidfile)) < 0) {
		if (pidfd == -EAGAIN)
			fatalx("another rpc.lockd is running (%s is locked)",
			    conf.pidfile);
		fatalx("pidfile %s: %s", conf.pidfile, strerror(-pidfd));
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/lockd",
	    sconf.state_dir) >= sizeof(path) ||
	    (size_t)snprintf(lk.hosts_file, sizeof(lk.hosts_file), "%s/hosts",
	    path) >= sizeof(lk.hosts_file))
		fatalx("state-dir too long");
	if ((rc = mkdir_p(path, 0755)) != 0)
		fatalx("state directory %s: %s", path, strerror(-rc));
	if ((rc = fh_key_load_or_create(sconf.keyfile, &lk.key)) != 0)
		fatalx("handle key %s: %s", sconf.keyfile, strerror(-rc));
	exp_holder_init(&lk.exports);
	if (exp_holder_load(&lk.exports, &xsrc, ack_path, true) != 0)
		fatalx("cannot load the exports");

	pthread_mutex_init(&lk.lock, NULL);
	ratelog_init(&lk.rate_denied, "lock requests refused by the exports",
	    RATELOG_BURST, RATELOG_INTERVAL);
	ratelog_init(&lk.rate_limits, "lock requests refused for lack of room",
	    RATELOG_BURST, RATELOG_INTERVAL);
	pthread_cond_init(&lk.mon_cond, NULL);
	lk.lim.max_hosts = (unsigned)conf.max_hosts;
	lk.lim.max_owners_per_host = 1024;
	lk.lim.max_files = (unsigned)conf.max_files;
	lk.lim.max_waiters = (unsigned)conf.max_waiters;
	lk.lim.max_waiters_per_host = (unsigned)conf.max_waiters_host;
	lk.lim.max_shares_per_host = 1024;
	lk.lim.host_idle = (unsigned)conf.host_idle;
	lk.statd_timeout_ms = (unsigned)conf.statd_timeout * 1000;
	if (gethostname(lk.hostname, sizeof(lk.hostname) - 1) != 0)
		snprintf(lk.hostname, sizeof(lk.hostname), "localhost");
	if (getrandom(lk.boot, sizeof(lk.boot), 0) != (ssize_t)sizeof(lk.boot) ||
	    getrandom(&lk.next_id, sizeof(lk.next_id), 0) !=
	    (ssize_t)sizeof(lk.next_id))
		fatal("getrandom");
	lk.next_id &= 0xffffffffffffULL;	/* room to count up */

	memset(&scfg, 0, sizeof(scfg));
	scfg.nthreads = (unsigned)conf.threads;
	scfg.no_udp = !conf.udp;
	if ((srv = rpc_srv_new(&scfg)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_add_program(srv, lockd_program(&lk))) != 0)
		fatalx("add program: %s", strerror(-rc));
	if ((bind = conf_list_split(conf.bind)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_listen_std(srv, (int)conf.port,
	    bind[0] != NULL ? (const char *const *)bind : NULL)) != 0)
		fatalx("listen on port %ld: %s", conf.port, strerror(-rc));
	if ((rc = rpc_srv_stats_setup(srv, "rpc.lockd", &conf.stats, msg,
	    sizeof(msg))) < 0)
		fatalx("%s", msg);
	else if (rc > 0)
		log_warnx("%s", msg);
	memset(&ccfg, 0, sizeof(ccfg));
	ccfg.udp4_fd = callback_socket(AF_INET);
	ccfg.udp6_fd = callback_socket(AF_INET6);
	ccfg.tcp_reserved = geteuid() == 0;
	if ((rc = rpc_srv_register(srv)) != 0)
		log_warnx("register with rpcbind: %s; clients will not find "
		    "the lock manager", strerror(-rc));

	if (geteuid() == 0) {
		/* opening files by handle and for locking as root, acting
		 * as the caller for the permission check, reserved ports
		 * for callbacks */
		caps = 1ULL << CAP_DAC_READ_SEARCH | 1ULL << CAP_DAC_OVERRIDE |
		    1ULL << CAP_SETUID | 1ULL << CAP_SETGID |
		    1ULL << CAP_NET_BIND_SERVICE;
		if ((rc = priv_drop("0", caps)) != 0)
			fatalx("drop capabilities: %s", strerror(-rc));
		log_info("running as uid 0 with CAP_DAC_READ_SEARCH, "
		    "CAP_DAC_OVERRIDE, CAP_SETUID, CAP_SETGID, "
		    "CAP_NET_BIND_SERVICE only");
	} else
		log_notice("not started as root: running as uid %lu",
		    (unsigned long)geteuid());
	if ((rc = sandbox_enter(SANDBOX_LOCKD, caps, sconf.seccomp &&
	    !da.no_seccomp, msg, sizeof(msg))) != 0)
		fatalx("%s", msg);
	log_info("%s", msg);
	if (!da.foreground) {
		if ((rc = daemon_detach()) != 0)
			fatalx("detach: %s", strerror(-rc));
		(void)daemon_pidfile_update(pidfd);
	}
	if ((sigfd = daemon_sigpipe()) < 0)
		fatalx("signals: %s", strerror(-sigfd));

	/* threads only after detaching: fork() keeps none */
	if ((lk.clnt = rpc_clnt_new(&ccfg)) == NULL)
		fatal("cannot start the callback client");
	if ((lk.names = hostcache_new(4096)) == NULL)
		fatalx("cannot start the host name resolver");
	lk_nsm_startup(&lk, &keys, &nkeys);
	if (grace_start(&lk.grace, time(NULL), (unsigned)conf.grace, keys,
	    nkeys) != 0)
		fatalx("out of memory");
	if (conf.grace > 0)
		log_notice("grace period of %ld s: reclaims only, waiting for "
		    "%zu former client host(s)", conf.grace, nkeys);
	lk_keys_free(keys, nkeys);
	log_notice("rpc.lockd %s serving NLM v1, v3 and v4 on port %d (udp), "
	    "%d (tcp)", PACKAGE_VERSION, rpc_srv_port(srv, RPC_XPRT_UDP,
	    AF_INET), rpc_srv_port(srv, RPC_XPRT_TCP, AF_INET));
	rpc_srv_set_timer(srv, 1, on_timer, NULL);
	rc = rpc_srv_run(srv, sigfd, on_signal, NULL);
	if (rc != 0)
		log_warnx("server: %s", strerror(-rc));
	rpc_srv_unregister(srv);
	rpc_srv_free(srv);
	rpc_clnt_free(lk.clnt);

	/* the locks go with the descriptions; the host list stays for the
	 * next run's grace period */
	pthread_mutex_lock(&lk.lock);
	lk_state_free(&lk);
	pthread_mutex_unlock(&lk.lock);
	grace_free(&lk.grace);
	hostcache_free(lk.names);
	exp_holder_destroy(&lk.exports);
	ratelog_destroy(&lk.rate_denied);
	ratelog_destroy(&lk.rate_limits);
	fh_key_clear(&lk.key);
	free(bind);
	conf_free_values(lockd_keys, &conf);
	suite_conf_free(&sconf);
	conf_file_free(da.cf);
	log_notice("rpc.lockd exiting");
	return rc == 0 ? 0 : 1;
}
