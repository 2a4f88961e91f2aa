/*
 * sched.c: which call a worker runs next.
 *
 * Every source of calls (a stream connection; all UDP calls together) has
 * two FIFOs of waiting calls: cheap ones, whose procedure is flagged
 * P_FAST in its program's table (NULL, GETATTR, LOOKUP, MNT, GETPORT...),
 * and the others. A source with waiting calls is on the matching ring.
 * A free worker takes the first call of the source at the head of the
 * cheap ring, else of the other ring, and moves that source to the ring's
 * tail: sources take turns, so a call never waits behind more than one
 * call of each other source, however many a few connections pipeline.
 * Non-cheap calls may occupy at most slow_max workers; the rest
 * (fast_reserve) are kept for cheap calls, which therefore never wait for
 * a READDIRPLUS of 10,000 entries to finish. A source whose replies do not
 * drain is parked: off the rings until its queue goes down (conn.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ident.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

unsigned
sched_proc_flags(struct rpc_srv *srv, const struct req *rq)
{
	uint32_t prog, vers, proc;
	unsigned i, j;

	/* xid, CALL, rpcvers 2, prog, vers, proc: the first 24 bytes */
	if (rq->len < 24 || rd32(rq->buf + 4) != 0 || rd32(rq->buf + 8) != 2)
		return 0;
	prog = rd32(rq->buf + 12);
	vers = rd32(rq->buf + 16);
	proc = rd32(rq->buf + 20);
	for (i = 0; i < srv->nprogs; i++) {
		const struct rpc_program *p = srv->progs[i];

		if (p->prog != prog)
			continue;
		for (j = 0; j < p->nversions; j++) {
			const struct rpc_version *v = &p->versions[j];

			if (v->vers == vers)
				return proc < v->nprocs ? v->procs[proc].flags :
				    P_FAST;	/* PROC_UNAVAIL */
		}
		return P_FAST;	/* PROG_MISMATCH: answered at once */
	}
	return P_FAST;		/* PROG_UNAVAIL: the same */
}

/* ------------------------------------------------------------ inline */

void
rpc_srv_set_inline(struct rpc_srv *srv,
    bool (*gate)(void *, const struct req *, bool), void *arg)
{
	srv->inline_gate = gate;
	srv->inline_gate_arg = arg;
}

bool
sched_try_inline(struct rpc_srv *srv, struct req *rq)
{
	uint32_t flavor;
	uint64_t t0, ms;

	if (!srv->cfg.inline_fast || !(rq->fast || rq->meta) || rq->len < 28)
		return false;
	/* the credential's flavour: a context handshake or a key exchange
	 * (RPCSEC_GSS, AUTH_DH) is never cheap */
	flavor = rd32(rq->buf + 24);
	if (flavor != 0 && flavor != 1)
		return false;
	if (srv->inline_off_until != 0) {
		if (time(NULL) < srv->inline_off_until)
			return false;
		srv->inline_off_until = 0;
		log_notice("calls run on the event loop again");
	}
	if (srv->inline_round >= RPC_INLINE_PER_ROUND)
		return false;	/* a busy round: the workers share it */
	if (srv->inline_gate != NULL && !srv->inline_gate(srv->inline_gate_arg,
	    rq, !rq->fast))
		return false;
	srv->inline_round++;
	rq->inline_call = true;
	srv->inline_ran = true;
	srv->inline_calls++;
	t0 = stats_now_ns();
	rpc_dispatch(srv, rq);
	srv_request_done(srv, rq);
	ms = (stats_now_ns() - t0) / 1000000u;
	if (ms >= RPC_INLINE_STALL_MS) {
		srv->inline_off_until = time(NULL) + RPC_INLINE_OFF_SECS;
		log_notice("a cheap call held the event loop for %llu ms: "
		    "every call goes to the workers for %d s",
		    (unsigned long long)ms, RPC_INLINE_OFF_SECS);
	}
	return true;
}

void
sched_inline_settle(struct rpc_srv *srv)
{
	if (!srv->inline_ran)
		return;
	srv->inline_ran = false;
	if (ident_root() != 0)
		log_warnx("event loop: cannot switch back to root");
}

bool
srv_queue_full(struct rpc_srv *srv)
{
	return srv->qlen >= srv->cfg.queue_max;
}

/* ------------------------------------------------------------ rings */

static void
ring_add(struct rpc_srv *srv, struct rpc_sched *s, bool fast)
{
	if (fast) {
		if (s->on_fring)
			return;
		s->on_fring = true;
		s->fnext = NULL;
		if (srv->fring_tail != NULL)
			srv->fring_tail->fnext = s;
		else
			srv->fring = s;
		srv->fring_tail = s;
	} else {
		if (s->on_sring)
			return;
		s->on_sring = true;
		s->snext = NULL;
		if (srv->sring_tail != NULL)
			srv->sring_tail->snext = s;
		else
			srv->sring = s;
		srv->sring_tail = s;
	}
}

