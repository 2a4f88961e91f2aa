/*
 * statd_send.c: every call statd makes, with its retries.
 *
 *  - SM_NOTIFY to a monitored host's statd (we restarted, or SM_SIMU_CRASH):
 *    UDP, the port from the host's portmapper, from our outgoing sockets
 *    (sm-notify's: -o port, -n address). Any RPC reply acknowledges it.
 *    Retried with a back-off doubling from 1 s to 60 s until retry_secs
 *    have passed (sm-notify's 15 minutes); a name is looked up first, and
 *    each retry tries its next address.
 *  - The callback to the lock manager when a monitored host rebooted: the
 *    prog/vers/proc of the SM_MON registration, always at 127.0.0.1 over
 *    UDP (never at my_name: a remote caller must not be able to aim our
 *    calls anywhere), port from the local portmapper, a few retries within
 *    30 s; when UDP is refused (a lock manager without UDP), the next try
 *    is over TCP, and so on in turn. From a socket of its own: the lock
 *    manager takes the callback from a loopback source only, whatever
 *    address -n binds SM_NOTIFY to.
 *  A call that failed forgets the port the portmapper gave for it, so a
 *  peer or lock manager that restarted on another port is found again.
 *  - Background lookups of monitored names read back at start.
 *
 * One thread owns the job list; the calls themselves go through the
 * asynchronous client (common/rpc/clnt.h), and lookups through
 * statd_resolve.c, so no job ever waits for another: a dead host costs
 * only its timer. Jobs finished are handed to the hooks with no lock held.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/clnt.h"
#include "statd/statd.h"

#define JOBS_MAX		4096
#define BACKOFF_FIRST_MS	1000
#define BACKOFF_MAX_MS		60000
#define NOTIFY_CALL_MS		10000	/* one SM_NOTIFY attempt */
#define CALLBACK_CALL_MS	5000	/* one callback attempt */
#define CALLBACK_TOTAL_MS	30000
#define RESOLVE_TOTAL_MS	60000

enum job_kind { K_NOTIFY, K_CALLBACK, K_RESOLVE };
enum job_state { J_WAIT, J_RESOLVING, J_CALLING };

struct job {
	struct job		*next;
	uint64_t		 id;
	enum job_kind		 kind;
	enum job_state		 st;
	char			 host[STATD_NAME_MAX + 1];
	struct statd_reg	 reg;		/* K_CALLBACK */
	int32_t			 state;
	struct statd_addrs	 addrs;
	bool			 have_addrs;
	unsigned		 next_addr, attempts;
	enum rpc_clnt_proto	 proto;		/* K_CALLBACK: this try's */
	uint64_t		 start, next_at, deadline;
	unsigned		 backoff;
	bool			 done, again;	/* call finished / re-send */
	int			 err;
	bool			 ok;		/* outcome, when finished */
	bool			 ended;		/* by its lookup */
	struct statd_send	*s;
};

