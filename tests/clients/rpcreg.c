/*
 * rpcreg: drive rpcbind from the integration tests with libtirpc's own
 * client calls, the way real daemons and attackers reach it.
 *
 *	rpcreg [-T netid] [-w secs] COMMAND ARGS...
 *
 *	set PROG VERS NETID UADDR	rpcb_set(): /run/rpcbind.sock first
 *	unset PROG VERS [NETID [UADDR]]	rpcb_unset() (no NETID: every netid)
 *	pmap-set PROG VERS PROTO PORT	pmap_set() (libtirpc maps it to rpcb_set)
 *	pmap-unset PROG VERS		pmap_unset()
 *	set-remote HOST PROG VERS NETID UADDR
 *					RPCBPROC_SET (v3) sent to HOST port 111
 *					over -T netid (udp), as a non-local
 *					caller would
 *	unset-remote HOST PROG VERS NETID
 *					RPCBPROC_UNSET (v3) the same way
 *	pmap-set-remote HOST PROG VERS PROTO PORT
 *	pmap-unset-remote HOST PROG VERS
 *					PMAPPROC_SET/UNSET (v2) to HOST port 111
 *	getport HOST PROG VERS PROTO	PMAPPROC_GETPORT (v2): prints the port
 *	getaddr HOST PROG VERS NETID	RPCBPROC_GETADDR (v3): prints the uaddr
 *	callit HOST PROG VERS PROC	PMAPPROC_CALLIT (v2, UDP) of a procedure
 *					with void arguments (pmap_rmtcall)
 *	callit-pmapset HOST PROG VERS PROTO PORT
 *					CALLIT asking rpcbind to forward a
 *					PMAPPROC_SET to itself (the classic
 *					portmapper proxy attack)
 *	serve PROG VERS			a tiny server on udp and tcp (svc_create,
 *					so registered through rpcbind) that
 *					prints one line per call received and
 *					answers NULL
 *	listen PORT...			hold udp and tcp sockets on those ports
 *					of 0.0.0.0 (tcp listening, udp never
 *					answering), print "listening", sleep:
 *					what a registration made by a tool
 *					for another process points at
 *
 * PROTO is udp/tcp or 17/6. Prints the outcome on one line. Exit status:
 * 0 the answer was TRUE / the call succeeded, 1 FALSE / the server refused
 * the call (an RPC-level rejection such as PROC_UNAVAIL), 2 an RPC or usage
 * error (no answer, cannot connect): clnt_sperror() is printed.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/pmap_clnt.h>
#include <rpc/pmap_prot.h>
#include <rpc/rpcb_clnt.h>
#include <rpc/rpcb_prot.h>

/* libtirpc's xdrproc_t is variadic; go through void (*)(void) to say the
 * cast is deliberate (xdr_void takes no arguments at all). */
#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))

#define EX_TRUE		0
#define EX_FALSE	1
#define EX_ERR		2