static struct rpc_sched *
ring_pop(struct rpc_srv *srv, bool fast)
{
	struct rpc_sched *s;

	if (fast) {
		if ((s = srv->fring) == NULL)
			return NULL;
		if ((srv->fring = s->fnext) == NULL)
			srv->fring_tail = NULL;
		s->on_fring = false;
	} else {
		if ((s = srv->sring) == NULL)
			return NULL;
		if ((srv->sring = s->snext) == NULL)
			srv->sring_tail = NULL;
		s->on_sring = false;
	}
	return s;
}

static void
ring_remove(struct rpc_srv *srv, struct rpc_sched *s)
{
	struct rpc_sched **pp, *prev;

	if (s->on_fring) {
		for (prev = NULL, pp = &srv->fring; *pp != NULL;
		    prev = *pp, pp = &(*pp)->fnext)
			if (*pp == s) {
				*pp = s->fnext;
				if (srv->fring_tail == s)
					srv->fring_tail = prev;
				break;
			}
		s->on_fring = false;
	}
	if (s->on_sring) {
		for (prev = NULL, pp = &srv->sring; *pp != NULL;
		    prev = *pp, pp = &(*pp)->snext)
			if (*pp == s) {
				*pp = s->snext;
				if (srv->sring_tail == s)
					srv->sring_tail = prev;
				break;
			}
		s->on_sring = false;
	}
}

/* ------------------------------------------------------------ queueing */

void
sched_enqueue(struct rpc_srv *srv, struct rpc_sched *s, struct req *rq)
{
	if (s == NULL)
		s = &srv->udp_sched;
	rq->next = NULL;
	pthread_mutex_lock(&srv->qlock);
	if (rq->fast) {
		if (s->fq_tail != NULL)
			s->fq_tail->next = rq;
		else
			s->fq_head = rq;
		s->fq_tail = rq;
	} else {
		if (s->sq_tail != NULL)
			s->sq_tail->next = rq;
		else
			s->sq_head = rq;
		s->sq_tail = rq;
	}
	if (!s->parked)
		ring_add(srv, s, rq->fast);
	srv->qlen++;
	pthread_mutex_unlock(&srv->qlock);
	/* after the unlock: the worker woken does not block on qlock at once */
	pthread_cond_signal(&srv->qcond);
}

/* The next call for a worker, or NULL; *slow says which kind. qlock held. */
static struct req *
pick(struct rpc_srv *srv, bool *slow)
{
	struct rpc_sched *s;
	struct req *rq;

	while ((s = ring_pop(srv, true)) != NULL) {
		if (s->parked || (rq = s->fq_head) == NULL)
			continue;
		if ((s->fq_head = rq->next) == NULL)
			s->fq_tail = NULL;
		else
			ring_add(srv, s, true);
		*slow = false;
		return rq;
	}
	if (srv->slow_busy >= srv->slow_max)
		return NULL;
	while ((s = ring_pop(srv, false)) != NULL) {
		if (s->parked || (rq = s->sq_head) == NULL)
			continue;
		if ((s->sq_head = rq->next) == NULL)
			s->sq_tail = NULL;
		else
			ring_add(srv, s, false);
		*slow = true;
		return rq;
	}
	return NULL;
}

void
sched_drop(struct rpc_srv *srv, struct rpc_sched *s)
{
	struct req *list = NULL, *rq, *next;
	unsigned n = 0;

	pthread_mutex_lock(&srv->qlock);
	ring_remove(srv, s);
	s->parked = true;	/* never again */
	for (rq = s->fq_head; rq != NULL; rq = next, n++) {
		next = rq->next;
		rq->next = list;
		list = rq;
	}
	for (rq = s->sq_head; rq != NULL; rq = next, n++) {
		next = rq->next;
		rq->next = list;
		list = rq;
	}
	s->fq_head = s->fq_tail = s->sq_head = s->sq_tail = NULL;
	srv->qlen -= n;
	pthread_mutex_unlock(&srv->qlock);
	for (rq = list; rq != NULL; rq = next) {
		next = rq->next;
		srv_request_done(srv, rq);	/* as if answered: accounting */
	}
}

void
sched_park(struct rpc_srv *srv, struct rpc_sched *s, bool park)
{
	pthread_mutex_lock(&srv->qlock);
	if (s->parked != park && !(park == false && s->conn != NULL &&
	    atomic_load(&s->conn->dead))) {
		s->parked = park;
		if (park)
			ring_remove(srv, s);
		else {
			if (s->fq_head != NULL)
				ring_add(srv, s, true);
			if (s->sq_head != NULL)
				ring_add(srv, s, false);
			pthread_cond_broadcast(&srv->qcond);
		}
	}
	pthread_mutex_unlock(&srv->qlock);
}

/* ------------------------------------------------------------ workers */

