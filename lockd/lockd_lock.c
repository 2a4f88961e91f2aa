/*
 * lockd_lock.c: TEST, LOCK (and NM_LOCK), CANCEL, UNLOCK, for every
 * version (lockd_procs.c converts the arguments), RFC 1813 section 6 and
 * XNFS chapter 10.
 *
 * A call first resolves its handle outside the table lock (lockd_file.c:
 * the export and client checks may wait for a name lookup), then works on
 * the tables and the kernel under lockd.lock. LOCK asks statd to monitor a
 * host before its first lock (NM_LOCK does not).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "lockd/lockd.h"

#define DEADLOCK_DEPTH	64

nlm4_stats
lk_check_args(const struct lk_args *a)
{
	if (a->cookie != NULL && a->cookie->n_len > LK_COOKIE_MAX)
		return NLM4_DENIED_NOLOCKS;
	if (a->caller != NULL && strlen(a->caller) > LK_CALLER_MAX)
		return NLM4_DENIED_NOLOCKS;
	if (a->oh != NULL && a->oh->n_len > LK_OH_MAX)
		return NLM4_DENIED_NOLOCKS;
	if (a->fh != NULL && a->fh->n_len > LK_FH_MAX)
		return NLM4_STALE_FH;
	return NLM4_GRANTED;
}

bool
lk_in_grace(struct lockd *lk, time_t now)
{
	bool on = grace_active(&lk->grace, now);

	if (!on && lk->grace_logged == 0) {
		lk->grace_logged = now;
		log_notice("grace period over: taking new locks");
	}
	return on;
}

static bool
grace_ok(struct lockd *lk, enum grace_op op, bool reclaim)
{
	time_t now = time(NULL);

	(void)lk_in_grace(lk, now);	/* logs the end once */
	return grace_allows(&lk->grace, now, op, reclaim);
}

/* The file of a call by its handle when the object is gone (UNLOCK and
 * CANCEL of a file removed meanwhile must still find what they hold). */
static struct lk_file *
file_by_fh(struct lockd *lk, const netobj *fh)
{
	unsigned b;
	struct lk_file *f;

	for (b = 0; b < LK_FILE_BUCKETS; b++)
		for (f = lk->files[b]; f != NULL; f = f->next)
			if (f->fhlen == fh->n_len && fh->n_len > 0 &&
			    memcmp(f->fh, fh->n_bytes, fh->n_len) == 0)
				return f;
	return NULL;
}

static void
file_note_fh(struct lk_file *f, const netobj *fh)
{
	if (f->fhlen == 0 && fh->n_len <= LK_FH_MAX) {
		memcpy(f->fh, fh->n_bytes, fh->n_len);
		f->fhlen = fh->n_len;
	}
}

/* ------------------------------------------------------------ TEST */

/* The NFS owner on f (not `me`) whose lock conflicts with q inside the
 * range the kernel reported. */
static const struct lk_ofd *
holder_of(const struct lk_file *f, const struct lk_ofd *me,
    const struct lk_range *q, const struct lk_range *held,
    const struct lk_range **rp)
{
	const struct lk_ofd *d;
	size_t i;

	for (d = f != NULL ? f->ofds : NULL; d != NULL; d = d->next) {
		if (d == me)
			continue;
		for (i = 0; i < d->locks.n; i++)
			if (lk_conflicts(&d->locks.r[i], q) &&
			    lk_overlap(&d->locks.r[i], held)) {
				*rp = &d->locks.r[i];
				return d;
			}
	}
	return NULL;
}