/*
 * libtirpc's pmap_set() frees the netbuf uaddr2taddr() made but not its
 * buffer: 16 bytes lost per call, which LeakSanitizer reports (or not,
 * depending on what the stack still holds) in the build-san tree. Not ours
 * to fix, and this program exits at once: that one leak is suppressed.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:__rpc_uaddr2taddr_af\n";
}

static const char *netid_opt = "udp";
static int wait_secs = 5;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rpcreg [-T netid] [-w secs] COMMAND ARGS...\n"
	    "  set PROG VERS NETID UADDR | unset PROG VERS [NETID [UADDR]]\n"
	    "  pmap-set PROG VERS PROTO PORT | pmap-unset PROG VERS\n"
	    "  set-remote HOST PROG VERS NETID UADDR | "
	    "unset-remote HOST PROG VERS NETID\n"
	    "  pmap-set-remote HOST PROG VERS PROTO PORT | "
	    "pmap-unset-remote HOST PROG VERS\n"
	    "  getport HOST PROG VERS PROTO | getaddr HOST PROG VERS NETID\n"
	    "  callit HOST PROG VERS PROC | "
	    "callit-pmapset HOST PROG VERS PROTO PORT\n"
	    "  serve PROG VERS | listen PORT...\n");
	exit(EX_ERR);
}

static unsigned long
num(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "rpcreg: bad %s '%s'\n", what, s);
		exit(EX_ERR);
	}
	return v;
}

static unsigned
proto_num(const char *s)
{
	if (strcmp(s, "udp") == 0)
		return IPPROTO_UDP;
	if (strcmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	return (unsigned)num(s, 255, "protocol");
}

static struct netconfig *
netconf(const char *netid)
{
	struct netconfig *nc;

	if ((nc = getnetconfigent(netid)) == NULL) {
		fprintf(stderr, "rpcreg: unknown netid '%s'\n", netid);
		exit(EX_ERR);
	}
	return nc;
}

/* The name of a clnt_stat, for output the tests can match. */
static const char *
stat_name(enum clnt_stat st)
{
	static const struct {
		enum clnt_stat	 st;
		const char	*name;
	} names[] = {
		{ RPC_SUCCESS, "RPC_SUCCESS" },
		{ RPC_CANTENCODEARGS, "RPC_CANTENCODEARGS" },
		{ RPC_CANTDECODERES, "RPC_CANTDECODERES" },
		{ RPC_CANTSEND, "RPC_CANTSEND" },
		{ RPC_CANTRECV, "RPC_CANTRECV" },
		{ RPC_TIMEDOUT, "RPC_TIMEDOUT" },
		{ RPC_VERSMISMATCH, "RPC_VERSMISMATCH" },
		{ RPC_AUTHERROR, "RPC_AUTHERROR" },
		{ RPC_PROGUNAVAIL, "RPC_PROGUNAVAIL" },
		{ RPC_PROGVERSMISMATCH, "RPC_PROGVERSMISMATCH" },
		{ RPC_PROCUNAVAIL, "RPC_PROCUNAVAIL" },
		{ RPC_CANTDECODEARGS, "RPC_CANTDECODEARGS" },
		{ RPC_SYSTEMERROR, "RPC_SYSTEMERROR" },
		{ RPC_UNKNOWNHOST, "RPC_UNKNOWNHOST" },
		{ RPC_PMAPFAILURE, "RPC_PMAPFAILURE" },
		{ RPC_PROGNOTREGISTERED, "RPC_PROGNOTREGISTERED" },
		{ RPC_FAILED, "RPC_FAILED" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].st == st)
			return names[i].name;
	return "RPC_UNKNOWN";
}

/* Did the server itself answer with a rejection (as opposed to no answer)? */
static int
refused(enum clnt_stat st)
{
	switch (st) {
	case RPC_VERSMISMATCH:
	case RPC_AUTHERROR:
	case RPC_PROGUNAVAIL:
	case RPC_PROGVERSMISMATCH:
	case RPC_PROCUNAVAIL:
	case RPC_CANTDECODEARGS:
	case RPC_SYSTEMERROR:
		return 1;
	default:
		return 0;
	}
}

static int
bool_result(const char *what, bool_t r)
{
	printf("%s: %s\n", what, r ? "true" : "false");
	return r ? EX_TRUE : EX_FALSE;
}

/* A client for HOST's rpcbind on port 111 over netid, with no address
 * look-up in between (so each test sees exactly one call). */
static CLIENT *
rpcbind_client(const char *host, const char *netid, rpcprog_t prog,
    rpcvers_t vers)
{
	struct netconfig *nc = netconf(netid);
	struct addrinfo hints, *ai;
	struct netbuf nb;
	struct timeval retry = { 1, 0 };
	CLIENT *cl;
	int rc, dgram = nc->nc_semantics == NC_TPI_CLTS;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_family = strcmp(nc->nc_protofmly, NC_INET6) == 0 ?
	    AF_INET6 : AF_INET;
	hints.ai_socktype = dgram ? SOCK_DGRAM : SOCK_STREAM;
	if ((rc = getaddrinfo(host, "111", &hints, &ai)) != 0) {
		fprintf(stderr, "rpcreg: %s: %s\n", host, gai_strerror(rc));
		exit(EX_ERR);
	}
	nb.buf = ai->ai_addr;
	nb.len = nb.maxlen = ai->ai_addrlen;
	cl = clnt_tli_create(RPC_ANYFD, nc, &nb, prog, vers, 0, 0);
	freeaddrinfo(ai);
	freenetconfigent(nc);
	if (cl == NULL) {
		fprintf(stderr, "%s\n", clnt_spcreateerror("rpcreg"));
		exit(EX_ERR);
	}
	if (dgram)
		(void)clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&retry);
	return cl;
}

/* Call proc and print/convert a boolean answer. */
static int
remote_bool(CLIENT *cl, const char *what, rpcproc_t proc, xdrproc_t xargs,
    void *args)
{
	struct timeval tv = { wait_secs, 0 };
	enum clnt_stat st;
	bool_t r = FALSE;

	st = clnt_call(cl, proc, xargs, args, XDRP(xdr_bool), (char *)&r,
	    tv);
	if (st != RPC_SUCCESS) {
		printf("%s: %s (%s)\n", what, stat_name(st),
		    clnt_sperror(cl, "rpc"));
		clnt_destroy(cl);
		return refused(st) ? EX_FALSE : EX_ERR;
	}
	clnt_destroy(cl);
	return bool_result(what, r);
}

