/*
 * nsmprobe: what the integration tests of rpc.statd need beyond nlmprobe's
 * one-call NSM commands (sm-stat, sm-mon, ...): the lock manager's side of
 * the callback, and a flood of SM_MON.
 *
 *	nsmprobe [-w SECS] [-P udp|tcp] serve PROG VERS
 *		A callback receiver, as a lock manager is for statd: a UDP
 *		(or with -P tcp, a TCP only) service for PROG/VERS registered
 *		with the local rpcbind (udp and udp6, or tcp and tcp6). Every
 *		call but NULL is decoded as sm_status (the
 *		argument statd's callback carries, xdr/nsm.x), answered with
 *		void and printed on one line:
 *		  callback prog=P vers=V proc=N from=ADDR mon_name=NAME
 *		    state=N priv=HEX
 *		(NAME with unprintable bytes as '?'); a call that does not
 *		decode gets GARBAGE_ARGS and prints "callback ... garbage".
 *		"serving PROG VERS NETTYPE" is printed once registered. Ends after
 *		SECS (default: never) or at SIGTERM/SIGINT, unregistered.
 *
 *	nsmprobe [-s ADDR] [-w SECS] [-n MYNAME] flood N FORMAT [MOD]
 *		N SM_MON calls over UDP to ADDR's statd (port from its
 *		rpcbind), at most 64 in flight; the mon_name of call i is
 *		FORMAT with its one %u or %x replaced by i % MOD (MOD
 *		default N), e.g. "fd00::%x" or "host%u". my_id is (MYNAME
 *		default "flood", 100021, 3, 16). Prints
 *		  flood: sent N answers A (stat_succ S, stat_fail F) other O
 *		    lost L secs T
 *		and exits 0 when every call was answered within SECS
 *		(default 20), else 1.
 *
 * Usage errors exit 2.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>

#include "xdr/nsm.h"

#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))
#define WINDOW		64

static volatile sig_atomic_t got_signal;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: nsmprobe [-w SECS] [-P udp|tcp] serve PROG VERS\n"
	    "       nsmprobe [-s ADDR] [-w SECS] [-n MYNAME] flood N FORMAT "
	    "[MOD]\n");
	exit(2);
}

static unsigned long
num(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > max)
		usage();
	return v;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* ------------------------------------------------------------ serve */

static rpcprog_t serve_prog;
static rpcvers_t serve_vers;
static const char *serve_nettype = "udp";

static void
serve_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	const struct netbuf *nb = svc_getrpccaller(xprt);
	char from[INET6_ADDRSTRLEN + 8] = "?", safe[SM_MAXSTRLEN + 1];
	const struct sockaddr *sa;
	sm_status st;
	size_t i;

	if (nb != NULL && nb->buf != NULL) {
		sa = nb->buf;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    nb->buf)->sin_addr, from, sizeof(from));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    nb->buf)->sin6_addr, from, sizeof(from));
	}
	if (rq->rq_proc == 0) {
		(void)svc_sendreply(xprt, XDRP(xdr_void), NULL);
		return;
	}
	memset(&st, 0, sizeof(st));
	if (!svc_getargs(xprt, XDRP(xdr_sm_status), (caddr_t)&st)) {
		printf("callback prog=%lu vers=%lu proc=%lu from=%s garbage\n",
		    (unsigned long)rq->rq_prog, (unsigned long)rq->rq_vers,
		    (unsigned long)rq->rq_proc, from);
		fflush(stdout);
		svcerr_decode(xprt);
		return;
	}
	for (i = 0; st.mon_name[i] != '\0' && i < SM_MAXSTRLEN; i++)
		safe[i] = st.mon_name[i] > 0x20 && st.mon_name[i] < 0x7f ?
		    st.mon_name[i] : '?';
	safe[i] = '\0';
	printf("callback prog=%lu vers=%lu proc=%lu from=%s mon_name=%s "
	    "state=%d priv=", (unsigned long)rq->rq_prog,
	    (unsigned long)rq->rq_vers, (unsigned long)rq->rq_proc, from,
	    safe, st.state);
	for (i = 0; i < SM_PRIVLEN; i++)
		printf("%02x", (unsigned char)st.priv[i]);
	printf("\n");
	fflush(stdout);
	(void)svc_sendreply(xprt, XDRP(xdr_void), NULL);
	(void)svc_freeargs(xprt, XDRP(xdr_sm_status), (caddr_t)&st);
}

