/*
 * rpcbind: the portmapper (program 100000, versions 2, 3 and 4) on port
 * 111 and on a local socket. main() reads flags and the [rpcbind] section
 * of the suite config, listens, loads the warm-start state (keeping what
 * still runs), drops to an unprivileged user, starts the owner watch
 * (rpcbd_live.c) and runs the RPC core until SIGTERM/SIGINT.
 * The command line is Debian's rpcbind(8): -f foreground, -w warm start,
 * -h ADDR, -r remote calls, -d debug; -a, -i, -l and -s are taken and
 * change nothing here (see rpcbind.8); the suite's own: -p, -W, --config.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicio.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/log.h"
#include "common/rpc/rpc_stats.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "rpcbind/rpcbd.h"

#define STATE_FILE	"rpcbind.state"
#define STATE_MAX	(1024 * 1024)
/* Room for "/" STATE_FILE after the state directory. */
#define DIR_MAX		(PATH_MAX - sizeof(STATE_FILE) - 1)

struct rpcbd_conf {
	char	*user;
	char	*state_dir;
	char	*pidfile;
	char	*socket;
	long	 port;
	char	*bind;
	bool	 warm_start;
	bool	 remote_calls;
	char	*remote_calls_deny;
	long	 remote_calls_timeout;
	long	 threads;
	long	 max_connections;
	long	 idle_timeout;
	size_t	 max_record;
	long	 port_check_interval;
	struct rpc_stats_conf stats;
	char	 dir[PATH_MAX];		/* the state directory in force */
};

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct rpcbd_conf, f), d, lo, hi, h }
static const struct conf_key rpcbd_keys[] = {
	K("user", CONF_STR, user, "_rpc", 0, 0,
	    "run as this user (\"nobody\" if the default _rpc is missing)"),
	K("state-dir", CONF_STR, state_dir, NULL, 0, 0,
	    "warm-start state directory, owned by user (empty: "
	    "<[global] state-dir>/rpcbind)"),
	K("pidfile", CONF_STR, pidfile, RUNSTATEDIR "/rpcbind.pid", 0, 0,
	    "pid file, locked while running"),
	K("socket", CONF_STR, socket, RUNSTATEDIR "/rpcbind.sock", 0, 0,
	    "local socket (mode 0666), empty for none"),
	K("port", CONF_INT, port, "111", 1, 65535,
	    "UDP and TCP port"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	K("warm-start", CONF_BOOL, warm_start, "yes", 0, 0,
	    "keep registrations across restarts"),
	K("remote-calls", CONF_BOOL, remote_calls, "no", 0, 0,
	    "answer CALLIT, BCAST and INDIRECT"),
	K("remote-calls-deny", CONF_LIST, remote_calls_deny, NULL, 0, 0,
	    "more programs (numbers or names) never called for others"),
	K("remote-calls-timeout", CONF_INT, remote_calls_timeout, "1000",
	    10, 30000, "milliseconds to wait for a forwarded call"),
	K("threads", CONF_INT, threads, "2", 1, 64,
	    "worker threads"),
	K("max-connections", CONF_INT, max_connections, "256", 1, 65536,
	    "TCP and local connections before the oldest idle one is closed"),
	K("idle-timeout", CONF_INT, idle_timeout, "300", 1, 86400,
	    "seconds before an idle connection is closed"),
	K("max-record", CONF_SIZE, max_record, "65536", 1024, 16777216,
	    "largest TCP record accepted"),
	K("port-check-interval", CONF_INT, port_check_interval, "30", 1, 3600,
	    "seconds between checks that registrations with no owner process "
	    "still have a listener"),
	RPC_STATS_CONF_KEYS(struct rpcbd_conf, stats, "rpcbind"),
	CONF_KEY_END
};
#undef K

struct opts {
	int	warm;		/* -1 config, 0 -W, 1 -w */
	long	port;		/* -p, 0: config */
	bool	foreground;	/* -f */
	bool	remote;		/* -r */
	bool	insecure;	/* -i */
	char	hosts[1024];	/* -h, comma separated */
};

#define RPCBIND_OPTS	"p:wWfh:adilsr"
#define RPCBIND_USAGE \
	"  -f\t\tforeground (also -F, --foreground)\n" \
	"  -w\t\twarm start: load saved registrations ([rpcbind] " \
	    "warm-start)\n" \
	"  -W\t\tno warm start\n" \
	"  -h ADDR\tlisten on ADDR (again for more), 127.0.0.1 and ::1 " \
	    "([rpcbind] bind)\n" \
	"  -r\t\tanswer remote calls (CALLIT) ([rpcbind] remote-calls)\n" \
	"  -p PORT\tport to listen on ([rpcbind] port, 111)\n" \
	"  -d\t\tdebug messages, in the foreground\n" \
	"  -a, -i, -l, -s\taccepted: SET/UNSET stay local-only, the run " \
	    "user is [rpcbind] user\n"

/* With -h, as Debian's rpcbind: the loopback addresses too. */
static const char *const loopbacks[] = { "127.0.0.1", "::1", NULL };
static const char *const loopback4[] = { "127.0.0.1", NULL };

struct rpcbd_main {
	struct rpcbd		 rb;
	struct rpcbd_conf	 conf;
	int			 argc;
	char			**argv;
	struct opts		 o;
};

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;

	size_t n;

	switch (opt) {
	case 'p':
		return parse_port(arg, 1, &o->port);
	case 'w':
		o->warm = 1;
		return 0;
	case 'W':
		o->warm = 0;
		return 0;
	case 'f':
		o->foreground = true;
		return 0;
	case 'h':
		n = strlen(o->hosts);
		if (snprintf(o->hosts + n, sizeof(o->hosts) - n, "%s%s",
		    n > 0 ? "," : "", arg) >= (int)(sizeof(o->hosts) - n))
			return -EINVAL;
		return 0;
	case 'r':
		o->remote = true;
		return 0;
	case 'i':
		o->insecure = true;
		return 0;
	case 'a':
	case 'l':
	case 's':
		return 0;
	default:
		return -EINVAL;
	}
}

