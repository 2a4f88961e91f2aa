/*
 * rpcbd_live.c: rpcbind does not send clients to dead services.
 *
 * Two ways to learn that the owner of a registration is gone:
 *
 * The owner process. A SET over the local socket carries the caller's pid
 * (SO_PEERCRED); rpcbind opens a pidfd for it (pidfd_open(2)) and a thread
 * of its own waits for all of them with epoll. When the process exits, its
 * registrations are probed at once (rpcbd_probe.c) and those whose port is
 * closed are dropped, in one go and with one line at info level. A port
 * that still answers means the process forked after registering (every
 * daemon of the suite detaches after rpc_srv_register(), so that a
 * Type=forking unit is registered when it is "started"; so do many
 * others): that registration is kept, and its port is checked from then on.
 * A process is known by its pid and its start time, so a reused pid never
 * passes for the process that registered.
 *
 * The port. Registrations with no owner process (PMAP SET from loopback
 * UDP/TCP, callers in another pid namespace, owners that forked, and
 * those a warm start could not tie to a running process) are probed: all
 * of them every port-check-interval seconds by the thread, and one of them
 * by the worker answering a GETPORT, GETADDR or GETVERSADDR for it when
 * its last check is more than RPCBD_RECHECK_MS old. That keeps the cost to
 * one NULL call per registration per interval, plus at most one every two
 * seconds per registration clients actually ask for, while a client is not
 * sent to a closed port more than two seconds after it closed.
 *
 * A warm start keeps a saved registration if its owner process still runs
 * (same pid and start time: it is watched again) or, failing that, if its
 * port still answers.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "rpcbind/rpcbd.h"
#include "rpcbind/rpcbd_live.h"

#define SETTLE_TIMEOUT_MS	250	/* probes of the thread, per 64 */
/* A probe on a worker, for GETADDR: ICMP or RST comes at once on loopback. */
#define FIND_TIMEOUT_MS		20
#define WATCH_GRACE_MS		2000	/* a new watch is not pruned */
#define LIST_MAX		8	/* registrations named in a log line */
#define PLURAL(n)		((n) == 1 ? "" : "s")

struct watch {
	pid_t		pid;
	uint64_t	start;
	int		fd;
	uint64_t	added;		/* ms */
};

struct rpcbd_live {
	struct rpcbd	*rb;
	pthread_mutex_t	 lock;		/* w, nw, interval */
	struct watch	 w[RPCBD_WATCH_MAX];
	size_t		 nw;
	unsigned	 interval;	/* seconds */
	uint64_t	 early;		/* ms: sweep then, not later */
	int		 epfd;
	int		 wakefd;
	pthread_t	 thr;
	bool		 running;
	atomic_bool	 stop;
};

static int
sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);	/* O_CLOEXEC */
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