static int
serve(unsigned long secs)
{
	double end = secs > 0 ? now_s() + (double)secs : 0;
	struct timeval tv;
	fd_set fds;
	int n;

	if (svc_create(serve_dispatch, serve_prog, serve_vers,
	    serve_nettype) == 0) {
		fprintf(stderr, "nsmprobe: cannot serve and register %lu/%lu "
		    "(is the local rpcbind running, or the program taken?)\n",
		    (unsigned long)serve_prog, (unsigned long)serve_vers);
		return 1;
	}
	printf("serving %lu %lu %s\n", (unsigned long)serve_prog,
	    (unsigned long)serve_vers, serve_nettype);
	fflush(stdout);
	while (!got_signal && (end == 0 || now_s() < end)) {
		fds = svc_fdset;
		tv.tv_sec = 0;
		tv.tv_usec = 200000;
		n = select(FD_SETSIZE, &fds, NULL, NULL, &tv);
		if (n < 0 && errno != EINTR) {
			perror("nsmprobe: select");
			break;
		}
		if (n > 0)
			svc_getreqset(&fds);
	}
	svc_unreg(serve_prog, serve_vers);
	return 0;
}

/* ------------------------------------------------------------ flood */

static size_t
encode_mon(uint32_t xid, sm_mon *m, char *buf, size_t len)
{
	struct rpc_msg msg;
	size_t n = 0;
	XDR x;

	memset(&msg, 0, sizeof(msg));
	msg.rm_xid = xid;
	msg.rm_direction = CALL;
	msg.rm_call.cb_rpcvers = RPC_MSG_VERSION;
	msg.rm_call.cb_prog = SM_PROG;
	msg.rm_call.cb_vers = SM_VERS;
	msg.rm_call.cb_proc = SM_MON;
	msg.rm_call.cb_cred = _null_auth;
	msg.rm_call.cb_verf = _null_auth;
	xdrmem_create(&x, buf, (u_int)len, XDR_ENCODE);
	if (xdr_callmsg(&x, &msg) && xdr_sm_mon(&x, m))
		n = xdr_getpos(&x);
	xdr_destroy(&x);
	return n;
}

/* A reply: 1 stat_succ, 0 stat_fail, -1 anything else; *xidp its xid. */
static int
decode_res(char *buf, size_t len, uint32_t *xidp)
{
	struct rpc_msg msg;
	sm_stat_res res;
	int rc = -1;
	XDR x;

	memset(&msg, 0, sizeof(msg));
	memset(&res, 0, sizeof(res));
	msg.acpted_rply.ar_verf = _null_auth;
	msg.acpted_rply.ar_results.where = (caddr_t)&res;
	msg.acpted_rply.ar_results.proc = XDRP(xdr_sm_stat_res);
	xdrmem_create(&x, buf, (u_int)len, XDR_DECODE);
	if (xdr_replymsg(&x, &msg) && msg.rm_reply.rp_stat == MSG_ACCEPTED &&
	    msg.acpted_rply.ar_stat == SUCCESS)
		rc = res.res_stat == stat_succ ? 1 : 0;
	*xidp = msg.rm_xid;
	xdr_destroy(&x);
	return rc;
}

/* FORMAT must hold exactly one conversion, %u or %x. */
static void
check_format(const char *f)
{
	const char *p;
	int n = 0;

	for (p = f; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] != 'u' && p[1] != 'x')
			usage();
		n++;
	}
	if (n != 1 || strlen(f) > 200)
		usage();
}

