/*
 * drc.c: the duplicate request cache. A call to a non-idempotent procedure
 * (P_DRC) is entered here before it runs; a retransmission (same xid,
 * caller address and port, program, version, procedure and argument
 * checksum) that arrives while it runs is dropped, and one that arrives
 * after gets the cached reply bytes instead of a second execution. Bounded:
 * the least recently used finished entries go first.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/rpc/rpc_int.h"

#define DRC_BUCKETS	1024
#define DRC_SUM_BYTES	1024	/* how much of the arguments the checksum covers */

struct drc_entry {
	uint32_t		 xid, prog, vers, proc;
	uint64_t		 sum;
	struct sockaddr_storage	 peer;
	bool			 done;
	uint8_t			*reply;
	size_t			 len;
	struct drc_entry	*hnext;			/* bucket chain */
	struct drc_entry	*lprev, *lnext;		/* LRU, newest first */
};

struct drc {
	pthread_mutex_t		 lock;
	unsigned		 max, n;
	struct drc_entry	*buckets[DRC_BUCKETS];
	struct drc_entry	*lru_head, *lru_tail;
};

static uint64_t
args_sum(const struct req *rq)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i, n = rq->len - rq->args_off;

	if (n > DRC_SUM_BYTES)
		n = DRC_SUM_BYTES;
	for (i = 0; i < n; i++) {
		h ^= rq->buf[rq->args_off + i];
		h *= 1099511628211ULL;
	}
	return h ^ (uint64_t)(rq->len - rq->args_off) << 48;
}

static unsigned
bucket_of(uint32_t xid, uint64_t sum)
{
	return (unsigned)((xid * 2654435761u) ^ (uint32_t)sum) % DRC_BUCKETS;
}

static bool
same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return addr_host_eq((const struct sockaddr *)a, (const struct sockaddr *)b) &&
	    addr_port((const struct sockaddr *)a) == addr_port((const struct sockaddr *)b);
}

struct drc *
drc_new(unsigned entries)
{
	struct drc *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	pthread_mutex_init(&d->lock, NULL);
	d->max = entries ? entries : 4096;
	return d;
}

static void
lru_unlink(struct drc *d, struct drc_entry *e)
{
	if (e->lprev) e->lprev->lnext = e->lnext; else d->lru_head = e->lnext;
	if (e->lnext) e->lnext->lprev = e->lprev; else d->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void
lru_push(struct drc *d, struct drc_entry *e)
{
	e->lnext = d->lru_head;
	e->lprev = NULL;
	if (d->lru_head)
		d->lru_head->lprev = e;
	d->lru_head = e;
	if (d->lru_tail == NULL)
		d->lru_tail = e;
}

static void
entry_remove(struct drc *d, struct drc_entry *e)
{
	struct drc_entry **pp = &d->buckets[bucket_of(e->xid, e->sum)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	lru_unlink(d, e);
	free(e->reply);
	free(e);
	d->n--;
}

void
drc_free(struct drc *d)
{
	if (d == NULL)
		return;
	while (d->lru_head != NULL)
		entry_remove(d, d->lru_head);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static struct drc_entry *
find(struct drc *d, const struct req *rq, uint64_t sum)
{
	struct drc_entry *e;

	for (e = d->buckets[bucket_of(rq->xid, sum)]; e != NULL; e = e->hnext)
		if (e->xid == rq->xid && e->sum == sum && e->prog == rq->prog &&
		    e->vers == rq->vers && e->proc == rq->proc &&
		    same_peer(&e->peer, &rq->peer))
			return e;
	return NULL;
}

int
drc_lookup(struct drc *d, const struct req *rq, uint8_t **reply, size_t *len)
{
	uint64_t sum = args_sum(rq);
	struct drc_entry *e;
	int rc = 0;

	pthread_mutex_lock(&d->lock);
	if ((e = find(d, rq, sum)) != NULL) {
		if (!e->done)
			rc = -EINPROGRESS;
		else if ((*reply = malloc(e->len)) == NULL)
			rc = -EINPROGRESS;	/* drop; the client retries */
		else {
			memcpy(*reply, e->reply, e->len);
			*len = e->len;
			lru_unlink(d, e);
			lru_push(d, e);
			rc = 1;
		}
		goto out;
	}
	/* make room: oldest finished entries first */
	while (d->n >= d->max && d->lru_tail != NULL) {
		struct drc_entry *v = d->lru_tail;

		while (v != NULL && !v->done)
			v = v->lprev;
		entry_remove(d, v != NULL ? v : d->lru_tail);
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto out;	/* run uncached */
	e->xid = rq->xid;
	e->prog = rq->prog;
	e->vers = rq->vers;
	e->proc = rq->proc;
	e->sum = sum;
	memcpy(&e->peer, &rq->peer, sizeof(e->peer));
	e->hnext = d->buckets[bucket_of(e->xid, sum)];
	d->buckets[bucket_of(e->xid, sum)] = e;
	lru_push(d, e);
	d->n++;
out:
	pthread_mutex_unlock(&d->lock);
	return rc;
}

void
drc_store(struct drc *d, const struct req *rq, const uint8_t *reply, size_t len)
{
	struct drc_entry *e;

	pthread_mutex_lock(&d->lock);
	if ((e = find(d, rq, args_sum(rq))) != NULL && !e->done) {
		if ((e->reply = malloc(len)) != NULL) {
			memcpy(e->reply, reply, len);
			e->len = len;
			e->done = true;
		} else
			entry_remove(d, e);
	}
	pthread_mutex_unlock(&d->lock);
}

void
drc_abandon(struct drc *d, const struct req *rq)
{
	struct drc_entry *e;

	pthread_mutex_lock(&d->lock);
	if ((e = find(d, rq, args_sum(rq))) != NULL && !e->done)
		entry_remove(d, e);
	pthread_mutex_unlock(&d->lock);
}

void
drc_usage(struct drc *d, unsigned *n, unsigned *max)
{
	pthread_mutex_lock(&d->lock);
	*n = d->n;
	*max = d->max;
	pthread_mutex_unlock(&d->lock);
}
