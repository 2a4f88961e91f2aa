/*
 * rpc.mountd: the MOUNT service (program 100005, versions 1, 2, 3).
 * main() reads flags and the [mountd], [global] and [exports] sections of
 * the suite config, loads the exports (the etab if exportfs wrote one,
 * else /etc/exports + exports.d), the handle key and the mount list,
 * listens, registers with rpcbind, keeps only the capabilities it needs
 * and runs the RPC core. SIGHUP reloads the exports (see exports_live.h
 * for the contract with exportfs); SIGTERM/SIGINT unregister and stop.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
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
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "mountd/mountd.h"


struct mountd_conf {
	long	 port;
	long	 threads;
	char	*pidfile;
	char	*bind;
};

#define K(s, n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct s, f), d, lo, hi, h }
static const struct conf_key mountd_keys[] = {
	K(mountd_conf, "port", CONF_INT, port, "20048", 0, 65535,
	    "UDP and TCP port (0: any free port)"),
	K(mountd_conf, "threads", CONF_INT, threads, "4", 1, 64,
	    "worker threads"),
	K(mountd_conf, "pidfile", CONF_STR, pidfile,
	    RUNSTATEDIR "/rpc.mountd.pid", 0, 0,
	    "pid file, locked while running (exportfs signals it)"),
	K(mountd_conf, "bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	CONF_KEY_END
};
#undef K

/* -p, -e, -E, -S: command-line overrides of the config. */
struct opts {
	long			 port;		/* -1: config */
	struct suite_overrides	 s;
};

struct mountd_main {
	struct mountd		 md;
	struct mountd_conf	 mc;
	struct suite_conf	 sc;
	struct exp_live_src	 src;
	char			 ack[PATH_MAX];
	struct rpc_srv		*srv;
};

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;

	if (suite_conf_opt(&o->s, opt, arg) == 0)
		return 0;
	if (opt == 'p')
		return parse_port(arg, 0, &o->port);
	return -EINVAL;
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
	if (o->port >= 0)
		m->mc.port = o->port;
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
	struct opts o = { -1, { NULL, NULL, NULL } };
	char path[PATH_MAX], **bind = NULL, msg[256];
	unsigned long long caps = 0;
	unsigned skipped;
	int rc, oi, pidfd, sigfd;

	rc = daemon_parse_args(argc, argv, "mountd", SUITE_CONF_OPTS "p:",
	    SUITE_CONF_USAGE
	    "  -p port\tport to listen on ([mountd] port, 20048)\n",
	    extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "rpc.mountd: %s\n", da.err);
		return 2;
	}
	if (oi < argc) {
		fprintf(stderr, "rpc.mountd: unexpected argument \"%s\"\n",
		    argv[oi]);
		return 2;
	}
	if (apply_config(&m, &da, &o) != 0)
		return 1;
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			conf_print(stdout, "mountd", mountd_keys, &m.mc);
			suite_conf_print(stdout, &m.sc);
			rc = 0;
		} else
			rc = suite_conf_check_exports(&m.sc, "rpc.mountd");
		conf_free_values(mountd_keys, &m.mc);
		suite_conf_free(&m.sc);
		conf_file_free(da.cf);
		return rc;
	}

	log_init(da.foreground, "mountd");
	log_set_debug(da.debug);
	log_set_burst((unsigned)m.sc.log_burst);

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
	if ((m.srv = rpc_srv_new(&scfg)) == NULL)
		fatalx("out of memory");
	prog = *mountd_program();
	prog.ctx = &m.md;
	if ((rc = rpc_srv_add_program(m.srv, &prog)) != 0)
		fatalx("add program: %s", strerror(-rc));
	if ((bind = conf_list_split(m.mc.bind)) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_srv_listen_std(m.srv, (int)m.mc.port,
	    bind[0] != NULL ? (const char *const *)bind : NULL)) != 0)
		fatalx("listen on port %ld: %s", m.mc.port, strerror(-rc));
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
	free(bind);
	conf_free_values(mountd_keys, &m.mc);
	suite_conf_free(&m.sc);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