/* Local calls (rpcb_set & co.) report failure and RPC errors the same way:
 * tell them apart with rpc_createerr. */
static int
local_result(const char *what, bool_t r)
{
	if (!r && rpc_createerr.cf_stat != RPC_SUCCESS) {
		printf("%s: error: %s\n", what, clnt_spcreateerror("rpcreg"));
		return EX_ERR;
	}
	return bool_result(what, r);
}

static int
cmd_set(int argc, char **argv)
{
	struct netconfig *nc;
	struct netbuf *nb;
	bool_t r;

	if (argc != 4)
		usage();
	nc = netconf(argv[2]);
	if ((nb = uaddr2taddr(nc, argv[3])) == NULL) {
		fprintf(stderr, "rpcreg: bad uaddr '%s' for %s\n", argv[3],
		    argv[2]);
		return EX_ERR;
	}
	rpc_createerr.cf_stat = RPC_SUCCESS;
	r = rpcb_set(num(argv[0], UINT32_MAX, "program"),
	    num(argv[1], UINT32_MAX, "version"), nc, nb);
	free(nb->buf);
	free(nb);
	freenetconfigent(nc);
	return local_result("set", r);
}

static int
cmd_unset(int argc, char **argv)
{
	struct netconfig *nc = NULL;
	bool_t r;

	if (argc < 2 || argc > 4)
		usage();
	if (argc >= 3)
		nc = netconf(argv[2]);
	rpc_createerr.cf_stat = RPC_SUCCESS;
	r = rpcb_unset(num(argv[0], UINT32_MAX, "program"),
	    num(argv[1], UINT32_MAX, "version"), nc);
	if (nc != NULL)
		freenetconfigent(nc);
	return local_result("unset", r);
}

static int
cmd_pmap_set(int argc, char **argv)
{
	if (argc != 4)
		usage();
	rpc_createerr.cf_stat = RPC_SUCCESS;
	return local_result("pmap-set", pmap_set(num(argv[0], UINT32_MAX,
	    "program"), num(argv[1], UINT32_MAX, "version"),
	    (int)proto_num(argv[2]), (int)num(argv[3], 65535, "port")));
}

static int
cmd_pmap_unset(int argc, char **argv)
{
	if (argc != 2)
		usage();
	rpc_createerr.cf_stat = RPC_SUCCESS;
	return local_result("pmap-unset", pmap_unset(num(argv[0], UINT32_MAX,
	    "program"), num(argv[1], UINT32_MAX, "version")));
}

static int
cmd_set_remote(int argc, char **argv, int set)
{
	RPCB parms;
	char owner[32];
	CLIENT *cl;

	if (argc != (set ? 5 : 4))
		usage();
	snprintf(owner, sizeof(owner), "%u", (unsigned)geteuid());
	memset(&parms, 0, sizeof(parms));
	parms.r_prog = num(argv[1], UINT32_MAX, "program");
	parms.r_vers = num(argv[2], UINT32_MAX, "version");
	parms.r_netid = argv[3];
	parms.r_addr = set ? argv[4] : "";
	parms.r_owner = owner;
	cl = rpcbind_client(argv[0], netid_opt, RPCBPROG, RPCBVERS);
	return remote_bool(cl, set ? "set-remote" : "unset-remote",
	    set ? RPCBPROC_SET : RPCBPROC_UNSET, XDRP(xdr_rpcb), &parms);
}

static int
cmd_pmap_set_remote(int argc, char **argv, int set)
{
	struct pmap pm;
	CLIENT *cl;

	if (argc != (set ? 5 : 3))
		usage();
	memset(&pm, 0, sizeof(pm));
	pm.pm_prog = num(argv[1], UINT32_MAX, "program");
	pm.pm_vers = num(argv[2], UINT32_MAX, "version");
	if (set) {
		pm.pm_prot = proto_num(argv[3]);
		pm.pm_port = num(argv[4], 65535, "port");
	}
	cl = rpcbind_client(argv[0], netid_opt, PMAPPROG, PMAPVERS);
	return remote_bool(cl, set ? "pmap-set-remote" : "pmap-unset-remote",
	    set ? PMAPPROC_SET : PMAPPROC_UNSET, XDRP(xdr_pmap), &pm);
}