static void *
worker_main(void *arg)
{
	struct rpc_worker *w = arg;
	struct rpc_srv *srv = w->srv;
	struct req *rq;
	bool slow;

	pthread_mutex_lock(&srv->qlock);
	for (;;) {
		if (w->idx >= srv->nwant) {
			/* surplus after rpc_srv_set_threads(): a wake-up meant
			 * for a worker that stays may have come here */
			pthread_cond_signal(&srv->qcond);
			break;
		}
		if ((rq = pick(srv, &slow)) == NULL) {
			if (srv->qstop)
				break;
			pthread_cond_wait(&srv->qcond, &srv->qlock);
			continue;
		}
		srv->qlen--;
		if (slow)
			srv->slow_busy++;
		pthread_mutex_unlock(&srv->qlock);
		rq->next = NULL;
		rpc_dispatch(srv, rq);
		srv_request_done(srv, rq);
		pthread_mutex_lock(&srv->qlock);
		if (slow) {
			srv->slow_busy--;
			if (srv->sring != NULL)
				pthread_cond_signal(&srv->qcond);
		}
	}
	pthread_mutex_unlock(&srv->qlock);
	return NULL;
}

/* Workers that only cheap calls may use, out of n; qlock held or no
 * worker yet. */
static void
set_slow_max(struct rpc_srv *srv, unsigned n)
{
	unsigned reserve = srv->cfg.fast_reserve;

	if (reserve == 0 && n >= 2)
		reserve = n / 8 > 0 ? n / 8 : 1;
	if (reserve >= n)
		reserve = n - 1;
	srv->slow_max = n - reserve;
}

/* Start workers [nworkers, n). Called by the loop thread only. */
static int
workers_grow(struct rpc_srv *srv, unsigned n)
{
	struct rpc_worker **v, *w;
	unsigned i;
	int rc;

	if ((v = reallocarray(srv->workers, n, sizeof(*v))) == NULL)
		return -ENOMEM;
	srv->workers = v;
	pthread_mutex_lock(&srv->qlock);
	srv->nwant = n;
	pthread_mutex_unlock(&srv->qlock);
	for (i = srv->nworkers; i < n; i++) {
		if ((w = calloc(1, sizeof(*w))) == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		w->srv = srv;
		w->idx = i;
		if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) !=
		    0) {
			free(w);
			rc = -rc;
			goto fail;
		}
		srv->workers[i] = w;
		srv->nworkers++;
	}
	pthread_mutex_lock(&srv->qlock);
	set_slow_max(srv, n);
	pthread_mutex_unlock(&srv->qlock);
	return 0;
fail:
	/* keep those that started */
	pthread_mutex_lock(&srv->qlock);
	srv->nwant = srv->nworkers;
	set_slow_max(srv, srv->nworkers);
	pthread_mutex_unlock(&srv->qlock);
	return rc;
}

/* Stop workers [n, nworkers) once their current call is done. */
static void
workers_shrink(struct rpc_srv *srv, unsigned n)
{
	unsigned i;

	pthread_mutex_lock(&srv->qlock);
	srv->nwant = n;
	set_slow_max(srv, n);
	pthread_cond_broadcast(&srv->qcond);
	pthread_mutex_unlock(&srv->qlock);
	for (i = n; i < srv->nworkers; i++) {
		pthread_join(srv->workers[i]->thread, NULL);
		free(srv->workers[i]);
		srv->workers[i] = NULL;
	}
	srv->nworkers = n;
	/* the survivors may have cheap calls to take now */
	pthread_mutex_lock(&srv->qlock);
	pthread_cond_broadcast(&srv->qcond);
	pthread_mutex_unlock(&srv->qlock);
}

int
workers_start(struct rpc_srv *srv)
{
	if (srv->nworkers > 0)
		return 0;
	return workers_grow(srv, srv->cfg.nthreads);
}

int
rpc_srv_set_threads(struct rpc_srv *srv, unsigned n)
{
	int rc = 0;

	if (n == 0)
		return -EINVAL;
	if (srv->nworkers == 0) {
		/* not running yet: rpc_srv_run() starts this many */
		srv->cfg.nthreads = n;
		return 0;
	}
	if (n > srv->nworkers)
		rc = workers_grow(srv, n);
	else if (n < srv->nworkers)
		workers_shrink(srv, n);
	srv->cfg.nthreads = srv->nworkers;
	return rc;
}

unsigned
rpc_srv_threads(const struct rpc_srv *srv)
{
	return srv->nworkers > 0 ? srv->nworkers : srv->cfg.nthreads;
}

void
workers_stop(struct rpc_srv *srv)
{
	unsigned i;

	pthread_mutex_lock(&srv->qlock);
	srv->qstop = true;
	pthread_cond_broadcast(&srv->qcond);
	pthread_mutex_unlock(&srv->qlock);
	for (i = 0; i < srv->nworkers; i++) {
		pthread_join(srv->workers[i]->thread, NULL);
		free(srv->workers[i]);
	}
	free(srv->workers);
	srv->workers = NULL;
	srv->nworkers = 0;
}
