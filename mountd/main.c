/*
 * rpc.mountd: the MOUNT service (program 100005, versions 1, 2, 3).
 * main() reads flags and the [mountd], [global] and [exports] sections of
 * the suite config, loads the exports (the etab if exportfs wrote one,
 * else /etc/exports + exports.d), the handle key and the mount list,
 * listens, registers with rpcbind, keeps only the capabilities it needs
 * and runs the RPC core. SIGHUP reloads the exports (see exports_live.h
 * for the contract with exportfs); SIGTERM/SIGINT unregister and stop.
 * The command line is nfs-utils' rpc.mountd(8): -p, -N/-V, -n/-u, -t N,
 * -d kind, -g, -s dir, -e file, -o num, -F.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <limits.h>
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
#include "common/rpc/auth_dh.h"
#include "common/rpc/rpc_stats.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "mountd/mountd.h"


struct mountd_conf {
	long	 port;
	long	 threads;
	bool	 udp;
	bool	 tcp;
	bool	 vers2;
	bool	 vers3;
	char	*pidfile;
	char	*bind;
	struct rpc_stats_conf stats;
};

#define K(s, n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct s, f), d, lo, hi, h }
static const struct conf_key mountd_keys[] = {
	K(mountd_conf, "port", CONF_INT, port, "20048", 0, 65535,
	    "UDP and TCP port (0: any free port)"),
	K(mountd_conf, "threads", CONF_INT, threads, "4", 1, 64,
	    "worker threads (-t)"),
	K(mountd_conf, "udp", CONF_BOOL, udp, "yes", 0, 0,
	    "serve over UDP (-u: no; nfs.conf: [nfsd] udp)"),
	K(mountd_conf, "tcp", CONF_BOOL, tcp, "yes", 0, 0,
	    "serve over TCP (-n: no; nfs.conf: [nfsd] tcp)"),
	K(mountd_conf, "vers2", CONF_BOOL, vers2, "yes", 0, 0,
	    "MOUNT versions 1 and 2, for NFSv2 and showmount (-N 2/-V 2; "
	    "nfs.conf: [nfsd] vers2)"),
	K(mountd_conf, "vers3", CONF_BOOL, vers3, "yes", 0, 0,
	    "MOUNT version 3, for NFSv3 (-N 3/-V 3; nfs.conf: [nfsd] vers3)"),
	K(mountd_conf, "pidfile", CONF_STR, pidfile,
	    RUNSTATEDIR "/rpc.mountd.pid", 0, 0,
	    "pid file, locked while running (exportfs signals it)"),
	K(mountd_conf, "bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	RPC_STATS_CONF_KEYS(struct mountd_conf, stats, "rpc.mountd"),
	CONF_KEY_END
};
#undef K

/* The command line: nfs-utils' flags become keys of [mountd] added after
 * the files; -e, -E, -S/-s override [exports] and [global]. */
struct opts {
	const char		*port, *threads;
	int			 udp, tcp, vers2, vers3;	/* -1: not given */
	long			 descriptors;		/* -o, 0: leave */
	unsigned		 debug;			/* -d kinds */
	bool			 version, manage_gids;
	struct suite_overrides	 s;
};

#define OPT_EXPORTS_DIR	300
#define OPT_STATE_DIR	301

static const struct option mountd_long[] = {
	{ "descriptors",	required_argument,	NULL, 'o' },
	{ "debug",		required_argument,	NULL, 'd' },
	{ "exports-file",	required_argument,	NULL, 'e' },
	{ "exports-dir",	required_argument,	NULL, OPT_EXPORTS_DIR },
	{ "nfs-version",	required_argument,	NULL, 'V' },
	{ "no-nfs-version",	required_argument,	NULL, 'N' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "no-tcp",		no_argument,		NULL, 'n' },
	{ "no-udp",		no_argument,		NULL, 'u' },
	{ "ha-callout",		required_argument,	NULL, 'H' },
	{ "state-directory-path", required_argument,	NULL, 's' },
	{ "state-dir",		required_argument,	NULL, OPT_STATE_DIR },
	{ "num-threads",	required_argument,	NULL, 't' },
	{ "reverse-lookup",	no_argument,		NULL, 'r' },
	{ "manage-gids",	no_argument,		NULL, 'g' },
	{ "log-auth",		no_argument,		NULL, 'l' },
	{ "cache-use-ipaddr",	no_argument,		NULL, 'i' },
	{ "ttl",		required_argument,	NULL, 'T' },
	{ NULL,			0,			NULL, 0 }
};

