/*
 * rpcbd_probe.c: does a registered service still listen? A NULL call
 * (procedure 0, AUTH_NONE) to the registered program and version at the
 * registered address, many at once with non-blocking sockets and poll(2).
 *
 * Dead, and only then, when there is positive evidence:
 *	tcp, tcp6, local	the connection is refused (ECONNREFUSED; for a
 *				local socket also ENOENT: no such path)
 *	udp, udp6		ICMP port unreachable, which the kernel reports
 *				as ECONNREFUSED on the connected socket
 *	any			the answer is PROG_UNAVAIL: another program
 *				holds the port now
 * Anything else that answers is alive; no answer in time, an address of
 * another host (rpcbind sends no probe off this host) or a netid we do
 * not know is unknown, and the caller keeps the registration: dropping a
 * busy service would be worse than keeping a dead one a little longer.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "common/addr.h"
#include "common/util.h"
#include "rpcbind/rpcbd_live.h"

#define PROBE_BATCH	64	/* sockets open at once */
#define PROBE_BUF	512	/* enough for a reply header with a 400-byte
				   verifier */
#define RM_LAST		0x80000000u
#define NEED_MORE	(-1)

enum pstate { P_DONE, P_CONNECTING, P_WAITING };

struct probe {
	int		 fd;
	int		 type;		/* SOCK_STREAM or SOCK_DGRAM */
	enum pstate	 st;
	uint32_t	 xid, prog, vers;
	size_t		 got;
	uint8_t		 buf[PROBE_BUF];
};

uint64_t
rpcbd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
rpcbd_stat_starttime(const char *text)
{
	const char *p;
	unsigned long long v;
	char *end;
	int field;

	/* "pid (comm) state ppid ...": comm may hold blanks and ')'. */
	if (text == NULL || (p = strrchr(text, ')')) == NULL)
		return 0;
	p++;
	for (field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return 0;
		if (field == 22)
			break;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return 0;
	return (uint64_t)v;
}

uint64_t
rpcbd_proc_start(pid_t pid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return rpcbd_stat_starttime(buf);
}

static uint32_t
next_xid(void)
{
	static atomic_uint xid;
	unsigned x = atomic_fetch_add(&xid, 1);

	if (x == 0) {
		/* First use: start somewhere unpredictable-ish. */
		x = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
		atomic_store(&xid, x + 1);
	}
	return (uint32_t)x;
}

static void
put32(uint8_t *b, uint32_t v)
{
	v = htonl(v);
	memcpy(b, &v, 4);
}

static uint32_t
get32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return ntohl(v);
}

/*
 * What a reply says: RPCBD_LIVE_NO for PROG_UNAVAIL, RPCBD_LIVE_YES for any
 * other reply to our call, RPCBD_LIVE_UNSURE if it is not one (another xid,
 * not a reply), NEED_MORE if it is cut short.
 */
static int
parse_reply(const uint8_t *b, size_t n, uint32_t xid)
{
	uint32_t vlen;
	size_t off;

	if (n < 12)
		return NEED_MORE;
	if (get32(b) != xid || get32(b + 4) != REPLY)
		return RPCBD_LIVE_UNSURE;
	if (get32(b + 8) != MSG_ACCEPTED)
		return RPCBD_LIVE_YES;	/* denied: a server is there */
	if (n < 20)
		return NEED_MORE;
	if ((vlen = get32(b + 16)) > MAX_AUTH_BYTES)
		return RPCBD_LIVE_YES;
	off = 20 + ((vlen + 3) & ~3u);
	if (n < off + 4)
		return NEED_MORE;
	return get32(b + off) == PROG_UNAVAIL ? RPCBD_LIVE_NO : RPCBD_LIVE_YES;
}

