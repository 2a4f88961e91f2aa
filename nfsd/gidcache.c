/*
 * gidcache.c: see gidcache.h. A small hash table under one mutex; the NSS
 * lookup runs outside the lock, so a slow directory service delays only
 * the callers that need that uid.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfsd/gidcache.h"

#define GC_BUCKETS	1024

struct gc_ent {
	uid_t		 uid;
	time_t		 expires;
	int		 ngroups;	/* -1: unknown user */
	gid_t		*groups;
	struct gc_ent	*next;
};

struct gidcache {
	pthread_mutex_t	 lock;
	unsigned	 max, n;
	struct gc_ent	*b[GC_BUCKETS];
};

struct gidcache *
gidcache_new(unsigned max)
{
	struct gidcache *gc;

	if ((gc = calloc(1, sizeof(*gc))) == NULL)
		return NULL;
	pthread_mutex_init(&gc->lock, NULL);
	gc->max = max != 0 ? max : 4096;
	if (gc->max < 2)
		gc->max = 2;
	return gc;
}

static void
ent_free(struct gc_ent *e)
{
	free(e->groups);
	free(e);
}

void
gidcache_free(struct gidcache *gc)
{
	struct gc_ent *e;
	unsigned i;

	if (gc == NULL)
		return;
	for (i = 0; i < GC_BUCKETS; i++)
		while ((e = gc->b[i]) != NULL) {
			gc->b[i] = e->next;
			ent_free(e);
		}
	pthread_mutex_destroy(&gc->lock);
	free(gc);
}

/* Ask NSS: the user's groups, or ngroups -1 for an unknown uid. */
static struct gc_ent *
lookup(uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	struct gc_ent *e;
	char *buf;
	long bsz = sysconf(_SC_GETPW_R_SIZE_MAX);
	int n = 64;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->uid = uid;
	e->ngroups = -1;
	if (bsz <= 0)
		bsz = 16384;
	if ((buf = malloc((size_t)bsz)) == NULL)
		goto out;
	if (getpwuid_r(uid, &pw, buf, (size_t)bsz, &pwp) != 0 || pwp == NULL)
		goto out;
	for (;;) {
		gid_t *g = realloc(e->groups, (size_t)n * sizeof(*g));
		int want = n;

		if (g == NULL)
			goto out;
		e->groups = g;
		if (getgrouplist(pw.pw_name, pw.pw_gid, g, &want) >= 0) {
			e->ngroups = want;
			break;
		}
		if (want <= n || want > CRED_MAXGROUPS * 4)
			break;
		n = want;
	}
out:
	free(buf);
	e->expires = time(NULL) + (e->ngroups >= 0 ? GIDCACHE_TTL :
	    GIDCACHE_NEG_TTL);
	return e;
}

/* Drop a bucket's expired entries, or all of them when everything goes. */
static void
prune(struct gidcache *gc, unsigned bucket, time_t now, bool all)
{
	struct gc_ent **pp = &gc->b[bucket], *e;

	while ((e = *pp) != NULL) {
		if (all || e->expires <= now) {
			*pp = e->next;
			ent_free(e);
			gc->n--;
		} else
			pp = &e->next;
	}
}

/* Room for one more: expired entries first, then whole buckets. */
static void
make_room(struct gidcache *gc, time_t now)
{
	unsigned i;

	if (gc->n < gc->max)
		return;
	for (i = 0; i < GC_BUCKETS; i++)
		prune(gc, i, now, false);
	for (i = 0; gc->n >= gc->max && i < GC_BUCKETS; i++)
		prune(gc, i, now, true);
}

int
gidcache_apply(struct gidcache *gc, struct cred *c)
{
	unsigned h = (unsigned)c->uid % GC_BUCKETS, i, n;
	time_t now = time(NULL);
	struct gc_ent *e, *fresh = NULL;
	int rc = -ENOENT;

	for (;;) {
		pthread_mutex_lock(&gc->lock);
		prune(gc, h, now, false);
		for (e = gc->b[h]; e != NULL; e = e->next)
			if (e->uid == c->uid)
				break;
		if (e == NULL && fresh != NULL) {
			make_room(gc, now);
			fresh->next = gc->b[h];
			gc->b[h] = e = fresh;
			gc->n++;
			fresh = NULL;
		}
		if (e != NULL) {
			if (e->ngroups >= 0) {
				n = (unsigned)e->ngroups < CRED_MAXGROUPS ?
				    (unsigned)e->ngroups : CRED_MAXGROUPS;
				for (i = 0; i < n; i++)
					c->groups[i] = e->groups[i];
				c->ngroups = n;
				rc = 0;
			}
			pthread_mutex_unlock(&gc->lock);
			break;
		}
		pthread_mutex_unlock(&gc->lock);
		/* not cached: ask NSS without the lock, then insert */
		if ((fresh = lookup(c->uid)) == NULL)
			return -ENOMEM;
	}
	if (fresh != NULL)
		ent_free(fresh);	/* another thread inserted it first */
	return rc;
}

bool
gidcache_known(struct gidcache *gc, uid_t uid)
{
	unsigned h = (unsigned)uid % GC_BUCKETS;
	time_t now = time(NULL);
	struct gc_ent *e;
	bool known = false;

	pthread_mutex_lock(&gc->lock);
	for (e = gc->b[h]; e != NULL; e = e->next)
		if (e->uid == uid) {
			known = e->expires > now;
			break;
		}
	pthread_mutex_unlock(&gc->lock);
	return known;
}

unsigned
gidcache_count(struct gidcache *gc)
{
	unsigned n;

	pthread_mutex_lock(&gc->lock);
	n = gc->n;
	pthread_mutex_unlock(&gc->lock);
	return n;
}
