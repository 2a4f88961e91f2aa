/*
 * test_rpcbd_live.c: rpcbind's liveness probe (rpcbind/rpcbd_probe.c)
 * against real sockets on 127.0.0.1 and AF_LOCAL: a closed TCP or UDP
 * port and a missing local socket are dead, PROG_UNAVAIL is dead, an
 * answer is alive, silence and addresses of other hosts are unsure (kept);
 * and the /proc/PID/stat start-time parser.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rpcbind/rpcbd_live.h"

#define TIMEOUT_MS	300

/* A socket of type on 127.0.0.1, any port; its port in *port. */
static int
bound(int type, int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	assert_true((fd = socket(AF_INET, type, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void
ent(struct rpcbd_ent *e, const char *netid, const char *host, int port)
{
	char uaddr[128];

	if (port >= 0)
		snprintf(uaddr, sizeof(uaddr), "%s.%d.%d", host, port >> 8,
		    port & 0xff);
	else
		snprintf(uaddr, sizeof(uaddr), "%s", host);
	assert_int_equal(rpcbd_ent_make(e, 400123, 1, netid, uaddr,
	    "superuser"), 0);
}

static enum rpcbd_liveness
probe1(const struct rpcbd_ent *e)
{
	enum rpcbd_liveness r = RPCBD_LIVE_YES;

	rpcbd_probe(e, 1, &r, TIMEOUT_MS);
	return r;
}

/* A 24-byte accepted reply to the call in buf, with accept_stat st. */
static void
reply_to(const uint8_t *call, uint8_t *out, uint32_t st)
{
	uint32_t w[6];

	memcpy(&w[0], call, 4);			/* xid */
	w[1] = htonl(1);			/* REPLY */
	w[2] = htonl(0);			/* MSG_ACCEPTED */
	w[3] = w[4] = 0;			/* AUTH_NONE verifier */
	w[5] = htonl(st);
	memcpy(out, w, sizeof(w));
}

struct server {
	int		 fd;
	int		 type;
	uint32_t	 accept_stat;
};

/* Answer one call: UDP datagram, or one TCP connection's record. */
static void *
serve_one(void *p)
{
	struct server *sv = p;
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	uint8_t buf[128], out[28];
	ssize_t n;
	uint32_t rm;
	int c;

	if (sv->type == SOCK_DGRAM) {
		n = recvfrom(sv->fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n >= 40) {
			reply_to(buf, out, sv->accept_stat);
			(void)sendto(sv->fd, out, 24, 0,
			    (struct sockaddr *)&from, fl);
		}
		return NULL;
	}
	if ((c = accept(sv->fd, NULL, NULL)) < 0)
		return NULL;
	n = 0;
	while (n < 44) {
		ssize_t k = read(c, buf + n, sizeof(buf) - (size_t)n);

		if (k <= 0)
			break;
		n += k;
	}
	if (n >= 44) {
		rm = htonl(0x80000000u | 24);
		memcpy(out, &rm, 4);
		reply_to(buf + 4, out + 4, sv->accept_stat);
		(void)!write(c, out, 28);
	}
	/* Let the prober read before the connection goes. */
	(void)read(c, buf, sizeof(buf));
	close(c);
	return NULL;
}

static enum rpcbd_liveness
probe_server(int type, uint32_t accept_stat, const char *host)
{
	struct server sv;
	struct rpcbd_ent e;
	enum rpcbd_liveness r;
	pthread_t th;
	int port;

	sv.type = type;
	sv.accept_stat = accept_stat;
	sv.fd = bound(type, &port);
	assert_int_equal(pthread_create(&th, NULL, serve_one, &sv), 0);
	ent(&e, type == SOCK_DGRAM ? "udp" : "tcp", host, port);
	r = probe1(&e);
	if (type == SOCK_DGRAM && r != RPCBD_LIVE_YES && r != RPCBD_LIVE_NO) {
		/* Unblock the server thread if the call never came. */
		shutdown(sv.fd, SHUT_RDWR);
	}
	pthread_join(th, NULL);
	close(sv.fd);
	return r;
}

static void
test_answers(void **state)
{
	(void)state;
	/* SUCCESS, or any other reply but PROG_UNAVAIL: alive. */
	assert_int_equal(probe_server(SOCK_DGRAM, 0, "127.0.0.1"),
	    RPCBD_LIVE_YES);
	assert_int_equal(probe_server(SOCK_STREAM, 0, "127.0.0.1"),
	    RPCBD_LIVE_YES);
	assert_int_equal(probe_server(SOCK_DGRAM, 2, "127.0.0.1"),
	    RPCBD_LIVE_YES);	/* PROG_MISMATCH */
	/* The wildcard is probed over loopback. */
	assert_int_equal(probe_server(SOCK_STREAM, 0, "0.0.0.0"),
	    RPCBD_LIVE_YES);
	assert_int_equal(probe_server(SOCK_DGRAM, 0, "0.0.0.0"),
	    RPCBD_LIVE_YES);
	/* Another program holds the port now. */
	assert_int_equal(probe_server(SOCK_DGRAM, 1, "127.0.0.1"),
	    RPCBD_LIVE_NO);
	assert_int_equal(probe_server(SOCK_STREAM, 1, "127.0.0.1"),
	    RPCBD_LIVE_NO);
}

static void
test_closed(void **state)
{
	struct rpcbd_ent e[2];
	enum rpcbd_liveness r[2];
	int fd, port;

	(void)state;
	/* A port that was just free: refused, ICMP port unreachable. */
	fd = bound(SOCK_STREAM, &port);
	close(fd);
	ent(&e[0], "tcp", "0.0.0.0", port);
	fd = bound(SOCK_DGRAM, &port);
	close(fd);
	ent(&e[1], "udp", "127.0.0.1", port);
	rpcbd_probe(e, 2, r, TIMEOUT_MS);
	assert_int_equal(r[0], RPCBD_LIVE_NO);
	assert_int_equal(r[1], RPCBD_LIVE_NO);
}

static void
test_silent(void **state)
{
	struct rpcbd_ent e[2];
	enum rpcbd_liveness r[2];
	int fu, ft, pu, pt;

	(void)state;
	/* Someone listens but does not answer (busy): keep it. */
	fu = bound(SOCK_DGRAM, &pu);
	ft = bound(SOCK_STREAM, &pt);
	ent(&e[0], "udp", "127.0.0.1", pu);
	ent(&e[1], "tcp", "127.0.0.1", pt);
	rpcbd_probe(e, 2, r, 100);
	assert_int_equal(r[0], RPCBD_LIVE_UNSURE);
	assert_int_equal(r[1], RPCBD_LIVE_UNSURE);
	close(fu);
	close(ft);
}

static void
test_not_probed(void **state)
{
	struct rpcbd_ent e[3];
	enum rpcbd_liveness r[3];

	(void)state;
	/* Not this host's address (TEST-NET-3): no packet goes out. */
	ent(&e[0], "tcp", "203.0.113.7", 2049);
	/* A netid we do not reach; port 0. */
	assert_int_equal(rpcbd_ent_make(&e[1], 1, 1, "ticlts", "whatever",
	    "superuser"), 0);
	ent(&e[2], "udp", "127.0.0.1", 0);
	rpcbd_probe(e, 3, r, TIMEOUT_MS);
	assert_int_equal(r[0], RPCBD_LIVE_UNSURE);
	assert_int_equal(r[1], RPCBD_LIVE_UNSURE);
	assert_int_equal(r[2], RPCBD_LIVE_UNSURE);
}

static void
test_local(void **state)
{
	struct sockaddr_un sun;
	struct rpcbd_ent e[2];
	enum rpcbd_liveness r[2];
	char dir[] = "/tmp/test_rpcbd_live.XXXXXX", path[64], gone[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/svc.sock", dir);
	snprintf(gone, sizeof(gone), "%s/gone.sock", dir);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	ent(&e[0], "local", path, -1);
	ent(&e[1], "local", gone, -1);
	rpcbd_probe(e, 2, r, 100);
	assert_int_equal(r[0], RPCBD_LIVE_UNSURE);	/* there, silent */
	assert_int_equal(r[1], RPCBD_LIVE_NO);		/* no such socket */
	close(fd);
	/* The file stays, nobody listens: refused. */
	rpcbd_probe(e, 1, r, 100);
	assert_int_equal(r[0], RPCBD_LIVE_NO);
	unlink(path);
	rmdir(dir);
}

static void
test_many(void **state)
{
	struct rpcbd_ent *e;
	enum rpcbd_liveness *r;
	int fd, port, i, n = 150;		/* more than one batch */

	(void)state;
	fd = bound(SOCK_STREAM, &port);
	close(fd);
	assert_non_null(e = calloc((size_t)n, sizeof(*e)));
	assert_non_null(r = calloc((size_t)n, sizeof(*r)));
	for (i = 0; i < n; i++)
		ent(&e[i], i % 2 ? "udp" : "tcp", "127.0.0.1", port);
	rpcbd_probe(e, (size_t)n, r, TIMEOUT_MS);
	for (i = 0; i < n; i++)
		assert_int_equal(r[i], RPCBD_LIVE_NO);
	free(e);
	free(r);
}

static void
test_starttime(void **state)
{
	(void)state;
	assert_true(rpcbd_stat_starttime("1234 (rpc.mountd) S 1 1234 1234 0 -1 "
	    "4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 200\n") ==
	    987654);
	/* The command name may hold blanks and parentheses. */
	assert_true(rpcbd_stat_starttime("77 (a) b (c) R 1 2 3 4 5 6 7 8 9 10 "
	    "11 12 13 14 15 16 17 18 4242 1 2\n") == 4242);
	assert_true(rpcbd_stat_starttime("77 (x) R 1 2 3\n") == 0);
	assert_true(rpcbd_stat_starttime("no parenthesis") == 0);
	assert_true(rpcbd_stat_starttime("1 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16 17 18 -5 1\n") == 0);
	assert_true(rpcbd_stat_starttime(NULL) == 0);
	/* Our own process: the same value twice, not 0. */
	assert_true(rpcbd_proc_start(getpid()) != 0);
	assert_true(rpcbd_proc_start(getpid()) == rpcbd_proc_start(getpid()));
	assert_true(rpcbd_proc_start(0) == 0);
	assert_true(rpcbd_proc_start(-1) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_not_probed),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_starttime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