/* Send the NULL call; the probe waits for the answer, or is done. */
static enum rpcbd_liveness
send_call(struct probe *p)
{
	uint8_t msg[44], *b = msg;
	size_t len = 40;

	if (p->type == SOCK_STREAM) {
		put32(b, RM_LAST | 40);
		b += 4;
		len += 4;
	}
	put32(b, p->xid);
	put32(b + 4, CALL);
	put32(b + 8, RPC_MSG_VERSION);
	put32(b + 12, p->prog);
	put32(b + 16, p->vers);
	put32(b + 20, 0);		/* NULLPROC */
	memset(b + 24, 0, 16);		/* AUTH_NONE credential and verifier */
	if (send(p->fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		p->st = P_DONE;
		return errno == ECONNREFUSED ? RPCBD_LIVE_NO :
		    RPCBD_LIVE_UNSURE;
	}
	p->st = P_WAITING;
	p->got = 0;
	return RPCBD_LIVE_UNSURE;
}

/* Where to send a probe for e: 0 with *ss and *type, or -1 not to. */
static int
target(const struct rpcbd_ent *e, struct sockaddr_storage *ss,
    socklen_t *len, int *type, bool *bind_src)
{
	int fam;

	*bind_src = false;
	if (strcmp(e->netid, "tcp") == 0 || strcmp(e->netid, "udp") == 0)
		fam = AF_INET;
	else if (strcmp(e->netid, "tcp6") == 0 ||
	    strcmp(e->netid, "udp6") == 0)
		fam = AF_INET6;
	else if (strcmp(e->netid, "local") == 0 ||
	    strcmp(e->netid, "unix") == 0 ||
	    strcmp(e->netid, "ticotsord") == 0 ||
	    strcmp(e->netid, "ticots") == 0)
		fam = AF_LOCAL;
	else
		return -1;
	if (addr_from_uaddr(e->uaddr, fam, ss, len) != 0 ||
	    ss->ss_family != fam)
		return -1;
	if (fam == AF_LOCAL) {
		*type = SOCK_STREAM;
		return 0;
	}
	*type = e->netid[0] == 't' ? SOCK_STREAM : SOCK_DGRAM;
	if (addr_port((struct sockaddr *)ss) == 0)
		return -1;
	if (addr_is_any((struct sockaddr *)ss)) {
		if (fam == AF_INET)
			((struct sockaddr_in *)ss)->sin_addr.s_addr =
			    htonl(INADDR_LOOPBACK);
		else
			((struct sockaddr_in6 *)ss)->sin6_addr =
			    in6addr_loopback;
	} else if (!addr_is_loopback((struct sockaddr *)ss))
		*bind_src = true;	/* ours only if we can bind it */
	return 0;
}

/* Open and connect the probe for e; sets p->st (P_DONE with *res). */
static void
start(const struct rpcbd_ent *e, struct probe *p, enum rpcbd_liveness *res)
{
	struct sockaddr_storage ss, src;
	socklen_t len;
	bool bind_src;

	p->fd = -1;
	p->st = P_DONE;
	*res = RPCBD_LIVE_UNSURE;
	if (target(e, &ss, &len, &p->type, &bind_src) != 0)
		return;
	p->xid = next_xid();
	p->prog = e->prog;
	p->vers = e->vers;
	if ((p->fd = socket(ss.ss_family, p->type | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return;
	if (bind_src) {
		/* An address of another host is none of our business. */
		memcpy(&src, &ss, sizeof(src));
		addr_set_port((struct sockaddr *)&src, 0);
		if (bind(p->fd, (struct sockaddr *)&src, len) != 0)
			return;
	}
	if (connect(p->fd, (struct sockaddr *)&ss, len) == 0) {
		*res = send_call(p);
		return;
	}
	switch (errno) {
	case EINPROGRESS:
		p->st = P_CONNECTING;
		break;
	case ECONNREFUSED:
	case ENOENT:		/* AF_LOCAL: no such socket file */
		*res = RPCBD_LIVE_NO;
		break;
	case EAGAIN:		/* AF_LOCAL: backlog full, someone is there */
		*res = RPCBD_LIVE_YES;
		break;
	default:
		break;
	}
}

/* poll said something about p. */
static void
step(struct probe *p, short revents, enum rpcbd_liveness *res)
{
	socklen_t sl = sizeof(int);
	ssize_t n;
	int err = 0, r;

	if (p->st == P_CONNECTING) {
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
			err = errno;
		if (err == EINPROGRESS || err == EALREADY)
			return;
		if (err != 0) {
			p->st = P_DONE;
			*res = err == ECONNREFUSED ? RPCBD_LIVE_NO :
			    RPCBD_LIVE_UNSURE;
			return;
		}
		*res = send_call(p);
		return;
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	n = recv(p->fd, p->buf + p->got, sizeof(p->buf) - p->got, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		p->st = P_DONE;
		*res = errno == ECONNREFUSED ? RPCBD_LIVE_NO :
		    RPCBD_LIVE_UNSURE;
		return;
	}
	if (n == 0) {
		/* Closed without an answer: someone is there. */
		p->st = P_DONE;
		*res = RPCBD_LIVE_UNSURE;
		return;
	}
	if (p->type == SOCK_DGRAM) {
		r = parse_reply(p->buf, (size_t)n, p->xid);
		if (r == RPCBD_LIVE_UNSURE)
			return;		/* not ours: wait for ours */
		p->st = P_DONE;
		*res = r == NEED_MORE ? RPCBD_LIVE_YES : (enum rpcbd_liveness)r;
		return;
	}
	p->got += (size_t)n;
	if (p->got < 4)
		return;
	r = parse_reply(p->buf + 4, p->got - 4, p->xid);
	if (r == NEED_MORE && p->got < sizeof(p->buf))
		return;
	p->st = P_DONE;
	*res = r == NEED_MORE ? RPCBD_LIVE_YES : (enum rpcbd_liveness)r;
}

static void
probe_batch(const struct rpcbd_ent *e, size_t n, enum rpcbd_liveness *res,
    unsigned timeout_ms)
{
	struct probe *p;
	struct pollfd pfd[PROBE_BATCH];
	size_t idx[PROBE_BATCH];
	uint64_t deadline;
	size_t i, m;

	if ((p = calloc(n, sizeof(*p))) == NULL) {
		for (i = 0; i < n; i++)
			res[i] = RPCBD_LIVE_UNSURE;
		return;
	}
	for (i = 0; i < n; i++)
		start(&e[i], &p[i], &res[i]);
	deadline = rpcbd_now_ms() + timeout_ms;
	for (;;) {
		uint64_t now = rpcbd_now_ms();

		for (i = m = 0; i < n; i++) {
			if (p[i].st == P_DONE)
				continue;
			pfd[m].fd = p[i].fd;
			pfd[m].events = p[i].st == P_CONNECTING ? POLLOUT :
			    POLLIN;
			pfd[m].revents = 0;
			idx[m++] = i;
		}
		if (m == 0 || now >= deadline)
			break;
		if (poll(pfd, m, (int)(deadline - now)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < m; i++)
			if (pfd[i].revents != 0)
				step(&p[idx[i]], pfd[i].revents,
				    &res[idx[i]]);
	}
	/* Still connecting or waiting: no verdict (res is UNKNOWN). */
	for (i = 0; i < n; i++)
		if (p[i].fd != -1)
			close(p[i].fd);
	free(p);
}

void
rpcbd_probe(const struct rpcbd_ent *e, size_t n, enum rpcbd_liveness *res,
    unsigned timeout_ms)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < PROBE_BATCH ? n - i : PROBE_BATCH;
		probe_batch(e + i, k, res + i, timeout_ms);
	}
}
