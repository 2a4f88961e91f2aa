/*
 * rpc.statd: the Network Status Monitor (program 100024, version 1).
 * main() reads the flags (nfs-utils' rpc.statd's) and the [statd] section
 * of the suite config; as root it binds the listeners and the outgoing
 * sockets, bumps the state number, hands the state directory to the
 * run-as user and drops to it with no capability at all; then it loads the
 * monitor list, registers with rpcbind, notifies the hosts monitored
 * before the restart and runs the RPC core. SIGTERM/SIGINT unregister and
 * stop; SIGHUP is logged.
 *
 * The flags mean what they mean to nfs-utils' rpc.statd, whose sm-notify
 * job we do ourselves: -L neither bumps the state number nor notifies
 * ("preserving the existing NSM state number and monitor list"); -N
 * notifies and exits; -n NAME is the mon_name of our SM_NOTIFY and the
 * address they are sent from (sm-notify -v); -o the port they are sent
 * from; -d logs debug to stderr when in the foreground (-F) and does
 * nothing otherwise; -T/-U set the kernel's lock manager's ports there,
 * which nfs-suite's rpc.lockd takes from [lockd] instead: refused.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/rpcb_clnt.h>

#include "common/addr.h"
#include "common/atomicio.h"
#include "common/conf.h"
#include "common/daemon.h"
#include "common/log.h"
#include "common/rpc/rpc_stats.h"
#include "common/rpc/clnt.h"
#include "common/sandbox.h"
#include "common/suite_conf.h"
#include "common/util.h"
#include "statd/statd.h"

struct statd_conf {
	long	 port;
	long	 outgoing_port;
	char	*name;
	char	*state_dir;
	char	*user;
	long	 notify_retry_time;
	long	 max_monitors;
	char	*pidfile;
	long	 threads;
	char	*bind;
	char	*ha_callout;
	struct rpc_stats_conf stats;
};

#define DEFAULT_USER	"statd"

#define K(n, t, f, d, lo, hi, h) \
	{ n, t, offsetof(struct statd_conf, f), d, lo, hi, h }
static const struct conf_key statd_keys[] = {
	K("port", CONF_INT, port, "0", 0, 65535,
	    "UDP and TCP port (0: any free port)"),
	K("outgoing-port", CONF_INT, outgoing_port, "0", 0, 65535,
	    "source port of SM_NOTIFY calls (0: a reserved port)"),
	K("name", CONF_STR, name, NULL, 0, 0,
	    "our name in SM_NOTIFY, and its source address (empty: the host "
	    "name, any address)"),
	K("state-dir", CONF_STR, state_dir, NULL, 0, 0,
	    "state directory (empty: <[global] state-dir>/statd)"),
	K("user", CONF_STR, user, DEFAULT_USER, 0, 0,
	    "run as this user (\"nobody\" if the default statd is missing)"),
	K("notify-retry-time", CONF_INT, notify_retry_time, "900", 1, 604800,
	    "seconds to keep notifying a host that does not answer"),
	K("max-monitors", CONF_INT, max_monitors, "1024", 1, 1048576,
	    "registrations kept (SM_MON past it fails)"),
	K("pidfile", CONF_STR, pidfile, RUNSTATEDIR "/rpc.statd.pid", 0, 0,
	    "pid file, locked while running"),
	K("threads", CONF_INT, threads, "2", 1, 64,
	    "worker threads"),
	K("bind", CONF_LIST, bind, NULL, 0, 0,
	    "addresses to listen on; empty: the IPv4 and IPv6 wildcards"),
	K("ha-callout", CONF_STR, ha_callout, NULL, 0, 0,
	    "program run as PROG add-client|del-client MON_NAME MY_NAME, "
	    "PROG sm-notify MON_NAME ADDRESS STATE (empty: none)"),
	RPC_STATS_CONF_KEYS(struct statd_conf, stats, "rpc.statd"),
	CONF_KEY_END
};
#undef K

/* Command-line settings; NULL / -1: the config's. */
struct opts {
	long		 port, oport;
	const char	*name, *state_dir, *ha;
	bool		 no_notify, notify_only, debug, version;
	int		 nlm;		/* 'T' or 'U' given */
};

struct statd_main {
	struct statd		 st;
	struct statd_conf	 c;
	struct suite_conf	 sc;
	char			 dir[PATH_MAX];
	char			 name[STATD_NAME_MAX + 1];
	struct rpc_srv		*srv;
};

