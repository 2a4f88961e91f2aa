/*
 * test_stats.c: statistics. The Prometheus text writer and reader (round
 * trip, escapes, malformed lines with their line number), the latency
 * buckets, the procedure names, the metrics-listen parser; and the RPC
 * core's counters, on an in-process server driven by libtirpc clients:
 * per-procedure calls, errors and status errors, rejections by reason,
 * packets by transport, the duplicate request cache, and what the stats
 * socket and the HTTP listener answer (including 404, 405, 431).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <rpc/rpc.h>
#include <cmocka.h>

#include "common/metrics.h"
#include "common/rpc/rpc_stats.h"

#define TPROG	0x20000077u

/* ------------------------------------------------------------ text */

static void
test_roundtrip(void **state)
{
	struct mbuf b;
	struct metrics_set *m;
	struct parse_err err;
	char esc[64];
	const char *kv[] = { "a", "x\"y\\z\nw", NULL };
	double sum;

	(void)state;
	mbuf_init(&b);
	metrics_family(&b, "t_total", "counter", "A test.");
	snprintf(esc, sizeof(esc), "a=\"%s\"", metrics_label_value("x\"y\\z\nw",
	    esc + 40, 24));
	metrics_u64(&b, "t_total", esc, 18446744073709551615ULL);
	metrics_u64(&b, "t_total", "a=\"other\",b=\"2\"", 5);
	metrics_double(&b, "t_seconds", NULL, 0.25);
	assert_false(b.err);
	assert_int_equal(metrics_parse(b.p, b.len, &m, &err), 0);
	assert_int_equal(m->n, 3);
	assert_string_equal(m->v[0].name, "t_total");
	assert_string_equal(metrics_label(&m->v[0], "a"), "x\"y\\z\nw");
	assert_int_equal(metrics_sum(m, "t_total", kv, &sum), 1);
	assert_true(sum > 1.8e19);
	assert_int_equal(metrics_sum(m, "t_total", NULL, &sum), 2);
	assert_int_equal(metrics_sum(m, "t_seconds", NULL, &sum), 1);
	assert_true(sum == 0.25);
	assert_int_equal(metrics_sum(m, "none", NULL, &sum), 0);
	assert_true(sum == 0);
	metrics_set_free(m);
	mbuf_free(&b);
}

static void
test_parse_forms(void **state)
{
	static const char ok[] =
	    "# HELP x y\n\n  # TYPE x counter\r\n"
	    "x 1\n"
	    "x{a=\"1\" , b=\"2\",} 2 1700000000000\n"
	    "y +Inf\nz NaN\nw -3.5e2\n";
	static const char *const bad[] = {
	    "x\n", "x{a=\"1\" 2\n", "x{a=1} 2\n", "x{a=\"1\"}2\n", "1x 2\n",
	    "x 2 3 4\n", "x abc\n", "x{a=\"\\q\"} 1\n", "x{=\"1\"} 1\n",
	    "x 1 12a\n",
	};
	struct metrics_set *m;
	struct parse_err err;
	double sum;
	size_t i;

	(void)state;
	assert_int_equal(metrics_parse(ok, sizeof(ok) - 1, &m, &err), 0);
	assert_int_equal(m->n, 5);
	assert_int_equal(metrics_sum(m, "x", NULL, &sum), 2);
	assert_true(sum == 3);
	assert_string_equal(metrics_label(&m->v[1], "b"), "2");
	metrics_set_free(m);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "ok 1\n%s", bad[i]);
		memset(&err, 0, sizeof(err));
		assert_int_equal(metrics_parse(text, strlen(text), &m, &err),
		    -EINVAL);
		assert_null(m);
		assert_int_equal(err.line, 2);
	}
}

