/*
 * clnt.c: the asynchronous RPC client (see clnt.h).
 *
 * Everything lives in one thread: callers queue calls through a mutex and
 * an eventfd, the thread encodes nothing itself (calls arrive encoded),
 * sends, matches replies by xid, retransmits UDP calls and fails calls at
 * their deadline. Port lookups are calls too (PMAP GETPORT, RFC 1833), made
 * on behalf of the call that needs them.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/clnt.h"
#include "common/rpc/recmark.h"

#define PMAP_PROG		100000u
#define PMAP_VERS		2u
#define PMAP_GETPORT		3u
#define PORT_CACHE		128
#define PORT_TTL_MS		60000
#define TCP_IDLE_MS		30000
#define REPLY_MAX		(64 * 1024)	/* replies we expect are small */
#define DEFAULT_TIMEOUT_MS	10000
#define DEFAULT_RETRANS_MS	1000

enum pc_state { PC_NEW, PC_LOOKUP, PC_SENT };

struct tconn;

struct pcall {
	struct pcall		*next, *prev;
	uint32_t		 xid;
	struct rpc_clnt_call	 c;		/* args is not used after queueing */
	uint8_t			*msg;		/* 4-byte record mark + the call */
	size_t			 msglen;	/* without the mark */
	enum pc_state		 state;
	uint64_t		 deadline, next_send;
	unsigned		 interval;
	struct pcall		*owner;		/* lookup: the call it is for */
	struct pcall		*lookup;	/* the lookup running for us */
	bool			 cached;	/* its port came from the cache */
	struct tconn		*tc;
	struct rpc_clnt		*clnt;
};

struct tconn {
	struct tconn		*next;
	struct sockaddr_storage	 addr;
	int			 fd;
	bool			 connected;
	uint8_t			*out;
	size_t			 outlen, outoff, outcap;
	struct recmark		 rm;
	uint64_t		 last_used;
	unsigned		 ncalls;
};

struct port_ent {
	struct sockaddr_storage	 host;
	uint32_t		 prog, vers;
	enum rpc_clnt_proto	 proto;
	int			 port;
	uint64_t		 expires;
};

struct rpc_clnt {
	struct rpc_clnt_config	 cfg;
	int			 epfd, wakefd, udp4, udp6;
	pthread_t		 thread;
	bool			 started;

	pthread_mutex_t		 lock;		/* guards queue, nqueued, stop */
	struct pcall		*queue;		/* submitted, not yet taken */
	unsigned		 ncalls;	/* queued + pending */
	bool			 stop;

	/* the thread's own */
	struct pcall		*pending;
	struct tconn		*conns;
	struct port_ent		 ports[PORT_CACHE];
	pthread_mutex_t		 plock;		/* ports: forget_port from others */
	uint32_t		 next_xid;
	uint8_t			 cred[64 + 256];
	size_t			 credlen;
};

/* epoll tags: the pointer values of these. */
static const char tag_wake, tag_udp;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Reserved ports a source port must not take: rpc.rquotad's fixed 875 (a
 * callback socket that took it kept rpc.rquotad from starting), and the
 * services glibc's bindresvport(3) leaves alone by default
 * (/etc/bindresvport.blacklist: 623, 631, 636, 664, 774, 921, 993, 995).
 */
static bool
port_is_kept(int port)
{
	static const int kept[] = { 623, 631, 636, 664, 774, 875, 921, 993,
	    995 };
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (kept[i] == port)
			return true;
	return false;
}