/* remote-calls-deny: numbers or names from /etc/rpc. 0 or -EINVAL. */
static int
parse_deny(const char *list, struct rpcbd_policy *pol, char *msg,
    size_t msglen)
{
	char **v, *end;
	unsigned long n;
	size_t i;
	int rc = 0;

	pol->ndeny = 0;
	if ((v = conf_list_split(list)) == NULL)
		return -ENOMEM;
	for (i = 0; v[i] != NULL; i++) {
		if (isdigit((unsigned char)v[i][0])) {
			errno = 0;
			n = strtoul(v[i], &end, 10);
			if (*end != '\0' || errno != 0 || n > UINT32_MAX) {
				snprintf(msg, msglen, "remote-calls-deny: "
				    "bad program number \"%s\"", v[i]);
				rc = -EINVAL;
				break;
			}
		} else {
			struct rpcent *re = getrpcbyname(v[i]);

			if (re == NULL) {
				snprintf(msg, msglen, "remote-calls-deny: "
				    "unknown program \"%s\"", v[i]);
				rc = -EINVAL;
				break;
			}
			n = (unsigned long)re->r_number;
		}
		if (pol->ndeny >= RPCBD_DENY_MAX) {
			snprintf(msg, msglen, "remote-calls-deny: more than "
			    "%d programs", RPCBD_DENY_MAX);
			rc = -EINVAL;
			break;
		}
		pol->deny[pol->ndeny++] = (uint32_t)n;
	}
	free(v);
	return rc;
}

static void
print_parse_err(const char *path, const struct parse_err *err)
{
	if (err->line > 0)
		fprintf(stderr, "%s:%u:%u: %s\n", path, err->line, err->col,
		    err->msg);
	else
		fprintf(stderr, "%s: %s\n", path, err->msg);
}

