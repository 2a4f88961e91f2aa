/*
 * nlmprobe: a command-line Network Lock Manager client (program 100021,
 * versions 1, 3 and 4) with the Network Status Monitor calls (100024 v1),
 * for the integration tests of rpc.lockd and rpc.statd and for pointing at
 * any NLM server.  One command, one RPC; the interface is in usage() and
 * `nlmprobe --help`.
 *
 * Sources: RFC 1813 section 6 (NLM v4, 64-bit ranges, nlm4_* types) and
 * X/Open XNFS chapters 10 and 11 (NLM v1/v3 with 32-bit ranges, NSM).  The
 * NLM and NSM calls go through libtirpc with the suite's generated codecs
 * (xdr/nlm4.x, xdr/nsm.x).  A FILE becomes a handle by MOUNT v3 + NFSv3
 * LOOKUP in libnfs, a client implementation independent of ours.
 *
 * Callbacks (wait-granted, serve, --msg) are answered in this process by a
 * libtirpc UDP + TCP service on ephemeral ports, registered with the local
 * rpcbind for the versions in use and unregistered on every way out (exit,
 * error, SIGINT, SIGTERM); it is polled with select() against a deadline.
 * libtirpc's dispatch routine gets no context pointer, so what the callback
 * side has seen lives in one file-scope struct, cb.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/pmap_prot.h>
#include <rpc/rpcb_clnt.h>
#include <rpc/rpcb_prot.h>

#include <nfsc/libnfs.h>

#include "xdr/nlm4.h"
#include "xdr/nsm.h"

/*
 * libnfs 4.0 declares nfs_get_fh() in <nfsc/libnfs-raw.h>, whose ZDR layer
 * cannot share a translation unit with libtirpc (both define struct
 * rpc_msg, bool_t, AUTH, ...).  The handle it returns is libnfs-private.h's
 * struct nfs_fh, { int len; char *val; } since libnfs 1.x; get_fh() checks
 * the length it reads against the NFSv3 limit before using it.
 */
struct nfs_fh {
	int	 len;
	char	*val;
};
struct nfs_fh *nfs_get_fh(struct nfsfh *);

#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define NFS3_FHMAX	64
#define HEXBUF		(2 * MAX_NETOBJ_SZ + 1)

enum { RC_OK, RC_RPC, RC_USAGE, RC_NOCB, RC_EXPECT };

/* Command-specific switches; cmds[].allow says which a command takes. */
#define F_MSG		0x01
#define F_BLOCK		0x02
#define F_RECLAIM	0x04
#define F_REFUSE	0x08
#define F_WAIT		0x10
#define F_RAW		0x20
#define F_WRAP		0x40
#define F_RANGE		(F_RAW | F_WRAP)

/* ---------------------------------------------------------------- options */
static char default_caller[] = "nlmprobe";

static struct {
	const char	*server;
	int		 family;
	const char	*export;
	bool		 udp;
	rpcvers_t	 vers;
	char		*caller;
	int		 svid;
	const char	*oh;
	char		 ohbuf[32];
	const char	*cookie;
	char		 cookiebuf[32];
	uid_t		 uid;
	gid_t		 gid;
	bool		 auth_none;
	int		 state;
	int		 timeout;
	int		 wait;
	bool		 fh_set;
	unsigned char	 fh[MAX_NETOBJ_SZ];
	u_int		 fhlen;
	unsigned	 flags;
	const char	*expect;
} opt;

/*
 * The timeout of a one-way call (_MSG, _RES).  Not zero: libtirpc 1.3's UDP
 * client sends nothing when the time left is under 1 ms, and with a zero
 * timeout and a NULL result routine its TCP client only buffers the call.
 * With 1 ms and xdr_void both send, and a reply that is that quick is read.
 */
static const struct timeval oneway = { 0, 1000 };

static volatile sig_atomic_t got_signal;
static char shown[HEXBUF];	/* the status line printed, for --expect */

static void usage(FILE *, int) __attribute__((noreturn));
static void usage_error(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *, ...) __attribute__((format(printf, 1, 2)));
static void sayf(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nlmprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'nlmprobe --help'.\n", stderr);
	exit(RC_USAGE);
}

/* A failure that is not an RPC error: "error: ..." on stdout and stderr. */
static void
fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("error: %s\n", buf);
	fflush(stdout);
	fprintf(stderr, "nlmprobe: %s\n", buf);
}

/* The one status line of a command; its first word is what --expect sees. */
static void
say(const char *st)
{
	snprintf(shown, sizeof(shown), "%s", st);
	printf("%s\n", st);
	fflush(stdout);
}

static void
sayf(const char *st, const char *fmt, ...)
{
	va_list ap;

	snprintf(shown, sizeof(shown), "%s", st);
	printf("%s ", st);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
hex(char buf[HEXBUF], const void *p, u_int n)
{
	const unsigned char *b = p;
	u_int i;

	if (n > MAX_NETOBJ_SZ)
		n = MAX_NETOBJ_SZ;
	for (i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * n] = '\0';
	return buf;
}

/* ---------------------------------------------------------------- parsing */
/* Decimal or 0x hex, no sign, no blanks. */
static bool
parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	const char *p = s;
	char *end;
	int base = 10;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*p) :
	    isdigit((unsigned char)*p)))
		return false;
	errno = 0;
	x = strtoull(p, &end, base);
	if (errno != 0 || *end != '\0')
		return false;
	*v = x;
	return true;
}

/* A 32-bit XDR int: -2^31 .. 2^32-1 (large values wrap, as on the wire). */
static int
parse_i32(const char *s, const char *what)
{
	uint64_t v;

	if (s[0] == '-') {
		if (!parse_u64(s + 1, &v) || v > 0x80000000ULL)
			usage_error("bad %s '%s'", what, s);
		return (int)-(int64_t)v;
	}
	if (!parse_u64(s, &v) || v > UINT32_MAX)
		usage_error("bad %s '%s'", what, s);
	return (int)(uint32_t)v;
}

static int
parse_secs(const char *s, const char *what, int lo)
{
	uint64_t v;

	if (!parse_u64(s, &v) || v < (uint64_t)lo || v > 86400)
		usage_error("bad %s '%s'", what, s);
	return (int)v;
}

static bool
parse_hex(const char *s, unsigned char *buf, size_t max, u_int *len)
{
	size_t i, n = strlen(s);
	unsigned x;

	if (n % 2 != 0 || n / 2 > max)
		return false;
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &x) != 1)
			return false;
		buf[i] = (unsigned char)x;
	}
	*len = (u_int)(n / 2);
	return true;
}

static int
word(const char *s, const char *const *words, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return (int)i;
	usage_error("bad %s '%s'", what, s);
}

/* ---------------------------------------------------------------- names */
static const char *const nlm_stat_names[] = {
	"granted", "denied", "denied_nolocks", "blocked",
	"denied_grace_period", "deadlck",		/* v1/v3 end here */
	"rofs", "stale_fh", "fbig", "failed",
};

static const char *
stat_name(rpcvers_t vers, int s, char *buf, size_t n)
{
	if (s >= 0 && s < (vers == NLM4_VERS ? 10 : 6))
		return nlm_stat_names[s];
	snprintf(buf, n, "status=%d", s);
	return buf;
}

static const char *const proc_names[] = {
	"NULL", "TEST", "LOCK", "CANCEL", "UNLOCK", "GRANTED", "TEST_MSG",
	"LOCK_MSG", "CANCEL_MSG", "UNLOCK_MSG", "GRANTED_MSG", "TEST_RES",
	"LOCK_RES", "CANCEL_RES", "UNLOCK_RES", "GRANTED_RES", "NSM_NOTIFY",
	NULL, NULL, NULL, "SHARE", "UNSHARE", "NM_LOCK", "FREE_ALL",
};

static const char *
proc_name(rpcproc_t p, char *buf, size_t n)
{
	if (p < NITEMS(proc_names) && proc_names[p] != NULL)
		return proc_names[p];
	snprintf(buf, n, "proc=%u", (unsigned)p);
	return buf;
}

static const char *
clnt_stat_name(enum clnt_stat s)
{
	static const char *const names[] = {
		[RPC_SUCCESS] = "SUCCESS",
		[RPC_CANTENCODEARGS] = "CANTENCODEARGS",
		[RPC_CANTDECODERES] = "CANTDECODERES",
		[RPC_CANTSEND] = "CANTSEND",
		[RPC_CANTRECV] = "CANTRECV",
		[RPC_TIMEDOUT] = "TIMEOUT",
		[RPC_VERSMISMATCH] = "RPC_MISMATCH",
		[RPC_AUTHERROR] = "AUTH_ERROR",
		[RPC_PROGUNAVAIL] = "PROG_UNAVAIL",
		[RPC_PROGVERSMISMATCH] = "PROG_MISMATCH",
		[RPC_PROCUNAVAIL] = "PROC_UNAVAIL",
		[RPC_CANTDECODEARGS] = "GARBAGE_ARGS",
		[RPC_SYSTEMERROR] = "SYSTEM_ERR",
		[RPC_UNKNOWNHOST] = "UNKNOWNHOST",
		[RPC_RPCBFAILURE] = "RPCBIND_FAILURE",
		[RPC_PROGNOTREGISTERED] = "PROG_NOT_REGISTERED",
		[RPC_FAILED] = "FAILED",
		[RPC_UNKNOWNPROTO] = "UNKNOWNPROTO",
		[RPC_INTR] = "INTR",
		[RPC_UNKNOWNADDR] = "UNKNOWNADDR",
		[RPC_TLIERROR] = "TLIERROR",
		[RPC_NOBROADCAST] = "NOBROADCAST",
		[RPC_N2AXLATEFAILURE] = "N2AXLATEFAILURE",
		[RPC_UDERROR] = "UDERROR",
		[RPC_INPROGRESS] = "INPROGRESS",
		[RPC_STALERACHANDLE] = "STALERACHANDLE",
		[RPC_CANTCONNECT] = "CANTCONNECT",
		[RPC_XPRTFAILED] = "XPRTFAILED",
		[RPC_CANTCREATESTREAM] = "CANTCREATESTREAM",
	};

	if ((unsigned)s < NITEMS(names) && names[s] != NULL)
		return names[s];
	return "RPC_ERROR";
}

static const char *
auth_stat_name(enum auth_stat a, char *buf, size_t n)
{
	static const char *const names[] = {
		"AUTH_OK", "AUTH_BADCRED", "AUTH_REJECTEDCRED", "AUTH_BADVERF",
		"AUTH_REJECTEDVERF", "AUTH_TOOWEAK", "AUTH_INVALIDRESP",
		"AUTH_FAILED", "AUTH_KERB_GENERIC", "AUTH_TIMEEXPIRE",
		"AUTH_TKT_FILE", "AUTH_DECODE", "AUTH_NET_ADDR",
		"RPCSEC_GSS_CREDPROBLEM", "RPCSEC_GSS_CTXPROBLEM",
	};

	if ((unsigned)a < NITEMS(names))
		return names[a];
	snprintf(buf, n, "%d", (int)a);
	return buf;
}