struct statd_send {
	struct statd_send_cfg	 cfg;
	char			 our_name[STATD_NAME_MAX + 1];
	pthread_mutex_t		 lock;
	struct job		*jobs;
	unsigned		 njobs, nnotify;
	uint64_t		 next_id;
	bool			 stop;
	int			 wakefd, idlefd;
	struct statd_resolver	*res;
	struct rpc_clnt		*clnt;		/* SM_NOTIFY */
	struct rpc_clnt		*cbclnt;	/* callbacks to 127.0.0.1 */
	pthread_t		 thread;
	bool			 started;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
wake(int fd)
{
	uint64_t one = 1;
	ssize_t n;

	n = write(fd, &one, sizeof(one));
	(void)n;
}

static const char *
kind_name(enum job_kind k)
{
	switch (k) {
	case K_NOTIFY:
		return "SM_NOTIFY";
	case K_CALLBACK:
		return "callback";
	default:
		return "lookup";
	}
}

/* In the client's thread: record the outcome, wake the sender. */
static void
call_done(void *arg, int err, void *res)
{
	struct job *j = arg;
	struct statd_send *s = j->s;

	(void)res;
	pthread_mutex_lock(&s->lock);
	j->done = true;
	j->err = err;
	pthread_mutex_unlock(&s->lock);
	wake(s->wakefd);
}

/* Did a notified host answer? Any RPC reply counts (an error from its
 * statd is still its statd). */
static bool
notify_answered(int err)
{
	return err == 0 || err == -EPROTONOSUPPORT || err == -EACCES ||
	    err == -EBADMSG;
}

/* Try again after the back-off, or give up at the deadline. Returns false
 * when the job is over. */
static bool
retry_later(struct job *j, uint64_t now)
{
	if (now + j->backoff >= j->deadline)
		return false;
	j->st = J_WAIT;
	j->next_at = now + j->backoff;
	j->backoff = j->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    j->backoff * 2;
	return true;
}

/* Start one attempt of j (under the lock). Returns false when the job is
 * over (given up). */
static bool
attempt(struct statd_send *s, struct job *j, uint64_t now)
{
	struct rpc_clnt_call c;
	struct sockaddr_in *sin;
	sm_stat_chge chge;
	sm_status sts;
	uint64_t left;
	int rc;

	if (now >= j->deadline)
		return false;
	if (j->kind == K_RESOLVE || (j->kind == K_NOTIFY && !j->have_addrs)) {
		if (statd_name_numeric(j->host, &j->addrs.a[0])) {
			j->addrs.n = 1;
			j->have_addrs = true;
			if (j->kind == K_RESOLVE) {
				j->ok = true;
				return false;
			}
		} else {
			rc = statd_resolver_start(s->res, j->host, j->id);
			if (rc == 0) {
				j->st = J_RESOLVING;
				return true;
			}
			log_debug(LOG_D_STATE, "lookup of %s: %s", j->host,
			    strerror(-rc));
			return retry_later(j, now);
		}
	}
	memset(&c, 0, sizeof(c));
	c.proto = j->kind == K_CALLBACK ? j->proto : RPC_CLNT_UDP;
	c.xdr_res = NULL;
	c.done = call_done;
	c.arg = j;
	c.retrans_ms = 1000;
	left = j->deadline - now;
	if (j->kind == K_NOTIFY) {
		const struct sockaddr *sa =
		    (const struct sockaddr *)&j->addrs.a[j->next_addr %
		    j->addrs.n];

		memcpy(&c.dest, sa, addr_len(sa));
		c.prog = SM_PROG;
		c.vers = SM_VERS;
		c.proc = SM_NOTIFY;
		chge.mon_name = s->our_name;
		chge.state = j->state;
		c.xdr_args = (xdrproc_t)(void (*)(void))xdr_sm_stat_chge;
		c.args = &chge;
		c.timeout_ms = left < NOTIFY_CALL_MS ? (unsigned)left :
		    NOTIFY_CALL_MS;
	} else {
		sin = (struct sockaddr_in *)&c.dest;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		c.prog = j->reg.prog;
		c.vers = j->reg.vers;
		c.proc = j->reg.proc;
		sts.mon_name = j->reg.mon_name;
		sts.state = j->state;
		memcpy(sts.priv, j->reg.priv, sizeof(sts.priv));
		c.xdr_args = (xdrproc_t)(void (*)(void))xdr_sm_status;
		c.args = &sts;
		c.timeout_ms = left < CALLBACK_CALL_MS ? (unsigned)left :
		    CALLBACK_CALL_MS;
	}
	addr_set_port((struct sockaddr *)&c.dest, 0);	/* ask the portmapper */
	if (c.timeout_ms < 200)
		c.timeout_ms = 200;
	j->done = false;
	j->again = false;
	j->attempts++;
	if ((rc = rpc_clnt_call(j->kind == K_NOTIFY ? s->clnt : s->cbclnt,
	    &c)) != 0) {
		log_debug(LOG_D_STATE, "%s to %s: %s", kind_name(j->kind),
		    j->host, strerror(-rc));
		return retry_later(j, now);
	}
	j->st = J_CALLING;
	return true;
}

/* A call of j came back (under the lock). Returns false when the job is
 * over, with j->ok saying how. */
static bool
call_finished(struct statd_send *s, struct job *j, uint64_t now)
{
	const struct sockaddr *sa;
	struct sockaddr_in lo;
	char a[ADDR_STRLEN];

	if (j->kind == K_NOTIFY) {
		if (notify_answered(j->err)) {
			if (!j->again) {
				j->ok = true;
				return false;
			}
			j->st = J_WAIT;		/* a newer state to send */
			j->next_at = now;
			return true;
		}
		sa = (const struct sockaddr *)&j->addrs.a[j->next_addr %
		    j->addrs.n];
		log_debug(LOG_D_STATE, "SM_NOTIFY to %s (%s), attempt %u: %s",
		    j->host, addr_ntop(sa, a, sizeof(a)), j->attempts,
		    strerror(-j->err));
		rpc_clnt_forget_port(s->clnt, sa, SM_PROG, SM_VERS,
		    RPC_CLNT_UDP);
		j->next_addr++;
		return retry_later(j, now);
	}
	/* K_CALLBACK */
	if (j->err == 0) {
		if (!j->again) {
			j->ok = true;
			return false;
		}
		j->st = J_WAIT;
		j->next_at = now;
		return true;
	}
	log_debug(LOG_D_STATE, "callback %u/%u/%u for %s, attempt %u (%s): "
	    "%s", j->reg.prog, j->reg.vers, j->reg.proc, j->reg.mon_name,
	    j->attempts, j->proto == RPC_CLNT_TCP ? "tcp" : "udp",
	    strerror(-j->err));
	if (j->err == -EPROTONOSUPPORT)
		return false;	/* there, but not that program: give up */
	memset(&lo, 0, sizeof(lo));
	lo.sin_family = AF_INET;
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rpc_clnt_forget_port(s->cbclnt, (const struct sockaddr *)&lo,
	    j->reg.prog, j->reg.vers, j->proto);
	/* not served over this transport (or not at all yet): the other */
	if (j->err == -ECONNREFUSED)
		j->proto = j->proto == RPC_CLNT_UDP ? RPC_CLNT_TCP :
		    RPC_CLNT_UDP;
	return retry_later(j, now);
}

/* A lookup of j came back (under the lock). */
static bool
lookup_finished(struct job *j, int err, const struct statd_addrs *a,
    uint64_t now)
{
	if (err != 0 || a->n == 0) {
		if (j->attempts++ == 0)
			log_warnx("cannot resolve %s (%s): %s", j->host,
			    j->kind == K_NOTIFY ? "to notify it" :
			    "a monitored host", statd_resolve_strerror(
			    err != 0 ? err : -ENOENT));
		return retry_later(j, now);
	}
	j->addrs = *a;
	j->have_addrs = true;
	if (j->kind == K_RESOLVE) {
		j->ok = true;
		return false;
	}
	j->st = J_WAIT;
	j->next_at = now;
	return true;
}

static struct job *
job_by_id(struct statd_send *s, uint64_t id)
{
	struct job *j;

	for (j = s->jobs; j != NULL; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

/* Run the hooks of a finished job and free it (no lock held). */
static void
job_end(struct statd_send *s, struct job *j)
{
	uint64_t secs = (now_ms() - j->start) / 1000;

	switch (j->kind) {
	case K_NOTIFY:
		if (j->ok) {
			log_info("%s answered our SM_NOTIFY (state %d)",
			    j->host, (int)j->state);
			if (s->cfg.acked != NULL)
				s->cfg.acked(s->cfg.arg, j->host);
		} else
			log_warnx("no answer from %s to SM_NOTIFY after %llu "
			    "s; it stays in sm.bak for the next start",
			    j->host, (unsigned long long)secs);
		break;
	case K_CALLBACK:
		if (j->ok)
			log_info("called back %u/%u/%u: %s rebooted (state %d)",
			    j->reg.prog, j->reg.vers, j->reg.proc,
			    j->reg.mon_name, (int)j->state);
		else
			log_warnx("callback %u/%u/%u at 127.0.0.1 for %s "
			    "(state %d) failed after %u attempts: %s",
			    j->reg.prog, j->reg.vers, j->reg.proc,
			    j->reg.mon_name, (int)j->state, j->attempts,
			    strerror(j->err != 0 ? -j->err : ETIMEDOUT));
		break;
	case K_RESOLVE:
		if (j->ok && s->cfg.resolved != NULL)
			s->cfg.resolved(s->cfg.arg, j->host, &j->addrs);
		break;
	}
	free(j);
}

static void *
send_main(void *arg)
{
	struct statd_send *s = arg;
	struct job *j, **pp, *over, *nj;
	struct statd_addrs a;
	struct pollfd pfd[2];
	uint64_t now, next, tag, v;
	bool idle;
	ssize_t rn;
	int err, timeout;

	for (;;) {
		over = NULL;
		idle = false;
		pthread_mutex_lock(&s->lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		now = now_ms();
		while (statd_resolver_take(s->res, &tag, &err, &a) == 0) {
			j = job_by_id(s, tag);
			if (j == NULL || j->st != J_RESOLVING)
				continue;
			if (!lookup_finished(j, err, &a, now))
				j->ended = true;
		}
		next = UINT64_MAX;
		for (pp = &s->jobs; (j = *pp) != NULL;) {
			bool alive = true;

			if (j->st == J_CALLING && j->done)
				alive = call_finished(s, j, now);
			else if (j->ended)
				alive = false;
			if (alive && j->st == J_WAIT && j->next_at <= now)
				alive = attempt(s, j, now);
			if (!alive) {
				*pp = j->next;
				j->next = over;
				over = j;
				s->njobs--;
				if (j->kind == K_NOTIFY && --s->nnotify == 0)
					idle = true;
				continue;
			}
			if (j->st == J_WAIT && j->next_at < next)
				next = j->next_at;
			pp = &j->next;
		}
		pthread_mutex_unlock(&s->lock);

		for (j = over; j != NULL; j = nj) {
			nj = j->next;
			job_end(s, j);
		}
		if (idle)
			wake(s->idlefd);

		timeout = -1;
		if (next != UINT64_MAX)
			timeout = next <= now ? 0 : (int)(next - now);
		pfd[0].fd = s->wakefd;
		pfd[0].events = POLLIN;
		pfd[1].fd = statd_resolver_fd(s->res);
		pfd[1].events = POLLIN;
		(void)poll(pfd, 2, timeout);
		if (pfd[0].revents & POLLIN) {
			rn = read(s->wakefd, &v, sizeof(v));
			(void)rn;
		}
	}
	return NULL;
}

struct statd_send *
statd_send_new(const struct statd_send_cfg *cfg)
{
	struct rpc_clnt_config cc;
	struct statd_send *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		rc = ENOMEM;
		goto fail_fds;
	}
	s->cfg = *cfg;
	s->wakefd = s->idlefd = -1;
	snprintf(s->our_name, sizeof(s->our_name), "%s",
	    cfg->our_name != NULL ? cfg->our_name : "");
	s->cfg.our_name = s->our_name;
	pthread_mutex_init(&s->lock, NULL);
	if ((s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (s->idlefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (s->res = statd_resolver_new()) == NULL) {
		rc = errno != 0 ? errno : ENOMEM;
		goto fail;
	}
	memset(&cc, 0, sizeof(cc));
	cc.udp4_fd = cfg->cb_fd;
	cc.udp6_fd = -1;
	cc.max_calls = JOBS_MAX + 64;
	if ((s->cbclnt = rpc_clnt_new(&cc)) == NULL) {
		/* it closed the socket it adopted; close the others */
		rc = errno != 0 ? errno : ENOMEM;
		if (cfg->udp4_fd >= 0)
			close(cfg->udp4_fd);
		if (cfg->udp6_fd >= 0)
			close(cfg->udp6_fd);
		statd_send_free(s);
		errno = rc;
		return NULL;
	}
	cc.udp4_fd = cfg->udp4_fd;
	cc.udp6_fd = cfg->udp6_fd;
	if ((s->clnt = rpc_clnt_new(&cc)) == NULL) {
		/* it closed the sockets it adopted */
		rc = errno != 0 ? errno : ENOMEM;
		statd_send_free(s);
		errno = rc;
		return NULL;
	}
	if ((rc = pthread_create(&s->thread, NULL, send_main, s)) != 0)
		goto fail;
	s->started = true;
	return s;
fail_fds:
	if (cfg->udp4_fd >= 0)
		close(cfg->udp4_fd);
	if (cfg->udp6_fd >= 0)
		close(cfg->udp6_fd);
	if (cfg->cb_fd >= 0)
		close(cfg->cb_fd);
	errno = rc;
	return NULL;
fail:
	if (s->cbclnt == NULL && cfg->cb_fd >= 0)
		close(cfg->cb_fd);
	if (s->clnt == NULL) {
		if (cfg->udp4_fd >= 0)
			close(cfg->udp4_fd);
		if (cfg->udp6_fd >= 0)
			close(cfg->udp6_fd);
	}
	statd_send_free(s);
	errno = rc != 0 ? rc : ENOMEM;
	return NULL;
}

void
statd_send_free(struct statd_send *s)
{
	struct job *j;

	if (s == NULL)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_mutex_unlock(&s->lock);
		wake(s->wakefd);
		pthread_join(s->thread, NULL);
	}
	/* completes what is in flight (-ECANCELED): call_done still finds
	 * its job */
	rpc_clnt_free(s->clnt);
	rpc_clnt_free(s->cbclnt);
	while ((j = s->jobs) != NULL) {
		s->jobs = j->next;
		free(j);
	}
	statd_resolver_put(s->res);
	if (s->wakefd >= 0)
		close(s->wakefd);
	if (s->idlefd >= 0)
		close(s->idlefd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* A new job (under the lock), on the list, due now; NULL when full. */
static struct job *
job_new(struct statd_send *s, enum job_kind kind, const char *host,
    uint64_t total_ms)
{
	struct job *j;
	uint64_t now = now_ms();

	if (s->stop || s->njobs >= JOBS_MAX ||
	    (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->id = ++s->next_id;
	j->kind = kind;
	j->st = J_WAIT;
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->start = j->next_at = now;
	j->deadline = now + total_ms;
	j->backoff = BACKOFF_FIRST_MS;
	j->s = s;
	j->next = s->jobs;
	s->jobs = j;
	s->njobs++;
	if (kind == K_NOTIFY)
		s->nnotify++;
	return j;
}

/* A pending job has new content: send it now, or once the call in flight
 * is back. */
static void
refresh(struct job *j, uint64_t total_ms)
{
	uint64_t now = now_ms();

	j->backoff = BACKOFF_FIRST_MS;
	j->deadline = now + total_ms;
	if (j->st == J_CALLING)
		j->again = true;
	else if (j->st == J_WAIT)
		j->next_at = now;
}

int
statd_send_notify(struct statd_send *s, const char *host, int32_t state)
{
	uint64_t total = (uint64_t)s->cfg.retry_secs * 1000;
	struct job *j;
	int rc = 0;

	if (strlen(host) > STATD_NAME_MAX)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	for (j = s->jobs; j != NULL; j = j->next)
		if (j->kind == K_NOTIFY && strcasecmp(j->host, host) == 0)
			break;
	if (j != NULL) {
		j->state = state;
		refresh(j, total);
	} else if ((j = job_new(s, K_NOTIFY, host, total)) != NULL)
		j->state = state;
	else
		rc = -EAGAIN;
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		wake(s->wakefd);
	return rc;
}

int
statd_send_callback(struct statd_send *s, const struct statd_reg *r,
    int32_t state)
{
	struct job *j;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	for (j = s->jobs; j != NULL; j = j->next)
		if (j->kind == K_CALLBACK &&
		    strcasecmp(j->reg.mon_name, r->mon_name) == 0 &&
		    strcmp(j->reg.my_name, r->my_name) == 0 &&
		    j->reg.prog == r->prog && j->reg.vers == r->vers &&
		    j->reg.proc == r->proc)
			break;
	if (j != NULL) {
		j->reg = *r;
		j->state = state;
		refresh(j, CALLBACK_TOTAL_MS);
	} else if ((j = job_new(s, K_CALLBACK, r->mon_name,
	    CALLBACK_TOTAL_MS)) != NULL) {
		j->reg = *r;
		j->state = state;
		j->have_addrs = true;	/* 127.0.0.1 */
		j->proto = RPC_CLNT_UDP;
	} else
		rc = -EAGAIN;
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		wake(s->wakefd);
	return rc;
}

int
statd_send_resolve(struct statd_send *s, const char *host)
{
	int rc = 0;

	if (strlen(host) > STATD_NAME_MAX)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (job_new(s, K_RESOLVE, host, RESOLVE_TOTAL_MS) == NULL)
		rc = -EAGAIN;
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		wake(s->wakefd);
	return rc;
}

unsigned
statd_send_notify_pending(struct statd_send *s)
{
	unsigned n;

	pthread_mutex_lock(&s->lock);
	n = s->nnotify;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int
statd_send_idle_fd(const struct statd_send *s)
{
	return s->idlefd;
}