/*
 * Parse the flags and the config into conf and pol. Returns 0, 1 when -h
 * or -V answered, or -EINVAL after printing why. Used again on SIGHUP.
 */
static int
load_config(struct rpcbd_main *m, struct daemon_args *da,
    struct rpcbd_conf *conf, struct rpcbd_policy *pol, bool quiet_usage)
{
	struct parse_err err;
	struct suite_conf sc;
	const char *path;
	char msg[160];
	int rc, oi, n;

	memset(da, 0, sizeof(*da));
	memset(conf, 0, sizeof(*conf));
	memset(&m->o, 0, sizeof(m->o));
	m->o.warm = -1;
	m->o.port = 0;
	rc = daemon_parse_args(m->argc, m->argv, "rpcbind", RPCBIND_OPTS,
	    RPCBIND_USAGE, extra_opt, &m->o, da, &oi);
	if (rc == 1)
		return 1;
	if (rc < 0) {
		if (quiet_usage)
			return -EINVAL;
		if (da->usage_error)
			return daemon_usage_error(da, "%s", da->err) == 2 ?
			    -E2BIG : -EINVAL;
		fprintf(stderr, "rpcbind: %s\n", da->err);
		return -EINVAL;
	}
	if (oi < m->argc) {
		if (!quiet_usage)
			(void)daemon_usage_error(da, "unexpected argument "
			    "\"%s\"", m->argv[oi]);
		rc = -E2BIG;
		goto fail;
	}
	da->foreground |= m->o.foreground;
	if ((m->o.hosts[0] != '\0' &&
	    conf_add(da->cf, "rpcbind", "bind", m->o.hosts) != 0) ||
	    (m->o.remote &&
	    conf_add(da->cf, "rpcbind", "remote-calls", "yes") != 0)) {
		fprintf(stderr, "rpcbind: out of memory\n");
		rc = -ENOMEM;
		goto fail;
	}
	path = da->cf != NULL ? conf_file_path(da->cf) : da->conf_path;
	memset(&err, 0, sizeof(err));
	if ((rc = conf_apply(da->cf, "rpcbind", rpcbd_keys, conf, &err)) !=
	    0) {
		print_parse_err(path != NULL ? path : "config", &err);
		goto fail;
	}
	/* The state directory: ours, or "rpcbind" in the suite's. */
	if ((rc = suite_conf_global(da->cf, &sc, &err)) != 0) {
		suite_conf_free(&sc);
		print_parse_err(path != NULL ? path : "config", &err);
		goto fail;
	}
	if (conf->state_dir[0] != '\0')
		n = snprintf(conf->dir, sizeof(conf->dir), "%s",
		    conf->state_dir);
	else
		n = snprintf(conf->dir, sizeof(conf->dir), "%s/rpcbind",
		    sc.state_dir);
	suite_conf_free(&sc);
	if (n < 0 || (size_t)n >= DIR_MAX || conf->dir[0] != '/') {
		fprintf(stderr, "%s: state-dir \"%.64s\": must be an absolute "
		    "path shorter than %zu bytes\n", path != NULL ? path :
		    "config", conf->dir, DIR_MAX);
		rc = -EINVAL;
		goto fail;
	}
	if (m->o.warm >= 0)
		conf->warm_start = m->o.warm == 1;
	if (m->o.port != 0)
		conf->port = m->o.port;
	memset(pol, 0, sizeof(*pol));
	pol->remote_calls = conf->remote_calls;
	if ((rc = parse_deny(conf->remote_calls_deny, pol, msg,
	    sizeof(msg))) != 0) {
		unsigned line = 0, col = 0;

		if (conf_where(da->cf, "rpcbind", "remote-calls-deny", &line,
		    &col) == 0 && line == 0)
			fprintf(stderr, "command line: %s\n", msg);
		else if (line > 0)
			fprintf(stderr, "%s:%u:%u: %s\n", path, line, col, msg);
		else
			fprintf(stderr, "%s: %s\n", path != NULL ? path : "config",
			    msg);
		goto fail;
	}
	if (conf->socket != NULL && *conf->socket != '\0' &&
	    (conf->socket[0] != '/' || strlen(conf->socket) >=
	    sizeof(((struct sockaddr_un *)0)->sun_path))) {
		fprintf(stderr, "%s: socket: must be an absolute path shorter "
		    "than %zu bytes\n", path != NULL ? path : "config",
		    sizeof(((struct sockaddr_un *)0)->sun_path));
		rc = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	conf_free_values(rpcbd_keys, conf);
	conf_file_free(da->cf);
	da->cf = NULL;
	return rc == -E2BIG ? rc : -EINVAL;
}

/* Make the state directory and hand it to the run user. */
static int
prepare_state_dir(const char *dir, uid_t uid, gid_t gid)
{
	struct stat st;
	int rc;

	/* Parents as root 0755 (mkdir -p), the directory itself 0700. */
	if ((rc = mkdir_p(dir, 0700)) != 0)
		return rc;
	if (lstat(dir, &st) != 0)
		return -errno;
	if (geteuid() == 0 && (st.st_uid != uid || st.st_gid != gid) &&
	    lchown(dir, uid, gid) != 0)
		return -errno;
	return 0;
}

static void
warm_start(struct rpcbd *rb)
{
	struct parse_err err;
	char *text = NULL;
	size_t len;
	unsigned skipped;
	int rc;

	if ((rc = read_file(rb->state_path, STATE_MAX, &text, &len)) != 0) {
		if (rc != -ENOENT)
			log_warnx("warm start: %s: %s", rb->state_path,
			    strerror(-rc));
		return;
	}
	memset(&err, 0, sizeof(err));
	rc = rpcbd_state_parse(rb->db, text, RPCBD_PROG, &skipped, &err);
	free(text);
	if (rc < 0) {
		log_warnx("warm start: %s:%u:%u: %s; starting empty",
		    rb->state_path, err.line, err.col, err.msg);
		return;
	}
	log_info("warm start: %d registrations from %s%s", rc,
	    rb->state_path, skipped > 0 ? " (some clashed, skipped)" : "");
	/* Only what still runs: a dead daemon's port is closed. */
	if (rpcbd_live_warm(rb->live) > 0)
		rpcbd_save(rb);
}

static void
reload(struct rpcbd_main *m)
{
	struct daemon_args da;
	struct rpcbd_conf nc;
	struct rpcbd_policy pol;

	if (load_config(m, &da, &nc, &pol, true) != 0) {
		log_warnx("reload failed; keeping the running configuration");
		return;
	}
	pthread_mutex_lock(&m->rb.policy_lock);
	m->rb.policy = pol;
	pthread_mutex_unlock(&m->rb.policy_lock);
	m->rb.callit_timeout_ms = (unsigned)nc.remote_calls_timeout;
	rpcbd_live_set_interval(m->rb.live, (unsigned)nc.port_check_interval);
	log_notice("reloaded: remote calls %s, %u more denied programs%s",
	    pol.remote_calls ? "on" : "off", pol.ndeny,
	    nc.port != m->conf.port || nc.threads != m->conf.threads ||
	    strcmp(nc.user, m->conf.user) != 0 ?
	    "; port, user and threads need a restart" : "");
	conf_free_values(rpcbd_keys, &nc);
	conf_file_free(da.cf);
}

/* Once a second, in the loop thread: what the refusal limiters counted. */
static void
on_timer(struct rpc_srv *srv, void *arg)
{
	struct rpcbd_main *m = arg;

	(void)srv;
	rpcbd_refuse_flush(&m->rb);
}

static void
on_signal(struct rpc_srv *srv, int sig, void *arg)
{
	struct rpcbd_main *m = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		/* The state is saved once the workers are done. */
		log_info("signal %d: stopping", sig);
		rpc_srv_stop(srv);
		break;
	case SIGHUP:
		reload(m);
		break;
	default:
		break;
	}
}