/*
 * An RPC that failed: "rpc-error: NAME [detail] (WHAT: text)" on stdout
 * and on stderr.
 */
static void
rpc_error(const char *what, const struct rpc_err *e)
{
	char detail[96] = "", ab[16];

	switch (e->re_status) {
	case RPC_AUTHERROR:
		snprintf(detail, sizeof(detail), " auth_stat=%s",
		    auth_stat_name(e->re_why, ab, sizeof(ab)));
		break;
	case RPC_VERSMISMATCH:
	case RPC_PROGVERSMISMATCH:
		snprintf(detail, sizeof(detail), " low=%u high=%u",
		    (unsigned)e->re_vers.low, (unsigned)e->re_vers.high);
		break;
	case RPC_CANTSEND:
	case RPC_CANTRECV:
	case RPC_SYSTEMERROR:
		if (e->re_errno != 0)
			snprintf(detail, sizeof(detail), " errno=%s",
			    strerror(e->re_errno));
		break;
	default:
		break;
	}
	printf("rpc-error: %s%s (%s: %s)\n", clnt_stat_name(e->re_status),
	    detail, what, clnt_sperrno(e->re_status));
	fflush(stdout);
	fprintf(stderr, "nlmprobe: rpc-error: %s%s (%s: %s)\n",
	    clnt_stat_name(e->re_status), detail, what,
	    clnt_sperrno(e->re_status));
}

/* The same for a client that could not be created (rpc_createerr). */
static void
create_error(const char *what)
{
	char text[256];
	size_t n;

	snprintf(text, sizeof(text), "%s", clnt_spcreateerror(what));
	n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	printf("rpc-error: %s (%s)\n", clnt_stat_name(rpc_createerr.cf_stat),
	    text);
	fflush(stdout);
	fprintf(stderr, "nlmprobe: rpc-error: %s (%s)\n",
	    clnt_stat_name(rpc_createerr.cf_stat), text);
}

/* -------------------------------------------------------------- RPC client */
static const char *
netid_for(int family)
{
	if (family == AF_INET6)
		return opt.udp ? "udp6" : "tcp6";
	return opt.udp ? "udp" : "tcp";
}

static void
client_free(CLIENT *cl)
{
	if (cl == NULL)
		return;
	if (cl->cl_auth != NULL)
		auth_destroy(cl->cl_auth);
	clnt_destroy(cl);
}

static const char *
addr_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)n) == NULL)
		snprintf(buf, n, "?");
	return buf;
}

/*
 * The port of PROG/VERS over NC at SS from that host's rpcbind: PMAP v2
 * GETPORT for IPv4 (every portmapper has it), RPCB v3 GETADDR for IPv6.
 * Not libtirpc's own lookup: libtirpc 1.3.3 leaks memory on every lookup
 * after the first for a host (its rpcbind address cache), and the
 * sanitizer builds of the tests count leaks.  The port; 0 (error printed).
 */
static u_long
rpcbind_port(struct sockaddr_storage *ss, struct netbuf *nb,
    struct netconfig *nc, rpcprog_t prog, rpcvers_t vers, const char *what)
{
	static char empty[] = "";
	struct timeval tv = { opt.timeout, 0 };
	bool v6 = ss->ss_family == AF_INET6;
	char text[160], host[INET6_ADDRSTRLEN];
	struct netbuf *ta;
	struct rpc_err e;
	struct pmap pm;
	enum clnt_stat st;
	char *ua = NULL;
	u_long port = 0;
	CLIENT *cl;
	rpcb rb;

	if (v6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(PMAPPORT);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(PMAPPORT);
	snprintf(text, sizeof(text), "%s: rpcbind at %s", what,
	    addr_str(ss, host, sizeof(host)));
	if ((cl = clnt_tli_create(RPC_ANYFD, nc, nb, v6 ? RPCBPROG : PMAPPROG,
	    v6 ? RPCBVERS : PMAPVERS, 0, 0)) == NULL) {
		create_error(text);
		return 0;
	}
	if (v6) {
		rb.r_prog = prog;
		rb.r_vers = vers;
		rb.r_netid = nc->nc_netid;
		rb.r_addr = rb.r_owner = empty;
		st = clnt_call(cl, RPCBPROC_GETADDR, XDRP(xdr_rpcb), &rb,
		    XDRP(xdr_wrapstring), &ua, tv);
		if (st == RPC_SUCCESS && ua != NULL && ua[0] != '\0' &&
		    (ta = uaddr2taddr(nc, ua)) != NULL) {
			if (ta->len >= sizeof(struct sockaddr_in6))
				port = ntohs(((struct sockaddr_in6 *)ta->buf)->
				    sin6_port);
			free(ta->buf);
			free(ta);
		}
		xdr_free(XDRP(xdr_wrapstring), (char *)&ua);
	} else {
		pm.pm_prog = prog;
		pm.pm_vers = vers;
		pm.pm_prot = opt.udp ? IPPROTO_UDP : IPPROTO_TCP;
		pm.pm_port = 0;
		st = clnt_call(cl, PMAPPROC_GETPORT, XDRP(xdr_pmap), &pm,
		    XDRP(xdr_u_long), &port, tv);
	}
	memset(&e, 0, sizeof(e));
	clnt_geterr(cl, &e);
	client_free(cl);
	if (st == RPC_SUCCESS && (port == 0 || port > 65535)) {
		snprintf(text, sizeof(text), "%s: %u v%u %s not registered at "
		    "%s", what, (unsigned)prog, (unsigned)vers, nc->nc_netid,
		    host);
		port = 0;
		st = RPC_PROGNOTREGISTERED;
	}
	if (st != RPC_SUCCESS) {
		e.re_status = st;
		rpc_error(text, &e);
	}
	return port;
}

/*
 * A client of PROG/VERS at HOST (numeric), the port from HOST's rpcbind,
 * with the -a -u -g credentials; NULL (error printed) on failure.  No
 * CLSET_TIMEOUT: it would override the timeout of the one-way calls.
 */
static CLIENT *
client_new(const char *host, int family, rpcprog_t prog, rpcvers_t vers,
    const char *what)
{
	struct timeval retry = { 1, 0 };
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct netconfig *nc;
	struct netbuf nb;
	char mach[256];
	CLIENT *cl = NULL;
	u_long port;
	AUTH *au;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	nb.buf = &ss;
	nb.len = nb.maxlen = family == AF_INET6 ? sizeof(*s6) : sizeof(*s4);
	if (inet_pton(family, host, family == AF_INET6 ?
	    (void *)&s6->sin6_addr : (void *)&s4->sin_addr) != 1) {
		fail("%s: bad address %s", what, host);
		return NULL;
	}
	if ((nc = getnetconfigent(netid_for(family))) == NULL) {
		fail("%s: no netconfig entry %s", what, netid_for(family));
		return NULL;
	}
	if ((port = rpcbind_port(&ss, &nb, nc, prog, vers, what)) != 0) {
		if (family == AF_INET6)
			s6->sin6_port = htons((uint16_t)port);
		else
			s4->sin_port = htons((uint16_t)port);
		if ((cl = clnt_tli_create(RPC_ANYFD, nc, &nb, prog, vers, 0,
		    0)) == NULL)
			create_error(what);
	}
	freenetconfigent(nc);
	if (cl == NULL)
		return NULL;
	if (opt.udp)
		clnt_control(cl, CLSET_RETRY_TIMEOUT, (char *)&retry);
	if (!opt.auth_none) {
		/* AUTH_SYS machinename is at most 255 bytes */
		snprintf(mach, sizeof(mach), "%s", opt.caller);
		if ((au = authunix_create(mach, opt.uid, opt.gid, 0,
		    NULL)) == NULL) {
			fail("%s: cannot build AUTH_SYS credentials", what);
			client_free(cl);
			return NULL;
		}
		auth_destroy(cl->cl_auth);
		cl->cl_auth = au;
	}
	return cl;
}

/* ---------------------------------------------------------------- NLM calls */
enum akind { A_VOID, A_TEST, A_LOCK, A_CANC, A_UNLOCK, A_SHARE, A_NOTIFY };
enum rkind { R_VOID, R_TEST, R_RES, R_SHARE };

static const struct nlm_op {
	int		 proc, msgproc, resproc;	/* -1: none */
	enum akind	 ak;
	enum rkind	 rk;
} ops[] = {
#define OP_NULL		0
	{ NLMPROC_NULL, -1, -1, A_VOID, R_VOID },
#define OP_TEST		1
	{ NLMPROC_TEST, NLMPROC_TEST_MSG, NLMPROC_TEST_RES, A_TEST, R_TEST },
#define OP_LOCK		2
	{ NLMPROC_LOCK, NLMPROC_LOCK_MSG, NLMPROC_LOCK_RES, A_LOCK, R_RES },
#define OP_CANCEL	3
	{ NLMPROC_CANCEL, NLMPROC_CANCEL_MSG, NLMPROC_CANCEL_RES, A_CANC,
	  R_RES },
#define OP_UNLOCK	4
	{ NLMPROC_UNLOCK, NLMPROC_UNLOCK_MSG, NLMPROC_UNLOCK_RES, A_UNLOCK,
	  R_RES },
#define OP_GRANTED	5
	{ NLMPROC_GRANTED, NLMPROC_GRANTED_MSG, NLMPROC_GRANTED_RES, A_TEST,
	  R_RES },
#define OP_SHARE	6
	{ NLMPROC_SHARE, -1, -1, A_SHARE, R_SHARE },
#define OP_UNSHARE	7
	{ NLMPROC_UNSHARE, -1, -1, A_SHARE, R_SHARE },
#define OP_NMLOCK	8
	{ NLMPROC_NM_LOCK, -1, -1, A_LOCK, R_RES },
#define OP_FREEALL	9
	{ NLMPROC_FREE_ALL, -1, -1, A_NOTIFY, R_VOID },
};

/* What one NLM request says, whatever the version. */
struct req {
	netobj		 cookie, fh, oh;
	char		*caller;
	int		 svid, state;
	uint64_t	 off, len;	/* as sent: v1/v3 hold 32-bit values */
	bool_t		 excl, block, reclaim;
	int		 mode, access;	/* SHARE */
	char		*name;		/* FREE_ALL */
	int		 nstate;
};

union nlm_args {
	nlm_testargs	 t3;
	nlm4_testargs	 t4;
	nlm_lockargs	 l3;
	nlm4_lockargs	 l4;
	nlm_cancargs	 c3;
	nlm4_cancargs	 c4;
	nlm_unlockargs	 u3;
	nlm4_unlockargs	 u4;
	nlm_shareargs	 s3;
	nlm4_shareargs	 s4;
	nlm_notify	 n3;
	nlm4_notify	 n4;
};

union nlm_reply {
	nlm_testres	 t3;
	nlm4_testres	 t4;
	nlm_res		 r3;
	nlm4_res	 r4;
	nlm_shareres	 s3;
	nlm4_shareres	 s4;
};

/* A reply or a _RES call, copied out of the decoded structure. */
struct outcome {
	int		 stat;
	bool		 holder;
	bool_t		 h_excl;
	int		 h_svid;
	uint64_t	 h_off, h_len;
	u_int		 h_ohlen;
	unsigned char	 h_oh[MAX_NETOBJ_SZ];
	int		 sequence;
	u_int		 cookielen;
	unsigned char	 cookie[MAX_NETOBJ_SZ];
};

static xdrproc_t
args_xdr(enum akind k, bool v4)
{
	switch (k) {
	case A_TEST:	return v4 ? XDRP(xdr_nlm4_testargs) : XDRP(xdr_nlm_testargs);
	case A_LOCK:	return v4 ? XDRP(xdr_nlm4_lockargs) : XDRP(xdr_nlm_lockargs);
	case A_CANC:	return v4 ? XDRP(xdr_nlm4_cancargs) : XDRP(xdr_nlm_cancargs);
	case A_UNLOCK:	return v4 ? XDRP(xdr_nlm4_unlockargs) :
			    XDRP(xdr_nlm_unlockargs);
	case A_SHARE:	return v4 ? XDRP(xdr_nlm4_shareargs) : XDRP(xdr_nlm_shareargs);
	case A_NOTIFY:	return v4 ? XDRP(xdr_nlm4_notify) : XDRP(xdr_nlm_notify);
	case A_VOID:	break;
	}
	return XDRP(xdr_void);
}

static xdrproc_t
res_xdr(enum rkind k, bool v4)
{
	switch (k) {
	case R_TEST:	return v4 ? XDRP(xdr_nlm4_testres) : XDRP(xdr_nlm_testres);
	case R_RES:	return v4 ? XDRP(xdr_nlm4_res) : XDRP(xdr_nlm_res);
	case R_SHARE:	return v4 ? XDRP(xdr_nlm4_shareres) : XDRP(xdr_nlm_shareres);
	case R_VOID:	break;
	}
	return XDRP(xdr_void);
}

/*
 * The nlm_* (v1/v3) and nlm4_* (v4) structures have the same field names
 * and differ in the width of the ranges: these macros fill or read either.
 */
#define LOCK_SET(l, q) do {						\
	(l).caller_name = (q)->caller;					\
	(l).fh = (q)->fh;						\
	(l).oh = (q)->oh;						\
	(l).svid = (q)->svid;						\
	(l).l_offset = (q)->off;	/* v1/v3: 32 bits already */	\
	(l).l_len = (q)->len;						\
} while (0)
#define TESTARGS_SET(x, q) do {						\
	(x).cookie = (q)->cookie;					\
	(x).exclusive = (q)->excl;					\
	LOCK_SET((x).alock, q);						\
} while (0)
#define LOCKARGS_SET(x, q) do {						\
	(x).cookie = (q)->cookie;					\
	(x).block = (q)->block;						\
	(x).exclusive = (q)->excl;					\
	LOCK_SET((x).alock, q);						\
	(x).reclaim = (q)->reclaim;					\
	(x).state = (q)->state;						\
} while (0)
#define CANCARGS_SET(x, q) do {						\
	(x).cookie = (q)->cookie;					\
	(x).block = (q)->block;						\
	(x).exclusive = (q)->excl;					\
	LOCK_SET((x).alock, q);						\
} while (0)
#define SHAREARGS_SET(x, q) do {					\
	(x).cookie = (q)->cookie;					\
	(x).share.caller_name = (q)->caller;				\
	(x).share.fh = (q)->fh;						\
	(x).share.oh = (q)->oh;						\
	(x).share.mode = (fsh_mode)(q)->mode;				\
	(x).share.access = (fsh_access)(q)->access;			\
	(x).reclaim = (q)->reclaim;					\
} while (0)

