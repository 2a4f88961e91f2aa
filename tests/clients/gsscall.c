/*
 * gsscall: NFSv3 calls over libtirpc's own client-side RPCSEC_GSS
 * (rpc_gss_seccreate), an RPCSEC_GSS implementation independent of
 * tests/clients/gssprobe.py, for the server's tests.
 *
 *	gsscall [-u] [-p PORT] HOST PRINCIPAL SERVICE ROOTFH [NAME]
 *	gsscall -b read|write [-t SECS] [-P PID] HOST PRINCIPAL SERVICE
 *	    ROOTFH NAME
 *
 * Makes a context for PRINCIPAL (e.g. nfs@localhost) with SERVICE (none,
 * integrity or privacy: krb5, krb5i, krb5p), then on it: NFS NULL,
 * GETATTR of ROOTFH (hex), and with NAME a LOOKUP of it in ROOTFH and a
 * READ of its first 64 KiB. One line per call:
 *	null ok | getattr status=N type=T uid=U | lookup status=N |
 *	read status=N count=N eof=B
 * With -b, a benchmark for tests/bench/run instead: on one context and
 * connection, 1 MiB READs of NAME (from offset 0, wrapping at its size)
 * or UNSTABLE WRITEs of -s BYTES (1 MiB) to it (wrapping at 256 MiB), one
 * at a time, for SECS (3), then one line as nfsbench prints it:
 *	RESULT workload=W conns=1 depth=1 ops=N secs=S bytes=B errors=E
 *	    cpu=SECONDS (utime+stime of PID around the run, or -1)
 * libtirpc's client wraps integrity and privacy arguments in its record
 * buffer, which it caps at 256 KiB: WRITEs of more than about 200 KB
 * under krb5i/krb5p cannot be sent by it (our server takes 1 MiB ones
 * from tests/clients/gssprobe.py; tests/bench/run uses 128 KiB here).
 * The user's credentials come from KRB5CCNAME. Exit 0 when every call got
 * an answer (whatever its NFS status), 1 on an RPC failure (printed), 2 on
 * a usage error.
 */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include "xdr/nfs3.h"

#define XDRP(f)	((xdrproc_t)(void (*)(void))(f))

static const struct timeval tmo = { 10, 0 };

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_fh(const char *hex, nfs_fh3 *fh, char *buf, size_t cap)
{
	size_t n = strlen(hex) / 2, i;

	if (strlen(hex) % 2 != 0 || n == 0 || n > cap)
		return -1;
	for (i = 0; i < n; i++) {
		int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);

		if (h < 0 || l < 0)
			return -1;
		buf[i] = (char)(h << 4 | l);
	}
	fh->data.data_len = (u_int)n;
	fh->data.data_val = buf;
	return 0;
}

#define MIB	(1024 * 1024)

static int	rpc_failed(CLIENT *c, const char *what);

