/*
 * lockd_nsm.c: lockd and the local statd (NSM, program 100024).
 *
 * - Before the first lock of a client host lockd asks statd to monitor it
 *   (SM_MON, mon_name = the host's numeric address, callback = our
 *   private procedure 16 at 127.0.0.1, cookie = host id + this run's boot
 *   token). No statd, no lock: denied_nolocks, as knfsd.
 * - When statd hears that the host rebooted it calls procedure 16
 *   (local callers only): every lock, waiter and share of that host goes.
 *   A cookie from an earlier run of lockd is ignored.
 * - FREE_ALL from a client does the same for its owners of that name.
 * - At start-up lockd must make sure its former clients learn that it
 *   lost their locks. statd notifies everyone it monitored when it starts
 *   itself; if statd did not restart since lockd last spoke to it (same
 *   state number, kept in the host list file) lockd asks it with
 *   SM_SIMU_CRASH. Then SM_UNMON_ALL drops our stale registrations, and
 *   the hosts of the list are the reclaimers the grace period waits for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "lockd/lockd.h"

#define NSM_TIMER_SECS	30

static void
statd_call(struct lockd *lk, struct rpc_clnt_call *c, uint32_t proc)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&c->dest;

	memset(c, 0, sizeof(*c));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->proto = RPC_CLNT_UDP;
	c->prog = SM_PROG;
	c->vers = SM_VERS;
	c->proc = proc;
	c->timeout_ms = lk->statd_timeout_ms;
	c->retrans_ms = 500;
}

static void
my_id(sm_my_id *id)
{
	id->my_name = (char *)LK_MY_NAME;
	id->my_prog = LK_NSM_PROG;
	id->my_vers = LK_NSM_VERS;
	id->my_proc = LK_NSM_PROC;
}

/* statd said its state is s: remember it (a change means it restarted;
 * its registrations survive that, see rpc.statd(8)). */
static void
note_statd_state(struct lockd *lk, int s)
{
	if (s == lk->statd_state)
		return;
	if (lk->statd_state != 0)
		log_notice("statd's state is now %d (was %d): it restarted",
		    s, lk->statd_state);
	lk->statd_state = s;
	lk->list_dirty = true;
}

int
lk_monitor(struct lockd *lk, struct lk_host *h)
{
	struct rpc_clnt_call c;
	sm_stat_res res;
	sm_mon m;
	uint64_t id = h->id;
	int rc;

	while (h->mon == MON_BUSY)
		pthread_cond_wait(&lk->mon_cond, &lk->lock);
	if (h->mon == MON_YES)
		return 0;
	h->mon = MON_BUSY;
	memset(&m, 0, sizeof(m));
	m.mon_id.mon_name = h->key;
	my_id(&m.mon_id.my_id);
	memcpy(m.priv, &id, sizeof(id));
	memcpy(m.priv + 8, lk->boot, sizeof(lk->boot));
	statd_call(lk, &c, SM_MON);
	c.xdr_args = (xdrproc_t)(void (*)(void))xdr_sm_mon;
	c.args = &m;
	c.xdr_res = (xdrproc_t)(void (*)(void))xdr_sm_stat_res;
	c.res_size = sizeof(res);
	pthread_mutex_unlock(&lk->lock);
	rc = rpc_clnt_call_wait(lk->clnt, &c, &res);
	pthread_mutex_lock(&lk->lock);
	if (rc == 0 && res.res_stat != stat_succ)
		rc = -EPERM;
	if (rc == 0) {
		h->mon = MON_YES;
		note_statd_state(lk, res.state);
		if (!h->listed) {
			h->listed = true;
			lk->list_dirty = true;
		}
		log_debug(LOG_D_STATE, "statd monitors %s", h->key);
		lk_hosts_save(lk);
	} else {
		h->mon = MON_NO;
		if (rc == -ECONNREFUSED || rc == -ETIMEDOUT)
			rpc_clnt_forget_port(lk->clnt,
			    (struct sockaddr *)&c.dest, SM_PROG, SM_VERS,
			    RPC_CLNT_UDP);
	}
	pthread_cond_broadcast(&lk->mon_cond);
	return rc;
}

void
lk_unmonitor(struct lockd *lk, const char *key)
{
	struct rpc_clnt_call c;
	sm_mon_id m;

	memset(&m, 0, sizeof(m));
	m.mon_name = (char *)(uintptr_t)key;
	my_id(&m.my_id);
	statd_call(lk, &c, SM_UNMON);
	c.xdr_args = (xdrproc_t)(void (*)(void))xdr_sm_mon_id;
	c.args = &m;
	(void)rpc_clnt_call(lk->clnt, &c);	/* best effort */
}

/* A synchronous call to statd with a result; 0 or -errno. */
static int
statd_sync(struct lockd *lk, uint32_t proc, xdrproc_t xa, const void *args,
    xdrproc_t xr, void *res, size_t rsize)
{
	struct rpc_clnt_call c;

	statd_call(lk, &c, proc);
	c.xdr_args = xa;
	c.args = args;
	c.xdr_res = xr;
	c.res_size = rsize;
	return rpc_clnt_call_wait(lk->clnt, &c, res);
}