int
rpc_bind_reserved(int fd, int family)
{
	struct sockaddr_storage ss;
	uint32_t r = 0;
	int i, port;

	(void)getrandom(&r, sizeof(r), GRND_NONBLOCK);
	for (i = 0; i < 424; i++) {
		port = 600 + (int)((r + (uint32_t)i) % 424);
		if (port_is_kept(port))
			continue;
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)family;
		addr_set_port((struct sockaddr *)&ss, port);
		if (bind(fd, (struct sockaddr *)&ss,
		    addr_len((struct sockaddr *)&ss)) == 0)
			return port;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/* ------------------------------------------------------------ encoding */

static bool
put32(uint8_t *b, size_t cap, size_t *off, uint32_t v)
{
	uint32_t w = htonl(v);

	if (cap - *off < 4)
		return false;
	memcpy(b + *off, &w, 4);
	*off += 4;
	return true;
}

/* AUTH_SYS body: stamp, machine name, uid 0, gid 0, no groups. */
static void
make_cred(struct rpc_clnt *c)
{
	char host[256];
	size_t off = 0, n;

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	n = strlen(host);
	if (n > 64)
		n = 64;
	(void)put32(c->cred, sizeof(c->cred), &off, (uint32_t)time(NULL));
	(void)put32(c->cred, sizeof(c->cred), &off, (uint32_t)n);
	memset(c->cred + off, 0, (n + 3) & ~(size_t)3);
	memcpy(c->cred + off, host, n);
	off += (n + 3) & ~(size_t)3;
	(void)put32(c->cred, sizeof(c->cred), &off, 0);
	(void)put32(c->cred, sizeof(c->cred), &off, 0);
	(void)put32(c->cred, sizeof(c->cred), &off, 0);
	c->credlen = off;
}

/* The call message after a 4-byte gap for the record mark; xid 0 for now. */
static int
encode_call(struct rpc_clnt *c, struct pcall *p, xdrproc_t xargs,
    const void *args)
{
	unsigned long asz = 0;
	size_t cap, off = 4;
	XDR x;

	if (xargs != NULL && xargs != (xdrproc_t)(void (*)(void))xdr_void &&
	    (asz = xdr_sizeof(xargs, (void *)(uintptr_t)args)) == 0)
		return -EINVAL;
	cap = 4 + 10 * 4 + c->credlen + asz;
	if ((p->msg = malloc(cap)) == NULL)
		return -ENOMEM;
	if (!put32(p->msg, cap, &off, 0) || !put32(p->msg, cap, &off, 0) ||
	    !put32(p->msg, cap, &off, 2) ||
	    !put32(p->msg, cap, &off, p->c.prog) ||
	    !put32(p->msg, cap, &off, p->c.vers) ||
	    !put32(p->msg, cap, &off, p->c.proc) ||
	    !put32(p->msg, cap, &off, AUTH_SYS) ||
	    !put32(p->msg, cap, &off, (uint32_t)c->credlen))
		return -EINVAL;
	memcpy(p->msg + off, c->cred, c->credlen);
	off += c->credlen;
	if (!put32(p->msg, cap, &off, AUTH_NONE) || !put32(p->msg, cap, &off, 0))
		return -EINVAL;
	if (asz > 0) {
		xdrmem_create(&x, (char *)p->msg + off, (u_int)(cap - off),
		    XDR_ENCODE);
		if (!xargs(&x, (void *)(uintptr_t)args)) {
			xdr_destroy(&x);
			return -EINVAL;
		}
		off += xdr_getpos(&x);
		xdr_destroy(&x);
	}
	p->msglen = off - 4;
	return 0;
}

static void
set_xid(struct rpc_clnt *c, struct pcall *p)
{
	uint32_t w;

	p->xid = c->next_xid++;
	w = htonl(p->xid);
	memcpy(p->msg + 4, &w, 4);
}

/* ------------------------------------------------------------ port cache */

static bool
port_key(const struct port_ent *e, const struct sockaddr *host, uint32_t prog,
    uint32_t vers, enum rpc_clnt_proto proto)
{
	return e->prog == prog && e->vers == vers && e->proto == proto &&
	    e->host.ss_family != 0 &&
	    addr_host_eq((const struct sockaddr *)&e->host, host);
}

static int
port_get(struct rpc_clnt *c, const struct sockaddr *host, uint32_t prog,
    uint32_t vers, enum rpc_clnt_proto proto)
{
	uint64_t now = now_ms();
	int port = 0, i;

	pthread_mutex_lock(&c->plock);
	for (i = 0; i < PORT_CACHE; i++)
		if (port_key(&c->ports[i], host, prog, vers, proto) &&
		    c->ports[i].expires > now) {
			port = c->ports[i].port;
			break;
		}
	pthread_mutex_unlock(&c->plock);
	return port;
}

static void
port_put(struct rpc_clnt *c, const struct sockaddr *host, uint32_t prog,
    uint32_t vers, enum rpc_clnt_proto proto, int port)
{
	uint64_t now = now_ms(), oldest = UINT64_MAX;
	int i, slot = 0;

	pthread_mutex_lock(&c->plock);
	for (i = 0; i < PORT_CACHE; i++) {
		if (port_key(&c->ports[i], host, prog, vers, proto)) {
			slot = i;
			break;
		}
		if (c->ports[i].expires < oldest) {
			oldest = c->ports[i].expires;
			slot = i;
		}
	}
	memset(&c->ports[slot].host, 0, sizeof(c->ports[slot].host));
	memcpy(&c->ports[slot].host, host, addr_len(host));
	c->ports[slot].prog = prog;
	c->ports[slot].vers = vers;
	c->ports[slot].proto = proto;
	c->ports[slot].port = port;
	c->ports[slot].expires = now + PORT_TTL_MS;
	pthread_mutex_unlock(&c->plock);
}

void
rpc_clnt_forget_port(struct rpc_clnt *c, const struct sockaddr *dest,
    uint32_t prog, uint32_t vers, enum rpc_clnt_proto proto)
{
	int i;

	pthread_mutex_lock(&c->plock);
	for (i = 0; i < PORT_CACHE; i++)
		if (port_key(&c->ports[i], dest, prog, vers, proto))
			c->ports[i].expires = 0;
	pthread_mutex_unlock(&c->plock);
}

/* ------------------------------------------------------------ completion */

static void
unlink_pending(struct rpc_clnt *c, struct pcall *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else if (c->pending == p)
		c->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
}

static void	tconn_close(struct rpc_clnt *c, struct tconn *t, int err);
static void	start_call(struct rpc_clnt *c, struct pcall *p);
static void	rebind(struct rpc_clnt *c, struct pcall *p);

/* Finish p: call done, free it. A lookup passes its outcome to its owner. */
static void
finish(struct rpc_clnt *c, struct pcall *p, int err, void *res)
{
	unlink_pending(c, p);
	if (p->tc != NULL && p->tc->ncalls > 0)
		p->tc->ncalls--;
	if (p->lookup != NULL) {
		/* our lookup must not come back to us */
		p->lookup->owner = NULL;
		p->lookup = NULL;
	}
	if (p->c.done != NULL)
		p->c.done(p->c.arg, err, res);
	free(p->msg);
	free(p);
	pthread_mutex_lock(&c->lock);
	c->ncalls--;
	pthread_mutex_unlock(&c->lock);
}

static void
lookup_done(void *arg, int err, void *res)
{
	struct pcall *p = arg;		/* the lookup itself, see start_lookup */
	struct pcall *owner = p->owner;
	struct rpc_clnt *c;
	u_long port;

	if (owner == NULL)
		return;
	c = p->clnt;
	owner->lookup = NULL;
	if (err != 0) {
		finish(c, owner, err, NULL);
		return;
	}
	port = *(u_long *)res;
	if (port == 0 || port > 65535) {
		finish(c, owner, -ECONNREFUSED, NULL);
		return;
	}
	port_put(c, (struct sockaddr *)&owner->c.dest, owner->c.prog,
	    owner->c.vers, owner->c.proto, (int)port);
	addr_set_port((struct sockaddr *)&owner->c.dest, (int)port);
	start_call(c, owner);
}

/* ------------------------------------------------------------ TCP */

static struct tconn *
tconn_get(struct rpc_clnt *c, const struct sockaddr_storage *dest, int *errp)
{
	struct epoll_event ev;
	struct tconn *t;
	int fd, rc;

	for (t = c->conns; t != NULL; t = t->next)
		if (addr_host_eq((const struct sockaddr *)&t->addr,
		    (const struct sockaddr *)dest) &&
		    addr_port((const struct sockaddr *)&t->addr) ==
		    addr_port((const struct sockaddr *)dest))
			return t;
	fd = socket(dest->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		*errp = -errno;
		return NULL;
	}
	if (c->cfg.tcp_reserved && (rc = rpc_bind_reserved(fd,
	    dest->ss_family)) < 0)
		log_debug(LOG_D_XPRT, "no reserved port for a callback: %s",
		    strerror(-rc));
	if (connect(fd, (const struct sockaddr *)dest,
	    addr_len((const struct sockaddr *)dest)) != 0 &&
	    errno != EINPROGRESS) {
		*errp = -errno;
		close(fd);
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		close(fd);
		*errp = -ENOMEM;
		return NULL;
	}
	t->addr = *dest;
	t->fd = fd;
	recmark_init(&t->rm, REPLY_MAX);
	t->last_used = now_ms();
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.ptr = t;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		*errp = -errno;
		recmark_free(&t->rm);
		close(fd);
		free(t);
		return NULL;
	}
	t->next = c->conns;
	c->conns = t;
	return t;
}