nlm4_stats
lk_do_test(struct req *rq, const struct lk_args *a, struct lk_holder *hd)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_target t;
	struct lk_host *h;
	struct lk_owner *o;
	struct lk_file *f;
	const struct lk_ofd *me = NULL, *hold;
	const struct lk_range *hr;
	struct lk_range held;
	char path[32];
	nlm4_stats st;
	bool conflict;
	pid_t pid = 0;
	int rc, fd;

	/* a denial before the holder is known names nobody (never stack
	 * garbage) */
	memset(hd, 0, sizeof(*hd));
	if ((st = lk_check_args(a)) != NLM4_GRANTED)
		return st;
	if ((rc = lk_target_open(rq, a->fh, &t)) != 0)
		return lk_errno_stat(rc);
	/* a description to ask with (an O_PATH one cannot be asked) */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t.fd);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		lk_target_close(&t);
		return lk_errno_stat(rc);
	}
	pthread_mutex_lock(&lk->lock);
	if (!grace_ok(lk, GR_TEST, false)) {
		st = NLM4_DENIED_GRACE_PERIOD;
		goto out;
	}
	f = lk_file_get(lk, t.st.st_dev, t.st.st_ino, false);
	if (f != NULL && (h = lk_host_get(lk, (struct sockaddr *)&rq->peer,
	    false)) != NULL && (o = lk_owner_get(lk, h, a->caller, a->svid,
	    a->oh, false)) != NULL)
		me = lk_ofd_find(f, o);
	/* ask through the tester's own description: its locks never
	 * conflict with itself */
	rc = lk_k_getlk(me != NULL ? me->fd : fd, &a->range, &conflict, &held,
	    &pid);
	if (rc != 0) {
		st = lk_errno_stat(rc);
		goto out;
	}
	if (!conflict) {
		st = NLM4_GRANTED;
		goto out;
	}
	if ((hold = holder_of(f, me, &a->range, &held, &hr)) != NULL) {
		hd->excl = hr->excl;
		hd->svid = hold->owner->svid;
		hd->ohlen = hold->owner->ohlen;
		memcpy(hd->oh, hold->owner->oh, hd->ohlen);
		hd->range = *hr;
	} else {
		/* a process on the server (or another lock manager) */
		hd->excl = held.excl;
		hd->svid = pid > 0 ? pid : 0;
		hd->range = held;
	}
	st = NLM4_DENIED;
out:
	pthread_mutex_unlock(&lk->lock);
	close(fd);
	lk_target_close(&t);
	return st;
}

/* ------------------------------------------------------------ deadlocks */

/* Would `me`, blocking for q on f, wait (transitively) for itself? Only
 * NFS owners are known; a local holder ends the search. */
