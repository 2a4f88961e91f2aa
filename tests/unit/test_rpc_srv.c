/*
 * test_rpc_srv.c: the RPC server core, run in-process on loopback ports and
 * driven by libtirpc clients and raw sockets: accept/reject replies, out of
 * order replies, the duplicate request cache, the connection limit and the
 * record cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <rpc/rpc.h>
#include <stdatomic.h>
#include <cmocka.h>

#include "common/rpc/rpc_srv.h"

#define TPROG	0x20000099u

static atomic_uint counter;

static enum disp
t_null(struct req *rq, void *a, void *r)
{
	(void)rq; (void)a; (void)r;
	return DISP_REPLY;
}

static enum disp
t_echo(struct req *rq, char **a, char **r)
{
	*r = req_strdup(rq, *a);
	return *r != NULL ? DISP_REPLY : DISP_SYSERR;
}

static enum disp
t_slow(struct req *rq, void *a, u_int *r)
{
	(void)rq; (void)a;
	usleep(300 * 1000);
	*r = 7;
	return DISP_REPLY;
}

static enum disp
t_count(struct req *rq, void *a, u_int *r)
{
	(void)rq; (void)a;
	*r = atomic_fetch_add(&counter, 1) + 1;
	return DISP_REPLY;
}

static enum disp
t_noprog(struct req *rq, void *a, void *r)
{
	(void)rq; (void)a; (void)r;
	return DISP_PROG_UNAVAIL;
}

static enum disp
t_cred(struct req *rq, void *a, u_int *r)
{
	(void)a;
	*r = rq->cred.uid;
	return DISP_REPLY;
}

/* Bulk data sent without a copy: n bytes of a pattern, n from the call. */
struct blob {
	u_int	 len;
	char	*val;
};

static bool_t
xdr_blob(XDR *x, struct blob *b)
{
	return xdr_bytes(x, &b->val, &b->len, 1 << 20);
}

static enum disp
t_bulk(struct req *rq, u_int *n, struct blob *r)
{
	u_int i;

	if (*n > 1 << 20)
		return DISP_GARBAGE;
	if ((r->val = req_alloc_raw(rq, *n + 1)) == NULL)
		return DISP_SYSERR;
	for (i = 0; i < *n; i++)
		r->val[i] = (char)(i * 7 + 3);
	r->len = *n;
	req_set_zerocopy(rq, r->val, r->len);
	return DISP_REPLY;
}

static const struct rpc_proc t_procs[] = {
	[0] = RPC_PROC_VOID(t_null, 0),
	[1] = { RPC_FN(t_echo), RPC_XDR(xdr_wrapstring), RPC_XDR(xdr_wrapstring),
		sizeof(char *), sizeof(char *), 0, "t_echo" },
	[2] = { RPC_FN(t_slow), RPC_XDR(xdr_void), RPC_XDR(xdr_u_int), 0,
		sizeof(u_int), 0, "t_slow" },
	[3] = { RPC_FN(t_count), RPC_XDR(xdr_void), RPC_XDR(xdr_u_int), 0,
		sizeof(u_int), P_DRC, "t_count" },
	[4] = { RPC_FN(t_cred), RPC_XDR(xdr_void), RPC_XDR(xdr_u_int), 0,
		sizeof(u_int), P_CRED, "t_cred" },
	[5] = { RPC_FN(t_bulk), RPC_XDR(xdr_u_int), RPC_XDR(xdr_blob),
		sizeof(u_int), sizeof(struct blob), 0, "t_bulk" },
	[6] = { RPC_FN(t_noprog), RPC_XDR(xdr_void), RPC_XDR(xdr_void), 0, 0, 0,
		"t_noprog" },
	/* 7: past the end */
};

static const struct rpc_version t_vers[] = {
	{ 1, t_procs, 7 },
	{ 3, t_procs, 7 },
};

static const struct rpc_program t_prog = {
	.prog = TPROG, .name = "test", .versions = t_vers, .nversions = 2,
	.no_register = true,
};

