/*
 * stats.c: the core's counters (rpc_stats.h) and their rendering in the
 * Prometheus text format.
 *
 * Every thread that dispatches calls gets a block of counters of its own
 * (found through a pthread key of the server): only that thread writes it,
 * with plain relaxed loads and stores, so counting costs no lock and no
 * bus-locked instruction. A reader sums the blocks with relaxed loads
 * under the block list's lock (taken when a thread first counts, and when
 * statistics are read). A thread that exits leaves its block to the next
 * new thread, so the counts stay and blocks do not pile up when the pool
 * is resized.
 *
 * Procedures have a slot each: the programs' tables are laid out once,
 * when the loop starts (stats_freeze()); a program added later is counted
 * in the server-wide counters only.
 *
 * What is counted when, so that a client that got its reply always finds
 * its call counted: the call when its procedure is found, the rest (bytes,
 * latency, errors) just before the reply is handed to the transport, or
 * at the end of the dispatch when there is no reply.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/metrics.h"
#include "common/rpc/rpc_int.h"
#include "common/rpc/rpc_stats.h"
#include "common/util.h"

#define MAX_VERS	8	/* versions of one program given slots */
#define MAX_EXTRA	4

/* One procedure's counters in one thread's block. */
struct rpc_pstat {
	uint64_t	calls, errors, status_errors, bytes_in, bytes_out,
			lat_ns;
	uint64_t	lat[RPC_LAT_NB];
};

struct rpc_tstat {
	struct rpc_tstat	*next;
	struct rpc_stats	*owner;
	bool			 in_use;	/* a live thread has it */
	uint64_t		 busy;		/* 1 while dispatching */
	uint64_t		 packets[3];	/* by enum rpc_xprt_kind */
	uint64_t		 rej[REJ_N];
	uint64_t		 drc_hits, drc_inprog, drc_misses;
	unsigned		 nslots;
	struct rpc_pstat	 p[];
};

const double rpc_lat_bounds[RPC_LAT_NB - 1] = {
	0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
static const uint64_t lat_bounds_ns[RPC_LAT_NB - 1] = {
	10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
	5000000, 10000000, 25000000, 50000000, 100000000, 250000000,
	500000000, 1000000000, 2500000000ULL, 5000000000ULL, 10000000000ULL,
};

static const char *const rej_names[REJ_N] = {
	[REJ_GARBAGE] = "garbage",
	[REJ_RPC_MISMATCH] = "rpc_mismatch",
	[REJ_AUTH] = "auth",
	[REJ_PROG_UNAVAIL] = "prog_unavail",
	[REJ_PROG_MISMATCH] = "prog_mismatch",
	[REJ_PROC_UNAVAIL] = "proc_unavail",
	[REJ_SYSTEM_ERR] = "system_err",
};

unsigned
rpc_lat_bucket(uint64_t ns)
{
	unsigned i;

	for (i = 0; i < RPC_LAT_NB - 1; i++)
		if (ns <= lat_bounds_ns[i])
			return i;
	return RPC_LAT_NB - 1;
}

/* The owning thread's increment: no other thread writes c. */
static inline void
inc(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
	    __ATOMIC_RELAXED);
}