static const struct option long_opts[] = {
	{ "port",			required_argument, NULL, 'p' },
	{ "outgoing-port",		required_argument, NULL, 'o' },
	{ "name",			required_argument, NULL, 'n' },
	{ "state-directory-path",	required_argument, NULL, 'P' },
	{ "no-syslog",			no_argument,	   NULL, 'd' },
	{ "no-notify",			no_argument,	   NULL, 'L' },
	{ "notify-mode",		no_argument,	   NULL, 'N' },
	{ "ha-callout",			required_argument, NULL, 'H' },
	{ "nlm-port",			required_argument, NULL, 'T' },
	{ "nlm-udp-port",		required_argument, NULL, 'U' },
	{ NULL,				0,		   NULL, 0 }
};

#define USAGE \
	"  -p, --port PORT\t\tlisten on PORT ([statd] port, 0: any)\n" \
	"  -o, --outgoing-port PORT\tsend SM_NOTIFY from PORT " \
	    "([statd] outgoing-port)\n" \
	"  -n, --name NAME\t\tour name in SM_NOTIFY, sent from its " \
	    "address ([statd] name)\n" \
	"  -P, --state-directory-path DIR\tstate directory ([statd] " \
	    "state-dir)\n" \
	"  -F, --foreground\t\tdo not detach; log to stderr\n" \
	"  -d, --no-syslog\t\twith -F: debug messages too\n" \
	"  -L, --no-notify\t\tkeep the state number, notify nobody\n" \
	"  -N, --notify-mode\t\tnotify peers, then exit\n" \
	"  -H, --ha-callout PROG\t\trun PROG add-client|del-client " \
	    "MON_NAME MY_NAME,\n\t\t\t\tPROG sm-notify MON_NAME ADDRESS " \
	    "STATE\n" \
	"  -v, -V, --version\t\tthe version\n" \
	"  (-T/--nlm-port and -U/--nlm-udp-port: see [lockd] port)\n"