static void
test_buckets_names_listen(void **state)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char buf[16], a[64];

	(void)state;
	assert_int_equal(rpc_lat_bucket(0), 0);
	assert_int_equal(rpc_lat_bucket(10000), 0);
	assert_int_equal(rpc_lat_bucket(10001), 1);
	assert_int_equal(rpc_lat_bucket(1000000), 6);	/* 1 ms */
	assert_int_equal(rpc_lat_bucket(10000000000ULL), RPC_LAT_NB - 2);
	assert_int_equal(rpc_lat_bucket(UINT64_MAX), RPC_LAT_NB - 1);

	assert_string_equal(rpc_proc_label(100003, 3, 17, NULL, buf,
	    sizeof(buf)), "readdirplus");
	assert_string_equal(rpc_proc_label(100003, 2, 7, NULL, buf,
	    sizeof(buf)), "wrcache");
	assert_string_equal(rpc_proc_label(100005, 3, 1, NULL, buf,
	    sizeof(buf)), "mnt");
	assert_string_equal(rpc_proc_label(100021, 4, 16, NULL, buf,
	    sizeof(buf)), "nsm_notify");
	assert_string_equal(rpc_proc_label(100000, 4, 12, NULL, buf,
	    sizeof(buf)), "getstat");
	assert_string_equal(rpc_proc_label(7, 1, 2, "t_echo", buf,
	    sizeof(buf)), "echo");
	assert_string_equal(rpc_proc_label(7, 1, 2, "lk_proc_x_y", buf,
	    sizeof(buf)), "x_y");
	assert_string_equal(rpc_proc_label(7, 1, 9, NULL, buf, sizeof(buf)),
	    "proc9");

	assert_int_equal(rpc_stats_parse_listen("9464", &ss, &sl), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9464);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	assert_int_equal(rpc_stats_parse_listen("0.0.0.0:1", &ss, &sl), 0);
	assert_int_equal(rpc_stats_parse_listen("[::1]:9000", &ss, &sl), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(rpc_stats_parse_listen("::1:9000", &ss, &sl), -EINVAL);
	assert_int_equal(rpc_stats_parse_listen("0", &ss, &sl), -EINVAL);
	assert_int_equal(rpc_stats_parse_listen("70000", &ss, &sl), -EINVAL);
	assert_int_equal(rpc_stats_parse_listen("host:80", &ss, &sl), -EINVAL);
	assert_int_equal(rpc_stats_parse_listen("[::1]", &ss, &sl), -EINVAL);
	assert_int_equal(rpc_stats_parse_listen("", &ss, &sl), -EINVAL);
}

/* ------------------------------------------------------------ the core */

static enum disp
t_null(struct req *rq, void *a, void *r)
{
	(void)rq; (void)a; (void)r;
	return DISP_REPLY;
}

/* The result's first word is its status: the argument, echoed. */
static enum disp
t_status(struct req *rq, u_int *a, u_int *r)
{
	(void)rq;
	*r = *a;
	return DISP_REPLY;
}

static enum disp
t_syserr(struct req *rq, void *a, void *r)
{
	(void)rq; (void)a; (void)r;
	return DISP_SYSERR;
}

static const struct rpc_proc t_procs[] = {
	[0] = RPC_PROC_VOID(t_null, 0),
	[1] = { RPC_FN(t_status), RPC_XDR(xdr_u_int), RPC_XDR(xdr_u_int),
		sizeof(u_int), sizeof(u_int), P_DRC, "t_status" },
	[2] = { RPC_FN(t_syserr), RPC_XDR(xdr_void), RPC_XDR(xdr_void), 0, 0,
		0, "t_proc_syserr" },
};

static const struct rpc_version t_vers[] = {
	{ 1, t_procs, 3 },
};

static const struct rpc_program t_prog = {
	.prog = TPROG, .name = "test", .versions = t_vers, .nversions = 1,
	.no_register = true, .res_status = true,
};

struct fixture {
	struct rpc_srv	*srv;
	pthread_t	 loop;
	int		 port, mport;
	char		 sock[108];
};

static void *
loop_main(void *arg)
{
	struct fixture *f = arg;

	rpc_srv_run(f->srv, -1, NULL, NULL);
	return NULL;
}

static void
extra(struct mbuf *o, void *arg)
{
	metrics_family(o, "t_extra", "gauge", "A daemon's own.");
	metrics_u64(o, "t_extra", NULL, *(unsigned *)arg);
}

static unsigned extra_value = 42;