/* The arguments of K for the version in use; they point into q. */
static void
args_fill(enum akind k, bool v4, const struct req *q, union nlm_args *a)
{
	memset(a, 0, sizeof(*a));
	switch (k) {
	case A_TEST:		/* also GRANTED and GRANTED_MSG */
		if (v4)
			TESTARGS_SET(a->t4, q);
		else
			TESTARGS_SET(a->t3, q);
		break;
	case A_LOCK:
		if (v4)
			LOCKARGS_SET(a->l4, q);
		else
			LOCKARGS_SET(a->l3, q);
		break;
	case A_CANC:
		if (v4)
			CANCARGS_SET(a->c4, q);
		else
			CANCARGS_SET(a->c3, q);
		break;
	case A_UNLOCK:
		if (v4) {
			a->u4.cookie = q->cookie;
			LOCK_SET(a->u4.alock, q);
		} else {
			a->u3.cookie = q->cookie;
			LOCK_SET(a->u3.alock, q);
		}
		break;
	case A_SHARE:
		if (v4)
			SHAREARGS_SET(a->s4, q);
		else
			SHAREARGS_SET(a->s3, q);
		break;
	case A_NOTIFY:
		if (v4) {
			a->n4.name = q->name;
			a->n4.state = q->nstate;
		} else {
			a->n3.name = q->name;
			a->n3.state = q->nstate;
		}
		break;
	case A_VOID:
		break;
	}
}

static void
copy_obj(unsigned char *dst, u_int *dlen, const netobj *src)
{
	*dlen = src->n_len > MAX_NETOBJ_SZ ? MAX_NETOBJ_SZ : src->n_len;
	if (*dlen > 0)
		memcpy(dst, src->n_bytes, *dlen);
}

#define TESTRES_GET(t, u, denied, oc) do {				\
	copy_obj((oc)->cookie, &(oc)->cookielen, &(t).cookie);		\
	(oc)->stat = (int)(t).stat.stat;				\
	if ((oc)->stat == (denied)) {					\
		(oc)->holder = true;					\
		(oc)->h_excl = (t).stat.u.holder.exclusive;		\
		(oc)->h_svid = (t).stat.u.holder.svid;			\
		copy_obj((oc)->h_oh, &(oc)->h_ohlen,			\
		    &(t).stat.u.holder.oh);				\
		(oc)->h_off = (t).stat.u.holder.l_offset;		\
		(oc)->h_len = (t).stat.u.holder.l_len;			\
	}								\
} while (0)

static void
outcome_get(enum rkind k, bool v4, const union nlm_reply *r,
    struct outcome *oc)
{
	memset(oc, 0, sizeof(*oc));
	switch (k) {
	case R_TEST:
		if (v4)
			TESTRES_GET(r->t4, nlm4_testrply_u, NLM4_DENIED, oc);
		else
			TESTRES_GET(r->t3, nlm_testrply_u, nlm_denied, oc);
		break;
	case R_RES:
		copy_obj(oc->cookie, &oc->cookielen,
		    v4 ? &r->r4.cookie : &r->r3.cookie);
		oc->stat = v4 ? (int)r->r4.stat.stat : (int)r->r3.stat.stat;
		break;
	case R_SHARE:
		copy_obj(oc->cookie, &oc->cookielen,
		    v4 ? &r->s4.cookie : &r->s3.cookie);
		oc->stat = v4 ? (int)r->s4.stat : (int)r->s3.stat;
		oc->sequence = v4 ? r->s4.sequence : r->s3.sequence;
		break;
	case R_VOID:
		break;
	}
}

/* " holder exclusive=B svid=N oh=HEX off=N len=N" or "" */
static const char *
holder_str(const struct outcome *oc, char *buf, size_t n)
{
	char hb[HEXBUF];

	buf[0] = '\0';
	if (oc->holder)
		snprintf(buf, n, " holder exclusive=%d svid=%d oh=%s off=%"
		    PRIu64 " len=%" PRIu64, oc->h_excl ? 1 : 0, oc->h_svid,
		    hex(hb, oc->h_oh, oc->h_ohlen), oc->h_off, oc->h_len);
	return buf;
}

static bool
cookie_is_ours(const struct outcome *oc, const netobj *ours)
{
	return oc->cookielen == ours->n_len &&
	    (ours->n_len == 0 || memcmp(oc->cookie, ours->n_bytes,
	    ours->n_len) == 0);
}

static void
outcome_print(enum rkind k, rpcvers_t vers, const struct outcome *oc)
{
	char sb[24], hb[HEXBUF + 128];
	const char *st = stat_name(vers, oc->stat, sb, sizeof(sb));

	switch (k) {
	case R_VOID:
		say("ok");
		break;
	case R_TEST:
		if (oc->holder)
			sayf(st, "%s", holder_str(oc, hb, sizeof(hb)) + 1);
		else
			say(st);
		break;
	case R_SHARE:
		sayf(st, "sequence=%d", oc->sequence);
		break;
	case R_RES:
		say(st);
		break;
	}
}

/* The synchronous call of OP; the reply goes to *oc.  RC_OK or RC_RPC. */
static int
nlm_call(const struct nlm_op *op, const struct req *q, struct outcome *oc)
{
	bool v4 = opt.vers == NLM4_VERS;
	struct timeval tv = { opt.timeout, 0 };
	union nlm_args a;
	union nlm_reply r;
	xdrproc_t xr = res_xdr(op->rk, v4);
	char what[64], pb[16];
	struct rpc_err e;
	enum clnt_stat st;
	CLIENT *cl;
	int rc = RC_OK;

	snprintf(what, sizeof(what), "NLM v%u %s", (unsigned)opt.vers,
	    proc_name((rpcproc_t)op->proc, pb, sizeof(pb)));
	if ((cl = client_new(opt.server, opt.family, NLM_PROG, opt.vers,
	    what)) == NULL)
		return RC_RPC;
	args_fill(op->ak, v4, q, &a);
	memset(&r, 0, sizeof(r));
	st = clnt_call(cl, (rpcproc_t)op->proc, args_xdr(op->ak, v4), &a,
	    xr, &r, tv);
	if (st != RPC_SUCCESS) {
		clnt_geterr(cl, &e);
		e.re_status = st;
		rpc_error(what, &e);
		rc = RC_RPC;
	} else {
		outcome_get(op->rk, v4, &r, oc);
		if (op->rk != R_VOID && !cookie_is_ours(oc, &q->cookie))
			fprintf(stderr, "nlmprobe: warning: the reply's cookie "
			    "is not the one sent\n");
	}
	clnt_freeres(cl, xr, (char *)&r);
	client_free(cl);
	return rc;
}

/* -------------------------------------------------------- callback service */
#define CB_MAXREG	24
#define CB_MAXPEND	8