static bool
would_deadlock(const struct lk_owner *me, const struct lk_file *f,
    const struct lk_range *q, unsigned depth)
{
	const struct lk_ofd *d;
	const struct lk_waiter *w;
	size_t i;

	if (depth > DEADLOCK_DEPTH)
		return false;
	for (d = f->ofds; d != NULL; d = d->next) {
		if (d->owner == me && depth > 0)
			goto mine;
		if (d->owner == me)
			continue;
		for (i = 0; i < d->locks.n; i++) {
			if (!lk_conflicts(&d->locks.r[i], q))
				continue;
			/* d's owner holds us up: what does it wait for? */
			for (w = d->owner->waiters; w != NULL; w = w->onext)
				if (w->state == W_WAITING &&
				    would_deadlock(me, w->ofd->file, &w->range,
				    depth + 1))
					return true;
			break;
		}
		continue;
mine:
		for (i = 0; i < d->locks.n; i++)
			if (lk_conflicts(&d->locks.r[i], q))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------ LOCK */

nlm4_stats
lk_do_lock(struct req *rq, const struct lk_args *a)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_target t;
	struct lk_host *h = NULL;
	struct lk_owner *o = NULL;
	struct lk_file *f = NULL;
	struct lk_ofd *d = NULL;
	struct lk_waiter *w;
	nlm4_stats st;
	int rc;

	if ((st = lk_check_args(a)) != NLM4_GRANTED)
		return st;
	if ((rc = lk_target_open(rq, a->fh, &t)) != 0)
		return lk_errno_stat(rc);
	if (a->excl && t.ro) {
		lk_target_close(&t);
		return NLM4_ROFS;
	}
	pthread_mutex_lock(&lk->lock);
	if (!grace_ok(lk, GR_LOCK, a->reclaim)) {
		st = NLM4_DENIED_GRACE_PERIOD;
		goto out;
	}
	if ((h = lk_host_get(lk, (struct sockaddr *)&rq->peer, true)) == NULL) {
		if (ratelog_allow(&lk->rate_limits,
		    (const struct sockaddr *)&rq->peer))
			log_warnx("%s: lock refused: too many client hosts "
			    "(%u)", req_peer_str(rq), lk->lim.max_hosts);
		st = NLM4_DENIED_NOLOCKS;
		goto out;
	}
	h->busy++;
	h->nsm_state = a->state;
	if (a->monitor && h->mon != MON_YES &&
	    (rc = lk_monitor(lk, h)) != 0) {
		if (ratelog_allow(&lk->rate_limits,
		    (const struct sockaddr *)&rq->peer))
			log_warnx("%s: lock refused: statd cannot monitor it "
			    "(%s)", h->key, strerror(-rc));
		st = NLM4_DENIED_NOLOCKS;
		goto out;
	}
	if ((o = lk_owner_get(lk, h, a->caller, a->svid, a->oh, true)) == NULL ||
	    (f = lk_file_get(lk, t.st.st_dev, t.st.st_ino, true)) == NULL) {
		if (o != NULL)
			lk_owner_unref(lk, o);
		st = NLM4_DENIED_NOLOCKS;
		goto out;
	}
	file_note_fh(f, a->fh);
	o->refs++;		/* held across the call */
	if ((d = lk_ofd_get(lk, f, o, &t, &rc)) == NULL) {
		st = lk_errno_stat(rc);
		goto out_owner;
	}
	w = lk_waiter_find(d, &a->range);
	if (lk_list_covers(&d->locks, &a->range)) {
		/* a resend, or the client's poll while we call it back */
		if (w != NULL && w->state == W_GRANTING)
			lk_waiter_remove(lk, w, false);
		st = NLM4_GRANTED;
		goto out_owner;
	}
	if (a->excl && !d->rw) {
		st = NLM4_ROFS;
		goto out_owner;
	}
	rc = lk_k_setlk(d->fd, &a->range, false);
	if (rc == 0) {
		if (lk_list_set(&d->locks, &a->range) != 0) {
			(void)lk_k_setlk(d->fd, &a->range, true);
			st = NLM4_DENIED_NOLOCKS;
			goto out_owner;
		}
		if (w != NULL && w->state == W_WAITING)
			lk_waiter_remove(lk, w, false);
		if (a->reclaim)
			grace_reclaimed(&lk->grace, h->key, time(NULL));
		/* a downgrade in place may let others in */
		if (f->nwaiting > 0)
			lk_file_wake(lk, f);
		st = NLM4_GRANTED;
		goto out_owner;
	}
	if (rc != -EAGAIN && rc != -EACCES) {
		st = lk_errno_stat(rc);
		goto out_owner;
	}
	if (!a->block || rq->kind == RPC_XPRT_LOCAL) {
		st = NLM4_DENIED;
		goto out_owner;
	}
	if (w != NULL) {
		st = NLM4_BLOCKED;	/* already queued */
		goto out_owner;
	}
	if (would_deadlock(o, f, &a->range, 0)) {
		st = NLM4_DEADLCK;
		goto out_owner;
	}
	if ((rc = lk_waiter_add(lk, d, a, rq->kind == RPC_XPRT_UDP ?
	    RPC_CLNT_UDP : RPC_CLNT_TCP, &w)) != 0) {
		if (ratelog_allow(&lk->rate_limits,
		    (const struct sockaddr *)&rq->peer))
			log_info("%s: blocking lock refused: %u waiting "
			    "(host %u)", h->key, lk->nwaiters, h->nwaiters);
		st = NLM4_DENIED_NOLOCKS;
		goto out_owner;
	}
	st = NLM4_BLOCKED;
out_owner:
	if (d != NULL)
		lk_ofd_maybe_close(lk, d);
	o->refs--;
	lk_owner_unref(lk, o);
out:
	if (f != NULL)
		lk_file_maybe_free(lk, f);
	if (h != NULL) {
		h->busy--;
		h->last_used = time(NULL);
	}
	pthread_mutex_unlock(&lk->lock);
	lk_target_close(&t);
	return st;
}

/* ------------------------------------------------------------ UNLOCK, CANCEL */

/* The caller's description of the file a handle names, or NULL. */
static struct lk_ofd *
find_ofd(struct lockd *lk, struct req *rq, const struct lk_args *a,
    const struct lk_target *t, struct lk_file **fp)
{
	struct lk_host *h;
	struct lk_owner *o;
	struct lk_file *f;

	*fp = NULL;
	f = t->fd >= 0 ? lk_file_get(lk, t->st.st_dev, t->st.st_ino, false) :
	    file_by_fh(lk, a->fh);
	if (f == NULL ||
	    (h = lk_host_get(lk, (struct sockaddr *)&rq->peer, false)) == NULL ||
	    (o = lk_owner_get(lk, h, a->caller, a->svid, a->oh, false)) == NULL)
		return NULL;
	h->last_used = time(NULL);
	*fp = f;
	return lk_ofd_find(f, o);
}

/* UNLOCK and CANCEL: resolve the handle, but carry on by handle bytes
 * when the file is gone (stale), so its locks can still be released. */
static int
open_for_release(struct req *rq, const struct lk_args *a, struct lk_target *t)
{
	int rc = lk_target_open(rq, a->fh, t);

	if (rc == -ESTALE)
		return 0;	/* t->fd stays -1: look it up by handle */
	return rc;
}

nlm4_stats
lk_do_unlock(struct req *rq, const struct lk_args *a)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_target t;
	struct lk_file *f;
	struct lk_ofd *d;
	nlm4_stats st;
	int rc;

	if ((st = lk_check_args(a)) != NLM4_GRANTED)
		return st;
	if ((rc = open_for_release(rq, a, &t)) != 0)
		return lk_errno_stat(rc);
	pthread_mutex_lock(&lk->lock);
	if (!grace_ok(lk, GR_UNLOCK, false)) {
		st = NLM4_DENIED_GRACE_PERIOD;
		goto out;
	}
	st = NLM4_GRANTED;	/* unlocking what is not held is fine */
	if ((d = find_ofd(lk, rq, a, &t, &f)) != NULL) {
		if ((rc = lk_k_setlk(d->fd, &a->range, true)) != 0)
			log_warnx("unlock: %s", strerror(-rc));
		if (lk_list_clear(&d->locks, &a->range) != 0) {
			/* no memory to split the mirror: drop it whole, the
			 * kernel has the truth */
			lk_list_free(&d->locks);
		}
		lk_ofd_maybe_close(lk, d);
	}
	if (f != NULL) {
		lk_file_wake(lk, f);
		lk_file_maybe_free(lk, f);
	}
out:
	pthread_mutex_unlock(&lk->lock);
	lk_target_close(&t);
	return st;
}