struct fixture {
	struct rpc_srv	*srv;
	pthread_t	 loop;
	int		 port;
};

static void *
loop_main(void *arg)
{
	struct fixture *f = arg;

	rpc_srv_run(f->srv, -1, NULL, NULL);
	return NULL;
}

static int
setup(void **st)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rpc_srv_config cfg = {
		.nthreads = 4, .max_record = 8192, .max_conns = 8,
		.idle_timeout = 2, .send_timeout = 3,
		.sendq_high = 256 * 1024, .in_budget = 32 * 1024,
	};
	struct sockaddr_in sin = { .sin_family = AF_INET };

	f->srv = rpc_srv_new(&cfg);
	assert_non_null(f->srv);
	assert_int_equal(rpc_srv_add_program(f->srv, &t_prog), 0);
	assert_int_equal(rpc_srv_enable_drc(f->srv, 64), 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(rpc_srv_listen(f->srv, RPC_XPRT_TCP,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	f->port = rpc_srv_port(f->srv, RPC_XPRT_TCP, AF_INET);
	sin.sin_port = htons(f->port);
	assert_int_equal(rpc_srv_listen(f->srv, RPC_XPRT_UDP,
	    (struct sockaddr *)&sin, sizeof(sin)), 0);
	pthread_create(&f->loop, NULL, loop_main, f);
	*st = f;
	return 0;
}

static int
teardown(void **st)
{
	struct fixture *f = *st;

	rpc_srv_stop(f->srv);
	pthread_join(f->loop, NULL);
	rpc_srv_free(f->srv);
	free(f);
	return 0;
}

static CLIENT *
client(struct fixture *f, const char *proto, u_long vers)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int sock = RPC_ANYSOCK;
	struct timeval tv = { 2, 0 };
	CLIENT *c;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->port);
	if (strcmp(proto, "tcp") == 0)
		c = clnttcp_create(&sin, TPROG, vers, &sock, 0, 0);
	else
		c = clntudp_create(&sin, TPROG, vers, tv, &sock);
	assert_non_null(c);
	return c;
}

static const struct timeval tmo = { 5, 0 };

static void
null_and_echo(void **st)
{
	struct fixture *f = *st;
	const char *protos[] = { "tcp", "udp" };
	unsigned i;

	for (i = 0; i < 2; i++) {
		CLIENT *c = client(f, protos[i], 1);
		char *in = "hello, server", *out = NULL;

		assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
		    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
		assert_int_equal(clnt_call(c, 1, RPC_XDR(xdr_wrapstring),
		    (char *)&in, RPC_XDR(xdr_wrapstring), (char *)&out, tmo),
		    RPC_SUCCESS);
		assert_string_equal(out, in);
		xdr_free(RPC_XDR(xdr_wrapstring), (char *)&out);
		clnt_destroy(c);
	}
}