static void
tconn_want_out(struct rpc_clnt *c, struct tconn *t, bool out)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.ptr = t;
	(void)epoll_ctl(c->epfd, EPOLL_CTL_MOD, t->fd, &ev);
}

/* Send what is queued; -1 if that closed t (and failed its calls). */
static int
tconn_flush(struct rpc_clnt *c, struct tconn *t)
{
	ssize_t n;

	while (t->connected && t->outoff < t->outlen) {
		n = send(t->fd, t->out + t->outoff, t->outlen - t->outoff,
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			tconn_close(c, t, -ECONNREFUSED);
			return -1;
		}
		t->outoff += (size_t)n;
	}
	if (t->outoff == t->outlen)
		t->outoff = t->outlen = 0;
	if (t->connected)
		tconn_want_out(c, t, t->outlen > 0);
	return 0;
}

static int
tconn_queue(struct rpc_clnt *c, struct tconn *t, const struct pcall *p)
{
	size_t need = p->msglen + 4;
	uint32_t mark = htonl(RM_LAST_FRAG | (uint32_t)p->msglen);

	if (t->outcap - t->outlen < need) {
		size_t cap = t->outlen + need + 4096;
		uint8_t *b = realloc(t->out, cap);

		if (b == NULL)
			return -ENOMEM;
		t->out = b;
		t->outcap = cap;
	}
	memcpy(p->msg, &mark, 4);
	memcpy(t->out + t->outlen, p->msg, need);
	t->outlen += need;
	t->last_used = now_ms();
	(void)tconn_flush(c, t);	/* a failure fails p too */
	return 0;
}