void
lk_nsm_startup(struct lockd *lk, char ***keysp, size_t *np)
{
	sm_name name = { (char *)LK_MY_NAME };
	sm_stat_res sres;
	sm_stat st;
	sm_my_id id;
	int old = 0, rc, tries;

	*keysp = NULL;
	*np = 0;
	if ((rc = lk_hosts_load(lk->hosts_file, keysp, np, &old)) != 0)
		log_warnx("%s: %s; not waiting for reclaims", lk->hosts_file,
		    strerror(-rc));
	/* statd may be starting beside us: give it a few seconds */
	for (tries = 0; tries < 10; tries++) {
		rc = statd_sync(lk, SM_STAT,
		    (xdrproc_t)(void (*)(void))xdr_sm_name, &name,
		    (xdrproc_t)(void (*)(void))xdr_sm_stat_res, &sres,
		    sizeof(sres));
		if (rc == 0)
			break;
		rpc_clnt_forget_port(lk->clnt,
		    (struct sockaddr *)&(struct sockaddr_in){ .sin_family =
		    AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) },
		    SM_PROG, SM_VERS, RPC_CLNT_UDP);
		usleep(500000);
	}
	if (rc != 0) {
		log_warnx("statd does not answer (%s): clients of the last run "
		    "are not told of the restart, and no lock can be granted "
		    "until statd runs", strerror(-rc));
		return;
	}
	lk->statd_state = sres.state;
	if (*np > 0 && old == sres.state) {
		/* statd did not restart since our last run: it will not
		 * tell our former clients that their locks are gone */
		log_notice("asking statd to notify %zu former client host(s) "
		    "of the restart", *np);
		if ((rc = statd_sync(lk, SM_SIMU_CRASH,
		    (xdrproc_t)(void (*)(void))xdr_void, NULL, NULL, NULL,
		    0)) != 0)
			log_warnx("SM_SIMU_CRASH: %s", strerror(-rc));
	} else if (*np > 0)
		log_notice("statd restarted since our last run (state %d, was "
		    "%d): it notifies our %zu former client host(s)",
		    sres.state, old, *np);
	my_id(&id);
	if ((rc = statd_sync(lk, SM_UNMON_ALL,
	    (xdrproc_t)(void (*)(void))xdr_sm_my_id, &id,
	    (xdrproc_t)(void (*)(void))xdr_sm_stat, &st, sizeof(st))) == 0)
		lk->statd_state = st.state;
	else
		log_warnx("SM_UNMON_ALL: %s", strerror(-rc));
	lk->list_dirty = true;		/* a new run: no host listed yet */
	lk_hosts_save(lk);
}

static void
stat_done(void *arg, int err, void *res)
{
	struct lockd *lk = arg;

	if (err != 0 || res == NULL)
		return;
	pthread_mutex_lock(&lk->lock);
	note_statd_state(lk, ((sm_stat_res *)res)->state);
	lk_hosts_save(lk);
	pthread_mutex_unlock(&lk->lock);
}

void
lk_nsm_timer(struct lockd *lk, time_t now)
{
	static time_t next;
	static sm_name name = { (char *)LK_MY_NAME };
	struct rpc_clnt_call c;

	if (now < next)
		return;
	next = now + NSM_TIMER_SECS;
	statd_call(lk, &c, SM_STAT);
	c.xdr_args = (xdrproc_t)(void (*)(void))xdr_sm_name;
	c.args = &name;
	c.xdr_res = (xdrproc_t)(void (*)(void))xdr_sm_stat_res;
	c.res_size = sizeof(sm_stat_res);
	c.done = stat_done;
	c.arg = lk;
	(void)rpc_clnt_call(lk->clnt, &c);
}

/* statd's reboot callback (procedure 16), local callers only (P_LOCAL). */
enum disp
lk_proc_nsm_notify(struct req *rq, sm_status *a, void *res)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_host *h;
	uint64_t id;

	(void)res;
	if (memcmp(a->priv + 8, lk->boot, sizeof(lk->boot)) != 0) {
		log_info("statd: reboot of %s for an earlier run of lockd: "
		    "nothing held", a->mon_name);
		return DISP_REPLY;
	}
	memcpy(&id, a->priv, sizeof(id));
	pthread_mutex_lock(&lk->lock);
	if ((h = lk_host_by_id(lk, id)) != NULL) {
		log_notice("%s rebooted (NSM state %d): releasing its locks "
		    "(%u owners, %u waiting, %u shares)", h->key, a->state,
		    h->nowners, h->nwaiters, h->nshares);
		lk_host_free_all(lk, h, NULL);
	}
	pthread_mutex_unlock(&lk->lock);
	return DISP_REPLY;
}

void
lk_free_all(struct req *rq, const char *name)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_host *h;

	pthread_mutex_lock(&lk->lock);
	if ((h = lk_host_get(lk, (struct sockaddr *)&rq->peer, false)) != NULL) {
		log_notice("%s: FREE_ALL for %s", h->key, name);
		lk_host_free_all(lk, h, name);
	}
	pthread_mutex_unlock(&lk->lock);
}