/* utime + stime of pid in seconds, or -1. */
static double
cpu_of(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* past "(comm)": fields 14 and 15 are utime and stime */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
	    &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The -b benchmark on c: see the file comment. */
static size_t wsize = MIB;	/* -s */

static int
bench(CLIENT *c, const nfs_fh3 *fh, bool write, double secs, long pid)
{
	static const struct timeval btmo = { 30, 0 };
	char *buf = malloc(MIB);
	unsigned long ops = 0, errors = 0;
	unsigned long long bytes = 0;
	uint64_t off = 0, size = 256ULL * MIB;
	double t0, t1, c0, c1;

	if (buf == NULL)
		return 1;
	memset(buf, 0x5a, MIB);
	if (!write) {
		GETATTR3args a = { *fh };
		GETATTR3res r;

		memset(&r, 0, sizeof(r));
		if (clnt_call(c, NFSPROC3_GETATTR, XDRP(xdr_GETATTR3args),
		    (char *)&a, XDRP(xdr_GETATTR3res), (char *)&r, btmo) !=
		    RPC_SUCCESS || r.status != NFS3_OK)
			return rpc_failed(c, "bench getattr");
		size = r.GETATTR3res_u.resok.obj_attributes.size;
		xdr_free(XDRP(xdr_GETATTR3res), (char *)&r);
		if (size < MIB)
			size = MIB;
	}
	c0 = cpu_of(pid);
	t0 = now_s();
	do {
		if (write) {
			WRITE3args a;
			WRITE3res r;

			a.file = *fh;
			a.offset = off;
			a.count = (count3)wsize;
			a.stable = UNSTABLE;
			a.data.data_len = (u_int)wsize;
			a.data.data_val = buf;
			memset(&r, 0, sizeof(r));
			if (clnt_call(c, NFSPROC3_WRITE, XDRP(xdr_WRITE3args),
			    (char *)&a, XDRP(xdr_WRITE3res), (char *)&r,
			    btmo) != RPC_SUCCESS)
				return rpc_failed(c, "bench write");
			if (r.status == NFS3_OK)
				bytes += r.WRITE3res_u.resok.count;
			else
				errors++;
			xdr_free(XDRP(xdr_WRITE3res), (char *)&r);
		} else {
			READ3args a;
			READ3res r;

			a.file = *fh;
			a.offset = off;
			a.count = MIB;
			memset(&r, 0, sizeof(r));
			if (clnt_call(c, NFSPROC3_READ, XDRP(xdr_READ3args),
			    (char *)&a, XDRP(xdr_READ3res), (char *)&r,
			    btmo) != RPC_SUCCESS)
				return rpc_failed(c, "bench read");
			if (r.status == NFS3_OK)
				bytes += r.READ3res_u.resok.count;
			else
				errors++;
			xdr_free(XDRP(xdr_READ3res), (char *)&r);
		}
		ops++;
		off = off + 2 * MIB > size ? 0 : off + MIB;
		t1 = now_s();
	} while (t1 - t0 < secs);
	c1 = cpu_of(pid);
	printf("RESULT workload=%s conns=1 depth=1 ops=%lu secs=%.4f bytes=%llu "
	    "errors=%lu cpu=%.4f\n", write ? "write" : "read", ops, t1 - t0,
	    bytes, errors, c0 >= 0 && c1 >= 0 ? c1 - c0 : -1.0);
	free(buf);
	return 0;
}

static int
rpc_failed(CLIENT *c, const char *what)
{
	printf("%s rpc-error %s\n", what, clnt_sperror(c, ""));
	return 1;
}

int
main(int argc, char **argv)
{
	const char *port = NULL, *proto = "tcp";
	char fhbuf[NFS3_FHSIZE], *name = NULL;
	rpc_gss_service_t svc;
	rpc_gss_options_ret_t ret;
	struct sockaddr_in sin;
	nfs_fh3 root;
	CLIENT *c;
	AUTH *au;
	int ch, sock = RPC_ANYSOCK;
	const char *bmode = NULL;
	double bsecs = 3;
	long bpid = -1;

	while ((ch = getopt(argc, argv, "up:b:t:P:s:")) != -1) {
		switch (ch) {
		case 'u':
			proto = "udp";
			break;
		case 'p':
			port = optarg;
			break;
		case 'b':
			bmode = optarg;
			break;
		case 't':
			bsecs = atof(optarg);
			break;
		case 'P':
			bpid = atol(optarg);
			break;
		case 's':
			wsize = (size_t)atol(optarg);
			if (wsize == 0 || wsize > MIB)
				return 2;
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: gsscall [-u] [-p PORT] HOST PRINCIPAL "
		    "none|integrity|privacy ROOTFH [NAME]\n");
		return 2;
	}
	if (strcmp(argv[2], "none") == 0 || strcmp(argv[2], "krb5") == 0)
		svc = rpcsec_gss_svc_none;
	else if (strcmp(argv[2], "integrity") == 0 ||
	    strcmp(argv[2], "krb5i") == 0)
		svc = rpcsec_gss_svc_integrity;
	else if (strcmp(argv[2], "privacy") == 0 ||
	    strcmp(argv[2], "krb5p") == 0)
		svc = rpcsec_gss_svc_privacy;
	else
		return 2;
	if (parse_fh(argv[3], &root, fhbuf, sizeof(fhbuf)) != 0) {
		fprintf(stderr, "gsscall: bad handle\n");
		return 2;
	}
	if (argc == 5)
		name = argv[4];
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port != NULL ? (uint16_t)atoi(port) : 2049);
	if (inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1)
		return 2;
	if (strcmp(proto, "tcp") == 0)
		/* buffers for a whole 1 MiB call: libtirpc wraps the arguments
		 * of integrity and privacy calls in place (XDR_INLINE) */
		c = clnttcp_create(&sin, NFS3_PROGRAM, NFS_V3, &sock, 4 * MIB,
		    4 * MIB);
	else {
		struct timeval wait = { 1, 0 };

		c = clntudp_create(&sin, NFS3_PROGRAM, NFS_V3, wait, &sock);
	}
	if (c == NULL) {
		printf("connect rpc-error %s\n", clnt_spcreateerror(""));
		return 1;
	}
	memset(&ret, 0, sizeof(ret));
	au = rpc_gss_seccreate(c, argv[1], "kerberos_v5", svc, NULL, NULL,
	    &ret);
	if (au == NULL) {
		printf("context error major=0x%x minor=0x%x\n",
		    ret.major_status, ret.minor_status);
		return 1;
	}
	c->cl_auth = au;
	if (bmode != NULL) {
		LOOKUP3args a;
		LOOKUP3res r;
		nfs_fh3 fh;
		int rc;

		if (name == NULL || (strcmp(bmode, "read") != 0 &&
		    strcmp(bmode, "write") != 0))
			return 2;
		a.what.dir = root;
		a.what.name = name;
		memset(&r, 0, sizeof(r));
		if (clnt_call(c, NFSPROC3_LOOKUP, XDRP(xdr_LOOKUP3args),
		    (char *)&a, XDRP(xdr_LOOKUP3res), (char *)&r, tmo) !=
		    RPC_SUCCESS || r.status != NFS3_OK)
			return rpc_failed(c, "bench lookup");
		fh = r.LOOKUP3res_u.resok.object;
		rc = bench(c, &fh, strcmp(bmode, "write") == 0, bsecs, bpid);
		xdr_free(XDRP(xdr_LOOKUP3res), (char *)&r);
		auth_destroy(au);
		clnt_destroy(c);
		return rc;
	}
	printf("context ok service=%s\n", argv[2]);
	if (clnt_call(c, NFSPROC3_NULL, XDRP(xdr_void), NULL, XDRP(xdr_void),
	    NULL, tmo) != RPC_SUCCESS)
		return rpc_failed(c, "null");
	printf("null ok\n");
	{
		GETATTR3args a = { root };
		GETATTR3res r;

		memset(&r, 0, sizeof(r));
		if (clnt_call(c, NFSPROC3_GETATTR, XDRP(xdr_GETATTR3args),
		    (char *)&a, XDRP(xdr_GETATTR3res), (char *)&r, tmo) !=
		    RPC_SUCCESS)
			return rpc_failed(c, "getattr");
		if (r.status == NFS3_OK)
			printf("getattr status=0 type=%d uid=%u\n",
			    (int)r.GETATTR3res_u.resok.obj_attributes.type,
			    r.GETATTR3res_u.resok.obj_attributes.uid);
		else
			printf("getattr status=%d\n", (int)r.status);
		xdr_free(XDRP(xdr_GETATTR3res), (char *)&r);
	}
	if (name != NULL) {
		LOOKUP3args a;
		LOOKUP3res r;

		a.what.dir = root;
		a.what.name = name;
		memset(&r, 0, sizeof(r));
		if (clnt_call(c, NFSPROC3_LOOKUP, XDRP(xdr_LOOKUP3args),
		    (char *)&a, XDRP(xdr_LOOKUP3res), (char *)&r, tmo) !=
		    RPC_SUCCESS)
			return rpc_failed(c, "lookup");
		printf("lookup status=%d\n", (int)r.status);
		if (r.status == NFS3_OK) {
			READ3args ra;
			READ3res rr;

			ra.file = r.LOOKUP3res_u.resok.object;
			ra.offset = 0;
			ra.count = 65536;
			memset(&rr, 0, sizeof(rr));
			if (clnt_call(c, NFSPROC3_READ, XDRP(xdr_READ3args),
			    (char *)&ra, XDRP(xdr_READ3res), (char *)&rr,
			    tmo) != RPC_SUCCESS)
				return rpc_failed(c, "read");
			if (rr.status == NFS3_OK)
				printf("read status=0 count=%u eof=%d\n",
				    rr.READ3res_u.resok.count,
				    (int)rr.READ3res_u.resok.eof);
			else
				printf("read status=%d\n", (int)rr.status);
			xdr_free(XDRP(xdr_READ3res), (char *)&rr);
		}
		xdr_free(XDRP(xdr_LOOKUP3res), (char *)&r);
	}
	auth_destroy(au);
	clnt_destroy(c);
	return 0;
}