/* A GRANTED_RES owed to the sender of a GRANTED_MSG. */
struct pending {
	struct sockaddr_storage	 to;
	rpcvers_t		 vers;
	int			 stat;
	bool			 mine;	/* the GRANTED wait-granted waits for */
	u_int			 cookielen;
	unsigned char		 cookie[MAX_NETOBJ_SZ];
};

static struct {
	SVCXPRT		*xp[2];			/* udp, tcp */
	u_short		 port[2];
	int		 nreg;
	struct {
		rpcvers_t	  vers;
		struct netconfig *nc;
	}		 reg[CB_MAXREG];	/* what we told rpcbind */
	/* what the main line waits for */
	bool		 serve;
	int		 want_res;		/* _RES procedure, or -1 */
	const struct req *match;		/* the lock a GRANTED must name */
	/* what arrived */
	bool		 got_res;
	struct outcome	 res;
	rpcvers_t	 res_vers;
	bool		 got_granted;
	rpcproc_t	 granted_proc;
	double		 granted_at;
	int		 granted_reply;
	int		 granted_res_rc;	/* -1 unsent, RC_OK, RC_RPC */
	char		 granted_res_err[256];
	struct pending	 pend[CB_MAXPEND];
	int		 npend;
	/* the reply to our _MSG call, if the server sends one */
	int		 msg_fd;
	bool		 msg_tcp;
	uint32_t	 msg_xid;
	bool		 msg_failed;
	struct rpc_err	 msg_err;
} cb = { .want_res = -1, .granted_res_rc = -1, .msg_fd = -1 };

/* The caller of the request being served, IPv4-mapped IPv6 made IPv4. */
static void
caller_of(SVCXPRT *xp, struct sockaddr_storage *ss)
{
	const struct netbuf *nb = svc_getrpccaller(xp);
	struct sockaddr_in6 s6;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (nb == NULL || nb->buf == NULL)
		return;
	memcpy(ss, nb->buf, nb->len < sizeof(*ss) ? nb->len : sizeof(*ss));
	if (ss->ss_family != AF_INET6)
		return;
	memcpy(&s6, ss, sizeof(s6));
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		return;
	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = s6.sin6_port;
	memcpy(&s4->sin_addr, &s6.sin6_addr.s6_addr[12], 4);
}

/* A decoded GRANTED/GRANTED_MSG lock, whatever the version. */
struct lockview {
	const netobj	*cookie, *fh, *oh;
	const char	*caller;
	bool_t		 excl;
	int		 svid;
	uint64_t	 off, len;
};

#define LOCKVIEW_GET(x, lv) do {					\
	(lv)->cookie = &(x).cookie;					\
	(lv)->excl = (x).exclusive;					\
	(lv)->caller = (x).alock.caller_name;				\
	(lv)->fh = &(x).alock.fh;					\
	(lv)->oh = &(x).alock.oh;					\
	(lv)->svid = (x).alock.svid;					\
	(lv)->off = (x).alock.l_offset;					\
	(lv)->len = (x).alock.l_len;					\
} while (0)

static bool
obj_eq(const netobj *a, const netobj *b)
{
	return a->n_len == b->n_len &&
	    (a->n_len == 0 || memcmp(a->n_bytes, b->n_bytes, a->n_len) == 0);
}

/*
 * NULL when the callback names our lock, else the first field that differs.
 * The cookie is not compared: XNFS says a client must not rely on the
 * GRANTED cookie being the LOCK's; caller_name is the server's own name.
 */
static const char *
lock_differs(const struct lockview *lv, const struct req *q)
{
	if (!obj_eq(lv->fh, &q->fh))
		return "fh";
	if (!obj_eq(lv->oh, &q->oh))
		return "oh";
	if (lv->svid != q->svid)
		return "svid";
	if (lv->off != q->off)
		return "l_offset";
	if (lv->len != q->len)
		return "l_len";
	return NULL;
}

/* NLMPROC_GRANTED and NLMPROC_GRANTED_MSG: the server grants a lock. */
static void
cb_granted(struct svc_req *rq, SVCXPRT *xp, bool v4)
{
	union nlm_args a;
	union nlm_reply r;
	struct lockview lv;
	struct sockaddr_storage from;
	struct pending *p;
	xdrproc_t xa = args_xdr(A_TEST, v4);
	const char *why = NULL;
	char ab[INET6_ADDRSTRLEN], h1[HEXBUF], h2[HEXBUF], h3[HEXBUF], sb[24];
	bool mine;
	int reply;

	caller_of(xp, &from);
	memset(&a, 0, sizeof(a));
	if (!svc_getargs(xp, xa, (caddr_t)&a)) {
		fprintf(stderr, "nlmprobe: %s from %s: cannot decode the "
		    "arguments (answered GARBAGE_ARGS)\n", proc_names[rq->rq_proc],
		    addr_str(&from, ab, sizeof(ab)));
		svcerr_decode(xp);
		return;
	}
	if (v4)
		LOCKVIEW_GET(a.t4, &lv);
	else
		LOCKVIEW_GET(a.t3, &lv);
	mine = cb.match != NULL && (why = lock_differs(&lv, cb.match)) == NULL;
	reply = (opt.flags & F_REFUSE) || (cb.match != NULL && !mine) ?
	    nlm_denied : nlm_granted;

	if (rq->rq_proc == NLMPROC_GRANTED) {
		memset(&r, 0, sizeof(r));
		if (v4) {
			r.r4.cookie = *lv.cookie;
			r.r4.stat.stat = (nlm4_stats)reply;
		} else {
			r.r3.cookie = *lv.cookie;
			r.r3.stat.stat = (nlm_stats)reply;
		}
		svc_sendreply(xp, res_xdr(R_RES, v4), (caddr_t)&r);
	} else {
		svc_sendreply(xp, XDRP(xdr_void), NULL);
		if (cb.npend < CB_MAXPEND) {
			p = &cb.pend[cb.npend++];
			p->to = from;
			p->vers = rq->rq_vers;
			p->stat = reply;
			p->mine = mine && !cb.got_granted;
			copy_obj(p->cookie, &p->cookielen, lv.cookie);
		} else
			fprintf(stderr, "nlmprobe: too many GRANTED_MSG at "
			    "once; no GRANTED_RES for this one\n");
	}

	if (cb.serve)
		printf("%s vers=%u from=%s cookie=%s exclusive=%d caller=%s "
		    "fh=%s oh=%s svid=%d off=%" PRIu64 " len=%" PRIu64
		    " reply=%s\n", proc_names[rq->rq_proc],
		    (unsigned)rq->rq_vers, addr_str(&from, ab, sizeof(ab)),
		    hex(h1, lv.cookie->n_bytes, lv.cookie->n_len),
		    lv.excl ? 1 : 0, lv.caller, hex(h2, lv.fh->n_bytes,
		    lv.fh->n_len), hex(h3, lv.oh->n_bytes, lv.oh->n_len),
		    lv.svid, lv.off, lv.len,
		    stat_name(rq->rq_vers, reply, sb, sizeof(sb)));
	else if (!mine)
		fprintf(stderr, "nlmprobe: %s from %s for another lock (%s "
		    "differs): answered denied\n", proc_names[rq->rq_proc],
		    addr_str(&from, ab, sizeof(ab)), why != NULL ? why :
		    "nothing expected");
	if (mine && !cb.got_granted) {
		cb.got_granted = true;
		cb.granted_proc = rq->rq_proc;
		cb.granted_at = now();
		cb.granted_reply = reply;
	}
	svc_freeargs(xp, xa, (caddr_t)&a);
}

/* TEST_RES .. GRANTED_RES: the answer to one of our _MSG calls. */
static void
cb_res(struct svc_req *rq, SVCXPRT *xp, bool v4)
{
	enum rkind k = rq->rq_proc == NLMPROC_TEST_RES ? R_TEST : R_RES;
	xdrproc_t xa = res_xdr(k, v4);
	union nlm_reply a;
	struct outcome oc;
	struct sockaddr_storage from;
	char ab[INET6_ADDRSTRLEN], hb[HEXBUF], sb[24], holder[HEXBUF + 128];
	bool mine;

	caller_of(xp, &from);
	memset(&a, 0, sizeof(a));
	if (!svc_getargs(xp, xa, (caddr_t)&a)) {
		fprintf(stderr, "nlmprobe: %s from %s: cannot decode the "
		    "arguments (answered GARBAGE_ARGS)\n",
		    proc_names[rq->rq_proc], addr_str(&from, ab, sizeof(ab)));
		svcerr_decode(xp);
		return;
	}
	svc_sendreply(xp, XDRP(xdr_void), NULL);
	outcome_get(k, v4, &a, &oc);
	mine = (int)rq->rq_proc == cb.want_res && !cb.got_res &&
	    cb.match != NULL && cookie_is_ours(&oc, &cb.match->cookie);
	if (mine) {
		cb.got_res = true;
		cb.res = oc;
		cb.res_vers = rq->rq_vers;
	}
	if (cb.serve)
		printf("%s vers=%u from=%s cookie=%s stat=%s%s\n",
		    proc_names[rq->rq_proc], (unsigned)rq->rq_vers,
		    addr_str(&from, ab, sizeof(ab)),
		    hex(hb, oc.cookie, oc.cookielen),
		    stat_name(rq->rq_vers, oc.stat, sb, sizeof(sb)),
		    holder_str(&oc, holder, sizeof(holder)));
	else if (!mine)
		fprintf(stderr, "nlmprobe: ignored %s from %s (cookie %s)\n",
		    proc_names[rq->rq_proc], addr_str(&from, ab, sizeof(ab)),
		    hex(hb, oc.cookie, oc.cookielen));
	svc_freeargs(xp, xa, (caddr_t)&a);
}

static void
cb_dispatch(struct svc_req *rq, SVCXPRT *xp)
{
	struct sockaddr_storage from;
	char ab[INET6_ADDRSTRLEN], pb[16];
	bool v4 = rq->rq_vers == NLM4_VERS;

	switch (rq->rq_proc) {
	case NLMPROC_GRANTED:
	case NLMPROC_GRANTED_MSG:
		cb_granted(rq, xp, v4);
		break;
	case NLMPROC_TEST_RES:
	case NLMPROC_LOCK_RES:
	case NLMPROC_CANCEL_RES:
	case NLMPROC_UNLOCK_RES:
	case NLMPROC_GRANTED_RES:
		cb_res(rq, xp, v4);
		break;
	case NLMPROC_NULL:
		svc_sendreply(xp, XDRP(xdr_void), NULL);
		if (cb.serve) {
			caller_of(xp, &from);
			printf("NULL vers=%u from=%s\n", (unsigned)rq->rq_vers,
			    addr_str(&from, ab, sizeof(ab)));
		}
		break;
	default:
		caller_of(xp, &from);
		if (cb.serve)
			printf("%s vers=%u from=%s not-served\n",
			    proc_name(rq->rq_proc, pb, sizeof(pb)),
			    (unsigned)rq->rq_vers, addr_str(&from, ab,
			    sizeof(ab)));
		svcerr_noproc(xp);
		break;
	}
}