/* Fail every call on t and close it. */
static void
tconn_close(struct rpc_clnt *c, struct tconn *t, int err)
{
	struct tconn **pp;
	struct pcall *p, *next;

	for (pp = &c->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	for (p = c->pending; p != NULL; p = next) {
		next = p->next;
		if (p->tc != t)
			continue;
		p->tc = NULL;
		if (p->cached && err == -ECONNREFUSED)
			rebind(c, p);	/* the service moved: ask again */
		else
			finish(c, p, err, NULL);
	}
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, t->fd, NULL);
	close(t->fd);
	recmark_free(&t->rm);
	free(t->out);
	free(t);
}

static void	handle_reply(struct rpc_clnt *c, const uint8_t *b, size_t len,
		    const struct sockaddr *from);

static void
tconn_event(struct rpc_clnt *c, struct tconn *t, uint32_t events)
{
	uint8_t buf[8192];
	size_t used, off, rlen;
	ssize_t n;
	uint8_t *rec;
	int rc, err;
	socklen_t el = sizeof(err);

	if (!t->connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
		    err != 0) {
			tconn_close(c, t, -ECONNREFUSED);
			return;
		}
		t->connected = true;
	}
	if ((events & EPOLLOUT) && tconn_flush(c, t) != 0)
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (;;) {
		n = recv(t->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			tconn_close(c, t, -ECONNREFUSED);
			return;
		}
		off = 0;
		while (off < (size_t)n) {
			rc = recmark_feed(&t->rm, buf + off, (size_t)n - off,
			    &used);
			if (rc < 0) {
				tconn_close(c, t, -EBADMSG);
				return;
			}
			off += used;
			if (rc == RM_RECORD) {
				rec = recmark_take(&t->rm, &rlen);
				t->last_used = now_ms();
				if (rec != NULL)
					handle_reply(c, rec, rlen, NULL);
				free(rec);
			}
		}
	}
}

