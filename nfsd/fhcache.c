/*
 * fhcache.c: see fhcache.h. A table of two-slot buckets (a key may sit in
 * either slot of its bucket; a new one replaces the less recently used),
 * bucket b guarded by stripe b % STRIPES.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nfsd/fhcache.h"

#define STRIPES		256

struct slot {
	struct fhc_key	key;
	uint32_t	export_id;
	uint8_t		volid[FH_VOLID_LEN];
	uint8_t		form;
	uint8_t		len;		/* 0: empty */
	uint8_t		wire[FH_MAXSIZE];
	uint8_t		mru;		/* first slot of a bucket: which of
					   the two was used last */
};

struct fhcache {
	unsigned		 mask;		/* buckets - 1 */
	struct slot		*slots;		/* 2 per bucket */
	pthread_mutex_t		 locks[STRIPES];
	atomic_uint_fast64_t	 hits, misses;
};

struct fhcache *
fhcache_new(unsigned slots)
{
	struct fhcache *c;
	unsigned n = STRIPES, i;

	if (slots == 0)
		return NULL;
	while (n < slots && n < (1u << 30))
		n <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->slots = calloc(n, sizeof(*c->slots))) == NULL) {
		free(c);
		return NULL;
	}
	c->mask = n / 2 - 1;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	atomic_init(&c->hits, 0);
	atomic_init(&c->misses, 0);
	return c;
}

void
fhcache_free(struct fhcache *c)
{
	unsigned i;

	if (c == NULL)
		return;
	for (i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

size_t
fhcache_bytes(const struct fhcache *c)
{
	return c == NULL ? 0 : sizeof(*c) + ((size_t)c->mask + 1) * 2 *
	    sizeof(struct slot);
}

/* A 64-bit mix of the key (multiply-xorshift; not keyed: the table only
 * ever holds handles the server made, a client cannot choose what goes in
 * beyond its own files, and a collision costs one name_to_handle_at). */
static unsigned
bucket_of(const struct fhcache *c, const struct fhc_key *k, uint32_t export_id)
{
	uint64_t h = k->ino * 0x9e3779b97f4a7c15ULL;

	h ^= k->dev + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
	h ^= ((uint64_t)k->btime_sec << 30) ^ k->btime_nsec ^
	    ((uint64_t)export_id << 17);
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	return (unsigned)h & c->mask;
}

static bool
key_eq(const struct fhc_key *a, const struct fhc_key *b)
{
	return a->ino == b->ino && a->dev == b->dev &&
	    a->btime_sec == b->btime_sec && a->btime_nsec == b->btime_nsec;
}

static bool
slot_is(const struct slot *s, const struct fhc_key *k, uint32_t export_id,
    const uint8_t volid[FH_VOLID_LEN], int form)
{
	return s->len != 0 && key_eq(&s->key, k) && s->export_id == export_id &&
	    s->form == (uint8_t)form &&
	    memcmp(s->volid, volid, FH_VOLID_LEN) == 0;
}

int
fhcache_get(struct fhcache *c, const struct fhc_key *k, uint32_t export_id,
    const uint8_t volid[FH_VOLID_LEN], int form, uint8_t *out, size_t *lenp)
{
	struct slot *s;
	unsigned b, j;
	int hit = 0;

	if (c == NULL || !fhcache_keyable(k))
		return 0;
	b = bucket_of(c, k, export_id);
	pthread_mutex_lock(&c->locks[b % STRIPES]);
	for (j = 0; j < 2; j++) {
		s = &c->slots[2 * b + j];
		if (slot_is(s, k, export_id, volid, form) && s->len <= *lenp) {
			memcpy(out, s->wire, s->len);
			*lenp = s->len;
			c->slots[2 * b].mru = (uint8_t)j;
			hit = 1;
			break;
		}
	}
	pthread_mutex_unlock(&c->locks[b % STRIPES]);
	atomic_fetch_add_explicit(hit ? &c->hits : &c->misses, 1,
	    memory_order_relaxed);
	return hit;
}

void
fhcache_put(struct fhcache *c, const struct fhc_key *k, uint32_t export_id,
    const uint8_t volid[FH_VOLID_LEN], int form, const uint8_t *wire,
    size_t len)
{
	struct slot *s, *a, *z;
	unsigned b;

	if (c == NULL || !fhcache_keyable(k) || len == 0 || len > FH_MAXSIZE)
		return;
	b = bucket_of(c, k, export_id);
	pthread_mutex_lock(&c->locks[b % STRIPES]);
	a = &c->slots[2 * b];
	z = a + 1;
	/* the same object again, else an empty slot, else the one not used
	 * last */
	if (slot_is(a, k, export_id, volid, form))
		s = a;
	else if (slot_is(z, k, export_id, volid, form))
		s = z;
	else if (a->len == 0)
		s = a;
	else if (z->len == 0)
		s = z;
	else
		s = a->mru == 0 ? z : a;
	s->key = *k;
	s->export_id = export_id;
	memcpy(s->volid, volid, FH_VOLID_LEN);
	s->form = (uint8_t)form;
	memcpy(s->wire, wire, len);
	s->len = (uint8_t)len;
	a->mru = (uint8_t)(s - a);
	pthread_mutex_unlock(&c->locks[b % STRIPES]);
}

void
fhcache_counts(const struct fhcache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = c == NULL ? 0 : atomic_load_explicit(&c->hits,
	    memory_order_relaxed);
	*misses = c == NULL ? 0 : atomic_load_explicit(&c->misses,
	    memory_order_relaxed);
}