static void
rejections(void **st)
{
	struct fixture *f = *st;
	CLIENT *c;
	struct rpc_err e;
	int bad = 1000;
	u_int r;

	c = client(f, "tcp", 2);	/* no version 2: PROG_MISMATCH 1..3 */
	assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_PROGVERSMISMATCH);
	clnt_geterr(c, &e);
	assert_int_equal(e.re_vers.low, 1);
	assert_int_equal(e.re_vers.high, 3);
	clnt_destroy(c);

	c = client(f, "udp", 3);
	assert_int_equal(clnt_call(c, 7, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_PROCUNAVAIL);
	/* a handler may answer PROG_UNAVAIL (rpcbind's INDIRECT) */
	assert_int_equal(clnt_call(c, 6, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_PROGUNAVAIL);
	assert_int_equal(clnt_call(c, 99, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_PROCUNAVAIL);
	/* a string that claims 1000 bytes and has none */
	assert_int_equal(clnt_call(c, 1, RPC_XDR(xdr_int), (char *)&bad,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_CANTDECODEARGS);
	/* P_CRED with AUTH_NONE: too weak */
	assert_int_equal(clnt_call(c, 4, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_u_int), (char *)&r, tmo), RPC_AUTHERROR);
	clnt_geterr(c, &e);
	assert_int_equal(e.re_why, AUTH_TOOWEAK);
	/* with AUTH_SYS the handler sees the uid */
	auth_destroy(c->cl_auth);
	c->cl_auth = authunix_create("tester", 4242, 42, 0, NULL);
	assert_int_equal(clnt_call(c, 4, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_u_int), (char *)&r, tmo), RPC_SUCCESS);
	assert_int_equal(r, 4242);
	auth_destroy(c->cl_auth);
	clnt_destroy(c);

	{
		struct sockaddr_in sin = { .sin_family = AF_INET };
		int sock = RPC_ANYSOCK;

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(f->port);
		c = clnttcp_create(&sin, TPROG + 1, 1, &sock, 0, 0);
		assert_non_null(c);
		assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
		    RPC_XDR(xdr_void), NULL, tmo), RPC_PROGUNAVAIL);
		clnt_destroy(c);
	}
}

/* Replies whose bulk data is sent without a copy, odd sizes (padding). */
static void
zero_copy_replies(void **st)
{
	struct fixture *f = *st;
	/* the fixture's arena allows about 96 KiB per call */
	static const u_int sizes[] = { 0, 1, 3, 4, 5, 1023, 8191, 30001,
	    65537 };
	const char *protos[] = { "tcp", "udp" };
	unsigned i, p, k;

	for (p = 0; p < 2; p++) {
		CLIENT *c = client(f, protos[p], 1);

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct blob b = { 0, NULL };
			u_int n = sizes[i];

			if (p == 1 && n > 8000)
				continue;	/* libtirpc's UDP buffer */
			assert_int_equal(clnt_call(c, 5, RPC_XDR(xdr_u_int),
			    (char *)&n, RPC_XDR(xdr_blob), (char *)&b, tmo),
			    RPC_SUCCESS);
			assert_int_equal(b.len, n);
			for (k = 0; k < n; k++)
				if (b.val[k] != (char)(k * 7 + 3))
					fail_msg("%s %u: byte %u differs",
					    protos[p], n, k);
			/* the call after it is still in step */
			assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
			    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
			xdr_free(RPC_XDR(xdr_blob), (char *)&b);
		}
		clnt_destroy(c);
	}
}

/* ---------------------------------------------------------- raw calls */

static size_t
build_call(uint8_t *b, uint32_t xid, uint32_t prog, uint32_t vers,
    uint32_t proc, uint32_t rpcvers)
{
	uint32_t w[10] = { xid, 0, rpcvers, prog, vers, proc, 0, 0, 0, 0 };
	unsigned i;

	for (i = 0; i < 10; i++)
		w[i] = htonl(w[i]);
	memcpy(b, w, sizeof(w));
	return sizeof(w);
}

static int
tcp_connect(struct fixture *f)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void
send_record(int fd, const uint8_t *b, size_t n)
{
	uint32_t m = htonl(0x80000000u | (uint32_t)n);

	assert_int_equal(write(fd, &m, 4), 4);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
}