static int
extra_opt(int opt, const char *arg, void *p)
{
	struct opts *o = p;

	switch (opt) {
	case 'p':
		return parse_port(arg, 0, &o->port);
	case 'o':
		return parse_port(arg, 0, &o->oport);
	case 'n':
		o->name = arg;
		return 0;
	case 'P':
		o->state_dir = arg;
		return 0;
	case 'd':
		o->debug = true;
		return 0;
	case 'L':
		o->no_notify = true;
		return 0;
	case 'N':
		o->notify_only = true;
		return 0;
	case 'H':
		o->ha = arg;
		return 0;
	case 'T':
	case 'U':
		o->nlm = opt;
		return 0;
	case 'v':
		o->version = true;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A value that passed its type check but not ours: file:line:col. */
static void
conf_error(const struct daemon_args *da, const char *key, const char *msg)
{
	const char *path = da->cf != NULL ? conf_file_path(da->cf) :
	    da->conf_path;
	unsigned line = 0, col = 0;

	if (conf_where(da->cf, "statd", key, &line, &col) != 0)
		fprintf(stderr, "rpc.statd: %s: %s\n", path, msg);
	else if (line == 0)
		fprintf(stderr, "rpc.statd: command line: %s\n", msg);
	else
		fprintf(stderr, "rpc.statd: %s:%u:%u: %s\n", path, line, col,
		    msg);
}

/* A string value given on the command line replaces the file's (so that
 * --print-config shows what is in force). 0 or -ENOMEM. */
static int
override(char **field, const char *v)
{
	char *d;

	if (v == NULL)
		return 0;
	if ((d = strdup(v)) == NULL)
		return -ENOMEM;
	free(*field);
	*field = d;
	return 0;
}

static int
apply_config(struct statd_main *m, const struct daemon_args *da,
    const struct opts *o)
{
	struct parse_err err;
	const char *path, *why;
	char msg[320];
	int n;

	path = da->cf != NULL ? conf_file_path(da->cf) : da->conf_path;
	memset(&err, 0, sizeof(err));
	if (conf_apply(da->cf, "statd", statd_keys, &m->c, &err) != 0 ||
	    suite_conf_apply(da->cf, NULL, &m->sc, &err) != 0) {
		if (err.line > 0)
			fprintf(stderr, "rpc.statd: %s:%u:%u: %s\n", path,
			    err.line, err.col, err.msg);
		else
			fprintf(stderr, "rpc.statd: %s: %s\n", path, err.msg);
		return -EINVAL;
	}
	if (o->port >= 0)
		m->c.port = o->port;
	if (o->oport >= 0)
		m->c.outgoing_port = o->oport;
	if (m->c.port != 0 && m->c.port == m->c.outgoing_port) {
		fprintf(stderr, "rpc.statd: the listening port and the outgoing "
		    "port cannot be the same (%ld)\n", m->c.port);
		return -EINVAL;
	}
	if (m->c.name[0] != '\0' &&
	    (why = statd_name_invalid(m->c.name)) != NULL) {
		snprintf(msg, sizeof(msg), "name: \"%.64s\" %s", m->c.name, why);
		conf_error(da, "name", msg);
		return -EINVAL;
	}
	if (o->name != NULL && (why = statd_name_invalid(o->name)) != NULL) {
		fprintf(stderr, "rpc.statd: -n \"%.64s\": %s\n", o->name, why);
		return -EINVAL;
	}
	if (m->c.ha_callout[0] != '\0' && m->c.ha_callout[0] != '/') {
		conf_error(da, "ha-callout", "ha-callout: not an absolute path");
		return -EINVAL;
	}
	if (o->ha != NULL && o->ha[0] != '/') {
		fprintf(stderr, "rpc.statd: -H %s: not an absolute path\n",
		    o->ha);
		return -EINVAL;
	}
	/* the file's values were checked: the command line's take over */
	if (override(&m->c.name, o->name) != 0 ||
	    override(&m->c.state_dir, o->state_dir) != 0 ||
	    override(&m->c.ha_callout, o->ha) != 0) {
		fprintf(stderr, "rpc.statd: out of memory\n");
		return -ENOMEM;
	}
	if (m->c.state_dir[0] != '\0')
		n = snprintf(m->dir, sizeof(m->dir), "%s", m->c.state_dir);
	else
		n = snprintf(m->dir, sizeof(m->dir), "%s/statd",
		    m->sc.state_dir);
	if (n < 0 || (size_t)n >= sizeof(m->dir) - 16 || m->dir[0] != '/') {
		fprintf(stderr, "rpc.statd: state directory \"%.64s\": must be "
		    "an absolute path shorter than %zu bytes\n", m->dir,
		    sizeof(m->dir) - 16);
		return -EINVAL;
	}
	return 0;
}

/*
 * The addresses SM_NOTIFY is sent from: -n NAME's (sm-notify -v), numeric
 * or looked up now (start-up may wait for it, as sm-notify does); the
 * wildcard of a family NAME has no address of. A name with no address at
 * all is a warning: the wildcards, as without -n.
 */
static void
notify_sources(const char *name, struct sockaddr_storage *a4,
    struct sockaddr_storage *a6)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t len;
	int rc;

	memset(a4, 0, sizeof(*a4));
	memset(a6, 0, sizeof(*a6));
	a4->ss_family = AF_INET;
	a6->ss_family = AF_INET6;
	if (name == NULL)
		return;
	if (addr_pton(name, &ss, &len) == 0) {
		memcpy(ss.ss_family == AF_INET ? a4 : a6, &ss, len);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		log_warnx("name %s: %s; SM_NOTIFY is sent from any address",
		    name, gai_strerror(rc));
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET && a4->ss_family == AF_INET &&
		    ((struct sockaddr_in *)a4)->sin_addr.s_addr == 0)
			memcpy(a4, ai->ai_addr, sizeof(struct sockaddr_in));
		else if (ai->ai_family == AF_INET6 &&
		    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)a6)->
		    sin6_addr))
			memcpy(a6, ai->ai_addr, sizeof(struct sockaddr_in6));
	freeaddrinfo(res);
}

/* Bind fd to a free reserved port (1023 down to 600) at ss's address.
 * Returns the port or -errno. */
static int
bind_reserved_at(int fd, struct sockaddr_storage *ss)
{
	int port;

	for (port = 1023; port >= 600; port--) {
		addr_set_port((struct sockaddr *)ss, port);
		if (bind(fd, (struct sockaddr *)ss,
		    addr_len((struct sockaddr *)ss)) == 0)
			return port;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/* Is ss a family's wildcard address? */
static bool
is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->
	    sin6_addr);
}

/*
 * An outgoing UDP socket bound to src (its family), with port, else (as
 * root) a reserved port. what names it in messages. Returns the fd, or -1
 * (no IPv6 here, or IPv6 at an address that cannot be bound).
 */