static int
listen_all(struct rpc_srv *srv, const struct rpcbd_conf *c, char **bind)
{
	struct sockaddr_un sun;
	int rc;

	if ((rc = rpc_srv_listen_std(srv, (int)c->port,
	    bind != NULL && bind[0] != NULL ? (const char *const *)bind :
	    NULL)) != 0) {
		log_warnx("listen on port %ld: %s", c->port, strerror(-rc));
		return rc;
	}
	if (c->socket == NULL || *c->socket == '\0')
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	str_copy(sun.sun_path, c->socket, sizeof(sun.sun_path));
	if ((rc = rpc_srv_listen(srv, RPC_XPRT_LOCAL, (struct sockaddr *)&sun,
	    sizeof(sun))) != 0) {
		log_warnx("listen on %s: %s", c->socket, strerror(-rc));
		return rc;
	}
	/* Any local program may register; the peer uid says who it is. */
	if (chmod(c->socket, 0666) != 0) {
		log_warn("chmod %s", c->socket);
		return -errno;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct rpcbd_main m;
	struct daemon_args da;
	struct rpcbd_policy pol;
	struct rpc_srv_config scfg;
	struct rpc_program prog;
	struct rpc_srv *srv = NULL;
	char **bind = NULL, path[PATH_MAX];
	const char *user;
	struct suite_conf sc;
	struct parse_err perr;
	char msg[256];
	uid_t uid;
	gid_t gid;
	int rc, pidfd, sigfd;

	m.argc = argc;
	m.argv = argv;
	if ((rc = load_config(&m, &da, &m.conf, &pol, false)) != 0)
		return rc == 1 ? 0 : rc == -E2BIG ? 2 : 1;
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			conf_print_src(stdout, "rpcbind", rpcbd_keys, &m.conf,
			    da.cf);
			printf("# state directory in force: %s\n", m.conf.dir);
		}
		conf_free_values(rpcbd_keys, &m.conf);
		conf_file_free(da.cf);
		return 0;
	}

	log_init(da.foreground, "rpcbind");
	log_set_debug(da.debug);
	if (m.o.insecure)
		log_notice("-i: SET and UNSET are still taken from local "
		    "callers only");
	memset(&perr, 0, sizeof(perr));
	if (suite_conf_global(da.cf, &sc, &perr) != 0)
		fatalx("%s:%u:%u: %s", da.cf != NULL ?
		    conf_file_path(da.cf) : da.conf_path, perr.line, perr.col,
		    perr.msg);
	log_set_burst((unsigned)sc.log_burst);

	user = m.conf.user;
	if (priv_lookup(user, &uid, &gid) != 0) {
		if (strcmp(user, "_rpc") != 0)
			fatalx("user %s: no such user", user);
		user = "nobody";
		if (priv_lookup(user, &uid, &gid) != 0)
			fatalx("neither _rpc nor nobody exists");
	}

	if ((pidfd = daemon_pidfile(m.conf.pidfile)) < 0) {
		if (pidfd == -EAGAIN)
			fatalx("another rpcbind is running (%s is locked)",
			    m.conf.pidfile);
		fatalx("pidfile %s: %s", m.conf.pidfile, strerror(-pidfd));
	}

	if (pthread_mutex_init(&m.rb.save_lock, NULL) != 0 ||
	    pthread_mutex_init(&m.rb.policy_lock, NULL) != 0 ||
	    (m.rb.db = rpcbd_db_new()) == NULL ||
	    (m.rb.live = rpcbd_live_new(&m.rb,
	    (unsigned)m.conf.port_check_interval)) == NULL)
		fatalx("out of memory");
	rpcbd_refuse_init(&m.rb);
	m.rb.policy = pol;
	m.rb.callit_timeout_ms = (unsigned)m.conf.remote_calls_timeout;
	m.rb.callit_max = m.conf.threads > 1 ? (unsigned)m.conf.threads - 1 :
	    1;

	memset(&scfg, 0, sizeof(scfg));
	scfg.nthreads = (unsigned)m.conf.threads;
	scfg.max_conns = (unsigned)m.conf.max_connections;
	scfg.idle_timeout = (unsigned)m.conf.idle_timeout;
	scfg.max_record = m.conf.max_record;
	if ((srv = rpc_srv_new(&scfg)) == NULL)
		fatalx("out of memory");
	prog = *rpcbd_program();
	prog.ctx = &m.rb;
	if ((rc = rpc_srv_add_program(srv, &prog)) != 0)
		fatalx("add program: %s", strerror(-rc));
	if (daemon_resolve_binds(m.conf.bind, m.o.hosts[0] == '\0' ? NULL :
	    access("/proc/net/if_inet6", F_OK) == 0 ? loopbacks : loopback4,
	    &bind, msg, sizeof(msg)) != 0)
		fatalx("bind: %s", msg);
	if (listen_all(srv, &m.conf, bind) != 0)
		fatalx("cannot listen; is another portmapper running?");
	if ((rc = rpc_srv_stats_setup(srv, "rpcbind", &m.conf.stats, msg,
	    sizeof(msg))) < 0)
		fatalx("%s", msg);
	else if (rc > 0)
		log_warnx("%s", msg);
	if ((rc = rpcbd_self_register(&m.rb, srv, (const char *const *)bind,
	    m.conf.socket)) != 0)
		fatalx("register rpcbind: %s", strerror(-rc));

	if (m.conf.warm_start) {
		if ((rc = prepare_state_dir(m.conf.dir, uid, gid)) != 0)
			fatalx("state directory %s: %s", m.conf.dir,
			    strerror(-rc));
		if ((size_t)snprintf(path, sizeof(path), "%s/%s",
		    m.conf.dir, STATE_FILE) >= sizeof(path))
			fatalx("state-dir too long");
		if ((m.rb.state_path = strdup(path)) == NULL)
			fatalx("out of memory");
		warm_start(&m.rb);
	}

	if (geteuid() == 0) {
		if ((rc = priv_drop(user, 0)) != 0)
			fatalx("drop privileges to %s: %s", user,
			    strerror(-rc));
		log_info("running as %s (uid %lu, gid %lu), no capabilities "
		    "kept", user, (unsigned long)uid, (unsigned long)gid);
	} else
		log_notice("not started as root: running as uid %lu",
		    (unsigned long)geteuid());
	if ((rc = sandbox_enter(SANDBOX_RPCBIND, 0, sc.seccomp &&
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
	/* A thread: after daemon_detach()'s fork, which keeps none. */
	if ((rc = rpcbd_live_start(m.rb.live)) != 0)
		fatalx("owner watch: %s", strerror(-rc));
	log_info("ready on port %ld%s%s, %zu registrations", m.conf.port,
	    m.conf.socket != NULL && *m.conf.socket != '\0' ? " and " : "",
	    m.conf.socket != NULL ? m.conf.socket : "",
	    rpcbd_db_count(m.rb.db));

	rpc_srv_set_timer(srv, 1, on_timer, &m);
	rc = rpc_srv_run(srv, sigfd, on_signal, &m);
	if (rc != 0)
		log_warnx("server: %s", strerror(-rc));
	rpcbd_live_stop(m.rb.live);
	rpcbd_save(&m.rb);

	rpc_srv_free(srv);
	rpcbd_live_free(m.rb.live);
	rpcbd_db_free(m.rb.db);
	rpcbd_refuse_destroy(&m.rb);
	suite_conf_free(&sc);
	free(m.rb.state_path);
	daemon_binds_free(bind);
	conf_free_values(rpcbd_keys, &m.conf);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