struct rpcbd_live *
rpcbd_live_new(struct rpcbd *rb, unsigned interval)
{
	struct rpcbd_live *lv;
	struct epoll_event ev;

	if ((lv = calloc(1, sizeof(*lv))) == NULL)
		return NULL;
	lv->rb = rb;
	lv->interval = interval > 0 ? interval : 1;
	lv->epfd = lv->wakefd = -1;
	if (pthread_mutex_init(&lv->lock, NULL) != 0) {
		free(lv);
		return NULL;
	}
	if ((lv->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (lv->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = lv->wakefd;
	if (epoll_ctl(lv->epfd, EPOLL_CTL_ADD, lv->wakefd, &ev) != 0)
		goto fail;
	return lv;
fail:
	rpcbd_live_free(lv);
	return NULL;
}

static void
wake(struct rpcbd_live *lv)
{
	uint64_t one = 1;

	(void)!write(lv->wakefd, &one, sizeof(one));
}

void
rpcbd_live_stop(struct rpcbd_live *lv)
{
	if (lv == NULL || !lv->running)
		return;
	atomic_store(&lv->stop, true);
	wake(lv);
	pthread_join(lv->thr, NULL);
	lv->running = false;
}

void
rpcbd_live_free(struct rpcbd_live *lv)
{
	size_t i;

	if (lv == NULL)
		return;
	rpcbd_live_stop(lv);
	for (i = 0; i < lv->nw; i++)
		close(lv->w[i].fd);
	if (lv->epfd != -1)
		close(lv->epfd);
	if (lv->wakefd != -1)
		close(lv->wakefd);
	pthread_mutex_destroy(&lv->lock);
	free(lv);
}

void
rpcbd_live_set_interval(struct rpcbd_live *lv, unsigned interval)
{
	if (lv == NULL)
		return;
	pthread_mutex_lock(&lv->lock);
	lv->interval = interval > 0 ? interval : 1;
	pthread_mutex_unlock(&lv->lock);
	wake(lv);
}

/*
 * Watch process (pid, start): 0 if it is watched now (or was already),
 * -errno if it cannot be (gone, or a different process has that pid now).
 */
static int
watch(struct rpcbd_live *lv, pid_t pid, uint64_t start)
{
	struct epoll_event ev;
	size_t i;
	int fd, rc = 0;

	pthread_mutex_lock(&lv->lock);
	for (i = 0; i < lv->nw; i++)
		if (lv->w[i].pid == pid && lv->w[i].start == start)
			goto out;
	if (lv->nw >= RPCBD_WATCH_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	if ((fd = sys_pidfd_open(pid)) == -1) {
		rc = -errno;
		goto out;
	}
	/* Still the same process now that we hold it? */
	if (rpcbd_proc_start(pid) != start) {
		close(fd);
		rc = -ESRCH;
		goto out;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = fd;
	if (epoll_ctl(lv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	lv->w[lv->nw].pid = pid;
	lv->w[lv->nw].start = start;
	lv->w[lv->nw].fd = fd;
	lv->w[lv->nw].added = rpcbd_now_ms();
	lv->nw++;
out:
	pthread_mutex_unlock(&lv->lock);
	return rc;
}

/* Stop watching entry i; lv->lock held. */
static void
unwatch_locked(struct rpcbd_live *lv, size_t i)
{
	(void)epoll_ctl(lv->epfd, EPOLL_CTL_DEL, lv->w[i].fd, NULL);
	close(lv->w[i].fd);
	lv->w[i] = lv->w[--lv->nw];
}

void
rpcbd_live_owner(struct rpcbd_live *lv, pid_t pid, struct rpcbd_ent *e)
{
	uint64_t start;
	int rc;

	e->pid = 0;
	e->start = 0;
	if (lv == NULL || pid <= 0 || (start = rpcbd_proc_start(pid)) == 0)
		return;
	if ((rc = watch(lv, pid, start)) != 0) {
		log_debug(LOG_D_STATE, "cannot watch pid %ld: %s; its port "
		    "will be checked instead", (long)pid, strerror(-rc));
		return;
	}
	e->pid = pid;
	e->start = start;
}

/* ---------------------------------------------------------- collecting */

struct ents {
	struct rpcbd_ent	*v;
	size_t			 n, cap;
	int			 err;
};

static void
ents_add(struct ents *es, const struct rpcbd_ent *e)
{
	struct rpcbd_ent *nv;

	if (es->err != 0)
		return;
	if (es->n == es->cap) {
		size_t ncap = es->cap == 0 ? 16 : es->cap * 2;

		if ((nv = reallocarray(es->v, ncap, sizeof(*nv))) == NULL) {
			es->err = -ENOMEM;
			return;
		}
		es->v = nv;
		es->cap = ncap;
	}
	es->v[es->n++] = *e;
}

struct owned_arg {
	struct ents	*es;
	pid_t		 pid;
	uint64_t	 start;
};

static int
owned_one(const struct rpcbd_ent *e, void *arg)
{
	struct owned_arg *oa = arg;

	if (e->prog != RPCBD_PROG && e->pid == oa->pid &&
	    e->start == oa->start)
		ents_add(oa->es, e);
	return 0;
}

/* "100005/3/udp 100005/3/tcp ..." for a log line. */
static const char *
names(const struct rpcbd_ent *v, size_t n, const enum rpcbd_liveness *res,
    enum rpcbd_liveness want, char *buf, size_t len)
{
	size_t i, shown = 0, off = 0;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		if (res[i] != want)
			continue;
		if (shown++ == LIST_MAX) {
			snprintf(buf + off, len - off, " ...");
			break;
		}
		k = snprintf(buf + off, len - off, "%s%lu/%lu/%s",
		    off > 0 ? " " : "", (unsigned long)v[i].prog,
		    (unsigned long)v[i].vers, v[i].netid);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	return buf;
}

/*
 * Probe v[] and act: a dead one is dropped, a live or silent one is kept
 * with no owner process. *dropped and *kept count what was done; the
 * state file is saved if anything changed. res[] gets the verdicts.
 * Returns how many of the kept ones did not answer at all.
 */
static unsigned
settle(struct rpcbd_live *lv, const struct rpcbd_ent *v, size_t n,
    enum rpcbd_liveness *res, unsigned timeout_ms, unsigned *dropped,
    unsigned *kept)
{
	struct rpcbd_db *db = lv->rb->db;
	uint64_t now;
	size_t i;
	unsigned silent = 0;
	bool changed = false;

	*dropped = *kept = 0;
	rpcbd_probe(v, n, res, timeout_ms);
	now = rpcbd_now_ms();
	for (i = 0; i < n; i++) {
		if (res[i] == RPCBD_LIVE_NO) {
			if (rpcbd_db_remove(db, &v[i]) == 1) {
				(*dropped)++;
				changed = true;
			} else
				res[i] = RPCBD_LIVE_UNSURE; /* gone */
			continue;
		}
		if (res[i] == RPCBD_LIVE_UNSURE)
			silent++;
		res[i] = RPCBD_LIVE_YES;	/* for names(): kept */
		if (v[i].pid != 0)
			changed = true;
		if (rpcbd_db_disown(db, &v[i], now) == 1)
			(*kept)++;
	}
	if (changed)
		rpcbd_save(lv->rb);
	return silent;
}

/* A watched process exited (its pidfd, fd, is readable). */
static void
owner_gone(struct rpcbd_live *lv, int fd)
{
	struct ents es = { NULL, 0, 0, 0 };
	struct owned_arg oa = { &es, 0, 0 };
	enum rpcbd_liveness *res = NULL;
	char dbuf[256], kbuf[256];
	unsigned dropped, kept;
	size_t i;
	bool found = false;

	pthread_mutex_lock(&lv->lock);
	for (i = 0; i < lv->nw; i++)
		if (lv->w[i].fd == fd) {
			oa.pid = lv->w[i].pid;
			oa.start = lv->w[i].start;
			unwatch_locked(lv, i);
			found = true;
			break;
		}
	pthread_mutex_unlock(&lv->lock);
	if (!found)
		return;
	(void)rpcbd_db_walk(lv->rb->db, owned_one, &oa);
	if (es.n == 0 || es.err != 0 ||
	    (res = calloc(es.n, sizeof(*res))) == NULL) {
		if (es.n > 0)
			log_warnx("pid %ld exited: out of memory; its "
			    "registrations are checked later", (long)oa.pid);
		goto out;
	}
	if (settle(lv, es.v, es.n, res, SETTLE_TIMEOUT_MS, &dropped,
	    &kept) > 0) {
		/* Silence is no proof of life (a lost ICMP error, a server
		 * still going down): look again soon, not at the interval. */
		pthread_mutex_lock(&lv->lock);
		lv->early = rpcbd_now_ms() + RPCBD_RECHECK_MS + 100;
		pthread_mutex_unlock(&lv->lock);
	}
	names(es.v, es.n, res, RPCBD_LIVE_NO, dbuf, sizeof(dbuf));
	names(es.v, es.n, res, RPCBD_LIVE_YES, kbuf, sizeof(kbuf));
	if (dropped == 0 && kept == 0)
		log_debug(LOG_D_STATE, "pid %ld exited: its registrations "
		    "were gone already", (long)oa.pid);
	else if (kept == 0)
		log_info("pid %ld exited: dropped its %u registration%s (%s)",
		    (long)oa.pid, dropped, PLURAL(dropped), dbuf);
	else if (dropped == 0)
		log_info("pid %ld exited: kept its %u registration%s, the port "
		    "is not closed (%s)", (long)oa.pid, kept, PLURAL(kept),
		    kbuf);
	else
		log_info("pid %ld exited: dropped %u registration%s (%s), kept "
		    "%u whose port is not closed (%s)", (long)oa.pid, dropped,
		    PLURAL(dropped), dbuf, kept, kbuf);
out:
	free(res);
	free(es.v);
}

/* ---------------------------------------------------------- sweeping */

struct sweep_arg {
	struct ents		*probe;		/* to check */
	struct ents		*owned;		/* with an owner process */
	const struct watch	*w;
	size_t			 nw;
	uint64_t		 now;
};

static int
sweep_one(const struct rpcbd_ent *e, void *arg)
{
	struct sweep_arg *sa = arg;
	size_t i;

	if (e->prog == RPCBD_PROG)
		return 0;
	if (e->pid != 0) {
		for (i = 0; i < sa->nw; i++)
			if (sa->w[i].pid == e->pid &&
			    sa->w[i].start == e->start)
				break;
		if (i < sa->nw) {
			ents_add(sa->owned, e);
			return 0;
		}
		/* Its watch is gone (it exited while registering): check. */
	} else if (sa->now - e->checked < RPCBD_RECHECK_MS)
		return 0;	/* just registered (or checked): not yet */
	ents_add(sa->probe, e);
	return 0;
}

/* Every port-check-interval: probe what has no watched owner, and stop
 * watching processes that own nothing any more. */
static void
sweep(struct rpcbd_live *lv)
{
	struct ents probe = { NULL, 0, 0, 0 }, owned = { NULL, 0, 0, 0 };
	struct sweep_arg sa = { &probe, &owned, NULL, 0, 0 };
	struct watch *w = NULL;
	enum rpcbd_liveness *res = NULL;
	char dbuf[256];
	unsigned dropped, kept;
	uint64_t now = rpcbd_now_ms();
	size_t i, j;

	pthread_mutex_lock(&lv->lock);
	if (lv->nw > 0) {
		if ((w = calloc(lv->nw, sizeof(*w))) == NULL) {
			pthread_mutex_unlock(&lv->lock);
			return;		/* next time */
		}
		memcpy(w, lv->w, lv->nw * sizeof(*w));
		sa.nw = lv->nw;
	}
	pthread_mutex_unlock(&lv->lock);
	sa.w = w;
	sa.now = now;
	(void)rpcbd_db_walk(lv->rb->db, sweep_one, &sa);
	if (probe.err != 0 || owned.err != 0)
		goto out;

	/* Watches of processes that own nothing now (they UNSET). */
	pthread_mutex_lock(&lv->lock);
	for (i = 0; i < lv->nw; ) {
		for (j = 0; j < owned.n; j++)
			if (owned.v[j].pid == lv->w[i].pid &&
			    owned.v[j].start == lv->w[i].start)
				break;
		if (j == owned.n && now - lv->w[i].added > WATCH_GRACE_MS) {
			unwatch_locked(lv, i);
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&lv->lock);

	if (probe.n == 0 || (res = calloc(probe.n, sizeof(*res))) == NULL)
		goto out;
	(void)settle(lv, probe.v, probe.n, res, SETTLE_TIMEOUT_MS, &dropped,
	    &kept);
	if (dropped > 0)
		log_info("port check: dropped %u registration%s whose port is "
		    "closed (%s)", dropped, PLURAL(dropped), names(probe.v,
		    probe.n, res, RPCBD_LIVE_NO, dbuf, sizeof(dbuf)));
	else
		log_debug(LOG_D_STATE, "port check: %zu registrations answer",
		    probe.n);
out:
	free(res);
	free(w);
	free(probe.v);
	free(owned.v);
}

static void *
live_main(void *arg)
{
	struct rpcbd_live *lv = arg;
	struct epoll_event ev[16];
	uint64_t last = rpcbd_now_ms(), now, next, drain;
	sigset_t all;
	int n, i;

	/* Signals go to the loop thread's self-pipe, not here. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!atomic_load(&lv->stop)) {
		pthread_mutex_lock(&lv->lock);
		next = last + (uint64_t)lv->interval * 1000;
		if (lv->early != 0 && lv->early < next)
			next = lv->early;
		pthread_mutex_unlock(&lv->lock);
		now = rpcbd_now_ms();
		if (now >= next) {
			pthread_mutex_lock(&lv->lock);
			lv->early = 0;
			pthread_mutex_unlock(&lv->lock);
			sweep(lv);
			last = rpcbd_now_ms();
			continue;
		}
		n = epoll_wait(lv->epfd, ev, (int)nitems(ev),
		    (int)(next - now));
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == lv->wakefd)
				(void)!read(lv->wakefd, &drain, sizeof(drain));
			else
				owner_gone(lv, ev[i].data.fd);
		}
	}
	return NULL;
}

int
rpcbd_live_start(struct rpcbd_live *lv)
{
	int rc;

	if ((rc = pthread_create(&lv->thr, NULL, live_main, lv)) != 0)
		return -rc;
	lv->running = true;
	return 0;
}

/* ---------------------------------------------------------- warm start */

static int
all_one(const struct rpcbd_ent *e, void *arg)
{
	if (e->prog != RPCBD_PROG)
		ents_add(arg, e);
	return 0;
}

int
rpcbd_live_warm(struct rpcbd_live *lv)
{
	struct ents all = { NULL, 0, 0, 0 }, probe = { NULL, 0, 0, 0 };
	enum rpcbd_liveness *res = NULL;
	char dbuf[256];
	unsigned dropped = 0, kept = 0, watched = 0;
	size_t i;

	(void)rpcbd_db_walk(lv->rb->db, all_one, &all);
	for (i = 0; i < all.n; i++) {
		const struct rpcbd_ent *e = &all.v[i];

		if (e->pid != 0 && e->start != 0 &&
		    rpcbd_proc_start(e->pid) == e->start &&
		    watch(lv, e->pid, e->start) == 0) {
			watched++;
			continue;
		}
		ents_add(&probe, e);
	}
	if (all.err != 0 || probe.err != 0) {
		log_warnx("warm start: out of memory checking registrations");
		goto out;
	}
	if (probe.n > 0 && (res = calloc(probe.n, sizeof(*res))) != NULL)
		(void)settle(lv, probe.v, probe.n, res, SETTLE_TIMEOUT_MS,
		    &dropped, &kept);
	if (dropped > 0)
		log_info("warm start: dropped %u registration%s whose owner is "
		    "gone and whose port is closed (%s); kept %u of running "
		    "processes, %u whose port is not closed", dropped,
		    PLURAL(dropped), names(probe.v, probe.n, res,
		    RPCBD_LIVE_NO, dbuf, sizeof(dbuf)), watched, kept);
	else if (all.n > 0)
		log_info("warm start: kept %u registrations of running "
		    "processes, %u whose port is not closed", watched, kept);
out:
	free(res);
	free(all.v);
	free(probe.v);
	return (int)dropped;
}

/* ---------------------------------------------------------- lookups */

int
rpcbd_live_find(struct rpcbd *rb, uint32_t prog, uint32_t vers,
    const char *netid, struct rpcbd_ent *out)
{
	enum rpcbd_liveness res;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		if (rpcbd_db_find(rb->db, prog, vers, netid, out) != 0)
			return -ENOENT;
		if (rb->live == NULL || out->pid != 0 ||
		    out->prog == RPCBD_PROG ||
		    !rpcbd_db_claim_check(rb->db, out, rpcbd_now_ms(),
		    RPCBD_RECHECK_MS))
			return 0;
		rpcbd_probe(out, 1, &res, FIND_TIMEOUT_MS);
		if (res != RPCBD_LIVE_NO)
			return 0;
		if (rpcbd_db_remove(rb->db, out) == 1) {
			log_info("dropped %lu/%lu/%s %s: port closed",
			    (unsigned long)out->prog, (unsigned long)out->vers,
			    out->netid, out->uaddr);
			rpcbd_save(rb);
		}
	}
	return rpcbd_db_find(rb->db, prog, vers, netid, out) == 0 ? 0 :
	    -ENOENT;
}