/* ------------------------------------------------------------ sending */

static void
send_udp(struct rpc_clnt *c, struct pcall *p)
{
	int fd = p->c.dest.ss_family == AF_INET6 ? c->udp6 : c->udp4;

	if (fd < 0) {
		finish(c, p, -EAFNOSUPPORT, NULL);
		return;
	}
	if (sendto(fd, p->msg + 4, p->msglen, MSG_NOSIGNAL,
	    (struct sockaddr *)&p->c.dest,
	    addr_len((struct sockaddr *)&p->c.dest)) < 0)
		log_debug(LOG_D_XPRT, "udp call: %s", strerror(errno));
}

static void
start_lookup(struct rpc_clnt *c, struct pcall *owner)
{
	struct pcall *l;
	struct pmap pm;
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		finish(c, owner, -ENOMEM, NULL);
		return;
	}
	l->c.dest = owner->c.dest;
	addr_set_port((struct sockaddr *)&l->c.dest, 111);
	l->c.proto = RPC_CLNT_UDP;
	l->c.prog = PMAP_PROG;
	l->c.vers = PMAP_VERS;
	l->c.proc = PMAP_GETPORT;
	l->c.xdr_res = (xdrproc_t)(void (*)(void))xdr_u_long;
	l->c.res_size = sizeof(u_long);
	l->c.done = lookup_done;
	l->c.arg = l;
	l->c.retrans_ms = owner->c.retrans_ms;
	pm.pm_prog = owner->c.prog;
	pm.pm_vers = owner->c.vers;
	pm.pm_prot = owner->c.proto == RPC_CLNT_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	pm.pm_port = 0;
	if ((rc = encode_call(c, l, (xdrproc_t)(void (*)(void))xdr_pmap, &pm)) != 0) {
		free(l->msg);
		free(l);
		finish(c, owner, rc, NULL);
		return;
	}
	l->owner = owner;
	l->clnt = c;
	l->deadline = owner->deadline;
	owner->lookup = l;
	owner->state = PC_LOOKUP;
	pthread_mutex_lock(&c->lock);
	c->ncalls++;
	pthread_mutex_unlock(&c->lock);
	l->next = c->pending;
	if (c->pending != NULL)
		c->pending->prev = l;
	c->pending = l;
	start_call(c, l);
}

/* p is on the pending list: look its port up or send it. */
static void
start_call(struct rpc_clnt *c, struct pcall *p)
{
	struct sockaddr *d = (struct sockaddr *)&p->c.dest;
	int port, err = 0;

	if (addr_port(d) == 0) {
		if ((port = port_get(c, d, p->c.prog, p->c.vers,
		    p->c.proto)) == 0) {
			start_lookup(c, p);
			return;
		}
		addr_set_port(d, port);
		p->cached = true;
	}
	set_xid(c, p);
	p->state = PC_SENT;
	if (p->c.proto == RPC_CLNT_UDP) {
		p->interval = p->c.retrans_ms;
		p->next_send = now_ms() + p->interval;
		send_udp(c, p);
		return;
	}
	p->next_send = UINT64_MAX;
	if ((p->tc = tconn_get(c, &p->c.dest, &err)) == NULL) {
		finish(c, p, err != 0 ? err : -ECONNREFUSED, NULL);
		return;
	}
	p->tc->ncalls++;
	if ((err = tconn_queue(c, p->tc, p)) != 0) {
		/* p may already be gone if the connection closed */
		struct pcall *q;

		for (q = c->pending; q != NULL; q = q->next)
			if (q == p) {
				finish(c, p, err, NULL);
				break;
			}
	}
}