#define MOUNTD_OPTS	SUITE_CONF_OPTS "o:d:p:P:H:N:V:nus:t:rgliT:v"
#define MOUNTD_USAGE \
	"  -p, -P, --port PORT\tport ([mountd] port, 20048; 0: any)\n" \
	"  -t, --num-threads N\tworker threads ([mountd] threads, 4)\n" \
	"  -N, --no-nfs-version V\tno MOUNT for NFS version V (2: MOUNT v1 " \
	    "and v2, 3: v3)\n" \
	"  -V, --nfs-version V\tMOUNT for NFS version V ([mountd] vers2, " \
	    "vers3)\n" \
	"  -n, --no-tcp\t\tno TCP ([mountd] tcp)\n" \
	"  -u, --no-udp\t\tno UDP ([mountd] udp)\n" \
	"  -d, --debug KIND\tdebug messages: all, auth, call, general, " \
	    "parse\n" \
	"  -l, --log-auth\t-d auth\n" \
	"  -g, --manage-gids\taccepted: rpc.nfsd looks groups up " \
	    "([nfsd] manage-gids)\n" \
	"  -o, --descriptors N\topen file limit\n" \
	"  -s, -S, --state-directory-path DIR\tstate directory ([global] " \
	    "state-dir)\n" \
	"  -e, --exports-file FILE\texports file ([exports] file)\n" \
	"  -E, --exports-dir DIR\texports directory ([exports] dir)\n" \
	"  -v\t\t\tthe version\n" \
	"  -i, -r, -T SECS\taccepted (no kernel cache, no reverse " \
	    "lookups here)\n"

struct mountd_main {
	struct mountd		 md;
	struct mountd_conf	 mc;
	struct suite_conf	 sc;
	struct exp_live_src	 src;
	char			 ack[PATH_MAX];
	struct rpc_srv		*srv;
	struct rpc_version	 vers[3];
};

/* nfs-utils' debug kinds, as our facilities */
static int
debug_kind(const char *kind, unsigned *mask)
{
	static const struct {
		const char	*kind, *ours;
	} kinds[] = {
		{ "all", "all" }, { "auth", "auth" }, { "call", "call" },
		{ "general", "xprt,state" }, { "parse", "export" },
	};
	unsigned m;
	size_t i;

	for (i = 0; i < nitems(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0 &&
		    log_parse_debug(kinds[i].ours, &m) == 0) {
			*mask |= m;
			return 0;
		}
	/* our own names too (-D's) */
	if (log_parse_debug(kind, &m) != 0)
		return -EINVAL;
	*mask |= m;
	return 0;
}

static int
nfs_version_opt(struct opts *o, const char *arg, bool on)
{
	if (strcmp(arg, "2") == 0)
		o->vers2 = on;
	else if (strcmp(arg, "3") == 0)
		o->vers3 = on;
	else if (strcmp(arg, "4") != 0)	/* NFSv4 needs no MOUNT */
		return -EINVAL;
	return 0;
}

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;
	long v;
	char *end;

	if (suite_conf_opt(&o->s, opt, arg) == 0)
		return 0;
	switch (opt) {
	case 'p':
	case 'P':
		if (parse_port(arg, 0, &v) != 0)
			return -EINVAL;
		o->port = arg;
		return 0;
	case 't':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno != 0 || *end != '\0' || end == arg || v < 1 ||
		    v > 64)
			return -EINVAL;
		o->threads = arg;
		return 0;
	case 'N':
		return nfs_version_opt(o, arg, false);
	case 'V':
		return nfs_version_opt(o, arg, true);
	case 'n':
		o->tcp = 0;
		return 0;
	case 'u':
		o->udp = 0;
		return 0;
	case 'd':
		return debug_kind(arg, &o->debug);
	case 'l':
		return debug_kind("auth", &o->debug);
	case 'o':
		errno = 0;
		o->descriptors = strtol(arg, &end, 10);
		return errno != 0 || *end != '\0' || end == arg ||
		    o->descriptors <= 0 ? -EINVAL : 0;
	case 's':
	case OPT_STATE_DIR:
		return suite_conf_opt(&o->s, 'S', arg);
	case OPT_EXPORTS_DIR:
		return suite_conf_opt(&o->s, 'E', arg);
	case 'g':
		o->manage_gids = true;
		return 0;
	case 'T':
		errno = 0;
		v = strtol(arg, &end, 10);
		return errno != 0 || *end != '\0' || end == arg || v <= 0 ?
		    -EINVAL : 0;
	case 'i':
	case 'r':
		return 0;
	case 'v':
		o->version = true;
		return 0;
	case 'H':
		fprintf(stderr, "rpc.mountd: -H: no HA callouts in nfs-suite "
		    "(mounts are in <state-dir>/rmtab)\n");
		return -EINVAL;
	}
	return -EINVAL;
}

