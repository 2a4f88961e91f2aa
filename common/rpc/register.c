/*
 * register.c: telling rpcbind where our programs listen, and the service
 * manager when we are ready. Every version of every program is registered
 * on the netid of every UDP/TCP listener (udp, tcp, udp6, tcp6) with
 * libtirpc's rpcb_set(), which reaches the local rpcbind over its AF_LOCAL
 * socket first. Stale entries left by an earlier instance are removed
 * first; ours are removed at clean exit.
 *
 * A daemon may start before rpcbind (boot order, a restart of rpcbind
 * alone, SysV scripts run in parallel). When rpcbind cannot be reached,
 * what is left is registered later from the event loop: the first retry
 * after REG_RETRY_FIRST_MS, each following one twice as late, up to
 * REG_RETRY_MAX_MS apart, for as long as it takes. A refusal from a
 * running rpcbind (another owner, a privileged port) is not retried.
 *
 * Readiness (sd_notify(3), common/sdnotify.h): READY=1 goes out once the
 * loop runs and every mapping is made (or refused), never before: a unit
 * ordered after ours finds our programs in rpcbind. While rpcbind is
 * awaited, STATUS= says so; systemd's start timeout bounds the wait.
 */
#include <rpc/rpc.h>
#include <netconfig.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/sdnotify.h"
#include "common/rpc/rpc_int.h"

#define REG_RETRY_FIRST_MS	250
#define REG_RETRY_MAX_MS	8000

struct rpc_reg {
	uint32_t	 prog, vers;
	char		 netid[8];
	bool		 refused;	/* rpcbind said no: not ours to unset */
	struct rpc_reg	*next;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "mountd" or "nlockmgr, status": the programs, for logs and STATUS=. */
static const char *
prog_names(const struct rpc_srv *srv, bool registered_only, char *buf,
    size_t len)
{
	size_t n = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < srv->nprogs && n < len; i++) {
		if (registered_only && srv->progs[i]->no_register)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " :
		    "", srv->progs[i]->name);
	}
	return buf;
}

static bool
have(const struct rpc_srv *srv, uint32_t prog, uint32_t vers,
    const char *netid)
{
	const struct rpc_reg *r;

	for (r = srv->regs; r != NULL; r = r->next)
		if (r->prog == prog && r->vers == vers &&
		    strcmp(r->netid, netid) == 0)
			return true;
	return false;
}

/*
 * Map prog/vers on listener l. 0; -ECONNREFUSED when rpcbind could not be
 * reached (worth another try); -EACCES when it answered no; -ENOENT for a
 * netid unknown to /etc/netconfig.
 */
static int
set_one(const struct rpc_listener *l, uint32_t prog, uint32_t vers)
{
	struct netconfig *nc;
	struct netbuf nb;
	int rc = 0;

	if ((nc = getnetconfigent(l->netid)) == NULL)
		return -ENOENT;
	nb.buf = (void *)(uintptr_t)&l->addr;
	nb.len = nb.maxlen = l->addrlen;
	/* rpcb_unset()/rpcb_set() return false both when rpcbind says no
	 * and when it cannot be reached; only the latter sets cf_stat. */
	rpc_createerr.cf_stat = RPC_SUCCESS;
	(void)rpcb_unset(prog, vers, nc);
	if (rpc_createerr.cf_stat != RPC_SUCCESS)
		rc = -ECONNREFUSED;
	else if (!rpcb_set(prog, vers, nc, &nb))
		rc = rpc_createerr.cf_stat == RPC_SUCCESS ? -EACCES :
		    -ECONNREFUSED;
	freenetconfigent(nc);
	return rc;
}

static int
record(struct rpc_srv *srv, uint32_t prog, uint32_t vers, const char *netid,
    bool refused)
{
	struct rpc_reg *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->prog = prog;
	r->vers = vers;
	r->refused = refused;
	snprintf(r->netid, sizeof(r->netid), "%s", netid);
	r->next = srv->regs;
	srv->regs = r;
	return 0;
}

/*
 * One pass over what is not registered yet. Returns -ECONNREFUSED as soon
 * as rpcbind cannot be reached (the rest waits for the next pass), else 0;
 * *first gets the first error no retry can fix.
 */