static int
setup(void **st)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rpc_srv_config cfg = { .nthreads = 3 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct rpc_stats_conf sc;
	char msg[256], spec[32];
	socklen_t sl = sizeof(sin);
	int fd;

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
	/* a free port for the metrics listener */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	f->mport = ntohs(sin.sin_port);
	close(fd);
	snprintf(f->sock, sizeof(f->sock), "/tmp/test_stats.%d.sock",
	    (int)getpid());
	snprintf(spec, sizeof(spec), "%d", f->mport);
	sc.socket = f->sock;
	sc.listen = spec;
	assert_int_equal(rpc_srv_stats_setup(f->srv, "t-daemon", &sc, msg,
	    sizeof(msg)), 0);
	assert_int_equal(rpc_srv_add_metrics(f->srv, extra, &extra_value), 0);
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
	assert_int_equal(access(f->sock, F_OK), -1);	/* removed */
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

static enum clnt_stat
call(CLIENT *c, u_long proc, xdrproc_t xa, void *a, xdrproc_t xr, void *r)
{
	struct timeval tv = { 5, 0 };

	return clnt_call(c, proc, xa, a, xr, r, tv);
}

/* Everything the stats socket says, parsed. */
static struct metrics_set *
read_sock(struct fixture *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct metrics_set *m = NULL;
	struct parse_err err;
	size_t n = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	ssize_t r;
	int fd;

	strcpy(sun.sun_path, f->sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	while ((r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	close(fd);
	assert_int_equal(metrics_parse(buf, n, &m, &err), 0);
	free(buf);
	return m;
}

static double
val(struct metrics_set *m, const char *name, const char *proc)
{
	const char *kv[] = { "procedure", proc, NULL };
	double d;

	metrics_sum(m, name, proc != NULL ? kv : NULL, &d);
	return d;
}

static double
val_kv(struct metrics_set *m, const char *name, const char *k, const char *v)
{
	const char *kv[] = { k, v, NULL };
	double d;

	metrics_sum(m, name, kv, &d);
	return d;
}

/* An HTTP exchange: the status code, and the reply in out. */
static int
http(struct fixture *f, const char *req, char *out, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	size_t n = 0;
	ssize_t r;
	int fd, code = -1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(f->mport);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (n < len - 1 && (r = read(fd, out + n, len - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fd);
	sscanf(out, "HTTP/1.0 %d", &code);
	return code;
}

static void
test_core_counts(void **st)
{
	struct fixture *f = *st;
	struct metrics_set *m;
	CLIENT *tc = client(f, "tcp", 1), *uc = client(f, "udp", 1);
	u_int a, r;
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(call(tc, 0, RPC_XDR(xdr_void), NULL,
		    RPC_XDR(xdr_void), NULL), RPC_SUCCESS);
	for (i = 0; i < 2; i++)
		assert_int_equal(call(uc, 0, RPC_XDR(xdr_void), NULL,
		    RPC_XDR(xdr_void), NULL), RPC_SUCCESS);
	for (i = 0; i < 5; i++) {
		a = i < 3 ? 0 : 70;	/* 2 with an error status */
		assert_int_equal(call(tc, 1, RPC_XDR(xdr_u_int), &a,
		    RPC_XDR(xdr_u_int), &r), RPC_SUCCESS);
		assert_int_equal(r, a);
	}
	assert_int_equal(call(tc, 2, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL), RPC_SYSTEMERROR);
	assert_int_equal(call(tc, 9, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL), RPC_PROCUNAVAIL);
	/* garbage arguments: status wants a u_int */
	assert_int_equal(call(tc, 1, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_u_int), &r), RPC_CANTDECODEARGS);
	clnt_destroy(tc);
	clnt_destroy(uc);
	tc = client(f, "tcp", 4);
	assert_int_equal(call(tc, 0, RPC_XDR(xdr_void), NULL,
	    RPC_XDR(xdr_void), NULL), RPC_PROGVERSMISMATCH);
	clnt_destroy(tc);

	m = read_sock(f);
	assert_true(val(m, "nfs_suite_rpc_calls_total", "null") == 6);
	assert_true(val(m, "nfs_suite_rpc_calls_total", "status") == 6);
	assert_true(val(m, "nfs_suite_rpc_calls_total", "syserr") == 1);
	assert_true(val(m, "nfs_suite_rpc_calls_total", NULL) == 13);
	assert_true(val(m, "nfs_suite_rpc_call_errors_total", "status") == 1);
	assert_true(val(m, "nfs_suite_rpc_call_errors_total", "syserr") == 1);
	assert_true(val(m, "nfs_suite_rpc_call_errors_total", "null") == 0);
	assert_true(val(m, "nfs_suite_rpc_call_status_errors_total",
	    "status") == 2);
	assert_true(val(m, "nfs_suite_rpc_call_duration_seconds_count",
	    "null") == 6);
	assert_true(val_kv(m, "nfs_suite_rpc_packets_total", "transport",
	    "udp") == 2);
	assert_true(val_kv(m, "nfs_suite_rpc_packets_total", "transport",
	    "tcp") == 13);
	assert_true(val_kv(m, "nfs_suite_rpc_rejected_total", "reason",
	    "proc_unavail") == 1);
	assert_true(val_kv(m, "nfs_suite_rpc_rejected_total", "reason",
	    "prog_mismatch") == 1);
	assert_true(val_kv(m, "nfs_suite_rpc_rejected_total", "reason",
	    "garbage") == 1);
	assert_true(val_kv(m, "nfs_suite_rpc_rejected_total", "reason",
	    "system_err") == 1);
	assert_true(val(m, "nfs_suite_drc_misses_total", NULL) == 6);
	assert_true(val(m, "nfs_suite_drc_uncached_total", NULL) == 7);
	assert_true(val(m, "nfs_suite_rpc_threads", NULL) == 3);
	assert_true(val(m, "nfs_suite_rpc_connections_accepted_total",
	    NULL) == 2);
	assert_true(val_kv(m, "nfs_suite_info", "daemon", "t-daemon") == 1);
	assert_true(val(m, "t_extra", NULL) == 42);
	/* bytes: a NULL call of libtirpc's with AUTH_NONE is 40 bytes */
	assert_true(val(m, "nfs_suite_rpc_received_bytes_total", "null") ==
	    6 * 40);
	assert_true(val(m, "nfs_suite_rpc_sent_bytes_total", "null") == 6 * 24);
	metrics_set_free(m);
}

static void
test_http(void **st)
{
	struct fixture *f = *st;
	char *out = malloc(1 << 20), big[4096];
	struct metrics_set *m;
	struct parse_err err;
	char *body;

	assert_int_equal(http(f, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
	    out, 1 << 20), 200);
	assert_non_null(strstr(out, "Content-Type: text/plain; version=0.0.4"));
	body = strstr(out, "\r\n\r\n");
	assert_non_null(body);
	assert_int_equal(metrics_parse(body + 4, strlen(body + 4), &m, &err),
	    0);
	assert_true(val(m, "t_extra", NULL) == 42);
	metrics_set_free(m);
	assert_int_equal(http(f, "GET /metrics?x=1 HTTP/1.0\n\n", out, 1 << 20),
	    200);
	assert_int_equal(http(f, "HEAD /metrics HTTP/1.0\r\n\r\n", out,
	    1 << 20), 200);
	assert_null(strstr(out, "nfs_suite_info"));
	assert_int_equal(http(f, "GET / HTTP/1.0\r\n\r\n", out, 1 << 20), 200);
	assert_int_equal(http(f, "GET /x HTTP/1.0\r\n\r\n", out, 1 << 20), 404);
	assert_int_equal(http(f, "POST /metrics HTTP/1.0\r\n\r\n", out,
	    1 << 20), 405);
	assert_int_equal(http(f, "hello\r\n\r\n", out, 1 << 20), 400);
	/* exactly what the server reads (4 KiB - 1): nothing left unread
	 * that would make its close a reset */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "GET /", 5);
	assert_int_equal(http(f, big, out, 1 << 20), 431);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_buckets_names_listen),
		cmocka_unit_test_setup_teardown(test_core_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_http, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