/* The command line's settings into [mountd], after the files. */
static int
add_overrides(struct conf_file *cf, const struct opts *o)
{
	int rc = 0;

#define ADD(k, v)	do { if (rc == 0) rc = conf_add(cf, "mountd", k, v); } while (0)
	if (o->port != NULL)
		ADD("port", o->port);
	if (o->threads != NULL)
		ADD("threads", o->threads);
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

/* The MOUNT versions switched on: 1 and 2 with vers2, 3 with vers3. */
static int
select_versions(struct mountd_main *m, struct rpc_program *prog)
{
	const struct rpc_program *p = mountd_program();
	unsigned i, n = 0;

	*prog = *p;
	for (i = 0; i < p->nversions && n < nitems(m->vers); i++)
		if ((p->versions[i].vers < 3 && m->mc.vers2) ||
		    (p->versions[i].vers == 3 && m->mc.vers3))
			m->vers[n++] = p->versions[i];
	prog->versions = m->vers;
	prog->nversions = n;
	return n > 0 ? 0 : -EINVAL;
}

static int
apply_config(struct mountd_main *m, const struct daemon_args *da,
    const struct opts *o)
{
	struct {
		const char		*section;
		const struct conf_key	*keys;
		void			*vals;
	} secs[] = {
		{ "mountd", mountd_keys, &m->mc },
	};
	struct parse_err err;
	const char *path;
	size_t i;

	path = da->cf != NULL ? conf_file_path(da->cf) : da->conf_path;
	for (i = 0; i < nitems(secs); i++) {
		memset(&err, 0, sizeof(err));
		if (conf_apply(da->cf, secs[i].section, secs[i].keys,
		    secs[i].vals, &err) != 0) {
			if (err.line > 0)
				fprintf(stderr, "rpc.mountd: %s:%u:%u: %s\n",
				    path, err.line, err.col, err.msg);
			else
				fprintf(stderr, "rpc.mountd: %s: %s\n", path,
				    err.msg);
			return -EINVAL;
		}
	}
	memset(&err, 0, sizeof(err));
	if (suite_conf_apply(da->cf, &o->s, &m->sc, &err) != 0) {
		if (err.line > 0)
			fprintf(stderr, "rpc.mountd: %s:%u:%u: %s\n", path,
			    err.line, err.col, err.msg);
		else
			fprintf(stderr, "rpc.mountd: %s: %s\n", path, err.msg);
		return -EINVAL;
	}
	if (suite_conf_ack_path(&m->sc, "rpc.mountd", m->ack,
	    sizeof(m->ack)) != 0)
		return -ENAMETOOLONG;
	m->src = suite_conf_src(&m->sc);
	return 0;
}

/* Once a second, in the loop thread: what the limiters counted. */
static void
on_timer(struct rpc_srv *srv, void *arg)
{
	struct mountd_main *m = arg;

	(void)srv;
	mountd_rate_flush(&m->md);
}

static void
on_signal(struct rpc_srv *srv, int sig, void *arg)
{
	struct mountd_main *m = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: stopping", sig);
		rpc_srv_unregister(srv);
		rpc_srv_stop(srv);
		break;
	case SIGHUP:
		exp_holder_reload_async(&m->md.exports, &m->src, m->ack);
		break;
	default:
		break;
	}
}