/* Unset what we set with rpcbind (atexit, signals, errors); idempotent. */
static void
cb_stop(void)
{
	int i;

	for (i = 0; i < cb.nreg; i++) {
		if (!rpcb_unset(NLM_PROG, cb.reg[i].vers, cb.reg[i].nc))
			fprintf(stderr, "nlmprobe: could not unregister %u "
			    "v%u %s from rpcbind\n", (unsigned)NLM_PROG,
			    (unsigned)cb.reg[i].vers, cb.reg[i].nc->nc_netid);
		freenetconfigent(cb.reg[i].nc);
	}
	cb.nreg = 0;
}

/*
 * Serve NLM versions VERS[0..N) on a UDP and a TCP ephemeral port and tell
 * the local rpcbind, for the server's address family (and IPv4 too when
 * that is IPv6: the sockets are dual-stack).  RC_OK or RC_RPC.
 */
static int
cb_start(const rpcvers_t *vers, int n)
{
	static const char *const ids4[] = { "udp", "tcp" };
	static const char *const ids6[] = { "udp6", "tcp6", "udp", "tcp" };
	const char *const *ids = opt.family == AF_INET6 ? ids6 : ids4;
	int nids = opt.family == AF_INET6 ? 4 : 2;
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct netconfig *nc;
	struct netbuf nb;
	socklen_t len;
	int i, j, fd, off = 0, tcp;

	for (tcp = 0; tcp < 2; tcp++) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)opt.family;
		len = opt.family == AF_INET6 ? sizeof(*s6) : sizeof(*s4);
		if ((fd = socket(opt.family, tcp ? SOCK_STREAM : SOCK_DGRAM,
		    0)) < 0) {
			fail("callback socket: %s", strerror(errno));
			return RC_RPC;
		}
		if (opt.family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			    sizeof(off));
		if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
		    getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
		    (tcp && listen(fd, 16) != 0)) {
			fail("callback socket: %s", strerror(errno));
			close(fd);
			return RC_RPC;
		}
		cb.port[tcp] = ntohs(opt.family == AF_INET6 ? s6->sin6_port :
		    s4->sin_port);
		cb.xp[tcp] = tcp ? svc_vc_create(fd, 0, 0) :
		    svc_dg_create(fd, 0, 0);
		if (cb.xp[tcp] == NULL) {
			fail("cannot create the callback service");
			close(fd);
			return RC_RPC;
		}
		for (i = 0; i < n; i++)
			if (!svc_reg(cb.xp[tcp], NLM_PROG, vers[i], cb_dispatch,
			    NULL)) {
				fail("svc_reg of NLM v%u failed",
				    (unsigned)vers[i]);
				return RC_RPC;
			}
	}

	for (j = 0; j < nids; j++) {
		tcp = strncmp(ids[j], "tcp", 3) == 0;
		memset(&ss, 0, sizeof(ss));
		if (strchr(ids[j], '6') != NULL) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(cb.port[tcp]);
			nb.len = nb.maxlen = sizeof(*s6);
		} else {
			s4->sin_family = AF_INET;
			s4->sin_port = htons(cb.port[tcp]);
			nb.len = nb.maxlen = sizeof(*s4);
		}
		nb.buf = &ss;
		for (i = 0; i < n; i++) {
			if ((nc = getnetconfigent(ids[j])) == NULL) {
				fail("no netconfig entry for %s", ids[j]);
				return RC_RPC;
			}
			rpc_createerr.cf_stat = RPC_SUCCESS;
			if (!rpcb_set(NLM_PROG, vers[i], nc, &nb)) {
				if (rpc_createerr.cf_stat != RPC_SUCCESS)
					create_error("rpcb_set");
				fail("the local rpcbind did not register %u v%u "
				    "%s (is another lock manager registered?)",
				    (unsigned)NLM_PROG, (unsigned)vers[i],
				    ids[j]);
				freenetconfigent(nc);
				return RC_RPC;
			}
			if (cb.nreg == CB_MAXREG) {	/* cannot happen */
				(void)rpcb_unset(NLM_PROG, vers[i], nc);
				freenetconfigent(nc);
				return RC_RPC;
			}
			cb.reg[cb.nreg].vers = vers[i];
			cb.reg[cb.nreg++].nc = nc;
		}
	}
	return RC_OK;
}

/* GRANTED_RES, one-way, to the NLM service of the host P names. */
static int
send_granted_res(const struct pending *p, char *err, size_t errlen)
{
	union nlm_reply r;
	char host[INET6_ADDRSTRLEN];
	enum clnt_stat st;
	CLIENT *cl;
	bool v4 = p->vers == NLM4_VERS;

	addr_str(&p->to, host, sizeof(host));
	if ((cl = client_new(host, p->to.ss_family, NLM_PROG, p->vers,
	    "GRANTED_RES")) == NULL) {
		snprintf(err, errlen, "no NLM v%u at %s", (unsigned)p->vers,
		    host);
		return RC_RPC;
	}
	memset(&r, 0, sizeof(r));
	if (v4) {
		r.r4.cookie.n_len = p->cookielen;
		r.r4.cookie.n_bytes = (char *)p->cookie;
		r.r4.stat.stat = (nlm4_stats)p->stat;
	} else {
		r.r3.cookie.n_len = p->cookielen;
		r.r3.cookie.n_bytes = (char *)p->cookie;
		r.r3.stat.stat = (nlm_stats)p->stat;
	}
	st = clnt_call(cl, NLMPROC_GRANTED_RES, res_xdr(R_RES, v4), &r,
	    XDRP(xdr_void), NULL, oneway);
	client_free(cl);
	if (st != RPC_SUCCESS && st != RPC_TIMEDOUT) {
		snprintf(err, errlen, "%s: %s", clnt_stat_name(st),
		    clnt_sperrno(st));
		return RC_RPC;
	}
	return RC_OK;
}

static void
cb_flush(void)
{
	char err[256] = "", ab[INET6_ADDRSTRLEN], sb[24];
	struct pending *p;
	int i, rc;

	for (i = 0; i < cb.npend; i++) {
		p = &cb.pend[i];
		rc = send_granted_res(p, err, sizeof(err));
		if (cb.serve)
			printf("sent GRANTED_RES vers=%u to=%s stat=%s %s%s\n",
			    (unsigned)p->vers, addr_str(&p->to, ab, sizeof(ab)),
			    stat_name(p->vers, p->stat, sb, sizeof(sb)),
			    rc == RC_OK ? "sent" : "failed: ",
			    rc == RC_OK ? "" : err);
		if (p->mine) {
			cb.granted_res_rc = rc;
			snprintf(cb.granted_res_err, sizeof(cb.granted_res_err),
			    "%s", err);
		} else if (rc != RC_OK && !cb.serve)
			fprintf(stderr, "nlmprobe: GRANTED_RES: %s\n", err);
	}
	cb.npend = 0;
}

/* Read one reply record from the _MSG client's socket, bounded. */
static ssize_t
read_reply(int fd, bool tcp, char *buf, size_t size)
{
	uint32_t mark;
	size_t n = 0, flen;
	ssize_t r;

	if (!tcp) {
		r = recv(fd, buf, size, MSG_DONTWAIT);
		if (r < 0 && errno == ECONNREFUSED) {
			cb.msg_failed = true;
			cb.msg_err.re_status = RPC_CANTRECV;
			cb.msg_err.re_errno = errno;
		}
		return r;
	}
	do {
		if (recv(fd, &mark, 4, MSG_WAITALL) != 4)
			return -1;
		mark = ntohl(mark);
		flen = mark & 0x7fffffffU;
		if (flen > size - n ||
		    (flen > 0 && recv(fd, buf + n, flen, MSG_WAITALL) !=
		    (ssize_t)flen))
			return -1;
		n += flen;
	} while ((mark & 0x80000000U) == 0);
	return (ssize_t)n;
}

/*
 * The server may answer a _MSG call with an RPC reply (Linux does, older
 * servers do not): an error there (PROC_UNAVAIL, GARBAGE_ARGS, AUTH_ERROR)
 * is the call's failure.  One reply is read, then the socket is left alone.
 */
static void
msg_reply(void)
{
	char buf[4096];
	struct rpc_msg m;
	struct rpc_err e;
	ssize_t n;
	XDR x;

	n = read_reply(cb.msg_fd, cb.msg_tcp, buf, sizeof(buf));
	cb.msg_fd = -1;
	if (n <= 0)
		return;
	memset(&m, 0, sizeof(m));
	m.acpted_rply.ar_verf = _null_auth;
	m.acpted_rply.ar_results.where = NULL;
	m.acpted_rply.ar_results.proc = XDRP(xdr_void);
	xdrmem_create(&x, buf, (u_int)n, XDR_DECODE);
	if (xdr_replymsg(&x, &m) && m.rm_direction == REPLY &&
	    m.rm_xid == cb.msg_xid) {
		memset(&e, 0, sizeof(e));
		_seterr_reply(&m, &e);
		if (e.re_status != RPC_SUCCESS) {
			cb.msg_failed = true;
			cb.msg_err = e;
		}
	}
	if (m.rm_reply.rp_stat == MSG_ACCEPTED &&
	    m.acpted_rply.ar_verf.oa_base != NULL)
		xdr_free(XDRP(xdr_opaque_auth),
		    (char *)&m.acpted_rply.ar_verf);
	xdr_destroy(&x);
}

/* Serve callbacks until DONE() or DEADLINE (now() seconds) or a signal. */
static bool
cb_wait(double deadline, bool (*done)(void))
{
	struct timeval tv;
	fd_set rf;
	double left;
	int n;

	while (!done()) {
		if (got_signal)
			return false;
		if ((left = deadline - now()) <= 0)
			return false;
		tv.tv_sec = (time_t)left;
		tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
		rf = svc_fdset;
		if (cb.msg_fd >= 0)
			FD_SET(cb.msg_fd, &rf);
		n = select(FD_SETSIZE, &rf, NULL, NULL, &tv);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("select: %s", strerror(errno));
			return false;
		}
		if (n == 0)
			continue;
		if (cb.msg_fd >= 0 && FD_ISSET(cb.msg_fd, &rf)) {
			FD_CLR(cb.msg_fd, &rf);
			msg_reply();
		}
		svc_getreqset(&rf);
		cb_flush();
		fflush(stdout);
	}
	return true;
}

static bool
done_res(void)
{
	return cb.got_res || cb.msg_failed;
}

static bool
done_granted(void)
{
	return cb.got_granted && (cb.granted_proc == NLMPROC_GRANTED ||
	    cb.granted_res_rc >= 0);
}