/*
 * A call sent to a port from the cache got no answer (UDP, by its first
 * resend) or was refused (TCP): the service may have moved (a client's
 * lock manager restarted on another port). Forget the port and look it
 * up again, once; the call keeps its deadline.
 */
static void
rebind(struct rpc_clnt *c, struct pcall *p)
{
	struct sockaddr *d = (struct sockaddr *)&p->c.dest;

	rpc_clnt_forget_port(c, d, p->c.prog, p->c.vers, p->c.proto);
	addr_set_port(d, 0);
	p->cached = false;
	p->state = PC_NEW;
	p->next_send = UINT64_MAX;
	start_call(c, p);
}

/* ------------------------------------------------------------ replies */

static int
rd32(const uint8_t *b, size_t len, size_t *off, uint32_t *v)
{
	uint32_t w;

	if (len < 4 || *off > len - 4)
		return -1;
	memcpy(&w, b + *off, 4);
	*v = ntohl(w);
	*off += 4;
	return 0;
}

/* A reply: over UDP (from is its source, which must be the callee) or
 * over TCP (from NULL). */
static void
handle_reply(struct rpc_clnt *c, const uint8_t *b, size_t len,
    const struct sockaddr *from)
{
	bool udp = from != NULL;
	struct pcall *p;
	uint32_t xid, mtype, rstat, vflav, vlen, astat;
	size_t off = 0;
	void *res = NULL;
	XDR x;
	int err = 0;

	if (rd32(b, len, &off, &xid) || rd32(b, len, &off, &mtype) ||
	    mtype != 1)
		return;
	for (p = c->pending; p != NULL; p = p->next)
		if (p->state == PC_SENT && p->xid == xid &&
		    (p->c.proto == RPC_CLNT_UDP) == udp && (from == NULL ||
		    addr_host_eq(from, (const struct sockaddr *)&p->c.dest)))
			break;
	if (p == NULL)
		return;		/* late or unknown: ignore */
	if (rd32(b, len, &off, &rstat)) {
		err = -EBADMSG;
		goto out;
	}
	if (rstat != MSG_ACCEPTED) {
		err = -EACCES;
		goto out;
	}
	if (rd32(b, len, &off, &vflav) || rd32(b, len, &off, &vlen) ||
	    vlen > 400 || len - off < ((vlen + 3) & ~3u)) {
		err = -EBADMSG;
		goto out;
	}
	off += (vlen + 3) & ~3u;
	if (rd32(b, len, &off, &astat)) {
		err = -EBADMSG;
		goto out;
	}
	switch (astat) {
	case SUCCESS:
		break;
	case PROG_UNAVAIL:
	case PROG_MISMATCH:
	case PROC_UNAVAIL:
		err = -EPROTONOSUPPORT;
		goto out;
	default:
		err = -EBADMSG;
		goto out;
	}
	if (p->c.xdr_res != NULL && p->c.res_size > 0) {
		if ((res = calloc(1, p->c.res_size)) == NULL) {
			err = -ENOMEM;
			goto out;
		}
		xdrmem_create(&x, (char *)(uintptr_t)(b + off),
		    (u_int)(len - off), XDR_DECODE);
		if (!p->c.xdr_res(&x, res)) {
			xdr_destroy(&x);
			xdr_free(p->c.xdr_res, res);
			free(res);
			res = NULL;
			err = -EBADMSG;
			goto out;
		}
		xdr_destroy(&x);
	}
out:
	{
		xdrproc_t xr = p->c.xdr_res;

		finish(c, p, err, res);
		if (res != NULL) {
			xdr_free(xr, res);
			free(res);
		}
	}
}

static void
udp_event(struct rpc_clnt *c, int fd)
{
	static __thread uint8_t buf[REPLY_MAX];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl)) >= 0) {
		handle_reply(c, buf, (size_t)n, (struct sockaddr *)&from);
		fl = sizeof(from);
	}
}

/* ------------------------------------------------------------ the thread */

