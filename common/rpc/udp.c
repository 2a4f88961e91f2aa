/*
 * udp.c: datagrams in (with the destination address from IP_PKTINFO) and
 * replies out from the address the call was sent to.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

/* ----------------------------------------------------------------- UDP */

void
xprt_udp_recv(struct rpc_srv *srv, struct rpc_listener *l)
{
	static const size_t cmsgsz = 256;
	int n;

	for (n = 0; n < 64; n++) {
		uint8_t *buf;
		union {
			struct cmsghdr	align;
			uint8_t		b[256];
		} cbuf;
		struct iovec iov;
		struct msghdr mh;
		struct cmsghdr *cm;
		struct req *rq;
		ssize_t got;

		if ((buf = malloc(RPC_UDP_MAX)) == NULL)
			return;
		if ((rq = req_new(srv, RPC_XPRT_UDP, l->netid)) == NULL) {
			free(buf);
			return;
		}
		iov.iov_base = buf;
		iov.iov_len = RPC_UDP_MAX;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &rq->peer;
		mh.msg_namelen = sizeof(rq->peer);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = cmsgsz;
		got = recvmsg(l->fd, &mh, MSG_DONTWAIT);
		if (got <= 0 || (mh.msg_flags & MSG_TRUNC)) {
			free(buf);
			free(rq);
			if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			continue;
		}
		rq->peerlen = mh.msg_namelen;
		memcpy(&rq->local, &l->addr, l->addrlen);
		rq->locallen = l->addrlen;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				struct sockaddr_in *sin = (struct sockaddr_in *)&rq->local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				sin->sin_addr = pi.ipi_addr;
				rq->ifindex = pi.ipi_ifindex;
			} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&rq->local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				s6->sin6_addr = pi.ipi6_addr;
				rq->ifindex = (int)pi.ipi6_ifindex;
			}
		}
		if (srv_queue_full(srv)) {
			/* overloaded: the client will retransmit */
			free(buf);
			free(rq);
			srv_stat_add(srv, &srv->st.dropped);
			continue;
		}
		/* keep only what arrived */
		rq->buf = realloc(buf, (size_t)got);
		if (rq->buf == NULL)
			rq->buf = buf;
		rq->len = (size_t)got;
		rq->udp_fd = l->fd;
		{
			unsigned fl = sched_proc_flags(srv, rq);

			rq->fast = (fl & P_FAST) != 0;
			rq->meta = (fl & P_INLINE_META) != 0;
		}
		if (!sched_try_inline(srv, rq))
			sched_enqueue(srv, NULL, rq);
	}
}

int
udp_sendv(struct req *rq, struct iovec *iov, int niov)
{
	union {
		struct cmsghdr	align;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_name = &rq->peer;
	mh.msg_namelen = rq->peerlen;
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)niov;
	/* answer from the address the call was sent to */
	if (rq->local.ss_family == AF_INET && !addr_is_any((struct sockaddr *)&rq->local)) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((struct sockaddr_in *)&rq->local)->sin_addr;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else if (rq->local.ss_family == AF_INET6 &&
	    !addr_is_any((struct sockaddr *)&rq->local)) {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = ((struct sockaddr_in6 *)&rq->local)->sin6_addr;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(rq->udp_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}