static bool
done_never(void)
{
	return false;
}

/*
 * Send the _MSG form of OP (one-way) and wait up to -t for its _RES.
 * RC_OK with cb.res filled, RC_RPC, or RC_NOCB ("no-callback" printed).
 */
static int
msg_call(const struct nlm_op *op, const struct req *q)
{
	struct timeval rto = { 2, 0 };
	bool v4 = opt.vers == NLM4_VERS;
	union nlm_args a;
	char what[64], pb[16];
	struct rpc_err e;
	enum clnt_stat st;
	CLIENT *cl;
	u_int xid;
	int rc = RC_OK;

	snprintf(what, sizeof(what), "NLM v%u %s", (unsigned)opt.vers,
	    proc_name((rpcproc_t)op->msgproc, pb, sizeof(pb)));
	if ((cl = client_new(opt.server, opt.family, NLM_PROG, opt.vers,
	    what)) == NULL)
		return RC_RPC;
	args_fill(op->ak, v4, q, &a);
	cb.want_res = op->resproc;
	st = clnt_call(cl, (rpcproc_t)op->msgproc, args_xdr(op->ak, v4), &a,
	    XDRP(xdr_void), NULL, oneway);
	if (st != RPC_SUCCESS && st != RPC_TIMEDOUT) {
		clnt_geterr(cl, &e);
		e.re_status = st;
		rpc_error(what, &e);
		client_free(cl);
		return RC_RPC;
	}
	if (clnt_control(cl, CLGET_FD, (char *)&cb.msg_fd) &&
	    clnt_control(cl, CLGET_XID, (char *)&xid)) {
		cb.msg_xid = xid;
		cb.msg_tcp = !opt.udp;
		(void)setsockopt(cb.msg_fd, SOL_SOCKET, SO_RCVTIMEO, &rto,
		    sizeof(rto));
	} else
		cb.msg_fd = -1;

	cb_wait(now() + opt.timeout, done_res);
	cb.msg_fd = -1;
	if (cb.msg_failed) {
		rpc_error(what, &cb.msg_err);
		rc = RC_RPC;
	} else if (!cb.got_res) {
		rc = RC_RPC;		/* main() re-raises a signal */
		if (!got_signal) {
			say("no-callback");
			rc = RC_NOCB;
		}
	}
	client_free(cl);
	return rc;
}

/* ---------------------------------------------------------------- FILE */
/*
 * The handle of FILE (relative to -e EXPORT) by MOUNT v3 + LOOKUP with
 * libnfs, or the -F handle; it lands in opt.fh.  RC_OK, RC_USAGE, RC_RPC.
 */
static int
get_fh(const char *file, netobj *fh)
{
	struct nfs_context *nfs;
	struct nfsfh *f = NULL;
	struct nfs_fh *h;
	char path[4096];
	int rc = RC_RPC;

	if (!opt.fh_set) {
		if (opt.export == NULL)
			usage_error("FILE '%s' needs -e EXPORT (or -F HEX)",
			    file);
		while (*file == '/')
			file++;
		snprintf(path, sizeof(path), "/%s",
		    strcmp(file, ".") == 0 ? "" : file);
		if ((nfs = nfs_init_context()) == NULL) {
			fail("libnfs: cannot make a context");
			return RC_RPC;
		}
		nfs_set_timeout(nfs, opt.timeout * 1000);
		nfs_set_autoreconnect(nfs, 0);
		if (nfs_mount(nfs, opt.server, opt.export) != 0) {
			fail("MOUNT %s:%s: %s", opt.server, opt.export,
			    nfs_get_error(nfs));
			goto out;
		}
		if (nfs_open(nfs, path, O_RDONLY, &f) != 0) {
			fail("LOOKUP %s in %s: %s", path, opt.export,
			    nfs_get_error(nfs));
			goto umount;
		}
		h = nfs_get_fh(f);
		if (h == NULL || h->len <= 0 || h->len > NFS3_FHMAX ||
		    h->val == NULL) {
			fail("libnfs gave no usable handle for %s", path);
			goto close;
		}
		memcpy(opt.fh, h->val, (size_t)h->len);
		opt.fhlen = (u_int)h->len;
		opt.fh_set = true;
		rc = RC_OK;
close:
		nfs_close(nfs, f);
umount:
		(void)nfs_umount(nfs);
out:
		nfs_destroy_context(nfs);
		if (rc != RC_OK)
			return rc;
	}
	fh->n_len = opt.fhlen;
	fh->n_bytes = (char *)opt.fh;
	return RC_OK;
}

/* ---------------------------------------------------------------- commands */
struct cmd {
	const char	*name;
	int		(*run)(const struct cmd *, int, char **);
	int		 op;		/* ops[] index, or SM_ procedure */
	int		 amin, amax;
	unsigned	 allow;		/* F_* switches it takes */
	bool		 v3only;	/* NLM v3/v4 procedure */
	const char	*args;
};

static void
req_base(struct req *q)
{
	memset(q, 0, sizeof(*q));
	q->cookie.n_len = (u_int)strlen(opt.cookie);
	q->cookie.n_bytes = (char *)opt.cookie;
	q->oh.n_len = (u_int)strlen(opt.oh);
	q->oh.n_bytes = (char *)opt.oh;
	q->caller = opt.caller;
	q->svid = opt.svid;
	q->state = opt.state;
	q->block = (opt.flags & F_BLOCK) != 0;
	q->reclaim = (opt.flags & F_RECLAIM) != 0;
	q->excl = TRUE;
}

/*
 * OFF and LEN for the version in use.  v1/v3 carry 32 bits: a value above
 * that is refused unless --wrap or --raw (which send the low 32 bits); a
 * range whose end overflows the version's width is refused unless --raw.
 */
static void
req_range(struct req *q, const char *offs, const char *lens)
{
	uint64_t off, len, max;
	bool v4 = opt.vers == NLM4_VERS, raw = (opt.flags & F_RAW) != 0;

	if (!parse_u64(offs, &off))
		usage_error("bad OFF '%s'", offs);
	if (!parse_u64(lens, &len))
		usage_error("bad LEN '%s'", lens);
	if (!v4) {
		if ((off > UINT32_MAX || len > UINT32_MAX) && !raw &&
		    !(opt.flags & F_WRAP))
			usage_error("NLM v%u ranges are 32-bit: OFF %s LEN %s "
			    "(--wrap or --raw send the low 32 bits)",
			    (unsigned)opt.vers, offs, lens);
		off &= UINT32_MAX;
		len &= UINT32_MAX;
	}
	max = v4 ? UINT64_MAX : UINT32_MAX;
	if (!raw && len != 0 && len - 1 > max - off)
		usage_error("OFF %s + LEN %s overflows %d bits (--raw sends it "
		    "anyway)", offs, lens, v4 ? 64 : 32);
	q->off = off;
	q->len = len;
}

static void
req_mode(struct req *q, int ac, char **av, int i)
{
	static const char *const modes[] = { "s", "x" };

	if (ac > i)
		q->excl = word(av[i], modes, 2, "mode (x|s)") == 1;
}

/* FILE OFF LEN [x|s], SHARE's FILE MODE ACCESS, FREE_ALL's NAME STATE. */
static int
req_parse(const struct nlm_op *op, int ac, char **av, struct req *q)
{
	static const char *const smodes[] = { "dn", "dr", "dw", "drw" };
	static const char *const saccess[] = { "none", "r", "w", "rw" };

	req_base(q);
	switch (op->ak) {
	case A_SHARE:
		q->mode = word(av[1], smodes, 4, "share mode");
		q->access = word(av[2], saccess, 4, "share access");
		return get_fh(av[0], &q->fh);
	case A_NOTIFY:
		q->name = av[0];
		q->nstate = parse_i32(av[1], "STATE");
		return RC_OK;
	case A_VOID:
		return RC_OK;
	default:
		req_range(q, av[1], av[2]);
		req_mode(q, ac, av, 3);
		return get_fh(av[0], &q->fh);
	}
}

static int
cmd_nlm(const struct cmd *c, int ac, char **av)
{
	const struct nlm_op *op = &ops[c->op];
	struct outcome oc;
	struct req q;
	int rc;

	if ((rc = req_parse(op, ac, av, &q)) != RC_OK)
		return rc;
	if (opt.flags & F_MSG) {
		rpcvers_t v = opt.vers;

		cb.match = &q;
		if ((rc = cb_start(&v, 1)) != RC_OK ||
		    (rc = msg_call(op, &q)) != RC_OK)
			return rc;
		outcome_print(op->rk, cb.res_vers, &cb.res);
		return RC_OK;
	}
	if ((rc = nlm_call(op, &q, &oc)) != RC_OK)
		return rc;
	outcome_print(op->rk, opt.vers, &oc);
	return RC_OK;
}

static int
cmd_fh(const struct cmd *c, int ac, char **av)
{
	char hb[HEXBUF];
	netobj fh;
	int rc;

	(void)c;
	(void)ac;
	if ((rc = get_fh(av[0], &fh)) != RC_OK)
		return rc;
	say(hex(hb, fh.n_bytes, fh.n_len));
	return RC_OK;
}

static int
cmd_wait_granted(const struct cmd *c, int ac, char **av)
{
	const struct nlm_op *op = &ops[OP_LOCK];
	rpcvers_t v = opt.vers;
	struct outcome oc;
	struct req q;
	char sb[24];
	double t0, after;
	int rc;

	(void)c;
	if ((rc = req_parse(op, ac, av, &q)) != RC_OK)
		return rc;
	q.block = TRUE;
	cb.match = &q;
	if ((rc = cb_start(&v, 1)) != RC_OK)
		return rc;
	if (opt.flags & F_MSG) {
		if ((rc = msg_call(op, &q)) != RC_OK)
			return rc;
		oc = cb.res;
	} else if ((rc = nlm_call(op, &q, &oc)) != RC_OK)
		return rc;
	t0 = now();
	outcome_print(R_RES, opt.vers, &oc);
	if (oc.stat != nlm_blocked)
		return RC_OK;

	cb.want_res = -1;
	cb_wait(t0 + opt.wait, done_granted);
	if (!cb.got_granted) {
		if (got_signal)
			return RC_RPC;	/* main() re-raises it */
		printf("no-callback\n");
		return RC_NOCB;
	}
	after = cb.granted_at - t0;
	if (after < 0)		/* it came before the LOCK_RES */
		after = 0;
	if (cb.granted_proc == NLMPROC_GRANTED) {
		printf("granted-callback proc=GRANTED after=%.2f reply=%s\n",
		    after, stat_name(opt.vers, cb.granted_reply, sb,
		    sizeof(sb)));
		return RC_OK;
	}
	if (cb.granted_res_rc < 0)	/* interrupted before sending */
		return RC_RPC;
	printf("granted-callback proc=GRANTED_MSG after=%.2f reply=%s "
	    "granted-res=%s\n", after, stat_name(opt.vers, cb.granted_reply,
	    sb, sizeof(sb)), cb.granted_res_rc == RC_OK ? "sent" : "failed");
	if (cb.granted_res_rc != RC_OK) {
		fail("GRANTED_RES not sent: %s", cb.granted_res_err);
		return RC_RPC;
	}
	return RC_OK;
}