/* Resend what is due, fail what is late; the ms until the next event. */
static int
timers(struct rpc_clnt *c)
{
	uint64_t now = now_ms(), next = now + 1000;
	struct pcall *p, *nx;
	struct tconn *t, *tn;

	for (p = c->pending; p != NULL; p = nx) {
		nx = p->next;
		if (p->state == PC_LOOKUP)
			continue;	/* its lookup carries the deadline */
		if (now >= p->deadline) {
			if (p->c.proto == RPC_CLNT_UDP)
				rpc_clnt_forget_port(c,
				    (struct sockaddr *)&p->c.dest, p->c.prog,
				    p->c.vers, p->c.proto);
			/* a lookup's owner may be the next entry: restart */
			finish(c, p, -ETIMEDOUT, NULL);
			nx = c->pending;
			continue;
		}
		if (p->c.proto == RPC_CLNT_UDP && now >= p->next_send &&
		    p->cached) {
			rebind(c, p);
			nx = c->pending;	/* a lookup went to the head */
			continue;
		}
		if (p->c.proto == RPC_CLNT_UDP && now >= p->next_send) {
			send_udp(c, p);
			if (p->interval < 16000)
				p->interval *= 2;
			p->next_send = now + p->interval;
		}
		if (p->deadline < next)
			next = p->deadline;
		if (p->next_send < next)
			next = p->next_send;
	}
	for (t = c->conns; t != NULL; t = tn) {
		tn = t->next;
		if (t->ncalls == 0 && t->outlen == 0 &&
		    now - t->last_used > TCP_IDLE_MS)
			tconn_close(c, t, -ECONNREFUSED);
	}
	return next > now ? (int)(next - now) : 0;
}

static void
take_queue(struct rpc_clnt *c)
{
	struct pcall *q, *p;
	uint64_t v;
	ssize_t r;

	r = read(c->wakefd, &v, sizeof(v));
	(void)r;
	pthread_mutex_lock(&c->lock);
	q = c->queue;
	c->queue = NULL;
	pthread_mutex_unlock(&c->lock);
	/* the queue is LIFO: reverse it to keep submission order */
	for (p = NULL; q != NULL;) {
		struct pcall *n = q->next;

		q->next = p;
		p = q;
		q = n;
	}
	while (p != NULL) {
		q = p->next;
		p->next = c->pending;
		p->prev = NULL;
		if (c->pending != NULL)
			c->pending->prev = p;
		c->pending = p;
		p->deadline = now_ms() + p->c.timeout_ms;
		start_call(c, p);
		p = q;
	}
}

static void *
clnt_main(void *arg)
{
	struct rpc_clnt *c = arg;
	struct epoll_event evs[32];
	int n, i, wait;
	bool stop;

	for (;;) {
		wait = timers(c);
		n = epoll_wait(c->epfd, evs, 32, wait);
		for (i = 0; i < n; i++) {
			void *ptr = evs[i].data.ptr;

			if (ptr == &tag_wake)
				take_queue(c);
			else if (ptr == &tag_udp) {
				if (c->udp4 >= 0)
					udp_event(c, c->udp4);
				if (c->udp6 >= 0)
					udp_event(c, c->udp6);
			} else {
				struct tconn *t;

				/* t may have been closed by an earlier event */
				for (t = c->conns; t != NULL; t = t->next)
					if (t == ptr)
						break;
				if (t != NULL)
					tconn_event(c, t, evs[i].events);
			}
		}
		pthread_mutex_lock(&c->lock);
		stop = c->stop;
		pthread_mutex_unlock(&c->lock);
		if (stop)
			break;
	}
	take_queue(c);
	while (c->pending != NULL)
		finish(c, c->pending, -ECANCELED, NULL);
	while (c->conns != NULL)
		tconn_close(c, c->conns, -ECANCELED);
	return NULL;
}