static int
reg_pass(struct rpc_srv *srv, int *first)
{
	const struct rpc_listener *l;
	unsigned i, v;
	int rc;

	for (i = 0; i < srv->nprogs; i++) {
		const struct rpc_program *p = srv->progs[i];

		if (p->no_register)
			continue;
		for (l = srv->listeners; l != NULL; l = l->next) {
			if (l->kind == RPC_XPRT_LOCAL)
				continue;
			for (v = 0; v < p->nversions; v++) {
				uint32_t vers = p->versions[v].vers;

				if (have(srv, p->prog, vers, l->netid))
					continue;
				rc = set_one(l, p->prog, vers);
				if (rc == -ECONNREFUSED)
					return rc;
				if (rc != 0)
					log_warnx("cannot register %s (%u) version "
					    "%u on %s with rpcbind: %s", p->name,
					    p->prog, vers, l->netid, rc == -EACCES ?
					    "refused" : strerror(-rc));
				if (rc != -ENOENT &&
				    record(srv, p->prog, vers, l->netid,
				    rc != 0) != 0)
					rc = -ENOMEM;
				if (rc != 0 && *first == 0)
					*first = rc;
			}
		}
	}
	return 0;
}

int
rpc_srv_register(struct rpc_srv *srv)
{
	struct rpc_regstate *g = &srv->reg;
	char names[256];
	int first = 0;

	g->attempts = 1;
	g->first_ms = now_ms();
	if (reg_pass(srv, &first) != -ECONNREFUSED)
		return first;
	g->pending = true;
	g->delay_ms = REG_RETRY_FIRST_MS;
	g->next_ms = g->first_ms + g->delay_ms;
	log_warnx("rpcbind does not answer: %s will be registered as soon as "
	    "it does (retrying)", prog_names(srv, true, names, sizeof(names)));
	return first;
}

int
reg_wait_ms(const struct rpc_srv *srv, int max_ms)
{
	uint64_t now;

	if (!srv->reg.pending)
		return max_ms;
	if ((now = now_ms()) >= srv->reg.next_ms)
		return 0;
	return srv->reg.next_ms - now < (uint64_t)max_ms ?
	    (int)(srv->reg.next_ms - now) : max_ms;
}

void
reg_tick(struct rpc_srv *srv)
{
	struct rpc_regstate *g = &srv->reg;
	char names[256];
	uint64_t now;
	int first = 0;

	if (!g->pending || (now = now_ms()) < g->next_ms)
		return;
	g->attempts++;
	prog_names(srv, true, names, sizeof(names));
	if (reg_pass(srv, &first) == -ECONNREFUSED) {
		g->delay_ms = g->delay_ms * 2 < REG_RETRY_MAX_MS ?
		    g->delay_ms * 2 : REG_RETRY_MAX_MS;
		g->next_ms = now + g->delay_ms;
		log_debug(LOG_D_STATE, "rpcbind does not answer (attempt %u); "
		    "next in %u ms", g->attempts, g->delay_ms);
		if (g->delay_ms == REG_RETRY_MAX_MS && !g->capped) {
			g->capped = true;
			log_warnx("still no rpcbind after %u attempts: retrying "
			    "every %u s", g->attempts, REG_RETRY_MAX_MS / 1000);
		}
		(void)sdnotifyf("STATUS=Waiting for rpcbind to register %s "
		    "(attempt %u)", names, g->attempts);
		return;
	}
	g->pending = false;
	log_notice("registered %s with rpcbind (attempt %u, %.1f s after the "
	    "first)", names, g->attempts, (double)(now - g->first_ms) / 1000);
	reg_ready(srv);
}

void
reg_ready(struct rpc_srv *srv)
{
	char names[256];
	int rc;

	if (srv->reg.ready)
		return;
	prog_names(srv, false, names, sizeof(names));
	if (srv->reg.pending) {
		(void)sdnotifyf("STATUS=Waiting for rpcbind to register %s",
		    names);
		return;
	}
	srv->reg.ready = true;
	rc = sdnotifyf("READY=1\nSTATUS=Serving %s\nMAINPID=%ld", names,
	    (long)getpid());
	if (rc < 0)
		log_warnx("cannot notify the service manager ($NOTIFY_SOCKET): "
		    "%s", strerror(-rc));
	else if (rc > 0)
		log_debug(LOG_D_STATE, "told the service manager we are ready");
}

void
rpc_srv_unregister(struct rpc_srv *srv)
{
	struct rpc_reg *r;

	srv->reg.pending = false;
	for (r = srv->regs; r != NULL; r = r->next) {
		struct netconfig *nc;

		if (r->refused || (nc = getnetconfigent(r->netid)) == NULL)
			continue;
		(void)rpcb_unset(r->prog, r->vers, nc);
		freenetconfigent(nc);
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