static int
cmd_serve(const struct cmd *c, int ac, char **av)
{
	static const rpcvers_t vers[] = { NLM_VERS, NLM_VERSX, NLM4_VERS };
	int rc;

	(void)c;
	(void)ac;
	(void)av;
	cb.serve = true;
	if ((rc = cb_start(vers, 3)) != RC_OK)
		return rc;
	fprintf(stderr, "nlmprobe: serving NLM v1, v3, v4 on udp port %u, "
	    "tcp port %u for %d s\n", cb.port[0], cb.port[1], opt.wait);
	cb_wait(now() + opt.wait, done_never);
	return RC_OK;
}

static int
cmd_null(const struct cmd *c, int ac, char **av)
{
	struct outcome oc;
	struct req q;
	int rc;

	(void)c;
	(void)ac;
	(void)av;
	req_base(&q);
	if ((rc = nlm_call(&ops[OP_NULL], &q, &oc)) == RC_OK)
		say("ok");
	return rc;
}

/* NSM (program 100024 v1) calls to the server's statd. */
static int
cmd_sm(const struct cmd *c, int ac, char **av)
{
	struct timeval tv = { opt.timeout, 0 };
	union {
		sm_name		 name;
		sm_mon		 mon;
		sm_mon_id	 mon_id;
		sm_my_id	 my_id;
		sm_stat_chge	 chge;
	} a;
	union {
		sm_stat_res	 sr;
		sm_stat		 st;
	} r;
	sm_my_id me = { opt.caller, NLM_PROG, NLM_VERSX, NLMPROC_NSM_NOTIFY };
	xdrproc_t xa = XDRP(xdr_void), xr = XDRP(xdr_void);
	static const char *const names[] = { "", "SM_STAT", "SM_MON",
	    "SM_UNMON", "SM_UNMON_ALL", "SM_SIMU_CRASH", "SM_NOTIFY" };
	char what[32], rb[24];
	struct rpc_err e;
	enum clnt_stat st;
	CLIENT *cl;
	u_int plen;
	int rc = RC_OK;

	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	switch (c->op) {
	case SM_STAT:
		a.name.mon_name = av[0];
		xa = XDRP(xdr_sm_name);
		xr = XDRP(xdr_sm_stat_res);
		break;
	case SM_MON:
		a.mon.mon_id.mon_name = av[0];
		a.mon.mon_id.my_id = me;
		if (ac > 1 && !parse_hex(av[1], (unsigned char *)a.mon.priv,
		    SM_PRIVLEN, &plen))
			usage_error("bad PRIVHEX '%s' (at most %d bytes)",
			    av[1], SM_PRIVLEN);
		xa = XDRP(xdr_sm_mon);
		xr = XDRP(xdr_sm_stat_res);
		break;
	case SM_UNMON:
		a.mon_id.mon_name = av[0];
		a.mon_id.my_id = me;
		xa = XDRP(xdr_sm_mon_id);
		xr = XDRP(xdr_sm_stat);
		break;
	case SM_UNMON_ALL:
		a.my_id = me;
		xa = XDRP(xdr_sm_my_id);
		xr = XDRP(xdr_sm_stat);
		break;
	case SM_NOTIFY:
		a.chge.mon_name = av[0];
		a.chge.state = parse_i32(av[1], "STATE");
		xa = XDRP(xdr_sm_stat_chge);
		break;
	default:		/* SM_SIMU_CRASH */
		break;
	}
	snprintf(what, sizeof(what), "NSM %s", names[c->op]);
	if ((cl = client_new(opt.server, opt.family, SM_PROG, SM_VERS,
	    what)) == NULL)
		return RC_RPC;
	st = clnt_call(cl, (rpcproc_t)c->op, xa, &a, xr, &r, tv);
	if (st != RPC_SUCCESS) {
		clnt_geterr(cl, &e);
		e.re_status = st;
		rpc_error(what, &e);
		rc = RC_RPC;
	} else if (xr == XDRP(xdr_sm_stat_res)) {
		if (r.sr.res_stat == stat_succ || r.sr.res_stat == stat_fail)
			sayf(r.sr.res_stat == stat_succ ? "stat_succ" :
			    "stat_fail", "state=%d", r.sr.state);
		else {
			snprintf(rb, sizeof(rb), "res_stat=%d",
			    (int)r.sr.res_stat);
			sayf(rb, "state=%d", r.sr.state);
		}
	} else if (xr == XDRP(xdr_sm_stat)) {
		snprintf(rb, sizeof(rb), "state=%d", r.st.state);
		say(rb);
	} else
		say("ok");
	clnt_freeres(cl, xr, (char *)&r);
	client_free(cl);
	return rc;
}

static const struct cmd cmds[] = {
	{ "null", cmd_null, OP_NULL, 0, 0, 0, false, "" },
	{ "fh", cmd_fh, 0, 1, 1, 0, false, "FILE" },
	{ "test", cmd_nlm, OP_TEST, 3, 4, F_MSG | F_RANGE, false,
	  "FILE OFF LEN [x|s]" },
	{ "lock", cmd_nlm, OP_LOCK, 3, 4, F_MSG | F_BLOCK | F_RECLAIM | F_RANGE,
	  false, "FILE OFF LEN [x|s] [--block] [--reclaim]" },
	{ "nmlock", cmd_nlm, OP_NMLOCK, 3, 4, F_BLOCK | F_RECLAIM | F_RANGE,
	  true, "FILE OFF LEN [x|s]" },
	{ "cancel", cmd_nlm, OP_CANCEL, 3, 4, F_MSG | F_BLOCK | F_RANGE, false,
	  "FILE OFF LEN [x|s] [--block]" },
	{ "unlock", cmd_nlm, OP_UNLOCK, 3, 3, F_MSG | F_RANGE, false,
	  "FILE OFF LEN" },
	{ "granted", cmd_nlm, OP_GRANTED, 3, 4, F_MSG | F_RANGE, false,
	  "FILE OFF LEN [x|s]" },
	{ "share", cmd_nlm, OP_SHARE, 3, 3, F_RECLAIM | F_RAW, true,
	  "FILE dn|dr|dw|drw none|r|w|rw [--reclaim]" },
	{ "unshare", cmd_nlm, OP_UNSHARE, 3, 3, F_RAW, true,
	  "FILE dn|dr|dw|drw none|r|w|rw" },
	{ "freeall", cmd_nlm, OP_FREEALL, 2, 2, F_RAW, true, "NAME STATE" },
	{ "wait-granted", cmd_wait_granted, OP_LOCK, 3, 4,
	  F_MSG | F_REFUSE | F_WAIT | F_RECLAIM | F_RANGE, false,
	  "FILE OFF LEN [x|s] [--refuse] [--wait SECS] [--msg]" },
	{ "serve", cmd_serve, 0, 0, 0, F_REFUSE | F_WAIT, false,
	  "[--refuse] [--wait SECS]" },
	{ "sm-stat", cmd_sm, SM_STAT, 1, 1, 0, false, "NAME" },
	{ "sm-mon", cmd_sm, SM_MON, 1, 2, 0, false, "NAME [PRIVHEX]" },
	{ "sm-unmon", cmd_sm, SM_UNMON, 1, 1, 0, false, "NAME" },
	{ "sm-unmon-all", cmd_sm, SM_UNMON_ALL, 0, 0, 0, false, "" },
	{ "sm-simu-crash", cmd_sm, SM_SIMU_CRASH, 0, 0, 0, false, "" },
	{ "sm-notify", cmd_sm, SM_NOTIFY, 2, 2, 0, false, "NAME STATE" },
};

