/*
 * rpc.rquotad: the remote quota server (program 100011, versions 1 and 2).
 * main() reads flags (those of the quota tools' rpc.rquotad: -S/-s, -p)
 * and the [rquotad], [global] and [exports] sections of the suite config,
 * loads the exports as rpc.mountd does, listens, registers with rpcbind,
 * keeps only the capabilities quotactl needs and runs the RPC core.
 * SIGHUP reloads the exports (exportfs -r); SIGTERM/SIGINT unregister and
 * stop.
 */
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
#include "rquotad/rquotad.h"

struct rquotad_conf {
	long	 port;
	long	 threads;
	bool	 udp;
	bool	 setquota;
	char	*pidfile;
	char	*bind;
	struct rpc_stats_conf stats;
};

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct rquotad_conf, f), d, lo, hi, h }
static const struct conf_key rquotad_keys[] = {
	K("port", CONF_INT, port, "875", 0, 65535,
	    "UDP and TCP port (0: any free port)"),
	K("threads", CONF_INT, threads, "2", 1, 64, "worker threads"),
	K("udp", CONF_BOOL, udp, "yes", 0, 0,
	    "serve UDP as well as TCP (quota(1) asks over UDP)"),
	K("setquota", CONF_BOOL, setquota, "no", 0, 0,
	    "let root on a no_root_squash export set quotas (rpc.rquotad -S)"),
	K("pidfile", CONF_STR, pidfile, RUNSTATEDIR "/rpc.rquotad.pid", 0, 0,
	    "pid file, locked while running (exportfs signals it)"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	RPC_STATS_CONF_KEYS(struct rquotad_conf, stats, "rpc.rquotad"),
	CONF_KEY_END
};
#undef K

/* Command-line settings; -1: the config's. */
struct opts {
	long			 port;
	int			 setquota;
	struct suite_overrides	 s;
};

#define OPT_STATE_DIR	300
#define OPT_EXPORTS	301
#define OPT_EXPORTS_DIR	302

static struct rquotad		 rqd;
static struct rquotad_conf	 conf;
static struct suite_conf	 sconf;
static struct exp_live_src	 xsrc;
static char			 ack_path[PATH_MAX];

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;

	switch (opt) {
	case 'p':
		return parse_port(arg, 0, &o->port);
	case 'S':
		o->setquota = 1;
		return 0;
	case 's':
		o->setquota = 0;
		return 0;
	case 'e':
	case OPT_EXPORTS:
		return suite_conf_opt(&o->s, 'e', arg);
	case 'E':
	case OPT_EXPORTS_DIR:
		return suite_conf_opt(&o->s, 'E', arg);
	case OPT_STATE_DIR:
		return suite_conf_opt(&o->s, 'S', arg);
	default:
		return -EINVAL;
	}
}

static int
apply_config(const struct daemon_args *da, const struct opts *o)
{
	struct parse_err err;
	const char *path;

	path = da->cf != NULL ? conf_file_path(da->cf) : da->conf_path;
	memset(&err, 0, sizeof(err));
	if (conf_apply(da->cf, "rquotad", rquotad_keys, &conf, &err) != 0 ||
	    suite_conf_apply(da->cf, &o->s, &sconf, &err) != 0) {
		if (err.line > 0)
			fprintf(stderr, "rpc.rquotad: %s:%u:%u: %s\n", path,
			    err.line, err.col, err.msg);
		else
			fprintf(stderr, "rpc.rquotad: %s: %s\n", path, err.msg);
		return -EINVAL;
	}
	if (o->port >= 0)
		conf.port = o->port;
	if (o->setquota >= 0)
		conf.setquota = o->setquota != 0;
	if (suite_conf_ack_path(&sconf, "rpc.rquotad", ack_path,
	    sizeof(ack_path)) != 0)
		return -ENAMETOOLONG;
	xsrc = suite_conf_src(&sconf);
	return 0;
}