static int
cmd_getport(int argc, char **argv)
{
	struct timeval tv = { wait_secs, 0 };
	struct pmap pm;
	enum clnt_stat st;
	u_long port = 0;
	CLIENT *cl;

	if (argc != 4)
		usage();
	memset(&pm, 0, sizeof(pm));
	pm.pm_prog = num(argv[1], UINT32_MAX, "program");
	pm.pm_vers = num(argv[2], UINT32_MAX, "version");
	pm.pm_prot = proto_num(argv[3]);
	cl = rpcbind_client(argv[0], netid_opt, PMAPPROG, PMAPVERS);
	st = clnt_call(cl, PMAPPROC_GETPORT, XDRP(xdr_pmap), (char *)&pm,
	    XDRP(xdr_u_long), (char *)&port, tv);
	if (st != RPC_SUCCESS) {
		printf("getport: %s (%s)\n", stat_name(st),
		    clnt_sperror(cl, "rpc"));
		clnt_destroy(cl);
		return refused(st) ? EX_FALSE : EX_ERR;
	}
	clnt_destroy(cl);
	printf("getport: %lu\n", port);
	return port != 0 ? EX_TRUE : EX_FALSE;
}

static int
cmd_getaddr(int argc, char **argv)
{
	struct timeval tv = { wait_secs, 0 };
	RPCB parms;
	enum clnt_stat st;
	char *uaddr = NULL;
	CLIENT *cl;
	int ex;

	if (argc != 4)
		usage();
	memset(&parms, 0, sizeof(parms));
	parms.r_prog = num(argv[1], UINT32_MAX, "program");
	parms.r_vers = num(argv[2], UINT32_MAX, "version");
	parms.r_netid = argv[3];
	parms.r_addr = "";
	parms.r_owner = "";
	cl = rpcbind_client(argv[0], netid_opt, RPCBPROG, RPCBVERS);
	st = clnt_call(cl, RPCBPROC_GETADDR, XDRP(xdr_rpcb),
	    (char *)&parms, XDRP(xdr_wrapstring), (char *)&uaddr, tv);
	if (st != RPC_SUCCESS) {
		printf("getaddr: %s (%s)\n", stat_name(st),
		    clnt_sperror(cl, "rpc"));
		clnt_destroy(cl);
		return refused(st) ? EX_FALSE : EX_ERR;
	}
	printf("getaddr: %s\n", uaddr != NULL && *uaddr != '\0' ? uaddr :
	    "(none)");
	ex = uaddr != NULL && *uaddr != '\0' ? EX_TRUE : EX_FALSE;
	clnt_freeres(cl, XDRP(xdr_wrapstring), (char *)&uaddr);
	clnt_destroy(cl);
	return ex;
}

static void
inet_addr_of(const char *host, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		fprintf(stderr, "rpcreg: callit needs an IPv4 address, not "
		    "'%s'\n", host);
		exit(EX_ERR);
	}
}

static int
callit_result(const char *what, enum clnt_stat st, u_long port)
{
	if (st == RPC_SUCCESS) {
		printf("%s: %s port=%lu\n", what, stat_name(st), port);
		return EX_TRUE;
	}
	printf("%s: %s (%s)\n", what, stat_name(st), clnt_sperrno(st));
	return refused(st) ? EX_FALSE : EX_ERR;
}

static int
cmd_callit(int argc, char **argv)
{
	struct timeval tv = { wait_secs, 0 };
	struct sockaddr_in sin;
	enum clnt_stat st;
	u_long port = 0;

	if (argc != 4)
		usage();
	inet_addr_of(argv[0], &sin);
	st = pmap_rmtcall(&sin, num(argv[1], UINT32_MAX, "program"),
	    num(argv[2], UINT32_MAX, "version"),
	    num(argv[3], UINT32_MAX, "procedure"), XDRP(xdr_void), NULL,
	    XDRP(xdr_void), NULL, tv, &port);
	return callit_result("callit", st, port);
}

static int
cmd_callit_pmapset(int argc, char **argv)
{
	struct timeval tv = { wait_secs, 0 };
	struct sockaddr_in sin;
	struct pmap pm;
	enum clnt_stat st;
	u_long port = 0;
	bool_t r = FALSE;
	int ex;

	if (argc != 5)
		usage();
	inet_addr_of(argv[0], &sin);
	memset(&pm, 0, sizeof(pm));
	pm.pm_prog = num(argv[1], UINT32_MAX, "program");
	pm.pm_vers = num(argv[2], UINT32_MAX, "version");
	pm.pm_prot = proto_num(argv[3]);
	pm.pm_port = num(argv[4], 65535, "port");
	st = pmap_rmtcall(&sin, PMAPPROG, PMAPVERS, PMAPPROC_SET,
	    XDRP(xdr_pmap), (caddr_t)&pm, XDRP(xdr_bool),
	    (caddr_t)&r, tv, &port);
	ex = callit_result("callit-pmapset", st, port);
	if (st == RPC_SUCCESS)
		printf("callit-pmapset: forwarded SET answered %s\n",
		    r ? "true" : "false");
	return ex;
}

