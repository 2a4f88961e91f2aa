/*
 * lockd_block.c: blocked locks. A LOCK with block set that conflicts is
 * answered BLOCKED and queued here (bounded per host and in all). A waiter
 * is tried again, in queue order, whenever lockd releases something on
 * its file and every second (a local process's unlock tells us nothing).
 * When it can be taken the lock is taken at once (W_GRANTING) and the
 * client's lock manager is called back: NLM_GRANTED for a LOCK, or
 * GRANTED_MSG for a LOCK_MSG, through the async client, at the client's
 * address and its rpcbind's port, over the transport the request came on.
 * An unreachable client is retried with back-off (1 s doubling to 30 s)
 * without holding any thread; a client that answers "denied" (it no
 * longer waits) gets the lock released; CANCEL removes a waiter and
 * releases a lock not yet acknowledged; the client resending its LOCK
 * while we still call it back is answered granted (lockd_lock.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "lockd/lockd.h"

#define BACKOFF_MAX	30	/* s between callback attempts */
#define MSG_ANSWER_WAIT	30	/* s for a GRANTED_RES before resending */

int
lk_waiter_add(struct lockd *lk, struct lk_ofd *d, const struct lk_args *a,
    enum rpc_clnt_proto proto, struct lk_waiter **wp)
{
	struct lk_host *h = d->owner->host;
	struct lk_waiter *w;

	if (lk->nwaiters >= lk->lim.max_waiters ||
	    h->nwaiters >= lk->lim.max_waiters_per_host ||
	    a->fh->n_len > LK_FH_MAX)
		return -ENOLCK;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->id = ++lk->next_id;
	w->ofd = d;
	w->range = a->range;
	w->wire_off = a->off;
	w->wire_len = a->len;
	memcpy(w->fh, a->fh->n_bytes, a->fh->n_len);
	w->fhlen = a->fh->n_len;
	w->vers = a->vers;
	w->proto = proto;
	w->msg = a->msg;
	w->state = W_WAITING;
	if (d->file->wq_tail != NULL)
		d->file->wq_tail->fnext = w;
	else
		d->file->wq = w;
	d->file->wq_tail = w;
	d->file->nwaiting++;
	w->onext = d->owner->waiters;
	d->owner->waiters = w;
	d->owner->refs++;
	d->nwaiters++;
	h->nwaiters++;
	lk->nwaiters++;
	*wp = w;
	return 0;
}

struct lk_waiter *
lk_waiter_find(struct lk_ofd *d, const struct lk_range *r)
{
	struct lk_waiter *w;

	for (w = d->owner->waiters; w != NULL; w = w->onext)
		if (w->ofd == d && w->range.start == r->start &&
		    w->range.end == r->end && w->range.excl == r->excl)
			return w;
	return NULL;
}

void
lk_waiter_remove(struct lockd *lk, struct lk_waiter *w, bool release)
{
	struct lk_ofd *d = w->ofd;
	struct lk_file *f = d->file;
	struct lk_owner *o = d->owner;
	struct lk_waiter **pp, *prev = NULL;

	for (pp = &f->wq; *pp != NULL; prev = *pp, pp = &(*pp)->fnext)
		if (*pp == w) {
			*pp = w->fnext;
			if (f->wq_tail == w)
				f->wq_tail = prev;
			break;
		}
	for (pp = &o->waiters; *pp != NULL; pp = &(*pp)->onext)
		if (*pp == w) {
			*pp = w->onext;
			break;
		}
	if (w->state == W_WAITING)
		f->nwaiting--;
	else if (release) {
		/* granted but never acknowledged: the client does not hold it */
		(void)lk_k_setlk(d->fd, &w->range, true);
		(void)lk_list_clear(&d->locks, &w->range);
	}
	d->nwaiters--;
	o->host->nwaiters--;
	lk->nwaiters--;
	free(w);
	o->refs--;
	/* o stays: d refers to it until d is closed */
	lk_ofd_maybe_close(lk, d);
}

/* ------------------------------------------------------------ callbacks */

struct grant_cb {
	struct lockd	*lk;
	uint64_t	 id;
	bool		 msg;
};