static void
usage(FILE *f, int rc)
{
	size_t i;

	fputs(
"usage: nlmprobe [options] COMMAND [ARGS...]\n"
"A Network Lock Manager (NLM, program 100021 v1/v3/v4) and Network Status\n"
"Monitor (NSM, 100024 v1) test client: one command, one RPC, one line out.\n"
"\n"
"Options (also after the command; \"--\" ends them):\n"
"  -s ADDR      server address, numeric IPv4 or IPv6 (127.0.0.1)\n"
"  -e PATH      export to MOUNT (v3) when a command names a FILE\n"
"  -F HEX       use this file handle instead of MOUNT + LOOKUP of FILE (FILE\n"
"               is then ignored but must be given, e.g. \"-\")\n"
"  -P tcp|udp   transport of the NLM/NSM calls (tcp); ports from the\n"
"               server's rpcbind\n"
"  -V 1|3|4     NLM version (4): 1 and 3 send the 32-bit nlm_* types, 4 the\n"
"               64-bit nlm4_* types\n"
"  -n NAME      caller_name, also the AUTH_SYS machine name and sm-mon's\n"
"               my_name (nlmprobe)\n"
"  -i SVID      svid (100)\n"
"  -O OH        owner handle: the bytes of OH (oh-SVID); -O '' = empty\n"
"  -c COOKIE    cookie: the bytes of COOKIE (c-PID); -c '' = empty\n"
"  -u UID -g GID  AUTH_SYS credentials of the calls (0 0)\n"
"  -a sys|none  AUTH_SYS (default) or AUTH_NONE\n"
"  -S STATE     the NSM state sent in LOCK and NM_LOCK (1)\n"
"  -t SECS      timeout of each RPC, and the default wait for callbacks (10)\n"
"  --msg        send the asynchronous _MSG procedure (TEST_MSG, LOCK_MSG,\n"
"               CANCEL_MSG, UNLOCK_MSG, GRANTED_MSG), wait up to -t for the\n"
"               server's _RES call back (same cookie; others are reported\n"
"               on stderr) and print its status as the plain call would\n"
"  --block      block = TRUE (lock, nmlock, cancel; wait-granted always)\n"
"  --reclaim    reclaim = TRUE (lock, nmlock, share, wait-granted)\n"
"  --refuse     answer GRANTED callbacks with denied (wait-granted, serve)\n"
"  --wait SECS  how long to wait for callbacks (wait-granted, serve; -t)\n"
"  --expect ST  exit 4 (and say so) when the status printed (the first word\n"
"               of the line; wait-granted: the LOCK's) is not ST\n"
"  --wrap       v1/v3: send the low 32 bits of an OFF or LEN above 32 bits\n"
"               (without it such a value is refused, exit 2)\n"
"  --raw        send OFF/LEN exactly as given (v1/v3: the low 32 bits) even\n"
"               when OFF+LEN overflows the version's width, which is refused\n"
"               otherwise (e.g. -V 3 off=0xffffff00 len=0x200, or -V 4\n"
"               off=0xffffffffffffff00 len=0x200); also lets -V 1 send the\n"
"               v3-only procedures (share, unshare, nmlock, freeall)\n"
"  -h, --help   this text        --version  the version\n"
"\n"
"FILE is a path relative to the -e export, resolved with MOUNT v3 + NFSv3\n"
"LOOKUP (libnfs, from a reserved port as root); \".\" is the export root.\n"
"OFF and LEN are decimal or 0x hex, 64-bit; LEN 0 means to end of file.\n"
"x|s: exclusive (default) or shared.\n"
"\n"
"Commands:\n", f);
	for (i = 0; i < NITEMS(cmds); i++)
		fprintf(f, "  %s%s%s\n", cmds[i].name,
		    cmds[i].args[0] != '\0' ? " " : "", cmds[i].args);
	fputs(
"\n"
"Output (stdout, one line):\n"
"  null -> ok;  fh -> the handle in hex\n"
"  test -> granted | denied holder exclusive=0|1 svid=N oh=HEX off=N len=N |\n"
"          another status\n"
"  lock, nmlock, cancel, unlock, granted (NLM_GRANTED sent to the server)\n"
"          -> the status name\n"
"  share, unshare -> STATUS sequence=N;  freeall -> ok (void reply)\n"
"  Status names: granted denied denied_nolocks blocked denied_grace_period\n"
"  deadlck (v1/v3), and in v4 also rofs stale_fh fbig failed; any other\n"
"  value prints as status=N.\n"
"  wait-granted: registers the callback service, sends a blocking LOCK (or\n"
"    LOCK_MSG with --msg) and prints its status; unless it is \"blocked\"\n"
"    that is all (exit 0).  Then it waits up to --wait SECS for the\n"
"    server's NLM_GRANTED or GRANTED_MSG naming the same fh, oh, svid, off\n"
"    and len (others are answered denied and reported on stderr), answers\n"
"    granted (denied with --refuse), for GRANTED_MSG by a GRANTED_RES call\n"
"    to the sender's NLM service (cookie echoed), and prints\n"
"      granted-callback proc=GRANTED after=S.SS reply=granted|denied\n"
"      granted-callback proc=GRANTED_MSG after=S.SS reply=...\n"
"        granted-res=sent\n"
"    (S.SS: seconds since the LOCK reply or LOCK_RES), or \"no-callback\"\n"
"    (exit 3) when none came.\n"
"  serve: registers the callback service for v1, v3 and v4 and prints one\n"
"    line per NLM call received until SECS pass, e.g.\n"
"      GRANTED vers=4 from=ADDR cookie=HEX exclusive=1 caller=NAME fh=HEX\n"
"        oh=HEX svid=N off=N len=N reply=granted\n"
"      LOCK_RES vers=4 from=ADDR cookie=HEX stat=blocked\n"
"      sent GRANTED_RES vers=4 to=ADDR stat=granted sent\n"
"  sm-stat, sm-mon -> stat_succ state=N | stat_fail state=N\n"
"  sm-unmon, sm-unmon-all -> state=N;  sm-simu-crash, sm-notify -> ok\n"
"    sm-mon's my_id is (-n NAME, 100021, 3, 16), priv 16 bytes of PRIVHEX\n"
"    (zero-padded; default zeros).\n"
"  An RPC that fails prints \"rpc-error: NAME [detail] (text)\" on stdout\n"
"  and stderr, NAME one of TIMEOUT PROG_UNAVAIL PROG_MISMATCH PROC_UNAVAIL\n"
"  GARBAGE_ARGS SYSTEM_ERR AUTH_ERROR (detail auth_stat=...) RPC_MISMATCH\n"
"  PROG_NOT_REGISTERED CANTSEND CANTRECV CANTENCODEARGS CANTDECODERES ...\n"
"  (the text says \"rpcbind at ADDR\" when the port lookup failed); other\n"
"  failures print \"error: ...\".  Ports come from PMAP v2 GETPORT (IPv4)\n"
"  or RPCB v3 GETADDR (IPv6).\n"
"\n"
"Callback service (wait-granted, serve, --msg): UDP and TCP on ephemeral\n"
"ports, registered with the local rpcbind as 100021 for the version in\n"
"use (udp, tcp; also udp6, tcp6 for an IPv6 server) and unregistered on\n"
"exit, on errors and on SIGINT/SIGTERM (a signal during an RPC takes\n"
"effect when it ends).  The server finds it through the rpcbind at the\n"
"address it sees as our source address.  It answers NULL, GRANTED,\n"
"GRANTED_MSG and TEST_RES .. GRANTED_RES; other procedures PROC_UNAVAIL.\n"
"\n"
"Exit status: 0 the RPC completed (whatever the NLM status), 1 it failed\n"
"(or FILE could not be resolved, or the callback service not set up),\n"
"2 usage error, 3 no callback, 4 --expect did not match.\n", f);
	exit(rc);
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "msg", no_argument, NULL, 'M' },
		{ "block", no_argument, NULL, 'B' },
		{ "reclaim", no_argument, NULL, 'R' },
		{ "refuse", no_argument, NULL, 'X' },
		{ "wait", required_argument, NULL, 'W' },
		{ "expect", required_argument, NULL, 'E' },
		{ "raw", no_argument, NULL, 'r' },
		{ "wrap", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const fnames[] = { "--msg", "--block", "--reclaim",
	    "--refuse", "--wait", "--raw", "--wrap" };
	struct in6_addr a6;
	struct sigaction sa;
	struct rlimit rl;
	const struct cmd *c = NULL;
	size_t i;
	int ch, ac, rc;
	char **av;

	opt.server = "127.0.0.1";
	opt.vers = NLM4_VERS;
	opt.caller = default_caller;
	opt.svid = 100;
	opt.state = 1;
	opt.timeout = 10;
	opt.wait = -1;
	while ((ch = getopt_long(argc, argv, "s:e:P:V:n:i:O:c:u:g:a:S:t:F:h",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 's': opt.server = optarg; break;
		case 'e': opt.export = optarg; break;
		case 'P':
			if (strcmp(optarg, "tcp") != 0 &&
			    strcmp(optarg, "udp") != 0)
				usage_error("bad transport '%s'", optarg);
			opt.udp = strcmp(optarg, "udp") == 0;
			break;
		case 'V':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "3") != 0 &&
			    strcmp(optarg, "4") != 0)
				usage_error("bad NLM version '%s'", optarg);
			opt.vers = (rpcvers_t)atoi(optarg);
			break;
		case 'n': opt.caller = optarg; break;
		case 'i': opt.svid = parse_i32(optarg, "SVID"); break;
		case 'O': opt.oh = optarg; break;
		case 'c': opt.cookie = optarg; break;
		case 'u': opt.uid = (uid_t)parse_i32(optarg, "UID"); break;
		case 'g': opt.gid = (gid_t)parse_i32(optarg, "GID"); break;
		case 'a':
			if (strcmp(optarg, "none") != 0 &&
			    strcmp(optarg, "sys") != 0)
				usage_error("bad flavour '%s' (sys|none)",
				    optarg);
			opt.auth_none = strcmp(optarg, "none") == 0;
			break;
		case 'S': opt.state = parse_i32(optarg, "STATE"); break;
		case 't': opt.timeout = parse_secs(optarg, "timeout", 1); break;
		case 'F':
			if (!parse_hex(optarg, opt.fh, sizeof(opt.fh),
			    &opt.fhlen))
				usage_error("bad handle '%s' (hex, at most %d "
				    "bytes)", optarg, MAX_NETOBJ_SZ);
			opt.fh_set = true;
			break;
		case 'M': opt.flags |= F_MSG; break;
		case 'B': opt.flags |= F_BLOCK; break;
		case 'R': opt.flags |= F_RECLAIM; break;
		case 'X': opt.flags |= F_REFUSE; break;
		case 'W':
			opt.flags |= F_WAIT;
			opt.wait = parse_secs(optarg, "wait", 0);
			break;
		case 'r': opt.flags |= F_RAW; break;
		case 'w': opt.flags |= F_WRAP; break;
		case 'E': opt.expect = optarg; break;
		case 'h': usage(stdout, RC_OK);
		case 'v':
			printf("nlmprobe (nfs-suite) %s\n", PACKAGE_VERSION);
			return RC_OK;
		default:
			fputs("Try 'nlmprobe --help'.\n", stderr);
			return RC_USAGE;
		}
	}
	if (optind >= argc)
		usage_error("no command");
	for (i = 0; i < NITEMS(cmds); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			c = &cmds[i];
	if (c == NULL)
		usage_error("unknown command '%s'", argv[optind]);
	av = argv + optind + 1;
	ac = argc - optind - 1;
	if (ac < c->amin || ac > c->amax)
		usage_error("usage: nlmprobe [options] %s %s", c->name,
		    c->args);
	for (i = 0; i < NITEMS(fnames); i++)
		if ((opt.flags & (1U << i)) && !(c->allow & (1U << i)))
			usage_error("%s does not apply to %s", fnames[i],
			    c->name);
	if (c->v3only && opt.vers == NLM_VERS && !(opt.flags & F_RAW))
		usage_error("%s is an NLM v3/v4 procedure (-V 3 or 4; --raw "
		    "sends it in v1)", c->name);
	if (inet_pton(AF_INET, opt.server, &a6) == 1)
		opt.family = AF_INET;
	else if (inet_pton(AF_INET6, opt.server, &a6) == 1)
		opt.family = AF_INET6;
	else
		usage_error("-s wants a numeric IPv4 or IPv6 address, not '%s'",
		    opt.server);
	if (opt.wait < 0)
		opt.wait = opt.timeout;
	if (opt.cookie == NULL) {
		snprintf(opt.cookiebuf, sizeof(opt.cookiebuf), "c-%ld",
		    (long)getpid());
		opt.cookie = opt.cookiebuf;
	}
	if (opt.oh == NULL) {
		snprintf(opt.ohbuf, sizeof(opt.ohbuf), "oh-%d", opt.svid);
		opt.oh = opt.ohbuf;
	}

	/* select() on svc_fdset: keep every descriptor below FD_SETSIZE */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > FD_SETSIZE) {
		rl.rlim_cur = FD_SETSIZE;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: select() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a callback peer may hang up */
	atexit(cb_stop);

	rc = c->run(c, ac, av);
	fflush(stdout);
	if (got_signal) {
		cb_stop();
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	if (rc == RC_OK && opt.expect != NULL && strcmp(shown, opt.expect) != 0) {
		fprintf(stderr, "nlmprobe: expected %s, got %s\n", opt.expect,
		    shown);
		rc = RC_EXPECT;
	}
	return rc;
}
