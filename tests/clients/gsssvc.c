/*
 * gsssvc: a small RPC server on libtirpc's own RPCSEC_GSS, a second
 * reference (after NFS-Ganesha) for tests/clients/gssprobe.py: Ganesha
 * answers GARBAGE_ARGS to krb5i/krb5p calls over UDP, so gssprobe's UDP
 * integrity and privacy are proven against this one.
 *
 *	gsssvc PRINCIPAL PORT
 *
 * Serves program GSSSVC_PROG (0x20000099) version 1 on TCP and UDP PORT of
 * 127.0.0.1, registering nothing with rpcbind, and accepts RPCSEC_GSS
 * (krb5) contexts for PRINCIPAL (e.g. nfs@localhost; the keytab is
 * KRB5_KTNAME's) as well as AUTH_SYS and AUTH_NONE:
 *	0 NULL
 *	1 ECHO		opaque<1048576> -> the same bytes
 *	2 WHOAMI	void -> string "flavor=N principal=P service=S"
 * Prints "listening tcp PORT udp PORT" once it serves; runs until killed.
 *
 * What libtirpc 1.3.3's server does differently from RFC 2203 is its own
 * business (see /work/shared/FACTS.md): one context per connection, the
 * service fixed when the context is made.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <rpc/rpc.h>
#include <rpc/rpcsec_gss.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GSSSVC_PROG	0x20000099
#define GSSSVC_VERS	1
#define GSSSVC_ECHO	1
#define GSSSVC_WHOAMI	2
#define ECHO_MAX	(1024 * 1024)
/* xdrproc_t is variadic; go through a plain function pointer type */
#define XDRP(f)		((xdrproc_t)(void (*)(void))(f))

struct echo {
	u_int	 len;
	char	*val;
};

static bool_t
xdr_echo(XDR *xdrs, struct echo *e)
{
	return xdr_bytes(xdrs, &e->val, &e->len, ECHO_MAX);
}

static void
whoami(struct svc_req *rq, SVCXPRT *xprt)
{
	rpc_gss_rawcred_t *raw = NULL;
	char buf[512], *p = buf;

	if (rq->rq_cred.oa_flavor == RPCSEC_GSS &&
	    rpc_gss_getcred(rq, &raw, NULL, NULL) && raw != NULL &&
	    raw->client_principal != NULL)
		snprintf(buf, sizeof(buf), "flavor=%d principal=%.*s service=%d",
		    (int)rq->rq_cred.oa_flavor,
		    (int)raw->client_principal->len,
		    raw->client_principal->name, (int)raw->service);
	else
		snprintf(buf, sizeof(buf), "flavor=%d",
		    (int)rq->rq_cred.oa_flavor);
	if (!svc_sendreply(xprt, XDRP(xdr_wrapstring), (char *)&p))
		fprintf(stderr, "gsssvc: WHOAMI reply failed\n");
}

static void
dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	struct echo e;

	switch (rq->rq_proc) {
	case NULLPROC:
		svc_sendreply(xprt, XDRP(xdr_void), NULL);
		return;
	case GSSSVC_ECHO:
		memset(&e, 0, sizeof(e));
		if (!svc_getargs(xprt, XDRP(xdr_echo), (char *)&e)) {
			svcerr_decode(xprt);
			return;
		}
		if (!svc_sendreply(xprt, XDRP(xdr_echo), (char *)&e))
			fprintf(stderr, "gsssvc: ECHO reply failed\n");
		svc_freeargs(xprt, XDRP(xdr_echo), (char *)&e);
		return;
	case GSSSVC_WHOAMI:
		whoami(rq, xprt);
		return;
	default:
		svcerr_noproc(xprt);
	}
}

/* A socket of TYPE bound to 127.0.0.1:port (listening, for a stream). */
static int
bound(int type, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, type, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 16) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char *argv[])
{
	SVCXPRT *tcp, *udp;
	int port, tfd, ufd;

	if (argc != 3 || (port = atoi(argv[2])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: gsssvc PRINCIPAL PORT\n");
		return 2;
	}
	if (!rpc_gss_set_svc_name(argv[1], "kerberos_v5", 0, GSSSVC_PROG,
	    GSSSVC_VERS)) {
		fprintf(stderr, "gsssvc: rpc_gss_set_svc_name %s failed "
		    "(keytab %s)\n", argv[1], getenv("KRB5_KTNAME") ?
		    getenv("KRB5_KTNAME") : "default");
		return 1;
	}
	if ((tfd = bound(SOCK_STREAM, port)) == -1 ||
	    (ufd = bound(SOCK_DGRAM, port)) == -1) {
		fprintf(stderr, "gsssvc: port %d: %s\n", port, strerror(errno));
		return 1;
	}
	tcp = svctcp_create(tfd, 0, 0);
	udp = svcudp_bufcreate(ufd, 65536, 65536);
	if (tcp == NULL || udp == NULL) {
		fprintf(stderr, "gsssvc: cannot create the transports\n");
		return 1;
	}
	/* protocol 0: no rpcbind registration */
	if (!svc_register(tcp, GSSSVC_PROG, GSSSVC_VERS, dispatch, 0) ||
	    !svc_register(udp, GSSSVC_PROG, GSSSVC_VERS, dispatch, 0)) {
		fprintf(stderr, "gsssvc: svc_register failed\n");
		return 1;
	}
	printf("listening tcp %d udp %d\n", port, port);
	fflush(stdout);
	svc_run();
	fprintf(stderr, "gsssvc: svc_run returned\n");
	return 1;
}