static inline uint64_t
rd(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

uint64_t
stats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ blocks */

static void
tstat_release(void *p)
{
	struct rpc_tstat *t = p;

	pthread_mutex_lock(&t->owner->lock);
	t->in_use = false;
	pthread_mutex_unlock(&t->owner->lock);
}

struct rpc_stats *
stats_new(void)
{
	struct rpc_stats *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (pthread_key_create(&s->key, tstat_release) != 0) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->start = time(NULL);
	s->msrv_fd_unix = s->msrv_fd_http = -1;
	return s;
}

void
stats_free(struct rpc_srv *srv)
{
	struct rpc_stats *s = srv->stats;
	struct rpc_tstat *t, *tn;

	if (s == NULL)
		return;
	msrv_close(srv);
	pthread_key_delete(s->key);
	for (t = s->blocks; t != NULL; t = tn) {
		tn = t->next;
		free(t);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
	srv->stats = NULL;
}

void
stats_freeze(struct rpc_srv *srv)
{
	struct rpc_stats *s = srv->stats;
	unsigned i, j, n = 0;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->frozen || s->blocks != NULL) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	for (i = 0; i < srv->nprogs; i++) {
		const struct rpc_program *p = srv->progs[i];

		for (j = 0; j < p->nversions && j < MAX_VERS; j++) {
			s->base[i][j] = n;
			n += p->versions[j].nprocs;
		}
	}
	s->nprogs = srv->nprogs;
	s->nslots = n;
	s->frozen = true;
	pthread_mutex_unlock(&s->lock);
}

/* The calling thread's block; NULL when out of memory. */
static struct rpc_tstat *
stats_self(struct rpc_srv *srv)
{
	struct rpc_stats *s = srv->stats;
	struct rpc_tstat *t;

	if (s == NULL)
		return NULL;
	if ((t = pthread_getspecific(s->key)) != NULL)
		return t;
	pthread_mutex_lock(&s->lock);
	s->frozen = true;	/* no relayout once counting began */
	for (t = s->blocks; t != NULL; t = t->next)
		if (!t->in_use)
			break;
	if (t == NULL && (t = calloc(1, sizeof(*t) + s->nslots *
	    sizeof(t->p[0]))) != NULL) {
		t->owner = s;
		t->nslots = s->nslots;
		t->next = s->blocks;
		s->blocks = t;
	}
	if (t != NULL) {
		t->in_use = true;
		if (pthread_setspecific(s->key, t) != 0)
			t->in_use = false;	/* counted, not kept */
	}
	pthread_mutex_unlock(&s->lock);
	return t;
}

/* ------------------------------------------------------------ counting */

void
stats_begin(struct rpc_srv *srv, struct req *rq)
{
	struct rpc_tstat *t = stats_self(srv);

	rq->tst = t;
	rq->st_slot = -1;
	if (t == NULL)
		return;
	inc(&t->busy, 1);
	if ((unsigned)rq->kind < 3)
		inc(&t->packets[rq->kind], 1);
}

void
stats_reject(struct req *rq, enum rpc_rej why)
{
	if (rq->tst != NULL)
		inc(&rq->tst->rej[why], 1);
	rq->st_err = true;
}

void
stats_call(struct rpc_srv *srv, struct req *rq, unsigned pi, unsigned vi)
{
	struct rpc_stats *s = srv->stats;
	struct rpc_tstat *t = rq->tst;
	unsigned slot;

	if (t == NULL || pi >= s->nprogs || vi >= MAX_VERS)
		return;
	slot = s->base[pi][vi] + rq->proc;
	if (slot >= t->nslots)
		return;
	rq->st_slot = (int)slot;
	inc(&t->p[slot].calls, 1);
}

void
stats_drc(struct req *rq, int outcome)
{
	struct rpc_tstat *t = rq->tst;

	if (t == NULL)
		return;
	if (outcome == 0)
		inc(&t->drc_misses, 1);
	else if (outcome == 1)
		inc(&t->drc_hits, 1);
	else
		inc(&t->drc_inprog, 1);
}

void
stats_finish(struct req *rq)
{
	struct rpc_tstat *t = rq->tst;
	struct rpc_pstat *p;

	if (t == NULL || rq->st_done)
		return;
	rq->st_done = true;
	if (rq->st_slot < 0)
		return;
	p = &t->p[rq->st_slot];
	if (rq->st_err)
		inc(&p->errors, 1);
	if (rq->st_status_err)
		inc(&p->status_errors, 1);
	inc(&p->bytes_in, rq->len);
	inc(&p->bytes_out, rq->st_out);
	if (rq->t_arrival != 0) {
		uint64_t now = stats_now_ns(), ns;

		ns = now > rq->t_arrival ? now - rq->t_arrival : 0;
		inc(&p->lat_ns, ns);
		inc(&p->lat[rpc_lat_bucket(ns)], 1);
	}
}

void
stats_end(struct req *rq)
{
	stats_finish(rq);
	if (rq->tst != NULL)
		inc(&rq->tst->busy, (uint64_t)-1);
}

/* ------------------------------------------------------------ reading */

struct totals {
	uint64_t		 busy, packets[3], rej[REJ_N];
	uint64_t		 drc_hits, drc_inprog, drc_misses;
	struct rpc_pstat	*p;
	unsigned		 nslots;
};

static int
totals_get(struct rpc_srv *srv, struct totals *tt)
{
	struct rpc_stats *s = srv->stats;
	struct rpc_tstat *t;
	unsigned i, k;

	memset(tt, 0, sizeof(*tt));
	pthread_mutex_lock(&s->lock);
	tt->nslots = s->nslots;
	if (tt->nslots > 0 &&
	    (tt->p = calloc(tt->nslots, sizeof(*tt->p))) == NULL) {
		pthread_mutex_unlock(&s->lock);
		return -ENOMEM;
	}
	for (t = s->blocks; t != NULL; t = t->next) {
		tt->busy += rd(&t->busy);
		for (k = 0; k < 3; k++)
			tt->packets[k] += rd(&t->packets[k]);
		for (k = 0; k < REJ_N; k++)
			tt->rej[k] += rd(&t->rej[k]);
		tt->drc_hits += rd(&t->drc_hits);
		tt->drc_inprog += rd(&t->drc_inprog);
		tt->drc_misses += rd(&t->drc_misses);
		for (i = 0; i < t->nslots && i < tt->nslots; i++) {
			struct rpc_pstat *a = &tt->p[i];
			const struct rpc_pstat *b = &t->p[i];

			a->calls += rd(&b->calls);
			a->errors += rd(&b->errors);
			a->status_errors += rd(&b->status_errors);
			a->bytes_in += rd(&b->bytes_in);
			a->bytes_out += rd(&b->bytes_out);
			a->lat_ns += rd(&b->lat_ns);
			for (k = 0; k < RPC_LAT_NB; k++)
				a->lat[k] += rd(&b->lat[k]);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Labels of one procedure: program="nfs",version="3",procedure="read". */
static void
proc_labels(const struct rpc_program *p, uint32_t vers, uint32_t proc,
    const struct rpc_proc *pd, char *buf, size_t len)
{
	char a[64], b[64], tmp[16];

	snprintf(buf, len, "program=\"%s\",version=\"%u\",procedure=\"%s\"",
	    metrics_label_value(p->name != NULL ? p->name : "unknown", a,
	    sizeof(a)), (unsigned)vers,
	    metrics_label_value(rpc_proc_label(p->prog, vers, proc,
	    pd->name, tmp, sizeof(tmp)), b, sizeof(b)));
}

/* Call fn for every slot of every laid out procedure. */
#define FOR_SLOTS(s, srv, i, j, k, slot, p, v)				\
	for (i = 0; i < (s)->nprogs; i++)				\
		for (p = (srv)->progs[i], j = 0;			\
		    j < p->nversions && j < MAX_VERS; j++)		\
			for (v = &p->versions[j], k = 0,		\
			    slot = (s)->base[i][j]; k < v->nprocs;	\
			    k++, slot++)

/* The per-procedure counters after the calls: one family each. */
static const struct per_proc_counter {
	const char	*name, *help;
	size_t		 off;		/* in struct rpc_pstat */
	bool		 status_only;	/* programs with res_status only */
} per_proc[] = {
	{ "nfs_suite_rpc_call_errors_total",
	  "Calls of each procedure answered with an RPC error (garbage "
	  "arguments, authentication, system error...).",
	  offsetof(struct rpc_pstat, errors), false },
	{ "nfs_suite_rpc_call_status_errors_total",
	  "Calls of each procedure whose result carried an error status "
	  "(programs with a status in every result: NFS).",
	  offsetof(struct rpc_pstat, status_errors), true },
	{ "nfs_suite_rpc_received_bytes_total",
	  "Bytes of the call messages of each procedure.",
	  offsetof(struct rpc_pstat, bytes_in), false },
	{ "nfs_suite_rpc_sent_bytes_total",
	  "Bytes of the reply messages of each procedure.",
	  offsetof(struct rpc_pstat, bytes_out), false },
};

static void
render_procs(struct rpc_srv *srv, struct mbuf *o, const struct totals *tt)
{
	struct rpc_stats *s = srv->stats;
	const struct rpc_program *p;
	const struct rpc_version *v;
	unsigned i, j, k, slot, b;
	size_t f;
	char lab[256], lab2[300];
	uint64_t uncached = 0;

	metrics_family(o, "nfs_suite_rpc_calls_total", "counter",
	    "Calls of each procedure (its program, version and procedure "
	    "were found).");
	FOR_SLOTS(s, srv, i, j, k, slot, p, v) {
		if (slot >= tt->nslots)
			continue;
		if (!(v->procs[k].flags & P_DRC))
			uncached += tt->p[slot].calls;
		if (v->procs[k].fn == NULL && tt->p[slot].calls == 0)
			continue;
		proc_labels(p, v->vers, k, &v->procs[k], lab, sizeof(lab));
		metrics_u64(o, "nfs_suite_rpc_calls_total", lab,
		    tt->p[slot].calls);
	}
	for (f = 0; f < nitems(per_proc); f++) {
		const struct per_proc_counter *pc = &per_proc[f];

		metrics_family(o, pc->name, "counter", pc->help);
		FOR_SLOTS(s, srv, i, j, k, slot, p, v) {
			uint64_t n;

			if (slot >= tt->nslots || tt->p[slot].calls == 0 ||
			    (pc->status_only && !p->res_status))
				continue;
			proc_labels(p, v->vers, k, &v->procs[k], lab,
			    sizeof(lab));
			memcpy(&n, (const char *)&tt->p[slot] + pc->off,
			    sizeof(n));
			metrics_u64(o, pc->name, lab, n);
		}
	}
	metrics_family(o, "nfs_suite_rpc_call_duration_seconds", "histogram",
	    "Time from a call's arrival to its reply, per procedure.");
	FOR_SLOTS(s, srv, i, j, k, slot, p, v) {
		const struct rpc_pstat *ps;
		uint64_t cum = 0;

		if (slot >= tt->nslots || tt->p[slot].calls == 0)
			continue;
		ps = &tt->p[slot];
		proc_labels(p, v->vers, k, &v->procs[k], lab, sizeof(lab));
		for (b = 0; b < RPC_LAT_NB; b++) {
			cum += ps->lat[b];
			if (b < RPC_LAT_NB - 1)
				snprintf(lab2, sizeof(lab2), "%s,le=\"%g\"", lab,
				    rpc_lat_bounds[b]);
			else
				snprintf(lab2, sizeof(lab2), "%s,le=\"+Inf\"",
				    lab);
			metrics_u64(o, "nfs_suite_rpc_call_duration_seconds_bucket",
			    lab2, cum);
		}
		metrics_double(o, "nfs_suite_rpc_call_duration_seconds_sum",
		    lab, (double)ps->lat_ns / 1e9);
		metrics_u64(o, "nfs_suite_rpc_call_duration_seconds_count",
		    lab, cum);
	}
	if (srv->drc != NULL) {
		unsigned n = 0, max = 0;

		drc_usage(srv->drc, &n, &max);
		metrics_family(o, "nfs_suite_drc_entries", "gauge",
		    "Entries in the duplicate request cache.");
		metrics_u64(o, "nfs_suite_drc_entries", NULL, n);
		metrics_family(o, "nfs_suite_drc_capacity", "gauge",
		    "Entries the duplicate request cache may hold.");
		metrics_u64(o, "nfs_suite_drc_capacity", NULL, max);
		metrics_family(o, "nfs_suite_drc_hits_total", "counter",
		    "Retransmissions answered from the duplicate request "
		    "cache.");
		metrics_u64(o, "nfs_suite_drc_hits_total", NULL, tt->drc_hits);
		metrics_family(o, "nfs_suite_drc_in_progress_total", "counter",
		    "Retransmissions dropped: the original call was still "
		    "running.");
		metrics_u64(o, "nfs_suite_drc_in_progress_total", NULL,
		    tt->drc_inprog);
		metrics_family(o, "nfs_suite_drc_misses_total", "counter",
		    "Calls of cached (non-idempotent) procedures not found in "
		    "the cache.");
		metrics_u64(o, "nfs_suite_drc_misses_total", NULL,
		    tt->drc_misses);
		metrics_family(o, "nfs_suite_drc_uncached_total", "counter",
		    "Calls of procedures the cache does not keep.");
		metrics_u64(o, "nfs_suite_drc_uncached_total", NULL, uncached);
	}
}

void
rpc_srv_metrics(struct rpc_srv *srv, struct mbuf *o)
{
	static const char *const kinds[3] = { "udp", "tcp", "local" };
	struct rpc_stats *s = srv->stats;
	struct rpc_srv_stats st;
	struct totals tt;
	char lab[128], d[64];
	unsigned k, threads, i;

	if (s == NULL || totals_get(srv, &tt) != 0) {
		o->err = true;
		return;
	}
	rpc_srv_get_stats(srv, &st);
	pthread_mutex_lock(&srv->qlock);
	threads = srv->nworkers;
	pthread_mutex_unlock(&srv->qlock);

	metrics_family(o, "nfs_suite_info", "gauge",
	    "The daemon and the suite's version.");
	snprintf(lab, sizeof(lab), "daemon=\"%s\",version=\"%s\"",
	    metrics_label_value(s->daemon[0] != '\0' ? s->daemon : "unknown",
	    d, sizeof(d)), PACKAGE_VERSION);
	metrics_u64(o, "nfs_suite_info", lab, 1);
	metrics_family(o, "nfs_suite_start_time_seconds", "gauge",
	    "When the daemon started, seconds since the epoch.");
	metrics_u64(o, "nfs_suite_start_time_seconds", NULL,
	    (uint64_t)s->start);

	metrics_family(o, "nfs_suite_rpc_packets_total", "counter",
	    "Call messages received (UDP datagrams, TCP and local records).");
	for (k = 0; k < 3; k++) {
		snprintf(lab, sizeof(lab), "transport=\"%s\"", kinds[k]);
		metrics_u64(o, "nfs_suite_rpc_packets_total", lab,
		    tt.packets[k]);
	}
	metrics_family(o, "nfs_suite_rpc_rejected_total", "counter",
	    "Calls answered with an RPC error or dropped as undecodable, by "
	    "reason.");
	for (k = 0; k < REJ_N; k++) {
		snprintf(lab, sizeof(lab), "reason=\"%s\"", rej_names[k]);
		metrics_u64(o, "nfs_suite_rpc_rejected_total", lab, tt.rej[k]);
	}
	metrics_family(o, "nfs_suite_rpc_replies_total", "counter",
	    "Replies handed to the transport.");
	metrics_u64(o, "nfs_suite_rpc_replies_total", NULL, st.replies);
	metrics_family(o, "nfs_suite_rpc_dropped_total", "counter",
	    "Calls dropped without a reply (overload, retransmissions of "
	    "running calls, handlers' choice).");
	metrics_u64(o, "nfs_suite_rpc_dropped_total", NULL, st.dropped);

	render_procs(srv, o, &tt);

	metrics_family(o, "nfs_suite_rpc_connections", "gauge",
	    "Connections open (TCP and local).");
	metrics_u64(o, "nfs_suite_rpc_connections", NULL, st.conns_open);
	metrics_family(o, "nfs_suite_rpc_connections_accepted_total", "counter",
	    "Connections accepted.");
	metrics_u64(o, "nfs_suite_rpc_connections_accepted_total", NULL,
	    st.conns_accepted);
	metrics_family(o, "nfs_suite_rpc_connections_closed_total", "counter",
	    "Connections closed, for any reason.");
	metrics_u64(o, "nfs_suite_rpc_connections_closed_total", NULL,
	    st.conns_closed);
	metrics_family(o, "nfs_suite_rpc_connections_evicted_total", "counter",
	    "Connections closed to keep the server's bounds (connection "
	    "limit, stalled replies, memory budgets).");
	metrics_u64(o, "nfs_suite_rpc_connections_evicted_total", NULL,
	    st.conns_evicted);
	metrics_family(o, "nfs_suite_rpc_connections_idle_closed_total",
	    "counter", "Connections closed after the idle timeout.");
	metrics_u64(o, "nfs_suite_rpc_connections_idle_closed_total", NULL,
	    st.conns_idle_closed);
	metrics_family(o, "nfs_suite_rpc_records_rejected_total", "counter",
	    "TCP records that closed their connection.");
	metrics_u64(o, "nfs_suite_rpc_records_rejected_total",
	    "reason=\"oversize\"", st.records_oversize);
	metrics_u64(o, "nfs_suite_rpc_records_rejected_total",
	    "reason=\"malformed\"", st.records_bad);
	metrics_family(o, "nfs_suite_rpc_queued_calls", "gauge",
	    "Calls waiting for a worker thread.");
	metrics_u64(o, "nfs_suite_rpc_queued_calls", NULL, st.queued);
	metrics_family(o, "nfs_suite_rpc_queued_bytes", "gauge",
	    "Bytes of calls read and not answered (in), of replies not yet "
	    "written (out).");
	metrics_u64(o, "nfs_suite_rpc_queued_bytes", "direction=\"in\"",
	    atomic_load(&srv->qbytes));
	metrics_u64(o, "nfs_suite_rpc_queued_bytes", "direction=\"out\"",
	    atomic_load(&srv->oq_bytes));
	metrics_family(o, "nfs_suite_rpc_threads", "gauge",
	    "Worker threads.");
	metrics_u64(o, "nfs_suite_rpc_threads", NULL, threads);
	metrics_family(o, "nfs_suite_rpc_busy_threads", "gauge",
	    "Threads running a call.");
	metrics_u64(o, "nfs_suite_rpc_busy_threads", NULL, tt.busy);
	free(tt.p);

	for (i = 0; i < s->nextra; i++)
		s->extra[i].fn(o, s->extra[i].arg);
}

int
rpc_srv_add_metrics(struct rpc_srv *srv, void (*fn)(struct mbuf *, void *),
    void *arg)
{
	struct rpc_stats *s = srv->stats;

	if (s == NULL || s->nextra >= MAX_EXTRA)
		return -ENOSPC;
	s->extra[s->nextra].fn = fn;
	s->extra[s->nextra].arg = arg;
	s->nextra++;
	return 0;
}