nlm4_stats
lk_do_cancel(struct req *rq, const struct lk_args *a)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_target t;
	struct lk_file *f;
	struct lk_ofd *d;
	struct lk_waiter *w;
	nlm4_stats st;
	int rc;

	if ((st = lk_check_args(a)) != NLM4_GRANTED)
		return st;
	if ((rc = open_for_release(rq, a, &t)) != 0)
		return lk_errno_stat(rc);
	pthread_mutex_lock(&lk->lock);
	if (!grace_ok(lk, GR_CANCEL, false)) {
		st = NLM4_DENIED_GRACE_PERIOD;
		goto out;
	}
	st = NLM4_GRANTED;
	if ((d = find_ofd(lk, rq, a, &t, &f)) != NULL &&
	    (w = lk_waiter_find(d, &a->range)) != NULL) {
		/* a grant the client has not taken is given back too */
		lk_waiter_remove(lk, w, true);
	}
	if (f != NULL) {
		lk_file_wake(lk, f);
		lk_file_maybe_free(lk, f);
	}
out:
	pthread_mutex_unlock(&lk->lock);
	lk_target_close(&t);
	return st;
}

void
lk_granted_res(struct req *rq, const netobj *cookie, nlm4_stats st)
{
	struct lockd *lk = lockd_of(rq);
	struct lk_host *h;
	uint64_t id;

	if (cookie->n_len != sizeof(id))
		return;		/* not one of ours */
	memcpy(&id, cookie->n_bytes, sizeof(id));
	pthread_mutex_lock(&lk->lock);
	if ((h = lk_host_get(lk, (struct sockaddr *)&rq->peer, false)) != NULL)
		lk_grant_answer(lk, id, 0, st, h);
	pthread_mutex_unlock(&lk->lock);
}