/* Read one reply record; returns its length or -1 on EOF/timeout. */
static ssize_t
recv_record(int fd, uint8_t *b, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t m;
	size_t len, got = 0;

	if (poll(&p, 1, 3000) <= 0 || read(fd, &m, 4) != 4)
		return -1;
	len = ntohl(m) & 0x7fffffffu;
	if (len > cap)
		return -1;
	while (got < len) {
		ssize_t n = read(fd, b + got, len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return (ssize_t)len;
}

static uint32_t
word(const uint8_t *b, unsigned i)
{
	uint32_t w;

	memcpy(&w, b + 4 * i, 4);
	return ntohl(w);
}

static void
replies_out_of_order(void **st)
{
	struct fixture *f = *st;
	uint8_t b[64], r[256];
	int fd = tcp_connect(f);

	send_record(fd, b, build_call(b, 111, TPROG, 1, 2, 2));	/* slow */
	send_record(fd, b, build_call(b, 222, TPROG, 1, 0, 2));	/* null */
	assert_true(recv_record(fd, r, sizeof(r)) > 0);
	assert_int_equal(word(r, 0), 222);
	assert_true(recv_record(fd, r, sizeof(r)) > 0);
	assert_int_equal(word(r, 0), 111);
	close(fd);
}

static void
rpc_mismatch(void **st)
{
	struct fixture *f = *st;
	uint8_t b[64], r[256];
	int fd = tcp_connect(f);
	ssize_t n;

	send_record(fd, b, build_call(b, 5, TPROG, 1, 0, 3));
	n = recv_record(fd, r, sizeof(r));
	assert_int_equal(n, 6 * 4);
	assert_int_equal(word(r, 1), 1);	/* REPLY */
	assert_int_equal(word(r, 2), 1);	/* MSG_DENIED */
	assert_int_equal(word(r, 3), 0);	/* RPC_MISMATCH */
	assert_int_equal(word(r, 4), 2);
	assert_int_equal(word(r, 5), 2);
	close(fd);
}

static void
drc_replays_over_udp(void **st)
{
	struct fixture *f = *st;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint8_t b[64], r1[256], r2[256], r3[256];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	size_t n;
	unsigned before;
	struct timeval tv = { 3, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	before = atomic_load(&counter);
	n = build_call(b, 0xabc, TPROG, 1, 3, 2);
	assert_int_equal(send(fd, b, n, 0), (ssize_t)n);
	assert_true(recv(fd, r1, sizeof(r1), 0) > 0);
	assert_int_equal(send(fd, b, n, 0), (ssize_t)n);	/* retransmit */
	assert_true(recv(fd, r2, sizeof(r2), 0) > 0);
	assert_memory_equal(r1, r2, 7 * 4);
	assert_int_equal(atomic_load(&counter), before + 1);
	n = build_call(b, 0xabd, TPROG, 1, 3, 2);		/* new xid */
	assert_int_equal(send(fd, b, n, 0), (ssize_t)n);
	assert_true(recv(fd, r3, sizeof(r3), 0) > 0);
	assert_int_equal(word(r3, 6), before + 2);
	assert_int_equal(atomic_load(&counter), before + 2);
	close(fd);
}

static void
oversize_record_closes(void **st)
{
	struct fixture *f = *st;
	uint8_t r[64];
	int fd = tcp_connect(f);
	uint32_t m = htonl(0x7fffffffu);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(write(fd, &m, 4), 4);
	assert_true(poll(&p, 1, 3000) > 0);
	assert_true(read(fd, r, sizeof(r)) <= 0);
	close(fd);
}

static void
connection_limit_never_locks_out(void **st)
{
	struct fixture *f = *st;
	int fds[40], i;
	CLIENT *c;

	for (i = 0; i < 40; i++)
		fds[i] = tcp_connect(f);	/* max_conns is 8 */
	c = client(f, "tcp", 1);
	assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
	clnt_destroy(c);
	for (i = 0; i < 40; i++)
		close(fds[i]);
}

static void
idle_connections_reaped(void **st)
{
	struct fixture *f = *st;
	int fd = tcp_connect(f);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t b[16];

	/* idle_timeout is 2 s: the server hangs up within a few seconds */
	assert_true(poll(&p, 1, 6000) > 0);
	assert_true(read(fd, b, sizeof(b)) <= 0);
	close(fd);
}

/* ---------------------------------------------------------- the send path */

/* A TCP client with a tiny receive window: the server's replies back up. */
static int
tcp_connect_small(struct fixture *f)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* A t_bulk call for n bytes (procedure 5). */
static size_t
build_bulk(uint8_t *b, uint32_t xid, uint32_t n)
{
	size_t len = build_call(b, xid, TPROG, 1, 5, 2);
	uint32_t w = htonl(n);

	memcpy(b + len, &w, 4);
	return len + 4;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Replies that back up on a connection wait on its queue and leave
 * whole, each intact, once the client reads; while they wait, another
 * client is served at once (no worker sits on the slow socket).
 */
static void
queued_replies_intact_and_others_served(void **st)
{
	struct fixture *f = *st;
	enum { N = 24, SZ = 60000 };
	uint8_t b[64], *r = malloc(SZ + 64);
	bool seen[N] = { false };
	int fd = tcp_connect_small(f), i, k;
	CLIENT *c;
	double t0;

	for (i = 0; i < N; i++)
		send_record(fd, b, build_bulk(b, 1000 + (uint32_t)i, SZ));
	usleep(300 * 1000);
	/* the four workers are free for someone else meanwhile */
	c = client(f, "tcp", 1);
	t0 = now_s();
	for (i = 0; i < 20; i++)
		assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
		    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
	assert_true(now_s() - t0 < 1.0);
	clnt_destroy(c);
	for (i = 0; i < N; i++) {
		ssize_t n = recv_record(fd, r, SZ + 64);
		uint32_t xid;

		assert_int_equal(n, 7 * 4 + SZ);
		xid = word(r, 0);
		assert_true(xid >= 1000 && xid < 1000 + N);
		assert_false(seen[xid - 1000]);
		seen[xid - 1000] = true;
		assert_int_equal(word(r, 6), SZ);
		for (k = 0; k < SZ; k++)
			if (r[7 * 4 + k] != (uint8_t)(k * 7 + 3))
				fail_msg("reply %u: byte %d differs", xid, k);
	}
	close(fd);
	free(r);
}

/* A client that never reads is closed once its replies have not moved
 * for send_timeout (3 s here), and a new client is served throughout. */
static void
stalled_reader_closed(void **st)
{
	struct fixture *f = *st;
	uint8_t b[64], junk[65536];
	int fd = tcp_connect_small(f), i;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double t0 = now_s();
	CLIENT *c;

	for (i = 0; i < 40; i++)
		send_record(fd, b, build_bulk(b, 2000 + (uint32_t)i, 60000));
	c = client(f, "tcp", 1);
	assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
	clnt_destroy(c);
	/* wait without reading, then drain: the stream must end (closed) */
	sleep(5);
	for (;;) {
		ssize_t n;

		assert_true(poll(&p, 1, 3000) > 0);
		if ((n = read(fd, junk, sizeof(junk))) <= 0)
			break;
	}
	assert_true(now_s() - t0 < 12);
	close(fd);
}

/*
 * Clients that read every reply but pipeline more than sendq_high (256 KiB
 * here) of them: their connections choke and unchoke hundreds of times,
 * with workers queueing replies while the loop drains them. Every call is
 * answered (a choke racing its own unchoke once left a connection parked
 * for good, its calls never run).
 */
static void
choked_connections_always_resume(void **st)
{
	struct fixture *f = *st;
	enum { NC = 4, DEPTH = 16, CALLS = 80, SZ = 80000 };
	struct pollfd p[NC];
	int sent[NC], got[NC], i, d, total = 0;
	uint8_t b[64], *r = malloc(SZ + 64);

	assert_non_null(r);
	for (i = 0; i < NC; i++) {
		p[i].fd = tcp_connect_small(f);
		p[i].events = POLLIN;
		got[i] = 0;
		for (d = 0; d < DEPTH; d++)
			send_record(p[i].fd, b, build_bulk(b,
			    (uint32_t)(i * 10000 + d), SZ));
		sent[i] = DEPTH;
	}
	while (total < NC * CALLS) {
		int n = poll(p, NC, 5000);

		if (n <= 0)
			fail_msg("no reply for 5 s after %d of %d", total,
			    NC * CALLS);
		for (i = 0; i < NC; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			ssize_t len = recv_record(p[i].fd, r, SZ + 64);

			if (len != 7 * 4 + SZ)
				fail_msg("reply of %zd bytes, accept_stat %u",
				    len, len >= 24 ? word(r, 5) : 0);
			/* in any order (four workers), but its own */
			assert_true(word(r, 0) >= (uint32_t)i * 10000 &&
			    word(r, 0) < (uint32_t)i * 10000 + CALLS);
			got[i]++;
			total++;
			if (got[i] == CALLS)
				p[i].events = 0;
			if (sent[i] < CALLS) {
				send_record(p[i].fd, b, build_bulk(b,
				    (uint32_t)(i * 10000 + sent[i]), SZ));
				sent[i]++;
			}
		}
	}
	for (i = 0; i < NC; i++)
		close(p[i].fd);
	free(r);
}

/* Cheap calls (P_FAST: NULL) are not held up by slow ones filling the
 * workers: slow ones may use at most nthreads - 1 of them here. */
static void
fast_calls_go_first(void **st)
{
	struct fixture *f = *st;
	uint8_t b[64], r[256];
	int fd = tcp_connect(f), fd2 = tcp_connect(f), i;
	double t0;

	for (i = 0; i < 12; i++)	/* 4 rounds of 3 x 300 ms */
		send_record(fd, b, build_call(b, 300 + (uint32_t)i, TPROG, 1, 2, 2));
	usleep(50 * 1000);
	t0 = now_s();
	send_record(fd2, b, build_call(b, 777, TPROG, 1, 0, 2));
	assert_true(recv_record(fd2, r, sizeof(r)) > 0);
	assert_int_equal(word(r, 0), 777);
	assert_true(now_s() - t0 < 0.2);
	for (i = 0; i < 12; i++)
		assert_true(recv_record(fd, r, sizeof(r)) > 0);
	close(fd);
	close(fd2);
}

/* Unfinished records are bounded in all (in_budget: 4 records of 8 KiB
 * here): the connections whose record began first are closed; a new
 * client is still served. */
static void
unfinished_records_bounded(void **st)
{
	struct fixture *f = *st;
	enum { N = 7 };
	uint8_t part[7000];
	int fds[N], i, closed = 0;
	uint32_t m = htonl(0x80000000u | 8000);
	CLIENT *c;

	memset(part, 0, sizeof(part));
	for (i = 0; i < N; i++) {
		fds[i] = tcp_connect(f);
		assert_int_equal(write(fds[i], &m, 4), 4);
		assert_int_equal(write(fds[i], part, sizeof(part)),
		    (ssize_t)sizeof(part));
		usleep(20 * 1000);
	}
	usleep(300 * 1000);
	for (i = 0; i < N; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		uint8_t x;

		if (poll(&p, 1, 0) > 0 && read(fds[i], &x, 1) <= 0) {
			closed++;
			/* the first ones go */
			assert_true(i < N - 1);
		}
		close(fds[i]);
	}
	assert_true(closed >= 3);
	c = client(f, "tcp", 1);
	assert_int_equal(clnt_call(c, 0, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL, tmo), RPC_SUCCESS);
	clnt_destroy(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_and_echo),
		cmocka_unit_test(rejections),
		cmocka_unit_test(zero_copy_replies),
		cmocka_unit_test(replies_out_of_order),
		cmocka_unit_test(rpc_mismatch),
		cmocka_unit_test(drc_replays_over_udp),
		cmocka_unit_test(oversize_record_closes),
		cmocka_unit_test(connection_limit_never_locks_out),
		cmocka_unit_test(idle_connections_reaped),
		cmocka_unit_test(queued_replies_intact_and_others_served),
		cmocka_unit_test(stalled_reader_closed),
		cmocka_unit_test(choked_connections_always_resume),
		cmocka_unit_test(fast_calls_go_first),
		cmocka_unit_test(unfinished_records_bounded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
