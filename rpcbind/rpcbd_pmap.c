/*
 * rpcbd_pmap.c: portmap version 2 (RFC 1833 section 3). It sees the same
 * registrations as rpcbind 3/4: a PMAP SET is an RPCB SET on netid udp or
 * tcp with the wildcard address, and DUMP lists every udp/tcp entry.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/util.h"
#include "rpcbind/rpcbd.h"

static const char *
prot_netid(unsigned long prot)
{
	switch (prot) {
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_TCP:
		return "tcp";
	default:
		return NULL;
	}
}

/* Port of an inet uaddr, 0 if it is not one. */
static int
uaddr_port4(const char *uaddr)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (addr_from_uaddr(uaddr, AF_INET, &ss, &len) != 0)
		return 0;
	return addr_port((struct sockaddr *)&ss);
}

/* RFC 1833 3: PMAPPROC_SET, on the wildcard address. */
enum disp
rpcbd_pmap_set(struct req *rq, rpcbd_pmap *a, rpcbd_bool *res)
{
	const char *netid = prot_netid(a->pm_prot);
	char uaddr[32];

	if (netid == NULL || a->pm_port == 0 || a->pm_port > 65535) {
		/* Still subject to the locality rule and counted. */
		return rpcbd_do_set(rq, (uint32_t)a->pm_prog,
		    (uint32_t)a->pm_vers, "udp", "", res);
	}
	snprintf(uaddr, sizeof(uaddr), "0.0.0.0.%lu.%lu",
	    (a->pm_port >> 8) & 0xff, a->pm_port & 0xff);
	return rpcbd_do_set(rq, (uint32_t)a->pm_prog, (uint32_t)a->pm_vers,
	    netid, uaddr, res);
}

/* RFC 1833 3: PMAPPROC_UNSET, both protocols, whatever the port. */
enum disp
rpcbd_pmap_unset(struct req *rq, rpcbd_pmap *a, rpcbd_bool *res)
{
	bool_t ok_tcp, ok_udp;
	enum disp d;

	d = rpcbd_do_unset(rq, (uint32_t)a->pm_prog, (uint32_t)a->pm_vers,
	    "tcp", &ok_tcp);
	if (d != DISP_REPLY)
		return d;
	d = rpcbd_do_unset(rq, (uint32_t)a->pm_prog, (uint32_t)a->pm_vers,
	    "udp", &ok_udp);
	*res = ok_tcp && ok_udp;
	return d;
}

/* RFC 1833 3: PMAPPROC_GETPORT; another version's port if that version is
 * missing (the client then learns the range from PROG_MISMATCH). */
enum disp
rpcbd_pmap_getport(struct req *rq, rpcbd_pmap *a, rpcbd_u32 *res)
{
	struct rpcbd *rb = rq->ctx;
	const char *netid = prot_netid(a->pm_prot);
	struct rpcbd_ent e;

	*res = 0;
	if (netid != NULL && rpcbd_live_find(rb, (uint32_t)a->pm_prog,
	    (uint32_t)a->pm_vers, netid, &e) == 0)
		*res = (uint32_t)uaddr_port4(e.uaddr);
	rpcbd_stat_getaddr(rb->db, RPCBD_SV_2, (uint32_t)a->pm_prog,
	    (uint32_t)a->pm_vers, netid != NULL ? netid : "?", *res != 0);
	return DISP_REPLY;
}

struct pdump_arg {
	struct req	*rq;
	struct pmaplist	**tail;
};

static int
pdump_one(const struct rpcbd_ent *e, void *arg)
{
	struct pdump_arg *pa = arg;
	struct pmaplist *n;
	unsigned long prot;
	int port;

	if (strcmp(e->netid, "udp") == 0)
		prot = IPPROTO_UDP;
	else if (strcmp(e->netid, "tcp") == 0)
		prot = IPPROTO_TCP;
	else
		return 0;
	if ((port = uaddr_port4(e->uaddr)) == 0)
		return 0;
	if ((n = req_alloc(pa->rq, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->pml_map.pm_prog = e->prog;
	n->pml_map.pm_vers = e->vers;
	n->pml_map.pm_prot = prot;
	n->pml_map.pm_port = (unsigned long)port;
	*pa->tail = n;
	pa->tail = &n->pml_next;
	return 0;
}

/* RFC 1833 3: PMAPPROC_DUMP. */
enum disp
rpcbd_pmap_dump(struct req *rq, void *args UNUSED, rpcbd_pmaplist *res)
{
	struct rpcbd *rb = rq->ctx;
	struct pdump_arg pa = { rq, res };

	*res = NULL;
	if (rpcbd_db_walk(rb->db, pdump_one, &pa) != 0)
		return DISP_SYSERR;
	return DISP_REPLY;
}
