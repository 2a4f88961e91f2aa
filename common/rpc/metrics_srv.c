/*
 * metrics_srv.c: where the statistics are read (rpc_stats.h), served by
 * the event loop thread:
 *
 *   - the stats socket (AF_LOCAL, stream): each connection gets the
 *     metrics text and is closed; nothing is read from it;
 *   - the HTTP/1.0 listener (metrics-listen): "GET /metrics" (or HEAD)
 *     gets them with Content-Length and the connection is closed; "/"
 *     gets a pointer to /metrics; another path 404, another method 405, a
 *     request line that is not HTTP 400, more than 4 KiB of headers 431.
 *
 * Neither may hurt RPC service: at most MAX_CLIENTS clients at a time
 * (more are closed at once), each closed CLIENT_SECS after it was
 * accepted whatever it did, a request of at most REQ_MAX bytes, replies
 * written without blocking, and at most RENDERS_PER_SEC renderings a
 * second (readers beyond share the last one, which is then at most a
 * second old).
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/metrics.h"
#include "common/rpc/rpc_int.h"
#include "common/rpc/rpc_stats.h"
#include "common/util.h"

#define MAX_CLIENTS	16
#define CLIENT_SECS	5
#define REQ_MAX		4096
#define RENDERS_PER_SEC	20
#define ACCEPT_BATCH	16

struct msrv_client {
	struct ev_src		 src;
	int			 fd;
	bool			 http, writing;
	time_t			 deadline;
	char			 req[REQ_MAX];
	size_t			 reqlen;
	char			*out;
	size_t			 outlen, outoff;
	struct msrv_client	*prev, *next;
};

int
rpc_stats_parse_listen(const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char host[ADDR_STRLEN];
	const char *colon, *port;
	long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - s - 1) >=
		    sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		port = rb + 2;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		if (strchr(s, ':') != colon || (size_t)(colon - s) >=
		    sizeof(host))
			return -EINVAL;	/* bare IPv6 needs [] */
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	} else {
		str_copy(host, "127.0.0.1", sizeof(host));
		port = s;
	}
	if (parse_port(port, 1, &p) != 0 || addr_pton(host, ss, len) != 0)
		return -EINVAL;
	addr_set_port((struct sockaddr *)ss, (int)p);
	return 0;
}

/* ------------------------------------------------------------ set-up */

static int
watch(struct rpc_srv *srv, int fd, struct ev_src *src, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = src;
	return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0 ? -errno : 0;
}