static void
on_timer(struct rpc_srv *srv, void *arg)
{
	(void)srv;
	(void)arg;
	rquotad_rate_tick(&rqd);
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
		exp_holder_reload_async(&rqd.exports, &xsrc, ack_path);
		break;
	default:
		break;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port",		required_argument, NULL, 'p' },
		{ "setquota",		no_argument,	   NULL, 'S' },
		{ "no-setquota",	no_argument,	   NULL, 's' },
		{ "state-dir",		required_argument, NULL, OPT_STATE_DIR },
		{ "exports",		required_argument, NULL, OPT_EXPORTS },
		{ "exports-dir",	required_argument, NULL,
		    OPT_EXPORTS_DIR },
		{ NULL,			0,		   NULL, 0 },
	};
	struct daemon_args da;
	struct rpc_srv_config scfg;
	struct opts o = { -1, -1, { NULL, NULL, NULL } };
	struct rpc_srv *srv;
	char **bind = NULL, msg[256];
	unsigned long long caps = 0;
	int rc, oi, pidfd, sigfd;

	rc = daemon_parse_args_long(argc, argv, "rquotad", "p:Sse:E:", longopts,
	    "  -p, --port port\tport to listen on ([rquotad] port, 875)\n"
	    "  -S, --setquota\tallow SETQUOTA from root on no_root_squash "
	    "exports\n"
	    "  -s, --no-setquota\trefuse every SETQUOTA (the default)\n"
	    "  -e, --exports file\texports file ([exports] file)\n"
	    "  -E, --exports-dir dir\texports directory ([exports] dir)\n"
	    "  --state-dir dir\tstate directory ([global] state-dir)\n",
	    extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (da.usage_error)
			return daemon_usage_error(&da, "%s", da.err);
		fprintf(stderr, "rpc.rquotad: %s\n", da.err);
		return 2;
	}
	if (oi < argc) {
		(void)daemon_usage_error(&da, "unexpected argument \"%s\"",
		    argv[oi]);
		conf_file_free(da.cf);
		return 2;
	}
	if (apply_config(&da, &o) != 0)
		return 1;
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			conf_print(stdout, "rquotad", rquotad_keys, &conf);
			suite_conf_print(stdout, &sconf);
			rc = 0;
		} else
			rc = suite_conf_check_exports(&sconf, "rpc.rquotad");
		conf_free_values(rquotad_keys, &conf);
		suite_conf_free(&sconf);
		conf_file_free(da.cf);
		return rc;
	}

	log_init(da.foreground, "rpc.rquotad");
	log_set_debug(da.debug);
	log_set_burst((unsigned)sconf.log_burst);
	if ((pidfd = daemon_pidfile(conf.pidfile)) < 0) {
		if (pidfd == -EAGAIN)
			fatalx("another rpc.rquotad is running (%s is locked)",
			    conf.pidfile);
		fatalx("pidfile %s: %s", conf.pidfile, strerror(-pidfd));
	}
	if ((rc = mkdir_p(sconf.state_dir, 0755)) != 0)
		fatalx("state directory %s: %s", sconf.state_dir,
		    strerror(-rc));
	rquotad_init(&rqd);
	rqd.allow_set = conf.setquota;
	if (exp_holder_load(&rqd.exports, &xsrc, ack_path, true) != 0)
		fatalx("cannot load the exports");

	memset(&scfg, 0, sizeof(scfg));
	scfg.nthreads = (unsigned)conf.threads;
	scfg.no_udp = !conf.udp;
	if ((srv = rpc_srv_new(&scfg)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_add_program(srv, rquotad_program(&rqd))) != 0)
		fatalx("add program: %s", strerror(-rc));
	if ((bind = conf_list_split(conf.bind)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_listen_std(srv, (int)conf.port,
	    bind[0] != NULL ? (const char *const *)bind : NULL)) != 0)
		fatalx("listen on port %ld: %s", conf.port, strerror(-rc));
	if ((rc = rpc_srv_stats_setup(srv, "rpc.rquotad", &conf.stats, msg,
	    sizeof(msg))) < 0)
		fatalx("%s", msg);
	else if (rc > 0)
		log_warnx("%s", msg);
	if ((rc = rpc_srv_register(srv)) != 0)
		log_warnx("register with rpcbind: %s; quota(1) will not find "
		    "rpc.rquotad", strerror(-rc));

	if (geteuid() == 0) {
		/* opening paths beneath export roots; quotactl of other ids
		 * (Q_GETQUOTA) and Q_SETQUOTA need CAP_SYS_ADMIN */
		caps = 1ULL << CAP_DAC_READ_SEARCH | 1ULL << CAP_SYS_ADMIN;
		if ((rc = priv_drop("0", caps)) != 0)
			fatalx("drop capabilities: %s", strerror(-rc));
		log_info("running as uid 0 with CAP_DAC_READ_SEARCH, "
		    "CAP_SYS_ADMIN only");
	} else
		log_notice("not started as root: running as uid %lu (only "
		    "its own quotas can be read)", (unsigned long)geteuid());
	if ((rc = sandbox_enter(SANDBOX_RQUOTAD, caps, sconf.seccomp &&
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
	if ((rqd.hosts = hostcache_new(4096)) == NULL)
		fatalx("cannot start the host name resolver");
	log_notice("rpc.rquotad %s serving RQUOTA v1 and v2 on port %d (udp), "
	    "%d (tcp); SETQUOTA %s", PACKAGE_VERSION, rpc_srv_port(srv,
	    RPC_XPRT_UDP, AF_INET), rpc_srv_port(srv, RPC_XPRT_TCP, AF_INET),
	    rqd.allow_set ? "allowed to root on no_root_squash exports" :
	    "refused");
	rpc_srv_set_timer(srv, 1, on_timer, NULL);
	rc = rpc_srv_run(srv, sigfd, on_signal, NULL);
	if (rc != 0)
		log_warnx("server: %s", strerror(-rc));
	rpc_srv_unregister(srv);
	rpc_srv_free(srv);
	hostcache_free(rqd.hosts);
	rquotad_destroy(&rqd);
	free(bind);
	conf_free_values(rquotad_keys, &conf);
	suite_conf_free(&sconf);
	conf_file_free(da.cf);
	log_notice("rpc.rquotad exiting");
	return rc == 0 ? 0 : 1;
}
