/*
 * gss_ctx.c: RPCSEC_GSS contexts and their table (see gss_int.h), and the
 * sequence window (rpc_gss.h).
 */
#include <sys/random.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/rpc/gss_int.h"

/* ------------------------------------------------------------ the window */

static void
win_shift(uint64_t *b, unsigned n, uint32_t by)
{
	unsigned words = n / 64, i, w = by / 64, s = by % 64;

	if (by >= n) {
		memset(b, 0, words * sizeof(*b));
		return;
	}
	/* bit i moves to i + by: higher words take from lower ones */
	for (i = words; i-- > 0;) {
		uint64_t v = 0;

		if (i >= w) {
			v = b[i - w] << s;
			if (s != 0 && i > w)
				v |= b[i - w - 1] >> (64 - s);
		}
		b[i] = v;
	}
}

int
gss_seqwin_check(struct gss_seqwin *w, uint32_t seq)
{
	uint32_t d;

	if (!w->any) {
		w->any = true;
		w->max = seq;
		memset(w->bits, 0, sizeof(w->bits));
		w->bits[0] = 1;
		return 0;
	}
	if (seq > w->max) {
		win_shift(w->bits, GSS_SEQ_WIN, seq - w->max);
		w->max = seq;
		w->bits[0] |= 1;
		return 0;
	}
	d = w->max - seq;
	if (d >= GSS_SEQ_WIN)
		return -ERANGE;
	if (w->bits[d / 64] & (UINT64_C(1) << (d % 64)))
		return -EALREADY;
	w->bits[d / 64] |= UINT64_C(1) << (d % 64);
	return 0;
}

static unsigned
hash_handle(const uint8_t *h)
{
	uint32_t v;

	memcpy(&v, h, 4);
	return v % GSS_BUCKETS;
}

static void
lru_unlink(struct gss_table *gs, struct gctx *c)
{
	if (c->lprev != NULL)
		c->lprev->lnext = c->lnext;
	else
		gs->lru = c->lnext;
	if (c->lnext != NULL)
		c->lnext->lprev = c->lprev;
	else
		gs->lru_tail = c->lprev;
	c->lprev = c->lnext = NULL;
}

static void
lru_front(struct gss_table *gs, struct gctx *c)
{
	c->lnext = gs->lru;
	c->lprev = NULL;
	if (gs->lru != NULL)
		gs->lru->lprev = c;
	else
		gs->lru_tail = c;
	gs->lru = c;
}

static void
ctx_free(struct gctx *c)
{
	OM_uint32 minor;

	if (c->gctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &c->gctx, GSS_C_NO_BUFFER);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
gss_ctx_put(struct gss_table *gs, struct gctx *c)
{
	bool last;

	pthread_mutex_lock(&gs->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&gs->lock);
	if (last)
		ctx_free(c);
}

/* Take c out of the table (its requests keep it until they end). Table
 * lock held. */
static void
ctx_remove_locked(struct gss_table *gs, struct gctx *c)
{
	struct gctx **pp;

	if (c->dead)
		return;
	for (pp = &gs->buckets[hash_handle(c->handle)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	lru_unlink(gs, c);
	gs->n--;
	c->dead = true;
	c->refs--;		/* the table's reference */
}

void
gss_ctx_remove(struct gss_table *gs, struct gctx *c)
{
	bool last;

	pthread_mutex_lock(&gs->lock);
	ctx_remove_locked(gs, c);
	last = c->refs == 0;
	pthread_mutex_unlock(&gs->lock);
	if (last)
		ctx_free(c);
}

struct gctx *
gss_ctx_get(struct gss_table *gs, const uint8_t *h, size_t hlen)
{
	struct gctx *c;

	if (hlen != GSS_HANDLE_LEN)
		return NULL;
	pthread_mutex_lock(&gs->lock);
	for (c = gs->buckets[hash_handle(h)]; c != NULL; c = c->hnext)
		if (memcmp(c->handle, h, GSS_HANDLE_LEN) == 0)
			break;
	if (c != NULL) {
		c->refs++;
		lru_unlink(gs, c);
		lru_front(gs, c);
	}
	pthread_mutex_unlock(&gs->lock);
	return c;
}

/* Evict the least recently used idle context of client (NULL: of anyone).
 * Table lock held. Returns the evicted one for the caller to free after
 * unlocking (NULL if none could go). */
static struct gctx *
ctx_evict_locked(struct gss_table *gs, const struct sockaddr *client)
{
	struct gctx *c;

	for (c = gs->lru_tail; c != NULL; c = c->lprev) {
		if (client != NULL && !addr_host_eq((const struct sockaddr *)
		    &c->client, client))
			continue;
		ctx_remove_locked(gs, c);
		return c->refs == 0 ? c : NULL;
	}
	return NULL;
}

struct gctx *
gss_ctx_new(struct gss_table *gs, const struct sockaddr *client)
{
	struct gctx *c, *gone[2] = { NULL, NULL };
	struct gctx *o;
	unsigned per = 0;
	unsigned b;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (getrandom(c->handle, GSS_HANDLE_LEN, 0) != GSS_HANDLE_LEN) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->gctx = GSS_C_NO_CONTEXT;
	memcpy(&c->client, client, addr_len(client));
	addr_set_port((struct sockaddr *)&c->client, 0);
	c->refs = 2;		/* the table and the caller */
	pthread_mutex_lock(&gs->lock);
	for (o = gs->lru; o != NULL; o = o->lnext)
		if (addr_host_eq((const struct sockaddr *)&o->client,
		    (const struct sockaddr *)&c->client))
			per++;
	if (per >= gs->max_client)
		gone[0] = ctx_evict_locked(gs, (const struct sockaddr *)
		    &c->client);
	if (gs->n >= gs->max)
		gone[1] = ctx_evict_locked(gs, NULL);
	b = hash_handle(c->handle);
	c->hnext = gs->buckets[b];
	gs->buckets[b] = c;
	lru_front(gs, c);
	gs->n++;
	pthread_mutex_unlock(&gs->lock);
	if (gone[0] != NULL)
		ctx_free(gone[0]);
	if (gone[1] != NULL)
		ctx_free(gone[1]);
	return c;
}

void
gss_table_init(struct gss_table *t, unsigned max, unsigned max_client)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->max = max;
	t->max_client = max_client;
}

void
gss_table_destroy(struct gss_table *t)
{
	struct gctx *c;

	while ((c = t->lru) != NULL) {
		pthread_mutex_lock(&t->lock);
		ctx_remove_locked(t, c);
		pthread_mutex_unlock(&t->lock);
		if (c->refs == 0)
			ctx_free(c);
	}
	pthread_mutex_destroy(&t->lock);
}

unsigned
gss_table_count(struct gss_table *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->n;
	pthread_mutex_unlock(&t->lock);
	return n;
}