static int
flood(const char *server, const char *myname, unsigned long n,
    const char *fmt, unsigned long mod, unsigned long secs)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	char buf[2048], name[256];
	unsigned long sent = 0, got = 0, succ = 0, fail = 0, other = 0;
	uint32_t xid0, xid;
	double t0, deadline, quiet;
	unsigned short port;
	sm_mon m;
	size_t len;
	ssize_t r;
	int s, rc;

	check_format(fmt);
	if (mod == 0)
		usage();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, server, &sin.sin_addr) != 1) {
		fprintf(stderr, "nsmprobe: -s %s: need a numeric IPv4 address\n",
		    server);
		return 2;
	}
	if ((port = pmap_getport(&sin, SM_PROG, SM_VERS, IPPROTO_UDP)) == 0) {
		fprintf(stderr, "nsmprobe: %s\n",
		    clnt_spcreateerror("statd's port"));
		return 1;
	}
	sin.sin_port = htons(port);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		perror("nsmprobe: socket");
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.mon_id.mon_name = name;
	m.mon_id.my_id.my_name = (char *)(uintptr_t)myname;
	m.mon_id.my_id.my_prog = 100021;
	m.mon_id.my_id.my_vers = 3;
	m.mon_id.my_id.my_proc = 16;
	xid0 = (uint32_t)getpid() << 16 ^ (uint32_t)time(NULL);
	t0 = now_s();
	deadline = t0 + (double)secs;
	quiet = t0;
	pfd.fd = s;
	pfd.events = POLLIN;
	while (got < n && now_s() < deadline && !got_signal) {
		while (sent < n && sent - got < WINDOW) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(name, sizeof(name), fmt,
			    (unsigned)(sent % mod));
#pragma GCC diagnostic pop
			len = encode_mon(xid0 + (uint32_t)sent, &m, buf,
			    sizeof(buf));
			if (len == 0 || send(s, buf, len, 0) < 0) {
				perror("nsmprobe: send");
				close(s);
				return 1;
			}
			sent++;
		}
		if (poll(&pfd, 1, 100) <= 0) {
			/* a second without an answer: the rest is lost */
			if (now_s() - quiet > 1.0)
				break;
			continue;
		}
		while ((r = recv(s, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			rc = decode_res(buf, (size_t)r, &xid);
			if (xid - xid0 >= sent)
				continue;	/* not ours */
			got++;
			quiet = now_s();
			if (rc == 1)
				succ++;
			else if (rc == 0)
				fail++;
			else
				other++;
		}
	}
	close(s);
	printf("flood: sent %lu answers %lu (stat_succ %lu, stat_fail %lu) "
	    "other %lu lost %lu secs %.2f\n", sent, succ + fail, succ, fail,
	    other, sent - got, now_s() - t0);
	return got == n ? 0 : 1;
}

/* ------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	const char *server = "127.0.0.1", *myname = "flood";
	unsigned long secs = 0, n;
	struct sigaction sa;
	bool wait_set = false;
	int ch;

	while ((ch = getopt(argc, argv, "s:w:n:P:")) != -1) {
		switch (ch) {
		case 'P':
			if (strcmp(optarg, "udp") != 0 &&
			    strcmp(optarg, "tcp") != 0)
				usage();
			serve_nettype = optarg;
			break;
		case 's':
			server = optarg;
			break;
		case 'w':
			secs = num(optarg, 86400);
			wait_set = true;
			break;
		case 'n':
			myname = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: select() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (strcmp(argv[0], "serve") == 0 && argc == 3) {
		serve_prog = (rpcprog_t)num(argv[1], UINT32_MAX);
		serve_vers = (rpcvers_t)num(argv[2], UINT32_MAX);
		return serve(secs);
	}
	if (strcmp(argv[0], "flood") == 0 && (argc == 3 || argc == 4)) {
		n = num(argv[1], 10000000);
		return flood(server, myname, n, argv[2],
		    argc == 4 ? num(argv[3], UINT32_MAX) : (n > 0 ? n : 1),
		    wait_set ? secs : 20);
	}
	usage();
	return 2;
}