/* serve: one line per call, NULL answered, everything else PROC_UNAVAIL. */
static void
serve_dispatch(struct svc_req *rq, SVCXPRT *xp)
{
	char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "?";
	struct netbuf *nb = svc_getrpccaller(xp);

	if (nb != NULL && nb->len > 0)
		(void)getnameinfo(nb->buf, nb->len, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	printf("CALL prog=%lu vers=%lu proc=%lu from=%s port=%s\n",
	    (unsigned long)rq->rq_prog, (unsigned long)rq->rq_vers,
	    (unsigned long)rq->rq_proc, host, serv);
	fflush(stdout);
	if (rq->rq_proc == NULLPROC)
		(void)svc_sendreply(xp, XDRP(xdr_void), NULL);
	else
		svcerr_noproc(xp);
}

static int
cmd_serve(int argc, char **argv)
{
	rpcprog_t prog;
	rpcvers_t vers;

	if (argc != 2)
		usage();
	prog = num(argv[0], UINT32_MAX, "program");
	vers = num(argv[1], UINT32_MAX, "version");
	if (svc_create(serve_dispatch, prog, vers, "udp") == 0 ||
	    svc_create(serve_dispatch, prog, vers, "tcp") == 0) {
		fprintf(stderr, "rpcreg: cannot create or register %lu v%lu\n",
		    (unsigned long)prog, (unsigned long)vers);
		return EX_ERR;
	}
	printf("serving %lu v%lu\n", (unsigned long)prog, (unsigned long)vers);
	fflush(stdout);
	svc_run();
	return EX_ERR;
}

static int
cmd_listen(int argc, char **argv)
{
	struct sockaddr_in sin;
	int i, t, fd, one = 1;

	if (argc < 1)
		usage();
	for (i = 0; i < argc; i++) {
		for (t = 0; t < 2; t++) {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_port = htons((uint16_t)num(argv[i], 65535,
			    "port"));
			if ((fd = socket(AF_INET, t == 0 ? SOCK_STREAM :
			    SOCK_DGRAM, 0)) == -1 ||
			    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			    sizeof(one)) != 0 ||
			    bind(fd, (struct sockaddr *)&sin,
			    sizeof(sin)) != 0 ||
			    (t == 0 && listen(fd, 16) != 0)) {
				fprintf(stderr, "rpcreg: %s port %s: %s\n",
				    t == 0 ? "tcp" : "udp", argv[i],
				    strerror(errno));
				return EX_ERR;
			}
		}
	}
	printf("listening\n");
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	const char *cmd;
	int ch;

	while ((ch = getopt(argc, argv, "+T:w:")) != -1) {
		switch (ch) {
		case 'T':
			netid_opt = optarg;
			break;
		case 'w':
			wait_secs = (int)num(optarg, 3600, "timeout");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	argc--;
	argv++;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(cmd, "set") == 0)
		return cmd_set(argc, argv);
	if (strcmp(cmd, "unset") == 0)
		return cmd_unset(argc, argv);
	if (strcmp(cmd, "pmap-set") == 0)
		return cmd_pmap_set(argc, argv);
	if (strcmp(cmd, "pmap-unset") == 0)
		return cmd_pmap_unset(argc, argv);
	if (strcmp(cmd, "set-remote") == 0)
		return cmd_set_remote(argc, argv, 1);
	if (strcmp(cmd, "unset-remote") == 0)
		return cmd_set_remote(argc, argv, 0);
	if (strcmp(cmd, "pmap-set-remote") == 0)
		return cmd_pmap_set_remote(argc, argv, 1);
	if (strcmp(cmd, "pmap-unset-remote") == 0)
		return cmd_pmap_set_remote(argc, argv, 0);
	if (strcmp(cmd, "getport") == 0)
		return cmd_getport(argc, argv);
	if (strcmp(cmd, "getaddr") == 0)
		return cmd_getaddr(argc, argv);
	if (strcmp(cmd, "callit") == 0)
		return cmd_callit(argc, argv);
	if (strcmp(cmd, "callit-pmapset") == 0)
		return cmd_callit_pmapset(argc, argv);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc, argv);
	if (strcmp(cmd, "listen") == 0)
		return cmd_listen(argc, argv);
	usage();
	return EX_ERR;
}