int
main(int argc, char **argv)
{
	static struct mountd_main m;
	struct daemon_args da;
	struct rpc_srv_config scfg;
	struct rpc_program prog;
	struct opts o;
	char path[PATH_MAX], **bind = NULL, msg[256];
	unsigned long long caps = 0;
	unsigned skipped;
	int rc, oi, pidfd, sigfd;

	memset(&o, 0, sizeof(o));
	o.udp = o.tcp = o.vers2 = o.vers3 = -1;
	rc = daemon_parse_args_long(argc, argv, "mountd", MOUNTD_OPTS,
	    mountd_long, MOUNTD_USAGE, extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (da.usage_error)
			return daemon_usage_error(&da, "%s", da.err);
		fprintf(stderr, "rpc.mountd: %s\n", da.err);
		return 1;
	}
	if (o.version) {
		printf("rpc.mountd nfs-suite %s\n", PACKAGE_VERSION);
		conf_file_free(da.cf);
		return 0;
	}
	if (oi < argc) {
		rc = daemon_usage_error(&da, "unexpected argument \"%s\"",
		    argv[oi]);
		conf_file_free(da.cf);
		return rc;
	}
	if (daemon_nfs_conf(&da, "mountd") != 0 ||
	    add_overrides(da.cf, &o) != 0) {
		fprintf(stderr, "rpc.mountd: %s\n", da.err[0] != '\0' ?
		    da.err : "out of memory");
		conf_file_free(da.cf);
		return 1;
	}
	da.debug |= o.debug;
	if (apply_config(&m, &da, &o) != 0) {
		conf_file_free(da.cf);
		return 1;
	}
	rc = 0;
	if (!da.print_conf && !da.check_only) {
		if (!m.mc.vers2 && !m.mc.vers3) {
			fprintf(stderr, "rpc.mountd: no MOUNT version to serve "
			    "(vers2 and vers3 are both off)\n");
			rc = 1;
		} else if (!m.mc.udp && !m.mc.tcp) {
			fprintf(stderr, "rpc.mountd: no transport to serve "
			    "(udp and tcp are both off)\n");
			rc = 1;
		}
	}
	if (da.print_conf || da.check_only || rc != 0) {
		if (rc == 0 && da.print_conf) {
			conf_print_src(stdout, "mountd", mountd_keys, &m.mc,
			    da.cf);
			suite_conf_print_src(stdout, &m.sc, da.cf);
		} else if (rc == 0)
			rc = suite_conf_check_exports(&m.sc, "rpc.mountd");
		conf_free_values(mountd_keys, &m.mc);
		suite_conf_free(&m.sc);
		conf_file_free(da.cf);
		return rc;
	}

	log_init(da.foreground, "rpc.mountd");
	log_set_debug(da.debug);
	log_set_burst((unsigned)m.sc.log_burst);
	if (o.manage_gids)
		log_notice("-g: group lists are looked up by rpc.nfsd "
		    "([nfsd] manage-gids, or [mountd] manage-gids in "
		    "nfs.conf)");
	if (o.descriptors > 0) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = (rlim_t)o.descriptors;
			if (rl.rlim_max != RLIM_INFINITY &&
			    rl.rlim_max < rl.rlim_cur)
				rl.rlim_max = rl.rlim_cur;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
				fatal("-o %ld: setrlimit", o.descriptors);
		}
	}

	if ((pidfd = daemon_pidfile(m.mc.pidfile)) < 0) {
		if (pidfd == -EAGAIN)
			fatalx("another rpc.mountd is running (%s is locked)",
			    m.mc.pidfile);
		fatalx("pidfile %s: %s", m.mc.pidfile, strerror(-pidfd));
	}
	if ((rc = mkdir_p(m.sc.state_dir, 0755)) != 0)
		fatalx("state directory %s: %s", m.sc.state_dir,
		    strerror(-rc));
	if ((rc = fh_key_load_or_create(m.sc.keyfile, &m.md.key)) != 0)
		fatalx("handle key %s: %s", m.sc.keyfile, strerror(-rc));
	if ((size_t)snprintf(path, sizeof(path), "%s/rmtab",
	    m.sc.state_dir) >= sizeof(path))
		fatalx("state-dir too long");
	if ((rc = rmtab_open(path, &m.md.rmtab, &skipped)) != 0)
		fatalx("mount list %s: %s", path, strerror(-rc));
	if (skipped > 0)
		log_warnx("%s: %u malformed lines skipped", path, skipped);

	exp_holder_init(&m.md.exports);
	mountd_rate_init(&m.md);
	if (exp_holder_load(&m.md.exports, &m.src, m.ack, true) != 0)
		fatalx("cannot load the exports");

	memset(&scfg, 0, sizeof(scfg));
	scfg.nthreads = (unsigned)m.mc.threads;
	scfg.no_udp = !m.mc.udp;
	scfg.no_tcp = !m.mc.tcp;
	if ((m.srv = rpc_srv_new(&scfg)) == NULL)
		fatalx("out of memory");
	/* [global] auth-dh: keys read now, before the sandbox */
	if (m.sc.auth_dh && (rc = rpc_srv_enable_dh(m.srv,
	    m.sc.dh_publickey, m.sc.dh_secretkey, msg, sizeof(msg))) != 0)
		fatalx("auth-dh: %s", msg);
	if (m.sc.auth_dh)
		log_warnx("%s", msg);
	if (select_versions(&m, &prog) != 0)
		fatalx("no MOUNT version to serve");
	prog.ctx = &m.md;
	if ((rc = rpc_srv_add_program(m.srv, &prog)) != 0)
		fatalx("add program: %s", strerror(-rc));
	if (daemon_resolve_binds(m.mc.bind, NULL, &bind, msg,
	    sizeof(msg)) != 0)
		fatalx("bind: %s", msg);
	if ((rc = rpc_srv_listen_std(m.srv, (int)m.mc.port,
	    (const char *const *)bind)) != 0)
		fatalx("listen on port %ld: %s", m.mc.port, strerror(-rc));
	if ((rc = rpc_srv_stats_setup(m.srv, "rpc.mountd", &m.mc.stats, msg,
	    sizeof(msg))) < 0)
		fatalx("%s", msg);
	else if (rc > 0)
		log_warnx("%s", msg);
	if ((rc = rpc_srv_register(m.srv)) != 0)
		log_warnx("register with rpcbind: %s; clients will not find "
		    "mountd", strerror(-rc));

	if (geteuid() == 0) {
		/* Stay uid 0 (owner of the state files); keep only what
		 * opening export roots and directories in them needs. */
		caps = 1ULL << CAP_DAC_READ_SEARCH;
		if ((rc = priv_drop("0", caps)) != 0)
			fatalx("drop capabilities: %s", strerror(-rc));
		log_notice("running as uid 0 with only CAP_DAC_READ_SEARCH");
	} else
		log_notice("not started as root: running as uid %lu",
		    (unsigned long)geteuid());
	if ((rc = sandbox_enter(SANDBOX_MOUNTD, caps, m.sc.seccomp &&
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
	log_info("ready on port %d (udp), %d (tcp); %zu mounts recorded",
	    rpc_srv_port(m.srv, RPC_XPRT_UDP, AF_INET),
	    rpc_srv_port(m.srv, RPC_XPRT_TCP, AF_INET),
	    rmtab_count(m.md.rmtab));

	/* threads only after detaching: fork() keeps none */
	if ((m.md.hosts = hostcache_new(4096)) == NULL)
		fatalx("cannot start the host name resolver");
	rpc_srv_set_timer(m.srv, 1, on_timer, &m);
	rc = rpc_srv_run(m.srv, sigfd, on_signal, &m);
	if (rc != 0)
		log_warnx("server: %s", strerror(-rc));
	rpc_srv_unregister(m.srv);

	rpc_srv_free(m.srv);
	hostcache_free(m.md.hosts);
	exp_holder_destroy(&m.md.exports);
	rmtab_free(m.md.rmtab);
	mountd_rate_destroy(&m.md);
	fh_key_clear(&m.md.key);
	daemon_binds_free(bind);
	conf_free_values(mountd_keys, &m.mc);
	suite_conf_free(&m.sc);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