static int
add_fd(struct rpc_clnt *c, int fd, const void *tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = (void *)(uintptr_t)tag;
	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

struct rpc_clnt *
rpc_clnt_new(const struct rpc_clnt_config *cfg)
{
	struct rpc_clnt *c;
	int rc, fl;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cfg = *cfg;
	if (c->cfg.max_calls == 0)
		c->cfg.max_calls = 1024;
	c->epfd = c->wakefd = -1;
	c->udp4 = cfg->udp4_fd;
	c->udp6 = cfg->udp6_fd;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->plock, NULL);
	(void)getrandom(&c->next_xid, sizeof(c->next_xid), GRND_NONBLOCK);
	make_cred(c);
	if (c->udp4 < 0)
		c->udp4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->udp6 < 0)
		c->udp6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if ((c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		goto fail;
	if ((rc = add_fd(c, c->wakefd, &tag_wake)) != 0)
		goto fail;
	if (c->udp4 >= 0) {
		fl = fcntl(c->udp4, F_GETFL);
		(void)fcntl(c->udp4, F_SETFL, fl | O_NONBLOCK);
		if (add_fd(c, c->udp4, &tag_udp) != 0)
			goto fail;
	}
	if (c->udp6 >= 0) {
		fl = fcntl(c->udp6, F_GETFL);
		(void)fcntl(c->udp6, F_SETFL, fl | O_NONBLOCK);
		if (add_fd(c, c->udp6, &tag_udp) != 0)
			goto fail;
	}
	if ((rc = pthread_create(&c->thread, NULL, clnt_main, c)) != 0) {
		errno = rc;
		goto fail;
	}
	c->started = true;
	return c;
fail:
	rc = errno;
	rpc_clnt_free(c);
	errno = rc;
	return NULL;
}

void
rpc_clnt_free(struct rpc_clnt *c)
{
	uint64_t one = 1;
	ssize_t r;

	if (c == NULL)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_mutex_unlock(&c->lock);
		r = write(c->wakefd, &one, sizeof(one));
		(void)r;
		pthread_join(c->thread, NULL);
	}
	if (c->udp4 >= 0)
		close(c->udp4);
	if (c->udp6 >= 0)
		close(c->udp6);
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->wakefd >= 0)
		close(c->wakefd);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->plock);
	free(c);
}

int
rpc_clnt_call(struct rpc_clnt *c, const struct rpc_clnt_call *call)
{
	struct pcall *p;
	uint64_t one = 1;
	ssize_t r;
	int rc;

	if (call->dest.ss_family != AF_INET && call->dest.ss_family != AF_INET6)
		return -EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->c = *call;
	p->c.args = NULL;
	if (p->c.timeout_ms == 0)
		p->c.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (p->c.retrans_ms == 0)
		p->c.retrans_ms = DEFAULT_RETRANS_MS;
	if ((rc = encode_call(c, p, call->xdr_args, call->args)) != 0) {
		free(p->msg);
		free(p);
		return rc;
	}
	pthread_mutex_lock(&c->lock);
	if (c->stop || c->ncalls >= c->cfg.max_calls) {
		pthread_mutex_unlock(&c->lock);
		free(p->msg);
		free(p);
		return -EAGAIN;
	}
	c->ncalls++;
	p->next = c->queue;
	c->queue = p;
	pthread_mutex_unlock(&c->lock);
	r = write(c->wakefd, &one, sizeof(one));
	(void)r;
	return 0;
}

struct waiter {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	bool		 done;
	int		 err;
	void		*res;
	size_t		 size;
};

static void
wait_done(void *arg, int err, void *res)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->lock);
	w->err = err;
	if (err == 0 && res != NULL && w->res != NULL) {
		/* hand the decoded result over: the caller frees it */
		memcpy(w->res, res, w->size);
		memset(res, 0, w->size);
	}
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int
rpc_clnt_call_wait(struct rpc_clnt *c, const struct rpc_clnt_call *call,
    void *res)
{
	struct rpc_clnt_call cc = *call;
	struct waiter w;
	int rc;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	w.res = res;
	w.size = call->res_size;
	if (res != NULL && call->res_size > 0)
		memset(res, 0, call->res_size);
	cc.done = wait_done;
	cc.arg = &w;
	if ((rc = rpc_clnt_call(c, &cc)) == 0) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = w.err;
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
	return rc;
}