static int
outgoing_socket(const struct sockaddr_storage *src, long port,
    const char *what)
{
	struct sockaddr_storage ss = *src;
	int family = ss.ss_family, fd, one = 1, rc;
	const char *fam = family == AF_INET6 ? "IPv6" : "IPv4";
	char a[ADDR_STRLEN];

	if ((fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		if (family == AF_INET6)
			return -1;
		fatal("%s socket", what);
	}
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	addr_ntop((struct sockaddr *)&ss, a, sizeof(a));
	if (port == 0 && geteuid() == 0) {
		if ((rc = bind_reserved_at(fd, &ss)) >= 0)
			return fd;
		log_warnx("no reserved port for %s at %s (%s): %s", what, a,
		    fam, strerror(-rc));
		if (is_any(&ss))
			return fd;
	} else if (port == 0 && is_any(&ss))
		return fd;
	addr_set_port((struct sockaddr *)&ss, (int)port);
	if (bind(fd, (struct sockaddr *)&ss,
	    addr_len((struct sockaddr *)&ss)) != 0) {
		if (family == AF_INET6) {
			log_warn("%s from %s port %ld (IPv6)", what, a, port);
			close(fd);
			return -1;
		}
		fatal("%s from %s port %ld", what, a, port);
	}
	return fd;
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
		log_notice("SIGHUP: nothing to reload (a restart applies "
		    "configuration changes)");
		break;
	default:
		break;
	}
}

static void
tick(struct rpc_srv *srv, void *arg)
{
	(void)srv;
	statd_rate_tick(arg);
}

/* -N: wait until every host answered or was given up, or a signal. */
static void
notify_wait(struct statd *st, int sigfd)
{
	struct pollfd pfd[2];
	uint64_t v;
	ssize_t n;
	int sig;

	while (statd_send_notify_pending(st->send) > 0) {
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = statd_send_idle_fd(st->send);
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			n = read(pfd[1].fd, &v, sizeof(v));
			(void)n;
		}
		while ((sig = daemon_sigpipe_read(sigfd)) > 0)
			if (sig == SIGTERM || sig == SIGINT) {
				log_info("signal %d: stopping", sig);
				return;
			}
	}
}

/* Look the run-as user up; the default falls back to nobody. */
static const char *
run_user(const char *user, uid_t *uid, gid_t *gid)
{
	if (priv_lookup(user, uid, gid) == 0)
		return user;
	if (strcmp(user, DEFAULT_USER) != 0)
		fatalx("user %s: no such user", user);
	if (priv_lookup("nobody", uid, gid) != 0)
		fatalx("neither %s nor nobody exists", DEFAULT_USER);
	return "nobody";
}