static void
grant_done(void *arg, int err, void *res)
{
	struct grant_cb *cb = arg;
	nlm4_stats st = NLM4_GRANTED;

	if (err == 0 && !cb->msg && res != NULL)
		st = ((nlm4_res *)res)->stat.stat;	/* v1/v3: same layout */
	pthread_mutex_lock(&cb->lk->lock);
	lk_grant_answer(cb->lk, cb->id, err, cb->msg && err == 0 ?
	    (nlm4_stats)-1 : st, NULL);
	pthread_mutex_unlock(&cb->lk->lock);
	free(cb);
}

/* Call the client back for a granted waiter (GRANTED or GRANTED_MSG). */
static void
grant_send(struct lockd *lk, struct lk_waiter *w)
{
	struct lk_owner *o = w->ofd->owner;
	struct rpc_clnt_call c;
	struct grant_cb *cb;
	uint8_t cookie[8];
	uint64_t idn = w->id;
	nlm4_testargs a4;
	nlm_testargs a3;
	int rc;

	if ((cb = calloc(1, sizeof(*cb))) == NULL)
		return;		/* the timer tries again */
	cb->lk = lk;
	cb->id = w->id;
	cb->msg = w->msg;
	memcpy(cookie, &idn, sizeof(cookie));
	memset(&c, 0, sizeof(c));
	c.dest = o->host->addr;		/* port 0: the client's rpcbind */
	c.proto = w->proto;
	c.prog = NLM_PROG;
	c.vers = w->vers;
	c.proc = w->msg ? NLMPROC_GRANTED_MSG : NLMPROC_GRANTED;
	c.timeout_ms = 10000;
	c.retrans_ms = 1000;
	c.done = grant_done;
	c.arg = cb;
	if (w->vers == NLM4_VERS) {
		memset(&a4, 0, sizeof(a4));
		a4.cookie.n_len = sizeof(cookie);
		a4.cookie.n_bytes = (char *)cookie;
		a4.exclusive = w->range.excl;
		a4.alock.caller_name = lk->hostname;
		a4.alock.fh.n_len = (u_int)w->fhlen;
		a4.alock.fh.n_bytes = (char *)w->fh;
		a4.alock.oh.n_len = (u_int)o->ohlen;
		a4.alock.oh.n_bytes = (char *)o->oh;
		a4.alock.svid = o->svid;
		a4.alock.l_offset = w->wire_off;
		a4.alock.l_len = w->wire_len;
		c.xdr_args = (xdrproc_t)(void (*)(void))xdr_nlm4_testargs;
		c.args = &a4;
		c.xdr_res = w->msg ? NULL : (xdrproc_t)(void (*)(void))xdr_nlm4_res;
		c.res_size = w->msg ? 0 : sizeof(nlm4_res);
	} else {
		memset(&a3, 0, sizeof(a3));
		a3.cookie.n_len = sizeof(cookie);
		a3.cookie.n_bytes = (char *)cookie;
		a3.exclusive = w->range.excl;
		a3.alock.caller_name = lk->hostname;
		a3.alock.fh.n_len = (u_int)w->fhlen;
		a3.alock.fh.n_bytes = (char *)w->fh;
		a3.alock.oh.n_len = (u_int)o->ohlen;
		a3.alock.oh.n_bytes = (char *)o->oh;
		a3.alock.svid = o->svid;
		a3.alock.l_offset = (u_int)w->wire_off;
		a3.alock.l_len = (u_int)w->wire_len;
		c.xdr_args = (xdrproc_t)(void (*)(void))xdr_nlm_testargs;
		c.args = &a3;
		c.xdr_res = w->msg ? NULL : (xdrproc_t)(void (*)(void))xdr_nlm_res;
		c.res_size = w->msg ? 0 : sizeof(nlm_res);
	}
	w->attempts++;
	if ((rc = rpc_clnt_call(lk->clnt, &c)) != 0) {
		free(cb);
		log_debug(LOG_D_STATE, "GRANTED to %s not sent: %s",
		    o->host->key, strerror(-rc));
		return;
	}
	w->inflight = true;
}

