/*
 * register.c: telling rpcbind where our programs listen. Every version of
 * every program is registered on the netid of every UDP/TCP listener
 * (udp, tcp, udp6, tcp6) with libtirpc's rpcb_set(), which reaches the
 * local rpcbind over its AF_LOCAL socket first. Stale entries left by an
 * earlier instance are removed first; ours are removed at clean exit.
 */
#include <rpc/rpc.h>
#include <netconfig.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

struct rpc_reg {
	uint32_t	 prog, vers;
	char		 netid[8];
	struct rpc_reg	*next;
};

static int
reg_one(struct rpc_srv *srv, const struct rpc_listener *l, uint32_t prog,
    uint32_t vers)
{
	struct netconfig *nc;
	struct netbuf nb;
	struct rpc_reg *r;
	int rc = 0;

	if ((nc = getnetconfigent(l->netid)) == NULL)
		return -ENOENT;
	nb.buf = (void *)(uintptr_t)&l->addr;
	nb.len = nb.maxlen = l->addrlen;
	(void)rpcb_unset(prog, vers, nc);
	if (!rpcb_set(prog, vers, nc, &nb))
		rc = -ECONNREFUSED;
	freenetconfigent(nc);
	if (rc != 0)
		return rc;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->prog = prog;
	r->vers = vers;
	snprintf(r->netid, sizeof(r->netid), "%s", l->netid);
	r->next = srv->regs;
	srv->regs = r;
	return 0;
}

int
rpc_srv_register(struct rpc_srv *srv)
{
	const struct rpc_listener *l;
	unsigned i, v;
	int rc, first = 0;

	for (i = 0; i < srv->nprogs; i++) {
		const struct rpc_program *p = srv->progs[i];

		if (p->no_register)
			continue;
		for (l = srv->listeners; l != NULL; l = l->next) {
			if (l->kind == RPC_XPRT_LOCAL)
				continue;
			for (v = 0; v < p->nversions; v++) {
				rc = reg_one(srv, l, p->prog, p->versions[v].vers);
				if (rc != 0) {
					log_warnx("cannot register %s (%u) version %u "
					    "on %s with rpcbind", p->name, p->prog,
					    p->versions[v].vers, l->netid);
					if (first == 0)
						first = rc;
				}
			}
		}
	}
	return first;
}

void
rpc_srv_unregister(struct rpc_srv *srv)
{
	struct rpc_reg *r;

	for (r = srv->regs; r != NULL; r = r->next) {
		struct netconfig *nc = getnetconfigent(r->netid);

		if (nc != NULL) {
			(void)rpcb_unset(r->prog, r->vers, nc);
			freenetconfigent(nc);
		}
	}
	reg_free_all(srv);
}

void
reg_free_all(struct rpc_srv *srv)
{
	struct rpc_reg *r;

	while ((r = srv->regs) != NULL) {
		srv->regs = r->next;
		free(r);
	}
}