int
main(int argc, char **argv)
{
	static struct statd_main m;
	struct statd_send_cfg sc;
	struct statd_send *send;
	struct rpc_srv_config scfg;
	struct rpc_program prog;
	struct daemon_args da;
	struct opts o = { -1, -1, NULL, NULL, NULL, false, false, false,
	    false, 0 };
	char **bind = NULL, (*keys)[STATD_NAME_MAX + 1] = NULL;
	const char *user = NULL, *ha;
	uint32_t old, state;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool root = geteuid() == 0, reg_early;
	struct sockaddr_storage src4, src6, lo;
	int rc, oi, pidfd, sigfd, udp4, udp6, cbfd, i, n;
	char msg[256];

	rc = daemon_parse_args_long(argc, argv, "statd", "p:o:n:P:dLNH:T:U:v",
	    long_opts, USAGE, extra_opt, &o, &da, &oi);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		if (da.usage_error)
			return daemon_usage_error(&da, "%s", da.err);
		fprintf(stderr, "rpc.statd: %s\n", da.err);
		return 2;
	}
	if (o.version) {
		printf("rpc.statd nfs-suite %s\n", PACKAGE_VERSION);
		conf_file_free(da.cf);
		return 0;
	}
	if (o.nlm != 0) {
		fprintf(stderr, "rpc.statd: -%c sets the port of the kernel's "
		    "lock manager; nfs-suite's rpc.lockd takes its port from "
		    "[lockd] port in %s\n", o.nlm, da.conf_path);
		conf_file_free(da.cf);
		return 2;
	}
	if (oi < argc) {
		(void)daemon_usage_error(&da, "unexpected argument \"%s\"",
		    argv[oi]);
		conf_file_free(da.cf);
		return 2;
	}
	/* nfs-utils: -d logs verbosely to stderr "if the -F option was also
	 * specified"; a daemon never logs to a console */
	if (o.debug && da.foreground)
		da.debug |= LOG_D_ALL;
	if (daemon_nfs_conf(&da, "statd") != 0) {
		fprintf(stderr, "rpc.statd: %s\n", da.err);
		conf_file_free(da.cf);
		return 1;
	}
	if (apply_config(&m, &da, &o) != 0) {
		conf_free_values(statd_keys, &m.c);
		suite_conf_free(&m.sc);
		conf_file_free(da.cf);
		return 1;
	}
	if (da.print_conf || da.check_only) {
		if (da.print_conf) {
			conf_print_src(stdout, "statd", statd_keys, &m.c,
			    da.cf);
			printf("# state directory in force: %s\n", m.dir);
		}
		conf_free_values(statd_keys, &m.c);
		suite_conf_free(&m.sc);
		conf_file_free(da.cf);
		return 0;
	}

	log_init(da.foreground, "rpc.statd");
	log_set_debug(da.debug);
	log_set_burst((unsigned)m.sc.log_burst);

	if (m.c.name[0] != '\0')
		snprintf(m.name, sizeof(m.name), "%s", m.c.name);
	else if (gethostname(m.name, sizeof(m.name)) != 0 ||
	    (m.name[sizeof(m.name) - 1] = '\0',
	    statd_name_invalid(m.name) != NULL))
		fatalx("the host name is not usable in SM_NOTIFY: set "
		    "[statd] name");
	ha = m.c.ha_callout;
	if (root)
		user = run_user(m.c.user, &uid, &gid);

	if ((pidfd = daemon_pidfile(m.c.pidfile)) < 0) {
		/* not detached yet: say it where it was started too */
		if (pidfd == -EAGAIN && !da.foreground)
			fprintf(stderr, "rpc.statd: another rpc.statd is running "
			    "(%s is locked)\n", m.c.pidfile);
		if (pidfd == -EAGAIN)
			fatalx("another rpc.statd is running (%s is locked)",
			    m.c.pidfile);
		fatalx("pidfile %s: %s", m.c.pidfile, strerror(-pidfd));
	}

	/* as root: the sockets */
	if (!o.notify_only) {
		memset(&scfg, 0, sizeof(scfg));
		scfg.nthreads = (unsigned)m.c.threads;
		if ((m.srv = rpc_srv_new(&scfg)) == NULL)
			fatalx("out of memory");
		prog = *statd_program();
		prog.ctx = &m.st;
		if ((rc = rpc_srv_add_program(m.srv, &prog)) != 0)
			fatalx("add program: %s", strerror(-rc));
		if ((bind = conf_list_split(m.c.bind)) == NULL)
			fatalx("out of memory");
		if ((rc = rpc_srv_listen_std(m.srv, (int)m.c.port,
		    bind[0] != NULL ? (const char *const *)bind : NULL)) != 0)
			fatalx("listen on port %ld: %s", m.c.port,
			    strerror(-rc));
		if ((rc = rpc_srv_stats_setup(m.srv, "rpc.statd", &m.c.stats,
		    msg, sizeof(msg))) < 0)
			fatalx("%s", msg);
		else if (rc > 0)
			log_warnx("%s", msg);
	}
	notify_sources(m.c.name[0] != '\0' ? m.c.name : NULL, &src4, &src6);
	udp4 = outgoing_socket(&src4, m.c.outgoing_port, "SM_NOTIFY");
	udp6 = outgoing_socket(&src6, m.c.outgoing_port, "SM_NOTIFY");
	memset(&lo, 0, sizeof(lo));
	lo.ss_family = AF_INET;
	cbfd = outgoing_socket(&lo, 0, "callbacks");

	/* as root: the state number, then the directory to its owner */
	if ((rc = mkdir_p(m.dir, 0700)) != 0)
		fatalx("state directory %s: %s", m.dir, strerror(-rc));
	if (statd_init(&m.st, m.dir, (size_t)m.c.max_monitors, true) != 0)
		fatalx("state directory %s: name too long", m.dir);
	if ((rc = statd_state_read(m.st.statefile, &old)) == -EINVAL)
		log_warnx("%s: not a state file (not 4 bytes long); starting "
		    "from 0",
		    m.st.statefile);
	else if (rc != 0)
		fatalx("%s: %s", m.st.statefile, strerror(-rc));
	/* -L keeps a state number that is valid (odd) */
	if (o.no_notify && (old & 1) && old <= INT32_MAX)
		state = old;
	else if ((state = statd_state_next(old)),
	    (rc = statd_state_write(m.st.statefile, state)) != 0)
		fatalx("%s: %s", m.st.statefile, strerror(-rc));
	atomic_store(&m.st.state, (int32_t)state);
	if ((rc = statd_dir_prepare(m.dir, uid, gid)) != 0)
		fatalx("state directory %s: %s", m.dir, strerror(-rc));

	/* rpcbind lets only root map a privileged port, and only the owner
	 * of a mapping remove it: register as the user we run as, unless
	 * the port is privileged. Whatever an earlier instance left is
	 * removed now, as root (nfs-utils too): a mapping it made as root
	 * for a privileged port outlived it, as the user cannot remove it. */
	if (m.srv != NULL && root)
		(void)rpcb_unset(SM_PROG, SM_VERS, NULL);
	reg_early = m.srv != NULL && root && m.c.port > 0 && m.c.port < 1024;
	if (reg_early && (rc = rpc_srv_register(m.srv)) != 0)
		log_warnx("register with rpcbind: %s", strerror(-rc));
	if (root) {
		if ((rc = priv_drop(user, 0)) != 0)
			fatalx("drop privileges to %s: %s", user,
			    strerror(-rc));
		log_notice("running as %s (uid %lu, gid %lu), no capabilities "
		    "kept", user, (unsigned long)uid, (unsigned long)gid);
	} else
		log_notice("not started as root: running as uid %lu",
		    (unsigned long)geteuid());
	/* the callout runs from a process of its own, outside the sandbox */
	if (ha[0] != '\0' && (m.st.ha = statd_ha_new(ha,
	    !da.foreground)) == NULL)
		fatal("cannot start the ha-callout runner");
	if ((rc = sandbox_enter(SANDBOX_STATD, 0, m.sc.seccomp &&
	    !da.no_seccomp, msg, sizeof(msg))) != 0)
		fatalx("%s", msg);
	log_info("%s", msg);

	if (!o.notify_only) {
		n = statd_load_monitors(&m.st);
		log_info("%d registration%s read from %s", n, n == 1 ? "" : "s",
		    m.st.sm);
		if (!reg_early && (rc = rpc_srv_register(m.srv)) != 0)
			log_warnx("register with rpcbind: %s; lock managers "
			    "will not find statd", strerror(-rc));
	}

	if (!da.foreground) {
		if ((rc = daemon_detach()) != 0)
			fatalx("detach: %s", strerror(-rc));
		(void)daemon_pidfile_update(pidfd);
	}
	if ((sigfd = daemon_sigpipe()) < 0)
		fatalx("signals: %s", strerror(-sigfd));

	/* threads only after detaching: fork() keeps none */
	memset(&sc, 0, sizeof(sc));
	sc.udp4_fd = udp4;
	sc.udp6_fd = udp6;
	sc.cb_fd = cbfd;
	sc.our_name = m.name;
	sc.retry_secs = (unsigned)m.c.notify_retry_time;
	sc.acked = statd_on_acked;
	sc.resolved = statd_on_resolved;
	sc.arg = &m.st;
	if ((send = statd_send_new(&sc)) == NULL)
		fatal("cannot start the sender");
	m.st.send = send;
	if (m.st.ha != NULL && (rc = statd_ha_start(m.st.ha)) != 0)
		fatalx("cannot start the ha-callout runner: %s",
		    strerror(-rc));
	n = statd_db_unresolved(&m.st.db, &keys);
	for (i = 0; i < n; i++)
		(void)statd_send_resolve(send, keys[i]);
	free(keys);
	if (!o.no_notify)
		(void)statd_notify_restart(&m.st, (int32_t)state);

	rc = 0;
	if (o.notify_only)
		notify_wait(&m.st, sigfd);
	else {
		log_info("ready on port %d (udp), %d (tcp); state %u; SM_NOTIFY "
		    "as %s", rpc_srv_port(m.srv, RPC_XPRT_UDP, AF_INET),
		    rpc_srv_port(m.srv, RPC_XPRT_TCP, AF_INET), state, m.name);
		rpc_srv_set_timer(m.srv, 1, tick, &m.st);
		if ((rc = rpc_srv_run(m.srv, sigfd, on_signal, &m)) != 0)
			log_warnx("server: %s", strerror(-rc));
		rpc_srv_unregister(m.srv);
	}

	/* the workers use the sender: stop them first */
	rpc_srv_free(m.srv);
	statd_send_free(m.st.send);
	statd_ha_free(m.st.ha);
	statd_destroy(&m.st);
	free(bind);
	conf_free_values(statd_keys, &m.c);
	suite_conf_free(&m.sc);
	conf_file_free(da.cf);
	return rc == 0 ? 0 : 1;
}