static struct lk_waiter *
waiter_by_id(struct lockd *lk, uint64_t id)
{
	struct lk_host *h;
	struct lk_owner *o;
	struct lk_waiter *w;

	for (h = lk->hosts; h != NULL; h = h->next) {
		if (h->nwaiters == 0)
			continue;
		for (o = h->owners; o != NULL; o = o->next)
			for (w = o->waiters; w != NULL; w = w->onext)
				if (w->id == id)
					return w;
	}
	return NULL;
}

void
lk_grant_answer(struct lockd *lk, uint64_t id, int err, nlm4_stats st,
    const struct lk_host *from)
{
	struct lk_waiter *w = waiter_by_id(lk, id);
	struct lk_file *f;
	time_t now = time(NULL);

	if (w == NULL || w->state != W_GRANTING ||
	    (from != NULL && w->ofd->owner->host != from))
		return;		/* cancelled, answered, or not its client */
	if (from == NULL)
		w->inflight = false;
	if (err != 0) {
		w->backoff = w->backoff == 0 ? 1 : w->backoff * 2;
		if (w->backoff > BACKOFF_MAX)
			w->backoff = BACKOFF_MAX;
		w->next_try = now + (time_t)w->backoff;
		if (w->attempts == 1 || w->attempts % 10 == 0)
			log_info("GRANTED callback to %s failed (%s), attempt "
			    "%u; retrying in %u s", w->ofd->owner->host->key,
			    strerror(-err), w->attempts, w->backoff);
		return;
	}
	if ((int)st == -1) {
		/* GRANTED_MSG delivered: wait for its GRANTED_RES */
		w->next_try = now + MSG_ANSWER_WAIT;
		return;
	}
	f = w->ofd->file;
	if (st == NLM4_GRANTED) {
		log_debug(LOG_D_STATE, "%s accepted the grant",
		    w->ofd->owner->host->key);
		lk_waiter_remove(lk, w, false);
	} else {
		log_info("%s refused a granted lock (status %d): released",
		    w->ofd->owner->host->key, (int)st);
		lk_waiter_remove(lk, w, true);
		lk_file_wake(lk, f);
	}
	lk_file_maybe_free(lk, f);
}

/* ------------------------------------------------------------ granting */

/* Can w be taken now? Takes it (kernel and mirror) when so. */
static bool
try_take(struct lockd *lk, struct lk_waiter *w)
{
	struct lk_ofd *d = w->ofd;
	int rc;

	(void)lk;
	if ((rc = lk_k_setlk(d->fd, &w->range, false)) != 0) {
		if (rc != -EAGAIN && rc != -EACCES)
			log_debug(LOG_D_STATE, "retry of a blocked lock: %s",
			    strerror(-rc));
		return false;
	}
	if (lk_list_set(&d->locks, &w->range) != 0) {
		/* no memory for the mirror: give the kernel lock back */
		(void)lk_k_setlk(d->fd, &w->range, true);
		return false;
	}
	return true;
}

void
lk_file_wake(struct lockd *lk, struct lk_file *f)
{
	struct lk_waiter *w;
	time_t now = time(NULL);

	for (w = f->wq; w != NULL; w = w->fnext) {
		if (w->state != W_WAITING || !try_take(lk, w))
			continue;
		w->state = W_GRANTING;
		f->nwaiting--;
		w->backoff = 0;
		w->next_try = now;
		log_debug(LOG_D_STATE, "granting a blocked lock of %s",
		    w->ofd->owner->host->key);
		grant_send(lk, w);
	}
}

void
lk_blocks_timer(struct lockd *lk, time_t now)
{
	unsigned b;
	struct lk_file *f;
	struct lk_waiter *w;

	for (b = 0; b < LK_FILE_BUCKETS; b++)
		for (f = lk->files[b]; f != NULL; f = f->next) {
			if (f->wq == NULL)
				continue;
			if (f->nwaiting > 0)
				lk_file_wake(lk, f);
			for (w = f->wq; w != NULL; w = w->fnext)
				if (w->state == W_GRANTING && !w->inflight &&
				    now >= w->next_try)
					grant_send(lk, w);
		}
}