static int
open_unix(struct rpc_srv *srv, const char *path, char *msg, size_t len)
{
	struct rpc_stats *s = srv->stats;
	struct sockaddr_un sun;
	struct stat sb;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (str_copy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(msg, len, "stats socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	/* replace a stale socket, never anything else */
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(msg, len, "stats socket %s: exists and is not "
			    "a socket", path);
			return -EEXIST;
		}
		(void)unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, 0666) != 0 || listen(fd, MAX_CLIENTS) != 0)
		goto fail;
	s->src_unix.type = SRC_STATS;
	if ((rc = watch(srv, fd, &s->src_unix, EPOLLIN)) != 0) {
		errno = -rc;
		goto fail;
	}
	if ((s->sock_path = strdup(path)) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	s->msrv_fd_unix = fd;
	return 0;
fail:
	rc = -errno;
	snprintf(msg, len, "stats socket %s: %s", path, strerror(errno));
	if (fd >= 0) {
		(void)epoll_ctl(srv->epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
	}
	return rc;
}

static int
open_http(struct rpc_srv *srv, const char *spec, char *msg, size_t len)
{
	struct rpc_stats *s = srv->stats;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, rc;

	if (rpc_stats_parse_listen(spec, &ss, &sl) != 0) {
		snprintf(msg, len, "metrics-listen %s: not [address:]port "
		    "(a numeric address; IPv6 in brackets)", spec);
		return -EINVAL;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, MAX_CLIENTS) != 0)
		goto fail;
	s->src_http.type = SRC_STATS;
	if ((rc = watch(srv, fd, &s->src_http, EPOLLIN)) != 0) {
		errno = -rc;
		goto fail;
	}
	s->msrv_fd_http = fd;
	return 0;
fail:
	rc = -errno;
	snprintf(msg, len, "metrics-listen %s: %s", spec, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int
rpc_srv_stats_setup(struct rpc_srv *srv, const char *daemon,
    const struct rpc_stats_conf *c, char *msg, size_t len)
{
	struct rpc_stats *s = srv->stats;
	char m2[256];
	int rc;

	if (len > 0)
		msg[0] = '\0';
	str_copy(s->daemon, daemon, sizeof(s->daemon));
	if (c->listen != NULL && c->listen[0] != '\0' &&
	    s->msrv_fd_http < 0 && (rc = open_http(srv, c->listen, msg,
	    len)) != 0)
		return rc;
	if (c->socket != NULL && c->socket[0] != '\0' &&
	    s->msrv_fd_unix < 0 &&
	    open_unix(srv, c->socket, m2, sizeof(m2)) != 0) {
		snprintf(msg, len, "%s", m2);
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ clients */

static void
client_close(struct rpc_srv *srv, struct msrv_client *cl)
{
	struct rpc_stats *s = srv->stats;

	(void)epoll_ctl(srv->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		s->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	s->nclients--;
	free(cl->out);
	free(cl);
}

void
msrv_close(struct rpc_srv *srv)
{
	struct rpc_stats *s = srv->stats;

	while (s->clients != NULL)
		client_close(srv, s->clients);
	if (s->msrv_fd_unix >= 0) {
		close(s->msrv_fd_unix);
		(void)unlink(s->sock_path);
	}
	if (s->msrv_fd_http >= 0)
		close(s->msrv_fd_http);
	s->msrv_fd_unix = s->msrv_fd_http = -1;
	free(s->sock_path);
	s->sock_path = NULL;
	free(s->snap);
	s->snap = NULL;
}

/* The metrics text: fresh, unless RENDERS_PER_SEC were made this second. */
static const char *
snapshot(struct rpc_srv *srv, size_t *len)
{
	struct rpc_stats *s = srv->stats;
	time_t now = time(NULL);
	struct mbuf b;

	if (now != s->renders_sec) {
		s->renders_sec = now;
		s->renders = 0;
	}
	if (s->snap != NULL && s->renders >= RENDERS_PER_SEC) {
		*len = s->snap_len;
		return s->snap;
	}
	mbuf_init(&b);
	rpc_srv_metrics(srv, &b);
	if (b.err || b.p == NULL) {
		mbuf_free(&b);
		return NULL;
	}
	s->renders++;
	free(s->snap);
	s->snap = b.p;
	s->snap_len = b.len;
	*len = b.len;
	return s->snap;
}

/* Write what is left of cl's reply; close it when done or broken. */
static void
client_write(struct rpc_srv *srv, struct msrv_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t n = send(cl->fd, cl->out + cl->outoff,
		    cl->outlen - cl->outoff, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct epoll_event ev;

			memset(&ev, 0, sizeof(ev));
			ev.events = EPOLLOUT;
			ev.data.ptr = &cl->src;
			(void)epoll_ctl(srv->epfd, EPOLL_CTL_MOD, cl->fd, &ev);
			return;
		}
		if (n <= 0)
			break;
		cl->outoff += (size_t)n;
	}
	(void)shutdown(cl->fd, SHUT_WR);
	client_close(srv, cl);
}

/* extra: more header lines, or NULL for the metrics themselves. */
static void
http_respond(struct rpc_srv *srv, struct msrv_client *cl, int code,
    const char *reason, const char *extra, const char *body, size_t blen,
    bool head)
{
	struct mbuf b;

	mbuf_init(&b);
	mbuf_printf(&b, "HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n", code, reason,
	    extra == NULL ? "text/plain; version=0.0.4; charset=utf-8" :
	    "text/plain; charset=utf-8", blen, extra != NULL ? extra : "");
	if (!head)
		mbuf_add(&b, body, blen);
	if (b.err) {
		mbuf_free(&b);
		client_close(srv, cl);
		return;
	}
	cl->out = b.p;
	cl->outlen = b.len;
	cl->writing = true;
	client_write(srv, cl);
}

static void
http_request(struct rpc_srv *srv, struct msrv_client *cl)
{
	static const char root[] = "nfs-suite metrics: GET /metrics\n";
	char method[16], path[256], *q;
	const char *text;
	size_t len;
	bool head;

	cl->req[cl->reqlen] = '\0';
	if (sscanf(cl->req, "%15s %255s HTTP/%*d.%*d", method, path) != 2 ||
	    path[0] != '/') {
		http_respond(srv, cl, 400, "Bad Request", "", "bad request\n",
		    12, false);
		return;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		http_respond(srv, cl, 405, "Method Not Allowed",
		    "Allow: GET, HEAD\r\n", "GET or HEAD only\n", 17, false);
		return;
	}
	if ((q = strchr(path, '?')) != NULL)
		*q = '\0';
	if (strcmp(path, "/") == 0) {
		http_respond(srv, cl, 200, "OK", "", root, sizeof(root) - 1,
		    head);
		return;
	}
	if (strcmp(path, "/metrics") != 0) {
		http_respond(srv, cl, 404, "Not Found", "", "not found\n", 10,
		    head);
		return;
	}
	if ((text = snapshot(srv, &len)) == NULL) {
		http_respond(srv, cl, 503, "Service Unavailable", "",
		    "out of memory\n", 14, head);
		return;
	}
	http_respond(srv, cl, 200, "OK", NULL, text, len, head);
}

static void
client_read(struct rpc_srv *srv, struct msrv_client *cl)
{
	for (;;) {
		ssize_t n;

		if (cl->reqlen >= REQ_MAX - 1) {
			http_respond(srv, cl, 431, "Request Header Fields Too "
			    "Large", "", "request too large\n", 18, false);
			return;
		}
		n = recv(cl->fd, cl->req + cl->reqlen, REQ_MAX - 1 - cl->reqlen,
		    MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_close(srv, cl);
			return;
		}
		cl->reqlen += (size_t)n;
		cl->req[cl->reqlen] = '\0';
		if (strstr(cl->req, "\r\n\r\n") != NULL ||
		    strstr(cl->req, "\n\n") != NULL) {
			http_request(srv, cl);
			return;
		}
	}
}

static void
accept_clients(struct rpc_srv *srv, int lfd, bool http)
{
	struct rpc_stats *s = srv->stats;
	int i, fd;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct msrv_client *cl;

		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (s->nclients >= MAX_CLIENTS ||
		    (cl = calloc(1, sizeof(*cl))) == NULL) {
			close(fd);
			continue;
		}
		cl->src.type = SRC_STATS;
		cl->fd = fd;
		cl->http = http;
		cl->deadline = time(NULL) + CLIENT_SECS;
		if (watch(srv, fd, &cl->src, http ? EPOLLIN | EPOLLRDHUP :
		    EPOLLOUT) != 0) {
			close(fd);
			free(cl);
			continue;
		}
		cl->next = s->clients;
		if (s->clients != NULL)
			s->clients->prev = cl;
		s->clients = cl;
		s->nclients++;
		if (!http) {
			const char *text;
			size_t len;

			if ((text = snapshot(srv, &len)) == NULL ||
			    (cl->out = malloc(len)) == NULL) {
				client_close(srv, cl);
				continue;
			}
			memcpy(cl->out, text, len);
			cl->outlen = len;
			cl->writing = true;
			client_write(srv, cl);
		}
	}
}

void
msrv_event(struct rpc_srv *srv, struct ev_src *src, uint32_t events)
{
	struct rpc_stats *s = srv->stats;
	struct msrv_client *cl;

	if (src == &s->src_unix) {
		accept_clients(srv, s->msrv_fd_unix, false);
		return;
	}
	if (src == &s->src_http) {
		accept_clients(srv, s->msrv_fd_http, true);
		return;
	}
	cl = (struct msrv_client *)(void *)src;
	if (cl->writing) {
		if (events & (EPOLLERR | EPOLLHUP))
			client_close(srv, cl);
		else
			client_write(srv, cl);
		return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		client_read(srv, cl);
}

void
msrv_tick(struct rpc_srv *srv, time_t now)
{
	struct rpc_stats *s = srv->stats;
	struct msrv_client *cl, *next;

	for (cl = s->clients; cl != NULL; cl = next) {
		next = cl->next;
		if (now >= cl->deadline)
			client_close(srv, cl);
	}
}
